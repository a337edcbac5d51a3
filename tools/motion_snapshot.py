"""Save, or compare bit for bit, every array a scripted replay makes, over many levels.

For changes to the simulation that must not change a single bit (issue 20: the faster
``previs.sim`` had to give identical arrays): run ``save`` before the change and ``check``
after each step.

    PYTHONPATH=. .venv/bin/python tools/motion_snapshot.py save /tmp/snap
    PYTHONPATH=. .venv/bin/python tools/motion_snapshot.py check /tmp/snap
    ... --battle 1000      # also the 3-minute 1000-performer battles (slow, ~1 GB of .npy)

Levels: ``levels/*.tmx``, every ``tests/data/**/*.tmx`` that loads, generated battles
(``tools/make_battle.py``: 250 performers dense and spread, 60 s; ``--battle N`` adds N
performers, 180 s) and :func:`edge_levels` (holds, open and closed paths, a standing
actor, late starts, zero-length segments, falls, shoves, performers looking at marks,
Henry and each other). Each level is replayed for its own frames and for 37 frames more
(a take can run past the script). Saved per level and frame count: every numpy field of
:class:`~previs.sim.motion.Motion` and its track, and the four arrays of
:func:`~previs.sim.script.performer_motion` (positions, down, walking yaw, moving).
``check`` compares each bit for bit (dtype, shape and bytes: -0.0 is not 0.0) and exits 1
on any difference.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

EXTRA_FRAMES = 37
"""Frames past the level's own that each level is also replayed for (takes run longer)."""


def edge_levels():
    """Small levels in code that reach every branch of the path and facing rules."""
    from previs.level.actions import default_duration
    from previs.level.model import Actor, Beat, Level, Mark, Path as LPath, Settings, Walls

    def walls(n=30):
        solid = np.zeros((n, n), bool)
        return Walls(solid=solid, height=np.zeros((n, n)), color=np.zeros((n, n, 3), np.uint8), cell=1.0)

    def path(pid, *pts, closed=False, holds=()):
        return LPath(id=pid, name=f"p{pid}", points=tuple((float(x), float(z)) for x, z in pts),
                     closed=closed, holds=tuple(holds))

    def perf(pid, pos, path=None, speed=1.4, start=0.0):
        return Actor(id=pid, name=f"Goon {pid}", kind="performer", position=pos, path=path, speed=speed,
                     start=start)

    def beat(bid, t, actor, act, target=None, duration=None):
        return Beat(id=bid, t=t, actor=actor, action=act, target=target,
                    duration=default_duration(act) if duration is None else duration)

    def level(name, henry, performers, beats, marks=(), fps=24, duration=12.0):
        w = walls()
        st = Settings(title=name, fps=fps, duration=duration)
        return Level(source=f"{name}.tmx", content_hash="0" * 64, settings=st, walls=w, henry=henry,
                     performers=tuple(performers), beats=tuple(sorted(beats, key=lambda b: (b.t, b.id))),
                     marks=tuple(marks), width=30.0, depth=30.0)

    henry_walks = Actor(id=1, name="Henry", kind="henry", position=(15.0, 15.0),
                        path=path(900, (15, 15), (18, 15), (18, 19), closed=True, holds=((1, 0.7),)), speed=1.1,
                        heading=30.0)
    henry_stands = Actor(id=1, name="Henry", kind="henry", position=(15.0, 15.0), heading=-45.0)
    goons = [
        perf(10, (5, 5), path(100, (5, 5), (9, 5), (9, 9), holds=((1, 1.25),)), speed=1.3),  # open, hold
        perf(11, (6, 20), path(101, (6, 20), (10, 20), (10, 24), (6, 24), closed=True, holds=((0, 0.5), (2, 0.3))),
             speed=1.7, start=0.75),  # loop with holds, late start
        perf(12, (20, 5)),  # no path: stands
        perf(13, (22, 8), path(102, (22, 8), (25, 8)), speed=0.0),  # speed 0: stands on its path
        perf(14, (3, 12), path(103, (3, 12), (3, 12), (7, 12), (7, 12), (7, 15)), speed=1.0),  # zero-length legs
        perf(15, (12, 3), path(104, (12, 3), (13, 3)), speed=1.2, start=30.0),  # starts after the end
        perf(16, (15, 15)),  # on Henry's spot
        perf(17, (24, 24), path(105, (24, 24), (26, 24), (26, 26), closed=True), speed=2.0),  # fast loop
        perf(18, (8, 16), path(106, (8, 16), (11, 16)), speed=0.9, start=2.0),  # open, late start
        perf(19, (1.0005, 1.0)),  # 0.5 mm from the door it looks at: turns to it
        perf(20, (15.0000005, 15.0)),  # 0.0005 mm from where Henry stands: no direction
    ]
    marks = (Mark(id=50, name="door", position=(1.0, 1.0), height=2.0), Mark(id=51, name="pit", position=(28.0, 3.0)))
    beats = [
        beat(200, 0.5, 12, "look", 50), beat(201, 1.0, 13, "look", 1), beat(202, 1.5, 10, "punch", 11),
        beat(203, 2.0, 1, "look", 12), beat(204, 2.5, 18, "look", 51), beat(205, 3.0, 16, "look", 1),
        beat(206, 3.5, 12, "look", 13), beat(207, 4.0, 1, "shove", 12), beat(208, 4.5, 13, "fall"),
        beat(209, 5.0, 11, "shove", 17), beat(210, 5.5, 1, "look", 50), beat(211, 6.0, 17, "down", None, 0.0),
        beat(212, 6.5, 14, "look", 10), beat(213, 7.0, 1, "look", 17), beat(214, 8.0, 10, "shove", 14, 0.0),
        beat(215, 9.0, 12, "fall", None, 1.5), beat(216, 9.5, 1, "look", 1), beat(217, 10.0, 18, "kick", 12),
        beat(218, 11.5, 11, "fall"), beat(219, 0.2, 19, "look", 50),
    ]
    out = [
        level("edge-walking-henry", henry_walks, goons, beats, marks),
        level("edge-standing-henry", henry_stands, goons, beats, marks, fps=30),
        level("edge-no-beats", henry_walks, goons, [], marks, duration=5.0),
        level("edge-no-performers", henry_walks, [], [beat(300, 1.0, 1, "look", 50)], marks, duration=3.0),
        level("edge-one-performer", henry_stands, goons[:1], [beat(301, 1.0, 10, "fall")], (), duration=4.0),
    ]
    return out


def levels(battle: list[int], tmp: Path):
    """``(name, level)`` of every level the snapshot covers (see the module)."""
    from make_battle import battle as make_battle
    from previs.errors import PrevisError
    from previs.pipeline import load

    for p in sorted((ROOT / "levels").glob("*.tmx")):
        yield p.relative_to(ROOT).as_posix(), load(p)
    for p in sorted((ROOT / "tests" / "data").rglob("*.tmx")):
        try:
            lv = load(p)
        except PrevisError:
            continue
        yield p.relative_to(ROOT).as_posix(), lv
    for n, seconds in [(250, 60.0)] + [(n, 180.0) for n in battle]:
        for layout in ("dense", "spread"):
            p = make_battle(tmp / f"{layout}{n}.tmx", performers=n, layout=layout, seconds=seconds)
            yield f"battle-{layout}{n}-{seconds:g}s", load(p)
    for lv in edge_levels():
        yield lv.source, lv


def arrays(level, frames: int) -> dict[str, np.ndarray]:
    """Every array of the scripted replay of ``level`` over ``frames`` frames."""
    from previs.sim.script import performer_motion, simulate

    m = simulate(level, frames)
    out = {}
    for f in dataclasses.fields(m):
        v = getattr(m, f.name)
        if isinstance(v, np.ndarray):
            out[f.name] = v
    for f in dataclasses.fields(m.track):
        v = getattr(m.track, f.name)
        if isinstance(v, np.ndarray):
            out["track." + f.name] = v
    for name, v in zip(("xz", "down", "walk_yaw", "moving"), performer_motion(level, frames)):
        out["performer_motion." + name] = v
    return out


def _key(name: str, frames: int) -> str:
    return name.replace("/", "__").replace(".tmx", "") + f"@{frames}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("mode", choices=("save", "check"))
    ap.add_argument("dir", type=Path)
    ap.add_argument("--battle", type=int, nargs="*", default=[], help="also 3-minute battles of these sizes")
    a = ap.parse_args()
    bad = 0
    seen = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, lv in levels(a.battle, Path(tmp)):
            for frames in (lv.settings.frames, lv.settings.frames + EXTRA_FRAMES):
                d = a.dir / _key(name, frames)
                got = arrays(lv, frames)
                if a.mode == "save":
                    d.mkdir(parents=True, exist_ok=True)
                    for k, v in got.items():
                        np.save(d / f"{k}.npy", v)
                    seen += len(got)
                    continue
                for k, v in got.items():
                    seen += 1
                    ref = np.load(d / f"{k}.npy")
                    if ref.dtype != v.dtype or ref.shape != v.shape or ref.tobytes() != np.asarray(v).tobytes():
                        bad += 1
                        diff = "" if ref.shape != v.shape else f", {int(np.sum(ref != v))} elements differ"
                        print(f"DIFFERENT {name} @{frames} {k}: {ref.dtype}{ref.shape} vs {v.dtype}{v.shape}{diff}")
    print(f"{a.mode}: {seen} arrays, {bad} different")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
