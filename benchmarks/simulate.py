"""Simulation alone: CPU time of :func:`previs.sim.script.simulate` on generated battles.

For 250, 500 and 1000 performers, dense and spread (``tools/make_battle.py``: 3 minutes at
24 fps, 4320 frames), each timed in a fresh process (the arrays page-fault afresh, as in a
``previs replay``) by the CPU clock of that process around one ``simulate(level)`` call
(loading the level is not counted). Prints the median of ``--repeat`` runs, and how many
times faster than real time that is (fight seconds / CPU seconds). Target (issue 20):
<= 0.8 s for 1000 performers, either layout: >= 225x real time, so the simulation leaves
most of a 3.6 s replay budget (50x real time) to the plan.

    .venv/bin/python benchmarks/simulate.py
    .venv/bin/python benchmarks/simulate.py --performers 1000 --layouts dense --repeat 5
    .venv/bin/python benchmarks/simulate.py --code /tmp/old-previs   # another checkout's simulate

CPU figures move less than wall ones with other load on the machine, but still some (two
cores shared): compare medians, and print ``uptime`` alongside.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from make_battle import battle  # noqa: E402

ONE_RUN = """
import sys, time
from previs.pipeline import load
from previs.sim.script import simulate
level = load(sys.argv[1])
t0 = time.process_time()
simulate(level)
print(time.process_time() - t0)
"""


def cpu_of_simulate(level: Path, code: Path = ROOT) -> float:
    """CPU seconds of one ``simulate`` of ``level`` by the previs of checkout ``code``, in a
    fresh Python process."""
    env = dict(os.environ, PYTHONPATH=str(code) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    r = subprocess.run([sys.executable, "-c", ONE_RUN, str(level)], capture_output=True, text=True, env=env,
                       cwd=code)
    if r.returncode != 0:
        sys.exit(f"simulate of {level} failed:\n{r.stderr}")
    return float(r.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--performers", type=int, nargs="+", default=[250, 500, 1000])
    ap.add_argument("--layouts", nargs="+", choices=("dense", "spread"), default=["dense", "spread"])
    ap.add_argument("--seconds", type=float, default=180.0)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--code", type=Path, default=ROOT, help="the previs checkout to time (default: this one)")
    a = ap.parse_args()
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (1, 5, 15 min)")
    print(f"\nsimulate() of {a.code}, {a.seconds:g} s at 24 fps, CPU seconds, median of {a.repeat} fresh processes:\n")
    print("| layout | performers | CPU (median) | runs | x real time |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for layout in a.layouts:
            for n in a.performers:
                level = battle(Path(tmp) / f"{layout}{n}.tmx", performers=n, layout=layout, seconds=a.seconds)
                runs = [cpu_of_simulate(level, a.code) for _ in range(a.repeat)]
                med = statistics.median(runs)
                print(f"| {layout} | {n} | {med:.3f} s | {', '.join(f'{r:.2f}' for r in runs)} | "
                      f"{a.seconds / med:.0f}x |", flush=True)


if __name__ == "__main__":
    main()
