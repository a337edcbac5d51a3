"""Keys and mouse into tick commands, and turn cuts found while walking (no window)."""

import numpy as np
import pygame
import pytest

from previs.plan.shotplan import PlanSettings
from previs.window.modes import LiveCuts
from previs.window.controls import BINDINGS, InputState
from previs.sim.walker import RUN


def test_mouse_turn_is_quantised_to_centidegrees_and_the_remainder_carried():
    inp = InputState(sensitivity=0.15)  # 15 centidegrees per pixel
    inp.mouse(-1, 0)
    assert inp.tick_cmd().turn == 15  # mouse left turns left (+yaw)
    inp.mouse(2, -1)
    c = inp.tick_cmd()
    assert (c.turn, c.look) == (-30, 15)  # right turns right; mouse up looks up
    # A slow drift of 1/30 px a tick (0.5 cdeg) still turns, on every other tick.
    inp = InputState(sensitivity=0.15)
    turns = []
    for _ in range(10):
        inp.mouse(-1 / 30, 0)
        turns.append(inp.tick_cmd().turn)
    assert sum(turns) == 5 and set(turns) <= {0, 1}
    # The mouse is consumed by the tick.
    assert inp.tick_cmd().turn == 0


def test_a_huge_swipe_is_clamped_to_half_a_turn_per_tick():
    inp = InputState(sensitivity=1.0)
    inp.mouse(-100000, 0)
    assert inp.tick_cmd().turn == 18000


def test_keys_make_forward_strafe_and_run():
    inp = InputState()
    for k in (pygame.K_w, pygame.K_a, pygame.K_LSHIFT):
        inp.key_down(k)
    c = inp.tick_cmd()
    assert (c.forward, c.strafe, c.buttons) == (127, -127, RUN)
    inp.key_up(pygame.K_w)
    inp.key_down(pygame.K_s)
    inp.key_up(pygame.K_LSHIFT)
    c = inp.tick_cmd()
    assert (c.forward, c.strafe, c.buttons) == (-127, -127, 0)
    inp.release_all()
    assert inp.tick_cmd().as_tuple() == (0, 0, 0, 0, 0)


def test_help_lists_the_record_key_and_the_modes():
    keys = " ".join(k for k, _ in BINDINGS)
    assert "F5" in keys and "F1" in keys and "Space" in keys and "PgUp" in keys


def test_live_cuts_flag_a_whip_once_it_ends():
    fps = 24
    # Hold, then whip 90 deg left in 6 frames (peak well over 150 deg/s), then hold.
    yaw = [0.0] * 24 + list(np.linspace(0, 90, 7)[1:]) + [90.0] * 24
    lc = LiveCuts(fps, PlanSettings(turn_cut_speed=150.0, turn_cut_angle=40.0))
    found = []
    seen = []
    for i in range(len(yaw)):
        f = lc.update(yaw[: i + 1], 0)
        if f is not None:
            found.append((i, f))
        seen.append(len(lc.cuts))
    assert len(found) == 1
    tick, frame = found[0]
    assert 24 <= frame <= 30 and frame < tick <= 34  # reported just after the swing ends
    # A slow pan is not a cut.
    lc = LiveCuts(fps, PlanSettings(turn_cut_speed=150.0, turn_cut_angle=40.0))
    pan = [0.0] * 10 + list(np.linspace(0, 90, 73)) + [90.0] * 10
    assert all(lc.update(pan[: i + 1], 0) is None for i in range(len(pan)))
