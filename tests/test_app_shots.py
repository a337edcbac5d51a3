"""Shooting shot by shot in the window (issue 19), headless: stand by at cut 2 of the
corridor fight (frame 253, the first frame of shot 3), see the onion skin of the outgoing
frame over the live view, line up, roll, let the take stop itself at the next cut plus the
handle, circle it into the edit."""

import os
from pathlib import Path

import numpy as np
import pygame
import pytest

from previs import pipeline
from previs.sim.take import read_take, replay_take
from previs.window.app import App
from previs.window.clock import FakeClock
from previs.window.onion import ONION_ALPHA, ONION_TINT

LEVEL = Path(__file__).parent.parent / "levels" / "corridor.tmx"
SIZE = (320, 180)


def key(k, mod=0):
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=k, mod=mod))
    pygame.event.post(pygame.event.Event(pygame.KEYUP, key=k, mod=mod))


def mouse(dx, dy=0):
    pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=(160, 90), rel=(dx, dy), buttons=(0, 0, 0)))


@pytest.fixture
def app(tmp_path):
    a = App(LEVEL, size=SIZE, takes_dir=tmp_path / "takes", echo=lambda m: None, vsync=False,
            edit_path=tmp_path / "corridor.edit.toml", operator="ann")
    pygame.event.clear()
    yield a
    a.close()


@pytest.mark.slow
def test_a_take_rolled_at_cut_2_over_the_onion_skin_stops_at_the_next_cut_and_circles_into_the_edit(app, tmp_path):
    clock = FakeClock(1 / 24)
    key(pygame.K_SPACE)  # pause
    key(pygame.K_PAGEDOWN)
    key(pygame.K_PAGEDOWN)  # cut 2: frame 253
    app.run(max_frames=1, clock=clock)
    assert app.frame == 253
    key(pygame.K_c)  # stand by for shot 3 at its cut
    app.run(max_frames=1, clock=clock)
    assert app.mode == "standby" and app.desk.shot == 3 and app.desk.frame == 253
    grab = app.desk.grab
    assert grab is not None and grab.shape == (180, 320, 3)
    # Lined up: the live frame is the outgoing one (the script's frame 253) ...
    app.show_hud = False
    blended = app.screenshot().astype(int)
    app.desk.grab, keep = None, app.desk.grab
    live = app.screenshot().astype(int)
    app.desk.grab = keep
    # ... so the onion skin only tints it: every pixel is live*(1-a) + grab*tint*a.
    # (Away from the shot panel, top-left, which is drawn over both.)
    pic = np.ones(SIZE[::-1], bool)
    pic[:100, :180] = False
    want = live * (1 - ONION_ALPHA) + grab.astype(int) * np.array(ONION_TINT) * ONION_ALPHA
    assert np.abs(blended - want)[pic].max() <= 2
    assert (np.abs(blended - live).sum(axis=2)[pic] > 10).mean() > 0.5
    # Turn 15 degrees away while standing by: the fight holds, the meter says so, and where
    # the overlay doubles the picture the blend is the mix of two different frames.
    mouse(100)
    app.run(max_ticks=1, clock=clock)
    assert app.frame == 253
    lines = [t for t, _ in app.desk.panel(app, app.current_state())]
    assert any(t.startswith("heading -15.0\u00b0") for t in lines), lines
    assert lines[1].startswith("position 0.0")
    blended2 = app.screenshot().astype(int)
    app.desk.grab = None
    live2 = app.screenshot().astype(int)
    app.desk.grab = keep
    assert np.abs(blended2 - (live2 * 0.5 + keep * np.array(ONION_TINT) * 0.5))[pic].max() <= 2
    # The live view moved off the grab (a plain wall mid-whip: the floor lines and arms move).
    assert (np.abs(live2 - keep.astype(int)).sum(axis=2)[pic] > 30).mean() > 0.03
    mouse(-100)  # back on the mark
    app.run(max_ticks=1, clock=clock)
    app.show_hud = True
    # Roll: the take records from frame 253 until the next cut (879) plus the 6-frame handle.
    key(pygame.K_F5)
    app.speed_index = 4  # x4: 24 ticks a drawn frame
    app.run(max_ticks=879 + 6 - 253, clock=FakeClock(1.0))
    app.run(max_frames=2, clock=FakeClock(1.0))  # held on the take's last frame: no more ticks
    assert app.frame == 879 + 6 - 1 and not app.playing
    assert app.recorder is None and app.mode == "walk"
    take = read_take(tmp_path / "takes" / "corridor-shot003-take01.take")
    h = take.header
    assert (h["shot"], h["start_frame"], h["take_number"], h["operator"], h["circled"]) == (3, 253, 1, "ann", False)
    assert len(take.cmds) == 879 + 6 - 253
    # Henry started where the edit so far (the script) has him on the cut.
    script = app.script
    assert h["start_state"][:2] == [float(script.henry_xz[253, 0]), float(script.henry_xz[253, 1])]
    assert take.cmds[0].turn == 0  # back on the mark: the net turn while standing by was 0
    # Circle it: the edit names it for shot 3, and assembles.
    key(pygame.K_p)
    app.run(max_frames=1, clock=clock)
    assert read_take(take.path).header["circled"] is True
    text = (tmp_path / "corridor.edit.toml").read_text()
    assert text == ('format = "previs-edit/1"\nlevel = "corridor.tmx"\n\n[[shot]]\nshot = 3\n'
                    'take = "takes/corridor-shot003-take01.take"\n')
    asm, plan = pipeline.replay_edit(app.level, tmp_path / "corridor.edit.toml")
    assert asm.pieces[2].name == "corridor-shot003-take01"
    m = replay_take(app.level, take)
    assert asm.motion.track.pos[253:879].tobytes() == m.track.pos[253:879].tobytes()
    # Held still, his head turned no whip: the cut into shot 3 no longer hides, and the
    # window says so on the shot's panel.
    cut = plan.edit.cuts[1]
    assert cut.frame == 253 and not cut.hides
    app.seek(300)
    lines = [t for t, _ in app.desk.panel(app, app.current_state())]
    assert "cut 2 into shot 3 does not match:" in lines
    assert any(t.startswith("\u25b8\u25cf T01 ann 632f") for t in lines), lines
    # V: watch mode plays the edit, the take cut in at 253; V again, the script.
    key(pygame.K_1)
    key(pygame.K_v)
    app.run(max_frames=1, clock=clock)
    assert app.watch_edit and app.script.track.pos.tobytes() == asm.motion.track.pos.tobytes()
    assert [c.frame for c in app.plan.cuts] == [c.frame for c in plan.cuts]
    key(pygame.K_v)
    app.run(max_frames=1, clock=clock)
    assert not app.watch_edit and app.script.track.pos.tobytes() == script.track.pos.tobytes()
    # N writes a note on it (typed text; Enter saves into the take's header).
    key(pygame.K_n)
    pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text="still head"))
    key(pygame.K_BACKSPACE)
    key(pygame.K_RETURN)
    app.run(max_frames=1, clock=clock)
    assert read_take(take.path).header["notes"] == "still hea"
    assert app.desk.typing is None
    # P again uncircles it: shot 3 is the script's again.
    key(pygame.K_p)
    app.run(max_frames=1, clock=clock)
    assert read_take(take.path).header["circled"] is False
    assert "[[shot]]" not in (tmp_path / "corridor.edit.toml").read_text()


def test_the_takes_folder_is_looked_at_twice_a_second_and_after_each_take(app, tmp_path, monkeypatch):
    import previs.window.shots as shots

    scans = []
    real = os.scandir
    monkeypatch.setattr(shots.os, "scandir", lambda p: scans.append(p) or real(p))
    now = [100.0]
    monkeypatch.setattr(shots.time, "monotonic", lambda: now[0])
    (tmp_path / "takes").mkdir(exist_ok=True)
    assert app.desk.takes(app, 3) == [] and len(scans) == 1
    now[0] += 0.2
    for _ in range(10):  # ten drawn frames within half a second: no listing
        app.desk.takes(app, 3)
    assert len(scans) == 1
    now[0] += 0.31  # half a second on: looked at again
    app.desk.takes(app, 3)
    assert len(scans) == 2
    app.desk.forget_takes()  # a take recorded, circled or noted here: at once
    app.desk.takes(app, 3)
    assert len(scans) == 3
