"""Hot reload: the window picks up a saved level, keeps the playhead, and survives a
broken save by keeping the last good level and showing the problems."""

import os
import shutil
from pathlib import Path

import numpy as np
import pygame
import pytest

from previs.window.app import App
from previs.window.clock import FakeClock

ARENA = Path(__file__).parent / "data" / "render" / "arena.tmx"
GOON_1 = '<object id="3" name="Goon 1" type="performer" x="336" y="176">'


def save(path: Path, text: str, bump: int) -> None:
    """Write like an editor does, and make sure the mtime moves even on coarse clocks."""
    path.write_text(text, encoding="utf-8")
    st = os.stat(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + bump * 1_000_000_000))


def error_panel_pixels(img: np.ndarray) -> int:
    r, g, b = (img[..., i].astype(int) for i in range(3))
    return int(((r > 90) & (g < 45) & (b < 45)).sum())


@pytest.fixture
def level_file(tmp_path):
    p = tmp_path / "arena.tmx"
    shutil.copy(ARENA, p)
    return p


def test_saved_level_reloads_and_keeps_the_frame(level_file):
    clock = FakeClock(1 / 24)
    with App(level_file, size=(320, 180), echo=lambda m: None) as app:
        app.run(max_ticks=40, clock=clock)
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_SPACE, mod=0))
        app.run(max_frames=2, clock=clock)
        frame = app.frame
        old = app.level
        assert old.performers[0].position == (10.5, 5.5)
        # Move Goon 1 two metres east, as if dragged in Tiled and saved.
        text = level_file.read_text(encoding="utf-8")
        save(level_file, text.replace(GOON_1, GOON_1.replace('x="336"', 'x="400"')), 1)
        app.run(max_frames=14, clock=clock)  # > 0.5 s of (fake) time: one poll at least
        assert app.level is not old
        assert app.level.performers[0].position == (12.5, 5.5)
        assert app.frame == frame
        assert app.current_state().perf_xz[0].tolist() == [12.5, 5.5]
        assert app.renderer.level is app.level
        assert not app.errors


def test_broken_save_keeps_the_old_level_and_shows_the_errors(level_file):
    clock = FakeClock(1 / 24)
    good = level_file.read_text(encoding="utf-8")
    with App(level_file, size=(320, 180), echo=lambda m: None) as app:
        app.run(max_ticks=24, clock=clock)
        old = app.level
        plain = app.screenshot()
        # A beat pointing at an object that does not exist: the loader refuses the level.
        broken = good.replace('<property name="target" type="object" value="3"/>',
                              '<property name="target" type="object" value="99"/>')
        assert broken != good
        save(level_file, broken, 1)
        app.run(max_frames=14, clock=clock)
        assert app.level is old  # still running the last good version
        assert app.errors and any("99" in e for e in app.errors)
        shot = app.screenshot()
        assert error_panel_pixels(shot) > 20 * error_panel_pixels(plain) + 500
        # Half-written XML is reported too, without a traceback or a crash.
        save(level_file, good[: len(good) // 2], 2)
        app.run(max_frames=14, clock=clock)
        assert app.level is old and app.errors
        # The next good save clears the panel.
        save(level_file, good.replace('x="336"', 'x="368"'), 3)
        app.run(max_frames=14, clock=clock)
        assert app.level is not old and not app.errors
        assert app.level.performers[0].position == (11.5, 5.5)


def test_reload_while_recording_ends_the_take(level_file, tmp_path):
    clock = FakeClock(1 / 24)
    with App(level_file, size=(320, 180), takes_dir=tmp_path / "takes", echo=lambda m: None) as app:
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_F5, mod=0))
        app.run(max_ticks=10, clock=clock)
        assert app.recorder is not None
        save(level_file, level_file.read_text(encoding="utf-8").replace('x="336"', 'x="368"'), 1)
        app.run(max_frames=14, clock=clock)
        assert app.recorder is None and app.last_take
        assert app.mode == "walk"


def _walk_east_take(level_path: Path, out: Path, ticks: int = 48) -> Path:
    from previs.level.loader import load_level
    from previs.sim.take import write_take
    from previs.sim.walker import TickCmd

    cmds = [TickCmd(forward=127)] * ticks + [TickCmd(turn=1500)] * 12  # 2 s east, then turn 180 deg left
    write_take(out, load_level(level_path), cmds)
    return out


def test_watching_a_take_plays_the_take_and_keeps_it_on_a_changed_level(level_file, tmp_path):
    """``previs walk LEVEL --take FILE``: watch mode plays the take's camera (the HUD says
    WATCH TAKE); when the level is saved changed, the take's ticks still replay on it and
    the window says where the run departs from the recorded one."""
    from previs.sim.script import simulate
    from previs.sim.take import read_take, replay_take

    take = _walk_east_take(level_file, tmp_path / "east.take")
    said = []
    with App(level_file, size=(320, 180), echo=said.append, take=take) as app:
        replay = replay_take(app.level, read_take(take))
        assert app.script.frames == replay.frames == 60
        clock = FakeClock(1 / 24)
        app.run(max_ticks=30, clock=clock)
        assert app.frame == 30
        fs = app.shown
        assert fs.eye == tuple(replay.track.pos[30])  # the take's camera, not the script's
        assert fs.eye != tuple(simulate(app.level).track.pos[30])
        assert app._hud(fs).mode == "watch take"
        save(level_file, level_file.read_text(encoding="utf-8").replace(GOON_1, GOON_1.replace('x="336"', 'x="368"')), 5)
        app.run(max_frames=14, clock=clock)  # > 0.5 s of (fake) time: one poll at least
        assert app.take is not None
        assert any("recorded on an earlier version of arena.tmx" in m and "its ticks replay on the level as it is "
                   "now: Henry's walk matches the recorded one on every frame" in m for m in said), said
        assert app.script.frames == 60
        assert app._hud(app.shown).mode == "watch take"


def test_walk_refuses_a_take_of_another_level_before_opening(level_file, tmp_path, capsys):
    from previs.cli import main

    take = _walk_east_take(level_file, tmp_path / "east.take")
    other = tmp_path / "other.tmx"
    other.write_text(level_file.read_text(encoding="utf-8").replace(GOON_1, GOON_1.replace('x="336"', 'x="400"')),
                     encoding="utf-8")
    assert main(["walk", str(other), "--take", str(take), "--headless", "--frames", "2"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(take.name) in err[0] and "Traceback" not in err[0]
    shot = tmp_path / "t.png"
    assert main(["walk", str(level_file), "--take", str(take), "--headless", "--frames", "36",
                 "--screenshot", str(shot)]) == 0
    assert shot.exists()
