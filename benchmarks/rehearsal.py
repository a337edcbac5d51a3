"""Rehearsal planning speed: ``previs plan REHEARSAL -o DIR``, process start to files written.

Writes a 10-minute 200 Hz rehearsal (a head with ~240 whips among walking sway and bob,
gyro noise and bias, a tilted mount, a sensor clock 0.7 % fast; tests/rehearsalkit.py) as
a Gyroflow ``.gcsv`` and a Sensor Logger zip, then times ``previs plan`` on each in a fresh
process (best of ``--repeat``) and, with ``--against``, aligning it to the planned track.
Prints the wall time and the ratio *rehearsal duration / plan time* (target: under 5 s,
i.e. >= 120x real time).

    .venv/bin/python benchmarks/rehearsal.py [--minutes 10] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from rehearsalkit import imu_from_head, random_head, write_gcsv, write_sensor_logger, write_track_csv  # noqa: E402

PREVIS = [sys.executable, "-m", "previs"]
TARGET = 5.0


def _run(cmd: list[str], repeat: int) -> float:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        r = subprocess.run(cmd, capture_output=True, text=True, env=env)
        wall = time.perf_counter() - t0
        if r.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed:\n{r.stderr}")
        best = min(best, wall)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    n_whips = int(args.minutes * 60 / 2.5)
    head = random_head(seed=1, n_whips=n_whips, pans=n_whips // 5)
    log = imu_from_head(head, rate=200.0, seed=1)
    seconds = float(log.t[-1] - log.t[0])
    print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}; best of {args.repeat} runs; "
          f"rehearsal {seconds:.0f} s, {len(log.t)} samples at 200 Hz, {n_whips} whips")
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        files = {"gcsv": write_gcsv(log, d / "take.gcsv"),
                 "Sensor Logger zip": write_sensor_logger(log, d / "take.zip", zipped=True)}
        plan_csv = write_track_csv(head, d / "plan.csv")
        worst = 0.0
        for label, path in files.items():
            wall = _run(PREVIS + ["plan", str(path), "-o", str(d / "out")], args.repeat)
            worst = max(worst, wall)
            print(f"plan {label:28s} {path.stat().st_size / 1e6:6.1f} MB  {wall:5.2f} s  = {seconds / wall:6.1f}x real time")
        wall = _run(PREVIS + ["plan", str(files["gcsv"]), "-o", str(d / "out"), "--against", str(plan_csv)], args.repeat)
        worst = max(worst, wall)
        print(f"plan gcsv --against plan.csv{'':11s}  {wall:5.2f} s  = {seconds / wall:6.1f}x real time")
    print(f"target: every run under {TARGET:g} s: {'ok' if worst < TARGET else 'FAIL'} (worst {worst:.2f} s)")


if __name__ == "__main__":
    main()
