"""Pixel tests of the OpenGL renderer, headless (SDL offscreen + Mesa llvmpipe).

The scene: an open 20 x 20 m floor; Henry at (10, 15) facing north (-Z); a red performer
3 m in front of him at (10, 12). Henry's ``look`` beat at t = 0 makes him aim at the
performer's chest (0.75 x 1.8 m = 1.35 m), so by frame 12 the chest is at the centre.
"""

import dataclasses

import numpy as np
import pytest

from levelkit import beat, henry, level, performer, walls
from previs.sim.script import simulate


SIZE = (320, 180)
RED = (220, 30, 30)


@pytest.fixture(scope="module")
def gl():
    from previs.gl.context import create_offscreen_context

    ctx = create_offscreen_context()
    yield ctx
    ctx.close()


def red_mask(img: np.ndarray) -> np.ndarray:
    """Pixels that read as the red performer, lit or shaded, its lighter chest plate and
    skin-toned head included: red clearly above both green and blue."""
    r, g, b = (img[..., i].astype(int) for i in range(3))
    return (r > 70) & (r - np.maximum(g, b) > 0.35 * r)


def scene(wall_cells=(), down=False, performers=None):
    beats = [beat(20, 0.0, 1, "look", 2)]
    if down:
        beats.append(beat(21, 0.0, 2, "fall", duration=0.1))
    perfs = performers or [performer(2, "Goon", (10.0, 12.0), color=RED)]
    return level(henry(position=(10.0, 15.0), heading=0.0), performers=perfs, beats=beats,
                 walls_=walls(solid_cells=wall_cells))


def render(gl, lv, frame=12, hud=None, **change):
    from previs.gl.renderer import Renderer

    fs = simulate(lv).snapshot(frame)
    if change:
        fs = dataclasses.replace(fs, **change)
    from previs.window.hudlayer import HudLayers

    r = Renderer(lv, SIZE)
    huds = HudLayers()
    try:
        r.draw(fs, layers=() if hud is None else (huds.over(hud, lv, SIZE),))
        return r.read_pixels()
    finally:
        huds.close()
        r.close()


def test_read_pixels_shape_and_type(gl):
    img = render(gl, scene())
    assert img.shape == (SIZE[1], SIZE[0], 3)
    assert img.dtype == np.uint8


def test_red_performer_straight_ahead_fills_the_centre(gl):
    img = render(gl, scene())
    h, w = img.shape[:2]
    assert red_mask(img)[h // 2, w // 2], img[h // 2, w // 2]
    centre = red_mask(img)[h // 2 - 6: h // 2 + 10, w // 2 - 8: w // 2 + 8]
    assert centre.mean() > 0.9


def test_performer_behind_a_wall_is_hidden(gl):
    # A 3 m wall along row 13 (z in [13, 14)), between Henry (z = 15) and the performer (z = 12).
    img = render(gl, scene(wall_cells=[(13, c) for c in range(5, 16)]))
    h, w = img.shape[:2]
    assert red_mask(img).sum() == 0
    c = img[h // 2, w // 2].astype(int)
    # The wall is grey (128, 128, 128) shaded: its three channels stay equal.
    assert max(c) - min(c) <= 3 and 30 < c[0] < 140, c


def test_turning_left_moves_the_performer_right(gl):
    lv = scene()
    xs = []
    for yaw in (-10.0, 0.0, 10.0, 20.0):
        m = red_mask(render(gl, lv, yaw=yaw))
        assert m.any()
        xs.append(np.nonzero(m)[1].mean())
    assert xs == sorted(xs) and xs[-1] - xs[0] > 40, xs
    # +20 deg of a 90 deg hfov moves a point at the centre tan(20)/tan(45) = 0.36 half-widths right.
    assert xs[3] - xs[1] == pytest.approx(0.364 * SIZE[0] / 2, abs=6)


def test_pitching_up_moves_the_performer_down(gl):
    lv = scene()
    ys = [np.nonzero(red_mask(render(gl, lv, pitch=p)))[0].mean() for p in (-15.0, 0.0, 10.0)]
    assert ys == sorted(ys)


def test_down_performer_is_drawn_low(gl):
    # Camera level (pitch 0): the horizon is the middle row; a standing 1.8 m body 3 m away
    # reaches above it (its skin-toned head included: every pixel that differs from the
    # empty floor), a body lying on the floor (0.3 m thick) stays well below it.
    empty = render(gl, scene(performers=[performer(2, "Goon", (10.0, -40.0), color=RED)]), pitch=0.0)

    def body(img):
        return np.abs(img.astype(int) - empty.astype(int)).max(axis=-1) > 12

    standing = body(render(gl, scene(), pitch=0.0))
    lying = red_mask(render(gl, scene(down=True), pitch=0.0))
    h = SIZE[1]
    assert np.nonzero(standing)[0].min() < h // 2 - 3  # the crown 0.1 m above the eye: 5 px
    assert lying.any()
    assert np.nonzero(lying)[0].min() > h // 2 + 10


def test_hud_text_is_drawn(gl):
    from previs.window.hud import HudState

    lv = scene()
    plain = render(gl, lv)
    hud = HudState(timecode="00:00:00:12", frame=12, frames=240, mode="watch")
    with_hud = render(gl, lv, hud=hud)
    tl = (slice(0, 40), slice(0, 120))  # the timecode box, top-left
    assert np.abs(with_hud[tl].astype(int) - plain[tl].astype(int)).sum() > 1000
    # White text is there; the plain frame there is sky, never near white.
    assert (with_hud[tl].min(axis=-1) > 200).sum() > 20
    assert (plain[tl].min(axis=-1) > 200).sum() == 0
    # Outside the HUD's panels the frame is unchanged.
    assert np.array_equal(with_hud[90:120, 100:220], plain[90:120, 100:220])


def test_cut_flash_brightens_the_frame(gl):
    from previs.window.hud import HudState

    lv = scene()
    plain = render(gl, lv, hud=HudState())
    flash = render(gl, lv, hud=HudState(flash=True))
    assert flash.astype(int).mean() > plain.astype(int).mean() + 30


def test_far_performers_are_drawn_too(gl):
    # 3 m (full detail) and 14 m (the far level of detail) straight ahead, both visible.
    near = scene(performers=[performer(2, "Goon", (10.0, 12.0), color=RED)])
    far = scene(performers=[performer(2, "Goon", (10.0, 1.0), color=RED)])
    n_near = red_mask(render(gl, near, pitch=0.0)).sum()
    n_far = red_mask(render(gl, far, pitch=0.0)).sum()
    # Apparent area falls with distance squared: (3 / 14)^2 = 0.046 of the near one's.
    assert n_far > 0.02 * n_near and n_far < 0.1 * n_near


def test_a_level_with_no_walls_and_no_performers_draws_floor_and_sky(gl):
    from previs.gl.renderer import SKY

    lv = level(henry(position=(10.0, 15.0)), walls_=walls(solid_cells=()))
    img = render(gl, lv, frame=0, pitch=0.0)
    sky = np.round(np.array(SKY) * 255)
    assert np.abs(img[5, SIZE[0] // 2].astype(int) - sky).max() <= 2  # top row: sky
    floor = img[-5, SIZE[0] // 2].astype(int)
    assert np.abs(floor - sky).max() > 20  # bottom row: floor, not sky


def test_free_camera_sees_henry_and_the_pov_does_not(gl):
    from previs.gl.view_camera import Camera
    from previs.gl.renderer import Renderer

    lv = level(henry(position=(10.0, 15.0)), walls_=walls(solid_cells=()))
    fs = simulate(lv).snapshot(0)
    r = Renderer(lv, SIZE)
    try:
        def blue(img):
            r_, g, b = (img[..., i].astype(int) for i in range(3))
            return ((b > 120) & (b > r_ + 60)).sum()

        r.draw(fs)  # from his own eyes: no body in the way
        pov = blue(r.read_pixels())
        # 4 m south of him, looking north at him.
        r.draw(fs, camera=Camera((10.0, 1.6, 19.0), 0.0, -5.0, 0.0, 90.0), show_henry=True)
        free = blue(r.read_pixels())
    finally:
        r.close()
    assert pov == 0 and free > 300


def test_a_resized_renderer_draws_what_a_new_one_of_that_size_draws(gl):
    """``Renderer.resize`` remakes its offscreen targets (two here) at the new size: the
    frame, read back through either target, is the one a renderer made at that size draws."""
    from previs.gl.renderer import Renderer

    lv = scene()
    fs = simulate(lv).snapshot(12)
    r = Renderer(lv, SIZE, targets=2)
    fresh = Renderer(lv, (160, 120))
    try:
        r.draw(fs)
        r.resize((160, 120))
        assert r.size == (160, 120)
        fresh.draw(fs)
        want = fresh.read_pixels()
        for target in (0, 1):
            r.draw(fs, target=target)
            out = np.empty((120, 160, 4), np.uint8)
            r.read_rgba_into(out, target)
            assert np.array_equal(out[..., :3], want)
        assert red_mask(want).sum() > 100  # the performer is there to compare
    finally:
        r.close()
        fresh.close()
