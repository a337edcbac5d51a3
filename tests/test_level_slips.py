"""Authoring slips that still load (issue 15): each is one warning with its exact text, the
bundled levels have none, ``--strict`` makes them errors, and a refused actor is said once.

Maps are 32 px tiles of 1 m (``make_map``): pixel 32 = 1 m.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from previs.level.actions import ACTIONS, close_action
from previs.level.loader import load_level
from previs.errors import LevelError
from tmxkit import HENRY, make_map, obj, ref


def problems_of(path) -> list[str]:
    with pytest.raises(LevelError) as info:
        load_level(path)
    return info.value.problems

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = sorted((ROOT / "levels").glob("*.tmx"))


def notices(path) -> list[str]:
    return list(load_level(path).notices)


def where(path, text: str) -> str:
    return f"{path}: {text}"


# --------------------------------------------------------------------------------------
# Unknown names
# --------------------------------------------------------------------------------------
def test_misspelled_performer_property(tmp_path):
    m = make_map(tmp_path, HENRY + obj(2, "performer", "Goon", 96, 96, {"speeed": 3.0}))
    assert notices(m) == [where(m, "object 2 'Goon' (performer): has the property 'speeed', which previs does "
                                   "not read; did you mean 'speed'?")]
    assert load_level(m).performers[0].speed == 1.4  # the slip changes the fight: hence the warning


def test_misspelled_beat_property(tmp_path):
    beat = obj(2, "beat", "wave", 0, 0, {"t": 1.0, "actor": ref(1), "action": "wave", "duraton": 2.0})
    m = make_map(tmp_path, HENRY + beat)
    assert notices(m) == [where(m, "object 2 'wave' (beat): has the property 'duraton', which previs does "
                                   "not read; did you mean 'duration'?")]


def test_misspelled_map_property(tmp_path):
    m = make_map(tmp_path, HENRY, {"maxtake": 30.0})
    assert notices(m) == [where(m, "the map: has the property 'maxtake', which previs does not read; "
                                   "did you mean 'max_take'?")]


def test_unknown_property_without_a_close_name_lists_the_known_ones(tmp_path):
    m = make_map(tmp_path, obj(1, "henry", "H", 48, 48, {"mood": "grim"}))
    assert notices(m) == [where(m, "object 1 'H' (henry): has the property 'mood', which previs does not read; "
                                   "a henry's properties are path, speed, start, radius, heading, prop, mocap, mocap_start.")]


def test_action_typo_warns_and_plays_as_a_label(tmp_path):
    goon = obj(2, "performer", "Goon", 96, 48)
    beat = obj(3, "beat", "glance", 0, 0, {"t": 1.0, "actor": ref(1), "action": "lok", "target": ref(2)})
    m = make_map(tmp_path, HENRY + goon + beat)
    assert notices(m) == [where(m, "object 3 'glance' (beat): action 'lok' is not an action previs knows, so it "
                                   "plays as a label (no look); did you mean 'look'?")]
    (b,) = load_level(m).beats
    assert not b.aims and b.duration == 0.5


@pytest.mark.parametrize("word,close", [("lok", "look"), ("punh", "punch"), ("kicks", "kick"), ("pnuch", "punch"),
                                        ("lock", None), ("cook", None), ("dodge", None), ("shout", None),
                                        ("look", None)])
def test_only_words_close_to_an_action_are_typos(word, close):
    assert close_action(word) == close


def test_labels_far_from_any_action_stay_quiet(tmp_path):
    beat = obj(2, "beat", "", 0, 0, {"t": 1.0, "actor": ref(1), "action": "lock"})
    assert notices(make_map(tmp_path, HENRY + beat)) == []


def test_tile_and_layer_properties_that_look_like_ours(tmp_path):
    tilesets = ('<tileset firstgid="1" name="blocks" tilewidth="32" tileheight="32" tilecount="4" columns="2">'
                '<tile id="0"><properties><property name="heigth" type="float" value="2.5"/>'
                '<property name="material" value="brick"/></properties></tile></tileset>')
    layers = ('<layer id="5" name="art" width="6" height="5"><properties><property name="wall" type="bool" '
              'value="true"/></properties><data encoding="csv">' + ",".join(["0"] * 30) + "</data></layer>\n")
    m = make_map(tmp_path, HENRY, tilesets=tilesets, layers=layers)
    assert notices(m) == [
        where(m, "tileset 'blocks' tile 0: has the property 'heigth', which previs does not read; did you mean 'height'?"),
        where(m, "tile layer 'art': has the property 'wall', which previs does not read; did you mean 'walls'?"),
    ]


# --------------------------------------------------------------------------------------
# One message per cause
# --------------------------------------------------------------------------------------
def test_a_refused_target_is_said_once_never_a_false_missing_target(tmp_path):
    cook = obj(2, "performer", "Cook", 96, 48, {"speed": -1.0})
    look = obj(3, "beat", "look", 0, 0, {"t": 1.0, "actor": ref(1), "action": "look", "target": ref(2)})
    punch = obj(4, "beat", "hit", 0, 0, {"t": 2.0, "actor": ref(2), "action": "punch", "target": ref(1)})
    m = make_map(tmp_path, HENRY + cook + look + punch)
    assert problems_of(m) == [
        where(m, "object 2 'Cook' (performer): speed = -1 m/s is out of range; it must be more than 0 and at most 100 m/s."),
        where(m, "object 3 'look' (beat): target Cook was refused above (object 2); fix that object first."),
        where(m, "object 4 'hit' (beat): actor Cook was refused above (object 2); fix that object first."),
    ]


# --------------------------------------------------------------------------------------
# Placement and plausibility
# --------------------------------------------------------------------------------------
def test_actor_far_from_its_paths_start(tmp_path):
    goon = obj(2, "performer", "Goon", 32 * 9, 32 * 2, {"path": ref(3)})
    path = obj(3, "path", "", 32, 32 * 2, shape='<polyline points="0,0 32,0"/>')
    m = make_map(tmp_path, HENRY + goon + path, width=12)
    assert notices(m) == [where(m, "object 2 'Goon' (performer): stands at (9.0, 2.0) m in Tiled, but previs starts "
                                   "it on its path's first vertex (1.0, 2.0) m, 8.0 m away; drag it onto the path's "
                                   "first point (or that point onto it).")]
    assert load_level(m).performers[0].position == (9.0, 2.0)


def test_actor_within_half_a_metre_of_its_paths_start_is_fine(tmp_path):
    goon = obj(2, "performer", "Goon", 32 + 16, 32 * 2, {"path": ref(3)})  # 0.5 m off: allowed
    path = obj(3, "path", "", 32, 32 * 2, shape='<polyline points="0,0 32,0"/>')
    assert notices(make_map(tmp_path, HENRY + goon + path)) == []


def test_speed_above_a_sprint(tmp_path):
    m = make_map(tmp_path, HENRY + obj(2, "performer", "Runner", 96, 96, {"speed": 11.0}))
    assert notices(m) == [where(m, "object 2 'Runner' (performer): speed = 11 m/s is faster than any performer "
                                   "sprints (previs warns above 9 m/s); check the number: walk 1.4, run 3, sprint "
                                   "4-5 m/s.")]
    assert notices(make_map(tmp_path, HENRY + obj(2, "performer", "Runner", 96, 96, {"speed": 9.0}))) == []


def test_kick_from_eight_metres(tmp_path):
    goon = obj(2, "performer", "Goon", 32 * 9.5, 48)  # Henry at (1.5, 1.5): 8 m apart
    kick = obj(3, "beat", "kick", 0, 0, {"t": 1.0, "actor": ref(1), "action": "kick", "target": ref(2)})
    m = make_map(tmp_path, HENRY + goon + kick, width=12)
    assert notices(m) == [where(m, "object 3 'kick' (beat): Henry's kick (1-1.5 s) at Goon: they are never closer "
                                   "than 8.0 m centre to centre, 6.5 m beyond a kick's reach (0.9 m between bodies of "
                                   "0.3 m and 0.3 m radius); time the beat for when they meet, or bring their paths "
                                   "together.")]


def test_contact_in_reach_at_some_moment_of_the_window_is_fine(tmp_path):
    # Goon runs at Henry (x 1.5 m) from x 5.2 m to 2.7 m at 5 m/s from t = 1: during the punch
    # (1.0-1.5 s) they are 3.7 m apart at first and 1.2 m, within 0.7 + 2 x 0.3 = 1.3 m, at the end.
    goon = obj(2, "performer", "Goon", 32 * 5.2, 48, {"path": ref(3), "speed": 5.0, "start": 1.0})
    path = obj(3, "path", "", 32 * 5.2, 48, shape='<polyline points="0,0 -80,0"/>')
    punch = obj(4, "beat", "", 0, 0, {"t": 1.0, "actor": ref(2), "action": "punch", "target": ref(1)})
    assert notices(make_map(tmp_path, HENRY + goon + path + punch, width=12)) == []


def test_reach_rule_is_the_tables():
    # centre distance - both radii - reach: the one rule the plan's safety can ask too
    assert ACTIONS["punch"].beyond_reach(1.3, 0.3, 0.3) == pytest.approx(0.0)
    assert ACTIONS["kick"].beyond_reach(2.0, 0.3, 0.3) == pytest.approx(0.5)
    assert ACTIONS["tackle"].beyond_reach(2.0, 0.3, 0.3) == pytest.approx(-0.1)
    assert ACTIONS["look"].reach == 0.0


def test_two_blows_at_once(tmp_path):
    goon = obj(2, "performer", "Goon", 72, 48)
    punch = obj(3, "beat", "", 0, 0, {"t": 1.0, "actor": ref(1), "action": "punch", "target": ref(2)})
    kick = obj(4, "beat", "", 0, 0, {"t": 1.25, "actor": ref(1), "action": "kick", "target": ref(2)})
    then = obj(5, "beat", "", 0, 0, {"t": 1.75, "actor": ref(1), "action": "grab", "target": ref(2)})  # after both: fine
    m = make_map(tmp_path, HENRY + goon + punch + kick + then)
    assert notices(m) == [where(m, "object 4 '' (beat): Henry's kick (1.25-1.75 s) starts while their punch "
                                   "(object 3, 1-1.5 s) still runs: one performer, two blows at once; start it at "
                                   "1.5 s or shorten the punch.")]


# --------------------------------------------------------------------------------------
# The bundled levels and --strict
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("level", BUNDLED, ids=[p.name for p in BUNDLED])
def test_bundled_levels_have_no_warnings(level):
    assert load_level(level).notices == ()


def previs(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "previs", *args], capture_output=True, text=True, cwd=cwd,
                          env={"SDL_VIDEODRIVER": "offscreen", "SDL_AUDIODRIVER": "dummy", "PATH": "/usr/bin:/bin"})


def test_check_strict_passes_the_bundled_levels():
    r = previs("check", "--strict", "-q", *map(str, BUNDLED))
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")


def test_strict_makes_warnings_errors_in_check_and_replay(tmp_path):
    m = make_map(tmp_path, HENRY, {"maxtake": 30.0})
    warn = f"warning: {m}: the map: has the property 'maxtake', which previs does not read; did you mean 'max_take'?"
    fail = f"{m}: 1 warning (above), which --strict makes errors; fix them or drop --strict."
    r = previs("check", "-q", str(m))
    assert (r.returncode, r.stderr.splitlines()) == (0, [f"previs check: {warn}"])
    r = previs("check", "-q", "--strict", str(m))
    assert (r.returncode, r.stderr.splitlines()) == (1, [f"previs check: {warn}", f"previs check: {fail}"])
    out = tmp_path / "out"
    r = previs("replay", "--strict", "--no-report", str(m), "-o", str(out))
    assert (r.returncode, r.stderr.splitlines()) == (1, [f"previs replay: {warn}", f"previs replay: {fail}"])
    assert not out.exists()  # nothing written
    assert previs("replay", "--no-report", str(m), "-o", str(out)).returncode == 0


def test_test_strict_fails_a_level_with_warnings(tmp_path):
    m = make_map(tmp_path, HENRY, {"maxtake": 30.0, "duration": 2.0})
    (tmp_path / "level.expect.toml").write_text('[shots]\ncount = 1\n', encoding="utf-8")
    r = previs("test", "-q", str(m))
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stderr.splitlines() == [f"previs test: warning: {m}: the map: has the property 'maxtake', which previs "
                                     "does not read; did you mean 'max_take'?"]
    r = previs("test", "-q", "--strict", str(m))
    assert r.returncode == 1
    assert r.stderr.splitlines()[-1] == (f"previs test: {m}: 1 warning (above), which --strict makes errors; "
                                         "fix them or drop --strict.")


@pytest.mark.parametrize("name", ["chase", "corridor"])
def test_the_checks_walk_is_the_simulations(name):
    # Reach is judged where the simulation walks the bodies (chase: loops and holds); its
    # performers are neither shoved nor, before they fall, anywhere else.
    from previs import pipeline
    from previs.level.route import positions_fn

    level = load_level(ROOT / "levels" / f"{name}.tmx")
    motion = pipeline.replay(level, None)
    t = np.arange(motion.frames) / motion.fps
    assert np.abs(positions_fn(level.henry)(t) - motion.henry_xz).max() < 1e-6  # metres; the sim interpolates on a shared axis
    for i, p in enumerate(level.performers):
        up = ~motion.perf_down[:, i]
        assert np.abs(positions_fn(p)(t)[up] - motion.perf_xz[up, i]).max() < 1e-6, p.name
