"""Builders for synthetic tracks, levels and motions with known answers, for the plan and
export tests (their own checks are in ``test_plan_fixtures.py``).

Levels are built in code from the model dataclasses (no Tiled file), motions by hand."""

from __future__ import annotations

import numpy as np

from previs.level.model import Actor, Beat, Level, Settings, Walls, Zone
from previs.sim.motion import Motion
from previs.sim.track import CameraTrack

EYE = 1.7
HENRY_ID = 1


def ease(t, t0, dur, angle):
    """Ease-in-out (cosine) turn of ``angle`` degrees from ``t0`` over ``dur`` seconds."""
    u = np.clip((np.asarray(t, float) - t0) / dur, 0.0, 1.0)
    return angle * (0.5 - 0.5 * np.cos(np.pi * u))


def make_track(yaw, fps=24, pos=None, pitch=None, roll=None, hfov=90.0) -> CameraTrack:
    yaw = np.asarray(yaw, dtype=float)
    n = len(yaw)
    if pos is None:
        pos = np.zeros((n, 3))
        pos[:, 1] = EYE
    pos = np.broadcast_to(np.asarray(pos, float), (n, 3))
    z = np.zeros(n)
    return CameraTrack(
        fps=float(fps),
        pos=pos,
        yaw=yaw,
        pitch=z if pitch is None else np.broadcast_to(np.asarray(pitch, float), (n,)),
        roll=z if roll is None else np.broadcast_to(np.asarray(roll, float), (n,)),
        hfov=np.broadcast_to(np.asarray(hfov, float), (n,)),
    )


def times(seconds, fps=24):
    return np.arange(int(round(seconds * fps))) / fps


def empty_walls(rows=20, cols=20, cell=1.0) -> Walls:
    return Walls(
        solid=np.zeros((rows, cols), bool),
        height=np.zeros((rows, cols)),
        color=np.zeros((rows, cols, 3), np.uint8),
        cell=cell,
    )


def walls_with(cells, rows=20, cols=20, cell=1.0, height=3.0) -> Walls:
    """Walls with solid blocks at ``[(row, col), ...]`` (or ``[(row, col, height), ...]``)."""
    solid = np.zeros((rows, cols), bool)
    h = np.zeros((rows, cols))
    for c in cells:
        r, k = c[0], c[1]
        solid[r, k] = True
        h[r, k] = c[2] if len(c) > 2 else height
    return Walls(solid=solid, height=h, color=np.zeros((rows, cols, 3), np.uint8), cell=cell)


def make_level(performers=(), *, walls=None, beats=(), zones=(), fps=24, duration=10.0, henry_at=(10.0, 10.0),
               henry_radius=0.3, **settings) -> Level:
    """A level with Henry (object id 1, "Henry") and performers given as
    ``(name, (x, z))`` or ``(name, (x, z), dict(radius=..., height=...))``; performer ids
    are 101, 102, ... in order."""
    perf = []
    for i, spec in enumerate(performers):
        name, pos = spec[0], spec[1]
        extra = spec[2] if len(spec) > 2 else {}
        perf.append(Actor(id=101 + i, name=name, kind="performer", position=tuple(pos), **extra))
    henry = Actor(id=HENRY_ID, name="Henry", kind="henry", position=tuple(henry_at), radius=henry_radius)
    walls = walls if walls is not None else empty_walls()
    return Level(
        source="levels/synthetic.tmx",
        content_hash="0" * 64,
        settings=Settings(title="Synthetic", fps=fps, duration=duration, **settings),
        walls=walls,
        henry=henry,
        performers=tuple(perf),
        beats=tuple(sorted(beats, key=lambda b: (b.t, b.id))),
        zones=tuple(zones),
        width=walls.cols * walls.cell,
        depth=walls.rows * walls.cell,
    )


def make_motion(level: Level, track: CameraTrack, perf_xz=None, henry_xz=None, down=None, facing=None) -> Motion:
    """A motion: performers stand where placed unless ``perf_xz`` (F, P, 2) is given;
    Henry's feet follow the track's x, z unless ``henry_xz`` is given."""
    F = len(track)
    P = len(level.performers)
    if perf_xz is None:
        perf_xz = np.broadcast_to(np.array([p.position for p in level.performers], float).reshape(1, P, 2), (F, P, 2))
    if henry_xz is None:
        henry_xz = track.pos[:, [0, 2]]
    return Motion(
        level=level,
        track=track,
        henry_xz=np.array(henry_xz, float),
        perf_xz=np.array(perf_xz, float).reshape(F, P, 2),
        perf_facing=np.zeros((F, P)) if facing is None else np.asarray(facing, float),
        perf_down=np.zeros((F, P), bool) if down is None else np.asarray(down, bool),
    )


def beat(id, t, actor, action, target=None, duration=0.5, note=""):
    return Beat(id=id, t=t, actor=actor, action=action, target=target, duration=duration, note=note)


def zone(id, name, kind, x0, z0, x1, z1):
    return Zone(id=id, name=name, kind=kind, polygon=((x0, z0), (x1, z0), (x1, z1), (x0, z1)))


def crowd(frames=4320, performers=100, fps=24, seed=7):
    """A big synthetic fight: 100 performers milling in a 40 x 40 m walled arena, Henry
    walking a loop with a whip turn every ~7 s, bob, pillars, a pyro zone, contact beats.
    Used by the timing benchmark and the scale tests."""
    rng = np.random.default_rng(seed)
    t = np.arange(frames) / fps
    yaw = 3.0 * np.sin(2 * np.pi * 2.0 * t)
    for k, t0 in enumerate(np.arange(3.0, frames / fps - 1, 7.0)):
        yaw = yaw + ease(t, t0, 0.25, 80.0 if k % 2 == 0 else -75.0)
        yaw = yaw + ease(t, t0 + 3.0, 1.2, 25.0)
    pos = np.zeros((frames, 3))
    pos[:, 0] = 20 + 8 * np.cos(t / 20)
    pos[:, 1] = EYE
    pos[:, 2] = 20 + 8 * np.sin(t / 20)
    track = make_track(yaw, fps, pos=pos)
    cells = [(r, c) for r in range(4, 40, 6) for c in range(4, 40, 6)]
    cells += [(0, c) for c in range(40)] + [(39, c) for c in range(40)]
    walls = walls_with(cells, rows=40, cols=40)
    start = rng.uniform(3, 37, size=(performers, 2))
    perf = [(f"Goon {i + 1}", tuple(start[i])) for i in range(performers)]
    beats_ = [beat(1000 + i, float(1 + i * 1.5), 101 + (i % performers), "punch", HENRY_ID) for i in range(60)]
    beats_ += [beat(2000 + i, float(2 + i * 3.0), HENRY_ID, "look", 101 + i) for i in range(40)]
    level = make_level(perf, walls=walls, beats=beats_, fps=fps, duration=frames / fps,
                       zones=[zone(900, "Barrels", "pyro", 18, 18, 22, 22), zone(901, "Edge", "no-go", 0, 0, 2, 40)])
    phase = rng.uniform(0, 2 * np.pi, size=performers)
    rad = rng.uniform(0.5, 3.0, size=performers)
    w = rng.uniform(0.05, 0.3, size=performers)
    xz = np.empty((frames, performers, 2))
    xz[:, :, 0] = start[:, 0] + rad * np.cos(w * t[:, None] + phase)
    xz[:, :, 1] = start[:, 1] + rad * np.sin(w * t[:, None] + phase)
    down = np.zeros((frames, performers), bool)
    for i in range(0, performers, 5):
        down[int(frames * (0.3 + 0.006 * i)):, i] = True
    facing = np.degrees(np.arctan2(-np.cos(w * t[:, None] + phase), np.sin(w * t[:, None] + phase)))
    return level, make_motion(level, track, perf_xz=xz, down=down, facing=facing)


def scene():
    """Henry at (10, 10) looks north at Goon 1 (10, 5), whips left (west) at 3 s to face
    Goon 2 (4.5, 10); Goon 3 stands behind him. Goon 2 falls at 6 s; Goon 1 walks into a
    pyro zone; Goon 3 closes in to 0.3 m behind Henry's back."""
    t = times(10)
    n = len(t)
    yaw = ease(t, 3.0, 0.25, 90.0) + ease(t, 7.5, 0.25, -90.0)  # and back north at 7.5 s
    track = make_track(yaw, 24, pos=np.array([10.0, 1.7, 10.0]), pitch=-3.3)
    beats = [
        beat(1, 1.0, HENRY_ID, "look", 101),
        beat(2, 3.0, HENRY_ID, "look", 102, duration=0.25),
        beat(3, 4.0, 102, "punch", HENRY_ID, note="pull it"),
        beat(4, 6.0, 102, "fall"),
    ]
    level = make_level([("Goon 1", (10.0, 5.0)), ("Goon 2", (4.5, 10.0)), ("Goon 3", (10.0, 16.0))],
                       beats=beats, zones=[zone(40, "Barrel", "pyro", 13.0, 4.0, 15.0, 6.0)])
    xz = np.broadcast_to(np.array([[10.0, 5.0], [4.5, 10.0], [10.0, 16.0]]), (n, 3, 2)).copy()
    walk = t >= 7.0
    xz[walk, 0, 0] = 10.0 + (t[walk] - 7.0) * 2.0  # Goon 1 walks east into the barrel zone
    xz[:, 2, 1] = np.maximum(16.0 - np.maximum(t - 8.0, 0.0) * 5.0, 10.9)  # Goon 3 closes in behind
    down = np.zeros((n, 3), bool)
    down[int(6.5 * 24):, 1] = True
    facing = np.zeros((n, 3))
    facing[:, 1] = -90.0
    motion = make_motion(level, track, perf_xz=xz, down=down, facing=facing)
    return level, motion
