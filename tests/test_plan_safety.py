"""Safety findings: clearance encounters, contact beats, down performers, hazard zones."""

import numpy as np
import pytest

from previs.plan import safety
from previs.plan.safety import clearance_findings, points_in_polygon, zone_findings
from plankit import HENRY_ID, beat, crowd, make_level, make_motion, make_track, times, zone

FPS = 24


def walk_past(beats=(), zones=(), down=None, x=10.8, seconds=10.0, extra=()):
    """Henry stands at (10, 10) (radius 0.3); Goon 1 (radius 0.3) walks north to south along
    x = ``x`` at 1 m/s from z = 5: closest at t = 5 s, gap = (x - 10) - 0.6."""
    t = times(seconds)
    n = len(t)
    level = make_level([("Goon 1", (x, 5.0))] + list(extra), beats=beats, zones=zones, duration=seconds)
    track = make_track(np.zeros(n), pos=np.array([10.0, 1.7, 10.0]))
    xz = np.zeros((n, 1 + len(extra), 2))
    xz[:, 0, 0] = x
    xz[:, 0, 1] = 5.0 + t
    for i, e in enumerate(extra):
        xz[:, i + 1] = e[1]
    return level, make_motion(level, track, perf_xz=xz, down=down)


def test_near_miss_is_found_once_at_the_closest_moment():
    level, motion = walk_past()
    (f,) = clearance_findings(level, motion, 0.5)
    assert f.who == ("Goon 1", "Henry")  # sorted names
    assert f.time == 5.0 and f.frame == 120
    assert f.distance == pytest.approx(0.2, abs=1e-9)
    assert f.to_dict() == {"kind": "clearance", "who": ["Goon 1", "Henry"], "time": 5.0, "distance": 0.2}


def test_threshold_is_the_surface_gap():
    level, motion = walk_past(x=11.05)  # gap 0.45 at the closest
    assert len(clearance_findings(level, motion, 0.5)) == 1
    assert clearance_findings(level, motion, 0.45) == []  # "closer than": strict


def test_contact_beat_window_suppresses_it_either_order():
    for actor, target in ((101, HENRY_ID), (HENRY_ID, 101)):
        level, motion = walk_past(beats=[beat(1, 4.0, actor, "punch", target, duration=2.0)])
        assert clearance_findings(level, motion, 0.5) == []


def test_non_contact_or_other_pair_beat_does_not_suppress():
    level, motion = walk_past(beats=[beat(1, 4.0, 101, "look", HENRY_ID, duration=2.0)])
    assert len(clearance_findings(level, motion, 0.5)) == 1
    level, motion = walk_past(beats=[beat(1, 4.0, 102, "punch", HENRY_ID, duration=2.0)],
                              extra=[("Goon 2", (2.0, 2.0))])
    assert len(clearance_findings(level, motion, 0.5)) == 1


def test_a_short_window_splits_the_encounter():
    # Too close from 4.245 s to 5.755 s; a punch window [4.9, 5.1] leaves two encounters.
    level, motion = walk_past(beats=[beat(1, 4.9, 101, "punch", HENRY_ID, duration=0.2)])
    fs = clearance_findings(level, motion, 0.5)
    assert len(fs) == 2
    assert fs[0].time < 4.9 and fs[1].time > 5.1


def test_down_performers_do_not_count():
    n = len(times(10.0))
    level, motion = walk_past(down=np.ones((n, 1), bool))
    assert clearance_findings(level, motion, 0.5) == []
    down = np.zeros((n, 1), bool)
    down[110:, 0] = True  # falls before the closest moment: the encounter ends at 110
    level, motion = walk_past(down=down)
    (f,) = clearance_findings(level, motion, 0.5)
    assert f.frame == 109


def test_two_performers_pair():
    level, motion = walk_past(x=30.0, extra=[("Goon 2", (30.5, 10.0))])  # Goon 1 passes Goon 2
    (f,) = clearance_findings(level, motion, 0.5)
    assert f.who == ("Goon 1", "Goon 2") and f.time == 5.0
    assert f.distance == pytest.approx(-0.1)  # centres 0.5 m apart, radii 0.6: overlapping


@pytest.mark.parametrize("grid_cells", [4_000_000, 10])  # each cell's bodies by its own grid, or by search
def test_sweep_agrees_with_brute_force_on_a_crowd(monkeypatch, grid_cells):
    monkeypatch.setattr(safety, "GRID_CELLS", grid_cells)
    level, motion = crowd(frames=600, performers=40, seed=3)
    xz = safety.body_positions(motion)
    F, B, _ = xz.shape
    radii = np.array([level.henry.radius] + [p.radius for p in level.performers])
    down = np.concatenate([np.zeros((F, 1), bool), motion.perf_down], axis=1)
    f, a, b, g = safety._close_pairs(xz, radii, down, 0.5)
    got = set(zip(f.tolist(), a.tolist(), b.tolist(), g.tolist()))
    d = np.hypot(xz[:, :, None, 0] - xz[:, None, :, 0], xz[:, :, None, 1] - xz[:, None, :, 1])
    gap = d - radii[:, None] - radii[None, :]
    ok = (gap < 0.5) & ~down[:, :, None] & ~down[:, None, :] & np.triu(np.ones((B, B), bool), 1)[None]
    ref = set(zip(*(x.tolist() for x in np.nonzero(ok)), gap[ok].tolist()))
    assert got == ref and len(got) > 100  # the same pairs and the same gaps, to the last bit


def test_pyro_entry_is_found_once():
    pyro = zone(50, "Fire barrels", "pyro", 10.0, 12.5, 12.0, 14.5)
    level, motion = walk_past(zones=[pyro])
    (z,) = zone_findings(level, motion)
    assert z.kind == "pyro" and z.who == ("Goon 1",) and z.zone == "Fire barrels" and z.zone_id == 50
    assert z.time == pytest.approx(7.5, abs=1 / FPS) and z.exit == pytest.approx(9.5, abs=1 / FPS)
    assert (z.x, z.z) == (10.8, pytest.approx(12.5, abs=1 / FPS))
    assert list(z.to_dict()) == ["kind", "who", "zone", "zone_id", "time", "exit", "x", "z"]


def test_zone_entries_reentries_henry_and_harmless_kinds():
    nogo = zone(60, "Edge", "no-go", 9.0, 9.0, 11.0, 11.0)  # Henry stands in it all along
    mat = zone(61, "Mat", "crash-mat", 0.0, 0.0, 20.0, 20.0)
    level, motion = walk_past(zones=[nogo, mat], seconds=4.0)
    (z,) = zone_findings(level, motion)
    assert z.who == ("Henry",) and z.kind == "no-go" and z.time == 0.0 and z.exit == 4.0
    # In, out, in again: two entries.
    t = times(6.0)
    level = make_level([("Goon 1", (0.0, 0.0))], zones=[zone(70, "", "pyro", 0.0, 0.0, 1.0, 1.0)])
    xz = np.zeros((len(t), 1, 2))
    xz[:, 0, 0] = np.where((t < 1) | ((t >= 3) & (t < 4)), 0.5, 5.0)
    xz[:, 0, 1] = 0.5
    motion = make_motion(level, make_track(np.zeros(len(t)), pos=np.array([10.0, 1.7, 10.0])), perf_xz=xz)
    a, b = zone_findings(level, motion)
    assert (a.time, a.exit, b.time, b.exit) == (0.0, 1.0, 3.0, 4.0)
    assert a.zone == "pyro zone 70"


def test_point_in_polygon_concave():
    L = [(0, 0), (4, 0), (4, 1), (1, 1), (1, 4), (0, 4)]
    pts = np.array([[0.5, 0.5], [3, 0.5], [3, 3], [0.5, 3], [5, 5]])
    assert points_in_polygon(pts, L).tolist() == [True, True, False, True, False]


def test_the_sweep_in_chunks_of_frames_finds_the_same_pairs(monkeypatch):
    # 600 frames of 41 bodies swept 97 frames at a time (CHUNK_SLOTS 4 000 / 41 slots per
    # frame): the same (frame, a, b, gap) rows as in one piece, frames counted from 0.
    level, motion = crowd(frames=600, performers=40, seed=3)
    xz = safety.body_positions(motion)
    F, B, _ = xz.shape
    radii = np.array([level.henry.radius] + [p.radius for p in level.performers])
    down = np.concatenate([np.zeros((F, 1), bool), motion.perf_down], axis=1)
    whole = safety._close_pairs(xz, radii, down, 0.5)
    findings = clearance_findings(level, motion, 0.5)
    monkeypatch.setattr(safety, "CHUNK_SLOTS", 4_000)
    chunked = safety._close_pairs(xz, radii, down, 0.5)

    def rows(r):
        return sorted(zip(*(a.tolist() for a in r)))

    assert len(whole[0]) > 100 and rows(chunked) == rows(whole)
    assert findings and clearance_findings(level, motion, 0.5) == findings


def test_body_positions_are_made_once_per_motion_and_read_only():
    level, motion = crowd(frames=48, performers=3, seed=1)
    xz = safety.body_positions(motion)
    assert safety.body_positions(motion) is xz and not xz.flags.writeable
    assert xz.shape == (48, 4, 2) and np.array_equal(xz[:, 0], motion.henry_xz) and np.array_equal(xz[:, 1:], motion.perf_xz)
