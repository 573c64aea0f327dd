"""exitplan import: an estate folder from ArchiMate, Backstage, CycloneDX or CSV/Excel."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import click
import yaml

from exitplan.cli.common import (
    Size,
    collector_paused,
    emit,
    folder_named,
    holds_header,
    in_stages,
    in_the_way,
    inside_an_estate,
    notice,
)
from exitplan.errors import (
    ExitplanError,
    InvalidInputError,
    Problem,
    UsageError,
    after_a_signal,
    display_path,
    os_reason,
    plural,
    printable,
)
from exitplan.importers import Imported, formats, import_sources
from exitplan.importers.draft import slug
from exitplan.importers.files import MAX_SOURCE_BYTES
from exitplan.importers.mapping import default_mapping, load_mapping
from exitplan.importers.rules import CommonRules
from exitplan.loading import load_estate, read_one
from exitplan.model import EstateInfo
from exitplan.render.estate_yaml import PART_BYTES, dump_estate_yaml_parts
from exitplan.render.files import IMPORTED_MARK, replace_folder, signals_held, write_output
from exitplan.render.imported import dump_import_json, dump_import_text

IMPORTED = "imported"
"""The sub-folder an import writes; everything else in the folder is the user's."""


def _format_name(
    _context: click.Context, _parameter: click.Parameter, value: str | None
) -> str | None:
    if value is not None and value not in formats():
        known = ", ".join(formats())
        raise click.BadParameter(f"{value!r} is not a format exitplan imports ({known})")
    return value


def _header(imported: Imported, name: str) -> str:
    files = {file for source in imported.account.sources for file in (source.file, *source.also)}
    sources = ", ".join(sorted(printable(file) for file in files))
    return (
        f"{IMPORTED_MARK.removeprefix('# ')} Sources: {sources}\n"
        "Every import rewrites this folder; do not edit it. Enrich imported elements\n"
        f"under overrides: in a file of your own outside {IMPORTED}/ (see {name}).\n"
    )


_STARTER = """\
# The estate {folder} was imported into. exitplan import rewrites only the files in
# {imported}/; this file, and any other you add beside it, stay as you write them.
#
# Enrich an imported element here, by its id (see {imported}/), for example:
#   overrides:
#     crm-system:
#       delivery: saas
#       contract: {{end: 2027-12-31, notice_days: 90}}
#       depends_on: [{{ref: entra-id, strength: soft}}]
# Each field given replaces the imported one; depends_on entries replace the entry with
# the same ref and add the others. Add your own vendors, components, alternatives and
# scenarios as in any estate (docs/estate-format.md).
estate:
  name: {quoted}
{header}"""

_HEADER_ORDER = ("title", "version", "as_of", "currency", "legal_profile")


def _header_lines(header: Mapping[str, Any]) -> str:
    """What a source said of the estate itself, as lines of the ``estate:`` section."""
    lines = []
    for key in _HEADER_ORDER:
        if key in header:
            value = header[key]
            if isinstance(value, date):
                shown = value.isoformat()
            elif key in {"currency", "legal_profile"}:  # SEK, se: checked words
                shown = str(value)
            else:
                shown = _quoted(str(value))
            lines.append(f"  {key}: {shown}\n")
    return "".join(lines)


def _quoted(text: str) -> str:
    """``text`` quoted and escaped as YAML writes it: a name may hold anything, and a
    folder named ``2024`` or ``true`` is still a name, not a number or a truth value."""
    return yaml.safe_dump(
        text, allow_unicode=True, default_style='"', width=1_000_000
    ).removesuffix("\n")


def _counted_in(folder: Path) -> str | None:
    """The currency the estate in ``folder`` counts in (its header's, else the default);
    None for a new folder, or one whose header cannot be read (the import's check of the
    estate tells why)."""
    header = holds_header(folder, skip=IMPORTED) if folder.is_dir() else None
    if header is None:
        return None
    try:
        data = read_one(header, what="estate header").data
    except InvalidInputError:
        return None
    estate = data.get("estate") if isinstance(data, dict) else None
    if not isinstance(estate, dict):
        return None
    currency = estate.get("currency", EstateInfo.model_fields["currency"].default)
    return currency if isinstance(currency, str) else None


def _check_folder(folder: Path, sources: list[Path]) -> None:
    """Refuse, before any work, a folder the import could not rewrite safely."""
    try:
        _check_folder_safely(folder, sources)
    except OSError as error:  # a name too long, a folder that cannot be listed
        raise UsageError(f"cannot use {display_path(folder)}: {os_reason(error)}") from None


def _check_folder_safely(folder: Path, sources: list[Path]) -> None:
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{display_path(folder)} is not a folder; -o names the estate folder")
    target = folder / IMPORTED
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise UsageError(
            f"{display_path(target)} is not a folder written by exitplan import; move it away"
        )
    if target.is_dir():
        for entry in sorted(target.iterdir()):
            if not entry.is_file() or entry.is_symlink() or not _written_by_import(entry):
                raise UsageError(
                    f"{display_path(entry)} was not written by exitplan import, and every "
                    f"import rewrites {IMPORTED}/; move it out of that folder first"
                )
    home = os.path.realpath(folder)
    for source in sources:
        try:
            real = os.path.realpath(source)
        except OSError as error:  # a link that cannot be read: the source, not the folder
            raise UsageError(f"cannot read {display_path(source)}: {os_reason(error)}") from None
        if real == home or real.startswith(home.rstrip(os.sep) + os.sep):
            raise UsageError(
                f"{display_path(source)} is inside {display_path(folder)}; import into a "
                "folder that does not hold the sources (they would be read as estate files)"
            )
        if os.path.isdir(real) and home.startswith(real.rstrip(os.sep) + os.sep):
            raise UsageError(
                f"{display_path(folder)} is inside the source folder {display_path(source)}; "
                "import into a folder outside it (the next import would read this one as a "
                "source)"
            )
    for parent in (Path(home), *Path(home).parents):
        if parent.name == IMPORTED and (
            any(_written_by_import(f) for f in parent.glob("*.yaml"))
            or holds_header(parent.parent) is not None  # an estate's imported/, empty yet
        ):
            raise UsageError(
                f"{display_path(folder)} is {'inside ' if parent != Path(home) else ''}"
                f"{display_path(parent)}, which every import rewrites; import into a folder of "
                "its own"
            )
    inside_an_estate(folder, "the import")


def _written_by_import(path: Path) -> bool:
    try:
        with open(path, "rb") as file:
            return file.read(len(IMPORTED_MARK)) == IMPORTED_MARK.encode()
    except OSError:
        return False


def _mapping(path: Path | None, services_only: bool) -> CommonRules:
    mapping = load_mapping(path) if path is not None else default_mapping()
    if services_only:
        cyclonedx = getattr(mapping, "cyclonedx", None)
        if cyclonedx is None:  # pragma: no cover - the format is always there
            raise UsageError("--services-only needs the CycloneDX importer")
        mapping = mapping.model_copy(
            update={"cyclonedx": cyclonedx.model_copy(update={"services_only": True})}
        )
    return mapping


def _at_sources(
    problems: list[Problem], folder: Path, files: Mapping[str, bytes], imported: Imported
) -> list[Problem]:
    """The problems found in the imported files, which are not kept, told at the source
    element they came from, and so are the places of those files that a message names
    (``also defined at imported/model.yaml:12``)."""
    written = {display_path(folder / IMPORTED / name): name for name in files}
    read: dict[str, tuple[Any, dict[int, Any]]] = {}

    def document(name: str) -> tuple[Any, dict[int, Any]]:
        """The data of an imported file, and its elements by the line each starts on."""
        if name not in read:
            found = read_one(folder / IMPORTED / name, what="import")
            starts = {}
            for kind, elements in found.data.items():
                for index, element in enumerate(elements if isinstance(elements, list) else ()):
                    starts[found.line_of((kind, index))] = element
            read[name] = found.data, starts
        return read[name]

    def source_place(match: re.Match[str]) -> str:
        element = document(written[match.group(1)])[1].get(int(match.group(2)))
        return imported.place_of(element) or match.group(0)

    mentioned = re.compile(
        "("
        + "|".join(re.escape(shown) for shown in sorted(written, key=len, reverse=True))
        + r"):(\d+)"
    )
    told = []
    for found in problems:
        message = mentioned.sub(source_place, found.message) if written else found.message
        problem = Problem(found.file, found.line, found.field, message)
        name = written.get(problem.file)
        if name is not None:
            problem = imported.at_source(problem, document(name)[0])
        if problem.file in written:  # of the file as a whole: say it is not kept
            source = imported.made_from.get(_whole_name(name or ""), "the sources")
            problem = Problem(
                f"{problem.file} (made from {source}, not written)",
                problem.line,
                problem.field,
                problem.message,
            )
        told.append(problem)
    return told


def _whole_name(name: str) -> str:
    """The estate file a part was cut from: ``sbom-part-2.yaml`` -> ``sbom.yaml``."""
    return re.sub(r"-part-[0-9]+(?:-2)*\.yaml$", ".yaml", name)


def _written_all_the_same(folder: Path) -> str:
    """What a Ctrl-C or SIGTERM leaves once the new import is kept."""
    return f"{printable(display_path(folder))}/{IMPORTED}/ was written all the same"


def _put_in_place(
    folder: Path,
    files: dict[str, bytes],
    max_bytes: int,
    imported: Imported,
    kept: Callable[[], None],
) -> str:
    """Write ``files`` as ``folder/imported/``, and on the first import the header, so that
    the folder holds the old estate or the whole new one, checked as validate would (with
    ``max_bytes`` as the estate's budget). ``kept`` is called, with signals held, once
    the new estate stays, whatever arrives."""
    header = imported.header
    made = [path for path in (folder, *folder.parents) if not path.exists()]  # deepest first
    header_file = folder / "estate.yaml"
    first = False
    swapped = False
    currency = ""

    def checked() -> None:
        nonlocal currency
        try:
            currency = load_estate(folder, max_bytes=max_bytes).info.currency
        except InvalidInputError as error:
            raise InvalidInputError(
                _at_sources(error.problems, folder, files, imported),
                what=f"import was not written; {display_path(folder)} keeps what it held, and "
                "the estate"
                if folder not in made
                else f"import was not written (nor {display_path(folder)}), and the estate",
            ) from None

    def keep() -> None:
        nonlocal swapped
        swapped = True
        kept()

    try:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            why = in_the_way(folder) or os_reason(error)
            raise UsageError(f"cannot create {display_path(folder)}: {why}") from None
        # The header comes with the import until a file of the user's gives it: also an
        # empty source gives an estate, and a folder holding a README.md keeps the source's
        # date, currency and legal profile.
        first = not header_file.exists() and holds_header(folder, skip=IMPORTED) is None
        if first:
            name = slug(folder.resolve().name) or "estate"
            starter = _STARTER.format(
                folder=name,
                imported=IMPORTED,
                quoted=_quoted(name),
                header=_header_lines(header),
            )
            write_output(header_file, starter.encode("utf-8"), told=False)  # taken back
        replace_folder(folder / IMPORTED, files, checked, keep)
    except BaseException:  # a folder that cannot be made, a full disk, a refused estate, a signal
        if not swapped:
            with signals_held():  # what this import made is taken back, whole
                if first:  # the header too: a later import would take it for the user's
                    header_file.unlink(missing_ok=True)
                _remove_folders(made)
        raise
    return currency


def _files(imported: Imported, header: str, max_bytes: int = PART_BYTES) -> dict[str, bytes]:
    """The bytes of every imported file; a file too large for one is split into parts
    (``sbom-part-1.yaml``, ``sbom-part-2.yaml``, ...), which the loader merges again."""
    files: dict[str, bytes] = {}
    taken = set(imported.files)
    for name, content in sorted(imported.files.items()):
        parts = dump_estate_yaml_parts(content, header, max_bytes)
        if len(parts) == 1:
            files[name] = parts[0].encode("utf-8")
            continue
        stem = name.removesuffix(".yaml")
        width = len(str(len(parts)))
        for number, part in enumerate(parts, start=1):
            chosen = f"{stem}-part-{number:0{width}d}"
            while f"{chosen}.yaml" in taken:
                chosen += "-2"
            taken.add(f"{chosen}.yaml")
            files[f"{chosen}.yaml"] = part.encode("utf-8")
    return files


def _remove_folders(made: list[Path]) -> None:
    """Remove the folders an import that failed created, deepest first, as long as
    they are empty."""
    for path in made:
        try:
            path.rmdir()
        except FileNotFoundError:
            continue  # not made: a signal came first
        except OSError:
            return


@click.command(name="import")
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    "folder",
    type=click.Path(),
    callback=folder_named,
    help="The estate folder to write; created with its parents. The import goes into its "
    f"{IMPORTED}/ sub-folder, which each import rewrites; your own files beside it stay.",
)
@click.option(
    "--from",
    "source_format",
    callback=_format_name,
    metavar="FORMAT",
    help="archimate, backstage, cyclonedx or csv; by default told from each file's content.",
)
@click.option(
    "--mapping",
    "mapping_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A YAML (or JSON) mapping file that changes the default mapping "
    "(see --print-default-mapping and exitplan schema --mapping).",
)
@click.option(
    "--components",
    type=click.Path(path_type=Path, dir_okay=False),
    help="CSV: the table of components (with --relations).",
)
@click.option(
    "--relations",
    type=click.Path(path_type=Path, dir_okay=False),
    help="CSV: the table of relations between them.",
)
@click.option(
    "--services-only", is_flag=True, help="CycloneDX: import the services only, no libraries."
)
@click.option(
    "--max-bytes",
    type=Size(),
    default=MAX_SOURCE_BYTES,
    metavar="SIZE",
    help=f"The most one source file may hold, and the estate the import writes together "
    f"(default {MAX_SOURCE_BYTES // 2**20} MiB, as for estates), e.g. 512MiB. A larger file "
    "is refused before it is read. An ArchiMate model takes about 14 times its size in "
    "memory while it is read.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="How to print the summary.",
)
@click.option(
    "--print-default-mapping",
    is_flag=True,
    help="Print the default mapping as YAML, to copy into a mapping file, and stop.",
)
def import_command(
    sources: tuple[Path, ...],
    folder: Path | None,
    source_format: str | None,
    mapping_file: Path | None,
    components: Path | None,
    relations: Path | None,
    services_only: bool,
    max_bytes: int,
    output_format: str,
    print_default_mapping: bool,
) -> None:
    """Import an estate you already have: ArchiMate models (Open Group exchange XML or
    Archi .archimate), Backstage catalogs (catalog-info.yaml files or folders), CycloneDX
    SBOMs and SaaSBOMs (JSON or XML), or CSV/Excel exports of a CMDB.

    Writes an estate folder that exitplan validate accepts as it stands, and prints what
    became a component, service, vendor, dependency or data flow, what was skipped and
    why, and what was inferred. Everything inferred is marked assumed: true, and every
    element records its origin (source file and id), so the report lists what to check.

    \b
    Examples:
      exitplan import model.xml -o estate
      exitplan import catalog/ saasbom.json -o estate
      exitplan import --components ci.csv --relations rel.csv -o estate
      exitplan validate estate && exitplan simulate estate -w vendor:microsoft
    """
    if print_default_mapping:
        data = default_mapping().model_dump(mode="json")
        emit(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100))
        return
    if (relations is not None) and components is None:
        raise UsageError("--relations needs --components (the table the relations join)")
    paths = list(sources)
    tables = (components, relations) if components is not None else None
    if tables is not None and source_format not in (None, "csv"):
        raise UsageError("--components and --relations are CSV tables; drop --from")
    if not paths and tables is None:
        raise UsageError("name at least one source file or folder to import")
    if folder is None:
        raise UsageError("name the estate folder to write with -o DIR")
    mapping = _mapping(mapping_file, services_only)
    _check_folder(
        folder,
        [*paths, *(p for p in (components, relations, mapping_file) if p is not None)],
    )
    with contextlib.ExitStack() as aftermath:

        def kept() -> None:  # the new estate stays from here on: a Ctrl-C or SIGTERM says so
            aftermath.enter_context(after_a_signal(_written_all_the_same(folder)))

        with in_stages(
            "reading the sources", "writing the estate", "checking it as validate would"
        ) as advance:
            with collector_paused():  # what an import reads and writes is kept to the end
                imported = import_sources(
                    paths,
                    fmt=source_format,
                    mapping=mapping,
                    tables=tables,
                    max_bytes=max_bytes,
                    currency=_counted_in(folder),
                )
                advance()
                header = _header(imported, "../estate.yaml")
                files = _files(imported, header)
            advance()
            counted_in = _put_in_place(folder, files, max_bytes, imported, kept)
            advance()
        shown = display_path(folder)
        written = sorted(files)
        wrote = f"wrote {printable(shown)}/{IMPORTED}/ ({plural(len(files), 'file')})"
        try:
            if output_format == "json":
                emit(dump_import_json(imported.account, shown, written))
            else:
                emit(dump_import_text(imported.account, shown, written))
        except ExitplanError as error:  # the import is in place: said first (helper-78)
            raise ExitplanError(f"{wrote}, but {error}") from None
        notice(f"exitplan: {wrote}")
        given = imported.header.get("currency")
        if given and given != counted_in:  # an existing estate.yaml says otherwise
            notice(
                f"exitplan: note: the costs imported are in {given}, but the estate counts in "
                f"{counted_in} (its estate.yaml); they were not converted"
            )
