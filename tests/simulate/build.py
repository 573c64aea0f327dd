"""A compact way to write the tiny estates of rule tests, one dependency per line.

    a -> b                      a needs b (hard, immediate)
    a -> b soft grace=30        soft, felt after 30 days
    a -> b group=dirs           hard, redundant with the other members of group "dirs"
    a -> b renewal              felt when a's contract ends
    a -> b caps=mail,calendar   the capabilities a uses from b
    s:svc -> a                  a service (prefix s:) needs a
    candidate k                 k is a candidate (not in use)
    retired r                   r is retired
    alt k for a R3 weeks=12 effort=4 covers=mail gaps=no-calendar
    realises a mail             a realises capability mail
    realises a mail partial     ... only in part
    capability mail E-mail      capability mail is named "E-mail" (else its id)
    contract a 2026-03-01       a's contract ends then
    contract a 2026-03-01 notice=90 renews=12 fee=5000
                                ... with notice days, a renewal term (months), a fee
    cost a 1200                 a costs 1200 a year
    alt k for a R3 migration=900 parallel=6
                                a one-off migration cost; months both run side by side
    export a                    only a's vendor can export its data
    vendor a other              a is provided (operated) by vendor "other"
    a -> b assumed              the dependency is assumed (alt ... assumed alike)
    a -> b inferred=strength    read by an import that inferred its strength (assumed)
    assumed a                   component a is assumed
    users svc org 500 assumed   organisation org has 500 users of service svc (assumed)

Every other node is a SaaS component operated by vendor ``v``.
"""

from __future__ import annotations

import textwrap
from collections import Counter, defaultdict
from datetime import date
from typing import Any

from exitplan.graph import EmbeddedGraph
from exitplan.model import Estate

AS_OF = date(2026, 1, 1)


def _options(words: list[str]) -> dict[str, str]:
    options = {}
    for word in words:
        key, _, value = word.partition("=")
        options[key] = value
    return options


def build(spec: str, *, as_of: date | None = AS_OF) -> EmbeddedGraph:
    return EmbeddedGraph(estate(spec, as_of=as_of))


def estate(spec: str, *, as_of: date | None = AS_OF) -> Estate:  # noqa: PLR0912  # one branch per line kind of the spec
    nodes: dict[str, dict[str, Any]] = {}
    vendors = {"v"}
    organisations: set[str] = set()
    capabilities: set[str] = set()
    capability_names: dict[str, str] = {}
    alternatives: list[dict[str, Any]] = []

    def node(name: str) -> dict[str, Any]:
        if name not in nodes:
            service = name.startswith("s:")
            nodes[name] = {
                "id": name.removeprefix("s:"),
                "name": name.removeprefix("s:"),
                "depends_on": [],
                "_service": service,
            }
            if not service:
                nodes[name].update({"vendor": "v", "delivery": "saas"})
        return nodes[name]

    deps: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for raw in textwrap.dedent(spec).strip().splitlines():
        words = raw.split()
        if not words or words[0].startswith("#"):
            continue
        if len(words) >= 3 and words[1] == "->":
            _source, target, options = node(words[0]), node(words[2]), _options(words[3:])
            dependency: dict[str, Any] = {"ref": target["id"]}
            if "soft" in options:
                dependency["strength"] = "soft"
            if "grace" in options:
                dependency["onset"] = {"grace_days": int(options["grace"])}
            if "renewal" in options:
                dependency["onset"] = "at_renewal"
            if "group" in options:
                dependency["any_of_group"] = options["group"]
            if "caps" in options:
                dependency["capabilities"] = options["caps"].split(",")
                capabilities.update(dependency["capabilities"])
            if "assumed" in options:
                dependency["assumed"] = True
            if "inferred" in options:  # read by an import, which inferred these fields
                inferred = options["inferred"].split(",")
                dependency["origin"] = {"file": "model.xml", "id": "r1", "inferred": inferred}
                dependency["assumed"] = True
            deps[words[0]].append(dependency)
        elif words[0] == "candidate":
            node(words[1])["lifecycle"] = "candidate"
        elif words[0] == "retired":
            node(words[1])["lifecycle"] = "retired"
        elif words[0] == "alt":
            options = _options(words[5:])
            node(words[1])
            node(words[3])
            alternative: dict[str, Any] = {
                "for": words[3],
                "candidate": words[1],
                "readiness": words[4],
            }
            if "weeks" in options:
                alternative["duration_weeks"] = float(options["weeks"])
            if "effort" in options:
                alternative["effort_weeks"] = float(options["effort"])
            if "covers" in options:
                alternative["covers"] = options["covers"].split(",")
                capabilities.update(alternative["covers"])
            if "gaps" in options:
                alternative["gaps"] = options["gaps"].split(",")
            if "migration" in options:
                alternative["migration_cost"] = float(options["migration"])
            if "parallel" in options:
                alternative["parallel_months"] = int(options["parallel"])
            if "assumed" in options:
                alternative["assumed"] = True
            alternatives.append(alternative)
        elif words[0] == "realises":
            coverage = words[3] if len(words) > 3 else "full"
            node(words[1]).setdefault("capabilities", {})[words[2]] = coverage
            capabilities.add(words[2])
        elif words[0] == "capability":
            capability_names[words[1]] = " ".join(words[2:])
            capabilities.add(words[1])
        elif words[0] == "contract":
            options = _options(words[3:])
            contract: dict[str, Any] = {"end": words[2]}
            for key, field in (("notice", "notice_days"), ("renews", "renewal_months")):
                if key in options:
                    contract[field] = int(options[key])
            if "fee" in options:
                contract["termination_fee"] = float(options["fee"])
            node(words[1])["contract"] = contract
        elif words[0] == "cost":
            node(words[1])["cost_per_year"] = float(words[2])
        elif words[0] == "export":
            node(words[1])["data_export"] = "vendor_only"
        elif words[0] == "vendor":
            node(words[1])["vendor"] = words[2]
            vendors.add(words[2])
        elif words[0] == "assumed":
            node(words[1])["assumed"] = True
        elif words[0] == "users":
            consumer = {"organisation": words[2], "users": int(words[3])}
            if "assumed" in words[4:]:
                consumer["assumed"] = True
            node(f"s:{words[1]}").setdefault("consumers", []).append(consumer)
            organisations.add(words[2])
        else:
            raise ValueError(f"cannot read spec line {raw!r}")
    for name, dependencies in deps.items():
        nodes[name]["depends_on"] = dependencies
    components = [
        {k: v for k, v in n.items() if not k.startswith("_")}
        for n in nodes.values()
        if not n["_service"]
    ]
    services = [
        {k: v for k, v in n.items() if not k.startswith("_")}
        for n in nodes.values()
        if n["_service"]
    ]
    return Estate.model_validate(
        {
            "info": {"name": "tiny", "as_of": as_of},
            "organisations": [{"id": o, "name": o.upper()} for o in sorted(organisations)],
            "vendors": [{"id": vendor, "name": vendor.upper()} for vendor in sorted(vendors)],
            "components": sorted(components, key=lambda c: c["id"]),
            "services": sorted(services, key=lambda s: s["id"]),
            "capabilities": [
                {"id": c, "name": capability_names.get(c, c)} for c in sorted(capabilities)
            ],
            "alternatives": alternatives,
        }
    )


class Reads:
    """A backend that records each read made of it, as Neo4j makes each a query:
    ``reads`` by method and arguments, ``by_method()`` by method alone."""

    def __init__(self, backend: Any) -> None:
        self.backend = backend
        self.reads: Counter[str] = Counter()

    def by_method(self) -> Counter[str]:
        counted: Counter[str] = Counter()
        for call, count in self.reads.items():
            counted[call.partition("[")[0]] += count
        return counted

    def __getattr__(self, name: str) -> Any:
        found = getattr(self.backend, name)
        if not callable(found):
            return found

        def read(*args: Any, **kwargs: Any) -> Any:
            shown = [sorted(a) if isinstance(a, (set, frozenset)) else a for a in args]
            self.reads[f"{name}{shown}{sorted(kwargs.items(), key=str)}"] += 1
            return found(*args, **kwargs)

        return read
