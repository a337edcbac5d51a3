"""For the battle and crowd tests: the generated battle (``tools/make_battle.py``), the map
writer it uses (``benchmarks/limits.py``), and the clearance rule written the slow and
obvious way."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from previs.plan import safety

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from limits import MapWriter  # noqa: E402,F401 (re-exported)
from make_battle import battle  # noqa: E402,F401 (re-exported)


def reference(level, motion, safety_distance, skip=None):
    """All pairs on every frame, encounters as runs of consecutive frames, minimum gap (the
    earliest frame on a tie): the rule, written the slow and obvious way. ``skip`` (F, B):
    bodies not paired with each other on a frame (those in a crowd); Henry always is."""
    xz = safety.body_positions(motion)
    F, B, _ = xz.shape
    radii = np.array([level.henry.radius] + [p.radius for p in level.performers])
    down = np.concatenate([np.zeros((F, 1), bool), np.asarray(motion.perf_down, bool)], axis=1)
    windows = safety.contact_windows(level, motion.track.time_base)
    best: dict = {}
    last: dict = {}
    out = []
    for f in range(F):
        gap = np.linalg.norm(xz[f][:, None] - xz[f][None], axis=2) - radii[:, None] - radii[None]
        for a, b in zip(*np.nonzero(np.triu(gap < safety_distance, 1))):
            if down[f, a] or down[f, b]:
                continue
            if skip is not None and a != 0 and (skip[f, a] or skip[f, b]):
                continue
            if any({a, b} == {i, j} and f0 <= f <= f1 for i, j, f0, f1 in windows):
                continue
            k = (int(a), int(b))
            if last.get(k) == f - 1:
                if gap[a, b] < best[k][1]:
                    best[k] = (f, gap[a, b])
            else:
                if k in best:
                    out.append((k, *best[k]))
                best[k] = (f, gap[a, b])
            last[k] = f
    out += [(k, *v) for k, v in best.items()]
    return sorted((f, k, round(float(g), 2)) for k, f, g in out)
