"""build_plan with a motion: continuity cards, beats and performers per shot, safety; the
shotplan.json shape of docs/exports.md."""

import json

import numpy as np
import pytest

from previs.export.shotplan_json import to_text
from previs.plan.shotplan import FORMAT, PlanSettings, build_plan
from plankit import make_track, scene

FPS = 24

# outputs.md, key for key and in order.
TOP = ["format", "level", "revision", "title", "fps", "frames", "duration", "settings", "cuts", "shots", "safety", "comfort",
       "rate", "drop_frame", "reel"]
SETTINGS = ["turn_cut_speed", "turn_cut_angle", "max_take", "safety_distance"]
CUT = ["frame", "time", "timecode", "direction", "angle", "peak_speed", "settle_frame", "settle_timecode", "continuity"]
HENRY = ["x", "z", "yaw", "pitch"]
PERF = ["name", "x", "z", "facing", "state"]
SHOT = ["index", "start_frame", "end_frame", "start_tc", "end_tc", "duration", "over_max_take",
        "performers_in_view", "beats", "suggested_cut"]
BEAT = ["t", "actor", "action", "target"]
CLEARANCE = ["kind", "who", "time", "distance"]
COMFORT = ["peak_yaw_speed", "seconds_over_comfort"]


def test_plan_with_motion():
    level, motion = scene()
    plan = build_plan(motion.track, settings=PlanSettings.from_level(level.settings), motion=motion)
    # the level's path in its project: levels/ holds previs.tiled-project
    assert plan.level == "synthetic.tmx" and plan.title == "Synthetic" and plan.has_motion
    cut, back = plan.cuts
    assert abs(cut.frame - 3.125 * FPS) <= 1 and cut.direction == "left"
    assert abs(back.frame - 7.625 * FPS) <= 1 and back.direction == "right"
    h = cut.continuity.henry
    assert (h.x, h.z, h.pitch) == (10.0, 10.0, -3.3) and 30 < h.yaw < 60
    assert [p.name for p in cut.continuity.performers] == ["Goon 1", "Goon 2", "Goon 3"]
    g2 = cut.continuity.performers[1]
    assert (g2.x, g2.z, g2.facing, g2.state) == (4.5, 10.0, -90.0, "standing")

    s1, s2, s3 = plan.shots
    assert s1.performers_in_view == ("Goon 1",)
    assert s2.performers_in_view == ("Goon 2",)  # Goon 3 behind Henry is never in view
    assert s3.performers_in_view == ("Goon 1",)
    # A beat belongs to the shot its t falls in: the look that starts the whip at 3.0 s is
    # still in shot 1 (the cut is at its peak, 3.125 s).
    assert [(b.t, b.actor, b.action, b.target) for b in s1.beats] == [
        (1.0, "Henry", "look", "Goon 1"), (3.0, "Henry", "look", "Goon 2")]
    assert [(b.t, b.actor, b.action, b.target) for b in s2.beats] == [
        (4.0, "Goon 2", "punch", "Henry"), (6.0, "Goon 2", "fall", None)]
    assert s2.beats[0].to_dict() == {"t": 4.0, "actor": "Goon 2", "action": "punch", "target": "Henry", "note": "pull it"}
    assert s2.beats[0].label == "Goon 2 punch Henry" and s2.beats[1].label == "Goon 2 fall"
    assert s1.beats[0].by_henry and not s2.beats[0].by_henry

    kinds = [(f.kind, f.who) for f in plan.safety]
    assert ("pyro", ("Goon 1",)) in kinds
    assert ("clearance", ("Goon 3", "Henry")) in kinds  # 0.3 m behind Henry's back
    # Goon 2 punches from 5.5 m (out of reach) and falls on bare floor (no crash mat).
    assert ("reach", ("Goon 2", "Henry")) in kinds and ("landing", ("Goon 2",)) in kinds
    assert len(kinds) == 4
    clear = [f for f in plan.safety if f.kind == "clearance"][0]
    assert clear.distance == 0.3 and clear.time == pytest.approx(8.0 + 5.1 / 5.0, abs=1 / FPS)
    assert [f.time for f in plan.safety] == sorted(f.time for f in plan.safety)

    # Goon 2 fell at 6.5 s: down on the second cut's card.
    assert [p.state for p in back.continuity.performers] == ["standing", "down", "standing"]
    assert all(p.state == "standing" for p in cut.continuity.performers)


def test_plan_without_motion_has_henry_only():
    _, motion = scene()
    plan = build_plan(motion.track, settings=PlanSettings(), title="bare")
    assert plan.level is None and not plan.has_motion and plan.safety == ()
    assert plan.cuts[0].continuity.performers == ()
    assert all(s.performers_in_view == () and s.beats == () for s in plan.shots)
    d = plan.to_dict()
    assert d["cuts"][0]["continuity"] == {"henry": plan.cuts[0].continuity.henry.to_dict(), "performers": []}


def test_motion_must_match_the_track():
    level, motion = scene()
    with pytest.raises(ValueError):
        build_plan(make_track(np.zeros(10)), settings=PlanSettings(), motion=motion)


def keys_start_with(d, keys):
    assert list(d)[: len(keys)] == keys, (list(d), keys)


def test_json_shape_matches_outputs_md():
    level, motion = scene()
    plan = build_plan(motion.track, settings=PlanSettings.from_level(level.settings), motion=motion,
                      level_path="levels/scene.tmx")
    doc = json.loads(to_text(plan))
    assert list(doc) == TOP
    assert doc["format"] == FORMAT == "previs-shotplan/1"
    assert doc["level"] == "levels/scene.tmx" and doc["fps"] == 24 and doc["frames"] == 240 and doc["duration"] == 10.0
    assert (doc["rate"], doc["drop_frame"], doc["reel"]) == ("24", False, "SCENE")
    keys_start_with(doc["settings"], SETTINGS)
    for c in doc["cuts"]:
        assert list(c) == CUT
        assert list(c["continuity"]) == ["henry", "performers"]
        assert list(c["continuity"]["henry"]) == HENRY
        for p in c["continuity"]["performers"]:
            assert list(p) == PERF and p["state"] in ("standing", "down")
    for s in doc["shots"]:
        assert list(s) == SHOT
        assert isinstance(s["over_max_take"], bool)
        for b in s["beats"]:
            keys_start_with(b, BEAT)
    for f in doc["safety"]:
        if f["kind"] == "clearance":
            assert list(f) == CLEARANCE
        else:
            assert f["kind"] in ("no-go", "pyro", "lying-body", "landing", "reach")
            assert list(f)[:2] == ["kind", "who"] and "time" in f
    keys_start_with(doc["comfort"], COMFORT)
    # Types as in the example.
    assert isinstance(doc["cuts"][0]["frame"], int) and isinstance(doc["cuts"][0]["angle"], float)
    assert doc["shots"][0]["start_tc"] == "00:00:00:00"


def test_rounding_is_stable():
    level, motion = scene()
    plan = build_plan(motion.track, settings=PlanSettings(), motion=motion)
    doc = plan.to_dict()
    c = doc["cuts"][0]
    assert c["angle"] == round(c["angle"], 1) and c["peak_speed"] == round(c["peak_speed"], 1)
    assert c["time"] == round(c["time"], 3)
    text = to_text(plan)
    assert "-0.0," not in text and "-0.0}" not in text and "NaN" not in text
