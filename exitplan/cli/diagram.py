"""exitplan diagram: the estate, an impact or a plan drawn with Graphviz; the plan on a
calendar drawn with matplotlib."""

from __future__ import annotations

from pathlib import Path

import click
from click.core import ParameterSource

from exitplan.cli.common import (
    MODE,
    SYMLINK_RULE,
    OutputFile,
    Source,
    diagram_file_suffix,
    estate_source,
    notice,
    refuse_own_inputs,
    simulation_options,
    tell_if_nothing_is_withdrawn,
    write_diagram,
)
from exitplan.errors import UsageError
from exitplan.model import NodeId
from exitplan.render.files import Renderer, write_output
from exitplan.render.gantt import render_gantt
from exitplan.simulate import simulate
from exitplan.simulate.views import (
    MAX_NODES,
    GroupBy,
    View,
    estate_view,
    impact_view,
    plan_view,
)


@click.command(name="diagram")
@estate_source()
@click.option(
    "--withdraw",
    "-w",
    "selectors",
    multiple=True,
    metavar="SELECTOR",
    help="What is withdrawn (impact and plan views); repeat for a union.",
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
    f"{MAX_NODES} nodes only .dot, for other tools, is written). " + SYMLINK_RULE,
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
    """
    refuse_own_inputs([output], estate=source.path)
    backend = source.open()
    chosen = View(view)
    focus_id = NodeId(focus) if focus else None
    context = click.get_current_context()
    unused = {
        View.ESTATE: (("selectors", "--withdraw"), ("mode", "--mode")),
        View.IMPACT: (),
        View.PLAN: (("focus", "--focus"), ("depth", "--depth"), ("group_by", "--group-by")),
        View.GANTT: (
            ("focus", "--focus"),
            ("depth", "--depth"),
            ("group_by", "--group-by"),
            ("direction", "--direction"),
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
    most = None if output.suffix.lower() == ".dot" else MAX_NODES  # for other tools: whole
    if chosen is View.ESTATE:
        drawing = estate_view(
            backend,
            focus=focus_id,
            depth=depth,
            group_by=GroupBy(group_by),
            direction=direction or "LR",
            most=most,
        )
    else:
        if not selectors:
            raise UsageError(f"the {view} view needs --withdraw SELECTOR")
        simulation = simulate(backend, selectors, simulation_options(mode, None, None))
        tell_if_nothing_is_withdrawn(backend, simulation)
        if chosen is View.GANTT:
            write_output(output, render_gantt(simulation, output.suffix.lower()))
            notice(f"exitplan: wrote {output}")
            return
        drawing = (
            impact_view(
                backend,
                simulation,
                focus=focus_id,
                depth=depth,
                group_by=GroupBy(group_by),
                direction=direction or "LR",
                most=most,
            )
            if chosen is View.IMPACT
            else plan_view(backend, simulation, direction=direction or "LR", most=most)
        )
    write_diagram(drawing, output, Renderer(renderer))
