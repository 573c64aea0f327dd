"""The estate and a scenario's result in The Open Group's ArchiMate Model Exchange File
Format 3.1, so that architects can open them in Archi (File → Import → Open Exchange XML
Model) or any other tool that reads the format.

Every element and relationship of the estate graph is written once, with its exitplan id
and the simulation's verdict as properties (``exitplan-state``, ``exitplan-fails-at-day``,
``exitplan-candidate``, ``exitplan-wave`` ...), and two views are drawn: the impact (what
the withdrawal takes, breaks and degrades, in columns by state) and the plan (what is
replaced by what, one column per wave). docs/export-archimate.md lists every property.

The mapping, as the ArchiMate importer reads it back:

==================================  ===================================================
exitplan                            ArchiMate
==================================  ===================================================
component                           ApplicationComponent (property ``Vendor``: the name
                                    of its main vendor)
service                             ApplicationService
capability                          Capability
vendor, organisation                BusinessActor
A depends on B                      Serving, source B (what is needed), target A
component provided by vendor        Association, vendor → component
vendor is a subsidiary of parent    Aggregation, parent → subsidiary
component realises capability       Realization, component → capability
service requires capability         Association "requires", service → capability
organisation uses service           Serving, service → organisation
data flow                           Flow, sender → receiver
candidate is an alternative for X   Specialization "alternative for", candidate → X
==================================  ===================================================

Identifiers are ``id-`` and the exitplan id (relationships: the ids of both ends and an
upper-case word, which no exitplan id contains), so they are valid ``xsd:ID`` values and
the same on every export. Text is escaped by lxml; characters that XML 1.0 cannot carry
at all (most C0 controls, U+FFFE, U+FFFF, lone surrogates) and those that could deceive a
reader (the other controls, bidirectional overrides) are written as visible escapes
(``\\x1b``, ``\\u202e``), as everywhere exitplan shows a name.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from lxml import etree

from exitplan.errors import plural, printable
from exitplan.graph.port import GraphEdge, GraphNode, Label, Rel, Subgraph
from exitplan.model import EstateInfo, NodeId
from exitplan.simulate.result import Affected, Simulation, State, Step, StepKind
from exitplan.simulate.views import MAX_NODES, most_affecting

NAMESPACE = "http://www.opengroup.org/xsd/archimate/3.0/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
NAMESPACES = {None: NAMESPACE, "xsi": XSI}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SCHEMA_LOCATION = f"{NAMESPACE} http://www.opengroup.org/xsd/archimate/3.1/archimate3_Diagram.xsd"
LANGUAGE = "en"

ELEMENT_TYPE: Mapping[Label, str] = {
    Label.COMPONENT: "ApplicationComponent",
    Label.SERVICE: "ApplicationService",
    Label.CAPABILITY: "Capability",
    Label.VENDOR: "BusinessActor",
    Label.ORGANISATION: "BusinessActor",
}


@dataclass(frozen=True)
class RelationRule:
    """How one relationship type of the estate graph is written.

    ``reverse``: the ArchiMate relationship points from the graph edge's target to its
    source (the graph points from the dependent to what it needs; Serving points from
    what serves to what is served). ``word`` joins the two ends in the identifier.
    """

    type: str
    word: str
    reverse: bool = False
    name: str | None = None
    folder: str = "Dependencies"


RELATION_RULES: Mapping[Rel, RelationRule] = {
    Rel.DEPENDS_ON: RelationRule("Serving", "Serves", reverse=True),
    Rel.PROVIDED_BY: RelationRule("Association", "Provides", reverse=True, folder="Vendors"),
    Rel.SUBSIDIARY_OF: RelationRule("Aggregation", "Owns", reverse=True, folder="Vendors"),
    Rel.REALISES: RelationRule("Realization", "Realises", folder="Capabilities"),
    Rel.REQUIRES: RelationRule("Association", "Requires", name="requires", folder="Capabilities"),
    Rel.USES: RelationRule("Serving", "ServesUsers", reverse=True, folder="Users"),
    Rel.FLOWS_TO: RelationRule("Flow", "FlowsTo", folder="Data flows"),
    # Specialization, not Association: the ArchiMate importer reads a Specialization
    # (from the successor to what it succeeds) as an alternative, an Association as a
    # soft dependency, and the round trip must give back the same dependencies.
    Rel.ALTERNATIVE_FOR: RelationRule(
        "Specialization", "AlternativeFor", name="alternative for", folder="Alternatives"
    ),
}
"""Every relationship type of DESIGN.md §3 and what it becomes (the module doc's table)."""

RELATION_WORD: Mapping[Rel, str] = {rel: rel.value.lower() for rel in Rel}
"""The ``exitplan-relation`` property: ``depends_on``, ``provided_by``, ``flows_to`` ..."""


@dataclass(frozen=True)
class Look:
    """How a node is filled on a view (and its text colour on a dark fill)."""

    fill: tuple[int, int, int]
    text: tuple[int, int, int] | None = None
    line: tuple[int, int, int] | None = None


LOOK: Mapping[str, Look] = {
    State.WITHDRAWN: Look((64, 64, 64), text=(255, 255, 255)),
    State.BROKEN: Look((246, 179, 179), line=(163, 0, 0)),
    State.DEGRADED: Look((253, 227, 181), line=(184, 110, 0)),
    "candidate": Look((216, 240, 216), line=(46, 125, 50)),
    "missing": Look((255, 255, 255), line=(163, 0, 0)),
}
"""The colours of the Graphviz diagrams (render/dot.py), so both read alike."""

NODE_WIDTH, NODE_HEIGHT = 200, 55
COLUMN_GAP, ROW_GAP = 50, 20
MARGIN, HEADER_HEIGHT = 20, 40
ROWS_PER_COLUMN = 12
"""A state with more nodes than this wraps into a further column of its own."""

VIEW_ROOM = "a view"
"""What a view cut to ``most`` nodes is cut to fit."""
VIEW_REST = "every element is in the model, with its verdict as exitplan-* properties"
"""Where a view cut to ``most`` nodes says the rest is: in the model itself."""

_XML_FORBIDDEN = re.compile("[\ud800-\udfff\ufffe\uffff]")
_LINE_BREAK = re.compile("[\n\r]")


def xml_text(text: str, *, newlines: bool = False) -> str:
    """Text that XML 1.0 can carry and that cannot deceive a reader: control characters
    and bidirectional overrides as escapes (``printable``), and the few characters
    ``printable`` leaves alone but XML forbids (U+FFFE, U+FFFF, lone surrogates) too.
    Without ``newlines`` (a name), a line break is a space, as a modelling tool shows a
    name on one line, rather than an escape that a re-import would keep as letters."""
    text = text.replace("\r\n", "\n")
    shown = printable(text if newlines else _LINE_BREAK.sub(" ", text), newlines=newlines)
    return _XML_FORBIDDEN.sub(lambda found: f"\\u{ord(found.group()):04x}", shown)


_NCNAME_REST = re.compile(r"[^a-z0-9._-]")


def identifier(node_id: str) -> str:
    """The ``xsd:ID`` of an element: ``id-`` and its id; a character outside exitplan's
    id alphabet (none in a valid estate) as ``Z<hex>Z``, so that distinct ids stay
    distinct and no escape looks like a joining word (those are capitalised words)."""
    return "id-" + _NCNAME_REST.sub(lambda found: f"Z{ord(found.group()):x}Z", node_id)


def relationship_identifier(edge: GraphEdge) -> str:
    """A data flow keeps its own id; any other relationship is named by its two ends
    joined by an upper-case word (``id-entra-id-Serves-intune``)."""
    if edge.type is Rel.FLOWS_TO and "id" in edge.properties:
        return identifier(str(edge.properties["id"]))
    rule = RELATION_RULES[edge.type]
    source, target = (edge.target, edge.source) if rule.reverse else (edge.source, edge.target)
    return f"{identifier(source)}-{rule.word}-{identifier(target).removeprefix('id-')}"


def _joined(value: object) -> str:
    if isinstance(value, tuple):
        return ", ".join(str(item) for item in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- what each element says ----------------------------------------------------------------


@dataclass
class Concept:
    """One element or relationship as it will be written."""

    identifier: str
    type: str
    name: str | None
    documentation: str | None
    properties: dict[str, str] = field(default_factory=dict)
    source: str | None = None
    target: str | None = None
    folder: tuple[str, ...] = ()


NODE_FIELDS: Mapping[Label, Sequence[tuple[str, str]]] = {
    Label.COMPONENT: (
        ("delivery", "exitplan-delivery"),
        ("lifecycle", "exitplan-lifecycle"),
        ("licence", "exitplan-licence"),
        ("licence_grace_days", "exitplan-licence-grace-days"),
        ("support_end", "exitplan-support-end"),
        ("contract_end", "exitplan-contract-end"),
        ("contract_notice_days", "exitplan-contract-notice-days"),
        ("contract_renewal_months", "exitplan-contract-renewal-months"),
        ("contract_termination_fee", "exitplan-contract-termination-fee"),
        ("cost_per_year", "exitplan-cost-per-year"),
        ("data_at_rest", "exitplan-data-at-rest"),
        ("processing", "exitplan-processing"),
        ("data_export", "exitplan-data-export"),
        ("exit_plan_exists", "exitplan-exit-plan"),
        ("exit_last_tested", "exitplan-exit-last-tested"),
        ("exit_substitutability", "exitplan-exit-substitutability"),
        ("exit_reintegration", "exitplan-exit-reintegration"),
        ("exit_note", "exitplan-exit-note"),
        ("tags", "exitplan-tags"),
    ),
    Label.SERVICE: (
        ("criticality", "exitplan-criticality"),
        ("users", "exitplan-users"),
        ("rto_hours", "exitplan-rto-hours"),
        ("owner", "exitplan-owner"),
        ("tags", "exitplan-tags"),
    ),
    Label.VENDOR: (
        ("hq_country", "exitplan-hq-country"),
        ("jurisdiction", "exitplan-jurisdiction"),
        ("exposure", "exitplan-exposure"),  # its own, or the nearest up its owners
        ("dpf_certified", "exitplan-dpf-certified"),
        ("tags", "exitplan-tags"),
    ),
    Label.ORGANISATION: (("kind", "exitplan-organisation-kind"), ("users", "exitplan-users")),
    Label.CAPABILITY: (),
}
"""The graph properties carried over, per kind, besides the name, note and id."""

EDGE_FIELDS: Mapping[Rel, Sequence[tuple[str, str]]] = {
    Rel.DEPENDS_ON: (
        ("strength", "exitplan-strength"),
        ("group", "exitplan-group"),
        ("capabilities", "exitplan-capabilities"),
        ("onset_days", "exitplan-grace-days"),
        ("at_renewal", "exitplan-at-renewal"),
    ),
    Rel.PROVIDED_BY: (("roles", "exitplan-roles"),),
    Rel.REALISES: (("coverage", "exitplan-coverage"),),
    Rel.USES: (("users", "exitplan-users"),),
    Rel.FLOWS_TO: (
        ("id", "exitplan-id"),
        ("assets", "exitplan-assets"),
        ("personal_data", "exitplan-personal-data"),
        ("classification", "exitplan-classification"),
        ("osl_ref", "exitplan-osl-ref"),
        ("krt_k", "exitplan-krt-k"),
        ("krt_r", "exitplan-krt-r"),
        ("krt_t", "exitplan-krt-t"),
        ("transfer", "exitplan-transfer"),
        ("volume", "exitplan-volume"),
        ("suitability_outcome", "exitplan-suitability-outcome"),
        ("suitability_date", "exitplan-suitability-date"),
    ),
    Rel.ALTERNATIVE_FOR: (
        ("readiness", "exitplan-readiness"),
        ("covers", "exitplan-covers"),
        ("gaps", "exitplan-gaps"),  # one to a line (_ONE_TO_A_LINE)
        ("effort_weeks", "exitplan-effort-weeks"),
        ("duration_weeks", "exitplan-duration-weeks"),
        ("cost_per_year", "exitplan-cost-per-year"),
        ("migration_cost", "exitplan-migration-cost"),
        ("parallel_months", "exitplan-parallel-months"),
    ),
    Rel.SUBSIDIARY_OF: (),
    Rel.REQUIRES: (),
}

_ONE_TO_A_LINE = frozenset({"gaps", "assets"})
"""Lists of free text, whose items may hold commas: written one to a line."""

ROLE_ORDER = ("licensor", "operator", "support_access", "subprocessor")
"""The vendor a component's ``Vendor`` property names: the maker that licenses it, else
the one that operates it, and so on (then by id). ``exitplan-vendors`` lists them all."""

FOLDER: Mapping[Label, tuple[str, ...]] = {
    Label.VENDOR: ("Business", "Vendors"),
    Label.ORGANISATION: ("Business", "Organisations"),
    Label.COMPONENT: ("Application", "Components"),
    Label.SERVICE: ("Application", "Services"),
    Label.CAPABILITY: ("Strategy", "Capabilities"),
}
"""Folders in Archi's model tree; the top names are Archi's own top-level folders."""


def _vendors(links: Sequence[GraphEdge], names: Mapping[NodeId, str]) -> list[tuple[str, str]]:
    """(name, roles) of every vendor of a component, the main one (``ROLE_ORDER``) first."""

    def roles(edge: GraphEdge) -> tuple[str, ...]:
        value = edge.properties.get("roles", ())
        return tuple(str(r) for r in value) if isinstance(value, tuple) else (str(value),)

    def rank(edge: GraphEdge) -> tuple[int, str]:
        known = [ROLE_ORDER.index(r) for r in roles(edge) if r in ROLE_ORDER]
        return min(known, default=len(ROLE_ORDER)), edge.target

    return [
        (names.get(edge.target, edge.target), ", ".join(roles(edge)))
        for edge in sorted(links, key=rank)
    ]


def _not_in_plan(simulation: Simulation) -> dict[NodeId, str]:
    """Each chosen candidate's needs that are not run today and no step brings in:
    ``a; b or c``."""
    needs: dict[NodeId, set[str]] = defaultdict(set)
    for step in simulation.plan.steps:
        for need in step.needs_brought_in:
            needs[need.candidate].add(need.options_text)
    return {candidate: "; ".join(sorted(told)) for candidate, told in needs.items()}


def _verdicts(simulation: Simulation) -> dict[NodeId, dict[str, str]]:
    said: dict[NodeId, dict[str, str]] = defaultdict(dict)
    for affected in simulation.affected:
        said[affected.id].update(_affected_properties(affected))
    for vendor in simulation.vendors:
        said[vendor].update({"exitplan-state": State.WITHDRAWN.value, "exitplan-fails-at-day": "0"})
    steps = {
        move.replaces: step
        for step in simulation.plan.steps
        if step.kind is StepKind.REPLACE
        for move in step.moves
    }
    chosen_for: dict[NodeId, list[NodeId]] = defaultdict(list)
    for replacement in simulation.replacements:
        properties = said[replacement.replaces]
        properties["exitplan-alternative-status"] = replacement.status.value
        if replacement.chosen is not None:
            properties["exitplan-candidate"] = replacement.chosen.candidate
            if replacement.chosen.gaps:  # one to a line, as the alternative's own
                properties["exitplan-gaps"] = "\n".join(replacement.chosen.gaps)
            chosen_for[replacement.chosen.candidate].append(replacement.replaces)
        step = steps.get(replacement.replaces)
        if step is not None:
            properties.update(_step_properties(step))
    for candidate, incumbents in chosen_for.items():
        said[candidate]["exitplan-chosen-for"] = ", ".join(sorted(incumbents))
        waves = sorted({steps[i].wave for i in incumbents if i in steps})
        if waves:
            said[candidate]["exitplan-wave"] = str(waves[0])
    for candidate, needs in _not_in_plan(simulation).items():
        said[candidate]["exitplan-needs-not-in-plan"] = needs
    held = {held.id: held.holds_back for held in simulation.held_back}
    for unneeded in simulation.not_needed:
        if unneeded in held:  # nothing needs it, but the candidates of others do
            said[unneeded]["exitplan-alternative-status"] = "missing"
            said[unneeded]["exitplan-holds-back"] = ", ".join(held[unneeded])
        else:
            said[unneeded]["exitplan-alternative-status"] = "not needed"
    return said


def _step_properties(step: Step) -> dict[str, str]:
    """The migration step of a replaced component: its id, wave, deadline, the day the
    steps after it need it by, and what blocks it."""
    properties = {"exitplan-step": step.id, "exitplan-wave": str(step.wave)}
    if step.deadline is not None:
        properties["exitplan-deadline-day"] = str(step.deadline)
    if step.too_late_for_next:
        properties["exitplan-due-for-next-day"] = "none: too late however soon it finishes"
    elif step.due_for_next is not None:
        properties["exitplan-due-for-next-day"] = str(step.due_for_next)
    if step.blocked:
        properties["exitplan-blocked-by"] = ", ".join(step.blocked_by)
    return properties


def _affected_properties(affected: Affected) -> dict[str, str]:
    properties = {"exitplan-state": affected.state.value}
    if affected.fails_at is not None:
        properties["exitplan-fails-at-day"] = str(affected.fails_at)
    if affected.degrades_at is not None:
        properties["exitplan-degrades-at-day"] = str(affected.degrades_at)
    if affected.undated:
        properties["exitplan-undated"] = "at renewal, date unknown"
    if len(affected.because) > 1:
        properties["exitplan-because"] = " ← ".join(affected.because)
    return properties


def _element(
    node: GraphNode, vendors: Sequence[tuple[str, str]], verdict: Mapping[str, str]
) -> Concept:
    """``vendors``: (name, roles) of each vendor of a component, the main one first."""
    properties = {"exitplan-id": node.id, "exitplan-kind": node.label.kind}
    for key, name in NODE_FIELDS[node.label]:
        if key in node.properties:
            properties[name] = _joined(node.properties[key])
    if node.label is Label.VENDOR and "exposure" not in node.properties:
        properties["exitplan-exposure"] = "none"  # the graph leaves out an empty list
    if node.properties.get("assumed"):
        properties["exitplan-assumed"] = "true"
    if vendors:
        properties["Vendor"] = vendors[0][0]
        properties["exitplan-vendors"] = "; ".join(f"{n} ({r})" for n, r in vendors)
    properties.update(verdict)
    text = [str(node.properties[k]) for k in ("description", "note") if k in node.properties]
    return Concept(
        identifier(node.id),
        ELEMENT_TYPE[node.label],
        node.name,
        "\n\n".join(text) or None,
        properties,
        folder=FOLDER[node.label],
    )


_ONSET = frozenset({"onset_days", "at_renewal"})
"""A dependency's onset, written only when it is not felt at once (a grace or a renewal):
the two go together, and an import of the model reads none as at once."""


def _relationship(edge: GraphEdge) -> Concept:
    rule = RELATION_RULES[edge.type]
    source, target = (edge.target, edge.source) if rule.reverse else (edge.source, edge.target)
    properties = {"exitplan-relation": RELATION_WORD[edge.type]}
    felt_at_once = not edge.properties.get("onset_days") and not edge.properties.get("at_renewal")
    for key, written in EDGE_FIELDS[edge.type]:
        if key in _ONSET and felt_at_once:
            continue  # the default, left out as an estate file leaves it out
        if key in edge.properties:
            value = edge.properties[key]
            if key in _ONE_TO_A_LINE and isinstance(value, tuple):
                properties[written] = "\n".join(str(item) for item in value)
            else:
                properties[written] = _joined(value)
    if edge.properties.get("assumed"):
        properties["exitplan-assumed"] = "true"
    name: str | None = rule.name
    if edge.type is Rel.FLOWS_TO:
        name = str(edge.properties.get("name", edge.properties.get("id", ""))) or None
    text = [str(edge.properties[k]) for k in ("why", "note") if k in edge.properties]
    return Concept(
        relationship_identifier(edge),
        rule.type,
        name,
        "\n\n".join(text) or None,
        properties,
        source=identifier(source),
        target=identifier(target),
        folder=("Relations", rule.folder),
    )


# --- views -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Placed:
    """A node or a heading on a view, where it stands."""

    identifier: str
    x: int
    y: int
    w: int = NODE_WIDTH
    h: int = NODE_HEIGHT
    element: str | None = None
    label: str | None = None
    look: Look | None = None


@dataclass(frozen=True)
class View:
    identifier: str
    name: str
    documentation: str
    placed: tuple[Placed, ...]
    connections: tuple[tuple[str, str, str, str], ...]
    """(identifier, relationship, source node, target node)"""
    left_out: str | None = None
    """What a view cut to fit leaves out, in a sentence (also in its documentation)."""


def _column_x(column: int, width: int = NODE_WIDTH) -> int:
    return MARGIN + column * (width + COLUMN_GAP)


def _row_y(row: int) -> int:
    return MARGIN + HEADER_HEIGHT + ROW_GAP + row * (NODE_HEIGHT + ROW_GAP)


def _day(value: int | None) -> tuple[int, int]:
    return (0, value) if value is not None else (1, 0)


def _connections(
    prefix: str, on_view: Mapping[str, str], relationships: Iterable[Concept]
) -> tuple[tuple[str, str, str, str], ...]:
    """Every relationship whose two ends are on the view, as a connection."""
    lines = []
    for relation in relationships:
        source, target = relation.source or "", relation.target or ""
        if source in on_view and target in on_view:
            lines.append(
                (
                    f"{prefix}-Line-{relation.identifier}",
                    relation.identifier,
                    on_view[source],
                    on_view[target],
                )
            )
    return tuple(lines)


def _impact_view(
    simulation: Simulation,
    title: str,
    relationships: Sequence[Concept],
    most: int | None,
    providers: Mapping[NodeId, Sequence[GraphEdge]],
) -> View:
    """Columns by state (withdrawn, broken, degraded), each sorted by day, then id; over
    ``most`` nodes, the part that matters most (``views.most_affecting``: the withdrawn
    vendors that provide the most of what is affected, then the chains)."""
    ids = {*map(NodeId, simulation.vendors), *(a.id for a in simulation.affected)}
    left_out = None
    if most is not None and len(ids) > most:
        provided = dict.fromkeys(map(NodeId, simulation.vendors), 0)
        for affected in simulation.affected:
            for vendor in {edge.target for edge in providers.get(affected.id, ())}:
                if vendor in provided:
                    provided[vendor] += 1
        ids, left_out = most_affecting(
            simulation, ids, most, room=VIEW_ROOM, rest=VIEW_REST, vendors=provided
        )
    by_state: dict[State, list[tuple[tuple[int, int], str, str]]] = defaultdict(list)
    counts: dict[State, int] = defaultdict(int)
    for vendor in simulation.vendors:
        counts[State.WITHDRAWN] += 1
        if vendor in ids:
            by_state[State.WITHDRAWN].append(((-1, 0), "", vendor))
    for affected in simulation.affected:
        counts[affected.state] += 1
        if affected.id not in ids:
            continue
        day = affected.fails_at if affected.state is not State.DEGRADED else affected.degrades_at
        by_state[affected.state].append((_day(day), affected.kind, affected.id))
    placed: list[Placed] = []
    on_view: dict[str, str] = {}
    column = 0
    for state in State:
        members = sorted(by_state.get(state, ()))
        if not counts[state]:
            continue  # a state with nothing drawn still says how many it holds
        placed.append(
            Placed(
                f"impact-Heading-{state.value}",
                _column_x(column),
                MARGIN,
                h=HEADER_HEIGHT,
                label=f"{state.value.capitalize()} ({_shown(len(members), counts[state])})",
            )
        )
        for index, (_, _, node_id) in enumerate(members):
            row = index % ROWS_PER_COLUMN
            if index and not row:
                column += 1
            node = f"impact-Node-{identifier(node_id)}"
            on_view[identifier(node_id)] = node
            placed.append(
                Placed(
                    node,
                    _column_x(column),
                    _row_y(row),
                    element=identifier(node_id),
                    look=LOOK[state],
                )
            )
        column += 1
    return View(
        "view-impact",
        f"Impact: {title}",
        "What the scenario withdraws, breaks and degrades, in columns by state, each "
        "sorted by the day it happens. The properties exitplan-state, exitplan-fails-at-day, "
        "exitplan-degrades-at-day and exitplan-because of each element say why."
        + (f"\n\n{left_out}" if left_out else ""),
        tuple(placed),
        _connections("impact", on_view, relationships),
        left_out,
    )


def _shown(drawn: int, every: int) -> str:
    """A heading's count: ``12`` or, on a view cut to fit, ``12 of 1,234``."""
    return f"{drawn:,}" if drawn == every else f"{drawn:,} of {every:,}"


def _first_moves(
    simulation: Simulation, most: int | None
) -> tuple[list[tuple[Step, NodeId, NodeId | None]], str | None]:
    """The moves of the plan's replace steps, or over ``most`` nodes (each replaced
    component and its candidate) those of the critical path, then of the earliest waves,
    each step whole or not at all; and a sentence saying what is left out."""
    steps = [s for s in simulation.plan.steps if s.kind is StepKind.REPLACE]
    moves = [(s, m.replaces, m.candidate) for s in steps for m in s.moves]
    nodes = {n for _, incumbent, candidate in moves for n in (incumbent, candidate) if n}
    if most is None or len(nodes) <= most:
        return moves, None
    critical = set(simulation.plan.critical_path)
    kept: set[NodeId] = set()
    shown: list[Step] = []
    for step in sorted(steps, key=lambda s: (s.id not in critical, s.wave, s.id)):
        own = {n for m in step.moves for n in (m.replaces, m.candidate) if n}
        if len(kept | own) <= most:
            kept |= own
            shown.append(step)
    ids = {s.id for s in shown}
    chosen = (
        "the critical path, then the earliest waves, each step whole"
        if shown
        else f"no step fits whole in {plural(most, 'node')}"
    )
    return [move for move in moves if move[0].id in ids], (
        f"Cut to {len(kept):,} of {len(nodes):,} nodes to fit {VIEW_ROOM}: {chosen}. "
        f"Not drawn: {len(steps) - len(shown):,} of the {len(steps):,} steps that replace a "
        f"component; {VIEW_REST} (exitplan-wave, exitplan-candidate)."
    )


def _plan_view(
    simulation: Simulation, title: str, relationships: Sequence[Concept], most: int | None
) -> View:
    """One column per wave: each replaced component with its chosen candidate beside it;
    over ``most`` nodes, the critical path and the earliest waves (``_first_moves``)."""
    pair_width = 2 * NODE_WIDTH + COLUMN_GAP // 2
    waves: dict[int, list[tuple[str, NodeId, NodeId | None, bool]]] = defaultdict(list)
    moves, left_out = _first_moves(simulation, most)
    for step, incumbent, candidate in moves:
        waves[step.wave].append((step.id, incumbent, candidate, step.blocked))
    every: dict[int, int] = defaultdict(int)  # the replace steps of each wave
    for step in simulation.plan.steps:
        if step.kind is StepKind.REPLACE:
            every[step.wave] += 1
    placed: list[Placed] = []
    on_view: dict[str, str] = {}
    for column, wave in enumerate(sorted(every if left_out else waves)):
        x = _column_x(column, pair_width)
        drawn = len({step_id for step_id, *_ in waves[wave]})
        noun = "replacement" if every[wave] == 1 else "replacements"
        placed.append(
            Placed(
                f"plan-Heading-{wave}",
                x,
                MARGIN,
                w=pair_width,
                h=HEADER_HEIGHT,
                label=f"Wave {wave}"
                + (f" ({_shown(drawn, every[wave])} {noun})" if left_out else ""),
            )
        )
        for row, (_, incumbent, candidate, blocked) in enumerate(sorted(waves[wave])):
            y = _row_y(row)
            look = LOOK["missing"] if blocked or candidate is None else LOOK[State.WITHDRAWN]
            if identifier(incumbent) not in on_view:  # each element once per view
                node = f"plan-Node-{identifier(incumbent)}"
                on_view[identifier(incumbent)] = node
                placed.append(Placed(node, x, y, element=identifier(incumbent), look=look))
            if candidate is not None and identifier(candidate) not in on_view:
                node = f"plan-Node-{identifier(candidate)}"
                on_view[identifier(candidate)] = node
                placed.append(
                    Placed(
                        node,
                        x + NODE_WIDTH + COLUMN_GAP // 2,
                        y,
                        element=identifier(candidate),
                        look=LOOK["candidate"],
                    )
                )
    chosen = {
        (identifier(move.candidate), identifier(move.replaces))
        for step in simulation.plan.steps
        for move in step.moves
        if move.candidate is not None
    }
    candidates = {candidate for candidate, _ in chosen}
    shown = [
        relation
        for relation in relationships
        if (relation.source, relation.target) in chosen
        or (
            relation.properties["exitplan-relation"] == RELATION_WORD[Rel.DEPENDS_ON]
            and relation.source in candidates
            and relation.target in candidates
        )
    ]
    return View(
        "view-plan",
        f"Plan: {title}",
        "The migration plan: one column per wave, each withdrawn component that must be "
        "replaced beside its chosen candidate (white with a red line: no viable "
        "candidate, the step is blocked). Lines between candidates show why one wave "
        "comes after another." + (f"\n\n{left_out}" if left_out else ""),
        tuple(placed),
        _connections("plan", on_view, shown),
        left_out,
    )


# --- writing -----------------------------------------------------------------------------------


def _q(tag: str) -> str:
    return f"{{{NAMESPACE}}}{tag}"


def _lang_text(parent: etree._Element, tag: str, text: str, *, newlines: bool = False) -> None:
    child = etree.SubElement(parent, _q(tag))
    child.set(XML_LANG, LANGUAGE)
    child.text = xml_text(text, newlines=newlines)


def _property_id(key: str) -> str:
    return "pd-" + _NCNAME_REST.sub("_", key.lower())


def _properties(parent: etree._Element, properties: Mapping[str, str]) -> None:
    if not properties:
        return
    holder = etree.SubElement(parent, _q("properties"))
    for key in sorted(properties):
        entry = etree.SubElement(holder, _q("property"))
        entry.set("propertyDefinitionRef", _property_id(key))
        _lang_text(entry, "value", properties[key], newlines=True)


def _rgb(parent: etree._Element, tag: str, colour: tuple[int, int, int]) -> None:
    element = etree.SubElement(parent, _q(tag))
    for channel, value in zip("rgb", colour, strict=True):
        element.set(channel, str(value))


def _write_view(parent: etree._Element, view: View, runs: _Runs) -> None:
    element = etree.SubElement(parent, _q("view"))
    element.set("identifier", view.identifier)
    element.set(f"{{{XSI}}}type", "Diagram")
    _lang_text(element, "name", view.name)
    _lang_text(element, "documentation", view.documentation, newlines=True)
    runs.defer(element, 4, lambda scratch: (_placed(scratch, item) for item in view.placed))
    runs.defer(element, 4, lambda scratch: (_connection(scratch, *c) for c in view.connections))


def _placed(scratch: etree._Element, item: Placed) -> etree._Element:
    node = etree.SubElement(scratch, _q("node"))
    node.set("identifier", item.identifier)
    node.set(f"{{{XSI}}}type", "Element" if item.element else "Label")
    if item.element:
        node.set("elementRef", item.element)
    for key, value in (("x", item.x), ("y", item.y), ("w", item.w), ("h", item.h)):
        node.set(key, str(value))
    if item.label is not None:
        _lang_text(node, "label", item.label)
    if item.look is not None:
        style = etree.SubElement(node, _q("style"))
        if item.look.line is not None:
            _rgb(style, "lineColor", item.look.line)
        _rgb(style, "fillColor", item.look.fill)
        if item.look.text is not None:
            font = etree.SubElement(style, _q("font"))
            _rgb(font, "color", item.look.text)
    return node


def _connection(
    scratch: etree._Element, ident: str, relationship: str, source: str, target: str
) -> etree._Element:
    line = etree.SubElement(scratch, _q("connection"))
    line.set("identifier", ident)
    line.set(f"{{{XSI}}}type", "Relationship")
    line.set("relationshipRef", relationship)
    line.set("source", source)
    line.set("target", target)
    return line


def _write_concepts(
    parent: etree._Element, tag: str, concepts: Sequence[Concept], runs: _Runs
) -> None:
    if concepts:
        holder = etree.SubElement(parent, _q(tag + "s"))
        runs.defer(holder, 2, lambda scratch: (_concept(scratch, tag, c) for c in concepts))


def _concept(scratch: etree._Element, tag: str, concept: Concept) -> etree._Element:
    element = etree.SubElement(scratch, _q(tag))
    element.set("identifier", concept.identifier)
    element.set(f"{{{XSI}}}type", concept.type)
    if concept.source is not None and concept.target is not None:
        element.set("source", concept.source)
        element.set("target", concept.target)
    if concept.name:
        _lang_text(element, "name", concept.name)
    if concept.documentation:
        _lang_text(element, "documentation", concept.documentation, newlines=True)
    _properties(element, concept.properties)
    return element


def _write_organizations(
    parent: etree._Element, concepts: Sequence[Concept], views: Sequence[View], runs: _Runs
) -> None:
    """Archi's model tree: its top-level folders, a sub-folder per kind."""
    tree: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for concept in concepts:
        top, sub = concept.folder
        tree[top][sub].append(concept.identifier)
    holder = etree.SubElement(parent, _q("organizations"))
    for top in ("Strategy", "Business", "Application", "Relations"):
        if top not in tree:
            continue
        folder = etree.SubElement(holder, _q("item"))
        _lang_text(folder, "label", top)
        for sub in sorted(tree[top]):
            subfolder = etree.SubElement(folder, _q("item"))
            _lang_text(subfolder, "label", sub)
            identifiers = sorted(tree[top][sub])
            runs.defer(subfolder, 4, functools.partial(_references, identifiers))
    if views:
        folder = etree.SubElement(holder, _q("item"))
        _lang_text(folder, "label", "Views")
        for view in views:
            etree.SubElement(folder, _q("item")).set("identifierRef", view.identifier)


def _references(identifiers: Iterable[str], scratch: etree._Element) -> Iterator[etree._Element]:
    for ident in identifiers:
        item = etree.SubElement(scratch, _q("item"))
        item.set("identifierRef", ident)
        yield item


class _Runs:
    """Long runs of sibling elements (the relationships of 100,000 components, the nodes
    of a view) written one element at a time, so that the document is never held as one
    tree: the tree holds a marker comment where each run goes, and the serialised tree is
    split at the markers. Each element is built under a scratch parent that declares the
    document's namespaces and indented as the whole document's pretty printing would,
    which gives the same bytes as one tree serialised at once."""

    def __init__(self) -> None:
        self._runs: list[tuple[int, Callable[[etree._Element], Iterable[etree._Element]]]] = []
        self._scratch = etree.Element(_q("scratch"), nsmap=NAMESPACES)  # type: ignore[arg-type]  # as in dump_archimate
        probe = etree.SubElement(self._scratch, _q("probe"))
        declared = etree.tostring(probe)  # b'<probe xmlns="..." xmlns:xsi="..."/>'
        self._declared = declared[len(b"<probe") : -len(b"/>")]
        self._scratch.remove(probe)

    def defer(
        self,
        parent: etree._Element,
        depth: int,
        make: Callable[[etree._Element], Iterable[etree._Element]],
    ) -> None:
        """Where ``parent``'s next child would go, the elements ``make`` builds (under the
        scratch parent it is given) at ``depth``, the root being 0."""
        parent.append(etree.Comment(f"exitplan-run-{len(self._runs)}"))
        self._runs.append((depth, make))

    def serialise(self, root: etree._Element) -> list[bytes]:
        text = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
        parts = []
        for number, (depth, make) in enumerate(self._runs):
            marker = b"  " * depth + f"<!--exitplan-run-{number}-->\n".encode()
            before, text = text.split(marker, 1)
            parts.append(before)
            for element in make(self._scratch):
                etree.indent(element, space="  ", level=depth)
                written = etree.tostring(
                    element, encoding="UTF-8", xml_declaration=False, with_tail=False
                )
                tag = written[: written.index(b" ")]
                if not written.startswith(tag + self._declared):
                    raise AssertionError(written[:200])  # namespaces as the probe showed
                parts.append(b"  " * depth + tag + written[len(tag + self._declared) :] + b"\n")
                self._scratch.remove(element)
        parts.append(text)
        return parts


def _model_properties(info: EstateInfo, simulation: Simulation) -> dict[str, str]:
    """The scenario and the estate's own header (its title, version, date, currency and
    legal profile), which an import of the file writes into a new estate.yaml."""
    properties = {
        "exitplan-withdraw": ", ".join(simulation.selectors),
        "exitplan-mode": simulation.mode,
        "exitplan-estate": simulation.estate,
        "exitplan-currency": info.currency,
        "exitplan-legal-profile": info.legal_profile.value,
    }
    if info.title is not None:
        properties["exitplan-estate-title"] = info.title
    if info.version is not None:
        properties["exitplan-estate-version"] = info.version
    if info.as_of is not None:
        properties["exitplan-as-of"] = info.as_of.isoformat()
    if simulation.scenario_id:
        properties["exitplan-scenario"] = simulation.scenario_id
    if simulation.horizon is not None:
        properties["exitplan-horizon-days"] = str(simulation.horizon)
    start = simulation.start or simulation.as_of
    if start is not None:
        properties["exitplan-start"] = start.isoformat()
    return properties


def dump_archimate(
    info: EstateInfo, graph: Subgraph, simulation: Simulation, most: int | None = MAX_NODES
) -> bytes:
    """The estate (``graph``: every node and edge, as the backend gives them) and the
    scenario's result as an ArchiMate exchange file (UTF-8 XML, the same bytes for the
    same input). Each view draws at most ``most`` nodes (``None``: every one)."""
    return b"".join(archimate_parts(info, graph, simulation, most).parts)


@dataclass(frozen=True)
class Exported:
    """``dump_archimate``'s bytes in parts, for writing without joining them first, and
    for each view cut to fit, its name and what it leaves out."""

    parts: list[bytes]
    cut: tuple[tuple[str, str], ...]


def archimate_parts(
    info: EstateInfo, graph: Subgraph, simulation: Simulation, most: int | None = MAX_NODES
) -> Exported:
    """The exchange file of ``dump_archimate``, in parts."""
    providers: dict[NodeId, list[GraphEdge]] = defaultdict(list)
    for edge in graph.edges:
        if edge.type is Rel.PROVIDED_BY:
            providers[edge.source].append(edge)
    names = {node.id: node.name for node in graph.nodes}
    verdicts = _verdicts(simulation)
    elements = []
    for node in sorted(graph.nodes, key=lambda n: n.id):
        vendors = _vendors(providers.get(node.id, []), names)
        elements.append(_element(node, vendors, verdicts.get(node.id, {})))
    relationships = sorted(
        (_relationship(edge) for edge in graph.edges), key=lambda r: r.identifier
    )
    title = simulation.scenario_title or ", ".join(simulation.selectors)
    views = [
        _impact_view(simulation, title, relationships, most, providers),
        _plan_view(simulation, title, relationships, most),
    ]

    runs = _Runs()
    root = etree.Element(_q("model"), nsmap=NAMESPACES)  # type: ignore[arg-type]  # lxml-stubs lack the default namespace's None key
    root.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATION)
    # "model-": no element, relationship, view or node identifier starts so
    root.set("identifier", "model-" + identifier(info.name).removeprefix("id-"))
    _lang_text(root, "name", info.title or info.name)
    scenario = simulation.scenario_id or "a withdrawal"
    _lang_text(
        root,
        "documentation",
        f"Exported by exitplan from estate {info.name!r} for scenario {scenario!r} "
        f"({title}): withdraws {', '.join(simulation.selectors)} in {simulation.mode} mode. "
        "Properties named exitplan-* carry the exitplan ids and the simulation's result; "
        "the views 'Impact' and 'Plan' draw it.",
        newlines=True,
    )
    _properties(root, _model_properties(info, simulation))
    _write_concepts(root, "element", elements, runs)
    _write_concepts(root, "relationship", relationships, runs)
    _write_organizations(root, [*elements, *relationships], views, runs)
    used = {key for concept in (*elements, *relationships) for key in concept.properties}
    used |= set(_model_properties(info, simulation))
    definitions = etree.SubElement(root, _q("propertyDefinitions"))
    for key in sorted(used, key=_property_id):
        definition = etree.SubElement(definitions, _q("propertyDefinition"))
        definition.set("identifier", _property_id(key))
        definition.set("type", "string")
        _lang_text(definition, "name", key)
    diagrams = etree.SubElement(etree.SubElement(root, _q("views")), _q("diagrams"))
    for view in views:
        _write_view(diagrams, view, runs)
    return Exported(
        runs.serialise(root),
        tuple((view.name.partition(":")[0], view.left_out) for view in views if view.left_out),
    )


__all__ = [
    "Exported",
    "archimate_parts",
    "dump_archimate",
    "identifier",
    "relationship_identifier",
    "xml_text",
]
