"""exitplan explore: one HTML file to ask "what breaks if" by clicking, offline."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from exitplan.cli.common import (
    MODE,
    START,
    SYMLINK_RULE,
    OutputFile,
    Source,
    counted,
    estate_source,
    notice,
    refuse_own_inputs,
    simulation_options,
)
from exitplan.errors import UsageError
from exitplan.render.explorer import dump_explorer, explorer_words, kept_answer
from exitplan.render.files import write_output
from exitplan.select import parse_selector
from exitplan.simulate.explore import MOST_ANSWERED, MOST_COMPONENTS, explorer_data


def _html_file(ctx: click.Context, parameter: click.Parameter, value: Path) -> Path:
    del ctx, parameter
    if value.suffix.lower() not in (".html", ".htm"):
        raise click.BadParameter(
            f"the explorer is an HTML file: name it .html (got {value.name!r})"
        )
    return value


@click.command(name="explore")
@estate_source()
@click.option(
    "--withdraw",
    "-w",
    "selectors",
    multiple=True,
    metavar="SELECTOR",
    help="Also offer this withdrawal (repeat for a union), and open the page on it.",
)
@MODE
@START
@click.option(
    "-o",
    "--output",
    required=True,
    type=OutputFile(),
    callback=_html_file,
    help="The HTML file to write. " + SYMLINK_RULE,
)
def explore_command(
    source: Source, selectors: tuple[str, ...], mode: str, start: date | None, output: Path
) -> None:
    """Write one HTML file that shows the estate as a graph and lets the reader withdraw
    any vendor group, jurisdiction or component, move a day slider, and see what breaks,
    the chain behind it, the alternatives and the plan. Every answer is exitplan's own,
    computed now for every choice; the page needs no network and no server (open it from
    an e-mail; any browser from 2023 on, which inflates the answers kept compressed), and
    opens in a given state from its address, e.g.
    estate.html#withdraw=vendor:microsoft&day=90.

    \b
    Example:
      exitplan explore graphs/gothenburg -o estate.html
    """
    for selector in selectors:
        parse_selector(selector)  # a malformed selector is refused before any work
    refuse_own_inputs([output], estate=source.path)
    backend = source.open()
    options = simulation_options(mode, None, start)
    with counted("answering each withdrawal the page offers", remaining=True) as progress:
        data = explorer_data(backend, selectors, options, progress, kept_answer, explorer_words)
    if not data["choices"]:
        raise UsageError("nothing in this estate can be withdrawn: it has no component in use")
    if data["components_left_out"]:
        notice(
            f"exitplan: notice: {data['components_left_out']:,} components in use are not "
            f"offered one by one (the first {MOST_COMPONENTS:,} by id are); give -w "
            "component:ID for one you need"
        )
    if data["choices_left_out"]:
        notice(
            f"exitplan: notice: {data['choices_left_out']:,} withdrawals are not offered: "
            f"the answers to the {len(data['choices']):,} others already hold "
            f"{MOST_ANSWERED:,} affected nodes, as many as a page opens well; give -w "
            "SELECTOR for one you need"
        )
    write_output(output, dump_explorer(data))
    notice(f"exitplan: wrote {output} ({len(data['choices']):,} withdrawals to pick from)")
