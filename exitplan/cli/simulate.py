"""exitplan simulate, why and what-breaks-if: withdraw something and see the consequences."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from exitplan.cli.common import (
    DIAGRAM_OPTION,
    FORMATS,
    HORIZON,
    MODE,
    OUTPUT,
    START,
    WITHDRAW,
    Source,
    deliver,
    emit,
    estate_source,
    impact_drawn,
    notice,
    refuse_own_inputs,
    render_simulation,
    simulation_options,
    tell_if_nothing_is_withdrawn,
    terminal_width,
    text_format,
)
from exitplan.errors import UsageError, plural, with_article
from exitplan.graph import Label
from exitplan.graph.describe import known_node
from exitplan.model import NodeId
from exitplan.render import rows
from exitplan.render.csv import dump_section_csv
from exitplan.render.json import (
    dump_why_json,
)
from exitplan.render.markdown import dump_sections_markdown
from exitplan.render.table import (
    dump_sections_table,
)
from exitplan.render.xlsx import simulation_sheets
from exitplan.simulate import explain, simulate


@click.command(name="simulate")
@estate_source()
@WITHDRAW
@MODE
@HORIZON
@START
@FORMATS
@OUTPUT
@DIAGRAM_OPTION
def simulate_command(
    source: Source,
    selectors: tuple[str, ...],
    mode: str,
    horizon: int | None,
    start: Any,
    output_format: str,
    output: Path | None,
    diagram_file: Path | None,
) -> None:
    """Withdraw a vendor, component or jurisdiction and show what breaks and when, what
    can replace it, and the migration plan in waves.

    \b
    Examples:
      exitplan simulate graphs/gothenburg --withdraw vendor:microsoft
      exitplan simulate graphs/gothenburg -w component:intune --horizon 365
      exitplan simulate graphs/gothenburg -w jurisdiction:US --mode exit --format json
      exitplan simulate graphs/gothenburg -w vendor:microsoft -o microsoft.xlsx
    """
    refuse_own_inputs([diagram_file, output], estate=source.path)
    output_format = text_format(output_format, output)
    backend = source.open()
    simulation = simulate(backend, selectors, simulation_options(mode, horizon, start))
    tell_if_nothing_is_withdrawn(backend, simulation)
    diagram = impact_drawn(backend, simulation, diagram_file, source)
    deliver(
        lambda: render_simulation(simulation, output_format),
        lambda: simulation_sheets(simulation),
        output,
        output_format,
        also=diagram,
    )


@click.command(name="why")
@estate_source(shifts="node_id")
@click.argument("node_id", metavar="NODE", required=False)
@WITHDRAW
@MODE
@START
@FORMATS
def why_command(
    source: Source,
    node_id: str,
    selectors: tuple[str, ...],
    mode: str,
    start: Any,
    output_format: str,
) -> None:
    """Every chain of dependencies by which a withdrawal reaches NODE, earliest first.

    \b
    Example:
      exitplan why graphs/gothenburg it-arbetsplats --withdraw component:intune
    """
    if node_id is None:
        raise UsageError("name the NODE to explain, e.g. exitplan why PATH it-arbetsplats -w ...")
    backend = source.open()
    node = known_node(backend, NodeId(node_id))
    if node.label not in (Label.COMPONENT, Label.SERVICE):
        raise UsageError(
            f"{node_id!r} is {with_article(node.label.kind)}; why takes a component or a "
            "service (what depends on something"
            + (", as an organisation's services do)" if node.label is Label.ORGANISATION else ")")
        )
    explanation = explain(
        backend, selectors, NodeId(node_id), simulation_options(mode, None, start)
    )
    simulation, found, truncated = explanation.simulation, explanation.chains, explanation.truncated
    if output_format == "json":
        text = dump_why_json(simulation, node_id, found, truncated)
    else:
        section = rows.why(simulation, node_id, found, truncated)
        headline = rows.why_headline(simulation, node_id)
        if output_format == "csv":
            text = dump_section_csv(section)
            if truncated:  # a CSV has no place for the table's note (helper-86)
                notice(
                    "exitplan: notice: the list was cut at "
                    f"{plural(len(found), 'chain')}: more may exist (the earliest are listed)"
                )
        else:
            shown = [section] if found else []  # the headline says it is not reached
            if output_format == "markdown":
                text = dump_sections_markdown(f"Why {node_id}", headline, shown)
            else:
                text = dump_sections_table(headline, shown, width=terminal_width())
    emit(text)


@click.command(name="what-breaks-if")
@estate_source(shifts="node_id")
@click.argument("node_id", metavar="NODE", required=False)
@MODE
@HORIZON
@START
@FORMATS
def what_breaks_if_command(
    source: Source,
    node_id: str,
    mode: str,
    horizon: int | None,
    start: Any,
    output_format: str,
) -> None:
    """Withdraw one node (a component, service or vendor) and show what breaks.

    \b
    Examples:
      exitplan what-breaks-if graphs/gothenburg entra-id
      exitplan what-breaks-if graphs/gothenburg microsoft-ireland --format json
    """
    if node_id is None:
        raise UsageError("name the NODE to withdraw, e.g. exitplan what-breaks-if PATH entra-id")
    backend = source.open()
    kinds = {Label.COMPONENT: "component", Label.SERVICE: "service", Label.VENDOR: "vendor"}
    node = known_node(backend, NodeId(node_id), list(kinds))
    if node.label not in kinds:
        raise UsageError(
            f"{node_id!r} is {with_article(node.label.kind)}; what-breaks-if takes a component, "
            "service or vendor"
        )
    selector = f"{kinds[node.label]}:{node_id}"
    simulation = simulate(backend, [selector], simulation_options(mode, horizon, start))
    tell_if_nothing_is_withdrawn(backend, simulation)
    emit(render_simulation(simulation, output_format))
