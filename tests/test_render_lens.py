"""Wide lenses in the renderer's pictures (headless GL): a straight wall edge stays straight
through the pinhole and bows through the wide models by what their formula predicts, a
performer 65° off axis is in a 150° frame and not in a 90° one, and every command that
draws takes ``--lens``.

The edge scene: an 80 x 40 m floor, Henry at (40, 20) looking north (yaw 0, level), a wall
3 m high along the whole of row 10 (its south face at z = 11, 9 m ahead). Its top edge, a
line at y = 3 m above the eye (1.7 m), runs 77° to either side: across a 150° frame. Above
it is only sky.
"""

import dataclasses

import numpy as np
import pytest

from levelkit import henry, level, performer, walls
from previs.lens import lens_named
from previs.sim.script import simulate

SIZE = (640, 360)
RED = (220, 30, 30)


@pytest.fixture(scope="module")
def gl():
    from previs.gl.context import create_offscreen_context

    with create_offscreen_context() as ctx:
        yield ctx


def edge_level(lens="rectilinear", hfov=90.0):
    return level(henry(position=(40.0, 20.0), heading=0.0),
                 walls_=walls(rows=40, cols=80, solid_cells=[(10, c) for c in range(80)]),
                 lens=lens, hfov=hfov)


def render(lv, frame=0, top_first=False, **change):
    from previs.gl.renderer import Renderer

    fs = dataclasses.replace(simulate(lv).snapshot(frame), **change)
    r = Renderer(lv, SIZE)
    try:
        if top_first:
            assert r.draw_top_row_first()
        r.draw(fs)
        return r.read_pixels(), fs
    finally:
        r.close()


def sky_rows(img):
    """Per column, the number of sky rows from the top: the first row that is not sky (the
    wall's edge). Sky is blue-grey (b - r = 33 of 255); the grey wall has r = g = b."""
    sky = img[..., 2].astype(int) - img[..., 0].astype(int) > 16
    return np.argmin(sky, axis=0)


def predicted_rows(lens_name, fs, yaw=0.0):
    """Per column, the row where the wall's top edge crosses the column's centre, from
    :meth:`previs.lens.Lens.project` of points along the real edge (y = 3, z = 11), in the
    pixel-row coordinate whose row r spans [r, r + 1)."""
    w, h = SIZE
    eye = np.asarray(fs.eye)
    x = np.linspace(0.0, 80.0, 20001)
    world = np.stack([x, np.full_like(x, 3.0), np.full_like(x, 11.0)], -1) - eye
    c, s = np.cos(np.radians(yaw)), np.sin(np.radians(yaw))
    # Camera from world for a yaw about +Y (+ turns left): R(yaw).T applied to the offsets.
    cam = np.stack([c * world[:, 0] - s * world[:, 2], world[:, 1], s * world[:, 0] + c * world[:, 2]], -1)
    uv, _ = lens_named(lens_name).project(cam, fs.hfov)
    ok = np.isfinite(uv).all(1)
    u, v = uv[ok, 0], uv[ok, 1]
    order = np.argsort(u)
    cols = (np.arange(w) + 0.5) / w * 2.0 - 1.0
    vcol = np.interp(cols, u[order], v[order], left=np.nan, right=np.nan)
    return (1.0 / (w / h) - vcol) / (2.0 / (w / h)) * h


def measured_vs_predicted(lens_name, hfov, yaw=0.0):
    img, fs = render(edge_level(lens_name, hfov), yaw=yaw, pitch=0.0, roll=0.0)
    rows = sky_rows(img).astype(float)
    # A pixel is sky while its centre (r + 0.5) is above the edge, so the count of sky rows
    # is the predicted edge row rounded: a perfect picture is within half a row of it.
    return rows, predicted_rows(lens_name, fs, yaw), fs


def test_a_straight_edge_stays_straight_through_the_pinhole(gl):
    rows, pred, _ = measured_vs_predicted("rectilinear", 90.0, yaw=20.0)
    cols = np.arange(SIZE[0])
    slope, icpt = np.polyfit(cols, rows, 1)
    assert np.abs(rows - (slope * cols + icpt)).max() <= 1.0
    assert abs(slope * SIZE[0]) > 20  # turned 20°, the edge slants (it is not trivially level)
    assert np.abs(rows - pred).max() <= 1.0


@pytest.mark.parametrize("lens_name, hfov, sag", [("equidistant", 150.0, 18), ("actioncam", 121.3, 12),
                                                  ("actioncam", 150.0, 16)])
def test_a_straight_edge_bows_by_what_the_lens_formula_predicts(gl, lens_name, hfov, sag):
    rows, pred, _ = measured_vs_predicted(lens_name, hfov)
    seen = np.isfinite(pred)
    assert seen.mean() > 0.98  # the edge runs across the whole frame
    err = np.abs(rows[seen] - pred[seen])
    assert err.max() <= 1.5, (err.max(), np.argmax(err))
    # Rounding alone averages 0.25 px; the atlas's texels (1 / 0.7 = 1.4 frame px at the
    # frame centre) shift the sky's bilinear edge by up to half of one.
    assert err.mean() <= 0.75
    # Bowed: the edge is many pixels higher in the middle than at the frame's sides (the
    # wall's ends are further away, so lower; a pinhole keeps the edge level here).
    # Measured 22, 15 and 20 px of a 360-row frame.
    w = SIZE[0]

    def bow(r):
        return (r[4] + r[w - 5]) / 2 - r[w // 2 - 2: w // 2 + 2].mean()

    assert bow(rows) > sag, bow(rows)
    assert bow(rows) == pytest.approx(bow(pred), abs=1.0)


def test_pinhole_edge_is_level_when_facing_the_wall(gl):
    rows, pred, _ = measured_vs_predicted("rectilinear", 90.0)
    assert rows.max() - rows.min() <= 1
    assert np.abs(rows - pred).max() <= 1.0


def off_axis_level(lens, hfov):
    # The performer 4 m away, 65° right of Henry's view (north): x = 40 + 4 sin 65, z = 20 - 4 cos 65.
    a = np.radians(65.0)
    p = performer(2, "Goon", (40.0 + 4.0 * np.sin(a), 20.0 - 4.0 * np.cos(a)), color=RED)
    return level(henry(position=(40.0, 20.0), heading=0.0), performers=[p],
                 walls_=walls(rows=40, cols=80), lens=lens, hfov=hfov)


def red_pixels(img):
    """Pixels of the red performer (lit, shaded, its skin-toned head): red well above green
    and blue (test_render_pixels' mask)."""
    r, g, b = (img[..., i].astype(int) for i in range(3))
    return int(((r > 70) & (r - np.maximum(g, b) > 0.35 * r)).sum())


@pytest.mark.parametrize("lens_name, hfov, seen", [("rectilinear", 90.0, False), ("actioncam", 90.0, False),
                                                   ("equidistant", 90.0, False), ("actioncam", 150.0, True),
                                                   ("equidistant", 150.0, True)])
def test_a_performer_65_degrees_off_axis_is_in_a_150_degree_frame_only(gl, lens_name, hfov, seen):
    lv = off_axis_level(lens_name, hfov)
    img, fs = render(lv, yaw=0.0, pitch=0.0, roll=0.0)
    n = red_pixels(img)
    assert (n > 300) if seen else (n == 0), n
    # The lens model's own answer for the performer's chest agrees with the picture.
    chest = np.array([[40.0 + 4.0 * np.sin(np.radians(65)), 1.35, 20.0 - 4.0 * np.cos(np.radians(65))]]) - fs.eye
    assert bool(lens_named(lens_name).in_frame(chest, hfov, SIZE[0] / SIZE[1])[0]) == seen
    if seen:  # on the right, where the lens puts it
        cols = np.nonzero(np.any((img[..., 0].astype(int) - img[..., 1]) > 80, axis=0))[0]
        u = lens_named(lens_name).project(chest, hfov)[0][0, 0]
        assert abs(np.median(cols) - (u + 1.0) / 2.0 * SIZE[0]) < 30


def test_wide_frames_are_the_same_bytes_each_time_and_top_row_first(gl):
    lv = edge_level("actioncam", 121.3)
    a, _ = render(lv, yaw=10.0, pitch=3.0)
    b, _ = render(lv, yaw=10.0, pitch=3.0)
    assert np.array_equal(a, b)
    # The animatic draws top row first (clip control): the same picture, to rasterising.
    c, _ = render(lv, yaw=10.0, pitch=3.0, top_first=True)
    diff = np.abs(a.astype(int) - c.astype(int)).max(-1)
    # Measured: 0.11% of pixels on cube faces, 0.23% on the prism's (less oversampled at
    # their seams, so the far floor lines at the sides alias a little more either way).
    assert (diff > 2).mean() < 0.004


CLIP_CONTROL_SCRIPT = r"""
import sys
import numpy as np
from previs.level.lens_setting import with_lens
from previs.level.loader import load_level
from previs.gl.context import create_offscreen_context
from previs.gl.renderer import Renderer
from previs.sim.script import simulate
arena = load_level(sys.argv[1])
fs = simulate(arena).snapshot(40)
levels = {name: with_lens(arena, name) for name in ("rectilinear", "actioncam")}
with create_offscreen_context():
    early = {name: Renderer(lv, (320, 180)) for name, lv in levels.items()}  # made before
    def picture(r):
        r.draw(fs)
        return r.read_pixels().astype(int)
    fresh = {name: picture(r) for name, r in early.items()}  # bottom-up; maps drawn so
    flip = Renderer(levels["rectilinear"], (320, 180))
    assert flip.draw_top_row_first()  # from here the whole context runs top row first
    late = {name: Renderer(lv, (320, 180)) for name, lv in levels.items()}  # made after
    for name in levels:
        for img in (picture(early[name]), picture(late[name])):
            print(name, float((np.abs(img - fresh[name]).max(-1) > 2).mean()))
"""


def test_frames_drawn_after_another_renderer_turns_top_row_first_on_are_the_same_pictures():
    """Clip control (draw_top_row_first) holds for the whole context. A renderer made before
    it was turned on (its wide-lens map drawn bottom-up, cached) and one made after both
    follow the context: pinhole and wide frames are the fresh context's pictures (taken
    bottom-up: a pinhole frame was read upside down, 90% of pixels wrong; a map read the
    other way up put 64-98% wrong). Own process: a fresh context."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    arena = Path(__file__).parent / "data" / "render" / "arena.tmx"
    r = subprocess.run([sys.executable, "-c", CLIP_CONTROL_SCRIPT, str(arena)], capture_output=True, text=True,
                       env={**os.environ, "SDL_VIDEODRIVER": "offscreen"}, timeout=120)
    assert r.returncode == 0, r.stderr[-3000:]
    rows = [line.split() for line in r.stdout.splitlines()]
    assert [name for name, _ in rows] == ["rectilinear"] * 2 + ["actioncam"] * 2
    assert max(float(x) for _, x in rows) < 0.004, rows  # rasterising flipped triangles, as above


@pytest.mark.parametrize("lens_name, hfov, size, faces", [
    # 16:9 up to 150 deg: the front face and the two beside it (they reach 90 deg off axis),
    # no up or down face. A square frame's corners look up, down and past 90 deg; a
    # portrait one looks behind too.
    ("actioncam", 121.3, (1280, 720), {0, 1, 5}), ("actioncam", 150.0, (1280, 720), {0, 1, 5}),
    ("equidistant", 150.0, (1280, 720), {0, 1, 5}), ("equidistant", 150.0, (720, 720), {0, 1, 2, 4, 5, 6, 7}),
    ("equidistant", 150.0, (720, 1280), set(range(8)))])
def test_face_layout_draws_the_faces_the_frame_looks_through(lens_name, hfov, size, faces):
    from previs.gl.prism_faces import FACE_ROT, face_layout, face_of

    lens = lens_named(lens_name)
    rects = face_layout(lens, hfov, size, 0.7)
    assert {r.face for r in rects} == faces
    # Every pixel's direction lies inside the rectangle of its face, short of the padding.
    w, h = size
    u = (np.arange(0, w, 3) + 0.5) / w * 2 - 1
    v = ((np.arange(0, h, 3) + 0.5) / h * 2 - 1) * h / w
    d = lens.unproject(np.stack(np.meshgrid(u, v), -1).reshape(-1, 2), hfov)
    f = face_of(d)
    for r in rects:
        loc = d[f == r.face] @ FACE_ROT[r.face]
        ab = loc[:, :2] / -loc[:, 2:3]
        assert (ab[:, 0] > r.a0).all() and (ab[:, 0] < r.a1).all()
        assert (ab[:, 1] > r.b0).all() and (ab[:, 1] < r.b1).all()
    assert all(r.x + r.w < n.x for r, n in zip(rects, rects[1:]))  # side by side, apart


@pytest.mark.parametrize("hfov, most", [(121.3, 0.72), (150.0, 0.76)])
def test_a_16_9_frames_faces_hold_fewer_pixels_than_the_frame(hfov, most):
    """The cost of the faces goes with their pixels: the prism's three faces at QUALITY hold
    70% (121.3 deg) and 75% (150 deg) of a 1280x720 frame's pixels (the cube's held 107%
    and 109%)."""
    from previs.gl.lens_warp import QUALITY
    from previs.gl.prism_faces import face_layout

    rects = face_layout(lens_named("actioncam"), hfov, (1280, 720), QUALITY)
    assert len(rects) == 3
    assert sum(r.w * r.h for r in rects) <= most * 1280 * 720


def test_rectilinear_level_draws_no_prism_faces(gl):
    from previs.gl.renderer import Renderer

    lv = edge_level()
    r = Renderer(lv, SIZE)
    try:
        r.draw(simulate(lv).snapshot(0))
        assert r._warp is None and not r.lens.wide
    finally:
        r.close()


GL_CHECK_SCRIPT = r"""
import sys
import numpy as np
import OpenGL
from previs.level.lens_setting import with_lens
from previs.level.loader import load_level
from previs.gl.context import create_offscreen_context
from previs.gl.renderer import Overlays, Renderer
from previs.gl.view_camera import Camera
from previs.sim.script import simulate
assert OpenGL.ERROR_CHECKING
lv = with_lens(load_level(sys.argv[1]), "actioncam")
m = simulate(lv)
with create_offscreen_context():
    for offscreen in (True, False):
        r = Renderer(lv, (320, 180), offscreen=offscreen, targets=2 if offscreen else 1)
        if offscreen:
            r.draw_top_row_first()
        for f in (0, 100):
            r.draw(m.snapshot(f), overlays=Overlays.all(), target=f % r.targets)
            r.draw(m.snapshot(f), camera=Camera((8.0, 3.0, 9.0), 30.0, -20.0, 5.0, 120.0), show_henry=True)
            r.read_pixels()
            if offscreen:
                r.read_rgba_into(np.empty((180, 320, 4), np.uint8))
        r.resize((144, 256))  # a tall frame: the up, down and back faces too
        r.set_level(with_lens(lv, "equidistant"))
        r.draw(m.snapshot(5))
        r.close()
print("ok")
"""


def test_no_gl_errors_in_wide_frames_with_error_checking_on():
    import os
    import subprocess
    import sys
    from pathlib import Path

    arena = Path(__file__).parent / "data" / "render" / "arena.tmx"
    env = {**os.environ, "PREVIS_GL_DEBUG": "1", "SDL_VIDEODRIVER": "offscreen"}
    r = subprocess.run([sys.executable, "-c", GL_CHECK_SCRIPT, str(arena)], capture_output=True, text=True,
                       env=env, timeout=120)
    assert r.returncode == 0, r.stderr[-3000:]
    assert r.stdout.strip().endswith("ok")
