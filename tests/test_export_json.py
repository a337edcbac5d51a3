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


# -- the bulk paths write exactly what the plain rule writes (issue 20) -------------------

LONG = "Goon with a name long enough that two of them overflow one line of the file " * 2


def _awkward_records():
    """Lists of scalar-only records that exercise every branch of the layout rule."""
    pose = {"name": "Goon 1", "x": 10.0, "z": -0.0, "facing": 1e16, "state": "standing"}
    return [
        [pose, dict(pose, name="Goon \"2\" é\u2028\\", x=5e-324, z=1.5e300)],
        [pose, dict(pose, name=LONG)],  # one record too long: every record on its own
        [{"t": 1.0, "note": "a"}, {"t": 2}, {"t": True, "x": None}],  # keys differ per record
        [{"a": 1 << 70, "b": False}] * 3,
        [{"a": "}\x00{", "b": "\x00{\"c\": 1}"}, {"a": "}, {", "b": ", "}],  # the NUL cut must not be fooled
        [{"a": []}, {"a": {}}],  # empty containers: the plain rule
        [{"a": np.float64(1.5)}],  # a float subclass: the plain rule
        ["Goon 1", "Goon 2"],
        ["Goon %d" % i for i in range(40)],  # too long for one line: one name a line
        ["a", 1, 2.5, None, True, -0.0],
        [1, [2], {"a": 1}],
    ]


@pytest.mark.parametrize("records", _awkward_records())
@pytest.mark.parametrize("depth", [0, 1, 4])
def test_bulk_lists_are_the_plain_rule(records, depth):
    doc = records
    for _ in range(depth):
        doc = {"k": doc, "other": {"x": 1}}
    assert shotplan_json.dumps(doc) == shotplan_json.dumps_plain(doc)
    assert json.loads(shotplan_json.dumps(doc)) == json.loads(json.dumps(doc))


def _with_findings(plan, findings):
    import dataclasses

    return dataclasses.replace(plan, safety=tuple(findings))


def _finding_mix(plan):
    from previs.plan.safety import ClearanceFinding, ZoneFinding

    zone = next(f for f in plan.safety if isinstance(f, ZoneFinding))
    out = [ClearanceFinding(who=("Goon 1", "Goon 2"), frame=i, time=i / 24, distance=round(0.1 * i - 0.3, 2))
           for i in range(7)]
    out[2] = ClearanceFinding(who=("Goon 1", "Goon \"3\" é"), frame=2, time=0.083, distance=-0.0)
    out[3] = ClearanceFinding(who=("Goon 1", "Goon 2"), frame=3, time=3, distance=0)  # ints, not floats
    out[5] = ClearanceFinding(who=("Goon 1", "Goon 2"), frame=5, time=3.0, distance=0.0)  # equal floats after them
    out.insert(4, zone)
    return out


def test_findings_are_the_plain_rule():
    level, motion = scene()
    plan = build_plan(motion.track, settings=PlanSettings(), motion=motion)
    mix = _finding_mix(plan)
    cases = [
        mix,
        mix[:2],
        [zone for zone in mix if zone.kind != "clearance"],  # no clearance finding: the plain rule
        mix + [dataclasses_replace(mix[0], who=(LONG, "Goon 1"))],  # a pair too long for one line
        mix + [dataclasses_replace(mix[0], who=("Goon 1",))],  # not a pair
        mix + [dataclasses_replace(mix[0], who=())],  # an empty who
        mix + [dataclasses_replace(mix[0], distance=np.float64(0.25))],  # a numpy float
        mix + [dataclasses_replace(mix[0], kind=7)],  # a kind that is not text
    ]
    for findings in cases:
        p = _with_findings(plan, findings)
        assert shotplan_json.to_text(p) == shotplan_json.dumps_plain(p.to_dict())


def test_findings_chunks_and_their_fallback(monkeypatch):
    level, motion = scene()
    plan = build_plan(motion.track, settings=PlanSettings(), motion=motion)
    monkeypatch.setattr(shotplan_json, "CHUNK", 3)  # chunks end inside runs, and one falls back
    mix = _finding_mix(plan)
    mix[5] = dataclasses_replace(mix[5], distance=np.float64(0.25))
    p = _with_findings(plan, mix * 3)
    assert shotplan_json.to_text(p) == shotplan_json.dumps_plain(p.to_dict())


def test_findings_refuse_nan_like_the_plain_rule():
    level, motion = scene()
    plan = build_plan(motion.track, settings=PlanSettings(), motion=motion)
    mix = _finding_mix(plan)
    p = _with_findings(plan, mix + [dataclasses_replace(mix[0], distance=float("nan"))])
    with pytest.raises(ValueError, match="Out of range float values"):
        shotplan_json.to_text(p)
    with pytest.raises(ValueError, match="Out of range float values"):
        shotplan_json.dumps_plain(p.to_dict())


def test_crowd_plan_is_the_plain_rule():
    level, motion = crowd(frames=1200, performers=60)
    plan = build_plan(motion.track, settings=PlanSettings(), motion=motion)
    assert sum(f.kind == "clearance" for f in plan.safety) > 20 and len(plan.cuts) > 0
    assert shotplan_json.to_text(plan) == shotplan_json.dumps_plain(plan.to_dict())


def dataclasses_replace(f, **kw):
    """A finding with fields replaced, bypassing type checks (frozen, slotted dataclass)."""
    import dataclasses

    return dataclasses.replace(f, **kw)


def test_a_clearance_record_the_template_does_not_describe_takes_the_plain_rule(monkeypatch):
    # The template is checked against ClearanceFinding.to_dict on the plan's first
    # clearance finding: a record with another shape is written by the plain rule.
    from previs.plan.safety import ClearanceFinding

    level, motion = scene()
    plan = build_plan(motion.track, settings=PlanSettings(), motion=motion)
    p = _with_findings(plan, _finding_mix(plan))
    before = shotplan_json.to_text(p)
    monkeypatch.setattr(ClearanceFinding, "to_dict", lambda f: {"kind": f.kind, "frame": f.frame, "who": list(f.who)})
    text = shotplan_json.to_text(p)
    assert text == shotplan_json.dumps_plain(p.to_dict()) != before
    assert '"frame": 2' in text
