"""Action clips: contact lands on the beat, strikes reach the target point, falls lie down."""

from __future__ import annotations

import os
import shutil

import numpy as np
import pytest

import levelkit as lk
from posekit import HENRY, duel, target_point
from previs.level.actions import ACTIONS
from previs.plan.safety_bodies import fall_direction
from previs.pose.clips import CLIPS_DIR, ClipError, load_library
from previs.pose.evaluate import BodyPoses
from previs.pose.limbs import fist
from previs.pose.skeleton import EYE_IN_HEAD, INDEX, point_in
from previs.sim.script import simulate


def at_reach(action: str) -> float:
    """Centre distance of two 0.3 m bodies at the edge of the action's reach."""
    return 0.3 + 0.3 + ACTIONS[action].reach


@pytest.mark.parametrize("action", ["punch", "hit", "kick", "grab", "throw", "shove", "tackle"])
def test_the_strike_lands_within_10_cm_of_the_clips_target_point_at_t(action):
    lib = load_library()
    clip = lib.get(action)
    for gap in (0.9, at_reach(action)):
        _, m, bp = duel(action, gap, t=2.0)
        f = bp.tb.frame_at(2.0)
        w = bp.at(f).world
        miss = np.linalg.norm(fist(w[0:1], clip.effector)[0] - target_point(w, 1, clip.target))
        assert miss < 0.10, (action, gap, miss)
        # Half a second before, the blow is still on its way.
        w0 = bp.at(f - 12).world
        assert np.linalg.norm(fist(w0[0:1], clip.effector)[0] - target_point(w0, 1, clip.target)) > 0.2


def test_contact_frame_lands_on_the_beats_frame():
    lib = load_library()
    for t in (2.0, 2.01, 2.03):  # on a frame and between frames (24 fps)
        _, m, bp = duel("punch", 1.0, t=t)
        f = bp.tb.frame_at(t)
        s = bp.sched
        c = lib.clips[s.clip[f, 0]]
        assert c.name == "punch"
        assert s.start[f, 0] + c.contact_time == pytest.approx(t, abs=1e-12)
        tau = f / 24 - s.start[f, 0]
        assert c.contact_time <= tau + 1e-12 < c.contact_time + 1 / 24
        # The target reacts from that frame, not before.
        assert lib.clips[s.clip[f, 1]].name == "recoil"
        assert s.clip[f - 1, 1] == -1


def test_striker_faces_the_target_during_the_clip():
    # B stands east of A; A's sim facing is toward Henry (east too, far) - put Henry north.
    a = lk.performer(2, "A", (10.0, 10.0))
    b = lk.performer(3, "B", (11.0, 10.0))
    level = lk.level(lk.henry(position=(10.0, 2.0)), [a, b], beats=[lk.beat(10, 2.0, 2, "punch", 3)], duration=4.0)
    bp = BodyPoses(simulate(level))
    f = bp.tb.frame_at(2.0) - 3  # before the beat's frame: the sim still has A facing Henry
    w = bp.at(f).world
    fwd = -w[0, INDEX["pelvis"], :3, 2]
    assert fwd[0] > 0.95  # facing east (+x), toward B


def test_a_fall_ends_lying_on_the_floor_where_the_sim_puts_it_and_stays_down():
    a = lk.performer(2, "A", (10.0, 10.0))
    level = lk.level(lk.henry(position=(10.0, 14.0)), [a], beats=[lk.beat(10, 1.0, 2, "fall", duration=0.8)],
                     duration=5.0)
    m = simulate(level)
    bp = BodyPoses(m)
    fd = int(np.argmax(m.perf_down[:, 0]))
    assert fd == bp.tb.frame_at(1.8)
    before = point_in(bp.at(fd - 24).world[0:1], INDEX["head"], EYE_IN_HEAD)[0]
    assert before[1] > 1.0
    heads = np.array([point_in(bp.at(f).world[0:1], INDEX["head"], EYE_IN_HEAD)[0] for f in range(fd, m.frames)])
    assert heads[:, 1].max() < 0.4
    # Feet where the sim froze it, head along the plan's fall direction (behind its facing).
    w = bp.at(m.frames - 1).world
    feet = (w[0, INDEX["l_foot"], :3, 3] + w[0, INDEX["r_foot"], :3, 3]) / 2
    assert np.hypot(*(feet[[0, 2]] - m.perf_xz[-1, 0])) < 0.25
    d = fall_direction(m.perf_facing[fd, 0])
    assert np.dot(heads[-1][[0, 2]] - m.perf_xz[-1, 0], d) > 1.4


def test_down_bodies_stay_down():
    a = lk.performer(2, "A", (10.0, 10.0))
    level = lk.level(lk.henry(position=(10.0, 14.0)), [a], beats=[lk.beat(10, 0.5, 2, "down")], duration=4.0)
    m = simulate(level)
    bp = BodyPoses(m)
    fd = int(np.argmax(m.perf_down[:, 0]))
    ys = [point_in(bp.at(f).world[0:1], INDEX["head"], EYE_IN_HEAD)[0, 1] for f in range(fd, m.frames, 7)]
    assert max(ys) < 0.4


def test_a_knocked_down_target_does_not_react_again():
    _, m, bp = duel("punch", 1.0, t=3.0, extra=[lk.beat(11, 1.0, 3, "fall")])
    f = bp.tb.frame_at(3.0)
    assert bp.lib.clips[bp.sched.clip[f, 1]].name == "fall"


def test_an_animator_adds_a_clip_by_files_alone(tmp_path):
    d = tmp_path / "clips"
    shutil.copytree(CLIPS_DIR, d)
    shutil.copy(d / "guard.bvh", d / "wave.bvh")
    with open(d / "clips.toml", "a") as fh:
        fh.write('\n[wave]\nfile = "wave.bvh"\ntiming = "span"\njoints = "upper"\n')
    lib = load_library(str(d))
    a = lk.performer(2, "A", (10.0, 10.0))
    level = lk.level(lk.henry(position=(10.0, 14.0)), [a], beats=[lk.beat(10, 1.0, 2, "wave", duration=2.0)],
                     duration=4.0)
    bp = BodyPoses(simulate(level), lib)
    f = bp.tb.frame_at(2.0)
    assert lib.clips[bp.sched.clip[f, 0]].name == "wave"
    # Guard pose: the right fist up at the chin, not hanging.
    assert fist(bp.at(f).world[0:1], "r_hand")[0, 1] > 1.4
    assert fist(bp.at(bp.tb.frame_at(0.5)).world[0:1], "r_hand")[0, 1] < 1.0


def test_a_bad_sidecar_is_refused_with_the_file_the_clip_and_the_fix(tmp_path):
    d = tmp_path / "clips"
    shutil.copytree(CLIPS_DIR, d)
    text = (d / "clips.toml").read_text().replace('target = "head"', 'target = "face"', 1)
    (d / "clips.toml").write_text(text)
    with pytest.raises(ClipError) as e:
        load_library(str(d))
    msg = str(e.value)
    assert "clips.toml [hit]" in msg or "clips.toml [punch]" in msg
    assert "target = 'face'" in msg and "fix the sidecar" in msg


def test_every_contact_action_and_the_extras_have_a_clip():
    lib = load_library()
    names = {c.name for c in lib.clips}
    assert {"punch", "kick", "hit", "grab", "throw", "tackle", "shove", "fall", "down", "guard", "dodge",
            "look"} <= names
    assert lib.get("look").joints == "head"
    for c in lib.clips:
        if c.reaction:
            assert lib.get(c.reaction) is not None
        assert os.path.exists(os.path.join(CLIPS_DIR, c.file))


def test_henry_is_never_a_reacting_body():
    a = lk.performer(2, "A", (10.0, 10.0))
    level = lk.level(lk.henry(position=(10.0, 11.0)), [a], beats=[lk.beat(10, 2.0, 2, "punch", HENRY)],
                     duration=4.0)
    bp = BodyPoses(simulate(level))
    assert (bp.sched.clip[:, 1] == -1).all()


def test_the_committed_clips_are_what_the_tool_writes(tmp_path, monkeypatch, capsys):
    import importlib.util

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    spec = importlib.util.spec_from_file_location("make_clips", os.path.join(root, "tools", "make_clips.py"))
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    monkeypatch.setattr(tool, "OUT", str(tmp_path))
    tool.main()
    made = sorted(p.name for p in tmp_path.iterdir())
    assert made == sorted(f for f in os.listdir(CLIPS_DIR) if f.endswith(".bvh"))
    for name in made:
        assert (tmp_path / name).read_bytes() == open(os.path.join(CLIPS_DIR, name), "rb").read(), name


def test_guard_is_up_in_a_fight_and_down_when_walking_away():
    _, m, bp = duel("punch", 1.0, t=2.0, duration=8.0)
    g = bp.sched.guard
    assert g[bp.tb.frame_at(1.0), 1] == 1.0  # the target, standing, 1 s before the blow
    assert g[bp.tb.frame_at(7.5), 1] == 0.0  # 5.5 s after it
    assert g[bp.tb.frame_at(2.0), 2] == 0.0  # Henry, 6 m away, not fighting


def test_a_span_clip_fills_the_beat():
    a = lk.performer(2, "A", (10.0, 10.0))
    level = lk.level(lk.henry(position=(10.0, 14.0)), [a], beats=[lk.beat(10, 1.0, 2, "guard", duration=2.0)],
                     duration=4.0)
    bp = BodyPoses(simulate(level))
    on = np.flatnonzero(bp.sched.clip[:, 0] >= 0)
    assert (on[0], on[-1] + 1) == (bp.tb.frame_at(1.0), bp.tb.frame_at(3.0))


def test_a_cmu_named_bvh_plays_as_a_clip(tmp_path):
    import bvhkit

    d = tmp_path / "clips"
    shutil.copytree(CLIPS_DIR, d)
    bvhkit.write(d / "taunt.bvh", bvhkit.build(bvhkit.cmu_spec(), 30, frame_time=1 / 30, scale=100.0))
    with open(d / "clips.toml", "a") as fh:
        fh.write('\n[taunt]\nfile = "taunt.bvh"\ntiming = "span"\njoints = "upper"\n')
    lib = load_library(str(d))
    c = lib.get("taunt")
    assert c.local.shape == (30, 17, 3, 3) and np.allclose(c.root[0], 0.0)
    a = lk.performer(2, "A", (10.0, 10.0))
    level = lk.level(lk.henry(position=(10.0, 14.0)), [a], beats=[lk.beat(10, 1.0, 2, "taunt", duration=1.0)],
                     duration=3.0)
    bp = BodyPoses(simulate(level), lib)
    assert lib.clips[bp.sched.clip[bp.tb.frame_at(1.5), 0]].name == "taunt"
    assert np.isfinite(bp.at(bp.tb.frame_at(1.5)).world).all()


def test_a_punch_at_henry_stops_in_front_of_the_lens_in_view():
    from posekit import view_coords

    a = lk.performer(2, "A", (10.0, 10.0))
    level = lk.level(lk.henry(position=(10.0, 11.3), heading=0.0), [a],
                     beats=[lk.beat(10, 2.0, 2, "punch", HENRY)], duration=4.0)
    m = simulate(level)
    bp = BodyPoses(m)
    f = bp.tb.frame_at(2.0)
    fp = bp.at(f).world
    eye = m.track.pos[f]
    hand = fist(fp[0:1], "r_hand")[0]
    assert abs(np.linalg.norm(hand - eye) - 0.15) < 0.10
    v = view_coords(m, f, hand[None])[0]
    assert v[2] < 0 and abs(v[0]) < 1 and abs(v[1]) < 1


def test_a_look_never_cuts_a_strike_short():
    a = lk.performer(2, "A", (10.0, 10.0))
    b = lk.performer(3, "B", (10.0, 11.0))
    level = lk.level(lk.henry(position=(10.0, 14.0)), [a, b],
                     beats=[lk.beat(10, 2.0, 2, "punch", 3), lk.beat(11, 1.95, 2, "look", 3, duration=1.0),
                            lk.beat(12, 1.95, 1, "look", 3), lk.beat(13, 2.0, 1, "punch", 3)], duration=4.0)
    bp = BodyPoses(simulate(level))
    f = bp.tb.frame_at(2.0)
    assert bp.lib.clips[bp.sched.clip[f, 0]].name == "punch"
    assert bp.lib.clips[bp.sched.clip[f, 2]].name == "punch"
    assert bp.lib.clips[bp.sched.clip[bp.tb.frame_at(2.6), 0]].name == "look"


@pytest.mark.parametrize("action", ["punch", "kick", "throw"])
def test_the_target_reels_away_from_the_blow_from_contact(action):
    _, m, bp = duel(action, 1.0)  # A at z 10 strikes B at z 11: the blow travels +z
    f = bp.tb.frame_at(2.0)
    z = [bp.at(g).world[1, INDEX["chest"], 2, 3] for g in (f - 1, f, f + 3)]
    assert z[1] == pytest.approx(z[0], abs=0.02)  # nothing before the contact
    assert z[2] > z[1] + 0.04  # then back, away from A


@pytest.mark.parametrize("action", ["kick", "throw", "tackle", "shove", "dodge", "fall"])
def test_no_foot_goes_through_the_floor(action):
    from previs.pose.limbs import HEEL_POINT, TOE_POINT

    _, m, bp = duel(action, 1.0)
    low = np.inf
    for f in range(m.frames):
        w = bp.at(f).world
        for foot in ("l_foot", "r_foot"):
            for pt in (HEEL_POINT, TOE_POINT):
                low = min(low, point_in(w, INDEX[foot], pt)[:, 1].min())
    assert -1e-9 < low < 0.1


def test_a_clip_in_previs_joints_written_in_metres_reads_as_the_one_in_centimetres(tmp_path):
    from previs.pose.clips import clip_from_bvh

    text = open(os.path.join(CLIPS_DIR, "punch.bvh")).read()
    head, motion = text.split("MOTION", 1)
    head = "\n".join(
        (ln.split("OFFSET")[0] + "OFFSET " + " ".join(f"{float(v) / 100:.6f}" for v in ln.split()[1:]))
        if ln.strip().startswith("OFFSET") else ln for ln in head.splitlines())
    rows = motion.strip().splitlines()
    body = [" ".join([f"{float(v) / 100:.6f}" for v in r.split()[:3]] + r.split()[3:]) for r in rows[2:]]
    metres = tmp_path / "punch_m.bvh"
    metres.write_text(head + "\nMOTION\n" + "\n".join(rows[:2] + body) + "\n")
    cm = clip_from_bvh("punch", os.path.join(CLIPS_DIR, "punch.bvh"), {}, "cm")
    m = clip_from_bvh("punch", str(metres), {}, "m")
    assert np.abs(m.root - cm.root).max() < 1e-6  # metres, not 100 x too small
    assert np.array_equal(m.local, cm.local)
