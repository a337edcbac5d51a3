"""Replay cost as the fight grows: 100, 250, 500 and 1000 performers, dense and spread.

Each case is a generated 3-minute battle at 24 fps (``tools/make_battle.py``): **dense**,
everyone within 10 m of Henry (a melee whose bodies overlap all the time: every close
pair is a clearance finding), and **spread**, ~16 m^2 a performer. Each is replayed by
``previs replay LEVEL -o DIR --no-report`` in its own process, and the table shows side
by side: wall time, CPU time (user + system: what the replay itself cost, whatever else
the machine runs), how many times faster than real time (180 s / CPU time), peak memory
(``ru_maxrss`` from ``os.wait4``), the safety findings, and the ratio of CPU time to the
case with half the performers (doubling the crowd should cost at most ~2.2x). Real time
is the fight's 180 s: the ratio to the wall time is what a user waits (on a quiet machine;
the forked writer runs on the second core), the ratio to CPU time what the replay costs
whatever else the machine runs. ``--repeat N`` replays each case N times and shows the
median of each figure.

    .venv/bin/python benchmarks/battle.py                 # all 8 cases
    .venv/bin/python benchmarks/battle.py --performers 100 250 --layouts dense
    .venv/bin/python benchmarks/battle.py --seconds 60    # shorter fights
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from make_battle import battle  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))
from limits import run  # noqa: E402 (one process: wall, CPU and peak memory)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--performers", type=int, nargs="+", default=[100, 250, 500, 1000])
    ap.add_argument("--layouts", nargs="+", choices=("dense", "spread"), default=["dense", "spread"])
    ap.add_argument("--seconds", type=float, default=180.0)
    ap.add_argument("--repeat", type=int, default=1, help="replays per case; the medians are shown")
    a = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for layout in a.layouts:
            prev = None
            for n in a.performers:
                level = battle(Path(tmp) / f"{layout}{n}.tmx", performers=n, layout=layout, seconds=a.seconds)
                runs = [run([sys.executable, "-m", "previs", "replay", str(level), "-o", str(Path(tmp) / "out"),
                             "--no-report"], timeout=3600) for _ in range(max(1, a.repeat))]
                r = runs[-1]
                wall = statistics.median(x.seconds for x in runs)
                cpu = statistics.median(x.cpu for x in runs)
                peak = statistics.median(x.peak_mb for x in runs)
                m = re.search(r"(\d+) safety finding", r.out)
                findings = m.group(1) if m else "?"
                ratio = f"{cpu / prev:.2f}x" if prev else "-"
                prev = cpu
                bad = [x for x in runs if x.status != 0]
                row = (layout, n, wall, cpu, a.seconds / wall, a.seconds / cpu, peak, findings, ratio,
                       "ok" if not bad else f"exit {bad[0].status}: {bad[0].err.strip().splitlines()[-1:]}")
                rows.append(row)
                print(f"  {layout} {n}: {wall:.1f} s wall, {cpu:.1f} s CPU, {peak:.0f} MB, "
                      f"{findings} findings", file=sys.stderr, flush=True)
    load = " ".join(f"{v:.2f}" for v in os.getloadavg())
    print(f"\n{a.seconds:g} s at 24 fps, `previs replay --no-report`, one process per case, median of "
          f"{max(1, a.repeat)}; load average at the end {load}:\n")
    print("| layout | performers | wall | CPU | x real time (wall) | x real time (CPU) | peak memory | safety findings "
          "| CPU vs half the crowd | status |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for layout, n, wall, cpu, speed_w, speed_c, peak, findings, ratio, status in rows:
        print(f"| {layout} | {n} | {wall:.1f} s | {cpu:.1f} s | {speed_w:.1f}x | {speed_c:.1f}x | {peak:.0f} MB "
              f"| {findings} | {ratio} | {status} |")


if __name__ == "__main__":
    main()
