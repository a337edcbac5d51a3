"""The bundled levels' signed-off expectations: every level has one, with a golden track,
and all of them pass within the time budget (under 10 s of CPU for all levels)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from previs.testing.runner import Session, discover, run_file

ROOT = Path(__file__).resolve().parent.parent
LEVELS = ROOT / "levels"
BUNDLED = sorted(LEVELS.glob("*.tmx"))

pytestmark = pytest.mark.skipif(not BUNDLED, reason="no bundled levels yet")


@pytest.mark.parametrize("level", BUNDLED, ids=lambda p: p.stem)
def test_every_bundled_level_has_expectations_and_a_golden_track(level):
    exp = level.with_name(level.stem + ".expect.toml")
    assert exp.exists(), f"{exp.name} is missing"
    from previs.testing.expect import parse_file

    ef = parse_file(exp)
    kinds = {e.kind for e in ef.expectations}
    assert {"cut", "cuts.exact", "shots.count", "shots.longest_max", "in_view", "position", "safety.findings",
            "safety.min_clearance", "comfort.peak_yaw_speed_max", "golden"} <= kinds
    golden = [e for e in ef.expectations if e.kind == "golden"]
    assert golden[0].spec["track"] == level.with_name(level.stem + ".golden.csv")
    assert golden[0].spec["track"].exists()


def test_all_bundled_expectations_pass_within_the_time_budget():
    files, problems = discover([LEVELS])
    assert not problems and files
    session = Session()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    reports = [run_file(session, f) for f in files]
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    failed = {r.id: r.text() for rep in reports for r in rep.results if not r.ok}
    assert not [rep.problems for rep in reports if rep.problems]
    assert not failed, failed
    # Budget: every bundled level's expectations in under 10 s on a 2-core machine.
    assert cpu < 10.0, f"replaying the bundled expectations took {cpu:.1f} s CPU ({wall:.1f} s wall)"
