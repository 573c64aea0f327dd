"""Policy checks (DESIGN.md §4 "Policies"): the legal and exit-readiness lens on an estate.

Each rule reads the estate through the backend port and returns findings: what is wrong,
how serious, in plain words, and what would resolve it. The rules:

``third-country-transfer``
    A data flow with personal data to a component that reaches a country outside the
    EU/EEA (its operating, sub-processing or support vendor is based there, or its data
    rest or are processed there), or that the estate records as a transfer (any basis
    other than ``intra_eea``, e.g. an EU subsidiary whose US parent reaches the data).
    Severity by the recorded basis: none (``not_assessed``), or ``intra_eea`` although a
    third country is reached → error; the EU-US Data Privacy Framework (``adequacy_dpf``)
    → warning, it can be struck down as Safe Harbour (2015) and Privacy Shield (2020)
    were, and an error when the importer's group is recorded as not certified; standard
    contractual clauses or binding corporate rules → warning, a transfer impact
    assessment is needed; art. 49 derogations → warning, they suit occasional transfers
    only; another adequacy decision → info.

``foreign-disclosure``
    Confidential or secret data (or a confidentiality level K ≥ 3) to a component one of
    whose vendors belongs to a group exposed to foreign disclosure orders (e.g. the US
    CLOUD Act). Secret data or K ≥ 3 → error, other confidential data → warning; a
    recorded suitability assessment that passed → info, one that failed → error.

``exit-readiness``
    Components that a high or critical service needs (directly or transitively) with no
    exit plan, a plan not tested within 12 months, or no identified alternative. Error
    when a critical service needs a component with no alternative, else warning.
    Components that only the organisation's own IT provider (a vendor group tagged
    ``own-provider``) stands behind have no vendor to leave and are not counted.

``concentration``
    Per vendor group (the ultimate parent and its subsidiaries): the share of critical
    services and of users that depend on it (the services that break when every component
    of the group is withdrawn, so redundancy across vendors is honoured),
    and its hubs (the components most of those services reach it through). Error from 90 %
    of the critical services, warning from 50 %, info from 25 %, or when half of the users
    depend on it through services that are not critical. A vendor group tagged
    ``own-provider`` is the organisation's own IT provider and is not counted.

``lifecycle``
    Components being phased out that services still need through hard dependencies (as
    the only choice or as one of a redundant group), with the date their contract ends;
    error when that date has passed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from exitplan.errors import UsageError
from exitplan.graph.port import GraphBackend, GraphEdge, GraphNode, Label, Rel, runs_today
from exitplan.model import NodeId
from exitplan.select import Mode
from exitplan.simulate import Options, simulate
from exitplan.simulate.propagate import propagate
from exitplan.simulate.result import FlowAtRisk, State

EU = frozenset(
    {
        *("AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU"),
        *("IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"),
    }
)
EEA = EU | {"IS", "LI", "NO"}
"""The EU member states and the three other EEA countries (ISO 3166-1 alpha-2)."""

ADEQUATE = frozenset(
    {"AD", "AR", "CA", "CH", "FO", "GB", "GG", "IL", "IM", "JE", "JP", "KR", "NZ", "UY"}
)
"""Countries with an EU adequacy decision of their own (the European Commission's list;
the United States only through the Data Privacy Framework, which is ``adequacy_dpf``)."""

TESTED_WITHIN = timedelta(days=365)
CONCENTRATION = ((0.9, "error"), (0.5, "warning"), (0.25, "info"))
"""Shares of critical services or users from which one vendor group is a finding."""

OWN_PROVIDER = "own-provider"

REACHING_ROLES = frozenset({"operator", "subprocessor", "support_access"})
"""Vendor roles that see the data: whoever runs, sub-processes or supports a component."""

BASIS = {
    "intra_eea": "stays in the EU/EEA (intra_eea)",
    "adequacy": "an adequacy decision (adequacy)",
    "adequacy_dpf": "the EU-US Data Privacy Framework (adequacy_dpf)",
    "scc": "standard contractual clauses (scc)",
    "bcr": "binding corporate rules (bcr)",
    "art49": "an art. 49 derogation (art49)",
    "not_assessed": "none recorded (not_assessed)",
}


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for errors, 1 for warnings, 2 for information: the order findings are listed."""
        return list(Severity).index(self)


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    subject: str
    """The id of the flow, component or vendor the finding is about."""
    name: str
    explanation: str
    resolution: str
    facts: tuple[tuple[str, str], ...] = ()
    """Figures behind the finding (basis, countries, shares), for JSON and CSV readers."""

    @property
    def sort_key(self) -> tuple[int, str, str]:
        return (self.severity.rank, self.rule, self.subject)


@dataclass(frozen=True)
class CheckResult:
    estate: str
    as_of: date | None
    rules: tuple[str, ...]
    findings: tuple[Finding, ...]

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    def fails(self, threshold: Severity) -> bool:
        """Whether a finding at ``threshold`` or more serious exists."""
        return any(f.severity.rank <= threshold.rank for f in self.findings)


@dataclass(frozen=True)
class Impact:
    """The services that withdrawing one component breaks, and those it only degrades."""

    broken: frozenset[NodeId]
    degraded: frozenset[NodeId]


@dataclass
class EstateView:
    """The estate read once through the port, indexed for the rules."""

    backend: GraphBackend
    as_of: date | None
    """The day of the check; ``None`` when the estate is undated (no age is judged then)."""
    nodes: dict[NodeId, GraphNode] = field(default_factory=dict)
    providers: dict[NodeId, list[tuple[GraphNode, tuple[str, ...]]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    needs: dict[NodeId, list[GraphEdge]] = field(default_factory=lambda: defaultdict(list))
    flows: list[GraphEdge] = field(default_factory=list)
    alternatives: dict[NodeId, list[NodeId]] = field(default_factory=lambda: defaultdict(list))
    uses: list[GraphEdge] = field(default_factory=list)
    realises: dict[NodeId, list[NodeId]] = field(default_factory=lambda: defaultdict(list))
    _flows_by_id: dict[str, GraphEdge] = field(default_factory=dict)
    _impacts: dict[NodeId, Impact] = field(default_factory=dict)

    @classmethod
    def read(cls, backend: GraphBackend, as_of: date | None) -> EstateView:
        view = cls(backend, as_of)
        view.nodes = {node.id: node for node in backend.nodes()}
        for edge in backend.edges(Rel.PROVIDED_BY):
            roles = tuple(str(r) for r in edge.properties.get("roles", ()))  # type: ignore[union-attr]
            view.providers[edge.source].append((view.nodes[edge.target], roles))
        for edge in backend.edges(Rel.DEPENDS_ON):
            view.needs[edge.source].append(edge)
        view.flows = sorted(backend.edges(Rel.FLOWS_TO), key=lambda e: str(e.properties["id"]))
        for edge in backend.edges(Rel.ALTERNATIVE_FOR):
            view.alternatives[edge.target].append(edge.source)
        view.uses = backend.edges(Rel.USES)
        for edge in backend.edges(Rel.REALISES):
            view.realises[edge.source].append(edge.target)
        return view

    def name(self, node_id: NodeId) -> str:
        return self.nodes[node_id].name

    def flow(self, flow_id: str) -> GraphEdge:
        """The data flow with this id."""
        if not self._flows_by_id:
            self._flows_by_id = {str(f.properties["id"]): f for f in self.flows}
        return self._flows_by_id[flow_id]

    def group_of(self, vendor: GraphNode) -> GraphNode:
        """The vendor's ultimate parent (itself when it has none)."""
        return self.nodes.get(
            NodeId(str(vendor.properties.get("ultimate_parent", vendor.id))), vendor
        )

    def own(self, component_id: NodeId) -> bool:
        """Whether only the organisation's own IT provider stands behind a component."""
        vendors = self.providers.get(component_id, ())
        return bool(vendors) and all(
            OWN_PROVIDER in self.group_of(v).properties.get("tags", ())  # type: ignore[operator]
            for v, _ in vendors
        )

    def vendor_text(self, vendor: GraphNode) -> str:
        """ "Microsoft Ireland Operations Limited (IE), owned by Microsoft Corporation (US)"."""
        text = _with_country(vendor)
        parent = self.group_of(vendor)
        if parent.id != vendor.id:
            text += f", owned by {_with_country(parent)}"
        return text

    def impact(self, component_id: NodeId) -> Impact:
        """The services that break or degrade when this component alone is withdrawn, as
        the simulation works it out (through redundant groups, soft dependencies and grace
        periods): what "needed" means in every rule."""
        known = self._impacts.get(component_id)
        if known is None:
            region = self.backend.dependency_region([component_id])
            times = propagate(region, [component_id], start=self.as_of)
            services = {
                node_id for node_id in times.degrade if self.nodes[node_id].label is Label.SERVICE
            }
            broken = frozenset(s for s in services if s in times.fail)
            known = self._impacts[component_id] = Impact(broken, frozenset(services) - broken)
        return known

    def services(self) -> list[GraphNode]:
        return sorted(
            (n for n in self.nodes.values() if n.label is Label.SERVICE), key=lambda n: n.id
        )

    def components_in_use(self) -> list[GraphNode]:
        return sorted(
            (n for n in self.nodes.values() if n.label is Label.COMPONENT and runs_today(n)),
            key=lambda n: n.id,
        )


def _with_country(vendor: GraphNode) -> str:
    country = vendor.properties.get("hq_country")
    return f"{vendor.name} ({country})" if country else vendor.name


def _names(items: Iterable[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _countries(node: GraphNode, key: str) -> tuple[str, ...]:
    return tuple(str(c) for c in node.properties.get(key, ()))  # type: ignore[union-attr]


def third_countries(view: EstateView, component: GraphNode) -> list[str]:
    """How a component reaches a country outside the EU/EEA, in words; empty if it does not."""
    return _reach(view, component)[0]


def _reach(view: EstateView, component: GraphNode) -> tuple[list[str], set[str], bool]:
    """The reasons, the third countries, and whether the estate says where the component
    is at all (a vendor that sees the data with a known country, or a recorded location)."""
    reasons, countries, known = [], set(), False
    for vendor, roles in sorted(view.providers.get(component.id, ()), key=lambda p: p[0].id):
        country = vendor.properties.get("hq_country")
        if not REACHING_ROLES & set(roles):
            continue
        known = known or bool(country)
        if country and country not in EEA:
            role = "/".join(r.replace("_", " ") for r in roles if r in REACHING_ROLES)
            reasons.append(f"{role} {_with_country(vendor)}")
            countries.add(str(country))
    for key, what in (("data_at_rest", "data stored in"), ("processing", "processed in")):
        recorded = _countries(component, key)
        known = known or bool(recorded)
        outside = [c for c in recorded if c not in EEA]
        if outside:
            reasons.append(f"{what} {', '.join(outside)}")
            countries.update(outside)
    return reasons, countries, known


def _flow_name(flow: GraphEdge) -> str:
    return str(flow.properties.get("name") or flow.properties["id"])


def _flow_text(view: EstateView, flow: GraphEdge) -> str:
    assets = ", ".join(str(a) for a in flow.properties.get("assets", ()))  # type: ignore[union-attr]
    return f"{_flow_name(flow)}: {assets} from {view.name(flow.source)} to {view.name(flow.target)}"


def third_country_transfer(view: EstateView) -> list[Finding]:
    findings = []
    for flow in view.flows:
        personal = str(flow.properties.get("personal_data", "none"))
        target = view.nodes[flow.target]
        if personal == "none" or target.label is not Label.COMPONENT or not runs_today(target):
            continue
        basis = str(flow.properties.get("transfer", "not_assessed"))
        reach, countries, known = _reach(view, target)
        if not reach and basis in ("intra_eea", "not_assessed"):
            if not known:
                findings.append(_unknown_location(view, flow, personal, basis))
            continue  # the data stay in the EU/EEA: no transfer
        operators = [v for v, roles in view.providers.get(target.id, ()) if "operator" in roles]
        where = (
            "reaches a third country: " + "; ".join(reach)
            if reach
            else "is recorded as a transfer; operated by "
            + (_names([view.vendor_text(v) for v in operators]) or "no recorded operator")
        )
        severity, why, fix = _by_basis(view, basis, operators, countries)
        special = (
            " The data include special categories (GDPR art. 9)."
            if personal == "special_category"
            else ""
        )
        findings.append(
            Finding(
                "third-country-transfer",
                severity,
                str(flow.properties["id"]),
                _flow_name(flow),
                f"{_flow_text(view, flow)} ({personal} personal data) {where}. "
                f"Transfer basis: {BASIS.get(basis, basis)}. {why}{special}",
                fix,
                (
                    ("transfer", basis),
                    ("personal_data", personal),
                    ("third_country", "; ".join(reach)),
                ),
            )
        )
    return findings


def _unknown_location(view: EstateView, flow: GraphEdge, personal: str, basis: str) -> Finding:
    return Finding(
        "third-country-transfer",
        Severity.WARNING,
        str(flow.properties["id"]),
        _flow_name(flow),
        f"{_flow_text(view, flow)} ({personal} personal data): the estate records neither the "
        f"country of a vendor that sees the data nor where {view.name(flow.target)} stores "
        "or processes them, so it cannot show that they stay in the EU/EEA. "
        f"Transfer basis: {BASIS.get(basis, basis)}.",
        "Record the operating vendor's hq_country and the component's data_at_rest and "
        "processing countries.",
        (("transfer", basis), ("personal_data", personal), ("third_country", "unknown")),
    )


def _by_basis(
    view: EstateView, basis: str, operators: Sequence[GraphNode], countries: set[str]
) -> tuple[Severity, str, str]:
    if basis == "not_assessed":
        return (
            Severity.ERROR,
            "No legal basis for the transfer is recorded.",
            "Assess the transfer and record its basis (adequacy, standard contractual clauses "
            "with a transfer impact assessment, binding corporate rules), or keep the data "
            "in the EU/EEA.",
        )
    if basis == "intra_eea":
        return (
            Severity.ERROR,
            "The flow is recorded as staying in the EU/EEA, but it does not.",
            "Correct the recorded transfer basis, or move the data to a component that stays "
            "in the EU/EEA.",
        )
    if basis == "adequacy_dpf":
        parents = [view.group_of(v) for v in operators]
        if any(p.properties.get("dpf_certified") is False for p in parents):
            return (
                Severity.ERROR,
                "The operator's group is recorded as not certified under the Data Privacy "
                "Framework, so the framework does not cover this transfer.",
                "Put standard contractual clauses with a transfer impact assessment in place, "
                "or move the data to an EU/EEA provider.",
            )
        certified = (
            " The group is certified."
            if parents and all(p.properties.get("dpf_certified") for p in parents)
            else " Whether the group is certified is not recorded."
        )
        return (
            Severity.WARNING,
            "The framework is an adequacy decision the EU Court of Justice can strike down, "
            "as it struck down Safe Harbour (2015) and Privacy Shield (2020)." + certified,
            "Keep a fallback ready: standard contractual clauses with a transfer impact "
            "assessment, or an EU/EEA alternative (see a scenario with invalidate_transfer: "
            "[adequacy_dpf]).",
        )
    if basis in ("scc", "bcr"):
        return (
            Severity.WARNING,
            "Such a transfer needs a transfer impact assessment showing the foreign law "
            "does not undermine the safeguards (Schrems II, C-311/18).",
            "Record the transfer impact assessment and the supplementary measures it calls for.",
        )
    if basis == "art49":
        return (
            Severity.WARNING,
            "Art. 49 derogations suit occasional transfers, not a service in daily use.",
            "Find a lasting basis (adequacy, standard contractual clauses) or an EU/EEA provider.",
        )
    uncovered = sorted(countries - ADEQUATE)
    if uncovered:
        us = " (the US is covered only by the Data Privacy Framework, adequacy_dpf)"
        return (
            Severity.WARNING,
            f"No adequacy decision covers {', '.join(uncovered)}"
            + (us if "US" in uncovered else "")
            + ".",
            "Record the basis the transfer really rests on, or move the data.",
        )
    return (
        Severity.INFO,
        "An adequacy decision covers the transfer.",
        "Follow the decision's periodic review.",
    )


CONFIDENTIAL = frozenset({"confidential", "secret"})


def foreign_disclosure(view: EstateView) -> list[Finding]:
    findings = []
    for flow in view.flows:
        classification = str(flow.properties.get("classification", "internal"))
        level = flow.properties.get("krt_k")
        high = classification == "secret" or (isinstance(level, int) and level >= 3)
        target = view.nodes[flow.target]
        if not (high or classification in CONFIDENTIAL) or target.label is not Label.COMPONENT:
            continue
        if not runs_today(target):
            continue
        exposed = []
        for vendor, roles in sorted(view.providers.get(target.id, ()), key=lambda p: p[0].id):
            laws = [str(x) for x in vendor.properties.get("exposure", ())]  # type: ignore[union-attr]
            if laws and REACHING_ROLES & set(roles):  # a licensor alone never sees the data
                exposed.append((vendor, laws))
        if not exposed:
            continue
        laws = sorted({law for _, group in exposed for law in group})
        vendors = _names([view.vendor_text(v) for v, _ in exposed])
        what = classification + (f", K{level}" if isinstance(level, int) else "")
        osl = flow.properties.get("osl_ref")
        secrecy = f"; covered by {osl}" if osl else ""
        text = (
            f"{_flow_text(view, flow)} ({what}{secrecy}) reach a component of {vendors}, "
            f"which can be ordered to disclose them under {', '.join(laws)}."
        )
        outcome = flow.properties.get("suitability_outcome")
        when = flow.properties.get("suitability_date")
        if outcome == "passed":
            severity = Severity.INFO
            text += f" A suitability assessment passed on {when} is recorded."
            fix = "Assess again when the service, the data or the law changes."
        elif outcome == "failed":
            severity = Severity.ERROR
            text += f" The suitability assessment of {when} failed."
            fix = "Move the data to a provider without that exposure; the assessment says so."
        else:
            severity = Severity.ERROR if high else Severity.WARNING
            text += " No suitability assessment is recorded."
            fix = (
                "Record a suitability assessment (outcome and date) before handing the data "
                "over, or move them to a provider not exposed to foreign disclosure orders."
            )
        findings.append(
            Finding(
                "foreign-disclosure",
                severity,
                str(flow.properties["id"]),
                _flow_name(flow),
                text,
                fix,
                (
                    ("classification", classification),
                    ("secret", "yes" if high else "no"),  # a classification, not a password
                    ("exposure", ", ".join(laws)),
                    ("suitability", f"{outcome} {when}" if outcome else ""),
                ),
            )
        )
    return findings


KEY_SERVICES = ("critical", "high")


def exit_readiness(view: EstateView) -> list[Finding]:
    findings = []
    key = {s.id for s in view.services() if s.properties.get("criticality") in KEY_SERVICES}
    for component in view.components_in_use():
        if view.own(component.id):
            continue  # no outside vendor to leave
        impact = view.impact(component.id)
        broken = sorted(impact.broken & key)
        degraded = sorted(impact.degraded & key)
        if not (broken or degraded):
            continue  # its loss touches no high or critical service (redundancy included)
        gaps = []
        alternatives = view.alternatives.get(component.id, [])
        if not alternatives:
            gaps.append("no alternative is identified")
        tested = component.properties.get("exit_last_tested")
        if not component.properties.get("exit_plan_exists"):
            gaps.append("there is no exit plan")
        elif tested is None:
            gaps.append("the exit plan has never been tested")
        elif view.as_of and date.fromisoformat(str(tested)) < view.as_of - TESTED_WITHIN:
            gaps.append(f"the exit plan was last tested on {tested}, over 12 months ago")
        if not gaps:
            continue
        critical = [s for s in broken if view.nodes[s].properties.get("criticality") == "critical"]
        severity = Severity.ERROR if critical and not alternatives else Severity.WARNING
        effects = []
        for verb, services in (("breaks", broken), ("degrades", degraded)):
            if services:
                listed = _names(
                    [
                        f"{view.name(s)} ({view.nodes[s].properties.get('criticality')})"
                        for s in services
                    ]
                )
                effects.append(f"{verb} {listed}")
        findings.append(
            Finding(
                "exit-readiness",
                severity,
                component.id,
                component.name,
                f"Losing {component.name} {' and '.join(effects)}, but {_names(gaps)}.",
                "Identify and assess an alternative, write the exit plan (export, "
                "replacement, order of moves) and test it at least once a year.",
                (
                    ("services", ", ".join([*broken, *degraded])),
                    ("alternatives", ", ".join(sorted(alternatives))),
                    ("exit_plan_exists", str(bool(component.properties.get("exit_plan_exists")))),
                    ("last_tested", str(tested or "")),
                ),
            )
        )
    return findings


def _users(view: EstateView, services: set[NodeId]) -> int:
    """People who use any of ``services``: per organisation the largest user count of one
    of them, summed (a person uses many services)."""
    largest: dict[NodeId, int] = defaultdict(int)
    for use in view.uses:
        if use.target in services:
            users = int(use.properties.get("users", 0) or 0)  # type: ignore[arg-type]
            largest[use.source] = max(largest[use.source], users)
    return sum(largest.values())


def concentration(view: EstateView) -> list[Finding]:
    groups: dict[NodeId, set[NodeId]] = defaultdict(set)
    for component in view.components_in_use():
        for vendor, _roles in view.providers.get(component.id, ()):
            groups[view.group_of(vendor).id].add(component.id)
    services = view.services()
    critical = {s.id for s in services if s.properties.get("criticality") == "critical"}
    everyone = _users(view, {s.id for s in services})
    findings = []
    for parent, components in sorted(groups.items()):
        if OWN_PROVIDER in view.nodes[parent].properties.get("tags", ()):  # type: ignore[operator]
            continue
        # the services that break when the whole group goes: redundancy is honoured
        withdrawal = simulate(
            view.backend, [f"vendor:{parent}"], Options(mode=Mode.EXIT, detail=False)
        )
        dependent = {s.id for s in withdrawal.services if s.state is State.BROKEN}
        if not dependent:
            continue
        share_critical = len(dependent & critical) / len(critical) if critical else 0.0
        users = _users(view, dependent)
        share_users = users / everyone if everyone else 0.0
        severity = next(
            (Severity(s) for limit, s in CONCENTRATION if share_critical >= limit), None
        )
        if severity is None and share_users >= CONCENTRATION[1][0]:
            severity = Severity.INFO  # many people, but no critical service
        if severity is None:
            continue
        hubs = _hubs(view, components, dependent)
        findings.append(
            Finding(
                "concentration",
                severity,
                parent,
                view.name(parent),
                f"{len(dependent & critical)} of {len(critical)} critical services "
                f"({share_critical:.0%}) and {users:,} of {everyone:,} users "
                f"({share_users:.0%}) depend on {_with_country(view.nodes[parent])} and its "
                f"subsidiaries: they break, at once or later, if the group goes. Hubs: {hubs}.",
                "Reduce the dependence where it is concentrated: a second identity provider "
                "or an exit path for the hubs first, then the services that reach the group "
                "only through them.",
                (
                    ("critical_services", f"{len(dependent & critical)}/{len(critical)}"),
                    ("users", f"{users}/{everyone}"),
                ),
            )
        )
    return findings


def _hubs(view: EstateView, components: set[NodeId], dependent: set[NodeId]) -> str:
    """The group's components whose loss alone breaks at least half of the services that
    depend on the group, most first, with what they realise (which shows an identity hub
    for what it is)."""
    counts = {c: len(view.impact(c).broken & dependent) for c in components}
    hubs = sorted(
        (c for c, n in counts.items() if n and n * 2 >= len(dependent)),
        key=lambda c: (-counts[c], c),
    )
    if not hubs:
        return "none that most of them share"
    texts = []
    for hub in hubs[:3]:
        realises = sorted(view.name(c) for c in view.realises.get(hub, ()))
        what = f"; {', '.join(realises[:4])}" if realises else ""
        texts.append(f"{view.name(hub)} ({counts[hub]} of {len(dependent)} services{what})")
    return "; ".join(texts)


def lifecycle(view: EstateView) -> list[Finding]:
    findings = []
    phasing_out = [
        c for c in view.components_in_use() if c.properties.get("lifecycle") == "phasing_out"
    ]
    for component in phasing_out:
        needing = sorted(view.impact(component.id).broken)  # redundancy honoured
        if not needing:
            continue
        end = component.properties.get("contract_end")
        ended = (
            end is not None
            and view.as_of is not None
            and date.fromisoformat(str(end)) <= view.as_of
        )
        when = f"its contract ends on {end}" if end else "no end date is recorded"
        findings.append(
            Finding(
                "lifecycle",
                Severity.ERROR if ended else Severity.WARNING,
                component.id,
                component.name,
                f"{component.name} is being phased out ({when}), but "
                f"{_names([view.name(s) for s in needing])} still need it.",
                "Finish moving those services off it before the date, or record why it stays.",
                (("end", str(end or "")), ("services", ", ".join(needing))),
            )
        )
    return findings


RULES: Mapping[str, Callable[[EstateView], list[Finding]]] = {
    "third-country-transfer": third_country_transfer,
    "foreign-disclosure": foreign_disclosure,
    "exit-readiness": exit_readiness,
    "concentration": concentration,
    "lifecycle": lifecycle,
}


def _at_risk(view: EstateView, finding: Finding, reason: str) -> FlowAtRisk:
    flow = view.flow(finding.subject)
    return FlowAtRisk(finding.subject, finding.name, flow.source, flow.target, finding.rule, reason)


def flows_losing_basis(view: EstateView, bases: Iterable[str]) -> list[FlowAtRisk]:
    """The flows of personal data to a third country whose recorded transfer basis is
    one of ``bases``: if those bases are struck down, the flows have none left."""
    struck = set(bases)
    return [
        _at_risk(view, finding, f"relies on {BASIS.get(basis, basis)}, struck down")
        for finding in third_country_transfer(view)
        if (basis := dict(finding.facts)["transfer"]) in struck
    ]


def flows_exposed(view: EstateView) -> list[FlowAtRisk]:
    """The flows of secret data (or K ≥ 3) within reach of a foreign disclosure law with
    no suitability assessment that passed: the ones a "no secret data outside the EU"
    rule forbids."""
    found = []
    for finding in foreign_disclosure(view):
        facts = dict(finding.facts)
        high = facts["secret"] == "yes"  # noqa: S105  # a classification, not a password
        if high and not facts["suitability"].startswith("passed"):
            reason = "secret or K3+ data within reach of " + facts["exposure"]
            found.append(_at_risk(view, finding, reason))
    return found


def check(
    backend: GraphBackend, rules: Iterable[str] = (), *, as_of: date | None = None
) -> CheckResult:
    """Run the named rules (all when none are named) over the estate."""
    chosen = tuple(dict.fromkeys(rules)) or tuple(RULES)
    unknown = [r for r in chosen if r not in RULES]
    if unknown:
        raise UsageError(f"unknown rule {unknown[0]!r}; the rules are {', '.join(RULES)}")
    info = backend.info
    today = as_of or info.as_of  # never the clock: the same estate gives the same findings
    view = EstateView.read(backend, today)
    findings = [finding for rule in chosen for finding in RULES[rule](view)]
    return CheckResult(info.name, today, chosen, tuple(sorted(findings, key=lambda f: f.sort_key)))


__all__ = [
    "EEA",
    "RULES",
    "CheckResult",
    "EstateView",
    "Finding",
    "Severity",
    "check",
    "flows_exposed",
    "flows_losing_basis",
    "third_countries",
]
