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

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..errors import ExpectationError
from ..safe_paths import Unreadable, find_project_root, read_bounded, resolve_inside
from .expect_schema import _EXPECTATION_TABLES, SCHEMA, _fmt, _Problems, _validate  # noqa: F401 (SCHEMA re-exported)

SUFFIX = ".expect.toml"
MAX_BYTES = 1024 * 1024
"""An expectation file larger than this is refused (a real one is a few kilobytes: the
corridor's 60 expectations are 8 KB); TOML parses ~1 MB a second."""

MAX_ENTRIES = 25_000
"""Tables in one expectation file (every ``[[cut]]``, ``[[in_view]]``, ``[[take]]``, ...),
counted before any is checked: the corridor's has 60; 20 000 expected cuts check in
linear time (``tests/test_expect_scale.py``). A file listing 100 000 ``[[cut]]`` entries
ran for over 5 minutes; it is over :data:`MAX_BYTES` too."""


def _count_tables(doc: dict) -> int:
    """Tables in a parsed TOML document, nested ones included (no recursion)."""
    n, stack = 0, [doc]
    while stack:
        for v in stack.pop().values():
            items = v if isinstance(v, list) else [v]
            for t in items:
                if isinstance(t, dict):
                    n += 1
                    stack.append(t)
    return n

# --------------------------------------------------------------------------------------
# Parsed model
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expectation:
    """One checkable claim. ``kind`` selects the check (``cut``, ``cuts.exact``,
    ``shots.count``, ``shots.longest_max``, ``in_view``, ``position``, ``safety.findings``,
    ``safety.min_clearance``, ``comfort.peak_yaw_speed_max``,
    ``comfort.seconds_over_comfort_max``, ``comfort.seconds_over_screen_comfort_max``, ``golden``); ``spec`` its values with defaults
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
    edit: Path | None = None  # issue 19: an [[edit]]: the edit file assembled (take is None)

    @property
    def label(self) -> str:
        if self.edit is not None:
            return f"edit {self.edit.name}"
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


def _tables(parent: dict, key: str) -> list[dict]:
    v = parent.get(key)
    return v if isinstance(v, list) and all(isinstance(t, dict) for t in v) else []


def _table(parent: dict, key: str) -> dict | None:
    v = parent.get(key)
    return v if isinstance(v, dict) else None


def _inside(ref: str, name: str, where: str, key: str, project: Path, probs: _Problems) -> Path | None:
    """``ref`` (a path written in the expectation file ``name``) joined to the file's folder,
    or None with a problem if it resolves outside ``project``."""
    try:
        resolve_inside(ref, Path(name).parent, project)
    except Unreadable as e:
        probs.add(name, where, f"'{key}' {e.reason}; keep the level, golden tracks and takes inside the project "
                               f"(the folder holding the .tiled-project file, else this file's folder).")
        return None
    return Path(name).parent / ref


def overlapping_windows(windows: list[tuple[float, float, int]]) -> dict[int, int]:
    """Closed intervals ``(lo, hi, n)`` (``n``: their order in the file) that overlap an
    earlier one: ``{later n: earlier n}``. One sort and one sweep, O(k log k): 20 000
    expected cuts compared pairwise took 64 s."""
    out: dict[int, int] = {}
    best = None  # the interval seen so far (by lo) reaching furthest right
    for lo, hi, n in sorted(windows):
        if best is not None and lo <= best[1]:
            later, earlier = max(n, best[2]), min(n, best[2])
            out.setdefault(later, earlier)
        if best is None or hi > best[1]:
            best = (lo, hi, n)
    return out


def _parse_set(doc: dict, where: str, prefix: str, name: str, probs: _Problems,
               project: Path) -> tuple[dict, list[Expectation]]:
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
        windows.append((spec["time"] - spec["tolerance"], spec["time"] + spec["tolerance"], i, wh, spec))
        d = f"{spec['direction']} " if spec["direction"] else ""
        exps.append(Expectation("cut", f"{prefix}cut[{i}]", wh,
                                f"{d}turn cut at {_fmt(spec['time'])} s ± {_fmt(spec['tolerance'])} s",
                                spec, v.get("note", "")))
    overlaps = overlapping_windows([(lo, hi, i) for lo, hi, i, _, _ in windows])
    for lo, hi, i, wh, spec in windows:
        if i in overlaps:
            probs.add(name, wh, f"the window {_fmt(spec['time'])} s ± {_fmt(spec['tolerance'])} overlaps "
                                f"[[{tp}cut]] #{overlaps[i]}'s; one actual cut could satisfy both. Narrow the "
                                f"tolerances or merge the two.")
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
        whens = [k for k in ("time", "shot", "shot_from", "after_cut") if k in v] + (
            ["from/to"] if ("from" in v or "to" in v) else [])
        if len(whens) != 1:
            probs.add(name, wh, "say when, with exactly one of: time = S, shot = N, shot_from = S, after_cut = N, "
                                "or from = S and to = S"
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
        elif "shot_from" in v:
            spec["shot_from"] = float(v["shot_from"])
            spec["tolerance"] = default_tol
            when = ("in the first shot" if spec["shot_from"] == 0
                    else f"in the shot from {_fmt(v['shot_from'])} s")
        elif "after_cut" in v:
            spec["after_cut"] = int(v["after_cut"])
            when = f"in the shot after cut {v['after_cut']}"
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

    # No cut in a stretch; one shot by its opening cut; beats; timecodes.
    for i, t in enumerate(_tables(doc, "no_cut"), 1):
        wh = w(f"[[{tp}no_cut]] #{i}")
        v = _validate(t, "no_cut", wh, name, probs)
        if "from" in v and "to" in v:
            if v["from"] > v["to"]:
                probs.add(name, wh, f"'from' ({_fmt(v['from'])}) is after 'to' ({_fmt(v['to'])}).")
                continue
            exps.append(Expectation("no_cut", f"{prefix}no_cut[{i}]", wh,
                                    f"no turn cut between {_fmt(v['from'])} and {_fmt(v['to'])} s",
                                    {"from": float(v["from"]), "to": float(v["to"])}, v.get("note", "")))
    for i, t in enumerate(_tables(doc, "shot_limit"), 1):
        wh = w(f"[[{tp}shot_limit]] #{i}")
        v = _validate(t, "shot_limit", wh, name, probs)
        if "from" not in v:
            continue
        checks = [k for k in ("max_length", "min_length", "max_yaw_speed") if k in v]
        if not checks:
            probs.add(name, wh, "nothing to check: give max_length, min_length (seconds) or max_yaw_speed (deg/s).")
            continue
        which = "the first shot" if v["from"] == 0 else f"the shot from {_fmt(v['from'])} s"
        parts = [f"{_fmt(v['max_length'])} s long at most" if "max_length" in v else "",
                 f"at least {_fmt(v['min_length'])} s long" if "min_length" in v else "",
                 f"no turn faster than {_fmt(v['max_yaw_speed'])} deg/s" if "max_yaw_speed" in v else ""]
        spec = {"from": float(v["from"]), "tolerance": float(v.get("tolerance", default_tol))}
        spec.update({k: float(v[k]) for k in checks})
        exps.append(Expectation("shot_limit", f"{prefix}shot_limit[{i}]", wh, f"{which}: " + ", ".join(p for p in parts if p),
                                spec, v.get("note", "")))
    for i, t in enumerate(_tables(doc, "beat"), 1):
        wh = w(f"[[{tp}beat]] #{i}")
        v = _validate(t, "beat", wh, name, probs)
        if ("time" in v) == ("timecode" in v):
            probs.add(name, wh, "say when the beat fires, with exactly one of: time = S or timecode = \"HH:MM:SS:FF\".")
            continue
        if "id" not in v:
            continue
        spec = {"id": int(v["id"]), "time": float(v["time"]) if "time" in v else None,
                "timecode": v.get("timecode"), "tolerance": float(v.get("tolerance", 0.01))}
        when = f"at {_fmt(v['time'])} s" if "time" in v else f"at {v['timecode']}"
        exps.append(Expectation("beat", f"{prefix}beat[{i}]", wh, f"beat {v['id']} fires {when}", spec,
                                v.get("note", "")))
    if (t := _table(doc, "timecode")) is not None:
        wh = w(f"[{tp}timecode]")
        v = _validate(t, "timecode", wh, name, probs)
        for k in ("start", "end"):
            if k in v:
                exps.append(Expectation(f"timecode.{k}", f"{prefix}timecode.{k}", wh,
                                        f"{'starts' if k == 'start' else 'ends'} at timecode {v[k]}",
                                        {"timecode": v[k]}, v.get("note", "")))
        if "start" not in v and "end" not in v:
            probs.add(name, wh, "nothing to check: give start = \"HH:MM:SS:FF\" and/or end.")

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
        if "seconds_over_screen_comfort_max" in v:
            mx = float(v["seconds_over_screen_comfort_max"])
            exps.append(Expectation("comfort.seconds_over_screen_comfort_max",
                                    f"{prefix}comfort.seconds_over_screen_comfort_max", wh,
                                    f"at most {_fmt(mx)} s seen turning over the comfort speed on screen",
                                    {"max": mx}, v.get("note", "")))

    # Golden track and shot-plan golden.
    if (t := _table(doc, "golden")) is not None:
        wh = w(f"[{tp}golden]")
        v = _validate(t, "golden", wh, name, probs)
        if "track" not in t and "plan" not in t:
            probs.add(name, wh, "nothing to compare: give track = \"LEVEL.golden.csv\" and/or "
                                "plan = \"LEVEL.golden.plan.json\".")
        track = _inside(v["track"], name, wh, "track", project, probs) if "track" in v else None
        if track is not None:
            exps.append(Expectation("golden", f"{prefix}golden", wh, f"camera track matches {v['track']}",
                                    {"track": track, "track_text": v["track"], "project": project,
                                     "position_tolerance": float(v.get("position_tolerance", 0.001)),
                                     "angle_tolerance": float(v.get("angle_tolerance", 0.01))},
                                    v.get("note", "")))
        plan = _inside(v["plan"], name, wh, "plan", project, probs) if "plan" in v else None
        if plan is not None:
            exps.append(Expectation("golden.plan", f"{prefix}golden.plan", wh, f"shot plan matches {v['plan']}",
                                    {"track": plan, "track_text": v["plan"], "project": project,
                                     "tolerance": float(v.get("plan_tolerance", 0.1))},
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
    if (tables := _count_tables(doc)) > MAX_ENTRIES:
        raise ExpectationError(f"{name}: has {tables} tables, more than the {MAX_ENTRIES} an expectation file may "
                               "have; split it, or check the plan with a [golden] track instead.")
    probs = _Problems()
    top = _validate(doc, "top", "", name, probs)
    p = Path(name)
    stem = p.name[: -len(SUFFIX)] if p.name.endswith(SUFFIX) else p.stem
    project = find_project_root(p)
    level = _inside(top.get("level", stem + ".tmx"), name, "", "level", project, probs)
    sets = []
    settings, exps = _parse_set(doc, "", "", name, probs, project)
    sets.append(ExpectSet(None, "", "", settings, tuple(exps)))
    for i, t in enumerate(_tables(doc, "take"), 1):
        wh = f"[[take]] #{i}"
        tv = _validate(t, "take", wh, name, probs)
        settings, exps = _parse_set(t, wh, f"take[{i}].", name, probs, project)
        take = _inside(tv["file"], name, wh, "file", project, probs) if "file" in tv else None
        if take is not None:
            if not exps and not any(k.name in t for k in _EXPECTATION_TABLES if k.name != "settings"):
                probs.add(name, wh, "has no expectations: add e.g. [take.golden] or [[take.cut]] below it.")
            sets.append(ExpectSet(take, f"take[{i}].", wh, settings, tuple(exps),
                                  tv.get("note", "")))
    from .edit_checks import parse_edit_sets

    sets += parse_edit_sets(doc, name, probs, project)
    _goldens_are_not_inputs(p, level, sets, name, probs)
    if not probs and not any(s.expectations for s in sets):
        probs.append(f"{name}: expects nothing: add at least one table, e.g. [shots] count = 3, "
                     "[[cut]] time = 3.1, or [golden] track = \"…\" (see docs/testing.md).")
    if probs:
        raise ExpectationError(list(probs))
    return ExpectFile(p, level, tuple(sets), top.get("note", ""))


INPUT_SUFFIXES = (".tmx", ".tsx", ".tx", ".tiled-project", ".take", ".toml", ".bvh")
"""Files previs reads as input: a golden may never name one (an update would overwrite it)."""


def _goldens_are_not_inputs(path: Path, level: Path | None, sets: list[ExpectSet], name: str,
                            probs: _Problems) -> None:
    """A golden track may not be the level, this file or a take: ``--update-golden`` would
    overwrite it with a track.csv."""
    inputs = {os.path.realpath(path): "this expectation file"}
    if level is not None:
        inputs[os.path.realpath(level)] = "the level"
    inputs.update({os.path.realpath(s.take): "a take" for s in sets if s.take is not None})
    for s in sets:
        for e in s.expectations:
            if e.kind not in ("golden", "golden.plan"):
                continue
            real = os.path.realpath(e.spec["track"])
            what = inputs.get(real)
            if what is None and real.lower().endswith(INPUT_SUFFIXES):  # another level's, another file's
                what = "an input of previs (a level, tileset, template, take, edit or expectation file)"
            if what is not None:
                key = "track" if e.kind == "golden" else "plan"
                probs.add(name, e.where, f"'{key}' = {e.spec['track_text']!r} is {what}, which --update-golden "
                                         f"would overwrite; name the golden's own file (LEVEL.golden.csv, "
                                         f"LEVEL.golden.plan.json).")


def parse_file(path: str | os.PathLike) -> ExpectFile:
    """Read and parse ``LEVEL.expect.toml`` (see :func:`parse_text`): a regular file of at
    most :data:`MAX_BYTES` (:func:`previs.safe_paths.read_bounded`: a FIFO cannot hang it)."""
    name = os.fspath(path)
    try:
        raw = read_bounded(name, MAX_BYTES)
    except Unreadable as e:
        if e.kind == "large":
            raise ExpectationError(f"{name}: too large for an expectation file (at most "
                                   f"{MAX_BYTES // 1024} KB).") from None
        if e.kind in ("special", "folder"):
            raise ExpectationError(f"{name}: not a regular file; an expectation file is a TOML text file.") from None
        raise ExpectationError(f"{name}: cannot read ({e.reason}).") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ExpectationError(f"{name}: not UTF-8 text; an expectation file is TOML.") from None
    return parse_text(text, name)
