"""The ``shove`` action end to end: a level in Tiled's format, loaded, replayed and planned.

tests/data/levels/shove.tmx (1 m tiles): Henry (radius 0.3) stands at (10, 10). The Goon
(radius 0.3) walks south from (10, 5) to (10, 9.4) at 2 m/s, arriving at 2.2 s, 0.6 m from
Henry centre to centre. At 1.9 s Henry shoves him (no duration given: the table's 0.5 s).
"""

from pathlib import Path

import numpy as np
import pytest

from previs import pipeline
from previs.level.actions import action
from previs.level.loader import load_level
from previs.plan.safety import clearance_findings
from previs.sim.script import simulate

from levelkit import beat, henry, level, performer

SHOVE = Path(__file__).resolve().parent / "data" / "levels" / "shove.tmx"
FPS = 24


def _with_action(tmp_path, word: str):
    """The shove level with the beat's action replaced by ``word``."""
    text = SHOVE.read_text(encoding="utf-8").replace('value="shove"', f'value="{word}"')
    assert text.count(f'value="{word}"') == 1
    path = tmp_path / f"{word}.tmx"
    path.write_text(text, encoding="utf-8")
    return load_level(path)


def test_shove_is_a_contact_row_that_pushes():
    row = action("shove")
    assert (row.contact, row.push, row.duration, row.aims, row.downs_actor) == (True, 0.6, 0.5, False, False)


def test_loaded_shove_beat_takes_the_table_default():
    (b,) = load_level(SHOVE).beats
    assert (b.action, b.t, b.duration, b.is_contact) == ("shove", 1.9, 0.5, True)


def test_shove_pushes_the_goon_back_0_6_m_and_he_stays_there():
    m = simulate(load_level(SHOVE))
    z = m.perf_xz[:, 0, 1]
    assert np.all(m.perf_xz[:, 0, 0] == 10.0)
    # Before the shove's first frame (ceil(1.9 * 24) = 46) he only walks: z = 5 + 2 t.
    assert z[45] == pytest.approx(5 + 2 * 45 / FPS, abs=1e-9)
    # Pushed north (away from Henry, who is south of him) by 0.6 m, eased over
    # [1.9, 2.4] s; the walk ends at 2.2 s on z = 9.4, so he settles on 9.4 - 0.6 = 8.8.
    assert z[60] == pytest.approx(8.8, abs=1e-9)  # 2.5 s
    assert z[-1] == pytest.approx(8.8, abs=1e-9)
    # Every frame: the walk minus 0.6 m eased in with smoothstep from the shove's frame on
    # (frame 52, t = 2.1667 s: walk 9.3333, smoothstep(0.5333) = 0.5499 -> 9.3333 - 0.3300).
    t = np.arange(len(z)) / FPS
    e = np.clip((t - 1.9) / 0.5, 0, 1)
    want = np.minimum(5 + 2 * t, 9.4) - 0.6 * e * e * (3 - 2 * e) * (np.arange(len(z)) >= 46)
    assert np.allclose(z, want, atol=1e-9)
    assert z[52] == pytest.approx(9.0034, abs=1e-4)
    # Henry (the camera) is never pushed.
    assert np.all(m.henry_xz == 10.0)


@pytest.mark.parametrize("word, findings", [
    # Contact covers the approach, and the push leaves 1.2 m between centres:
    # 0.6 m of air, over the 0.5 m safety distance. No finding.
    ("shove", []),
    # A hit is contact too, but he stays 0.6 m away (no air) after its window.
    ("hit", [(2.417, 0.0)]),
    # A label is no contact: the approach under 1.1 m (from 1.95 s) is a finding.
    ("wave", [(2.208, 0.0)]),
])
def test_safety_treats_shove_as_contact(tmp_path, word, findings):
    lv = _with_action(tmp_path, word)
    got = clearance_findings(lv, simulate(lv), lv.settings.safety_distance)
    assert [(round(f.time, 3), f.distance) for f in got] == findings


def test_shove_in_the_shot_plan(tmp_path):
    lv = load_level(SHOVE)
    plan = pipeline.plan(pipeline.replay(lv))
    assert plan.to_dict()["safety"] == []
    beats = [b for s in plan.to_dict()["shots"] for b in s["beats"]]
    assert [(b["actor"], b["action"], b["target"]) for b in beats] == [("Henry", "shove", "Goon")]


def test_performer_shoving_henry_is_contact_only():
    # Henry is the camera: a shove on him never moves him; the shover stays put too.
    goon = performer(2, "Goon", (10.0, 9.4))
    lv = level(henry(), performers=[goon], beats=[beat(3, 1.0, 2, "shove", 1)], duration=3)
    m = simulate(lv)
    assert np.all(m.henry_xz == 10.0)
    assert np.all(m.perf_xz[:, 0] == (10.0, 9.4))
    assert clearance_findings(lv, m, 0.5)[0].time < 1.0  # too close before the window
