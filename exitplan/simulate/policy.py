"""Policy checks (DESIGN.md §4 "Policies"): the legal and exit-readiness lens on an estate.

Each rule reads the estate through the backend port and returns findings: what is wrong,
how serious, in plain words, what would resolve it, and the provisions it rests on. Every
rule that speaks of a service *needing* a component means what the simulation means:
withdrawing that component alone breaks (or degrades) the service, through redundant
groups, soft dependencies and grace periods (``EstateView.impact``).

The legal profile (the estate header's ``legal_profile``, or ``exitplan check --profile``)
decides how data flows are read:

* ``eu`` (the default): the GDPR, for any organisation in the EU/EEA. Information
  classification is ``public`` to ``secret``; personal data is ``ordinary``,
  ``special_category`` (Art. 9) or ``criminal_offence`` (Art. 10).
* ``se``: everything in ``eu``, plus the Swedish rules: confidentiality levels K0-K4 (K3
  and up counts as secret), the secrecy provision a flow is covered by (``osl_ref``), and
  the suitability assessment that OSL (2009:400) 10 kap. 2 a § asks for before secret
  data are handed to a provider for technical processing or storage.

The rules:

``third-country-transfer`` (both profiles)
    A data flow with personal data to a component that reaches a country outside the
    EU/EEA (its operating, sub-processing or support vendor is based there, or its data
    rest or are processed there), or that the estate records as a transfer (any basis
    other than ``intra_eea``, e.g. an EU subsidiary whose US parent reaches the data).
    Severity by the recorded basis: none (``not_assessed``, GDPR Art. 44-46 and 49), or
    ``intra_eea`` although a third country is reached (Art. 44) → error; the EU-US Data
    Privacy Framework (``adequacy_dpf``, Art. 45 and Implementing Decision (EU) 2023/1795)
    → warning, it can be struck down as Safe Harbour (2015) and Privacy Shield (2020)
    were, and an error when the importer's group is recorded as not certified; standard
    contractual clauses (Art. 46(2)(c), with Schrems II, C-311/18) or binding corporate
    rules (Art. 46(2)(b) and 47) → warning, a transfer impact assessment is needed; Art. 49
    derogations → warning, they suit occasional transfers only; another adequacy decision
    (Art. 45) → info. Special-category (Art. 9) or criminal-offence (Art. 10) data on the
    Data Privacy Framework → error. No location recorded at all → warning (Art. 44 and
    30(1)(e): the records must show transfers).
    A flow whose personal data an import could not read (it took ``none``) → warning
    where it would be a transfer if it carried any.

``foreign-disclosure``
    Data to a component one of whose vendors (one that sees the data) belongs to a group
    exposed to foreign disclosure orders (e.g. the US CLOUD Act; GDPR Art. 48 says such
    orders do not by themselves make a disclosure lawful). ``eu``: secret data → error;
    special-category or criminal-offence personal data → error when it rests on the Data
    Privacy Framework or on nothing, else warning; other confidential data → warning.
    ``se`` adds: K ≥ 3 counts as secret, the flow's own secrecy provision is named, and a
    recorded suitability assessment (OSL 10 kap. 2 a §) decides: passed → info, failed →
    error.
    A flow whose classification an import could not read (it took ``internal``) and that
    is not otherwise confidential → warning.

``exit-readiness`` (both profiles; DORA Art. 28(8) as the yardstick)
    Components whose loss breaks or degrades a high or critical service, with no exit
    plan, a plan not tested within 12 months, or no identified alternative. Error when a
    critical service breaks and there is no alternative, else warning. Components that
    only the organisation's own IT provider (a vendor group tagged ``own-provider``)
    stands behind have no vendor to leave and are not counted.

``concentration`` (both profiles; DORA Art. 29)
    Per vendor group (the ultimate parent and its subsidiaries): the share of critical
    services and of users that break when every component of the group is withdrawn (so
    redundancy across vendors is honoured), and its hubs (the components whose loss alone
    breaks at least half of those services). Error from 90 % of the critical services,
    warning from 50 %, info from 25 %, or when half of the users depend on it through
    services that are not critical. A vendor group tagged ``own-provider`` is the
    organisation's own IT provider and is not counted.

``lifecycle`` (both profiles; DORA Art. 8(7) on legacy systems)
    Components being phased out whose loss alone still breaks a service, with the date
    their contract ends; error when that date has passed.

DORA binds financial entities; for others its articles serve as the recognised yardstick
for exit plans, concentration and legacy systems, and the findings name them as such.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from functools import cached_property

from exitplan.errors import UsageError, agreeing, listed, plural
from exitplan.graph.port import (
    DependencyRegion,
    GraphBackend,
    GraphEdge,
    GraphNode,
    Label,
    Rel,
    in_use_among,
    inferred_fields,
)
from exitplan.model import Classification, LegalProfile, NodeId, PersonalData
from exitplan.select import OWN_PROVIDER, Mode, resolve, vendor_exits
from exitplan.simulate.plan import running_end
from exitplan.simulate.reach import UNREACHED, Alone, Reach, Reached, each_withdrawal
from exitplan.simulate.result import FlowAtRisk, people

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


AT_ONCE_AFTER = 1
"""Once the walks from single components have visited this many times the estate's
nodes, every other component's impact is worked out at once (``EstateView.impact``),
which costs a few such walks however many are left: the whole check, or a report of a
large withdrawal, switches early; a report of a small withdrawal, or a check of a few
phasing-out components, walks from each."""

GROUPS_AT_ONCE = 4
"""From this many vendor groups asked about together, what each breaks is worked out at
once (``EstateView.broken_by_groups``): a walk from one group costs at most a walk over
the estate, working them all out at once a few."""

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

LAWS = {
    "US_CLOUD_ACT": "the US CLOUD Act",
    "US_FISA702": "section 702 of the US FISA",
    "UK_IPA": "the UK Investigatory Powers Act",
    "CN_NATIONAL_INTELLIGENCE_LAW": "China's National Intelligence Law",
}
"""The foreign laws a vendor may be exposed to (``Exposure``), in words."""


BASIS_PROVISIONS = {
    "intra_eea": ("GDPR Art. 44",),
    "adequacy": ("GDPR Art. 45",),
    "adequacy_dpf": (
        "GDPR Art. 45",
        "Commission Implementing Decision (EU) 2023/1795 (EU-US Data Privacy Framework)",
    ),
    "scc": ("GDPR Art. 46(2)(c)", "CJEU C-311/18 (Schrems II)"),
    "bcr": ("GDPR Art. 46(2)(b) and 47",),
    "art49": ("GDPR Art. 49",),
    "not_assessed": ("GDPR Art. 44-46", "GDPR Art. 49"),
}
"""What each transfer basis rests on in law (GDPR chapter V)."""

SENSITIVE = {
    "special_category": ("special categories of personal data", "GDPR Art. 9"),
    "criminal_offence": ("personal data on criminal convictions and offences", "GDPR Art. 10"),
}
"""Personal data the GDPR protects more strictly, in words, and the article that does."""

FOREIGN_ORDERS = "GDPR Art. 48"
TECHNICAL_PROCESSING = "OSL (2009:400) 10 kap. 2 a §"
"""The Swedish rule (in force 1 July 2023, prop. 2022/23:97) that lets an authority hand
data covered by secrecy to a provider for technical processing or storage only when that
is not unsuitable: the suitability assessment."""
EXIT_STRATEGY = "DORA Art. 28(8)"
CONCENTRATION_RISK = "DORA Art. 29"
LEGACY_SYSTEMS = "DORA Art. 8(7)"


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
    provisions: tuple[str, ...] = ()
    """The legal provisions the finding rests on ("GDPR Art. 45", "DORA Art. 29")."""

    @property
    def sort_key(self) -> tuple[int, str, str]:
        return (self.severity.rank, self.rule, self.subject)


@dataclass(frozen=True)
class CheckResult:
    estate: str
    as_of: date | None
    rules: tuple[str, ...]
    findings: tuple[Finding, ...]
    profile: LegalProfile = LegalProfile.EU

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
    profile: LegalProfile = LegalProfile.EU
    nodes: dict[NodeId, GraphNode] = field(default_factory=dict)
    providers: dict[NodeId, list[tuple[GraphNode, tuple[str, ...]]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    flows: list[GraphEdge] = field(default_factory=list)
    alternatives: dict[NodeId, list[NodeId]] = field(default_factory=lambda: defaultdict(list))
    uses: list[GraphEdge] = field(default_factory=list)
    realises: dict[NodeId, list[NodeId]] = field(default_factory=lambda: defaultdict(list))
    subjects: frozenset[str] | None = None
    """The only flows, components and vendor groups the rules judge (``None``: all)."""
    _flows_by_id: dict[str, GraphEdge] = field(default_factory=dict)
    _impacts: dict[NodeId, Impact] = field(default_factory=dict)
    _reach: Reach | None = None
    _alone: dict[NodeId, Alone] | None = None
    _walked: int = 0

    @classmethod
    def read(
        cls,
        backend: GraphBackend,
        as_of: date | None,
        profile: LegalProfile | None = None,
        subjects: Iterable[str] | None = None,
    ) -> EstateView:
        """The estate read once; ``profile`` defaults to the estate's ``legal_profile``."""
        view = cls(
            backend,
            as_of,
            profile or backend.info.legal_profile,
            subjects=None if subjects is None else frozenset(subjects),
        )
        view.nodes = {node.id: node for node in backend.nodes()}
        for edge in backend.edges(Rel.PROVIDED_BY):
            roles = tuple(str(r) for r in edge.properties.get("roles", ()))  # type: ignore[union-attr]
            view.providers[edge.source].append((view.nodes[edge.target], roles))
        view.flows = sorted(backend.edges(Rel.FLOWS_TO), key=lambda e: str(e.properties["id"]))
        for edge in backend.edges(Rel.ALTERNATIVE_FOR):
            view.alternatives[edge.target].append(edge.source)
        view.uses = backend.edges(Rel.USES)
        for edge in backend.edges(Rel.REALISES):
            view.realises[edge.source].append(edge.target)
        return view

    def name(self, node_id: NodeId) -> str:
        return self.nodes[node_id].name

    def concerns(self, subject: str) -> bool:
        """Whether the rules judge this flow, component or vendor group: each judges one
        subject at a time, so what is left out costs nothing."""
        return self.subjects is None or subject in self.subjects

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
            if self._alone is None and self._walked >= len(self.nodes) * AT_ONCE_AFTER:
                self._alone = each_withdrawal(
                    self._region, {c: (c,) for c in self._components}, self.service_ids
                )
            if self._alone is not None:
                known = Impact(*self._alone.get(component_id, UNREACHED))
            else:
                reached = self.reached([component_id])
                self._walked += len(reached.degrade)
                services = reached.degrade & self.service_ids
                broken = services & reached.fail
                known = Impact(broken, services - broken)
            self._impacts[component_id] = known
        return known

    def broken_services(self, selector: str) -> set[NodeId]:
        """The services that break when we exit what ``selector`` names (those that
        ``simulate`` in exit mode calls broken)."""
        withdrawn = resolve(self.backend, [selector], Mode.EXIT).withdrawn
        return set((self.reached(withdrawn).fail - withdrawn) & self.service_ids)

    def broken_by_groups(self, parents: Iterable[NodeId]) -> dict[NodeId, set[NodeId]]:
        """``broken_services`` of exiting each vendor group; all at once from
        ``GROUPS_AT_ONCE`` groups on."""
        parents = list(parents)
        if len(parents) < GROUPS_AT_ONCE:
            return {parent: self.broken_services(f"vendor:{parent}") for parent in parents}
        exits = vendor_exits(self.backend, parents)
        found = each_withdrawal(self._region, exits, self.service_ids)
        return {
            parent: set(found.get(parent, UNREACHED)[0] - gone) for parent, gone in exits.items()
        }

    @cached_property
    def users_of(self) -> dict[NodeId, list[tuple[NodeId, int]]]:
        return users_by_service(self.uses)

    @cached_property
    def service_ids(self) -> frozenset[NodeId]:
        return frozenset(n for n, node in self.nodes.items() if node.label is Label.SERVICE)

    def reached(self, withdrawn: Iterable[NodeId]) -> Reached:
        """What withdrawing these breaks or degrades (``Reach``), over one region that
        holds every component, read once for all the rules."""
        if self._reach is None:
            self._reach = Reach(self._region)
        return self._reach.of(withdrawn)

    @cached_property
    def _components(self) -> list[NodeId]:
        return sorted(n for n, node in self.nodes.items() if node.label is Label.COMPONENT)

    @cached_property
    def _region(self) -> DependencyRegion:
        """One region that holds every component, read once for all the rules."""
        return self.backend.dependency_region(self._components)

    def services(self) -> list[GraphNode]:
        return sorted(
            (n for n in self.nodes.values() if n.label is Label.SERVICE), key=lambda n: n.id
        )

    def components_in_use(self) -> list[GraphNode]:
        return sorted(
            (
                n
                for n in self.nodes.values()
                if n.label is Label.COMPONENT and n.id in self._components_in_use
            ),
            key=lambda n: n.id,
        )

    def in_use(self, node: GraphNode) -> bool:
        """A component that runs today, or that what runs needs (taken as running)."""
        return node.label is Label.COMPONENT and node.id in self._components_in_use

    @cached_property
    def _components_in_use(self) -> set[NodeId]:
        return in_use_among(
            self.backend, (n for n in self.nodes.values() if n.label is Label.COMPONENT)
        )


def _with_country(vendor: GraphNode) -> str:
    country = vendor.properties.get("hq_country")
    return f"{vendor.name} ({country})" if country else vendor.name


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
    """The flow as a finding names it; one the estate marks ``assumed`` says so, so that a
    finding on a placeholder is not read as one on a recorded fact."""
    assets = ", ".join(str(a) for a in flow.properties.get("assets", ()))  # type: ignore[union-attr]
    assumed = ", an assumed flow" if flow.properties.get("assumed") else ""
    return (
        f"{_flow_name(flow)}{assumed}: {assets} from {view.name(flow.source)} to "
        f"{view.name(flow.target)}"
    )


def third_country_transfer(view: EstateView) -> list[Finding]:
    findings = []
    for flow in view.flows:
        if not view.concerns(str(flow.properties["id"])):
            continue
        personal = str(flow.properties.get("personal_data", "none"))
        target = view.nodes[flow.target]
        unrecorded = personal == "none" and _inferred(flow, "personal_data")
        if (personal == "none" and not unrecorded) or not view.in_use(target):
            continue
        basis = str(flow.properties.get("transfer", "not_assessed"))
        reach, countries, known = _reach(view, target)
        if unrecorded:
            if reach or not known or basis not in ("intra_eea", "not_assessed"):
                findings.append(_unrecorded_personal_data(view, flow, reach, basis))
            continue
        if not reach and basis in ("intra_eea", "not_assessed"):
            if not known:
                findings.append(_unknown_location(view, flow, personal, basis))
            continue  # the data stay in the EU/EEA: no transfer
        operators = [v for v, roles in view.providers.get(target.id, ()) if "operator" in roles]
        where = (
            "reaches a third country: " + "; ".join(reach)
            if reach
            else "is recorded as a transfer; operated by "
            + (listed([view.vendor_text(v) for v in operators]) or "no recorded operator")
        )
        severity, why, fix = _by_basis(view, basis, operators, countries)
        provisions = BASIS_PROVISIONS.get(basis, ())
        special = ""
        if personal in SENSITIVE:
            words, article = SENSITIVE[personal]
            provisions = (*provisions, article)
            special = f" The data are {words} ({article})."
            if basis == "adequacy_dpf":  # at least an error: see the module docstring
                severity = Severity.ERROR
                special += " Resting them on a framework that can be struck down is not enough."
                fix = (
                    f"Keep the {words} in the EU/EEA, or add standard contractual clauses "
                    "with a transfer impact assessment and supplementary measures (such as "
                    "encryption with keys held by the organisation) before relying on the "
                    "framework."
                )
        findings.append(
            Finding(
                "third-country-transfer",
                severity,
                str(flow.properties["id"]),
                _flow_name(flow),
                f"{_flow_text(view, flow)} ({personal.replace('_', ' ')} personal data) "
                f"{where}. Transfer basis: {BASIS.get(basis, basis)}. {why}{special}",
                fix,
                (
                    ("transfer", basis),
                    ("personal_data", personal),
                    ("third_country", "; ".join(reach)),
                ),
                provisions,
            )
        )
    return findings


def _inferred(flow: GraphEdge, field: str) -> bool:
    """Whether an import took ``field`` of the flow by default, its source not saying it."""
    return field in inferred_fields(flow)


NOT_RECORDED = "not recorded"
"""A flow's personal data or classification that an import took by default, as the
findings' facts and the report's flows table give it."""


RECORD_FLOW = (
    "Record the flow's {} in an overrides: entry in your own file beside imported/, so that "
    "a new import keeps it."
)


def _unrecorded_personal_data(
    view: EstateView, flow: GraphEdge, reach: Sequence[str], basis: str
) -> Finding:
    """A flow whose personal data the import could not read, to a component that would
    make it a transfer if it carries any: its default ("none") is not a fact to clear it."""
    where = (
        "reaches a third country: " + "; ".join(reach)
        if reach
        else "is recorded as a transfer"
        if basis not in ("intra_eea", "not_assessed")
        else "goes to a component whose location the estate does not record"
    )
    return Finding(
        "third-country-transfer",
        Severity.WARNING,
        str(flow.properties["id"]),
        _flow_name(flow),
        f"{_flow_text(view, flow)} {where}. Whether it carries personal data is not "
        "recorded: the import found nothing to say so and took none, so this check cannot "
        f"tell whether it is a third-country transfer. Transfer basis: {BASIS.get(basis, basis)}.",
        RECORD_FLOW.format(f"personal_data ({listed(PersonalData, last='or')})"),
        (
            ("transfer", basis),
            ("personal_data", NOT_RECORDED),
            ("third_country", "; ".join(reach) or "unknown"),
        ),
        ("GDPR Art. 44", "GDPR Art. 30(1)(e)"),
    )


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
        ("GDPR Art. 44", "GDPR Art. 30(1)(e)"),
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


def _exposed_vendors(view: EstateView, target: GraphNode) -> list[tuple[GraphNode, list[str]]]:
    """The vendors that see a component's data and belong to a group exposed to foreign
    disclosure orders, with the laws (a licensor alone never sees the data)."""
    exposed = []
    for vendor, roles in sorted(view.providers.get(target.id, ()), key=lambda p: p[0].id):
        laws = [str(x) for x in vendor.properties.get("exposure", ())]  # type: ignore[union-attr]
        if laws and REACHING_ROLES & set(roles):
            exposed.append((vendor, laws))
    return exposed


def foreign_disclosure(view: EstateView) -> list[Finding]:
    """Data that must not be within reach of a foreign disclosure order, reaching a vendor
    group exposed to one (see the module docstring for what each profile counts)."""
    swedish = view.profile is LegalProfile.SE
    findings = []
    for flow in view.flows:
        if not view.concerns(str(flow.properties["id"])):
            continue
        target = view.nodes[flow.target]
        if not view.in_use(target):
            continue
        classification = str(flow.properties.get("classification", "internal"))
        level = flow.properties.get("krt_k") if swedish else None
        personal = str(flow.properties.get("personal_data", "none"))
        basis = str(flow.properties.get("transfer", "not_assessed"))
        secret = classification == "secret" or (isinstance(level, int) and level >= 3)
        sensitive = personal in SENSITIVE
        unrecorded = _inferred(flow, "classification")
        if not (secret or sensitive or classification == "confidential" or unrecorded):
            continue
        exposed = _exposed_vendors(view, target)
        if not exposed:
            continue
        laws = sorted({law for _, group in exposed for law in group})
        vendors = listed([view.vendor_text(v) for v, _ in exposed])
        if not (secret or sensitive or classification == "confidential"):
            findings.append(_unrecorded_classification(view, flow, vendors, laws))
            continue
        what = [classification + (f", K{level}" if isinstance(level, int) else "")]
        provisions: list[str] = []
        if personal != "none":
            provisions.append(FOREIGN_ORDERS)
        if sensitive:
            words, article = SENSITIVE[personal]
            what.append(words)
            provisions.append(article)
        osl = flow.properties.get("osl_ref") if swedish else None
        if osl:
            what.append(f"covered by {osl}")
            provisions.append(str(osl))
        text = (
            f"{_flow_text(view, flow)} ({'; '.join(what)}) reach a component of {vendors}, "
            f"which can be ordered to disclose them under "
            f"{listed([LAWS.get(law, law) for law in laws])} ({', '.join(laws)})."
        )
        if sensitive and basis in ("adequacy_dpf", "not_assessed"):
            text += (
                f" They rest on {BASIS.get(basis, basis)}, which does not shield them from "
                "such an order."
            )
        severity, assessed, fix = _disclosure_judgement(
            view, flow, secret=secret or (sensitive and basis in ("adequacy_dpf", "not_assessed"))
        )
        text += assessed
        if swedish and (secret or osl or classification == "confidential"):
            provisions.append(TECHNICAL_PROCESSING)
        outcome = flow.properties.get("suitability_outcome") if swedish else None
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
                    ("secret", "yes" if secret else "no"),  # a classification, not a password
                    ("sensitive_personal_data", "yes" if sensitive else "no"),
                    ("exposure", ", ".join(laws)),
                    (
                        "suitability",
                        f"{outcome} {flow.properties.get('suitability_date')}" if outcome else "",
                    ),
                ),
                tuple(dict.fromkeys(provisions)) or ("the estate's information classification",),
            )
        )
    return findings


def _unrecorded_classification(
    view: EstateView, flow: GraphEdge, vendors: str, laws: Sequence[str]
) -> Finding:
    """A flow whose classification the import could not read, within reach of a foreign
    disclosure order: its default ("internal") is not a fact to clear it."""
    return Finding(
        "foreign-disclosure",
        Severity.WARNING,
        str(flow.properties["id"]),
        _flow_name(flow),
        f"{_flow_text(view, flow)} reach a component of {vendors}, which can be ordered to "
        f"disclose them under {listed([LAWS.get(law, law) for law in laws])} "
        f"({', '.join(laws)}). Their classification is not recorded: the import found "
        "nothing to say it and took internal, so this check cannot tell whether they may be "
        "within reach of such an order.",
        RECORD_FLOW.format(f"classification ({listed(Classification, last='or')})"),
        (
            ("classification", NOT_RECORDED),
            ("secret", "unknown"),
            ("sensitive_personal_data", "unknown"),
            ("exposure", ", ".join(laws)),
            ("suitability", ""),
        ),
        ("the estate's information classification",),
    )


def _disclosure_judgement(
    view: EstateView, flow: GraphEdge, *, secret: bool
) -> tuple[Severity, str, str]:
    """Severity, a sentence on the assessment, and what would resolve it. Under the ``se``
    profile a recorded suitability assessment (OSL 10 kap. 2 a §) decides; without one,
    secret (or K3+, or sensitive personal data on a weak basis) is an error and other
    confidential data a warning."""
    if view.profile is LegalProfile.SE:
        outcome = flow.properties.get("suitability_outcome")
        when = flow.properties.get("suitability_date")
        if outcome and when and view.as_of and date.fromisoformat(str(when)) > view.as_of:
            return (  # not made yet on the day checked: it clears nothing (helper-86)
                Severity.ERROR if secret else Severity.WARNING,
                f" A suitability assessment is recorded for {when}, after this check's date "
                f"({view.as_of.isoformat()}): it is not made by then.",
                "Make the suitability assessment before handing the data over, or move them "
                "to a provider not exposed to foreign disclosure orders.",
            )
        if outcome == "passed":
            return (
                Severity.INFO,
                f" A suitability assessment passed on {when} is recorded.",
                "Assess again when the service, the data or the law changes.",
            )
        if outcome == "failed":
            return (
                Severity.ERROR,
                f" The suitability assessment of {when} failed.",
                "Move the data to a provider without that exposure; the assessment says so.",
            )
        return (
            Severity.ERROR if secret else Severity.WARNING,
            " No suitability assessment is recorded.",
            "Record a suitability assessment (outcome and date) before handing the data "
            "over, or move them to a provider not exposed to foreign disclosure orders.",
        )
    return (
        Severity.ERROR if secret else Severity.WARNING,
        "",
        "Move the data to a provider not exposed to foreign disclosure orders, or keep "
        "them encrypted with keys the organisation alone holds; record the assessment of "
        "that risk.",
    )


KEY_SERVICES = ("critical", "high")


def exit_readiness(view: EstateView) -> list[Finding]:
    findings = []
    key = {s.id for s in view.services() if s.properties.get("criticality") in KEY_SERVICES}
    for component in view.components_in_use():
        if not view.concerns(component.id) or view.own(component.id):
            continue  # not asked about, or no outside vendor to leave
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
        elif view.as_of and date.fromisoformat(str(tested)) > view.as_of:  # helper-86
            gaps.append(
                f"the exit plan's test is recorded for {tested}, after this check's date "
                f"({view.as_of.isoformat()}): it has not been tested by then"
            )
        elif view.as_of and date.fromisoformat(str(tested)) < view.as_of - TESTED_WITHIN:
            gaps.append(f"the exit plan was last tested on {tested}, over 12 months ago")
        if not gaps:
            continue
        remedies = [
            *(["identify an alternative and assess it"] if not alternatives else []),
            *(
                ["write the exit plan (export, replacement, order of moves)"]
                if not component.properties.get("exit_plan_exists")
                else []
            ),
            "test the exit plan at least once a year",
        ]
        critical = [s for s in broken if view.nodes[s].properties.get("criticality") == "critical"]
        severity = Severity.ERROR if critical and not alternatives else Severity.WARNING
        effects = []
        for verb, services in (("breaks", broken), ("degrades", degraded)):
            if services:
                named = listed(
                    [
                        f"{view.name(s)} ({view.nodes[s].properties.get('criticality')})"
                        for s in services
                    ]
                )
                effects.append(f"{verb} {named}")
        findings.append(
            Finding(
                "exit-readiness",
                severity,
                component.id,
                component.name,
                f"Losing {component.name} {' and '.join(effects)}, but {listed(gaps)}.",
                listed(remedies).capitalize() + ".",
                (
                    ("services", ", ".join([*broken, *degraded])),
                    ("alternatives", ", ".join(sorted(alternatives))),
                    (
                        "exit_plan_exists",
                        "yes" if component.properties.get("exit_plan_exists") else "no",
                    ),
                    ("last_tested", str(tested or "")),
                ),
                (EXIT_STRATEGY,),
            )
        )
    return findings


def users_by_service(uses: Iterable[GraphEdge]) -> dict[NodeId, list[tuple[NodeId, int]]]:
    """Each service's organisations and how many of their people use it, from its
    ``USES`` edges."""
    found: dict[NodeId, list[tuple[NodeId, int]]] = defaultdict(list)
    for use in uses:
        found[use.target].append((use.source, int(use.properties.get("users", 0) or 0)))  # type: ignore[arg-type]
    return found


def _users(view: EstateView, services: set[NodeId]) -> int:
    """People who use any of ``services``: per organisation the largest user count of one
    of them, summed (a person uses many services)."""
    return people(use for service in services for use in view.users_of.get(service, ()))


def concentration(view: EstateView) -> list[Finding]:
    groups: dict[NodeId, set[NodeId]] = defaultdict(set)
    for component in view.components_in_use():
        for vendor, _roles in view.providers.get(component.id, ()):
            groups[view.group_of(vendor).id].add(component.id)
    services = view.services()
    critical = {s.id for s in services if s.properties.get("criticality") == "critical"}
    everyone = _users(view, {s.id for s in services})
    judged = [
        parent
        for parent in sorted(groups)
        if view.concerns(parent)
        and OWN_PROVIDER not in view.nodes[parent].properties.get("tags", ())  # type: ignore[operator]
    ]
    # the services that break when the whole group goes: redundancy is honoured
    broken = view.broken_by_groups(judged)
    findings = []
    for parent in judged:
        components = groups[parent]
        dependent = broken[parent]
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
        hubs = _hubs(view, components, dependent, critical)
        hub_text = "; ".join(
            [
                f"{view.name(hub)} ({count} of {plural(len(dependent), 'service')}"
                f"{_realised(view, hub, '; ')})"
                for hub, count in hubs[:HUBS_NAMED]
            ]
            + (
                [f"and {plural(len(hubs) - HUBS_NAMED, 'more hub')}"]
                if len(hubs) > HUBS_NAMED
                else []
            )
        )
        findings.append(
            Finding(
                "concentration",
                severity,
                parent,
                view.name(parent),
                (
                    f"{len(dependent & critical)} of {plural(len(critical), 'critical service')} "
                    f"({share_critical:.0%})"
                    if critical
                    else "no critical service (none is marked critical)"
                )
                + (
                    f" and {users:,} of {plural(everyone, 'user')} ({share_users:.0%})"
                    if everyone
                    else " and no user (none is recorded)"
                )
                + f" depend on {_with_country(view.nodes[parent])} and its "
                "subsidiaries: they break, at once or later, if the group goes. Hubs: "
                f"{hub_text or 'none that most of them share'}.",
                _concentration_remedy(view, parent, hubs, dependent & critical),
                (
                    ("critical_services", f"{len(dependent & critical)}/{len(critical)}"),
                    ("users", f"{users}/{everyone}"),
                ),
                (CONCENTRATION_RISK,),
            )
        )
    return findings


HUBS_NAMED = 3
"""The hubs of a concentration named in its finding; the rest are counted."""


def _hubs(
    view: EstateView, components: set[NodeId], dependent: set[NodeId], critical: set[NodeId]
) -> list[tuple[NodeId, int]]:
    """The group's components whose loss alone breaks at least half of the services that
    depend on the group, with how many services each breaks, those that break more
    critical services first; where none of them breaks a critical service, the ones that
    break the most are hubs too. A hub of low services alone was named, and the component
    that breaks the critical service the finding is about not at all (helper-86)."""
    vital = dependent & critical
    counts, criticals = {}, {}
    for component in components:
        broken = view.impact(component).broken & dependent
        counts[component], criticals[component] = len(broken), len(broken & vital)
    hubs = {c for c, n in counts.items() if n and n * 2 >= len(dependent)}
    most = max(criticals.values(), default=0)
    if most and not any(criticals[c] for c in hubs):
        hubs |= {c for c, k in criticals.items() if k == most}
    ranked = sorted(hubs, key=lambda c: (-criticals[c], -counts[c], c))
    return [(hub, counts[hub]) for hub in ranked]


def _realised(view: EstateView, component: NodeId, lead: str) -> str:
    """What a component realises, after ``lead`` ("; Authentication, Directory"), which
    shows an identity hub for what it is; empty when nothing is recorded."""
    names = sorted(view.name(c) for c in view.realises.get(component, ()))
    return f"{lead}{', '.join(names[:4])}" if names else ""


def _concentration_remedy(
    view: EstateView, parent: NodeId, hubs: Sequence[tuple[NodeId, int]], critical: set[NodeId]
) -> str:
    """What would lower the concentration: the hubs first, named with what they do."""
    group = view.name(parent)
    if hubs:
        named = []
        for hub, _ in hubs[:HUBS_NAMED]:
            does = _realised(view, hub, "")
            named.append(f"{view.name(hub)} ({does})" if does else view.name(hub))
        if len(hubs) > HUBS_NAMED:
            named.append(f"the {plural(len(hubs) - HUBS_NAMED, 'other hub')}")
        return (
            f"Start with the hubs: give {listed(named)} an exit path (an assessed alternative, a "
            f"second provider or a tested exit plan), then the services that reach {group} "
            f"only through {agreeing(len(hubs), 'it', 'them')}."
        )
    services = listed(sorted(view.name(s) for s in critical)) or "the services that depend on it"
    return (
        f"No one component of {group} carries most of the dependence: reduce it service by "
        f"service, starting with {services}."
    )


def lifecycle(view: EstateView) -> list[Finding]:
    findings = []
    phasing_out = [
        c
        for c in view.components_in_use()
        if c.properties.get("lifecycle") == "phasing_out" and view.concerns(c.id)
    ]
    for component in phasing_out:
        needing = sorted(view.impact(component.id).broken)  # redundancy honoured
        if not needing:
            continue
        end = component.properties.get("contract_end")
        term = component.properties.get("contract_renewal_months")
        renewed = ""
        if end is not None and view.as_of is not None and isinstance(term, int) and term > 0:
            recorded = str(end)  # a renewing contract runs on to its next end
            end = running_end(date.fromisoformat(recorded), term, view.as_of).isoformat()
            if end != recorded:
                renewed = f", renewed from {recorded} for {term}-month terms"
        ended = (
            end is not None
            and view.as_of is not None
            and date.fromisoformat(str(end)) <= view.as_of
        )
        when = (
            f"its contract {'ended' if ended else 'ends'} on {end}{renewed}"
            if end
            else "no end date is recorded"
        )
        those = agreeing(len(needing), "that service", "those services")
        findings.append(
            Finding(
                "lifecycle",
                Severity.ERROR if ended else Severity.WARNING,
                component.id,
                component.name,
                f"{component.name} is being phased out ({when}), but "
                f"{listed([view.name(s) for s in needing])} still "
                f"{agreeing(len(needing), 'needs', 'need')} it.",
                (
                    f"Its contract has ended: move {those} off it now, or record why "
                    "it stays and until when."
                    if ended
                    else f"Move {those} off it before {end}, or record why it stays."
                    if end
                    else f"Record when it is to go, and move {those} off it before then."
                ),
                (("end", str(end or "")), ("services", ", ".join(needing))),
                (LEGACY_SYSTEMS,),
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
        and dict(finding.facts)["personal_data"] != NOT_RECORDED
    ]


def flows_exposed(view: EstateView) -> list[FlowAtRisk]:
    """The flows of secret data (or K ≥ 3) within reach of a foreign disclosure law with
    no suitability assessment that passed: the ones a "no secret data outside the EU"
    rule forbids."""
    found = []
    for finding in foreign_disclosure(view):
        facts = dict(finding.facts)
        secret = facts["secret"] == "yes"  # noqa: S105  # a classification, not a password
        sensitive = facts["sensitive_personal_data"] == "yes" and finding.severity is Severity.ERROR
        if (secret or sensitive) and finding.severity is not Severity.INFO:  # none passed by then
            what = "secret or K3+ data" if secret else "sensitive personal data"
            reason = f"{what} within reach of " + facts["exposure"]
            found.append(_at_risk(view, finding, reason))
    return found


def check(
    backend: GraphBackend,
    rules: Iterable[str] = (),
    *,
    as_of: date | None = None,
    profile: LegalProfile | None = None,
    subjects: Iterable[str] | None = None,
) -> CheckResult:
    """Run the named rules (all when none are named) over the estate, under ``profile``
    (default: the estate's ``legal_profile``); with ``subjects``, only the findings about
    those flows, components and vendor groups, the others not judged at all."""
    chosen = tuple(dict.fromkeys(rules)) or tuple(RULES)
    unknown = [r for r in chosen if r not in RULES]
    if unknown:
        raise UsageError(f"unknown rule {unknown[0]!r}; the rules are {', '.join(RULES)}")
    info = backend.info
    today = as_of or info.as_of  # never the clock: the same estate gives the same findings
    view = EstateView.read(backend, today, profile, subjects)
    findings = [finding for rule in chosen for finding in RULES[rule](view)]
    return CheckResult(
        info.name,
        today,
        chosen,
        tuple(sorted(findings, key=lambda f: f.sort_key)),
        view.profile,
    )


__all__ = [
    "EEA",
    "NOT_RECORDED",
    "RULES",
    "CheckResult",
    "EstateView",
    "Finding",
    "Severity",
    "check",
    "flows_exposed",
    "flows_losing_basis",
    "third_countries",
    "users_by_service",
]
