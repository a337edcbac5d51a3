"""Parsing LEVEL.expect.toml: every problem listed, each naming the file, the key path and
the fix; and the parsed model (ids, defaults, takes, paths). Also keeps docs/testing.md in
step with the schema."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from previs.errors import ExpectationError
from previs.testing.expect import SCHEMA, parse_file, parse_text

ROOT = Path(__file__).resolve().parent.parent
NAME = "levels/corridor.expect.toml"


def problems(text: str) -> list[str]:
    with pytest.raises(ExpectationError) as e:
        parse_text(text, NAME)
    return e.value.problems


def one(text: str) -> str:
    ps = problems(text)
    assert len(ps) == 1, ps
    return ps[0]


def test_unknown_key_names_file_key_path_and_suggests_the_fix():
    msg = one("[[cut]]\ntime = 1\n[[cut]]\ntime = 3.1\ntolerence = 0.1\n")
    assert msg.startswith("levels/corridor.expect.toml: [[cut]] #2: unknown key 'tolerence' "
                          "(did you mean 'tolerance'?)")
    assert "allowed here: direction, note, time, tolerance" in msg


def test_unknown_table_suggests_the_right_one():
    assert one("[shot]\ncount = 1\n").startswith(
        "levels/corridor.expect.toml: unknown table [shot] (did you mean [shots]?)")


def test_unknown_key_without_a_close_match():
    msg = one("[shots]\ncount = 3\nbananas = 1\n")
    assert "[shots]: unknown key 'bananas'; allowed here: count, longest_max, max, min, note" in msg


@pytest.mark.parametrize("text, expect", [
    ("[shots]\ncount = \"5\"\n",
     "[shots]: 'count' must be a whole number, not a string ('5'). Write it without quotes: count = 5"),
    ("[shots]\ncount = 2.5\n", "[shots]: 'count' must be a whole number, not a number (2.5)."),
    ("[[cut]]\ntime = \"3.1\"\n", "[[cut]] #1: 'time' must be a number, not a string ('3.1'). "
                                   "Write it without quotes: time = 3.1"),
    ("[cuts]\nexact = \"true\"\n", "[cuts]: 'exact' must be true or false, not a string ('true'). "
                                    "Write it without quotes: exact = true"),
    ("[[cut]]\ntime = true\n", "[[cut]] #1: 'time' must be a number, not a boolean (True)."),
    ("[[in_view]]\nperformer = 17\ntime = 1\n",
     "[[in_view]] #1: 'performer' must be a string in quotes, not a whole number (17). "
     "Write it in quotes: performer = \"17\""),
    ("[cut]\ntime = 3.1\n", "[cut] must be an array of tables, not a table ({'time': 3.1}). "
                            "Write [[cut]] (double brackets), once per entry."),
    ("[[shots]]\ncount = 3\n", "[shots] must be a table, not an array ([{'count': 3}]). "
                               "Write [shots] (single brackets), once."),
    ("[[cut]]\ntime = 3\ndirection = \"lft\"\n",
     "[[cut]] #1: 'direction' must be \"left\" or \"right\", not 'lft' (did you mean 'left'?)."),
    ("[[cut]]\ntime = -1\n", "[[cut]] #1: 'time' must be at least 0, not -1."),
    ("[[cut]]\ntime = 1\ntolerance = 0\n", "[[cut]] #1: 'tolerance' must be greater than 0, not 0."),
    ("[[cut]]\ntolerance = 0.1\n", "[[cut]] #1: 'time' is required (seconds: when the cut is expected"),
    ("[golden]\nposition_tolerance = 0.1\n", "[golden]: nothing to compare: give track = "),
    ("[[safety.allow]]\nkind = \"clearance\"\n[safety]\nfindings = 0\n", None),
    ("[safety]\nfindings = 0\n[[safety.allow]]\nkind = \"fire\"\n",
     "[[safety.allow]] #1: 'kind' must be \"clearance\" or \"no-go\" or \"pyro\" or \"lying-body\" or "
     "\"landing\" or \"reach\" or \"crowd\", not 'fire'"),
    ("[safety]\nmin_clearance = 0.3\n[[safety.allow]]\nkind = \"pyro\"\n",
     "[safety]: [[safety.allow]] entries only matter with 'findings'"),
    ("[shots]\ncount = 3\nmin = 2\n", "[shots]: give either 'count' or 'min'/'max', not both."),
    ("[shots]\nmin = 5\nmax = 2\n", "[shots]: 'min' (5) is more than 'max' (2)."),
    ("[[in_view]]\nperformer = \"A\"\n", "[[in_view]] #1: say when, with exactly one of: time = S, shot = N, "
                                          "shot_from = S, after_cut = N, or from = S and to = S."),
    ("[[in_view]]\nperformer = \"A\"\ntime = 1\nshot = 2\n", "(found time, shot)"),
    ("[[in_view]]\nperformer = \"A\"\nfrom = 1\n", "'from' and 'to' go together"),
    ("[[in_view]]\nperformer = \"A\"\nfrom = 3\nto = 1\n", "'from' (3) is after 'to' (1)."),
    ("[[position]]\nwho = \"Henry\"\ntime = 1\n", "[[position]] #1: nothing to check: give x and/or z"),
    ("[[cut]]\ntime = 3.1\n[[cut]]\ntime = 3.2\n",
     "[[cut]] #2: the window 3.2 s ± 0.1 overlaps [[cut]] #1's; one actual cut could satisfy both."),
    ("[settings]\nturn_cut_sped = 100\n", "[settings]: unknown key 'turn_cut_sped' (did you mean 'turn_cut_speed'?)"),
    ("[settings]\nmax_take = -5\n", "[settings]: 'max_take' must be greater than 0, not -5."),
])
def test_problem_messages(text, expect):
    if expect is None:  # [[safety.allow]] before [safety] is the same TOML: fine
        parse_text(text, NAME)
        return
    msg = one(text)
    assert msg.startswith(NAME + ": ")
    assert expect in msg, msg


def test_nested_take_keys_name_their_path():
    msg = one('[[take]]\nfile = "t.take"\n[[take.cut]]\ntime = 1\ntolernce = 0.2\n')
    assert msg.startswith(f"{NAME}: [[take]] #1: [[take.cut]] #1: unknown key 'tolernce' (did you mean 'tolerance'?)")
    msg = one('[[take]]\nfile = "t.take"\n[take.shots]\ncont = 1\n')
    assert "[[take]] #1: [take.shots]: unknown key 'cont' (did you mean 'count'?)" in msg
    msg = one('[[take]]\n[take.shots]\ncount = 1\n')
    assert "[[take]] #1: 'file' is required" in msg
    msg = one('[[take]]\nfile = "t.take"\n')
    assert "[[take]] #1: has no expectations: add e.g. [take.golden] or [[take.cut]] below it." in msg
    ps = problems('[[take]]\nfile = "t.take"\n[[take.take]]\nfile = "u.take"\n')
    assert any("[[take]] #1: unknown table [take]" in p for p in ps)


def test_every_problem_is_listed_not_only_the_first():
    ps = problems("[shots]\ncount = \"3\"\n[[cut]]\ntime = 1\ndirecton = \"left\"\n[comfort]\npeak = 3\n")
    assert len(ps) == 3
    assert all(p.startswith(NAME + ": ") for p in ps)


def test_invalid_toml_names_line_and_column():
    msg = one("[[cut]\ntime = 1\n")
    assert msg.startswith(f"{NAME}: not valid TOML: ")
    assert "line 1" in msg and "docs/testing.md" in msg


def test_an_empty_file_expects_nothing():
    assert "expects nothing: add at least one table" in one("# nothing yet\n")
    assert "expects nothing" in one('note = "x"\n[settings]\nmax_take = 30\n')


def test_unreadable_files(tmp_path):
    with pytest.raises(ExpectationError, match="cannot read"):
        parse_file(tmp_path / "missing.expect.toml")
    p = tmp_path / "bin.expect.toml"
    p.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(ExpectationError, match="not UTF-8 text"):
        parse_file(p)


# -- the parsed model --------------------------------------------------------------------

FULL = """
level = "other.tmx"
note = "signed off"
[settings]
turn_cut_speed = 140
[cuts]
tolerance = 0.2
exact = true
[[cut]]
time = 3
[[cut]]
time = 6
tolerance = 0.05
direction = "right"
[shots]
min = 2
longest_max = 60
[[in_view]]
performer = "Goon 17"
time = 12.0
[[in_view]]
performer = "Goon 17"
shot = 3
visible = false
[[in_view]]
performer = "Goon 17"
from = 170
to = 172
[[position]]
who = "Henry"
time = 10
x = 1
z = 2
yaw = 90
[safety]
findings = 1
min_clearance = 0.3
[[safety.allow]]
kind = "clearance"
who = "Goon 1"
[comfort]
peak_yaw_speed_max = 700
seconds_over_comfort_max = 3
[golden]
track = "g.csv"
[[take]]
file = "takes/a.take"
[take.settings]
max_take = 30
[take.golden]
track = "a.csv"
angle_tolerance = 0.5
"""


def test_parsed_model_ids_labels_and_defaults(tmp_path):
    ef = parse_text(FULL, tmp_path / "corridor.expect.toml")
    assert ef.level_path == tmp_path / "other.tmx"
    assert ef.note == "signed off"
    script, take = ef.sets
    assert script.take is None and script.settings == {"turn_cut_speed": 140}
    ids = [e.id for e in script.expectations]
    assert ids == ["cut[1]", "cut[2]", "cuts.exact", "shots.count", "shots.longest_max", "in_view[1]",
                   "in_view[2]", "in_view[3]", "position[1]", "safety.findings", "safety.min_clearance",
                   "comfort.peak_yaw_speed_max", "comfort.seconds_over_comfort_max", "golden"]
    by = {e.id: e for e in script.expectations}
    assert by["cut[1]"].spec == {"time": 3.0, "tolerance": 0.2, "direction": None}  # [cuts] tolerance
    assert by["cut[2]"].label == "right turn cut at 6 s ± 0.05 s"
    assert by["shots.count"].spec == {"min": 2, "max": None}
    assert by["in_view[2]"].label == "Goon 17 not in view in shot 3"
    assert by["in_view[3]"].label == "Goon 17 in view throughout 170–172 s"
    assert by["position[1]"].label == "Henry at x 1, z 2, yaw 90° at 10 s"
    assert by["position[1]"].spec["tolerance"] == 0.05
    assert by["safety.findings"].spec["allow"][0]["who"] == ["Goon 1"]
    assert by["golden"].spec["track"] == tmp_path / "g.csv"
    assert by["golden"].spec["position_tolerance"] == 0.001 and by["golden"].spec["angle_tolerance"] == 0.01
    assert take.take == tmp_path / "takes" / "a.take"
    assert take.settings == {"max_take": 30}
    assert [e.id for e in take.expectations] == ["take[1].golden"]
    assert take.expectations[0].spec["angle_tolerance"] == 0.5
    assert take.expectations[0].where == "[[take]] #1: [take.golden]"


def test_level_defaults_to_the_same_stem(tmp_path):
    ef = parse_text("[shots]\ncount = 1\n", tmp_path / "finale.expect.toml")
    assert ef.level_path == tmp_path / "finale.tmx"


# -- docs stay in step -------------------------------------------------------------------


def test_docs_list_every_table_and_key():
    doc = (ROOT / "docs" / "testing.md").read_text(encoding="utf-8")
    headings = {
        "top": "#### Top level", "take": "#### `[[take]]`", "settings": "#### `[settings]`",
        "cut": "#### `[[cut]]`", "cuts": "#### `[cuts]`", "shots": "#### `[shots]`",
        "in_view": "#### `[[in_view]]`", "position": "#### `[[position]]`", "safety": "#### `[safety]`",
        "allow": "#### `[[safety.allow]]`", "comfort": "#### `[comfort]`", "golden": "#### `[golden]`",
        "no_cut": "#### `[[no_cut]]`", "shot_limit": "#### `[[shot_limit]]`", "beat": "#### `[[beat]]`",
        "timecode": "#### `[timecode]`",
        "edit": "#### `[[edit]]`", "matches": "#### `[edit.matches]`",
    }
    assert set(headings) == set(SCHEMA)
    for table, heading in headings.items():
        assert heading in doc, heading
        section = doc.split(heading, 1)[1].split("\n####", 1)[0].split("\n## ", 1)[0]
        for key in SCHEMA[table]:
            assert re.search(rf"`{re.escape(key.name)}`", section), f"{heading} does not document {key.name}"


# -- hostile input: refused, never a crash or a hang --------------------------------------


def test_integers_beyond_float_range_are_refused():
    msg = one("[[cut]]\ntime = 1" + "0" * 400 + "\n")
    assert "[[cut]] #1: 'time' is out of range: 10000000000000000000... has 401 digits" in msg
    assert "is out of range" in one("[shots]\ncount = -1" + "0" * 30 + "\n")


def test_deeply_nested_values_are_refused():
    assert "nested too deeply" in one("note = " + "[" * 5000 + "]" * 5000 + "\n")


def test_a_fifo_is_refused_without_blocking(tmp_path):
    import os

    fifo = tmp_path / "x.expect.toml"
    os.mkfifo(fifo)
    with pytest.raises(ExpectationError, match="not a regular file"):
        parse_file(fifo)


def test_an_oversized_file_is_refused(tmp_path, monkeypatch):
    import previs.testing.expect as expect

    monkeypatch.setattr(expect, "MAX_BYTES", 100)
    p = tmp_path / "big.expect.toml"
    p.write_text("# " + "x" * 200 + "\n[shots]\ncount = 1\n")
    with pytest.raises(ExpectationError, match="too large for an expectation file"):
        parse_file(p)
