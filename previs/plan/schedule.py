"""The schedule: for each actor, when every leg of his path starts and ends, and where he is
at every beat he is in (``previs check --schedule``; the report's appendix).

Timing is the walk's own (:func:`previs.level.route.schedule`, the one place a walk is
timed): a leg runs from leaving vertex *i* (after its hold) to reaching vertex *i + 1*; a
loop's legs repeat every lap while the fight lasts. Marks at beats are where the script
puts the actor at the beat's ``t`` (:func:`previs.level.route.positions_fn`), frozen from
the frame he is down on (:func:`previs.sim.script.down_frames`): the simulation's
positions on the beat's frame when ``t`` falls on a frame. A shove moves a performer off
his walk; the schedule says so instead of guessing where he lands.

Units: seconds since frame 0 of the fight; positions ``(x, z)`` metres (x east, z south);
timecodes are of the first frame at or after a time (the frame a beat takes effect on).
Pure: no clock, no files.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..level import route
from ..level.model import Actor, Level, Vec2
from ..timebase import TimeBase, rate_label, time_base_of

MAX_LEGS = 200
"""Legs listed per actor: a short loop repeats hundreds of times in a long fight."""


@dataclass(frozen=True)
class Leg:
    """Walking from ``src`` to ``dst`` (vertices ``index`` and ``index + 1`` of the route;
    ``lap`` counts from 1 for a loop, 0 for an open path) over ``[start, end]`` seconds.
    ``cut_short``: the actor is down before ``end`` and stops where he fell."""

    index: int
    lap: int
    start: float
    end: float
    src: Vec2
    dst: Vec2
    cut_short: bool = False

    @property
    def name(self) -> str:
        """``3`` (leg 3), or ``2.3`` for a loop's lap 2, leg 3."""
        return f"{self.lap}.{self.index + 1}" if self.lap else str(self.index + 1)


@dataclass(frozen=True)
class Mark:
    """Where the actor is at beat ``beat`` (its ``t`` seconds): ``xz`` metres; ``line`` is
    the beat as a sentence (``Henry look Goon 1``); ``shoved``: a shove moved him before."""

    beat: int
    t: float
    xz: Vec2
    line: str
    shoved: bool = False


@dataclass(frozen=True)
class ActorSchedule:
    """One actor's schedule: ``legs`` in time order (at most :data:`MAX_LEGS`; ``more_legs``
    left out), ``marks`` at his beats in beat order, ``down`` the time (s) of the frame he
    is down from (None if never) and ``lap`` the loop's lap time (None for open paths)."""

    actor: Actor
    legs: tuple[Leg, ...]
    marks: tuple[Mark, ...]
    down: float | None = None
    lap: float | None = None
    more_legs: int = 0


def _legs(actor: Actor, until: float, down: float | None) -> tuple[list[Leg], int, float | None]:
    if not route.walks(actor):
        return [], 0, None
    sched = route.schedule(actor)
    lap = route.lap_time(sched, actor)
    legs: list[Leg] = []
    more = 0
    stop = until if down is None else min(until, down)
    lap_no = 0
    while True:
        offset = actor.start + (lap_no * lap if lap is not None else 0.0)
        for i in range(len(sched.xz) - 1):
            start = offset + float(sched.depart[i])
            end = offset + float(sched.arrive[i + 1])
            if legs and start >= stop:  # the first leg is always shown, even after the end
                return legs, more, lap
            if len(legs) == MAX_LEGS:
                more += 1
                continue
            legs.append(Leg(i, lap_no + 1 if lap is not None else 0, start, end,
                            tuple(map(float, sched.xz[i])), tuple(map(float, sched.xz[i + 1])),
                            cut_short=down is not None and end > down))
        if lap is None:
            return legs, more, lap
        lap_no += 1


def beat_line(level: Level, b) -> str:
    """A beat as a sentence: ``Henry look Goon 1``."""
    who = level.actor_name(b.actor)
    return f"{who} {b.action}" + (f" {level.actor_name(b.target)}" if b.target is not None else "")


def level_schedule(level: Level) -> tuple[ActorSchedule, ...]:
    """Henry first, then the performers in map order."""
    from ..sim.script import down_frames

    tb = time_base_of(level.settings)
    frames = level.settings.frames
    fdown = down_frames(level, frames)
    down_at = {p.id: tb.time_of(int(f)) for p, f in zip(level.performers, fdown) if f < frames}
    shoves: dict[int, list[float]] = {}
    for b in level.beats:
        if b.spec.push > 0 and b.target is not None and b.target not in (level.henry.id, b.actor):
            shoves.setdefault(b.target, []).append(b.t)
    out = []
    for actor in (level.henry, *level.performers):
        down = down_at.get(actor.id)
        legs, more, lap = _legs(actor, level.settings.duration, down)
        beats = [b for b in level.beats if actor.id in (b.actor, b.target)]
        where = route.positions_fn(actor)
        # Down: frozen on the frame he is down from, as the simulation freezes him.
        times = np.array([b.t if down is None else min(b.t, down) for b in beats], dtype=np.float64)
        xz = where(times) if beats else np.zeros((0, 2))
        marks = tuple(
            Mark(b.id, b.t, (float(p[0]), float(p[1])), beat_line(level, b),
                 shoved=any(s < b.t for s in shoves.get(actor.id, ())))
            for b, p in zip(beats, xz)
        )
        out.append(ActorSchedule(actor, tuple(legs), marks, down, lap, more))
    return tuple(out)


# -- text -------------------------------------------------------------------------------------


def _m(v: float) -> str:
    return f"{v + 0.0:.2f}"


def _s(v: float) -> str:
    return f"{v:.2f}"


def _table(header: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    """Columns two spaces apart, padded to their widest cell; ``right``: right-aligned."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    def line(r):
        return "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths))).rstrip()
    return [line(header), *(line(r) for r in rows)]


def actor_heading(a: ActorSchedule) -> str:
    """``Henry (object 1): path 7, 1.40 m/s from 0.00 s`` (or where he stands)."""
    actor = a.actor
    head = f"{actor.name} (object {actor.id})"
    if not a.legs:
        x, z = actor.position if actor.path is None else actor.path.points[0]
        return f"{head}: stands at ({_m(x)}, {_m(z)})"
    loop = f", a loop of {_s(a.lap)} s" if a.lap is not None else ""
    return f"{head}: path {actor.path.id}{loop}, {_s(actor.speed)} m/s from {_s(actor.start)} s"


def leg_rows(a: ActorSchedule, tb: TimeBase) -> list[list[str]]:
    """One row per leg: leg (lap.index for loops), from x z, to x z, start s, tc, end s, tc."""
    rows = []
    for g in a.legs:
        end = a.down if g.cut_short else g.end
        rows.append([g.name, _m(g.src[0]), _m(g.src[1]), _m(g.dst[0]), _m(g.dst[1]),
                     _s(g.start), tb.timecode(tb.frame_at(g.start)),
                     _s(end) + ("*" if g.cut_short else ""), tb.timecode(tb.frame_at(end))])
    return rows


def mark_rows(a: ActorSchedule, tb: TimeBase) -> list[list[str]]:
    """One row per beat: beat id, t s, tc, x, z, the beat (``+`` after a shove)."""
    return [[str(k.beat), _s(k.t), tb.timecode(tb.frame_at(k.t)), _m(k.xz[0]), _m(k.xz[1]),
             k.line + (" (+ shove)" if k.shoved else "")] for k in a.marks]


LEG_HEADER = ["leg", "from x", "z", "to x", "z", "start s", "start tc", "end s", "end tc"]
MARK_HEADER = ["beat", "t s", "tc", "x", "z", "action"]


def notes(a: ActorSchedule) -> list[str]:
    """Footnotes for an actor: down, cut short, legs left out, shoves."""
    out = []
    if a.down is not None:
        cut = " (* a leg cut short)" if any(g.cut_short for g in a.legs) else ""
        out.append(f"down from {_s(a.down)} s: stays where he fell{cut}")
    if a.more_legs:
        out.append(f"... {a.more_legs} more legs until the end (the loop repeats every {_s(a.lap)} s)")
    if any(k.shoved for k in a.marks):
        out.append("(+ shove): a shove moved him off his walk; x z is the walk's mark")
    return out


def schedule_text(level: Level, sched: tuple[ActorSchedule, ...]) -> list[str]:
    """The terminal text (``previs check --schedule``): per actor a heading, the legs and the
    marks at his beats as aligned columns (metres and seconds to 0.01, timecodes)."""
    from ..level.diagnostics import printable

    tb = time_base_of(level.settings)
    st = level.settings
    lines = [f"schedule: '{st.title}', {rate_label(st.fps)} fps from {st.start_tc}, {_s(st.duration)} s "
             "(x east, z south in metres; tc: the first frame at or after the time)"]
    for a in sched:
        lines.append("")
        lines.append(actor_heading(a))
        if a.legs:
            lines += ["  " + ln for ln in _table(LEG_HEADER, leg_rows(a, tb), set(range(9)) - {6, 8})]
        if a.marks:
            lines += ["  " + ln for ln in _table(MARK_HEADER, mark_rows(a, tb), {0, 1, 3, 4})]
        lines += ["  " + n for n in notes(a)]
    return [printable(ln) for ln in lines]
