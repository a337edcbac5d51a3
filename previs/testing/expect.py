"""``LEVEL.expect.toml``: what a signed-off fight must keep doing, and its parser.

An expectation file sits beside its level (``levels/corridor.expect.toml`` tests
``levels/corridor.tmx``) and is plain TOML (read with :mod:`tomllib`). Every table and key
is described by :data:`SCHEMA`, which the parser enforces (unknown keys and wrong types are
refused with the file, the key path and a fix) and ``docs/testing.md`` documents.

The parsed result is an :class:`ExpectFile`: one :class:`ExpectSet` for the scripted replay
(the top-level tables) and one per ``[[take]]`` (the take's own nested tables), each a list
of :class:`Expectation` s. An expectation is one thing that passes or fails: one expected
cut, the shot count, one in-view claim, the golden track, ... Its ``id`` (``cut[2]``,
``shots.count``, ``take[1].golden``) names it in ``previs test`` output and is the pytest
item name, so ``pytest levels/ -k "golden"`` picks the same checks ``previs test`` runs.
"""

from __future__ import annotations

import difflib
import math
import os
import stat
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..errors import ExpectationError

SUFFIX = ".expect.toml"
MAX_BYTES = 16 * 1024 * 1024
"""An expectation file larger than this is refused (a real one is a few kilobytes)."""
MAX_INT = 10**15
"""Integers beyond this are refused (they would not convert to floats exactly, or at all)."""

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
)

SCHEMA: dict[str, tuple[Key, ...]] = {
    "top": (
        _k("level", "string", "the level to test, relative to this file", default="same stem + .tmx"),
        NOTE,
        *_EXPECTATION_TABLES,
        _k("take", "tables", "a recorded take to replay, with its own nested expectations", table="take"),
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
                                      "down performers excluded)", minimum=0.0),
        _k("allow", "tables", "known, accepted findings, not counted by 'findings'", table="allow"),
        NOTE,
    ),
    "allow": (
        _k("kind", "string", "the finding's kind: clearance, no-go or pyro", required=True,
           choices=("clearance", "no-go", "pyro")),
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
        NOTE,
    ),
    "golden": (
        _k("track", "string", "the golden track.csv, relative to this file", required=True),
        _k("position_tolerance", "number", "metres per axis", default=0.001, positive=True),
        _k("angle_tolerance", "number", "degrees (yaw, pitch, roll, hfov)", default=0.01, positive=True),
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


def _toml_type(v) -> str:
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, int):
        return "a whole number"
    if isinstance(v, float):
        return "a number"
    if isinstance(v, str):
        return "a string"
    if isinstance(v, list):
        return "an array"
    if isinstance(v, dict):
        return "a table"
    return type(v).__name__


# --------------------------------------------------------------------------------------
# Parsed model
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expectation:
    """One checkable claim. ``kind`` selects the check (``cut``, ``cuts.exact``,
    ``shots.count``, ``shots.longest_max``, ``in_view``, ``position``, ``safety.findings``,
    ``safety.min_clearance``, ``comfort.peak_yaw_speed_max``,
    ``comfort.seconds_over_comfort_max``, ``golden``); ``spec`` its values with defaults
    applied; ``id`` its stable name; ``where`` its place in the file (for messages);
    ``label`` a one-line human description."""

    kind: str
    id: str
    where: str
    label: str
    spec: dict
    note: str = ""


@dataclass(frozen=True)
class ExpectSet:
    """The expectations on one replay: the scripted fight (``take`` None) or a take."""

    take: Path | None
    prefix: str  # "" or "take[1]."
    where: str  # "" or "[[take]] #1"
    settings: dict
    expectations: tuple[Expectation, ...]
    note: str = ""

    @property
    def label(self) -> str:
        return "scripted replay" if self.take is None else f"take {self.take.name}"


@dataclass(frozen=True)
class ExpectFile:
    path: Path
    level_path: Path
    sets: tuple[ExpectSet, ...]
    note: str = ""

    @property
    def expectations(self) -> list[Expectation]:
        return [e for s in self.sets for e in s.expectations]


# --------------------------------------------------------------------------------------
# Parser
# --------------------------------------------------------------------------------------


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


def _tables(parent: dict, key: str) -> list[dict]:
    v = parent.get(key)
    return v if isinstance(v, list) and all(isinstance(t, dict) for t in v) else []


def _table(parent: dict, key: str) -> dict | None:
    v = parent.get(key)
    return v if isinstance(v, dict) else None


def _parse_set(doc: dict, where: str, prefix: str, name: str, probs: _Problems) -> tuple[dict, list[Expectation]]:
    """Validate one replay's expectation tables (top level or one [[take]])."""
    tp = "take." if prefix else ""

    def w(s: str) -> str:
        return f"{where}: {s}" if where else s

    exps: list[Expectation] = []
    settings = {}
    if (t := _table(doc, "settings")) is not None:
        settings = _validate(t, "settings", w(f"[{tp}settings]"), name, probs)

    # Cuts.
    cuts_opts = {}
    if (t := _table(doc, "cuts")) is not None:
        cuts_opts = _validate(t, "cuts", w(f"[{tp}cuts]"), name, probs)
    default_tol = float(cuts_opts.get("tolerance", 0.1))
    windows = []
    for i, t in enumerate(_tables(doc, "cut"), 1):
        wh = w(f"[[{tp}cut]] #{i}")
        v = _validate(t, "cut", wh, name, probs)
        if "time" not in v:
            continue
        spec = {"time": float(v["time"]), "tolerance": float(v.get("tolerance", default_tol)),
                "direction": v.get("direction")}
        for j, (lo, hi, wj) in enumerate(windows):
            if spec["time"] - spec["tolerance"] <= hi and lo <= spec["time"] + spec["tolerance"]:
                probs.add(name, wh, f"the window {_fmt(spec['time'])} s ± {_fmt(spec['tolerance'])} overlaps "
                                    f"{wj}'s; one actual cut could satisfy both. Narrow the tolerances or "
                                    f"merge the two.")
                break
        windows.append((spec["time"] - spec["tolerance"], spec["time"] + spec["tolerance"], f"[[{tp}cut]] #{i}"))
        d = f"{spec['direction']} " if spec["direction"] else ""
        exps.append(Expectation("cut", f"{prefix}cut[{i}]", wh,
                                f"{d}turn cut at {_fmt(spec['time'])} s ± {_fmt(spec['tolerance'])} s",
                                spec, v.get("note", "")))
    if cuts_opts.get("exact"):
        listed = [dict(e.spec) for e in exps if e.kind == "cut"]
        label = ("no turn cuts at all" if not listed
                 else f"no turn cuts other than the {len(listed)} listed")
        exps.append(Expectation("cuts.exact", f"{prefix}cuts.exact", w(f"[{tp}cuts] exact"), label,
                                {"cuts": listed}, cuts_opts.get("note", "")))

    # Shots.
    if (t := _table(doc, "shots")) is not None:
        wh = w(f"[{tp}shots]")
        v = _validate(t, "shots", wh, name, probs)
        note = v.get("note", "")
        if "count" in v and ("min" in v or "max" in v):
            probs.add(name, wh, "give either 'count' or 'min'/'max', not both.")
        elif "count" in v:
            exps.append(Expectation("shots.count", f"{prefix}shots.count", wh, f"exactly {v['count']} shot"
                                    f"{'s' * (v['count'] != 1)}", {"min": v["count"], "max": v["count"]}, note))
        elif "min" in v or "max" in v:
            lo, hi = v.get("min"), v.get("max")
            if lo is not None and hi is not None and lo > hi:
                probs.add(name, wh, f"'min' ({lo}) is more than 'max' ({hi}).")
            else:
                label = (f"{lo} to {hi} shots" if lo is not None and hi is not None
                         else f"at least {lo} shots" if lo is not None else f"at most {hi} shots")
                exps.append(Expectation("shots.count", f"{prefix}shots.count", wh, label,
                                        {"min": lo, "max": hi}, note))
        if "longest_max" in v:
            exps.append(Expectation("shots.longest_max", f"{prefix}shots.longest_max", wh,
                                    f"no shot longer than {_fmt(v['longest_max'])} s",
                                    {"longest_max": float(v["longest_max"])}, note))

    # In view.
    for i, t in enumerate(_tables(doc, "in_view"), 1):
        wh = w(f"[[{tp}in_view]] #{i}")
        v = _validate(t, "in_view", wh, name, probs)
        whens = [k for k in ("time", "shot") if k in v] + (["from/to"] if ("from" in v or "to" in v) else [])
        if len(whens) != 1:
            probs.add(name, wh, "say when, with exactly one of: time = S, shot = N, or from = S and to = S"
                                f"{'' if not whens else ' (found ' + ', '.join(whens) + ')'}.")
            continue
        if "performer" not in v:
            continue
        vis = bool(v.get("visible", True))
        spec = {"performer": v["performer"], "visible": vis}
        if "time" in v:
            spec["time"] = float(v["time"])
            when = f"at {_fmt(v['time'])} s"
        elif "shot" in v:
            spec["shot"] = int(v["shot"])
            when = f"in shot {v['shot']}"
        else:
            if "from" not in v or "to" not in v:
                probs.add(name, wh, "'from' and 'to' go together: give both (seconds, inclusive).")
                continue
            if v["from"] > v["to"]:
                probs.add(name, wh, f"'from' ({_fmt(v['from'])}) is after 'to' ({_fmt(v['to'])}).")
                continue
            spec["from"], spec["to"] = float(v["from"]), float(v["to"])
            when = (f"throughout {_fmt(v['from'])}–{_fmt(v['to'])} s" if vis
                    else f"at any time in {_fmt(v['from'])}–{_fmt(v['to'])} s")
        label = f"{v['performer']} {'in view' if vis else 'not in view'} {when}"
        exps.append(Expectation("in_view", f"{prefix}in_view[{i}]", wh, label, spec, v.get("note", "")))

    # Positions.
    for i, t in enumerate(_tables(doc, "position"), 1):
        wh = w(f"[[{tp}position]] #{i}")
        v = _validate(t, "position", wh, name, probs)
        if not any(k in t for k in ("x", "z", "yaw", "down")):
            probs.add(name, wh, "nothing to check: give x and/or z (metres), yaw (degrees) or down.")
            continue
        if "who" not in v or "time" not in v:
            continue
        spec = {"who": v["who"], "time": float(v["time"]), "tolerance": float(v.get("tolerance", 0.05)),
                "angle_tolerance": float(v.get("angle_tolerance", 1.0))}
        parts = []
        for k in ("x", "z", "yaw"):
            if k in v:
                spec[k] = float(v[k])
        xz = [f"{k} {_fmt(v[k])}" for k in ("x", "z") if k in v]
        if xz:
            parts.append("at " + ", ".join(xz))
        if "yaw" in v:
            parts.append(f"yaw {_fmt(v['yaw'])}°")
        if "down" in v:
            spec["down"] = bool(v["down"])
            parts.append("down" if v["down"] else "standing")
        label = f"{v['who']} {', '.join(parts)} at {_fmt(v['time'])} s"
        exps.append(Expectation("position", f"{prefix}position[{i}]", wh, label, spec, v.get("note", "")))

    # Safety.
    if (t := _table(doc, "safety")) is not None:
        wh = w(f"[{tp}safety]")
        v = _validate(t, "safety", wh, name, probs)
        allow = []
        for i, a in enumerate(_tables(t, "allow"), 1):
            av = _validate(a, "allow", w(f"[[{tp}safety.allow]] #{i}"), name, probs)
            if "kind" not in av:
                continue
            who = av.get("who")
            allow.append({"kind": av["kind"], "who": ([who] if isinstance(who, str) else who),
                          "time": av.get("time"), "tolerance": float(av.get("tolerance", 0.5)),
                          "zone": av.get("zone"), "index": i, "note": av.get("note", "")})
        note = v.get("note", "")
        if "findings" in v:
            n = v["findings"]
            extra = f" besides {len(allow)} allowed" if allow else ""
            exps.append(Expectation("safety.findings", f"{prefix}safety.findings", wh,
                                    f"{n} safety finding{'s' * (n != 1)}{extra}",
                                    {"findings": n, "allow": allow}, note))
        elif allow:
            probs.add(name, wh, "[[safety.allow]] entries only matter with 'findings' (e.g. findings = 0).")
        if "min_clearance" in v:
            exps.append(Expectation("safety.min_clearance", f"{prefix}safety.min_clearance", wh,
                                    f"no two bodies closer than {_fmt(v['min_clearance'])} m outside contact beats",
                                    {"min_clearance": float(v["min_clearance"])}, note))

    # Comfort.
    if (t := _table(doc, "comfort")) is not None:
        wh = w(f"[{tp}comfort]")
        v = _validate(t, "comfort", wh, name, probs)
        if "peak_yaw_speed_max" in v:
            exps.append(Expectation("comfort.peak_yaw_speed_max", f"{prefix}comfort.peak_yaw_speed_max", wh,
                                    f"peak yaw speed at most {_fmt(v['peak_yaw_speed_max'])} deg/s",
                                    {"max": float(v["peak_yaw_speed_max"])}, v.get("note", "")))
        if "seconds_over_comfort_max" in v:
            exps.append(Expectation("comfort.seconds_over_comfort_max",
                                    f"{prefix}comfort.seconds_over_comfort_max", wh,
                                    f"at most {_fmt(v['seconds_over_comfort_max'])} s of turning over the "
                                    f"comfort speed", {"max": float(v["seconds_over_comfort_max"])},
                                    v.get("note", "")))

    # Golden track.
    if (t := _table(doc, "golden")) is not None:
        wh = w(f"[{tp}golden]")
        v = _validate(t, "golden", wh, name, probs)
        if "track" in v:
            track = (Path(name).parent / v["track"])
            exps.append(Expectation("golden", f"{prefix}golden", wh, f"camera track matches {v['track']}",
                                    {"track": track, "track_text": v["track"],
                                     "position_tolerance": float(v.get("position_tolerance", 0.001)),
                                     "angle_tolerance": float(v.get("angle_tolerance", 0.01))},
                                    v.get("note", "")))
    return settings, exps


def parse_text(text: str, path: str | os.PathLike) -> ExpectFile:
    """Parse expectation TOML ``text`` that lives at ``path`` (paths inside resolve from its
    folder). Raises :class:`ExpectationError` listing every problem found."""
    name = os.fspath(path)
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ExpectationError(f"{name}: not valid TOML: {e}. See docs/testing.md for the format.") from None
    except RecursionError:
        raise ExpectationError(f"{name}: not a usable expectation file: values are nested too deeply "
                               "for the TOML reader. See docs/testing.md for the format.") from None
    probs = _Problems()
    top = _validate(doc, "top", "", name, probs)
    p = Path(name)
    stem = p.name[: -len(SUFFIX)] if p.name.endswith(SUFFIX) else p.stem
    level = p.parent / (top["level"] if "level" in top else stem + ".tmx")
    sets = []
    settings, exps = _parse_set(doc, "", "", name, probs)
    sets.append(ExpectSet(None, "", "", settings, tuple(exps)))
    for i, t in enumerate(_tables(doc, "take"), 1):
        wh = f"[[take]] #{i}"
        tv = _validate(t, "take", wh, name, probs)
        settings, exps = _parse_set(t, wh, f"take[{i}].", name, probs)
        if "file" in tv:
            if not exps and not any(k.name in t for k in _EXPECTATION_TABLES if k.name != "settings"):
                probs.add(name, wh, "has no expectations: add e.g. [take.golden] or [[take.cut]] below it.")
            sets.append(ExpectSet(p.parent / tv["file"], f"take[{i}].", wh, settings, tuple(exps),
                                  tv.get("note", "")))
    if not probs and not any(s.expectations for s in sets):
        probs.append(f"{name}: expects nothing: add at least one table, e.g. [shots] count = 3, "
                     "[[cut]] time = 3.1, or [golden] track = \"…\" (see docs/testing.md).")
    if probs:
        raise ExpectationError(list(probs))
    return ExpectFile(p, level, tuple(sets), top.get("note", ""))


def parse_file(path: str | os.PathLike) -> ExpectFile:
    """Read and parse ``LEVEL.expect.toml`` (see :func:`parse_text`)."""
    name = os.fspath(path)
    try:
        # O_NONBLOCK: opening a FIFO (or a device) must not wait for a writer.
        fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as e:
        raise ExpectationError(f"{name}: cannot read ({e.strerror}).") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise ExpectationError(f"{name}: not a regular file; an expectation file is a TOML text file.")
        if st.st_size > MAX_BYTES:
            raise ExpectationError(f"{name}: {st.st_size} bytes is too large for an expectation file "
                                   f"(at most {MAX_BYTES // (1024 * 1024)} MB).")
        with os.fdopen(fd, "rb", closefd=True) as fh:
            fd = None
            raw = fh.read(MAX_BYTES + 1)
    except OSError as e:
        raise ExpectationError(f"{name}: cannot read ({e.strerror}).") from None
    finally:
        if fd is not None:
            os.close(fd)
    if len(raw) > MAX_BYTES:
        raise ExpectationError(f"{name}: too large for an expectation file (at most {MAX_BYTES // (1024 * 1024)} MB).")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ExpectationError(f"{name}: not UTF-8 text; an expectation file is TOML.") from None
    return parse_text(text, name)
