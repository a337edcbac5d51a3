"""Issue 20: crowds. More than 8 standing bodies in a 2 m square is a crowd: one finding
per crowd spell, and no pair-by-pair clearance between performers inside it (Henry's
clearance is always checked). The mask is checked against a square-by-square count
written the slow way, the clearance against all pairs minus the crowded ones, and a
hand-placed crowd's finding field by field, through `previs replay` into shotplan.json."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

from previs.cli import main
from previs.level.loader import load_level
from previs.plan import crowd, safety
from previs.sim.script import simulate

sys.path.insert(0, str(Path(__file__).parent))
from battlekit import MapWriter, battle, reference  # noqa: E402


@pytest.fixture(scope="module")
def scrum(tmp_path_factory):
    """250 performers within 10 m of Henry for 6 s: 0.8 a m^2 on average, crowds here and there."""
    path = battle(tmp_path_factory.mktemp("scrum") / "scrum.tmx", performers=250, layout="dense", seconds=6.0)
    level = load_level(path)
    return level, simulate(level)


def slow_mask(level, motion) -> np.ndarray:
    """The crowd rule the obvious way: a dict of square -> bodies per frame, then per
    performer the gaps of at most 1 s between crowded frames filled."""
    xz = safety.body_positions(motion)
    down = np.asarray(motion.perf_down, bool)
    F, B, _ = xz.shape
    mask = np.zeros((F, B), bool)
    for f in range(F):
        squares: dict = {}
        for b in range(B):
            if b and down[f, b - 1]:
                continue
            sq = (int(np.floor(xz[f, b, 0] / 2.0)), int(np.floor(xz[f, b, 1] / 2.0)))
            squares.setdefault(sq, []).append(b)
        for bodies in squares.values():
            if len(bodies) > 8:
                for b in bodies:
                    mask[f, b] = b != 0
    join = round(1.0 * motion.track.fps)
    for b in range(B):
        on = np.flatnonzero(mask[:, b])
        for f0, f1 in zip(on[:-1], on[1:]):
            if f1 - f0 <= join:
                mask[f0:f1, b] = True
    return mask


def test_the_crowd_mask_is_the_square_by_square_count(scrum):
    level, motion = scrum
    got = crowd.crowd_mask(motion)
    want = slow_mask(level, motion)
    assert want.sum() > 100 and not want.all()  # some crowd, not all of it
    assert not got[:, 0].any()  # Henry is never in a crowd
    assert np.array_equal(got, want)


def test_the_mask_counts_by_sorting_when_the_grid_would_be_big(scrum, monkeypatch):
    level, motion = scrum
    want = crowd.crowd_mask(motion).copy()
    monkeypatch.setattr(crowd, "GRID_CELLS", 10)
    monkeypatch.setattr(crowd, "_MASKS", type(crowd._MASKS)())
    assert np.array_equal(crowd.crowd_mask(motion), want)


def test_clearance_in_a_scrum_is_all_pairs_but_those_inside_a_crowd(scrum):
    level, motion = scrum
    mask = crowd.crowd_mask(motion)
    names = safety.body_names(level)
    got = sorted((c.frame, c.who, c.distance) for c in safety.clearance_findings(level, motion, 0.5))
    every = reference(level, motion, 0.5)
    want = sorted((f, tuple(sorted((names[a], names[b]))), g) for f, (a, b), g in
                  reference(level, motion, 0.5, skip=mask))
    assert len(want) > 50 and len(every) > len(want)  # the crowd took some pairs out
    assert any("Henry" in w for _, w, _ in want)
    assert got == want


def hand_placed(path: Path, performers: int, henry_in: bool = False, seconds: float = 4.0) -> Path:
    """``performers`` standing in the 2 m square [10, 12) x [10, 12) (a 3 x 3 grid, 0.6 m
    apart, from (10.4, 10.4)); Henry at (11.0, 10.45) inside it, or far away at (3, 3)."""
    mw = MapWriter(20, 20, {"title": "crowd", "duration": seconds, "fps": 24})
    mw.tile_layer("walls", bytearray(400))
    hx, hz = (11.0, 10.45) if henry_in else (3.0, 3.0)
    mw.point("henry", "Henry", hx, hz)
    for k in range(performers):
        mw.point("performer", f"Extra {k + 1}", 10.4 + 0.6 * (k % 3), 10.4 + 0.6 * (k // 3))
    return mw.write(path)


def test_nine_bodies_in_a_square_are_a_crowd_and_eight_are_not(tmp_path):
    eight = load_level(hand_placed(tmp_path / "eight.tmx", 8))
    m8 = simulate(eight)
    assert crowd.crowd_findings(eight, m8) == []
    assert len(safety.clearance_findings(eight, m8, 0.5)) == 17  # 0.6 m apart: 10 side by side (0.0 m of air), 7 diagonal (0.25 m)
    nine = load_level(hand_placed(tmp_path / "nine.tmx", 8, henry_in=True))
    m9 = simulate(nine)
    (c,) = crowd.crowd_findings(nine, m9)  # Henry counts toward the square...
    assert c.count == 8 and "Henry" not in c.who  # ...but is not in the crowd
    assert (c.frame, c.time, c.exit, c.peak, c.density, c.x, c.z) == (0, 0.0, 4.0, 0.0, 2.25, 11.0, 11.0)
    # inside the crowd no performer pair is listed; Henry's clearance to each still is
    found = safety.clearance_findings(nine, m9, 0.5)
    assert found and all("Henry" in f.who for f in found)
    assert sorted(f.who[0] for f in found) == ["Extra 1", "Extra 2", "Extra 3", "Extra 4", "Extra 5", "Extra 6"]


def test_a_crowd_reaches_shotplan_json_and_the_report(tmp_path):
    level = hand_placed(tmp_path / "crowd.tmx", 9)
    assert main(["replay", str(level), "-o", str(tmp_path / "out")]) == 0
    plan = json.loads((tmp_path / "out" / "shotplan.json").read_text())
    crowds = [f for f in plan["safety"] if f["kind"] == "crowd"]
    assert crowds == [{"kind": "crowd", "frame": 0, "time": 0.0, "timecode": "00:00:00:00", "exit": 4.0, "peak": 0.0,
                       "count": 9, "density": 2.25, "x": 11.0, "z": 11.0,
                       "who": [f"Extra {k}" for k in range(1, 10)]}]
    assert not [f for f in plan["safety"] if f["kind"] == "clearance"]
    html = (tmp_path / "out" / "report.html").read_text()
    assert "9 performers (Extra 1, Extra 2, Extra 3, \u2026)" in html
    assert "crowd: 9 performers, 2.25 a m\u00b2 around (11, 11) until 4.0 s" in html


def test_the_report_lists_crowds_first_then_the_first_findings_and_points_to_the_files(scrum):
    from previs import pipeline
    from previs.report import sections, shot_list_page

    level, motion = scrum
    plan = pipeline.plan(motion)
    kinds = {f.kind for f in plan.safety}
    assert len(plan.safety) > sections.REPORT_FINDINGS and {"crowd", "clearance"} <= kinds
    listed = sections.listed_findings(plan.safety)
    crowds = [f for f in plan.safety if f.kind == "crowd"]
    assert listed == crowds + [f for f in plan.safety if f.kind != "crowd"][:sections.REPORT_FINDINGS - len(crowds)]
    html = sections.section_safety(plan, level, motion)
    assert html.count('<tr><td class="num"><b>') == sections.REPORT_FINDINGS
    n_clear = sum(f.kind == "clearance" for f in plan.safety)
    assert (f"<p>{len(plan.safety)} findings ({n_clear} clearance, {len(crowds)} crowd): the first "
            f"{sections.REPORT_FINDINGS} are listed and numbered on the map below, crowds first") in html
    # The printed shot list: at most 12 findings and 40 names a cell, then how many more.
    page = shot_list_page.section_shot_list(plan)
    first = page.split('<tr id="shotlist-1">')[1].split("</tr>")[0]
    in_shot = [f for f in plan.safety if f.frame < plan.shots[0].end_frame]
    assert f"<li>{len(in_shot) - 12} more (shotlist.csv)</li>" in first
    assert first.count("<li>") <= 12 + 1 + len(plan.shots[0].beats)


def test_the_report_map_outlines_the_thickest_square(tmp_path):
    from matplotlib.patches import Rectangle

    from previs import pipeline
    from previs.report.topdown import plan_figure

    level = load_level(hand_placed(tmp_path / "crowd.tmx", 9))
    motion = simulate(level)
    plan = pipeline.plan(motion)
    fig = plan_figure(level, motion=motion, plan=plan, findings=plan.safety)
    squares = [p for p in fig.axes[0].patches if isinstance(p, Rectangle) and p.get_width() == 2.0]
    assert [(p.get_x(), p.get_y(), p.get_height()) for p in squares] == [(10.0, 10.0, 2.0)]
