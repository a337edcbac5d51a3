"""The shot plan on the bundled fights, against what their choreography was written to do
(the facts below are from the level author's notes in docs/level-format.md)."""

from pathlib import Path

import numpy as np
import pytest

from previs import pipeline
from previs.plan.visibility import in_frustum, point_heights, visible_frames

LEVELS = Path(__file__).resolve().parent.parent / "levels"


@pytest.fixture(scope="module")
def corridor():
    level = pipeline.load(LEVELS / "corridor.tmx")
    motion = pipeline.replay(level)
    return level, motion, pipeline.plan(motion)


def test_corridor_cuts_on_its_four_whip_turns(corridor):
    _, _, plan = corridor
    got = [(c.frame, c.direction) for c in plan.cuts]
    # Looks at 8.0 s (Goon 2, behind), 10.4 s (Goon 3, ahead: 178 deg, the short way is
    # left), 36.5 s (Goon 6), 39.3 s (Goon 5): each cut on the turn's peak-speed frame,
    # mid-way through the 0.25-0.3 s ease.
    assert got == [(195, "left"), (253, "left"), (879, "left"), (946, "right")]
    assert [round(c.angle) for c in plan.cuts] == [142, 178, 96, 98]
    # The slow looks (0.8 s, 1.0 s back to Goon 4, a 1.5 s pan, 2.0 s) cut nothing: five shots, frame 0 to the end.
    assert [(s.start_frame, s.end_frame) for s in plan.shots] == [
        (0, 195), (195, 253), (253, 879), (879, 946), (946, 1080)]
    assert not any(s.over_max_take for s in plan.shots)


def test_corridor_occluded_performer_is_in_frustum_but_not_in_view(corridor):
    level, motion, plan = corridor
    g4 = [p.name for p in level.performers].index("Goon 4")
    f = int(15.0 * level.settings.fps)  # Goon 4 waits inside room B, behind its wall
    heights = point_heights(level, motion)  # (F, P, 2): chest and head heights
    xz = np.broadcast_to(motion.perf_xz[:, :, None, :], heights.shape + (2,))
    pts = np.stack([xz[..., 0], heights, xz[..., 1]], axis=-1)  # (F, P, 2, 3) world points
    assert in_frustum(motion.track, pts)[f, g4].any()  # he is in front of the lens ...
    assert not visible_frames(level, motion)[f, g4]  # ... but the wall hides him
    shot3 = plan.shots[2]
    assert shot3.start_frame <= f < shot3.end_frame
    assert "Goon 4" not in shot3.performers_in_view and "Goon 5" in shot3.performers_in_view


def test_corridor_near_miss_and_pyro_entry_found_once_each(corridor):
    _, _, plan = corridor
    clearance = [s for s in plan.safety if s.kind == "clearance"]
    pyro = [s for s in plan.safety if s.kind == "pyro"]
    assert len(clearance) == 1 and len(pyro) == 1
    # The other 9: bodies on the floor (4 passes near or over one, 5 landings off the mat).
    assert sorted(s.kind for s in plan.safety if s not in clearance + pyro) == ["landing"] * 5 + ["lying-body"] * 4
    assert sorted(clearance[0].who) == ["Goon 3", "Henry"]
    assert clearance[0].time == pytest.approx(13.0, abs=0.05)
    assert clearance[0].distance == pytest.approx(0.15, abs=0.01)
    assert pyro[0].who == ("Goon 4",) or list(pyro[0].who) == ["Goon 4"]
    assert pyro[0].time == pytest.approx(18.083, abs=0.05)


def test_finale_flags_its_over_long_take_with_a_suggestion():
    level = pipeline.load(LEVELS / "finale.tmx")
    plan = pipeline.plan(pipeline.replay(level))
    assert len(plan.cuts) == 62 and len(plan.shots) == 63
    over = [s for s in plan.shots if s.over_max_take]
    assert len(over) == 1 and over[0].index == 33
    assert over[0].duration == pytest.approx(123.167 - 54.042, abs=0.05)
    # The strongest turn inside that fell short: the 0.98 s look at The Brute from 86.45 s.
    sc = over[0].suggested_cut
    assert (sc.frame, sc.direction) == (2087, "right")
    assert sc.peak_speed < level.settings.turn_cut_speed
