"""The window's live cut count while recording is the planner's answer on the ticks so far.

A whip walked with a 2-tick stall mid-turn (20 deg/tick, stall, 30 deg/tick) is one
swing to the planner (the stall is bridged, :data:`previs.plan.cuts.MAX_GAP_SECONDS`):
one cut. The window used to count its first half as a cut of its own and the faster
second half as another (4 cuts / 5 shots for two such whips where the replay plans 2 / 3).
"""

from pathlib import Path
from types import SimpleNamespace

import pygame
import pytest

from previs import pipeline
from previs.plan.cuts import detect_cuts
from previs.window.app import App
from previs.window.clock import FakeClock

ARENA = Path(__file__).parent / "data" / "render" / "arena.tmx"
SIZE = (320, 180)
SENS = 0.15  # deg per pixel: the window's default


def whip(sign: int) -> list[float]:
    """Degrees turned per tick: 3 ticks at 20, a 2-tick stall, 3 ticks at 30 (480 and
    720 deg/s, 150 deg in all)."""
    return [sign * d for d in (20, 20, 20, 0, 0, 30, 30, 30)]


@pytest.fixture
def app(tmp_path):
    a = App(ARENA, size=SIZE, takes_dir=tmp_path / "takes", echo=lambda m: None, sensitivity=SENS)
    pygame.event.clear()
    yield a
    a.close()


def test_live_count_while_recording_equals_the_replayed_takes_cuts(app):
    clock = FakeClock(1 / 24)
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_F5, mod=0))
    app.run(max_ticks=1, clock=clock)  # recording; tick 0 walked with no turn
    turns = [0.0] * 11 + whip(+1) + [0.0] * 12 + whip(-1) + [0.0] * 12
    live = []
    for deg in turns:
        if deg:
            # Mouse left turns left (+yaw): deg / SENS pixels, consumed by the next tick.
            pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=(160, 90),
                                                 rel=(-deg / SENS, 0), buttons=(0, 0, 0)))
        app.run(max_ticks=1, clock=clock)
        live.append(list(app.live_cuts.cuts))
    hud = app._hud(app.current_state())
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_F5, mod=0))
    app.run(max_ticks=1, clock=clock)
    assert app.recorder is None and app.last_take

    motion = pipeline.replay(app.level, app.last_take)
    plan = pipeline.plan(motion)
    assert motion.frames == 1 + len(turns)
    cut_frames = [c.frame for c in plan.cuts]
    assert len(cut_frames) == 2  # one cut per whip, stall and all
    # At the end of the take the window counted exactly the replay's cuts, and its HUD
    # shows the replay's shots.
    assert live[-1] == cut_frames
    assert (hud.shots, len(hud.timeline.cuts)) == (len(plan.shots), 2) == (3, 2)
    # And after every tick: what the planner says of the take cut off at that tick.
    st = app.level.settings
    for k, counted in enumerate(live):
        prefix = SimpleNamespace(yaw=motion.track.yaw[: k + 2], fps=motion.track.fps)  # ticks 0..k+1
        planned = [s.peak_frame for s in detect_cuts(prefix, turn_cut_speed=st.turn_cut_speed,
                                                     turn_cut_angle=st.turn_cut_angle)]
        assert counted == planned, f"tick {k + 1}"


def test_walked_facing_equals_the_takes_replay_before_and_after_a_fall(app):
    # Walk mode draws each performer's facing by facing_at on the frame on screen; a downed
    # one keeps the facing of his down frame, toward Henry where he was walked then. Henry
    # turns and walks for 6 s, past the fall at 4 s: every tick's facing is the row of the
    # recorded take's replay (facing_all), bit for bit.
    clock = FakeClock(1 / 24)
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_F5, mod=0))
    app.run(max_ticks=1, clock=clock)
    seen = [app.current_state().perf_facing.copy()]
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_w, mod=0))
    for k in range(144):
        if k % 24 == 0:
            pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=(160, 90), rel=(-300, 0), buttons=(0, 0, 0)))
        app.run(max_ticks=1, clock=clock)
        seen.append(app.current_state().perf_facing.copy())
    pygame.event.post(pygame.event.Event(pygame.KEYUP, key=pygame.K_w, mod=0))
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_F5, mod=0))
    app.run(max_ticks=1, clock=clock)
    motion = pipeline.replay(app.level, app.last_take)
    down = motion.perf_down[: len(seen)]
    assert down[-1].any() and not down[0].any()  # someone fell during the walk
    for f, row in enumerate(seen):
        assert (row == motion.perf_facing[f]).all(), f
