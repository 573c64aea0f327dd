"""How long an architect waits to import a CMDB export, next to the least any import does.

For each size, a seeded export in the shape of ServiceNow's ``cmdb_ci`` and
``cmdb_rel_ci`` tables is written as two CSV files (one row per configuration item, a
twentieth of them services; about three relations per item; a description and a support
group on every item, which the import writes as a note of two lines, as real exports
give). Then, in one run, each of these is timed as a subprocess, the way a user runs it,
so that interpreter start-up counts on both sides:

* ``floor``: a Python process that reads both tables with ``csv`` and writes their rows
  as JSON with ``json``: the least an import does, read the export and write an estate;
* ``import``: ``exitplan import --components cmdb_ci.csv --relations cmdb_rel_ci.csv -o
  DIR`` into a new folder (which also loads what it wrote, as validate would);
* ``validate``: ``exitplan validate DIR`` of the imported estate;
* ``import, named alike``: the same import of an export whose items all have one name
  ("DB Instance", as thousands of a CMDB's may), and no relations: each gets a number
  after the name, the cost of which grew with the square of their count (helper-78).

Each is the best of ``--repeat`` runs, each run of a command just after a run of the
floor, its ratio to the best of those floor runs; with the peak resident memory of the
process (see ``end_to_end.LAUNCH``).

    python benchmarks/import_bench.py                     # 10k, 30k and 100k items
    python benchmarks/import_bench.py --sizes 30000 --repeat 2
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.end_to_end import EXITPLAN, Timed, _paired, _row  # runs as a script

FLOOR = """
import csv, json, sys
from pathlib import Path
tables = {}
for name in sys.argv[1:3]:
    with open(name, newline="", encoding="utf-8") as source:
        tables[Path(name).stem] = list(csv.DictReader(source))
Path(sys.argv[3]).write_text(json.dumps(tables), encoding="utf-8")
"""

CLASSES = ("cmdb_ci_appl", "cmdb_ci_server", "cmdb_ci_db_instance", "cmdb_ci_linux_server")
RELATIONS = ("Depends on::Used by", "Runs on::Runs", "Uses::Used by")


def write_alike(size: int, folder: Path) -> tuple[Path, Path]:
    """An export of ``size`` items all named alike, and a relations table with none."""
    items = folder / "alike.csv"
    with items.open("w", newline="", encoding="utf-8") as out:
        table = csv.writer(out)
        table.writerow(["sys_id", "name", "sys_class_name", "vendor"])
        for number in range(size):
            table.writerow([f"{number:032x}", "DB Instance", CLASSES[number % 4], "Vendor AB"])
    relations = folder / "alike_rel.csv"
    relations.write_text("sys_id,parent,type,child\n", encoding="utf-8")
    return items, relations


def write_export(size: int, folder: Path, seed: int = 1) -> tuple[Path, Path]:
    """A ServiceNow-shaped export of ``size`` configuration items: the items table and the
    relations table. Relations point from an item to items after it, so there is no
    cycle; services come first and only depend."""
    chance = random.Random(seed)
    vendors = [(f"Vendor {n} AB", f"Vendor {n}") for n in range(max(5, size // 100))]
    services = size // 20
    items = folder / "cmdb_ci.csv"
    with items.open("w", newline="", encoding="utf-8") as out:
        table = csv.writer(out)
        table.writerow(
            [
                "sys_id", "name", "sys_class_name", "manufacturer", "vendor",
                "operational_status", "owned_by", "support_group", "busines_criticality",
                "short_description",
            ]
        )  # fmt: skip
        for number in range(size):
            service = number < services
            maker, vendor = ("", "") if service else chance.choice(vendors)
            table.writerow(
                [
                    f"{number:032x}",
                    f"Service {number}" if service else f"CI {number}",
                    "cmdb_ci_service" if service else chance.choice(CLASSES),
                    maker,
                    vendor,
                    "Operational",
                    "",
                    f"Team {number % 40}",
                    "2 - somewhat critical" if service else "",
                    f"Item {number} of the estate",
                ]
            )
    relations = folder / "cmdb_rel_ci.csv"
    with relations.open("w", newline="", encoding="utf-8") as out:
        table = csv.writer(out)
        table.writerow(["sys_id", "parent", "type", "child"])
        made = 0
        for number in range(size - 1):
            name = f"Service {number}" if number < services else f"CI {number}"
            for _ in range(3):  # a pair drawn twice is skipped by the import, as it says
                target = chance.randrange(max(number + 1, services), size)
                table.writerow([f"{made:032x}", name, chance.choice(RELATIONS), f"CI {target}"])
                made += 1
    return items, relations


def measure(size: int, repeat: int, work: Path) -> list[tuple[str, Timed, Timed]]:
    folder = work / f"export-{size}"
    folder.mkdir()
    items, relations = write_export(size, folder)
    floor = [sys.executable, "-c", FLOOR, str(items), str(relations), str(work / "rows.json")]
    imports: list[tuple[Timed, Timed]] = []
    for run in range(repeat):  # each run writes a new folder, as a first import does
        command = [EXITPLAN, "import", "--components", str(items), "--relations",
                   str(relations), "-o", str(work / f"estate-{run}")]  # fmt: skip
        imports.append(_paired(command, floor, 1, (0,), work / "import.txt"))
    timed = min((timed for timed, _ in imports), key=lambda t: (t.code != 0, t.seconds))
    beside = min((floor for _, floor in imports), key=lambda t: t.seconds)
    validated = _paired(
        [EXITPLAN, "validate", str(work / "estate-0")], floor, repeat, (0,), work / "validate.txt"
    )
    items, relations = write_alike(size, folder)
    floor = [sys.executable, "-c", FLOOR, str(items), str(relations), str(work / "rows.json")]
    alike = []
    for run in range(repeat):
        command = [EXITPLAN, "import", "--components", str(items), "--relations",
                   str(relations), "-o", str(work / f"alike-{run}")]  # fmt: skip
        alike.append(_paired(command, floor, 1, (0,), work / "alike.txt"))
    timed_alike = min((timed for timed, _ in alike), key=lambda t: (t.code != 0, t.seconds))
    beside_alike = min((floor for _, floor in alike), key=lambda t: t.seconds)
    return [
        ("import", timed, beside),
        ("validate", *validated),
        ("import, named alike", timed_alike, beside_alike),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 30_000, 100_000])
    parser.add_argument("--repeat", type=int, default=1)
    arguments = parser.parse_args()
    print(f"importing a ServiceNow-shaped CMDB export; best of {arguments.repeat}")
    for size in arguments.sizes:
        with tempfile.TemporaryDirectory(prefix="exitplan-import-") as directory:
            rows = measure(size, arguments.repeat, Path(directory))
            export = Path(directory) / f"export-{size}"
            megabytes = sum(p.stat().st_size for p in export.iterdir()) / 2**20
            print(f"{size:,} configuration items, CSV {megabytes:.1f} MiB")
            for what, timed, floor in rows:
                print(_row(what, timed, floor.seconds, floor), flush=True)


if __name__ == "__main__":
    main()
