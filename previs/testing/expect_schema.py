"""The schema of ``LEVEL.expect.toml`` (:data:`SCHEMA`: every table and key, its type, range
and meaning, as ``docs/testing.md`` documents it) and the validation of one parsed table
against it (unknown keys with "did you mean", wrong types with the fix, ranges, choices).
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass

from ..level.limits import MAX_TIME

MAX_INT = 10**15
"""Integers beyond this are refused (they would not convert to floats exactly, or at all)."""

MAX_NUMBER = 1e6
"""Any number (metres, degrees, degrees/s, tolerances): far beyond a set (100 km is
previs's coordinate limit); a larger one is refused before it reaches a frame number or a
message (``time = 1e308`` overflowed the frame it named)."""

# Seconds (``time``, ``from``, ``to``) up to MAX_TIME, one day, as every time in a level;
# a time past the fight is then the check's failure, not an overflow.

_TIME_KEYS = ("time", "from", "to")

# --------------------------------------------------------------------------------------
# Schema
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Key:
    """One key of a table. ``type``: ``number`` (int or float), ``int``, ``bool``, ``string``,
    ``names`` (a string or a list of strings), ``table`` / ``tables`` (a nested table / an
    array of tables, described by ``table``)."""

    name: str
    type: str
    doc: str
    default: object = None
    required: bool = False
    minimum: float | None = None  # inclusive
    positive: bool = False  # > 0
    choices: tuple[str, ...] = ()
    table: str | None = None  # name in SCHEMA of the nested table


def _k(name, type_, doc, **kw) -> Key:
    return Key(name, type_, doc, **kw)


NOTE = _k("note", "string", "free text shown with the expectation in reports (why it matters, who signed it off)")

# Tables that may appear both at the top level (scripted replay) and inside [[take]].
_EXPECTATION_TABLES = (
    _k("settings", "table", "plan threshold overrides for this replay", table="settings"),
    _k("cut", "tables", "one expected turn cut each", table="cut"),
    _k("cuts", "table", "options of the whole cut list", table="cuts"),
    _k("shots", "table", "shot count and longest take", table="shots"),
    _k("in_view", "tables", "a performer in (or out of) the POV frame", table="in_view"),
    _k("position", "tables", "where Henry or a performer is at a time", table="position"),
    _k("safety", "table", "safety findings and clearance", table="safety"),
    _k("comfort", "table", "viewer comfort budget", table="comfort"),
    _k("golden", "table", "the camera track must match a recorded golden track.csv", table="golden"),
    _k("no_cut", "tables", "no turn cut inside a stretch of time", table="no_cut"),
    _k("shot_limit", "tables", "one shot, named by its opening cut's time: its length and yaw speed", table="shot_limit"),
    _k("beat", "tables", "a beat fires at a time or timecode", table="beat"),
    _k("timecode", "table", "the replay's start (and end) timecode", table="timecode"),
)

SCHEMA: dict[str, tuple[Key, ...]] = {
    "top": (
        _k("level", "string", "the level to test, relative to this file", default="same stem + .tmx"),
        NOTE,
        *_EXPECTATION_TABLES,
        _k("take", "tables", "a recorded take to replay, with its own nested expectations", table="take"),
        _k("edit", "tables", "an edit (LEVEL.edit.toml) to assemble, with its own nested expectations",
           table="edit"),
    ),
    "edit": (
        _k("file", "string", "the .edit.toml file (which take fills each shot), relative to this file",
           required=True),
        NOTE,
        *_EXPECTATION_TABLES,
        _k("matches", "table", "every cut of the edit matches (camera, performers, a turn fast enough on both "
                               "sides)", table="matches"),
    ),
    "matches": (
        _k("hide_only", "bool", "true: only the turn's speed on both sides counts, not the camera or performers",
           default=False),
        NOTE,
    ),
    "take": (
        _k("file", "string", "the .take file (written by 'previs walk'), relative to this file", required=True),
        NOTE,
        *_EXPECTATION_TABLES,
    ),
    "settings": (
        _k("turn_cut_speed", "number", "deg/s: peak head-turn speed that hides a cut", positive=True),
        _k("turn_cut_angle", "number", "degrees: smallest swing that hides a cut", positive=True),
        _k("max_take", "number", "seconds: longest take the crew can shoot", positive=True),
        _k("safety_distance", "number", "metres: least clearance outside contact beats", positive=True),
        _k("comfort_speed", "number", "deg/s: yaw speed above which turning counts against comfort",
           positive=True),
        _k("screen_fov", "number", "degrees the screen fills for the seat the comfort figures are for (1-180)",
           positive=True),
        _k("screen_comfort_speed", "number", "deg/s of the viewer's view above which turning counts on screen",
           positive=True),
    ),
    "cut": (
        _k("time", "number", "seconds: when the cut is expected (the frame of the turn's peak speed)",
           required=True, minimum=0.0),
        _k("tolerance", "number", "seconds either side of time", default="[cuts] tolerance, else 0.1",
           positive=True),
        _k("direction", "string", "which way the head whips", default="either", choices=("left", "right")),
        NOTE,
    ),
    "cuts": (
        _k("exact", "bool", "true: no cuts other than the [[cut]]s listed (none listed: no cuts at all)",
           default=False),
        _k("tolerance", "number", "seconds: default tolerance of every [[cut]]", default=0.1, positive=True),
        NOTE,
    ),
    "shots": (
        _k("count", "int", "exact number of shots", minimum=1),
        _k("min", "int", "at least this many shots", minimum=1),
        _k("max", "int", "at most this many shots", minimum=1),
        _k("longest_max", "number", "seconds: no shot (take) may last longer", positive=True),
        NOTE,
    ),
    "in_view": (
        _k("performer", "string", "the performer's name in the level", required=True),
        _k("time", "number", "seconds: visible on that frame", minimum=0.0),
        _k("shot", "int", "1-based shot number: in view for the shot (visible on at least a quarter of "
                          "its frames, as the plan's performers_in_view)", minimum=1),
        _k("shot_from", "number", "seconds: in view for the shot opened by the cut at this time (0: the "
                                  "first shot); a stable name, unlike a shot number", minimum=0.0),
        _k("after_cut", "int", "in view for the shot opened by turn cut N (1: the first cut)", minimum=1),
        _k("from", "number", "seconds: with 'to', visible on every frame of [from, to]", minimum=0.0),
        _k("to", "number", "seconds: end of the 'from' interval (inclusive)", minimum=0.0),
        _k("visible", "bool", "false: expect the performer NOT in view (not on any frame, for an interval)",
           default=True),
        NOTE,
    ),
    "position": (
        _k("who", "string", "\"Henry\" (or Henry's object name) or a performer's name", required=True),
        _k("time", "number", "seconds", required=True, minimum=0.0),
        _k("x", "number", "metres east"),
        _k("z", "number", "metres south"),
        _k("tolerance", "number", "metres: largest distance from (x, z)", default=0.05, positive=True),
        _k("yaw", "number", "degrees: Henry's camera yaw, or a performer's facing (compared modulo 360)"),
        _k("angle_tolerance", "number", "degrees for yaw", default=1.0, positive=True),
        _k("down", "bool", "a performer is down (fallen) at that time, or not"),
        NOTE,
    ),
    "safety": (
        _k("findings", "int", "exact number of safety findings not matched by an [[safety.allow]] entry "
                              "(usually 0)", minimum=0),
        _k("min_clearance", "number", "metres: no two bodies closer (surface gap, outside contact beats, "
                                      "down performers and pairs inside a crowd excluded)", minimum=0.0),
        _k("allow", "tables", "known, accepted findings, not counted by 'findings'", table="allow"),
        NOTE,
    ),
    "allow": (
        _k("kind", "string", "the finding's kind: clearance, no-go, pyro, lying-body, landing, reach or crowd",
           required=True, choices=("clearance", "no-go", "pyro", "lying-body", "landing", "reach", "crowd")),
        _k("who", "names", "a name or a list of names; the finding's people must be exactly these",
           default="anyone"),
        _k("time", "number", "seconds: the finding's time (closest moment, or zone entry)", minimum=0.0,
           default="any time"),
        _k("tolerance", "number", "seconds either side of time", default=0.5, positive=True),
        _k("zone", "string", "zone findings: the zone's name", default="any zone"),
        NOTE,
    ),
    "comfort": (
        _k("peak_yaw_speed_max", "number", "deg/s: the fastest head turn allowed", positive=True),
        _k("seconds_over_comfort_max", "number", "seconds of turning faster than comfort_speed allowed",
           minimum=0.0),
        _k("seconds_over_screen_comfort_max", "number",
           "seconds the audience sees turning faster than screen_comfort_speed on screen", minimum=0.0),
        NOTE,
    ),
    "no_cut": (
        _k("from", "number", "seconds: start of the stretch (inclusive)", required=True, minimum=0.0),
        _k("to", "number", "seconds: end of the stretch (inclusive)", required=True, minimum=0.0),
        NOTE,
    ),
    "shot_limit": (
        _k("from", "number", "seconds: the shot's opening cut (0: the first shot)", required=True, minimum=0.0),
        _k("tolerance", "number", "seconds the opening cut may be off", default=0.1, positive=True),
        _k("max_length", "number", "seconds: the take may last at most this long", positive=True),
        _k("min_length", "number", "seconds: the take must last at least this long", positive=True),
        _k("max_yaw_speed", "number", "deg/s: the fastest head turn inside the shot (its opening and closing "
                                      "whips' frames excluded)", positive=True),
        NOTE,
    ),
    "beat": (
        _k("id", "int", "the beat's object id in the level", required=True, minimum=0),
        _k("time", "number", "seconds: when the beat fires", minimum=0.0),
        _k("timecode", "string", "HH:MM:SS:FF: the frame the beat fires on, in the plan's timecode"),
        _k("tolerance", "number", "seconds either side of time", default=0.01, positive=True),
        NOTE,
    ),
    "timecode": (
        _k("start", "string", "HH:MM:SS:FF: the timecode of frame 0 (the level's start_tc)"),
        _k("end", "string", "HH:MM:SS:FF: the timecode just after the last frame"),
        NOTE,
    ),
    "golden": (
        _k("track", "string", "the golden track.csv, relative to this file"),
        _k("plan", "string", "the shot-plan golden (LEVEL.golden.plan.json), relative to this file"),
        _k("position_tolerance", "number", "metres per axis", default=0.001, positive=True),
        _k("angle_tolerance", "number", "degrees (yaw, pitch, roll, hfov)", default=0.01, positive=True),
        _k("plan_tolerance", "number", "seconds a cut, a shot's end or a first/last frame in frame may move",
           default=0.1, positive=True),
        NOTE,
    ),
}

_TYPE_WORDS = {
    "number": "a number",
    "int": "a whole number",
    "bool": "true or false",
    "string": "a string in quotes",
    "names": "a string or a list of strings",
    "table": "a table",
    "tables": "an array of tables",
}


_TOML_TYPES = ((bool, "a boolean"), (int, "a whole number"), (float, "a number"), (str, "a string"),
               (list, "an array"), (dict, "a table"))
"""What a TOML value is, in words; ``bool`` first, since it is also an ``int``."""


def _toml_type(v) -> str:
    return next((word for kind, word in _TOML_TYPES if isinstance(v, kind)), type(v).__name__)


def _fmt(v: float) -> str:
    """A number as a person writes it: 3.1, 60, 0.05."""
    return f"{float(v):g}"


class _Problems(list):
    def add(self, name: str, where: str, msg: str) -> None:
        self.append(f"{name}: {where + ': ' if where else ''}{msg}")


def _did_you_mean(word: str, options) -> str:
    m = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean '{m[0]}'?)" if m else ""


def _validate(data: dict, schema_name: str, where: str, name: str, probs: _Problems) -> dict:
    """Check ``data`` against ``SCHEMA[schema_name]``: unknown keys, types, ranges, choices.
    Returns the valid scalar values (bad ones dropped) and nested values untouched."""
    keys = {k.name: k for k in SCHEMA[schema_name]}
    out = {}
    for key, v in data.items():
        k = keys.get(key)
        if k is None:
            is_table = isinstance(v, (dict, list)) and schema_name in ("top", "take")
            allowed = ", ".join(sorted(keys))
            if is_table:
                m = difflib.get_close_matches(key, list(keys), n=1, cutoff=0.6)
                hint = f" (did you mean [{m[0]}]?)" if m else ""
                probs.add(name, where, f"unknown table [{key}]{hint}; allowed here: {allowed}.")
            else:
                probs.add(name, where, f"unknown key '{key}'{_did_you_mean(key, keys)}; "
                                       f"allowed here: {allowed}.")
            continue
        ok = True
        if k.type in ("number", "int") and isinstance(v, int) and not isinstance(v, bool) and abs(v) > MAX_INT:
            probs.add(name, where, f"'{key}' is out of range: {str(v)[:20]}{'...' if len(str(v)) > 20 else ''} "
                                   f"has {len(str(abs(v)))} digits; use a number under 1e15.")
            continue
        if k.type == "number":
            ok = isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
            top = MAX_TIME if key in _TIME_KEYS else MAX_NUMBER
            if ok and abs(v) > top:
                probs.add(name, where, f"'{key}' is out of range: {_fmt(v)} is beyond ±{top:g}"
                                       f"{' s' if key in _TIME_KEYS else ''}; no fight needs it.")
                continue
        elif k.type == "int":
            ok = isinstance(v, int) and not isinstance(v, bool)
        elif k.type == "bool":
            ok = isinstance(v, bool)
        elif k.type == "string":
            ok = isinstance(v, str)
        elif k.type == "names":
            ok = isinstance(v, str) or (isinstance(v, list) and v and all(isinstance(s, str) for s in v))
        elif k.type == "table":
            ok = isinstance(v, dict)
        elif k.type == "tables":
            ok = isinstance(v, list) and all(isinstance(t, dict) for t in v)
        if not ok:
            fix = ""
            if k.type == "tables" and isinstance(v, dict):
                pre = "take." if schema_name == "take" else "safety." if schema_name == "safety" else ""
                fix = f" Write [[{pre}{key}]] (double brackets), once per entry."
            elif k.type == "table" and isinstance(v, list):
                pre = "take." if schema_name == "take" else ""
                fix = f" Write [{pre}{key}] (single brackets), once."
            elif k.type in ("number", "int") and isinstance(v, str):
                fix = f" Write it without quotes: {key} = {v.strip()}" if _is_number(v) else ""
            elif k.type == "bool" and isinstance(v, str) and v.lower() in ("true", "false"):
                fix = f" Write it without quotes: {key} = {v.lower()}"
            elif k.type == "int" and isinstance(v, float):
                fix = f" Write a whole number, e.g. {key} = {int(round(v))}"
            elif k.type == "string" and not isinstance(v, (dict, list)):
                fix = f' Write it in quotes: {key} = "{v}"'
            shown = f"'{key}'"
            if k.type in ("table", "tables"):
                pre = "take." if schema_name == "take" else "safety." if schema_name == "safety" else ""
                shown = f"[{pre}{key}]"
            probs.add(name, where, f"{shown} must be {_TYPE_WORDS[k.type]}, not {_toml_type(v)} "
                                   f"({_short(v)}).{fix}")
            continue
        if k.type in ("number", "int"):
            if k.positive and not v > 0:
                probs.add(name, where, f"'{key}' must be greater than 0, not {_fmt(v)}.")
                continue
            if k.minimum is not None and v < k.minimum:
                probs.add(name, where, f"'{key}' must be at least {_fmt(k.minimum)}, not {_fmt(v)}.")
                continue
        if k.choices and v not in k.choices:
            opts = " or ".join(f'"{c}"' for c in k.choices)
            probs.add(name, where, f"'{key}' must be {opts}, not {v!r}{_did_you_mean(str(v), k.choices)}.")
            continue
        out[key] = v
    for k in keys.values():
        if k.required and k.name not in data:
            probs.add(name, where, f"'{k.name}' is required ({k.doc}).")
    return out


def _is_number(s: str) -> bool:
    try:
        float(s)
    except ValueError:
        return False
    return True


def _short(v) -> str:
    r = repr(v)
    return r if len(r) <= 40 else r[:37] + "..."

