"""The animatic's pixels against stills: frames drawn top row first (clip control) and read
straight into the encoder come out as the still of the same frame, posed bodies included.
Headless: SDL offscreen + Mesa llvmpipe, PyAV to decode."""

import numpy as np
import pytest

from levelkit import beat, henry, level, performer, walls
from previs.plan.shotplan import PlanSettings, build_plan
from previs.sim.script import simulate

av = pytest.importorskip("av")

SIZE = (320, 180)
MEAN_LEVELS = 3.0
"""Mean |animatic - still| per channel, in 8-bit levels, that a decoded frame may differ by:
x264 ultrafast at QP 18 and BT.709 4:2:0 chroma (measured 1.8-2.0 on this scene)."""
P99_LEVELS = 24
"""... and at the 99th percentile (measured 9-12: chroma at the red shirt's and the skin's
edges, where 4:2:0 halves the colour resolution)."""


@pytest.fixture(scope="module")
def punch():
    """The Cook 1.1 m in front of Henry (who looks north, -Z) punches him at t = 1 s: a
    body filling the frame, posed differently from its rest pose on every frame."""
    lv = level(henry(position=(10.0, 10.0)), performers=[performer(2, "Cook", (10.0, 8.9))],
               beats=[beat(10, 1.0, 2, "punch", 1)], walls_=walls(), fps=24, duration=2.0)
    motion = simulate(lv)
    plan = build_plan(motion.track, settings=PlanSettings.from_level(lv.settings), motion=motion)
    return lv, motion, plan


def _decode(path) -> list[np.ndarray]:
    with av.open(str(path)) as c:
        return [f.to_ndarray(format="rgb24").astype(int) for f in c.decode(video=0)]


def _stills(lv, motion, frames, posed: bool) -> dict[int, np.ndarray]:
    """RGB stills as ``previs still`` draws them: a one-target renderer read bottom-up and
    flipped, the bodies posed by BodyPoses (or in their rest pose)."""
    from previs.animatic.render import OffscreenRenderer
    from previs.pose.evaluate import BodyPoses

    bodies = BodyPoses(motion) if posed else None
    out = {}
    with OffscreenRenderer(lv, SIZE) as r:
        for f in frames:
            r.draw(motion.snapshot(f), poses=bodies.at(f) if bodies else None)
            out[f] = r.read_pixels().astype(int)
    return out


def test_decoded_frames_are_the_stills_of_their_frames_with_the_bodies_posed(punch, tmp_path):
    from previs.animatic.render import render_animatic

    lv, motion, plan = punch
    out = tmp_path / "punch.mp4"
    render_animatic(out, level=lv, motion=motion, plan=plan, size=SIZE, progress=False, burnins=False,
                    workers=1)
    frames = _decode(out)
    assert len(frames) == motion.frames == 48
    picked = [0, 12, 20, 22, 24, 26, 30, 47]  # standing, winding up, the punch, after
    posed = _stills(lv, motion, picked, posed=True)
    rest = _stills(lv, motion, picked, posed=False)
    for f in picked:
        err = np.abs(frames[f] - posed[f])
        assert err.mean() < MEAN_LEVELS, (f, err.mean())
        assert np.percentile(err, 99) < P99_LEVELS, (f, np.percentile(err, 99))
        # The poses are really drawn: the rest-pose still is much further away.
        assert np.abs(frames[f] - rest[f]).mean() > 3 * err.mean(), f


def test_top_row_first_reads_match_the_flipped_read_back(punch):
    """Clip control (UPPER_LEFT) rasterises the same triangles upside down in memory: the
    read-back without a flip matches the classic flipped one (measured: 0.07 % of pixels
    of a 720p finale frame differ, by one level)."""
    from previs.animatic.render import OffscreenRenderer, animatic_renderer

    lv, motion, _ = punch
    classic = _stills(lv, motion, [24], posed=False)[24]
    with animatic_renderer(lv, SIZE) as r:
        assert r.renderer.draw_top_row_first()  # Mesa's llvmpipe has OpenGL 4.5
        r.draw(motion.snapshot(24), target=1)
        rgb = r.read_pixels().astype(int)
        pitch = SIZE[0] * 4 + 64  # rows further apart than the pixels, as a video frame's
        buf = np.zeros((SIZE[1], pitch), np.uint8)
        view = buf[:, : SIZE[0] * 4].reshape(SIZE[1], SIZE[0], 4)
        r.read_rgba_into(view, 1)
    assert np.all(buf[:, SIZE[0] * 4:] == 0)  # nothing written past a row's pixels
    for got in (rgb, view[..., :3].astype(int)):
        d = np.abs(got - classic)
        assert d.max() <= 1 and (d.max(axis=2) > 0).mean() < 0.005
