"""From a :class:`~previs.level.tmx.RawMap` (Tiled pixels) to a validated
:class:`~previs.level.model.Level` (metres, contract axes), listing every problem.

Axes: ``x = tiled_x / tilewidth * tile_meters`` (east), ``z = tiled_y / tileheight *
tile_meters`` (south). Object kinds are matched case-insensitively (``Henry`` is henry).
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path as FsPath

from ..errors import PrevisError
from ..timebase import TimeBase, level_rate_problem, rate_label
from . import limits, replay_length, slips
from .actions import ACTIONS, PERFORMER
from .actor_extras import MocapFiles, actor_extras, late_mocap
from .actions import action as action_spec
from .diagnostics import Problems, describe
from .lens_setting import read_lens
from .external_files import with_files
from .model import ZONE_KINDS, Actor, Beat, Level, Mark, Path, Settings, Zone
from .props import Props
from .route import route_length, walk_seconds
from .schema import MAP, OBJECTS, default as dflt
from .tiled_shapes import anchor, rectangle, vertices
from .tmx import RawMap, RawObject
from .walls import build_walls, path_wall_notices

KINDS = ("henry", "performer", "path", "beat", "zone", "mark")
ACTOR_SHAPES = ("point", "ellipse", "rectangle", "tile")
REF_FIX = {
    "path": "pick a path object in Tiled's object picker",
    "actor": "pick henry or a performer in Tiled's object picker",
    "target": "pick henry, a performer or a mark in Tiled's object picker",
}


def _settings_props(raw: RawMap, problems: Problems) -> tuple[dict, float | None]:
    """Map properties, checked; ``duration`` is returned apart (None: derive it)."""
    p = Props(problems, "map properties", raw.properties)
    slips.unknown_properties(problems, "the map", raw.properties, MAP, "the map")
    s: dict = {"title": p.string("title", FsPath(raw.source).stem, limit=limits.MAX_NAME_CHARS)}
    fps, bad = level_rate_problem(raw.properties.get("fps", dflt(MAP, "fps")))
    if bad is not None:
        p.error(*bad)
    s["fps"] = fps if fps is not None else Fraction(dflt(MAP, "fps"))
    duration = p.number("duration", None, "s", lo=0, lo_open=True, hi=limits.MAX_DURATION)
    tc = p.string("start_tc", dflt(MAP, "start_tc"))
    try:
        TimeBase(s["fps"], tc)
    except PrevisError as e:
        nominal, why = TimeBase(s["fps"]).nominal_rate, e.problems[0].rstrip(".")
        if ";" in tc and not TimeBase(s["fps"]).has_drop_frame:
            fix = (f"drop-frame timecode (';') exists only at 29.97 and 59.94 fps: write HH:MM:SS:FF with colons "
                   f"at {rate_label(s['fps'])} fps")
        else:
            fix = (f"write HH:MM:SS:FF, two digits each, with colons (non-drop; HH:MM:SS;FF for drop-frame at 29.97 "
                   f"and 59.94 fps), hours below 24 and frames below {nominal} ({why})")
        p.error(f"start_tc = {tc!r} is not a timecode at {rate_label(s['fps'])} fps", fix)
    else:
        s["start_tc"] = tc
    ranges = {
        "tile_meters": dict(unit="m", lo=limits.MIN_TILE_METERS, hi=100.0),
        "eye_height": dict(unit="m", lo=0, lo_open=True, hi=10.0),
        "hfov": dict(unit="degrees", lo=0, lo_open=True, hi=180.0, hi_open=True),
        "max_take": dict(unit="s", lo=0, lo_open=True, hi=limits.MAX_TIME),
        "turn_cut_speed": dict(unit="degrees/s", lo=0, lo_open=True, hi=100_000.0),
        "turn_cut_angle": dict(unit="degrees", lo=0, lo_open=True, hi=3600.0),
        "safety_distance": dict(unit="m", lo=0, hi=100.0),
        # The camera rig (issue 14): a lens on the face, a stabiliser from none to a gimbal.
        "rig_height": dict(unit="m", lo=0, hi=0.5),
        "rig_forward": dict(unit="m", lo=-0.2, hi=0.3),
        "stabilise": dict(unit="", lo=0, hi=1.0),
        # Matching an edit's pieces at its cuts (issue 19).
        "cut_match_distance": dict(unit="m", lo=0, hi=10.0),
        "cut_match_angle": dict(unit="degrees", lo=0, hi=180.0),
        "cut_match_performer": dict(unit="m", lo=0, hi=10.0),
        "cut_hide_window": dict(unit="s", lo=0, lo_open=True, hi=2.0),
    }
    for name, r in ranges.items():
        default = dflt(MAP, name)
        unit = r.pop("unit")
        v = p.number(name, default, unit, **r)
        s[name] = default if v is None else v
    s["lens"] = read_lens(p, s["hfov"])  # issue 14: refused if unknown, or too wide for hfov
    return s, duration


class _Builder:
    def __init__(self, raw: RawMap, problems: Problems, tile_meters: float):
        self.raw = raw
        self.problems = problems
        self.sx = tile_meters / raw.tilewidth
        self.sz = tile_meters / raw.tileheight
        self.tm = tile_meters
        self.by_id = {o.id: o for o in raw.objects}
        self.kind = {o.id: o.kind.lower() for o in raw.objects}
        self.bad_paths: set[int] = set()
        self.mocap = MocapFiles(raw.path, raw.project)

    # -- helpers ---------------------------------------------------------------------
    def where(self, o: RawObject) -> str:
        return describe(o.id, o.name, o.kind)

    def metres(self, o: RawObject, pts: list[tuple[float, float]]) -> list[tuple[float, float]] | None:
        """Pixels -> metres (x = px / tilewidth * tile_meters); None if any point is beyond
        ``MAX_COORD_M`` (reported)."""
        out = [(px / self.raw.tilewidth * self.tm, py / self.raw.tileheight * self.tm) for px, py in pts]
        worst = max((max(abs(x), abs(z)) for x, z in out), default=0.0)
        if worst > limits.MAX_COORD_M:
            self.problems.error(
                self.where(o),
                f"lies {worst:.0f} m from the map's origin, beyond the {limits.MAX_COORD_M:.0f} m limit",
                "move it onto the map",
            )
            return None
        return out

    def ref_error(self, o: RawObject, prop: str, target: int, want: str, fix: str | None = None) -> None:
        other = self.by_id.get(target)
        if other is None:
            what = f"{prop} points to object {target}, which does not exist"
        else:
            what = f"{prop} points to {describe(other.id, other.name, other.kind)}, which is not {want}"
        self.problems.error(self.where(o), what, fix or REF_FIX[prop])

    # -- object kinds ----------------------------------------------------------------
    def path(self, o: RawObject) -> Path | None:
        w = self.where(o)
        if o.shape not in ("polyline", "polygon"):
            self.problems.error(
                w, f"is a {o.shape}; a path must be a polyline (a polygon for a loop)", "redraw it with the Insert Polyline tool"
            )
            return None
        pts = vertices(o)
        if len(pts) < 2:
            self.problems.error(w, f"has {len(pts)} point{'s' * (len(pts) != 1)}; a path needs at least 2", "add points with the Edit Polygons tool")
            return None
        metres = self.metres(o, pts)
        if metres is None:
            return None
        path = Path(id=o.id, name=o.name, points=tuple(metres), closed=o.shape == "polygon")
        length = route_length(path)
        if length > limits.MAX_PATH_LENGTH_M:
            self.problems.error(w, f"is {length:.0f} m long, more than the {limits.MAX_PATH_LENGTH_M:.0f} m limit", "shorten it")
            return None
        slips.unknown_properties(self.problems, w, o.properties, OBJECTS["path"], "a path")
        holds = Props(self.problems, w, o.properties).holds("holds", len(pts))
        if holds is None:
            return None
        return dataclasses.replace(path, holds=holds)

    def zone(self, o: RawObject) -> Zone | None:
        w = self.where(o)
        p = Props(self.problems, w, o.properties)
        slips.unknown_properties(self.problems, w, o.properties, OBJECTS["zone"], "a zone")
        kind = p.string("kind", "").lower()
        ok = True
        if not kind:
            p.error("has no kind", f"add a string property 'kind': one of {', '.join(ZONE_KINDS)}")
            ok = False
        elif kind not in ZONE_KINDS:
            p.error(f"kind = {kind!r} is not a zone kind", f"use one of {', '.join(ZONE_KINDS)}")
            ok = False
        if o.shape == "polygon":
            pts = vertices(o)
            if len(pts) < 3:
                self.problems.error(w, f"is a polygon of {len(pts)} points; a zone needs at least 3", "add points with the Edit Polygons tool")
                return None
        elif o.shape == "rectangle":
            if o.width <= 0 or o.height <= 0:
                self.problems.error(w, "is a rectangle without area", "drag it out with the Insert Rectangle tool")
                return None
            pts = rectangle(o)
        else:
            self.problems.error(w, f"is a {o.shape}; a zone must be a rectangle or a polygon", "redraw it with the Insert Rectangle or Insert Polygon tool")
            return None
        metres = self.metres(o, pts)
        if metres is None or not ok:
            return None
        return Zone(id=o.id, name=o.name or f"{kind} zone {o.id}", kind=kind, polygon=tuple(metres))

    def mark(self, o: RawObject) -> Mark | None:
        """A point a look can aim at (a door, a window, a sound): where it is and how high."""
        w = self.where(o)
        slips.unknown_properties(self.problems, w, o.properties, OBJECTS["mark"], "a mark")
        if o.shape not in ACTOR_SHAPES:
            self.problems.error(w, f"is a {o.shape}; a mark must be a point object (or an ellipse, which means its centre)",
                                "redraw it with the Insert Point tool")
            return None
        height = Props(self.problems, w, o.properties).number("height", dflt(OBJECTS["mark"], "height"), "m", lo=0, hi=100.0)
        pos = self.metres(o, [anchor(o)])
        if height is None or pos is None:
            return None
        return Mark(id=o.id, name=o.name or f"mark {o.id}", position=pos[0], height=height)

    def actor(self, o: RawObject, kind: str) -> tuple[Actor | None, int | None]:
        """The actor (None after a problem) and its path reference (checked by the caller,
        even when the actor itself has problems, so every problem is listed)."""
        w = self.where(o)
        p = Props(self.problems, w, o.properties)
        table = OBJECTS[kind]
        slips.unknown_properties(self.problems, w, o.properties, table, f"a {kind}")
        path_id = p.ref("path", fix=REF_FIX["path"])
        if o.shape not in ACTOR_SHAPES:
            self.problems.error(
                w,
                f"is a {o.shape}; {kind} must be a point object (or an ellipse, which means its centre)",
                "redraw it with the Insert Point tool",
            )
            return None, path_id
        speed = p.number("speed", dflt(table, "speed"), "m/s", lo=0, lo_open=True, hi=100.0)
        start = p.time("start", dflt(table, "start"))
        radius = p.number("radius", dflt(table, "radius"), "m", lo=0, hi=10.0)
        fields = dict(speed=speed, start=start, radius=radius)
        if kind == "henry":
            fields["heading"] = p.number("heading", dflt(table, "heading"), "degrees", lo=-1e6, hi=1e6)
            name = o.name or "Henry"
        else:
            fields["height"] = p.number("height", dflt(table, "height"), "m", lo=0, lo_open=True, hi=10.0)
            fields["color"] = p.color("color", dflt(table, "color"))
            fields["role"] = p.string("role", dflt(table, "role"))
            name = o.name or f"performer {o.id}"
        pos = self.metres(o, [anchor(o)])
        extras = actor_extras(p, self.problems, w, self.mocap)
        if pos is None or any(v is None for v in fields.values()) or not extras.pop("ok"):
            return None, path_id
        fields.update(extras)
        slips.fast_speed(self.problems, w, fields["speed"])
        return Actor(id=o.id, name=name, kind=kind, position=pos[0], **fields), path_id

    def beat(self, o: RawObject, actors: dict[int, Actor], marks: dict[int, Mark]) -> Beat | None:
        w = self.where(o)
        p = Props(self.problems, w, o.properties)
        slips.unknown_properties(self.problems, w, o.properties, OBJECTS["beat"], "a beat")
        t = p.time("t", None, required=True, hint=" (when it happens, in seconds)")
        action = p.string("action", "").lower()
        spec = action_spec(action)
        if not action:
            p.error("has no action", f"add a string property 'action': {', '.join(ACTIONS)}, or any word")
        slips.action_typo(self.problems, w, action)
        actor = self.actor_ref(o, p, "actor", required=True, actors=actors)
        before = len(self.problems.errors)
        lands = spec.contact or spec.push > 0  # on a body: never a mark
        target = self.actor_ref(o, p, "target", required=False, actors=actors, marks=None if lands else marks)
        if spec.aims and target is None and len(self.problems.errors) == before:
            p.error(f"is a {action} without a target", "add an object property 'target' and pick who to look at")
        if actor is not None and target is not None and actor == target:
            p.error(f"targets its own actor (object {actor})", "pick someone else as the target")
            target = None
        if spec.who == PERFORMER and actor is not None and self.kind.get(actor) == "henry":
            self.problems.notice(w, f"makes Henry {action}, which only a performer can (the camera never goes down): it stays a label", "pick a performer as the actor, or delete the beat")
        duration = p.time("duration", spec.duration)
        pos = self.metres(o, [anchor(o)])
        if t is None or actor is None or not action or duration is None or pos is None:
            return None
        if spec.aims and target is None:
            return None
        return Beat(id=o.id, t=t, actor=actor, action=action, target=target, duration=duration, note=p.string("note", ""), position=pos[0])

    def actor_ref(self, o, p: Props, prop: str, *, required: bool, actors: dict[int, Actor],
                  marks: dict[int, Mark] | None = None) -> int | None:
        """An object reference to henry or a performer; with ``marks``, a mark too."""
        ref = p.ref(prop, required=required, fix=REF_FIX[prop])
        if ref is None:
            return None
        if marks is not None and self.kind.get(ref) == "mark":
            if ref in marks:
                return ref
        elif self.kind.get(ref) not in ("henry", "performer"):
            if marks is not None:
                self.ref_error(o, prop, ref, "henry, a performer or a mark")
            else:  # an actor, or the target of a blow
                self.ref_error(o, prop, ref, "henry or a performer", "pick henry or a performer in Tiled's object picker")
            return None
        if ref not in actors and ref not in (marks or {}):  # its own problems are listed: say so, never a false second one
            other = self.by_id[ref]
            p.error(f"{prop} {other.name or f'object {ref}'} was refused above (object {ref})", "fix that object first")
            return None
        return ref


@dataclass
class _Shapes:
    """Paths (by id; ``bad_paths`` holds the ids of refused ones), zones in map order and
    the ids of objects of unknown kinds, by kind."""

    paths: dict[int, Path] = field(default_factory=dict)
    bad_paths: set[int] = field(default_factory=set)
    zones: list[Zone] = field(default_factory=list)
    marks: dict[int, Mark] = field(default_factory=dict)
    ignored: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))


def _shapes(b: _Builder) -> _Shapes:
    """Step 1: every path, zone and mark object, and which objects are of no known kind."""
    out = _Shapes()
    for o in b.raw.objects:
        k = b.kind[o.id]
        if k == "path":
            path = b.path(o)
            if path is None:
                out.bad_paths.add(o.id)
            else:
                out.paths[o.id] = path
        elif k == "zone":
            z = b.zone(o)
            if z is not None:
                out.zones.append(z)
        elif k == "mark":
            if (m := b.mark(o)) is not None:
                out.marks[o.id] = m
        elif k not in KINDS:
            out.ignored[o.kind].append(o.id)
    return out


def _check_counts(b: _Builder) -> list[RawObject]:
    """Step 2: at most ``MAX_PERFORMERS`` performers and ``MAX_BEATS`` beats, exactly one
    henry; returns the henry objects found (one when the level is sound)."""
    for kind, limit, fix in (
        ("performer", limits.MAX_PERFORMERS,
         "split the fight into several levels, or give the crowd at the back another type (ignored set dressing)"),
        ("beat", limits.MAX_BEATS, "split the fight into several levels"),
    ):
        count = sum(1 for o in b.raw.objects if b.kind[o.id] == kind)
        if count > limit:
            b.problems.error(None, f"has {count} {kind}s, more than the {limit} a level may have", fix)
    henrys = [o for o in b.raw.objects if b.kind[o.id] == "henry"]
    if not henrys:
        b.problems.error(
            None,
            "has no henry object (the POV performer: the camera rides at his eyes)",
            "add a point object with Type (Tiled 1.8, 1.10+) or Class (Tiled 1.9) 'henry' where he starts",
        )
    elif len(henrys) > 1:
        b.problems.error(
            None,
            "has " + str(len(henrys)) + " henry objects: " + ", ".join(describe(o.id, o.name, o.kind) for o in henrys),
            "a level has exactly one henry: change the Type/Class of all but one",
        )
    return henrys


def _actors(b: _Builder, shapes: _Shapes) -> dict[int, Actor]:
    """Step 3: henry and every performer by object id, each with its path attached; an
    actor with a problem (its own, or its path's) is left out, the problem reported."""
    actors: dict[int, Actor] = {}
    path_refs: dict[int, int | None] = {}
    for o in b.raw.objects:
        k = b.kind[o.id]
        if k in ("henry", "performer"):
            actor, path_refs[o.id] = b.actor(o, k)
            if actor is not None:
                actors[o.id] = actor
    for aid, pid in path_refs.items():
        if pid is None:
            continue
        o = b.by_id[aid]
        if b.kind.get(pid) != "path":
            b.ref_error(o, "path", pid, "a path")
            actors.pop(aid, None)
        elif pid in shapes.bad_paths or aid not in actors:
            actors.pop(aid, None)  # the path's or the actor's own problem is reported
        else:
            actors[aid] = dataclasses.replace(actors[aid], path=shapes.paths[pid])
            slips.start_placement(b.problems, b.where(o), actors[aid])
            seconds = walk_seconds(actors[aid])
            if seconds > limits.MAX_TIME:
                b.problems.error(
                    b.where(o),
                    f"walks its path for {seconds:.0f} s, more than the {limits.MAX_TIME:g} s limit",
                    "raise its speed or shorten the path",
                )
    return actors


def _check_names(b: _Builder, actors: dict[int, Actor], henrys: list[RawObject]) -> None:
    """Step 4: performer names are unique and differ from Henry's (reports go by name)."""
    names: dict[str, list[RawObject]] = defaultdict(list)
    henry_name = actors[henrys[0].id].name if len(henrys) == 1 and henrys[0].id in actors else None
    for aid, a in actors.items():
        if a.kind == "performer":
            names[a.name].append(b.by_id[aid])
    for name, objs in names.items():
        if len(objs) > 1:
            b.problems.error(
                None,
                " and ".join(describe(o.id, o.name, o.kind) for o in objs) + f" share the name '{name}'",
                "performer names must be unique (every report names them): rename all but one",
            )
        elif name == henry_name:
            b.problems.error(b.where(objs[0]), f"has Henry's name '{name}'", "rename it so reports can tell them apart")


def _beats(b: _Builder, actors: dict[int, Actor], marks: dict[int, Mark]) -> list[Beat]:
    """Step 5: every sound beat, sorted by ``(t, id)``."""
    beats = [x for o in b.raw.objects if b.kind[o.id] == "beat" if (x := b.beat(o, actors, marks)) is not None]
    beats.sort(key=lambda x: (x.t, x.id))
    where_of = lambda beat: b.where(b.by_id[beat.id])  # noqa: E731
    slips.contact_reach(b.problems, where_of, beats, actors)
    slips.double_contact(b.problems, where_of, beats, actors)
    return beats


def _placement_notices(b: _Builder, shapes: _Shapes, walls, bodies: tuple[Actor, ...]) -> None:
    """Step 8 (steps 6 and 7: :mod:`.replay_length`): notices for ignored objects, paths through walls and actors placed in one."""
    for kind, ids in sorted(shapes.ignored.items()):
        shown = ", ".join(map(str, ids[:10])) + (f" and {len(ids) - 10} more" if len(ids) > 10 else "")
        what = f"of type '{kind}'" if kind else "with no type"
        b.problems.notice(
            None,
            f"ignored {len(ids)} object{'s' * (len(ids) > 1)} {what} (id{'s' * (len(ids) > 1)} {shown})",
            "only henry, performer, path, beat, zone and mark objects take part in the fight",
        )
    path_wall_notices(tuple(shapes.paths.values()), walls, b.by_id, b.problems)
    slips.tile_lookalikes(b.problems, b.raw.tilesets, b.raw.tile_layers)
    for a in bodies:
        if a.path is None and walls.is_solid(*a.position):
            r, c = walls.cell_of(*a.position)
            b.problems.notice(b.where(b.by_id[a.id]), f"stands inside the wall block at column {c}, row {r}", "move it onto the floor")


def build_level(raw: RawMap, problems: Problems) -> Level:
    """Validate and convert; raises :class:`previs.errors.LevelError` listing every problem."""
    settings, explicit_duration = _settings_props(raw, problems)
    b = _Builder(raw, problems, settings["tile_meters"])
    shapes = _shapes(b)
    henrys = _check_counts(b)
    actors = _actors(b, shapes)
    _check_names(b, actors, henrys)
    beats = _beats(b, actors, shapes.marks)
    walls, floor, _ = build_walls(raw, b.tm, problems)
    problems.raise_if_errors()

    henry = actors[henrys[0].id]
    performers = tuple(actors[o.id] for o in raw.objects if b.kind[o.id] == "performer")
    duration = replay_length.duration(b, explicit_duration, (henry, *performers), beats)
    replay_length.check_replay_size(problems, duration, settings["fps"], len(performers))
    _placement_notices(b, shapes, walls, (henry, *performers))
    late_mocap(problems, lambda a: b.where(b.by_id[a.id]), (henry, *performers), duration)
    level = Level(
        source=raw.source,
        content_hash=with_files(raw.content_hash, b.mocap.used),
        settings=Settings(duration=float(duration), **settings),
        walls=walls,
        henry=henry,
        performers=performers,
        beats=tuple(beats),
        zones=tuple(shapes.zones),
        paths=tuple(shapes.paths.values()),
        floor_color=floor,
        width=raw.width * b.tm,
        depth=raw.height * b.tm,
        marks=tuple(shapes.marks.values()),
    )
    slips.hidden_looks(problems, lambda beat: b.where(b.by_id[beat.id]), level)  # needs the whole level
    return dataclasses.replace(level, notices=tuple(raw.notices) + tuple(problems.notices))
