"""shotplan.json: exact document, deterministic bytes, readable layout."""

import json

import numpy as np
import pytest

from previs.export import shotplan_json
from previs.plan.shotplan import PlanSettings, build_plan
from plankit import crowd, make_track, scene


def test_json_is_the_plan_document(tmp_path):
    level, motion = scene()
    plan = build_plan(motion.track, settings=PlanSettings(), motion=motion)
    path = tmp_path / "shotplan.json"
    shotplan_json.write(plan, path)
    raw = path.read_bytes()
    doc = json.loads(raw)
    assert doc == plan.to_dict()
    assert raw.endswith(b"}\n")
    shotplan_json.write(plan, tmp_path / "again.json")
    assert (tmp_path / "again.json").read_bytes() == raw


def test_layout_keeps_small_objects_on_one_line():
    level, motion = scene()
    text = shotplan_json.to_text(build_plan(motion.track, settings=PlanSettings(), motion=motion))
    assert '\n  "format": "previs-shotplan/1",\n' in text
    assert '{"name": "Goon 1", "x": 10.0, "z": 5.0, "facing": 0.0, "state": "standing"}' in text
    assert max(len(line) for line in text.splitlines()) <= 100 + 20  # a long name may overflow a little


def test_big_plan_round_trips():
    level, motion = crowd(frames=1200, performers=30)
    plan = build_plan(motion.track, settings=PlanSettings(), motion=motion)
    text = shotplan_json.to_text(plan)
    assert json.loads(text) == plan.to_dict()
    assert shotplan_json.dumps({"a": [], "b": {}, "c": [1, [2]], "d": "é"}) == (
        '{\n  "a": [],\n  "b": {},\n  "c": [\n    1,\n    [2]\n  ],\n  "d": "é"\n}\n')


def test_plain_track_json():
    plan = build_plan(make_track(np.zeros(10)), settings=PlanSettings(), title="t")
    doc = json.loads(shotplan_json.to_text(plan))
    assert doc["level"] is None and doc["safety"] == [] and doc["cuts"] == []
    assert doc["shots"][0]["performers_in_view"] == [] and doc["shots"][0]["beats"] == []


def test_one_line_records_are_the_json_encoders_text():
    # _one_line (the C encoder made once) writes exactly what JSONEncoder.encode writes,
    # escapes, -0.0, huge ints, empty containers and all; NaN is refused the same way.
    from previs.export import shotplan_json as sj

    cases = [{"a": 1, "b": 2.5, "c": "x\"\n\u00e9\u2028\\", "d": None, "e": True, "f": False, "g": [], "h": {}},
             [1, -0.0, 1e300, 5e-324, "é", None], {1: "x", "y": 2}, {"k": 1 << 70}, [True, 1, 1.0], "tab\t", 7]
    for c in cases:
        assert sj._one_line(c) == sj._encode(c)
    for bad in (float("nan"), float("inf")):
        with pytest.raises(ValueError):
            sj.dumps({"x": [bad]})
