"""The report's comfort section: head speed, whips hidden by cuts, speed on the plan's screen."""

import re

import numpy as np

from previs.plan.shotplan import PlanSettings, build_plan
from previs.report.sections import section_comfort, section_title
from plankit import ease, make_track, times


def plan_of(yaw, **kw):
    return build_plan(make_track(yaw, 24), settings=PlanSettings(**kw))


def figures(html):
    return re.findall(r'<div class="figure-num"><b>([^<]*)</b><span>([^<]*)</span>', html)


def test_section_counts_the_hidden_whip_apart_and_lists_the_seen_turn_only():
    t = times(12)
    plan = plan_of(ease(t, 2.0, 0.2, 90.0) + ease(t, 7.0, 1.0, 60.0), screen_fov=60)
    html = section_comfort(plan)
    assert figures(html) == [
        ("635\u00b0/s", "peak yaw speed"),
        ("0.79 s", "over 60\u00b0/s (6.6 % of the fight)"),
        ("1", "whips hidden by cuts (0.25 s)"),
        ("0.54 s", "seen over 60\u00b0/s (peak 94\u00b0/s)"),
        ("63\u00b0/s", "peak on a 60\u00b0 screen"),
        ("0.71 s", "over 30\u00b0/s on screen"),
    ]
    rows = re.findall(r'<tr><td><a href="#shot-(\d+)">Shot \d+</a></td>((?:<td class="num">[^<]*</td>)+)</tr>', html)
    assert [(i, re.findall(r">([^<]*)<", cells)[::2]) for i, cells in rows] == [
        ("2", ["0.54", "94.0", "0.71", "62.7"])]  # shot 1 holds only the hidden whip: no row
    assert "screen fills 60\u00b0" in html and "--screen-fov" in html


def test_calm_fight_says_so_and_title_names_the_screening():
    plan = plan_of(np.zeros(48), screen_fov=30, screen_comfort_speed=25)
    assert "Every frame the audience sees stays under both comfort speeds." in section_comfort(plan)
    title = section_title(None, None, plan)
    assert "<dt>Comfort speed</dt><dd>60\u00b0/s head; 25\u00b0/s on a 30\u00b0 screen</dd>" in title
