"""How fast is ``exitplan sensitivity``, next to simulating once per variation?

Sensitivity varies each assumption a scenario's result rests on and simulates again. It
reuses the loaded estate: each variation is the same graph seen through ``VariedGraph``
(nothing is read, validated or indexed again), and user counts are recounted without a
simulation. The alternative a user has without it is to edit the estate and run the
scenario once per variation. This times, in one run, on each scenario given:

* ``sensitivity``: the whole command, ``exitplan sensitivity SCENARIO --format json``, as a
  subprocess (interpreter start-up and loading included);
* ``run``: one ``exitplan run SCENARIO --format json`` subprocess; ``run x N`` is that
  times the number of simulations sensitivity made: what simulating once per variation
  costs at the least (the edits themselves not counted);
* in process: the whole analysis (with the command's default limit), and per simulation
  ``incremental`` (its time over the simulations it made) against ``full``
  (``load_estate``, a new ``EmbeddedGraph`` and ``run_scenario``: a re-simulation from the
  files, again without the edit).

    python benchmarks/sensitivity_bench.py
    python benchmarks/sensitivity_bench.py scenarios/leave-microsoft.yaml --repeat 3
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from exitplan.graph import EmbeddedGraph
from exitplan.loading import load_estate
from exitplan.scenario import load_scenario, run_scenario
from exitplan.simulate.sensitivity import MOST_RUN, sensitivity

ROOT = Path(__file__).resolve().parent.parent
EXITPLAN = Path(sys.executable).with_name("exitplan")


def _timed(command: list[str], repeat: int) -> tuple[float, str]:
    best, output = float("inf"), ""
    for _ in range(repeat):
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
        best = min(best, time.perf_counter() - started)
        output = done.stdout
    return best, output


def measure(scenario: Path, repeat: int) -> dict[str, float]:
    whole, text = _timed([str(EXITPLAN), "sensitivity", str(scenario), "--format", "json"], repeat)
    simulations = json.loads(text)["simulations"]
    once, _ = _timed([str(EXITPLAN), "run", str(scenario), "--format", "json"], repeat)
    loaded = load_scenario(scenario)
    backend = EmbeddedGraph(load_estate(loaded.estate_path))
    started = time.perf_counter()
    analysis = sensitivity(backend, lambda varied: run_scenario(loaded, varied), most=MOST_RUN)
    in_process = time.perf_counter() - started
    incremental = in_process / (simulations + 1)  # and the scenario itself, once
    started = time.perf_counter()
    for _ in range(min(simulations, 20)):
        run_scenario(loaded, EmbeddedGraph(load_estate(loaded.estate_path)))
    full = (time.perf_counter() - started) / min(simulations, 20)
    return {
        "assumptions": float(len(analysis.ranked) + analysis.unchanged),
        "simulations": float(simulations),
        "sensitivity_s": whole,
        "run_s": once,
        "runs_s": once * simulations,
        "in_process_s": in_process,
        "incremental_ms": incremental * 1000,
        "full_ms": full * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "scenarios", nargs="*", type=Path, default=[ROOT / "scenarios" / "leave-microsoft.yaml"]
    )
    parser.add_argument("--repeat", type=int, default=1)
    arguments = parser.parse_args()
    print(
        f"{'scenario':<28} {'varied':>6} {'sims':>5} {'sensitivity s':>13} {'run s':>6} "
        f"{'run x N s':>9} {'ratio':>6} {'in-proc s':>9} {'incr ms':>8} {'full ms':>8} "
        f"{'full/incr':>9}"
    )
    for scenario in arguments.scenarios:
        row = measure(scenario.resolve(), arguments.repeat)
        print(
            f"{scenario.stem:<28} {row['assumptions']:>6.0f} {row['simulations']:>5.0f} "
            f"{row['sensitivity_s']:>13.2f} {row['run_s']:>6.2f} {row['runs_s']:>9.1f} "
            f"{row['runs_s'] / row['sensitivity_s']:>6.1f} {row['in_process_s']:>9.2f} "
            f"{row['incremental_ms']:>8.1f} {row['full_ms']:>8.1f} "
            f"{row['full_ms'] / row['incremental_ms']:>9.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
