"""The real window loop, headless: posted pygame events, an injected fake clock.

The level is tests/data/render/arena.tmx: a 16 x 10 m room, Henry at (3.5, 5.5) facing
east (heading -90), Goon 1 at (10.5, 5.5), a pillar at row 4, columns 6-7.
"""

import re
import shutil
from pathlib import Path

import numpy as np
import pygame
import pytest

from previs.window.app import App
from previs.window.clock import FakeClock
from previs.sim.head_motion import camera_on_head
from previs.sim.take import read_take, replay_take

ARENA = Path(__file__).parent / "data" / "render" / "arena.tmx"
SIZE = (320, 180)


def key(k, down=True):
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN if down else pygame.KEYUP, key=k, mod=0))


def mouse(dx, dy=0):
    pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=(160, 90), rel=(dx, dy), buttons=(0, 0, 0)))


@pytest.fixture
def app(tmp_path):
    drawn = []
    a = App(ARENA, size=SIZE, takes_dir=tmp_path / "takes", echo=lambda m: None,
            on_draw=lambda app, fs: drawn.append((app.recorder is not None and app.walk.ticks > 0, fs)))
    a.drawn = drawn
    pygame.event.clear()
    yield a
    a.close()


def test_recorded_take_replays_to_exactly_the_track_the_window_showed(app, tmp_path):
    clock = FakeClock(1 / 24)  # one render frame per tick
    app.run(max_ticks=30, clock=clock)  # watch a little first: recording restarts at frame 0
    assert app.frame == 30
    key(pygame.K_F5)
    key(pygame.K_w)
    app.run(max_ticks=48, clock=clock)  # two seconds of walking forward (east)
    key(pygame.K_w, down=False)
    mouse(-200, 40)  # swipe left and up: turn left 30 deg, look up 6 deg
    app.run(max_ticks=10, clock=clock)
    key(pygame.K_LSHIFT)
    key(pygame.K_d)  # run, strafing right
    app.run(max_ticks=12, clock=clock)
    key(pygame.K_d, down=False)
    key(pygame.K_LSHIFT, down=False)
    key(pygame.K_F5)
    app.run(max_ticks=1, clock=clock)
    assert app.recorder is None and app.last_take is not None
    path = Path(app.last_take)
    assert path.parent == tmp_path / "takes"
    assert re.fullmatch(r"arena-\d{8}-\d{6}(-\d+)?\.take", path.name)

    take = read_take(path)
    assert len(take.cmds) == 48 + 10 + 12
    assert take.cmds[0].forward == 127 and take.cmds[48].turn == 3000 and take.cmds[48].look == -600
    assert take.cmds[60].buttons == 1 and take.cmds[60].strafe == 127
    replay = replay_take(app.level, take)
    tr = replay.track
    # The whole walked state, tick by tick, is the replay's track, bit for bit (his feet; the
    # lens rides his head on its mount, previs.sim.head_motion).
    st = app.last_take_states
    assert np.array_equal(st[:, 0:2], replay.henry_xz)
    lens, _ = camera_on_head(app.level.settings, st[:, 0:2], st[:, 2], st[:, 2], st[:, 3], np.zeros(len(st)))
    assert np.array_equal(lens, tr.pos)
    assert np.array_equal(st[:, 2], tr.yaw) and np.array_equal(st[:, 3], tr.pitch)
    # And every frame drawn while recording is the replay's frame (after the first tick:
    # before it the window shows Henry at his start, frame 0 before its command).
    shown = [fs for rec, fs in app.drawn if rec]
    assert len(shown) >= 60
    for fs in shown:
        f = fs.frame
        assert fs.eye == (tr.pos[f, 0], tr.pos[f, 1], tr.pos[f, 2])
        assert (fs.yaw, fs.pitch, fs.hfov) == (tr.yaw[f], tr.pitch[f], tr.hfov[f])
        assert np.array_equal(fs.perf_xz, replay.perf_xz[f])
        assert np.array_equal(fs.perf_down, replay.perf_down[f])
        assert np.allclose(fs.perf_facing, replay.perf_facing[f])
    # Walking 2 s east at 1.4 m/s from x = 3.5 (the lens 0.16 m ahead of his feet).
    assert replay.henry_xz[47, 0] == pytest.approx(3.5 + 2.8, abs=1e-9)
    assert tr.pos[47, 0] == pytest.approx(3.5 + 2.8 + 0.16, abs=1e-9)
    assert tr.yaw[-1] == pytest.approx(-90 + 30)


def test_simulation_advances_in_ticks_whatever_the_render_rate(app):
    app.run(max_frames=121, clock=FakeClock(1 / 60))  # 2 s of 60 Hz rendering
    assert app.frame == 48
    key(pygame.K_RIGHTBRACKET)  # x2
    app.run(max_frames=61, clock=FakeClock(1 / 60))  # 1 s more at double speed
    assert app.frame == 48 + 48
    key(pygame.K_SPACE)  # pause
    app.run(max_frames=30, clock=FakeClock(1 / 60))
    assert app.frame == 96 and not app.playing


def test_timeline_keys(app):
    key(pygame.K_SPACE)  # pause
    key(pygame.K_RIGHT)
    key(pygame.K_RIGHT)
    key(pygame.K_COMMA)
    app.run(max_frames=1, clock=FakeClock())
    assert app.frame == 47
    key(pygame.K_PERIOD)
    key(pygame.K_PERIOD)
    app.run(max_frames=1, clock=FakeClock())
    assert app.frame == 49
    cuts = app.timeline.cuts
    key(pygame.K_HOME)
    key(pygame.K_PAGEDOWN)
    app.run(max_frames=1, clock=FakeClock())
    assert app.frame == (cuts[0] if cuts else app.last_frame)
    key(pygame.K_PAGEUP)
    app.run(max_frames=1, clock=FakeClock())
    assert app.frame == 0
    key(pygame.K_LEFTBRACKET)
    key(pygame.K_LEFTBRACKET)
    key(pygame.K_LEFTBRACKET)
    app.run(max_frames=1, clock=FakeClock())
    assert app.speed == 0.25


def test_dragging_the_timeline_bar_scrubs(app):
    key(pygame.K_SPACE)  # paused: the cursor is free
    w, h = SIZE
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=(w // 2, h - 3), button=1))
    app.run(max_frames=1, clock=FakeClock())
    assert app.frame == round(0.5 * (app.timeline.frames - 1))
    pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=(w // 4, h - 3), rel=(-w // 4, 0), buttons=(1, 0, 0)))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=(w // 4, h - 3), button=1))
    app.run(max_frames=1, clock=FakeClock())
    assert app.frame == round(0.25 * (app.timeline.frames - 1))


def test_free_camera_moves_without_touching_the_fight(app):
    key(pygame.K_SPACE)
    app.run(max_frames=1, clock=FakeClock())
    before = app.current_state()
    key(pygame.K_3)
    key(pygame.K_w)
    app.run(max_frames=25, clock=FakeClock(1 / 24))
    key(pygame.K_w, down=False)
    assert app.mode == "free"
    cam = app.freecam
    start = type(cam).behind(before)
    assert np.hypot(cam.x - start.x, cam.z - start.z) > 2.0  # ~1 s at 4 m/s, pitched down
    after = app.current_state()
    assert after.frame == before.frame and after.eye == before.eye


def test_mode_keys_and_help(app):
    key(pygame.K_2)
    app.run(max_frames=1, clock=FakeClock())
    assert app.mode == "walk"
    key(pygame.K_TAB)
    key(pygame.K_F1)
    app.run(max_frames=1, clock=FakeClock())
    assert app.mode == "free" and app.show_help
    key(pygame.K_ESCAPE)
    assert app.run(max_frames=100, clock=FakeClock()) == 0
    assert not app.running


def test_escape_while_recording_saves_the_take(app, tmp_path):
    key(pygame.K_F5)
    app.run(max_ticks=5, clock=FakeClock())
    key(pygame.K_ESCAPE)
    app.run(max_frames=10, clock=FakeClock())
    app.close()
    takes = list((tmp_path / "takes").glob("*.take"))
    assert len(takes) == 1 and len(read_take(takes[0]).cmds) == 5


def test_cut_flash_is_not_lost_when_ticks_outrun_drawing(app):
    cuts = app.timeline.cuts
    if not cuts:
        pytest.skip("the arena fixture has no turn cut")
    flashes = []
    app.on_draw = None
    orig = app._hud

    def spy(fs):
        hs = orig(fs)
        flashes.append((fs.frame, hs.flash))
        return hs

    app._hud = spy
    key(pygame.K_RIGHTBRACKET)
    key(pygame.K_RIGHTBRACKET)  # x4: four ticks per drawn frame at 24 Hz drawing
    app.run(max_frames=60, clock=FakeClock(1 / 24))
    lit = [f for f, on in flashes if on]
    assert len(lit) == len([c for c in cuts if c <= flashes[-1][0]])
    for f in lit:
        assert any(f - 4 < c <= f for c in cuts)


def test_recording_into_an_unwritable_folder_is_reported_not_fatal(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    said = []
    with App(ARENA, size=SIZE, takes_dir=blocker / "takes", echo=said.append) as a:
        key(pygame.K_F5)
        a.run(max_ticks=3, clock=FakeClock())
        assert a.recorder is None and a.running
        assert any("cannot record a take" in m for m in said)


def test_a_disk_filling_up_while_recording_ends_the_take_not_the_window(tmp_path):
    """Recording onto a small tmpfs that is then filled to the last byte: the take stops at
    the tick that no longer fits, what was written replays, and the window keeps running."""
    from diskkit import fill, mount_tmpfs, unmount

    disk = tmp_path / "disk"
    mount_tmpfs(disk, "64k")
    try:
        said = []
        with App(ARENA, size=SIZE, takes_dir=disk / "takes", echo=said.append) as a:
            key(pygame.K_F5)
            key(pygame.K_w)
            a.run(max_ticks=24, clock=FakeClock())
            assert a.recorder is not None
            fill(disk)
            # The take file's last 4 kB page still has room for ~200 ticks (15 bytes each);
            # then a write needs a new page and gets ENOSPC.
            a.run(max_ticks=600, clock=FakeClock())
            assert a.running and a.recorder is None
            assert any("recording stopped after" in m and "the disk is full" in m for m in said), said
            take = read_take(a.last_take)
            assert 24 + 100 < len(take.cmds) < 24 + 600
            # What was kept replays to exactly what the window showed while it was recorded.
            replay = replay_take(a.level, take)
            st = a.last_take_states
            assert len(st) == len(take.cmds) == len(replay.track.pos)
            assert np.array_equal(st[:, 0:2], replay.henry_xz)
            a.run(max_ticks=5, clock=FakeClock())  # and the window goes on
            assert a.running
    finally:
        unmount(disk)


def test_a_resized_window_draws_what_a_window_opened_at_that_size_draws(tmp_path):
    """Resizing (a VIDEORESIZE event) re-lays the view and the HUD: the picture is the one
    a window opened at the new size shows (HUD, timeline and minimap included). Shrunk
    here: the offscreen driver's drawable keeps its first size."""
    with App(ARENA, size=SIZE, takes_dir=tmp_path, echo=lambda m: None) as a:
        a.run(max_ticks=30, clock=FakeClock(1 / 24))
        pygame.event.post(pygame.event.Event(pygame.VIDEORESIZE, w=240, h=136, size=(240, 136)))
        a.run(max_frames=1, clock=FakeClock())
        assert a.size == (240, 136) and a.renderer.size == (240, 136)
        frame = a.frame
        resized = a.screenshot()
    with App(ARENA, size=(240, 136), takes_dir=tmp_path, echo=lambda m: None) as b:
        b.run(max_ticks=frame, clock=FakeClock(1 / 24))
        assert b.frame == frame
        fresh = b.screenshot()
    assert resized.shape == fresh.shape == (136, 240, 3)
    # The same picture; llvmpipe rounds a handful of floor-grid pixels one level apart in a
    # drawable of another size (3 of 32640 seen).
    diff = np.abs(resized.astype(int) - fresh.astype(int))
    assert diff.max() <= 1 and (diff.sum(axis=-1) > 0).sum() <= 30


def test_a_failure_on_the_first_tick_says_why_the_take_was_discarded(tmp_path, monkeypatch):
    """The header was written but not one tick (here the file's descriptor is closed
    under it, as when a USB disk is pulled): nothing to keep, and the reason is shown."""
    import os

    from previs.sim.take import TakeWriter

    real = TakeWriter.write

    def write(self, cmd):
        if self.ticks == 0:
            os.close(self._fd)
        return real(self, cmd)

    monkeypatch.setattr(TakeWriter, "write", write)
    said = []
    with App(ARENA, size=SIZE, takes_dir=tmp_path / "takes", echo=said.append) as a:
        key(pygame.K_F5)
        a.run(max_ticks=5, clock=FakeClock())
        assert a.running and a.recorder is None
    assert any("take discarded: no frames were recorded (recording failed: Bad file descriptor)" in m
               for m in said), said
    assert list((tmp_path / "takes").glob("*.take")) == []
