"""Issue 10: every bad input refused cleanly, nothing lost (the loading half).

Each row builds its input in a fresh folder (files, links, FIFOs, sockets, devices,
hostile contents) and runs the real command line on it. A refused input ends with exit
code 2 and one ``file:line: field: message`` line per problem; an input that is partly
skipped ends with exit code 0 and one ``exitplan: notice:`` line per thing skipped.
Never a traceback, an internal error, a hang, a raw control character, or a line longer
than a screen shows.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from exitplan.loading import (
    ALIAS_BUDGET,
    BYTES_PER_VALUE,
    MAX_DEPTH,
    MAX_ESTATE_BYTES,
    MAX_PROBLEMS_PER_FILE,
    load_estate,
)
from tests.conftest import RunCli

MEGABYTE = 1024 * 1024
BUDGET = 8 * MEGABYTE
"""The ``--max-bytes`` the cases at the limits are run with: the costs scale with it."""
BUDGET_VALUES = BUDGET // BYTES_PER_VALUE
WITHIN_BUDGET = ("validate", "--max-bytes", str(BUDGET))
LONGEST_LINE = 300

VENDOR = "vendors:\n  - {id: acme, name: Acme}\n"
"""A valid estate file: the other files of a case add to it or break it."""

Build = Callable[[Path], Path]
"""Writes a case's input under the folder given; returns the path to give the command."""


# --- building inputs ---------------------------------------------------------------------


def files(contents: dict[str, str | bytes]) -> Build:
    """An estate folder ``estate/`` holding the valid vendor file and these files."""

    def build(root: Path) -> Path:
        folder = root / "estate"
        folder.mkdir()
        (folder / "vendor.yaml").write_text(VENDOR, encoding="utf-8")
        for name, content in contents.items():
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")
        return folder

    return build


def one_file(name: str, content: str | bytes) -> Build:
    """A single file, given on its own as the estate."""

    def build(root: Path) -> Path:
        target = root / name
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
        return target

    return build


def then(first: Build, step: Callable[[Path], object]) -> Build:
    """``first``, then ``step`` on the estate folder it built (links, FIFOs, modes)."""

    def build(root: Path) -> Path:
        folder = first(root)
        step(folder)
        return folder

    return build


def component(*lines: str) -> str:
    """One valid component of the vendor ``acme`` with extra lines (the first is line 6)."""
    body = "".join(f"    {line}\n" for line in lines)
    return "components:\n  - id: app\n    name: App\n    vendor: acme\n    delivery: saas\n" + body


def alternative(*lines: str) -> str:
    """An alternative for ``app`` with extra lines (the first is line 8)."""
    return (
        "components:\n  - {id: app, name: App, vendor: acme, delivery: saas}\n"
        "  - {id: alt, name: Alt, vendor: acme, delivery: saas, lifecycle: candidate}\n"
        "alternatives:\n  - for: app\n    candidate: alt\n    readiness: R2\n"
        + "".join(f"    {line}\n" for line in lines)
    )


def service(*lines: str) -> str:
    """A service with extra lines (the first is line 6), used by organisation ``org``."""
    return (
        "organisations:\n  - {id: org, name: Org}\nservices:\n  - id: svc\n    name: Svc\n"
        + "".join(f"    {line}\n" for line in lines)
    )


def vendor_file(vendor_id: str) -> str:
    return f"vendors:\n  - {{id: {vendor_id}, name: {vendor_id.title()}}}\n"


def made(step: Callable[[Path], object], name: str) -> Build:
    """``step`` run in the case's own folder; the thing it made named is the estate."""

    def build(root: Path) -> Path:
        step(root)
        return root / name

    return build


def link(name: str, target: str | Path) -> Callable[[Path], object]:
    return lambda folder: (folder / name).symlink_to(target)


def fifo(name: str) -> Callable[[Path], object]:
    return lambda folder: os.mkfifo(folder / name)


def unix_socket(name: str) -> Callable[[Path], object]:
    def make(folder: Path) -> None:
        with contextlib.chdir(folder), socket.socket(socket.AF_UNIX) as bound:
            bound.bind(name)  # relative: socket paths are limited to about 100 bytes

    return make


def outside(name: str, content: str) -> Callable[[Path], object]:
    """A file or folder next to the estate folder, and a link to it from inside."""

    def make(folder: Path) -> None:
        target = folder.parent / "elsewhere" / name
        target.parent.mkdir(exist_ok=True)
        if name.endswith(".yaml"):
            target.write_text(content, encoding="utf-8")
        else:
            target.mkdir()
            (target / "inside.yaml").write_text(content, encoding="utf-8")
        (folder / f"link-to-{name}").symlink_to(target)

    return make


def unreadable(name: str, *, folder: bool) -> Callable[[Path], object]:
    """A file or sub-folder that cannot be read. As root, permission bits deny nothing,
    so the case links to something the kernel refuses even to root: a write-only sysfs
    attribute, or another process's map_files folder."""

    def make(estate: Path) -> None:
        target = estate / name
        if os.geteuid() != 0:
            if folder:
                target.mkdir()
                (target / "inside.yaml").write_text(vendor_file("hidden"), encoding="utf-8")
            else:
                target.write_text(vendor_file("hidden"), encoding="utf-8")
            target.chmod(0)
            return
        denied = _denied_to_root(folder=folder)
        if denied is None:
            pytest.skip("running as root, and no file the kernel refuses to root was found")
        target.symlink_to(denied)

    return make


def _denied_to_root(*, folder: bool) -> Path | None:
    candidates = (
        [Path("/proc/1/map_files")]
        if folder
        else [*Path("/sys/bus").glob("*/rescan"), *Path("/sys/bus").glob("*/drivers_probe")]
    )
    for candidate in candidates:
        try:
            if folder:
                os.listdir(candidate)
            else:
                candidate.open("rb").close()
        except PermissionError:
            return candidate
        except OSError:
            continue
    return None


def scenario_on(estate: Build) -> Build:
    """A scenario file withdrawing ``acme`` from the estate ``estate`` builds."""

    def build(root: Path) -> Path:
        folder = estate(root)
        scenario = root / "leave.yaml"
        scenario.write_text(
            f"id: leave\ntitle: Leave\nestate: {folder.name}\nwithdraw: [vendor:acme]\n",
            encoding="utf-8",
        )
        return scenario

    return build


def schema_text() -> str:
    completed = subprocess.run(
        [*_command(), "schema"], capture_output=True, text=True, check=True, timeout=120
    )
    return completed.stdout


def save_schema(name: str) -> Callable[[Path], object]:
    return lambda folder: (folder / name).write_text(schema_text(), encoding="utf-8")


def nested(levels: int, *, opening: str = "[", closing: str = "]") -> str:
    return opening * levels + closing * levels


def bomb() -> str:
    """The billion laughs: nine levels of ten aliases each."""
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    return "\n".join(lines) + "\n"


HUGE = "k" * MEGABYTE


# --- the cases -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    id: str
    build: Build
    code: int
    expect: tuple[str, ...]
    """Each fragment is in some line of stderr; the first is on the line at ``place``."""
    place: str | None = None
    """``file:line`` (or ``file``) the first expected line starts with."""
    command: tuple[str, ...] = ("validate",)


FOLDERS = [
    Case(
        "suffix-in-any-case",
        files(
            {
                "A.YAML": vendor_file("a"),
                "b.Yml": vendor_file("b"),
                "c.JSON": '{"vendors": [{"id": "c", "name": "C"}]}',
            }
        ),
        0,
        ("is valid (4 files)",),
    ),
    Case(
        "link-to-a-file-inside-is-read-once",
        then(files({"a.yaml": vendor_file("a")}), link("again.yaml", "a.yaml")),
        0,
        ("notice: skipped estate/again.yaml: the same file as estate/a.yaml, read once",),
    ),
    Case(
        "link-to-a-file-outside-is-read",
        then(files({}), outside("far.yaml", vendor_file("far"))),
        0,
        ("is valid (2 files)",),
    ),
    Case(
        "link-to-a-folder-outside-is-read",
        then(files({}), outside("shared", vendor_file("shared"))),
        0,
        ("is valid (2 files)",),
    ),
    Case(
        "link-loop-to-a-parent-folder",
        then(files({"sub/b.yaml": vendor_file("b")}), link("sub/up", "..")),
        0,
        ("notice: skipped estate/sub/up: a link back to estate, which holds it (a loop)",),
    ),
    Case(
        "link-to-itself",
        then(files({}), link("self.yaml", "self.yaml")),
        0,
        ("notice: skipped estate/self.yaml: a loop of links",),
    ),
    Case(
        "dangling-link",
        then(files({}), link("gone.yaml", "nowhere.yaml")),
        0,
        ("notice: skipped estate/gone.yaml: a link to nothing ('nowhere.yaml')",),
    ),
    Case(
        "fifo-in-the-folder-is-never-opened",
        then(files({}), fifo("pipe.yaml")),
        0,
        ("notice: skipped estate/pipe.yaml: a FIFO (named pipe), not a regular file",),
    ),
    Case(
        "socket-in-the-folder",
        then(files({}), unix_socket("sock.yaml")),
        0,
        ("notice: skipped estate/sock.yaml: a socket, not a regular file",),
    ),
    Case(
        "device-in-the-folder",
        then(files({}), link("zero.yaml", "/dev/zero")),
        0,
        ("notice: skipped estate/zero.yaml: a character device, not a regular file",),
    ),
    Case(
        "hidden-folder-and-hidden-file",
        files({".git/config.yaml": "core: x\n", ".draft.yaml": "broken: [\n"}),
        0,
        (
            "notice: skipped estate/.git: a hidden folder",
            "notice: skipped estate/.draft.yaml: a hidden file",
            "is valid (1 file)",
        ),
    ),
    Case(
        "json-schema-saved-in-the-folder",
        then(files({}), save_schema("estate.schema.json")),
        0,
        ("notice: skipped estate/estate.schema.json: a JSON Schema", "is valid (1 file)"),
    ),
    Case(
        "json-schema-known-by-its-content",
        files({"model.json": '{"$schema": "https://json-schema.org/draft/2020-12/schema"}'}),
        0,
        ("notice: skipped estate/model.json: a JSON Schema",),
    ),
    Case(  # it was skipped with a notice, its component dropped (helper-93)
        "estate-file-that-names-a-json-schema-is-checked-not-skipped",
        files(
            {
                "crm.json": '{"$schema": "https://json-schema.org/draft/2020-12/schema", '
                '"components": [{"id": "crm", "name": "CRM", "vendor": "acme", '
                '"delivery": "saas"}]}'
            }
        ),
        2,
        ("$schema: unknown section '$schema'",),
        "estate/crm.json:1",
    ),
    Case(
        "estate-file-with-the-schema-title-is-checked-not-skipped",
        files({"crm.yaml": "title: exitplan estate file\ncomponents:\n  - {id: crm}\n"}),
        2,
        ("title: unknown section 'title'", "crm.yaml:3: components[0]: required key"),
        "estate/crm.yaml:1",
    ),
    Case(
        "json-schema-nested-too-deep-is-refused-not-skipped",
        files(
            {
                "model.json": '{"$schema": "https://json-schema.org/draft/2020-12/schema", '
                f'"x": {nested(MAX_DEPTH + 4)}}}'
            }
        ),
        2,
        (f"nested more than {MAX_DEPTH} levels deep",),
        "estate/model.json:1",
    ),
    *(
        Case(  # validate and load said "Path 'a' does not exist", as click checked it first
            f"estate-path-a-loop-of-links-{command}",
            made(lambda root: (link("a", "b")(root), link("b", "a")(root)), "a"),
            2,
            ("exitplan: a: cannot read: a loop of links",),
            command=(command,),
        )
        for command in ("validate", "load")
    ),
    Case(
        "estate-path-a-dangling-link",
        made(link("a", "nowhere"), "a"),
        2,
        ("exitplan: a: no such file or folder",),
    ),
    Case(
        "json-schema-as-the-estate",
        made(save_schema("estate.schema.json"), "estate.schema.json"),
        2,
        ("a JSON Schema (exitplan schema), not an estate",),
        "estate.schema.json:1",
    ),
    Case(
        "folder-named-like-a-file-is-read",
        files({"more.yaml/inner.yaml": vendor_file("inner")}),
        0,
        ("is valid (2 files)",),
    ),
    Case(
        "folder-named-like-a-file-as-the-estate",
        made(lambda root: files({})(root).rename(root / "x.yaml"), "x.yaml"),
        0,
        ("Estate x.yaml is valid (1 file)",),
    ),
    Case(
        "file-name-not-utf-8-with-a-line-feed",
        then(
            files({}),
            lambda folder: (Path(os.fsdecode(bytes(folder) + b"/bad\xff\nname.yaml"))).write_text(
                "vendors: [{id: X}]\n", encoding="utf-8"
            ),
        ),
        2,
        ("estate/bad\\xff\\x0aname.yaml:1: vendors[0].id",),  # the byte itself (d16a57c)
    ),
    Case(
        "unreadable-file-fails-the-load",
        then(files({}), unreadable("locked.yaml", folder=False)),
        2,
        ("cannot read this file: permission denied",),
        "estate/locked.yaml",
    ),
    Case(
        "unreadable-folder-fails-the-load",
        then(files({}), unreadable("locked", folder=True)),
        2,
        ("cannot read this folder: permission denied",),
        "estate/locked",
    ),
    Case(
        "skipped-with-a-notice-also-when-the-load-fails",
        then(files({"bad.yaml": "vendors: [{id: X}]\n"}), link("gone.yaml", "nowhere.yaml")),
        2,
        ("vendors[0].id: 'X' is not a valid id", "notice: skipped estate/gone.yaml"),
        "estate/bad.yaml:1",
    ),
    Case(
        "simulate-tells-what-it-skipped",
        then(files({"a.yaml": component()}), fifo("pipe.yaml")),
        0,
        ("notice: skipped estate/pipe.yaml: a FIFO",),
        command=("simulate", "--withdraw", "vendor:acme"),
    ),
    Case(
        "a-scenario-tells-what-its-estate-skipped",
        scenario_on(then(files({"a.yaml": component()}), fifo("pipe.yaml"))),
        0,
        ("notice: skipped estate/pipe.yaml: a FIFO",),
        command=("run",),
    ),
]

SPECIAL_PATHS = [
    Case("dev-zero", lambda _: Path("/dev/zero"), 2, ("a character device, not an estate",)),
    Case("dev-urandom", lambda _: Path("/dev/urandom"), 2, ("a character device",)),
    Case(
        "fifo-as-the-estate",
        made(fifo("pipe.yaml"), "pipe.yaml"),
        2,
        ("pipe.yaml: a FIFO (named pipe), not an estate file or folder",),
    ),
    Case(
        "socket-as-the-estate",
        made(unix_socket("sock.yaml"), "sock.yaml"),
        2,
        ("sock.yaml: a socket, not an estate file or folder",),
    ),
    Case(
        "proc-file-of-size-zero-is-read",
        lambda _: Path("/proc/self/status"),
        2,
        ("unknown section 'Name'",),
        "/proc/self/status:1",
    ),
    Case(
        "proc-file-that-cannot-be-read",
        lambda _: Path("/proc/self/mem"),
        2,
        ("cannot read this file: input/output error",),
        "/proc/self/mem",
    ),
    Case(
        "simulate-on-a-device",
        lambda _: Path("/dev/zero"),
        2,
        ("a character device",),
        command=("simulate", "--withdraw", "vendor:acme"),
    ),
]

CONTENTS = [
    Case(
        "json-nested-100000-deep",
        files({"deep.json": '{"vendors":\n' + nested(100_000)}),
        2,
        (f"nested more than {MAX_DEPTH} levels deep",),
        "estate/deep.json:2",
    ),
    Case(
        "json-nested-100-deep-on-many-lines",
        files({"deep.json": '{"x":\n' + "[\n" * 100 + "]\n" * 100 + "}"}),
        2,
        (f"nested more than {MAX_DEPTH} levels deep",),
        f"estate/deep.json:{MAX_DEPTH + 1}",
    ),
    Case(
        "yaml-flow-nested-100000-deep",
        files({"deep.yaml": "x: " + nested(100_000)}),
        2,
        (f"nested more than {MAX_DEPTH} levels deep",),
        "estate/deep.yaml:1",
    ),
    Case(
        "yaml-block-nested-100-deep",
        files(
            {"deep.yaml": "".join(f"{'  ' * i}k{i}:\n" for i in range(100)) + "  " * 100 + "x\n"}
        ),
        2,
        (f"nested more than {MAX_DEPTH} levels deep",),
        f"estate/deep.yaml:{MAX_DEPTH}",
    ),
    Case(
        "json-integer-of-5000-digits",
        files({"big.json": '{"components": [\n{"cost_per_year": ' + "9" * 5000 + "}]}"}),
        2,
        ("components[0].cost_per_year: a number written with 5,000 characters",),
        "estate/big.json:2",
    ),
    Case(  # the same digits in a name before it: told at the name's line (helper-93)
        "json-integer-of-5000-digits-after-a-name-of-them",
        files(
            {
                "big.json": '{"components": [\n{"name": "' + "9" * 5000 + '",\n'
                '"cost_per_year": ' + "9" * 5000 + "}]}"
            }
        ),
        2,
        ("components[0].cost_per_year: a number written with 5,000 characters",),
        "estate/big.json:3",
    ),
    Case(
        "json-minus-1e400",
        files(
            {
                "big.json": '{"components": [{"id": "a", "name": "A", "vendor": "acme",\n'
                '"delivery": "saas", "cost_per_year": -1e400}]}'
            }
        ),
        2,
        ("components[0].cost_per_year: reads as -infinity (too large a number, or written so)",),
        "estate/big.json:2",
    ),
    Case(
        "yaml-integer-of-5000-digits",
        files({"big.yaml": component("cost_per_year: " + "9" * 5000)}),
        2,
        ("components[0].cost_per_year: a number written with 5,000 characters",),
        "estate/big.yaml:6",
    ),
    Case(
        "yaml-hex-integer-of-5000-digits",
        files({"big.yaml": component("cost_per_year: 0x" + "f" * 5000)}),
        2,
        ("a number written with 5,002 characters",),
        "estate/big.yaml:6",
    ),
    Case(
        "cost-infinite",
        files({"a.yaml": component("cost_per_year: .inf")}),
        2,
        ("components[0].cost_per_year: reads as infinity (too large a number, or written so)",),
        "estate/a.yaml:6",
    ),
    Case(
        "cost-1e308",
        files({"a.yaml": component("cost_per_year: 1e308")}),
        2,
        ("1e+308 is too large; at most 1,000,000,000,000,000",),
        "estate/a.yaml:6",
    ),
    Case(
        "effort-weeks-1e308",
        files({"a.yaml": alternative("effort_weeks: 1e308")}),
        2,
        ("alternatives[0].effort_weeks: 1e+308 is too large; at most 5,200",),
        "estate/a.yaml:8",
    ),
    Case(
        "duration-weeks-1e999-in-json",
        files(
            {
                "a.json": json.dumps(
                    {
                        "components": [
                            {"id": "app", "name": "A", "vendor": "acme", "delivery": "saas"},
                            {"id": "alt", "name": "B", "vendor": "acme", "delivery": "saas"},
                        ]
                    }
                )
                + "\n",
                "b.json": '{"alternatives": [{"for": "app", "candidate": "alt", '
                '"readiness": "R1",\n "duration_weeks": 1e999}]}',
            }
        ),
        2,
        ("alternatives[0].duration_weeks: reads as infinity (too large a number, or written so)",),
        "estate/b.json:2",
    ),
    Case(
        "rto-hours-nan",
        files({"a.yaml": service("rto_hours: .nan")}),
        2,
        ("services[0].rto_hours: nan is not a finite number",),
        "estate/a.yaml:6",
    ),
    Case(
        "users-ten-billion",
        files({"a.yaml": service("consumers: [{organisation: org, users: 10000000000}]")}),
        2,
        ("10000000000 is too large; at most 1,000,000,000",),
        "estate/a.yaml:6",
    ),
    Case(
        "grace-days-a-billion",
        files(
            {
                "a.yaml": component("depends_on: [{ref: b, onset: {grace_days: 1000000000}}]")
                + "  - {id: b, name: B, vendor: acme, delivery: saas}\n"
            }
        ),
        2,
        ("1000000000 is too large; at most 36,500",),
        "estate/a.yaml:6",
    ),
    Case(
        "notice-days-infinite",
        files({"a.yaml": component("contract: {notice_days: .inf}")}),
        2,
        ("components[0].contract.notice_days",),
        "estate/a.yaml:6",
    ),
    Case(
        "date-as-an-integer",
        files({"e.yaml": "estate:\n  name: e\n  as_of: 20261101\n"}),
        2,
        ("estate.as_of: expected a date YYYY-MM-DD, got 20261101",),
        "estate/e.yaml:3",
    ),
    Case(
        "date-as-seconds-since-1970",
        files({"a.yaml": component("contract: {end: 1700000000}")}),
        2,
        ("components[0].contract.end: expected a date YYYY-MM-DD, got 1700000000",),
        "estate/a.yaml:6",
    ),
    Case(
        "date-as-a-digit-string",
        files({"a.yaml": component('exit: {last_tested: "20240101"}')}),
        2,
        ("expected a date YYYY-MM-DD, got '20240101'",),
        "estate/a.yaml:6",
    ),
    Case(
        "date-in-year-zero",
        files({"e.yaml": "estate:\n  name: e\n  as_of: 0000-01-01\n"}),
        2,
        ("'0000-01-01' is not a valid date: year 0 is out of range",),
        "estate/e.yaml:3",
    ),
    Case(
        "date-in-year-99999",
        files({"e.yaml": "estate:\n  name: e\n  as_of: 99999-01-01\n"}),
        2,
        ("expected a date YYYY-MM-DD, got '99999-01-01'",),
        "estate/e.yaml:3",
    ),
    Case(
        "date-before-1900",
        files({"a.yaml": component("contract: {end: 1066-10-14}")}),
        2,
        ("1066-10-14 is out of range: dates run from 1900 to 2999",),
        "estate/a.yaml:6",
    ),
    Case(
        "date-in-json-as-a-number",
        files({"e.json": '{"estate": {"name": "e",\n"as_of": 20261101}}'}),
        2,
        ("expected a date YYYY-MM-DD, got 20261101",),
        "estate/e.json:2",
    ),
    Case(
        "one-megabyte-key",
        files({"a.yaml": component(f"? {HUGE}\n    : 1")}),
        2,
        ("unknown key 'kkkk", "(1,048,576 characters)"),
        "estate/a.yaml:6",
    ),
    Case(
        "one-megabyte-key-in-json",
        files({"a.json": json.dumps({"vendors": [{"id": "b", "name": "B", HUGE: 1}]})}),
        2,
        ("unknown key 'kkkk", "(1,048,576 characters)"),
        "estate/a.json:1",
    ),
    Case(
        "one-megabyte-value",
        files({"a.yaml": component(f"note: {HUGE}")}),
        2,
        ("components[0].note: String should have at most 4000 characters", "1,048,576"),
        "estate/a.yaml:6",
    ),
    Case(
        "noncharacter-in-yaml",
        files({"a.yaml": component('note: "ok\\uffff"')}),
        2,
        ("components[0].note: holds U+FFFF at position 3, which is not a character",),
        "estate/a.yaml:6",
    ),
    Case(
        "noncharacter-in-json",
        files({"a.json": '{"vendors": [{"id": "b",\n"name": "\\ufffeB"}]}'}),
        2,
        ("vendors[0].name: holds U+FFFE at position 1, which is not a character",),
        "estate/a.json:2",
    ),
    Case(
        "lone-surrogate-in-json",
        files({"a.json": '{"vendors": [{"id": "b",\n"name": "half \\ud800 of one"}]}'}),
        2,
        ("vendors[0].name: holds half a surrogate pair \\ud800 at position 6, which is not a",),
        "estate/a.json:2",
    ),
    Case(
        "one-megabyte-id",
        files({"a.yaml": f"vendors:\n  - id: {HUGE}\n    name: Big\n"}),
        2,
        ("vendors[0].id: String should have at most 128 characters (got 'kkkk",),
        "estate/a.yaml:2",
    ),
    Case(
        "one-megabyte-unknown-section",
        files({"a.yaml": f"? {HUGE}\n: []\n"}),
        2,
        ("unknown section 'kkkk", "(1,048,576 characters)"),
        "estate/a.yaml:1",
    ),
    Case(
        "one-megabyte-duplicate-key",
        files({"a.yaml": f"? {HUGE}\n: 1\n? {HUGE}\n: 2\n"}),
        2,
        ("appears twice (first on line 1)", "(1,048,576 characters)"),
        "estate/a.yaml:3",
    ),
    Case(
        "one-megabyte-tag",
        files({"a.yaml": f"vendors: !<{HUGE}> []\n"}),
        2,
        ("unsupported YAML tag 'kkkk",),
        "estate/a.yaml:1",
    ),
    Case(
        "one-megabyte-line-with-a-syntax-error",
        files({"a.yaml": f"vendors: [{HUGE}\n"}),
        2,
        ("YAML syntax error",),
        "estate/a.yaml:2",
    ),
    Case(
        "one-megabyte-unknown-reference",
        files({"a.yaml": component(f"depends_on: [{'x' * MEGABYTE}]")}),
        2,
        ("components[0].depends_on[0]",),
        "estate/a.yaml:6",
    ),
    Case(
        "file-just-over-the-size-limit",
        files({"big.yaml": "# " + "x" * BUDGET + "\n"}),
        2,
        (f"the limit is {BUDGET:,} bytes (raise it with --max-bytes)",),
        "estate/big.yaml",
        WITHIN_BUDGET,
    ),
    Case(
        "more-values-than-the-limit",
        files({"many.json": '{"x": [' + ",".join(["1"] * (BUDGET_VALUES + 1)) + "]}"}),
        2,
        (f"more than {BUDGET_VALUES:,} values in the estate's files",),
        "estate/many.json",
        WITHIN_BUDGET,
    ),
    Case(
        "problems-past-the-limit-per-file",
        files({"many.yaml": "vendors:\n" + "  - {id: X}\n" * (MAX_PROBLEMS_PER_FILE + 10)}),
        2,
        (f"more than {MAX_PROBLEMS_PER_FILE:,} problems in this file",),
        f"estate/many.yaml:{MAX_PROBLEMS_PER_FILE // 2 + 2}",
    ),
    Case(
        "billion-laughs",
        files({"bomb.yaml": bomb()}),
        2,
        (f"YAML aliases expand to more than {ALIAS_BUDGET} extra nodes",),
        "estate/bomb.yaml:",
    ),
    Case(
        "alias-inside-itself",
        files({"a.yaml": "vendors: &v\n  - *v\n"}),
        2,
        ("a YAML alias refers to a node that contains it",),
        "estate/a.yaml:2",
    ),
    Case(
        "explicit-int-tag-on-text",
        files({"a.yaml": component("cost_per_year: !!int lots")}),
        2,
        ("'lots' is not a valid !!int",),
        "estate/a.yaml:6",
    ),
    Case(
        "json-nul-in-keys",
        files({"a.json": '{"vendors": [{"id": "b", "name": "B", "\\u0000evil\\u001b[31m": 1}]}'}),
        2,
        ("unknown key '\\x00evil\\x1b[31m'",),
        "estate/a.json:1",
    ),
    Case(
        "json-line-feed-in-a-key",
        files({"a.json": '{"vendors": [{"id": "b", "name": "B", "two\\nlines": 1}]}'}),
        2,
        ("vendors[0].two\\x0alines: unknown key 'two\\nlines'",),
        "estate/a.json:1",
    ),
    Case(
        "json-nan-constant",
        files({"a.json": '{"components": [\n{"cost_per_year": NaN}]}'}),
        2,
        ("components[0].cost_per_year: NaN is not a number in JSON",),
        "estate/a.json:2",
    ),
    Case(  # "NaN" as a value and as a key before the constant: not taken for it
        "json-infinity-constant-after-its-name-in-strings",
        files(
            {
                "a.json": '{"vendors": [{"id": "NaN", "Infinity": "-Infinity"}],\n'
                '"components": [{"id": "x"}, {"name": "x",\n"cost_per_year": -Infinity}]}'
            }
        ),
        2,
        ("components[1].cost_per_year: -Infinity is not a number in JSON",),
        "estate/a.json:3",
    ),
    Case(
        "control-characters-in-a-file-name",
        files({"evil\x1b[31m.yaml": "vendors: [{id: X}]\n"}),
        2,
        ("evil\\x1b[31m.yaml:1: vendors[0].id",),
    ),
    Case(
        "yaml-with-a-byte-order-mark",
        files({"bom.yaml": b"\xef\xbb\xbf" + vendor_file("bom").encode()}),
        0,
        ("is valid (2 files)",),
    ),
    Case(
        "utf-16-file",
        files({"wide.yaml": vendor_file("wide").encode("utf-16")}),
        2,
        ("not UTF-8 text (byte 0xff); save the file as UTF-8",),
        "estate/wide.yaml:1",
    ),
    Case(
        "several-documents",
        files({"two.yaml": vendor_file("one") + "---\n" + vendor_file("two")}),
        2,
        ("several YAML documents in one file",),
        "estate/two.yaml:3",
    ),
]

CASES = [*FOLDERS, *SPECIAL_PATHS, *CONTENTS]

_SUMMARY = re.compile(r"^exitplan: (\d+) problems? found; the estate was not loaded\.$")
_PROBLEM = re.compile(r"^[^:]+(?::\d+)?: ")  # file:line: ..., or file: ... for a whole file
_RAW_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _command() -> list[str]:
    script = Path(sys.executable).with_name("exitplan")
    return [str(script)] if script.exists() else [sys.executable, "-m", "exitplan"]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input_is_refused_cleanly_or_skipped_with_a_notice(
    case: Case, tmp_path: Path, run_cli: RunCli
) -> None:
    target = case.build(tmp_path)
    result = run_cli(*case.command, target, cwd=tmp_path)
    output = result.stdout + result.stderr
    assert result.exit_code == case.code, output[-3000:]
    assert "Traceback" not in output
    assert "internal error" not in output
    assert not _RAW_CONTROL.search(result.stderr), result.stderr[-3000:]
    lines = result.stderr.splitlines()
    every_line = output.splitlines()
    assert all(len(line) < LONGEST_LINE for line in every_line), max(every_line, key=len)[:500]
    for fragment in case.expect:
        assert any(fragment in line for line in every_line), f"{fragment!r} not in:\n{output}"
    if case.place is not None:
        assert any(line.startswith(case.place) and case.expect[0] in line for line in lines), (
            f"no line at {case.place} says {case.expect[0]!r}:\n{result.stderr}"
        )
    if case.code == 0:
        assert all(line.startswith("exitplan: notice: ") for line in lines), result.stderr
        return
    summary = _SUMMARY.match(lines[-1])
    if summary is not None:  # one line per problem, each starting with its place
        problems = [line for line in lines[:-1] if not line.startswith("exitplan: notice: ")]
        assert len(problems) == int(summary.group(1)), result.stderr
        assert all(_PROBLEM.match(line) for line in problems), result.stderr
    else:  # a usage error: one line
        assert [line for line in lines if not line.startswith("exitplan: notice:")] == [lines[-1]]


# --- cost: files at the size limit ---------------------------------------------------------------

ONE_GIGABYTE = 1024


def _just_under_the_limit(head: str, item: str, separator: str, tail: str) -> str:
    room = BUDGET - 64 - len(head) - len(tail) + len(separator)
    return head + separator.join([item] * (room // (len(item) + len(separator)))) + tail


WORST: dict[str, Callable[[], str]] = {
    "flow-maps.yaml": lambda: _just_under_the_limit("components: [", "{a: 1}", ", ", "]\n"),
    "block-maps.yaml": lambda: _just_under_the_limit("components:\n", "- a: 1", "\n", "\n"),
    "scalars.json": lambda: _just_under_the_limit('{"components": [', "1", ",", "]}\n"),
    "deep.yaml": lambda: _just_under_the_limit("x: [", nested(60), ",", "]\n"),
    "deep.json": lambda: _just_under_the_limit('{"x": [', nested(60), ",", "]}\n"),
}


def _peak_megabytes(path: Path, *options: str) -> tuple[int, float, str]:
    """Exit code, peak resident memory (MB) and stderr of ``exitplan validate PATH``, run
    by a fresh interpreter so that its children's peak is this command's alone."""
    measure = (
        "import resource, subprocess, sys\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True, timeout=240)\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(done.returncode, peak / 1024)\n"
        "print(done.stderr, end='')\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", measure, *_command(), "validate", *options, str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,  # fails on a hang; not a speed test
    )
    first, _, errors = completed.stdout.partition("\n")
    code, peak = first.split()
    return int(code), float(peak), errors


@pytest.mark.parametrize("name", list(WORST))
def test_a_worst_file_at_the_size_limit_is_read_in_bounded_memory(
    name: str, tmp_path: Path
) -> None:
    path = tmp_path / name
    path.write_text(WORST[name](), encoding="utf-8")
    assert BUDGET - 1024 < path.stat().st_size <= BUDGET
    code, peak, errors = _peak_megabytes(path, "--max-bytes", str(BUDGET))
    assert code == 2, errors
    assert "more than" in errors, errors
    assert peak < ONE_GIGABYTE, f"{name}: {peak:.0f} MB"


def test_a_file_beyond_the_budget_is_refused_without_reading_it(tmp_path: Path) -> None:
    """200 MB (a sparse file: it takes no disk) against the default budget of 128 MiB."""
    path = tmp_path / "export.json"
    with path.open("wb") as handle:
        handle.truncate(200 * 1000 * 1000)
    code, peak, errors = _peak_megabytes(path)
    assert code == 2, errors
    assert f"the limit is {MAX_ESTATE_BYTES:,} bytes (raise it with --max-bytes)" in errors
    assert errors.startswith(f"{path}: the estate's files come to 200,000,000 bytes"), errors
    assert peak < 200, f"{peak:.0f} MB: the file was read"


def test_a_folder_of_worst_files_is_read_in_bounded_memory(tmp_path: Path) -> None:
    folder = tmp_path / "estate"
    folder.mkdir()
    for name, make in WORST.items():
        (folder / name).write_text(make(), encoding="utf-8")
    code, peak, errors = _peak_megabytes(folder, "--max-bytes", str(len(WORST) * BUDGET))
    assert code == 2, errors
    problems = [line for line in errors.splitlines() if not line.startswith("exitplan:")]
    assert {line.split(":")[0] for line in problems} == {f"{folder}/{name}" for name in WORST}
    assert peak < ONE_GIGABYTE, f"{peak:.0f} MB"


def test_loading_returns_notices_and_prints_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = then(files({"a.yaml": vendor_file("a")}), link("gone.yaml", "nowhere.yaml"))(tmp_path)
    notices: list[str] = []
    read: list[Path] = []
    estate = load_estate(folder, notices=notices, files_read=read)
    assert [vendor.id for vendor in estate.vendors] == ["a", "acme"]
    assert sorted(path.name for path in read) == ["a.yaml", "vendor.yaml"]
    assert len(notices) == 1
    assert notices[0].startswith("skipped ")
    assert notices[0].endswith("gone.yaml: a link to nothing ('nowhere.yaml')")
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize(
    ("spoilt", "unseen"),
    [
        pytest.param(unreadable("vendors.yaml", folder=False), True, id="unreadable"),
        pytest.param(  # its lines are there to read: references are checked as ever
            lambda folder: (folder / "vendors.yaml").write_text("vendors: [{id: x\n"),
            False,
            id="not-yaml",
        ),
    ],
)
def test_a_file_not_read_is_told_once_not_as_every_reference_into_it(
    spoilt: Callable[[Path], object], unseen: bool, tmp_path: Path, run_cli: RunCli
) -> None:
    """The ids a file that could not be read would have given are not known, so the
    references to them are not told as unknown: one problem, and a notice that references
    were not checked. A file that was read but is not YAML still lets every problem be
    told at once, references included (a typo in an id is worth telling then too)."""
    used = component("depends_on: [{ref: elsewhere}]").replace("vendor: acme", "vendor: hidden")
    folder = then(files({"a.yaml": used}), spoilt)(tmp_path)
    result = run_cli("validate", folder, cwd=tmp_path)
    assert result.exit_code == 2
    checked = "references between elements were not checked: estate/vendors.yaml"
    if unseen:
        assert "unknown" not in result.stderr, result.stderr
        assert "1 problem found" in result.stderr, result.stderr
        assert checked in result.stderr
    else:
        assert "unknown vendor 'hidden'" in result.stderr
        assert checked not in result.stderr
