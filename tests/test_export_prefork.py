"""What the forked writer is sent: the plan packed as columns, rebuilt equal (issue 20)."""

import dataclasses
import pickle
from functools import cached_property

import pytest

from previs.export import fcp_xml, prefork
from previs.plan.safety import ClearanceFinding
from previs.plan.shotplan import PlanSettings, build_plan
from plankit import crowd, scene


def _sent(plan, name="fcp_xml"):
    """The plan as the child unpickles it."""
    (got_name, got, path), = pickle.loads(pickle.dumps(prefork.job(plan, {name: "/x/y"}, (name,))))
    assert (got_name, path) == (name, "/x/y")
    return got


def test_the_parcel_is_the_plan_field_for_field():
    level, motion = crowd(frames=600, performers=40)
    plan = build_plan(motion.track, settings=PlanSettings(), motion=motion)
    extra = (ClearanceFinding(who=("Goon 1", "Goon 2"), frame=599, time=-0.0, distance=-0.0),
             ClearanceFinding(who=("Goon 1", "Goon 2"), frame=599, time=3, distance=1 << 70))
    plan = dataclasses.replace(plan, safety=plan.safety + extra)
    kinds = {f.kind for f in plan.safety}
    assert {"clearance", "lying-body"} <= kinds and len(kinds) >= 3 and len(plan.cuts) >= 1
    got = _sent(plan)
    assert got.safety == plan.safety and got.cuts == plan.cuts and got.shots == plan.shots
    assert [type(f) for f in got.safety] == [type(f) for f in plan.safety]
    for a, b in zip(got.safety, plan.safety):  # the very values: -0.0 stays -0.0, an int stays an int
        assert [repr(getattr(a, f.name)) for f in dataclasses.fields(a)] == \
               [repr(getattr(b, f.name)) for f in dataclasses.fields(b)]
        assert hash(a) == hash(b)
    for a, b in zip(got.cuts, plan.cuts):
        assert [vars(p) for p in a.continuity.performers] == [vars(p) for p in b.continuity.performers]
        assert len(a.continuity.performers) == 40
    assert fcp_xml.to_text(got) == fcp_xml.to_text(plan)
    assert got.to_dict() == plan.to_dict()


def test_a_plan_without_motion_and_the_usd_reads():
    level, motion = scene()
    plan = build_plan(motion.track, settings=PlanSettings())  # no findings, cuts without performers
    assert _sent(plan).to_dict() == plan.to_dict()
    with_motion = build_plan(motion.track, settings=PlanSettings(), motion=motion)
    assert _sent(with_motion, "usd").safety == ()  # usd.reads: what it writes from, as before


@dataclasses.dataclass(frozen=True)
class _Cached:
    a: int

    @cached_property
    def double(self):
        return 2 * self.a


@dataclasses.dataclass(frozen=True, slots=True)
class _Slotted:
    a: int
    b: str = "x"


@pytest.mark.parametrize("objs", [
    (_Cached(1), _Cached(2)),  # plain dataclasses: field columns, rebuilt through their dicts
    (_Slotted(1), _Slotted(2, "y"), _Cached(3), _Slotted(4)),  # runs of types, order kept
    (1, "a", None, _Slotted(5)),  # not dataclasses: as they are
])
def test_columns_rebuild_any_run(objs):
    assert prefork._rows(pickle.loads(pickle.dumps(prefork._columns(objs)))) == objs


def test_an_instance_holding_more_than_its_fields_goes_whole():
    one = _Cached(4)
    assert one.double == 8  # cached in the instance dict, beside the field
    runs = prefork._columns((one, _Cached(5)))
    assert runs == [(None, [one, _Cached(5)])]
    got = prefork._rows(pickle.loads(pickle.dumps(runs)))
    assert got == (one, _Cached(5)) and vars(got[0]) == {"a": 4, "double": 8}


def test_a_plan_with_more_records_than_worth_sending_writes_its_xml_here(monkeypatch):
    level, motion = crowd(frames=600, performers=40)
    plan = build_plan(motion.track, settings=PlanSettings(), motion=motion)
    records = len(plan.safety) + 40 * len(plan.cuts)  # findings and every cut's 40 poses
    assert prefork.sent_records(plan) == records > len(plan.safety)
    forked = prefork.ForkedWriter("fcp_xml")
    try:
        monkeypatch.setattr(prefork, "MAX_SENT_FINDINGS", records)
        assert forked.worth(plan, "fcp_xml")
        monkeypatch.setattr(prefork, "MAX_SENT_FINDINGS", records - 1)
        assert not forked.worth(plan, "fcp_xml")
    finally:
        forked.close()
