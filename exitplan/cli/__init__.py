"""The ``exitplan`` command line: the only place that prints errors and picks exit codes.

One module per command or group of related commands (as pip-tools keeps one per
command); this module builds the group and turns errors into messages. Exit codes
(DESIGN.md §7): 0 success; 1 a check found what ``--fail-on`` asked to fail on; 2 bad
input, bad usage or an unreachable backend; 130 interrupted; 143 terminated (see
``exitplan.entry``). Requested output goes to stdout, messages to stderr, so output can be
piped. Every message is shown through ``printable``: names and file names read from a
file never drive the terminal.
"""

from __future__ import annotations

import importlib
import io
import sys
import traceback
from collections.abc import Sequence
from typing import Any

import click

from exitplan import __version__
from exitplan.cli.common import keep_estates as keep_estates
from exitplan.cli.common import notice
from exitplan.errors import SIGNALS_ARRIVED, ExitplanError

INTERNAL_ERROR = 3

COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("init", "init_command"),
    "import": ("importing", "import_command"),
    "validate": ("validate", "validate_command"),
    "show": ("show", "show_command"),
    "simulate": ("simulate", "simulate_command"),
    "why": ("simulate", "why_command"),
    "what-breaks-if": ("simulate", "what_breaks_if_command"),
    "check": ("check", "check_command"),
    "register": ("register", "register_command"),
    "report": ("report", "report_command"),
    "run": ("scenarios", "run_command"),
    "compare": ("scenarios", "compare_command"),
    "sensitivity": ("sensitivity", "sensitivity_command"),
    "diagram": ("diagram", "diagram_command"),
    "explore": ("explore", "explore_command"),
    "export": ("export", "export_group"),
    "load": ("load", "load_command"),
    "estates": ("load", "estates_command"),
    "unload": ("load", "unload_command"),
    "schema": ("schema", "schema_command"),
}
"""Each command: its module under ``exitplan.cli`` and its name there. A command's module
is imported when the command runs, so that one command does not wait for what the
others import (importers, charts, slides: half a second)."""


class _ExitplanGroup(click.Group):
    """Turns every ``ExitplanError`` into one readable message and its exit code; finds
    each command in ``COMMANDS`` when it is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            # Every command made known, so that click's error suggests the nearest name.
            for name in COMMANDS:
                self.commands.setdefault(name, _command(name))
            return None
        return _command(cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ExitplanError as error:
            if SIGNALS_ARRIVED:  # an extension turned the signal into problems of the input
                raise SIGNALS_ARRIVED[0] from None
            if ctx.params.get("debug"):  # the traceback, then the message and code as ever
                notice("".join(traceback.format_exception(error)).rstrip(), newlines=True)
            # Problems come as compiler-style "file:line: ..." lines, then one summary.
            *details, summary = str(error).splitlines() or [""]
            for line in details:  # names and values read from files: shown, never obeyed
                notice(line)
            notice(f"exitplan: {summary}")
            ctx.exit(error.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as error:
            signalled = _signal_behind(error)
            if signalled is not None:
                raise signalled from None
            debug = bool(ctx.params.get("debug"))
            if debug:
                notice("".join(traceback.format_exception(error)).rstrip(), newlines=True)
            notice(f"exitplan: internal error: {type(error).__name__}: {str(error)[:300]}")
            asked = "the traceback above" if debug else "the traceback that --debug shows"
            notice(f"This is a bug in exitplan; please report {asked}.")
            ctx.exit(INTERNAL_ERROR)


def _signal_behind(error: Exception) -> BaseException | None:
    """The Ctrl-C or SIGTERM behind ``error``: an exception outside ``Exception`` among
    its causes. A C extension interrupted while it initialises reports ``ImportError:
    initialization failed`` caused by the ``KeyboardInterrupt`` (pybind11 modules do,
    matplotlib's among them); that is the signal, for the caller to handle, not a bug.
    (``exitplan.entry`` walks the same chain for what reaches it; it cannot share this
    one, as it runs before anything of exitplan's is imported.) Where the chain names no
    signal but one has arrived, the extension kept only its words: the signal it was."""
    seen: set[int] = set()
    current = error.__cause__ or error.__context__
    while current is not None and id(current) not in seen:
        if not isinstance(current, (Exception, SystemExit, GeneratorExit)):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return SIGNALS_ARRIVED[0] if SIGNALS_ARRIVED else None


def _command(name: str) -> click.Command:
    module, attribute = COMMANDS[name]
    command = getattr(importlib.import_module(f"exitplan.cli.{module}"), attribute)
    assert isinstance(command, click.Command)  # noqa: S101  # the table names commands
    return command


@click.group(
    cls=_ExitplanGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, "--version", prog_name="exitplan")
@click.option("--debug", is_flag=True, help="Show the Python traceback of an error.")
def cli(debug: bool) -> None:
    """Simulate leaving a vendor: what breaks and when, what can replace it, and in what
    order to migrate.

    PATH is an estate: a YAML or JSON file, or a folder of them merged into one.

    \b
    Example:
      exitplan validate graphs/gothenburg
    """
    del debug  # read from the context by _ExitplanGroup


def _tolerant_streams() -> None:
    """A character the terminal's encoding lacks is written as an escape (``\\u2713``)
    instead of stopping the run, whatever PYTHONIOENCODING or the locale say."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def run(args: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code.

    Click's own error display is used for bad usage, with what it echoes made printable;
    ``KeyboardInterrupt`` (and ``exitplan.entry.Terminated``) pass through to the caller,
    which owns the signals.
    """
    _tolerant_streams()
    try:
        with cli.make_context("exitplan", list(sys.argv[1:] if args is None else args)) as ctx:
            cli.invoke(ctx)
    except click.exceptions.Exit as done:
        return done.exit_code
    except click.ClickException as error:
        shown = io.StringIO()
        error.show(file=shown)
        notice(shown.getvalue().rstrip("\n"), newlines=True)
        return error.exit_code
    except click.Abort:  # a prompt was answered with Ctrl-C or end of input
        raise KeyboardInterrupt from None
    except SystemExit as done:  # check --fail-on
        return done.code if isinstance(done.code, int) else 1
    return 0


def main() -> None:
    """Run the command line (without the start-up guard of ``exitplan.entry``)."""
    raise SystemExit(run())
