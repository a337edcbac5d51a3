"""Issue 17: realistic choreography edits each fail the right check, in both runners.

Each edit is made on a temporary copy of the bundled corridor (tests/editkit.py), the way an
author would in Tiled, against its signed-off expectations and goldens. ``previs test`` and
``pytest`` are run once each over all the edited copies; both must fail exactly the checks
of :data:`EDITS`, which is also the table in docs/testing.md (a test compares them)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from editkit import (add_performer, bundled_copy, move_object, remove_object, set_map_prop, set_prop, set_wall)
from expectkit import plugin_args

ROOT = Path(__file__).resolve().parent.parent

# edit name -> (the edits, the failing expectation ids of corridor.expect.toml)
EDITS = {
    "a wall removed (room B's corridor wall: Goon 4 shows early)": (
        [set_wall(5, c, 0) for c in range(18, 24)], {"golden.plan"}),
    "a bystander added in the corridor": (
        [add_performer("Bystander", 25.0, 6.6)], {"safety.findings", "safety.min_clearance", "golden.plan"}),
    "a beat shifted (the 8 s whip to Goon 2 one second later)": (
        [set_prop(23, "t", 9)], {"cut[1]", "cuts.exact", "in_view[3]", "golden", "golden.plan"}),
    "a look retargeted (12 s: Goon 5 instead of Goon 4)": (
        [set_prop(28, "target", 6, "object")], {"in_view[5]", "golden", "golden.plan"}),
    "Henry slowed (1.4 to 1.2 m/s)": (
        [set_prop(1, "speed", 1.2)], {"cut[3]", "shots.count", "shots.longest_max", "in_view[8]", "position[3]",
                                      "position[9]", "position[10]", "position[11]",  # his path timing
                                      "safety.findings", "golden", "golden.plan"}),
    "a near miss removed (Goon 3's run 0.45 m further from Henry)": (
        [move_object(11, dz_m=-0.45), move_object(4, dz_m=-0.45)],
        {"cut[2]", "cuts.exact", "position[5]", "safety.findings", "golden", "golden.plan"}),
    "start_tc shifted by 10 s": (
        [set_map_prop("start_tc", "01:00:10:00")], {"timecode.start", "timecode.end", "golden.plan"}),
    "a performer moved (Goon 5 and his path 1 m north)": (
        [move_object(13, dz_m=-1.0), move_object(6, dz_m=-1.0)],
        {"position[8]", "safety.findings", "safety.min_clearance", "golden", "golden.plan"}),
    "a beat removed (the 7.1 s punch)": (
        [remove_object(21)], {"safety.findings", "golden", "golden.plan"}),
    "a wall added in the sight line (Goon 5 at the far end)": (
        [set_wall(7, 40, 1)], {"in_view[9]", "golden.plan"}),
    "the frame rate changed (24 to 25 fps)": (
        [set_map_prop("fps", 25)], {"golden", "golden.plan"}),
    "the turn-cut threshold raised (150 to 600 deg/s)": (
        [set_map_prop("turn_cut_speed", 600)], {"cut[3]", "cut[4]", "shots.count", "shots.longest_max", "in_view[7]",
                                                "golden.plan"}),
    "the pyro zone moved 4 m": (
        [move_object(15, dx_m=4.0)], {"safety.findings", "golden.plan"}),
    "a runner slowed (Goon 3, 3.5 to 3.0 m/s)": (
        [set_prop(4, "speed", 3.0)], {"position[5]", "safety.findings", "golden", "golden.plan"}),
    "the lens narrowed (hfov 90 to 70)": (
        [set_map_prop("hfov", 70)], {"golden", "golden.plan"}),
    "the fight shortened (45 to 42 s)": (
        [set_map_prop("duration", 42)], {"position[8]", "timecode.end", "golden", "golden.plan"}),
    "a fall retimed (Goon 1's fall 7.05 to 7.6 s)": (
        [set_prop(22, "t", 7.6)], {"safety.findings", "golden", "golden.plan"}),
    "a beat's note edited": (
        [set_prop(19, "note", "knife slash, rehearsed twice", "string")], set()),
    "the title changed": (
        [set_map_prop("title", "Corridor fight (v2)")], set()),
}


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40]


@pytest.fixture(scope="module")
def edited(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("edits")
    for name, (edits, _) in EDITS.items():
        bundled_copy(base / _slug(name), "corridor", *edits)
    return base


def _env() -> dict:
    import os

    env = dict(os.environ)
    for k in ("PYTEST_XDIST_WORKER", "PYTEST_XDIST_WORKER_COUNT", "PYTEST_ADDOPTS"):
        env.pop(k, None)
    env["COLUMNS"] = "250"
    return env


def _by_edit(ids: list[str]) -> dict[str, set[str]]:
    out = {_slug(n): set() for n in EDITS}
    for node in ids:
        folder, _, ident = node.partition("/corridor.expect.toml::")
        out[folder.split("/")[0]].add(ident)
    return out


def test_each_edit_fails_the_right_checks_in_previs_test(edited):
    r = subprocess.run([sys.executable, "-m", "previs", "test", "-q", "."], cwd=edited, capture_output=True,
                       text=True, env=_env(), timeout=900)
    assert r.returncode == 1
    failed, current = [], None
    for line in r.stdout.splitlines():
        m = re.match(r"^FAIL  (?:\./)?(\S+/corridor\.expect\.toml)", line)
        if m:
            current = m.group(1)
        m = re.match(r"^    FAIL  (\S+)", line)
        if m:
            failed.append(f"{current}::{m.group(1)}")
    got = _by_edit(failed)
    assert got == {_slug(n): want for n, (_, want) in EDITS.items()}


def test_each_edit_fails_the_right_checks_under_pytest(edited):
    r = subprocess.run([sys.executable, "-m", "pytest", *plugin_args(), "-p", "no:cacheprovider",
                        "-p", "no:hypothesispytest", "-q", "-rf", "."], cwd=edited, capture_output=True, text=True,
                       env=_env(), timeout=900)
    assert r.returncode == 1, r.stdout[-2000:]
    failed = [m.group(1) for m in re.finditer(r"^FAILED (\S+)", r.stdout, re.M)]
    got = _by_edit(failed)
    assert got == {_slug(n): want for n, (_, want) in EDITS.items()}


def test_the_docs_table_lists_every_edit_and_its_failing_checks():
    text = (ROOT / "docs" / "testing.md").read_text()
    table = text.split("<!-- edits table -->")[1]
    rows = {}
    for line in table.splitlines():
        m = re.match(r"^\| (.+?) \| (.+?) \|", line)
        if m and not m.group(1).startswith(("edit", "---")):
            checks = set(re.findall(r"`([^`]+)`", m.group(2)))
            rows[m.group(1)] = checks
    assert rows == {n: want for n, (_, want) in EDITS.items()}


def test_the_issue_s_framing_edit_reads_as_a_framing_change(edited):
    from previs.testing.runner import Session, run_file

    rep = run_file(Session(), edited / _slug(next(iter(EDITS))) / "corridor.expect.toml")
    (r,) = [x for x in rep.results if not x.ok]
    assert "shot from 10.542 s: Goon 4 now in frame 13.417-25.167 s (frames 322-604) on 283 frames, was " \
           "20.458-25.167 s (frames 491-604) on 114" in r.text()
    near = run_file(Session(), edited / _slug("a near miss removed (Goon 3's run 0.45 m further from Henry)")
                    / "corridor.expect.toml")
    text = [x for x in near.results if x.expectation.id == "safety.findings"][0].text()
    assert "the accepted clearance finding (Goon 3 and Henry at 13 s ± 0.5 s, [[safety.allow]] #" in text
    assert "it no longer happens" in text
