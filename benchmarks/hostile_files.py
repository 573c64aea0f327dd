"""What do the worst files just under the size limit cost to load, or to refuse?

Each case is written into a fresh folder and checked by the real command line
(``exitplan validate``) in a child process; the figures are that child's peak resident
memory (``wait4``'s ``ru_maxrss``), its wall-clock time and its CPU time (steadier when the
machine is busy), startup included. The cases:

* ``flow-maps``: ``components: [{a: 1}, {a: 1}, ...]``: the most Python objects per byte;
* ``scalars``: ``components: [1, 1, ...]``: the longest list;
* ``block-maps``: one tiny mapping per line: the most line-map entries;
* ``deep``: nests 60 levels deep (just allowed), again and again;
* ``pretty``: JSON on many lines with a problem in every item, so that the lines of the
  fields must be found;
* ``long-key``: one key of 8 MiB;
* ``unknown-refs``: valid components that each name a component nobody defines (the
  "did you mean" hints compare ids);
* ``same-id``: one id defined 100,000 times;
* ``valid``: a real (synthetic) estate just under the limit, which loads;
* ``folder``: five of the files above in one folder.

YAML and JSON are measured for the shapes where the readers differ.

    python benchmarks/hostile_files.py              # every case
    python benchmarks/hostile_files.py --cases flow-maps.yaml folder
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.synthetic import generate  # runs as a script from anywhere
from exitplan.loading import MAX_FILE_BYTES, MAX_VALUES
from exitplan.model import SECTIONS

LIMIT = MAX_FILE_BYTES - 64  # just under the limit


def repeated(head: str, item: str, separator: str, tail: str) -> str:
    """``head item sep item sep ... item tail``, as long as fits under the limit."""
    count = (LIMIT - len(head) - len(tail) + len(separator)) // (len(item) + len(separator))
    return head + separator.join([item] * count) + tail


def deep(levels: int, opening: str, closing: str) -> str:
    return opening * levels + closing * levels


def valid_estate() -> str:
    """A synthetic estate written as one compact JSON file just under the limit."""
    estate = generate(components=6_000, seed=1)
    document: dict[str, object] = {"estate": estate.info.model_dump(mode="json", exclude_none=True)}
    for section in SECTIONS:
        document[section] = [
            item.model_dump(mode="json", by_alias=True, exclude_defaults=True)
            for item in getattr(estate, section)
        ]
    text = json.dumps(document, separators=(",", ":"))
    if len(text) >= LIMIT:
        raise SystemExit(f"the synthetic estate is {len(text):,} bytes; use fewer components")
    return text


def _unknown_refs(kind: str) -> str:
    """As many components as fit under the value limit, each with an unknown reference."""
    item = '{"id": "c%d", "name": "C", "vendor": "v", "delivery": "saas", "depends_on": ["x%d"]}'
    values_each = 13  # the mapping, 5 keys, 5 values, the list and its item
    head = (
        '{"vendors": [{"id": "v", "name": "V"}], "components": ['
        if kind == "json"
        else ("vendors: [{id: v, name: V}]\ncomponents: [")
    )
    tail = "]}" if kind == "json" else "]\n"
    parts, size, index = [head], len(head) + len(tail), 0
    while size + len(item) + 20 < LIMIT and (index + 1) * values_each < MAX_VALUES - 100:
        entry = item % (index, index)
        if kind == "yaml":
            entry = entry.replace('"', "")
        parts.append(("," if index else "") + entry)
        size += len(parts[-1])
        index += 1
    return "".join(parts) + tail


CASES: dict[str, Callable[[], str]] = {
    "flow-maps.yaml": lambda: repeated("components: [", "{a: 1}", ", ", "]\n"),
    "flow-maps.json": lambda: repeated('{"components": [', '{"a": 1}', ",", "]}\n"),
    "scalars.yaml": lambda: repeated("components: [", "1", ",", "]\n"),
    "scalars.json": lambda: repeated('{"components": [', "1", ",", "]}\n"),
    "block-maps.yaml": lambda: repeated("components:\n", "- a: 1", "\n", "\n"),
    "deep.yaml": lambda: repeated("components: [", deep(60, "[", "]"), ",", "]\n"),
    "deep.json": lambda: repeated('{"components": [', deep(60, "[", "]"), ",", "]}\n"),
    "pretty.json": lambda: json.dumps({"components": [{"a": 1}] * (MAX_VALUES // 4)}, indent=1),
    "long-key.yaml": lambda: "? " + "k" * (LIMIT - 10) + "\n: 1\n",
    "long-key.json": lambda: '{"' + "k" * (LIMIT - 10) + '": 1}\n',
    "unknown-refs.yaml": lambda: _unknown_refs("yaml"),
    "unknown-refs.json": lambda: _unknown_refs("json"),
    "same-id.yaml": lambda: "capabilities:\n" + "- {id: same, name: S}\n" * 100_000,
    "valid.json": valid_estate,
}
FOLDER = ["flow-maps.yaml", "scalars.json", "block-maps.yaml", "deep.yaml", "unknown-refs.json"]


def run_validate(path: Path) -> tuple[int, float, float, float, str]:
    """Exit code, peak RSS in MB, seconds (wall clock, then CPU), the last line of stderr."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as errors:
        child = subprocess.Popen(
            [sys.executable, "-m", "exitplan", "validate", str(path)],
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        errors.seek(0)
        lines = errors.read().decode("utf-8", "replace").splitlines()
    cpu = usage.ru_utime + usage.ru_stime
    return child.returncode, usage.ru_maxrss / 1024, seconds, cpu, (lines or [""])[-1][:70]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", nargs="*", default=[*CASES, "folder"])
    arguments = parser.parse_args()
    print(f"PyYAML {yaml.__version__}, libyaml {'yes' if yaml.__with_libyaml__ else 'NO'}")
    print(f"{'case':<18}{'bytes':>12}{'exit':>5}{'peak MB':>9}{'wall s':>8}{'cpu s':>7}  last line")
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        for name in arguments.cases:
            if name == "folder":
                target = root / "folder"
                target.mkdir()
                for member in FOLDER:
                    (target / member).write_text(CASES[member](), encoding="utf-8")
                size = sum(f.stat().st_size for f in target.iterdir())
            else:
                target = root / name
                target.write_text(CASES[name](), encoding="utf-8")
                size = target.stat().st_size
            code, peak, seconds, cpu, last = run_validate(target)
            print(f"{name:<18}{size:>12,}{code:>5}{peak:>9.0f}{seconds:>8.1f}{cpu:>7.1f}  {last}")


if __name__ == "__main__":
    main()
