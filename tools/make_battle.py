"""Write a generated battle level: Henry and N performers, for the benchmarks (not bundled).

Two layouts, both deterministic (``--seed``):

- ``dense``: a melee. Henry walks a 2 m square at the arena's centre; every performer walks
  a small square loop (side 1-3 m) whose corners all lie within 10 m of the centre, so
  everyone is within 10 m of Henry (about 12 m at most, centre to centre) on every frame.
  1000 performers in that 20 m disc are ~0.3 m^2 each: bodies overlap all the time (a
  crowd, :mod:`previs.plan.crowd`). ``--radius`` widens the disc: at about 13 m for 1000
  (1.9 a m^2) the crowd is just under the crowd rule's density, where the clearance check
  lists the most pairs.
- ``spread``: the same loops spread over an arena sized for ~16 m^2 per performer (a
  battle line rather than a scrum).

A look every 2 s (Henry at a random performer) and a punch between two performers every
6 s. No pillars inside the fight, so no path crosses a wall block.

    .venv/bin/python tools/make_battle.py out/battle.tmx --performers 1000 --layout dense --seconds 180
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from limits import MapWriter  # noqa: E402  (benchmarks/limits.py: the Tiled map writer)

DENSE_RADIUS = 10.0
"""Metres: every corner of every performer's loop is this close to the centre."""


def arena_size(performers: int, layout: str, radius: float = DENSE_RADIUS) -> int:
    """Side of the square arena in metres (tiles of 1 m)."""
    if layout == "dense":
        return max(32, int(math.ceil(2 * radius)) + 12)
    return max(32, int(math.ceil(math.sqrt(16.0 * performers))) + 8)


def border(n: int) -> bytearray:
    cells = bytearray(n * n)
    for i in range(n):
        cells[i] = cells[(n - 1) * n + i] = cells[i * n] = cells[i * n + n - 1] = 1
    return cells


def battle(path: Path, *, performers: int = 1000, layout: str = "dense", seconds: float = 180.0,
           fps: int = 24, seed: int = 1, radius: float = DENSE_RADIUS) -> Path:
    """Write the battle level to ``path``; returns it. ``radius``: the dense melee's (m)."""
    if layout not in ("dense", "spread"):
        raise ValueError(f"layout must be dense or spread, not {layout!r}")
    rnd = random.Random(seed)
    size = arena_size(performers, layout, radius)
    mw = MapWriter(size, size, {"title": f"battle: {performers} performers, {layout}, {seconds:g} s",
                                "duration": float(seconds), "fps": fps})
    mw.tile_layer("walls", border(size))
    c = size / 2
    hp = mw.path([(c - 1, c - 1), (c + 1, c - 1), (c + 1, c + 1), (c - 1, c + 1)])
    henry = mw.point("henry", "Henry", c - 1, c - 1, path=("object", hp.get("id")), speed=0.5)
    goons = []
    for i in range(performers):
        half = rnd.uniform(0.5, 1.5)
        if layout == "dense":
            # loop centre within radius - the loop's corner distance of the centre
            reach = radius - half * math.sqrt(2.0)
            a, d = rnd.uniform(0, 2 * math.pi), reach * math.sqrt(rnd.random())
            x0, z0 = c + d * math.cos(a), c + d * math.sin(a)
        else:
            x0, z0 = rnd.uniform(3.0, size - 3.0), rnd.uniform(3.0, size - 3.0)
        loop = [(x0 - half, z0 - half), (x0 + half, z0 - half), (x0 + half, z0 + half), (x0 - half, z0 + half)]
        k = rnd.randrange(4)
        loop = loop[k:] + loop[:k]
        p = mw.path(loop)
        g = mw.point("performer", f"Goon {i + 1}", *loop[0], path=("object", p.get("id")),
                     speed=round(rnd.uniform(0.8, 2.0), 2))
        goons.append(g.get("id"))
    t = 1.0
    k = 0
    while t < seconds - 1.0:
        b = mw.point("beat", "", 0, 0)
        if k % 3 == 2 and len(goons) > 1:
            a, tgt = rnd.sample(goons, 2)
            mw.props(b, t=round(t, 3), actor=("object", a), action="punch", target=("object", tgt))
        else:
            mw.props(b, t=round(t, 3), actor=("object", henry.get("id")), action="look",
                     target=("object", rnd.choice(goons)))
        t += 2.0
        k += 1
    return mw.write(path)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("output", type=Path, help="the .tmx file to write")
    ap.add_argument("--performers", type=int, default=1000)
    ap.add_argument("--layout", choices=("dense", "spread"), default="dense")
    ap.add_argument("--seconds", type=float, default=180.0)
    ap.add_argument("--fps", type=int, default=24)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--radius", type=float, default=DENSE_RADIUS,
                    help=f"dense: every loop within this many metres of the centre (default {DENSE_RADIUS:g})")
    a = ap.parse_args()
    battle(a.output, performers=a.performers, layout=a.layout, seconds=a.seconds, fps=a.fps, seed=a.seed,
           radius=a.radius)
    print(f"wrote {a.output}: {a.performers} performers, {a.layout}, {a.seconds:g} s at {a.fps} fps")


if __name__ == "__main__":
    main()
