"""Everyone who draws uses the level's lens: ``previs still``, ``previs walk`` (``--lens``),
the animatic's workers and the report's storyboard frames (headless GL)."""

import dataclasses
import io
from pathlib import Path

import numpy as np
import pygame
import pytest

from levelkit import beat, henry, level, performer, walls
from previs.cli import main
from previs.sim.script import simulate

ARENA = Path(__file__).parent / "data" / "render" / "arena.tmx"
SIZE = (320, 180)


def png_pixels(path) -> np.ndarray:
    return pygame.surfarray.array3d(pygame.image.load(str(path))).transpose(1, 0, 2).astype(int)


def room(lens="rectilinear"):
    """Henry in a walled room looking at Goon (red) 3 m north, a second one (orange) 60°
    to his right, 3 m away: at 120° the actioncam frame holds both."""
    ring = ([(0, c) for c in range(20)] + [(19, c) for c in range(20)]
            + [(r, 0) for r in range(20)] + [(r, 19) for r in range(20)])
    a = np.radians(60.0)
    return level(henry(position=(10.0, 15.0)),
                 performers=[performer(2, "Goon", (10.0, 12.0)),
                             performer(3, "Side", (10.0 + 3 * np.sin(a), 15.0 - 3 * np.cos(a)), color=(230, 140, 30))],
                 beats=[beat(10, 0.0, 1, "look", 2)], walls_=walls(solid_cells=ring), fps=24, duration=1.0,
                 lens=lens, hfov=120.0)


def stills(lv, frames):
    from previs.animatic.render import OffscreenRenderer

    motion = simulate(lv)
    with OffscreenRenderer(lv, SIZE) as r:
        out = []
        for f in frames:
            r.draw(motion.snapshot(f))
            out.append(r.read_pixels().astype(int))
    return out


def test_still_draws_through_the_lens_asked_for(tmp_path, capsys):
    from previs.level.loader import load_level

    plain, wide = tmp_path / "plain.png", tmp_path / "wide.png"
    assert main(["still", str(ARENA), "--time", "2.5", "-o", str(plain), "--size", "320x180"]) == 0
    assert main(["still", str(ARENA), "--time", "2.5", "-o", str(wide), "--size", "320x180",
                 "--lens", "equidistant"]) == 0
    a, b = png_pixels(plain), png_pixels(wide)
    assert np.abs(a - b).mean() > 5  # another picture
    # ... the one the renderer draws for the level with its lens set to equidistant.
    from previs.level.lens_setting import with_lens

    lv = with_lens(load_level(ARENA), "equidistant")
    motion = simulate(lv)
    from previs.animatic.render import OffscreenRenderer
    from previs.pose.evaluate import BodyPoses

    with OffscreenRenderer(lv, SIZE) as r:
        f = motion.time_base.frame_containing(2.5)
        r.draw(motion.snapshot(f), poses=BodyPoses(motion).at(f))
        assert np.array_equal(r.read_pixels().astype(int), b)


@pytest.mark.parametrize("cmd", ["still", "walk", "render"])
def test_an_unknown_lens_is_refused_with_the_list(cmd, tmp_path, capsys):
    argv = {"still": ["still", str(ARENA), "--time", "1", "-o", str(tmp_path / "x.png")],
            "walk": ["walk", str(ARENA), "--headless", "--frames", "1"],
            "render": ["render", str(ARENA), "-o", str(tmp_path / "x.mp4")]}[cmd]
    with pytest.raises(SystemExit) as e:
        main(argv + ["--lens", "fisheye"])
    assert e.value.code == 2
    assert "rectilinear, equidistant, actioncam" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_walk_window_draws_through_the_lens(tmp_path, capsys):
    shots = {}
    for lens in (None, "actioncam"):
        shot = tmp_path / f"{lens}.png"
        extra = ["--lens", lens] if lens else []
        assert main(["walk", str(ARENA), "--headless", "--frames", "2", "--start", "2", "--size", "320x180",
                     "--screenshot", str(shot), "--takes", str(tmp_path / "takes"), *extra]) == 0
        shots[lens] = png_pixels(shot)
    # Away from the HUD's corners and bars, the middle of the frame is another picture (the
    # headless clock is simulated: the same run draws the same bytes; the arena's 90° makes
    # the action cam's bow mild).
    mid = (slice(50, 130), slice(60, 260))
    assert np.abs(shots[None][mid] - shots["actioncam"][mid]).mean() > 1.5


def test_the_window_keeps_the_lens_on_reload(tmp_path):
    from previs.window.app import App

    app = App(ARENA, lens="equidistant", vsync=False, takes_dir=tmp_path)
    try:
        assert app.level.settings.lens == "equidistant" and app.renderer.lens.model == "equidistant"
        assert app._load(ARENA).settings.lens == "equidistant"  # what a hot reload loads
    finally:
        app.close()


def test_animatic_workers_draw_through_the_level_lens(tmp_path):
    av = pytest.importorskip("av")
    from previs.animatic.render import render_animatic
    from previs.plan.shotplan import PlanSettings, build_plan

    lv = room("actioncam")
    motion = simulate(lv)
    plan = build_plan(motion.track, settings=PlanSettings.from_level(lv.settings), motion=motion)
    out = tmp_path / "wide.mp4"
    render_animatic(out, level=lv, motion=motion, plan=plan, size=SIZE, progress=False, burnins=False,
                    workers=2, chunk_seconds=0.5)
    with av.open(str(out)) as c:
        frames = [f.to_ndarray(format="rgb24").astype(int) for f in c.decode(video=0)]
    assert len(frames) == 24
    wide = stills(lv, (5, 18))
    flat = stills(dataclasses.replace(lv, settings=dataclasses.replace(lv.settings, lens="rectilinear")), (5, 18))
    for k, f in enumerate((5, 18)):  # one frame of each worker's chunk
        assert np.abs(frames[f] - wide[k]).mean() < 4.0  # H.264 is within a few levels
        assert np.abs(frames[f] - flat[k]).mean() > 8.0


def test_storyboard_frames_are_drawn_through_the_level_lens():
    from PIL import Image

    from previs.report.page import render_stills

    lv = room("actioncam")
    motion = simulate(lv)
    got, warnings = render_stills(lv, motion, [12], size=SIZE)
    assert not warnings
    import base64

    jpeg = base64.b64decode(got[12].split(",", 1)[1])
    img = np.asarray(Image.open(io.BytesIO(jpeg)).convert("RGB")).astype(int)
    assert np.abs(img - stills(lv, (12,))[0]).mean() < 4.0
    # The orange performer 60° right is in the 120° action-cam storyboard frame.
    r, g, b = img[..., 0], img[..., 1], img[..., 2]
    assert ((r > 150) & (g > 70) & (g < 170) & (b < 80))[:, SIZE[0] // 2:].sum() > 30
