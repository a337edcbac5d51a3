"""The report's storyboard frames are drawn with the bodies' poses (previs/report/page.py)."""

import numpy as np

from levelkit import beat, henry, level, performer
from previs.sim.script import simulate


class _Recorder:
    """A renderer that keeps what it was asked to draw."""

    def __init__(self, level, size):
        self.w, self.h = size
        self.drawn = []

    def draw(self, state, poses=None):
        self.drawn.append((state.frame, poses))

    def read_pixels(self):
        return np.zeros((self.h, self.w, 3), np.uint8)


def fight():
    lv = level(henry(position=(10.0, 15.0)), performers=[performer(2, "Goon", (10.0, 14.0))],
               beats=[beat(20, 1.0, 2, "hit", 1)], duration=3.0)
    return lv, simulate(lv)


def test_storyboard_frames_get_the_poses_of_their_frame():
    from previs.pose.evaluate import BodyPoses
    from previs.report.page import render_stills

    lv, m = fight()
    made = []
    out, warnings = render_stills(lv, m, [0, 24, 30], renderer_factory=lambda lv_, s: made.append(_Recorder(lv_, s))
                                  or made[-1], size=(32, 18), progress=False)
    assert warnings == [] and sorted(out) == [0, 24, 30]
    want = BodyPoses(m)
    for f, p in made[0].drawn:
        np.testing.assert_array_equal(p.world, want.at(f).world)


def test_a_broken_clip_library_draws_rest_poses_with_a_warning(monkeypatch):
    import previs.pose.evaluate as evaluate
    from previs.pose.clips import ClipError
    from previs.report.page import render_stills

    def broken(motion):
        raise ClipError("assets/clips/clips.toml: cannot be read (No such file or directory); restore assets/clips")

    monkeypatch.setattr(evaluate, "BodyPoses", broken)
    lv, m = fight()
    made = []
    out, warnings = render_stills(lv, m, [0, 24], renderer_factory=lambda lv_, s: made.append(_Recorder(lv_, s))
                                  or made[-1], size=(32, 18), progress=False)
    assert sorted(out) == [0, 24] and [p for _, p in made[0].drawn] == [None, None]
    assert warnings == ["storyboard bodies drawn in the rest pose: assets/clips/clips.toml: cannot be read "
                        "(No such file or directory); restore assets/clips"]
