"""The schedule (``previs check --schedule``, the report's appendix): each actor's legs and
his marks at beats, timed by the walk the simulation uses, to the frame and the micrometre."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from levelkit import beat, henry, level, path, performer
from previs.level.loader import load_level
from previs.plan.schedule import level_schedule, schedule_text
from previs.sim.script import simulate
from previs.timebase import time_base_of

ROOT = Path(__file__).resolve().parent.parent


def small():
    """Henry walks 6 m east then 6 m north at 2 m/s from 1 s, holding 0.5 s at the corner;
    Goon walks 4 m south at 1 m/s from 2 s, is punched and falls (down from 5.75 s, 0.25 m
    short of his path's end); Ring loops a 2 m square
    at 2 m/s (4 s a lap) from 0 s."""
    h = henry(position=(2.0, 10.0), path=path(100, (2, 10), (8, 10), (8, 4), holds=((1, 0.5),)), speed=2.0, start=1.0)
    goon = performer(2, "Goon", (12.0, 4.0), path=path(101, (12, 4), (12, 8)), speed=1.0, start=2.0)
    ring = performer(3, "Ring", (14.0, 14.0), path=path(102, (14, 14), (16, 14), (16, 16), (14, 16), closed=True),
                     speed=2.0)
    beats = [beat(10, 1.5, 1, "look", 2), beat(11, 5.0, 2, "punch", 1), beat(12, 5.25, 2, "fall"),
             beat(13, 8.0, 1, "look", 2), beat(14, 9.0, 3, "look", 1)]
    return level(h, performers=[goon, ring], beats=beats, fps=24, duration=10.0)


EXPECTED = """\
schedule: 'test', 24 fps from 00:00:00:00, 10.00 s (x east, z south in metres; tc: the first frame at or after the time)

Henry (object 1): path 100, 2.00 m/s from 1.00 s
  leg  from x      z  to x      z  start s  start tc     end s  end tc
    1    2.00  10.00  8.00  10.00     1.00  00:00:01:00   4.00  00:00:04:00
    2    8.00  10.00  8.00   4.00     4.50  00:00:04:12   7.50  00:00:07:12
  beat   t s  tc              x      z  action
    10  1.50  00:00:01:12  3.00  10.00  Henry look Goon
    11  5.00  00:00:05:00  8.00   9.00  Goon punch Henry
    13  8.00  00:00:08:00  8.00   4.00  Henry look Goon
    14  9.00  00:00:09:00  8.00   4.00  Ring look Henry

Goon (object 2): path 101, 1.00 m/s from 2.00 s
  leg  from x     z   to x     z  start s  start tc     end s  end tc
    1   12.00  4.00  12.00  8.00     2.00  00:00:02:00  5.75*  00:00:05:18
  beat   t s  tc               x     z  action
    10  1.50  00:00:01:12  12.00  4.00  Henry look Goon
    11  5.00  00:00:05:00  12.00  7.00  Goon punch Henry
    12  5.25  00:00:05:06  12.00  7.25  Goon fall
    13  8.00  00:00:08:00  12.00  7.75  Henry look Goon
  down from 5.75 s: stays where he fell (* a leg cut short)

Ring (object 3): path 102, a loop of 4.00 s, 2.00 m/s from 0.00 s
  leg  from x      z   to x      z  start s  start tc     end s  end tc
  1.1   14.00  14.00  16.00  14.00     0.00  00:00:00:00   1.00  00:00:01:00
  1.2   16.00  14.00  16.00  16.00     1.00  00:00:01:00   2.00  00:00:02:00
  1.3   16.00  16.00  14.00  16.00     2.00  00:00:02:00   3.00  00:00:03:00
  1.4   14.00  16.00  14.00  14.00     3.00  00:00:03:00   4.00  00:00:04:00
  2.1   14.00  14.00  16.00  14.00     4.00  00:00:04:00   5.00  00:00:05:00
  2.2   16.00  14.00  16.00  16.00     5.00  00:00:05:00   6.00  00:00:06:00
  2.3   16.00  16.00  14.00  16.00     6.00  00:00:06:00   7.00  00:00:07:00
  2.4   14.00  16.00  14.00  14.00     7.00  00:00:07:00   8.00  00:00:08:00
  3.1   14.00  14.00  16.00  14.00     8.00  00:00:08:00   9.00  00:00:09:00
  3.2   16.00  14.00  16.00  16.00     9.00  00:00:09:00  10.00  00:00:10:00
  beat   t s  tc               x      z  action
    14  9.00  00:00:09:00  16.00  14.00  Ring look Henry
"""


def test_schedule_text_of_a_small_fight():
    lv = small()
    assert "\n".join(schedule_text(lv, level_schedule(lv))) + "\n" == EXPECTED


def sim_positions(lv, motion, sched):
    """(schedule's mark, the simulation's position on the beat's frame) for every mark whose
    ``t`` is a frame's time and that no shove moved."""
    tb = time_base_of(lv.settings)
    out = []
    for a in sched:
        for k in a.marks:
            f = tb.frame_at(k.t)
            if abs(tb.time_of(f) - k.t) > 1e-12 or k.shoved or f >= motion.frames:
                continue
            sim = motion.henry_xz[f] if a.actor.id == lv.henry.id else motion.perf_xz[f, lv.performer_index(a.actor.id)]
            out.append((np.array(k.xz), np.asarray(sim)))
    return out


def test_marks_are_where_the_simulation_puts_the_actors():
    lv = small()
    pairs = sim_positions(lv, simulate(lv), level_schedule(lv))
    assert len(pairs) == 9  # every mark of the small fight is on a frame
    for mark, sim in pairs:
        assert np.abs(mark - sim).max() <= 1e-6, (mark, sim)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["corridor", "chase", "finale"])
def test_marks_of_the_bundled_fights_are_where_the_simulation_puts_them(name):
    """Each beat moved onto the frame it takes effect on (so the simulation has a frame at
    its ``t``): every mark no shove moved is where the simulation puts its actor."""
    lv = load_level(ROOT / "levels" / f"{name}.tmx")
    tb = time_base_of(lv.settings)
    lv = dataclasses.replace(lv, beats=tuple(dataclasses.replace(b, t=tb.time_of(tb.frame_at(b.t))) for b in lv.beats))
    sched = level_schedule(lv)
    pairs = sim_positions(lv, simulate(lv), sched)
    marks = [k for a in sched for k in a.marks]
    assert len(pairs) == sum(not k.shoved for k in marks) >= 0.8 * len(marks) > 0
    worst = max(float(np.abs(m - s).max()) for m, s in pairs)
    assert worst <= 1e-6, worst


def test_leg_ends_are_the_walks_arrivals():
    """Between a leg's start and end the simulation moves the actor along that leg at his
    speed: sampled on every frame inside each of Henry's legs."""
    lv = small()
    motion = simulate(lv)
    tb = time_base_of(lv.settings)
    (hs, *_) = level_schedule(lv)
    for g in hs.legs:
        for f in range(tb.frame_at(g.start), tb.frame_at(g.end)):
            along = (tb.time_of(f) - g.start) * lv.henry.speed
            d = np.subtract(g.dst, g.src)
            want = np.add(g.src, d / np.hypot(*d) * along)
            assert np.abs(motion.henry_xz[f] - want).max() <= 1e-9


def test_check_schedule_prints_the_schedule_even_when_quiet():
    r = subprocess.run([sys.executable, "-m", "previs", "check", "-q", "--schedule", "levels/corridor.tmx"],
                       cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("schedule: 'Corridor fight', 24 fps from 01:00:00:00, 45.00 s")
    assert "Henry (object 1): path 8, 1.40 m/s from 1.00 s" in lines
    assert "    1    3.00  7.50   9.00  7.50     1.00  01:00:01:00   5.29  01:00:05:07" in lines
    assert "  down from 7.42 s: stays where he fell" in lines  # Goon 1 falls at 7.05 s for 0.35 s


def test_a_shoved_performer_s_later_marks_say_so():
    lv = level(henry(), performers=[performer(2, "Goon", (10.0, 9.0))],
               beats=[beat(10, 1.0, 1, "shove", 2), beat(11, 3.0, 2, "look", 1), beat(12, 0.5, 2, "look", 1)],
               duration=4.0)
    text = schedule_text(lv, level_schedule(lv))
    goon = text[text.index("Goon (object 2): stands at (10.00, 9.00)"):]
    assert goon[1:6] == [
        "  beat   t s  tc               x     z  action",
        "    12  0.50  00:00:00:12  10.00  9.00  Goon look Henry",
        "    10  1.00  00:00:01:00  10.00  9.00  Henry shove Goon",
        "    11  3.00  00:00:03:00  10.00  9.00  Goon look Henry (+ shove)",
        "  (+ shove): a shove moved him off his walk; x z is the walk's mark",
    ]


def test_the_report_appendix_has_the_same_rows():
    import re

    from previs.plan.shotplan import PlanSettings, build_plan
    from previs.report.page import build_report

    lv = small()
    motion = simulate(lv)
    plan = build_plan(motion.track, settings=PlanSettings.from_level(lv.settings), motion=motion)
    html = build_report(level=lv, motion=motion, plan=plan)
    assert '<li><a href="#schedule">Appendix: schedule</a></li>' in html
    section = html[html.index('<section id="schedule">'):]
    section = section[:section.index("</section>")]
    assert re.findall(r"<h3>(.*?)</h3>", section) == [
        "Henry (object 1): path 100, 2.00 m/s from 1.00 s", "Goon (object 2): path 101, 1.00 m/s from 2.00 s",
        "Ring (object 3): path 102, a loop of 4.00 s, 2.00 m/s from 0.00 s"]
    rows = [re.findall(r"<td[^>]*>(.*?)</td>", r) for r in re.findall(r"<tr>(.*?)</tr>", section)]
    text_rows = [ln.split() for ln in EXPECTED.splitlines() if re.match(r"\s+\d", ln)]
    assert [" ".join(r).split() for r in rows if r] == text_rows
    assert '<p class="small">down from 5.75 s: stays where he fell (* a leg cut short)</p>' in section
