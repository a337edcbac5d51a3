"""Issue 20: the fast simulation of performers (previs/sim/performers.py, paths.WalkTable, the
facing computed in place) gives the very bits of the whole-fight version it replaced
(tests/simref.py, the code as it was), on the bundled levels, the fixture levels, two
generated 250-performer battles and the edge levels of tools/motion_snapshot.py (holds,
loops, standing and late performers, zero-length legs, falls, shoves, looks at marks),
for the level's frames and 37 more (a take runs past the script), however the performers
and frames are cut into blocks."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

import simref
from previs import pipeline
from previs.sim import facing, paths
from previs.sim import performers as crowd
from previs.sim.script import performer_motion, simulate

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from make_battle import battle  # noqa: E402
from motion_snapshot import EXTRA_FRAMES, edge_levels  # noqa: E402

FILES = sorted((ROOT / "levels").glob("*.tmx")) + sorted((ROOT / "tests" / "data" / "levels").glob("*.tmx")) + [
    ROOT / "tests" / "data" / "render" / "arena.tmx", ROOT / "tests" / "data" / "expect" / "duel.tmx"]


def _same(a, b) -> bool:
    """Same dtype, shape and bits (NaN equal to NaN, 0.0 not equal to -0.0)."""
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


@pytest.fixture(scope="module")
def battles(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("battles")
    return [pipeline.load(battle(tmp / f"{lay}.tmx", performers=250, layout=lay, seconds=60.0))
            for lay in ("dense", "spread")]


def _check(level, frames):
    got = performer_motion(level, frames)
    ref = simref.performer_motion(level, frames)
    for name, g, r in zip(("positions", "down", "walking yaw", "moving"), got, ref):
        assert _same(g, r), f"{level.source} @{frames}: {name}"
    # The whole replay's facing is the reference rule's, on the same Henry.
    m = simulate(level, frames)
    want = simref.facing_all(level, frames, ref[2], ref[3], ref[0], m.henry_xz, ref[1])
    assert _same(m.perf_facing, want), f"{level.source} @{frames}: facing"
    assert _same(m.perf_xz, ref[0]) and _same(m.perf_down, ref[1])


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_level_files_replay_to_the_reference_bits(path):
    level = pipeline.load(path)
    for frames in (level.settings.frames, level.settings.frames + EXTRA_FRAMES):
        _check(level, frames)


@pytest.mark.parametrize("level", edge_levels(), ids=lambda lv: lv.source)
def test_edge_levels_replay_to_the_reference_bits(level):
    for frames in (level.settings.frames, level.settings.frames + EXTRA_FRAMES):
        _check(level, frames)


def test_the_edge_levels_reach_every_branch():
    # What the edge levels are for: someone falls (frozen), is shoved (offset), falls after
    # being shoved, stands still and faces a mark, Henry and another performer.
    level = edge_levels()[0]
    xz, down, _, moving = performer_motion(level, level.settings.frames)
    idx = {a.id: i for i, a in enumerate(level.performers)}
    assert down[:, idx[13]].any() and down[:, idx[12]].any() and down[:, idx[17]].any()
    assert not moving.all(axis=0)[idx[12]] and (~moving).all(axis=0)[idx[16]]
    off = crowd.push_offsets(level, level.settings.frames, lambda f, p: xz[f, p])
    assert sorted(off) == [idx[12], idx[14], idx[17]]
    targets = set(facing.targets_all(facing.target_events(level), level.settings.frames).ravel().tolist())
    assert {facing.HENRY, idx[10], idx[11], len(level.performers), len(level.performers) + 1} <= targets


def test_generated_battles_replay_to_the_reference_bits(battles):
    for level in battles:
        _check(level, level.settings.frames)


@pytest.mark.parametrize("slots", [1, 1441 * 3 + 1, 10**9])
def test_any_block_of_performers_gives_the_same_bits(battles, monkeypatch, slots):
    # One performer a block, three, every one at once; facing 1 frame or 7 frames a chunk.
    level = battles[1]
    frames = level.settings.frames + 1
    ref = simref.performer_motion(level, frames)
    monkeypatch.setattr(crowd, "BLOCK_SLOTS", slots)
    monkeypatch.setattr(facing, "CHUNK_SLOTS", 7 * 250 if slots > 1 else 1)
    got = performer_motion(level, frames)
    assert all(_same(g, r) for g, r in zip(got, ref))
    henry = simulate(level, frames).henry_xz
    want = simref.facing_all(level, frames, ref[2], ref[3], ref[0], henry, ref[1])
    assert _same(facing.facing_all(level, frames, got[2], got[3], got[0], henry, got[1]), want)


def test_facing_in_place_over_the_walking_yaw_equals_a_new_array():
    level = edge_levels()[1]
    F = level.settings.frames
    xz, down, walk_yaw, moving = performer_motion(level, F)
    henry = simulate(level).henry_xz
    new = facing.facing_all(level, F, walk_yaw, moving, xz, henry, down)
    assert _same(facing.facing_all(level, F, walk_yaw, moving, xz, henry, down, out=walk_yaw), new)
    assert _same(walk_yaw, new)  # it was overwritten


def test_henry_walk_functions_give_the_reference_bits():
    # The frame-first functions Henry's walk uses are the same rules as before.
    level = edge_levels()[0]
    walks = [paths.build_walk(a) for a in (level.henry, *level.performers)]
    ref_walks = [simref.build_walk(a) for a in (level.henry, *level.performers)]
    for w, r in zip(walks, ref_walks):
        assert all(_same(getattr(w, k), getattr(r, k)) for k in ("knot_t", "knot_s", "vert_s", "vert_xz", "seg_yaw"))
    t = np.arange(400) / 24.0
    lt = paths.local_time(walks, t)
    assert _same(np.ascontiguousarray(lt), simref.local_time(walks, t))
    s = paths.arc_length(walks, lt)
    assert _same(np.ascontiguousarray(s), simref.arc_length(walks, lt))
    assert _same(paths.positions(walks, s), simref.positions(walks, s))
    assert _same(np.ascontiguousarray(paths.segment_index(walks, s)), simref.segment_index(walks, s))
