"""exitplan diagram: the estate, an impact or a plan drawn with Graphviz; the plan on a
calendar drawn with matplotlib."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from click.core import ParameterSource

from exitplan.cli.common import (
    HORIZON,
    MODE,
    START,
    SYMLINK_RULE,
    OutputFile,
    ScenarioFile,
    Source,
    diagram_file_suffix,
    estate_source,
    notice,
    refuse_own_inputs,
    scenario_read,
    scenario_simulated,
    simulation_options,
    tell_if_nothing_is_withdrawn,
    write_diagram,
)
from exitplan.errors import UsageError
from exitplan.graph import GraphBackend
from exitplan.model import NodeId
from exitplan.render.files import Renderer, write_output
from exitplan.render.gantt import render_gantt
from exitplan.simulate import Options, simulate
from exitplan.simulate.result import Simulation
from exitplan.simulate.views import (
    FAN,
    MAX_NODES,
    GroupBy,
    View,
    estate_view,
    impact_view,
    plan_view,
)

_WITHDRAWAL = (
    ("selectors", "--withdraw"),
    ("mode", "--mode"),
    ("start", "--start"),
    ("horizon", "--horizon"),
)
"""The options that say what is withdrawn and how (parameter, flag): a scenario's."""


@click.command(name="diagram")
@estate_source()
@click.option(
    "--withdraw",
    "-w",
    "selectors",
    multiple=True,
    metavar="SELECTOR",
    help="What is withdrawn (impact, plan and gantt views); repeat for a union.",
)
@click.option(
    "--scenario",
    type=ScenarioFile(),
    help="Draw a scenario file's withdrawal instead: its estate, what it withdraws, its "
    "mode, start, horizon, preferences and capacity (no PATH, -w, --mode, --start or "
    "--horizon with it).",
)
@click.option(
    "--view",
    type=click.Choice([v.value for v in View]),
    default=View.IMPACT.value,
    show_default=True,
    help="estate: everything in use; impact: what the withdrawal touches; plan: the waves; "
    "gantt: the plan on a calendar (.svg, .png or .pdf).",
)
@click.option("--focus", metavar="ID", help="Keep only what is near this node.")
@click.option(
    "--depth",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="With --focus: how many dependency steps away to keep.",
)
@click.option(
    "--group-by",
    type=click.Choice([g.value for g in GroupBy]),
    default=GroupBy.VENDOR.value,
    show_default=True,
    help="Clusters: by vendor (with its owner and country), by layer, or none.",
)
@click.option(
    "--direction",
    type=click.Choice(["LR", "TB"]),
    help="Left to right (the default) or top to bottom.",
)
@MODE
@START
@HORIZON
@click.option(
    "--renderer",
    type=click.Choice([r.value for r in Renderer]),
    default=Renderer.PURE.value,
    show_default=True,
    help="pure: graphviz-pure, installed with exitplan, the same picture on every machine; "
    "dot: the system's Graphviz (PDF is always drawn by it).",
)
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=OutputFile(),
    callback=diagram_file_suffix,
    help="The file to write; its suffix picks the format: .dot, .svg, .png or .pdf (over "
    f"{MAX_NODES} nodes, a table of alike ones counting one for each {FAN}, only .dot, for "
    "other tools, is written). " + SYMLINK_RULE,
)
def diagram_command(
    source: Source,
    selectors: tuple[str, ...],
    view: str,
    focus: str | None,
    depth: int,
    group_by: str,
    direction: str | None,
    mode: str,
    start: date | None,
    horizon: int | None,
    scenario: Path | None,
    renderer: str,
    output: Path,
) -> None:
    """Draw the estate, the impact of a withdrawal or the migration plan as a graph, or
    the plan on a calendar (a Gantt chart).

    A graph in .dot, .svg or .png is drawn on every machine by graphviz-pure (installed
    with exitplan); in .pdf, and with --renderer dot, it needs the system's Graphviz. The
    Gantt chart is drawn with matplotlib (installed with exitplan) in .svg, .png or .pdf.

    \b
    Examples:
      exitplan diagram graphs/gothenburg -w vendor:microsoft --view impact -o impact.svg
      exitplan diagram graphs/gothenburg --view estate --focus intune --depth 2 -o intune.png
      exitplan diagram graphs/gothenburg -w vendor:microsoft --view plan -o plan.pdf
      exitplan diagram graphs/gothenburg -w vendor:microsoft --mode exit --view gantt -o plan.png
      exitplan diagram --scenario scenarios/leave-microsoft.yaml --view gantt -o plan.svg
    """
    chosen = View(view)
    focus_id = NodeId(focus) if focus is not None else None  # an empty one is no node
    context = click.get_current_context()
    if scenario is not None:
        _refuse_beside_a_scenario(context, source, chosen)
    unused = {
        View.ESTATE: _WITHDRAWAL,
        View.IMPACT: (),
        View.PLAN: (
            ("focus", "--focus"),
            ("depth", "--depth"),
            ("group_by", "--group-by"),
            ("horizon", "--horizon"),  # the plan has every step, whatever the horizon
        ),
        View.GANTT: (
            ("focus", "--focus"),
            ("depth", "--depth"),
            ("group_by", "--group-by"),
            ("direction", "--direction"),
            ("horizon", "--horizon"),
            ("renderer", "--renderer"),
        ),
    }[chosen]
    ignored = [
        flag
        for name, flag in unused
        if context.get_parameter_source(name) is not ParameterSource.DEFAULT
    ]
    if ignored:
        notice(f"exitplan: the {view} view does not use {', '.join(ignored)}")
    elif focus is None and context.get_parameter_source("depth") is not ParameterSource.DEFAULT:
        notice("exitplan: --depth is used only with --focus ID; the whole view is drawn")
    if chosen is View.GANTT and output.suffix.lower() == ".dot":
        raise UsageError("the gantt view is not a graph: write it as .svg, .png or .pdf")
    if chosen is not View.ESTATE and not selectors and scenario is None:
        raise UsageError(f"the {view} view needs --withdraw SELECTOR (or --scenario FILE)")
    simulation: Simulation | None
    if scenario is not None:
        loaded = scenario_read(scenario, source, [output])
        backend, simulation = scenario_simulated(loaded, source)
    else:
        options = None if chosen is View.ESTATE else simulation_options(mode, horizon, start)
        backend, simulation = _withdrawal_run(source, selectors, options, output)
    most = None if output.suffix.lower() == ".dot" else MAX_NODES  # for other tools: whole
    if simulation is None:
        drawing = estate_view(
            backend,
            focus=focus_id,
            depth=depth,
            group_by=GroupBy(group_by),
            direction=direction or "LR",
            most=most,
        )
    elif chosen is View.GANTT:
        write_output(output, render_gantt(simulation, output.suffix.lower()))
        notice(f"exitplan: wrote {output}")
        return
    elif chosen is View.IMPACT:
        drawing = impact_view(
            backend,
            simulation,
            focus=focus_id,
            depth=depth,
            group_by=GroupBy(group_by),
            direction=direction or "LR",
            most=most,
        )
    else:
        drawing = plan_view(backend, simulation, direction=direction or "LR", most=most)
    write_diagram(drawing, output, Renderer(renderer))


def _refuse_beside_a_scenario(context: click.Context, source: Source, view: View) -> None:
    """A scenario sets its estate and its withdrawal: what would set them again is refused
    (which would win is not for a reader of the picture to guess)."""
    if view is View.ESTATE:
        raise UsageError(
            "the estate view draws no withdrawal: give the estate as PATH, not --scenario"
        )
    given = [
        flag
        for name, flag in _WITHDRAWAL
        if context.get_parameter_source(name) is not ParameterSource.DEFAULT
    ]
    if source.path is not None:
        given.insert(0, "PATH")
    if given:
        raise UsageError(
            f"--scenario sets its estate, what it withdraws, its mode, start and horizon: "
            f"leave out {', '.join(given)}"
        )


def _withdrawal_run(
    source: Source, selectors: tuple[str, ...], options: Options | None, output: Path
) -> tuple[GraphBackend, Simulation | None]:
    """The estate at PATH (or in the database) and, unless ``options`` is ``None`` (the
    estate view), the simulation of ``selectors``."""
    if source.path is None and source.backend == "embedded":
        raise UsageError(
            "give the estate's PATH (a file or folder), a scenario with --scenario FILE, "
            "or --backend neo4j"
        )
    refuse_own_inputs([output], estate=source.path)
    backend = source.open()
    if options is None:
        return backend, None
    simulation = simulate(backend, selectors, options)
    tell_if_nothing_is_withdrawn(backend, simulation)
    return backend, simulation
