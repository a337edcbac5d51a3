"""Authoring slips that still load: warnings (notices) with "did you mean", never refusals.

- unknown property names on the map and on objects of known kinds (every one), on tiles
  and tile layers only when they look like ours (:data:`LOOKS_LIKE_OURS`);
- an actor placed away from the first vertex of the path it starts on;
- implausible numbers: a ``speed`` above a human sprint (:data:`SPRINT`), a contact beat
  whose bodies never come within the action's reach during ``[t, t + duration]``, one
  actor in two contact beats at once;
- a look of Henry's whose target walls hide from his eyes for the whole look
  (:func:`hidden_looks`).

Each check adds one notice per slip to a :class:`~.diagnostics.Problems`; ``previs
check`` prints them and every command that loads a level prints them first; ``--strict``
makes them errors. Distances are metres on the ground plane, times seconds.
"""

from __future__ import annotations

import difflib
import math
from collections import defaultdict

import numpy as np

from .actions import Action, close_action
from .diagnostics import Problems
from .limits import MAX_PROBLEMS
from .model import Actor, Beat, Level
from .route import positions_fn
from .schema import TILE, TILE_LAYER, Field
from .sightlines import occluded, target_heights
from ..timebase import time_base_of

SUGGEST_CUTOFF = 0.6
"""``difflib`` ratio from which an unknown map or object property gets a "did you mean"
(``speeed``/``speed`` 0.91, ``maxtake``/``max_take`` 0.93, ``Speed``/``speed`` 0.8)."""

LOOKS_LIKE_OURS = 0.8
"""Tiles and tile layers may carry other tools' properties: only a name this alike
(``difflib`` ratio) to one previs reads is a warning (``heigth`` 0.83, ``colour`` 0.91,
``wall`` 0.89)."""

START_TOLERANCE = 0.5
"""Metres an actor with a path may stand from the path's first vertex before it is a
warning (previs starts it on the vertex, not where Tiled shows it)."""

SPRINT = 9.0
"""Fastest ``speed`` (m/s) that is not a warning. Usain Bolt's top speed in his 9.58 s
100 m (Berlin 2009) was 12.3 m/s (Graubner & Nixdorf, New Studies in Athletics 26:1/2,
2011); a 9 m/s top speed is an 11-second 100 m, a fast club sprinter, beyond what a
performer in costume hits on cue on a set floor. Walk 1.4, run 3, sprint 4-5 m/s."""

SAMPLES_PER_SECOND = 24
"""How densely a contact beat's window is sampled for the bodies' closest approach (one
sample per frame at the default fps, and both ends)."""

MAX_SAMPLES = 1000
"""Samples of one window at most (a 40 s contact beat and longer are sampled more
sparsely: the check's cost stays bounded for the longest beats the limits allow)."""


def _suggest(name: str, known, cutoff: float) -> str | None:
    hits = difflib.get_close_matches(name, list(known), n=1, cutoff=cutoff)
    return hits[0] if hits else None


def unknown_properties(problems: Problems, where: str | None, props: dict, table: dict[str, Field], owner: str) -> None:
    """A notice per property of ``props`` not in ``table`` (``owner``: "the map", "a
    performer"...), with the closest known name or the list of known ones."""
    for name in props:
        if name in table or not isinstance(name, str):  # a nameless property (damaged XML) reads as None
            continue
        if len(problems.notices) >= MAX_PROBLEMS:
            return  # the list is full (later notices are dropped): spare the name matching
        close = _suggest(name, table, SUGGEST_CUTOFF)
        fix = f"did you mean '{close}'?" if close else f"{owner}'s properties are {', '.join(table)}"
        problems.notice(where, f"has the property '{name}', which previs does not read", fix)


def lookalike_properties(problems: Problems, where: str, props: dict, table: dict[str, Field]) -> None:
    """A notice per property of ``props`` that is not in ``table`` but looks like one that
    is (:data:`LOOKS_LIKE_OURS`); any other name is left alone."""
    for name in props:
        if isinstance(name, str) and name not in table and (close := _suggest(name, table, LOOKS_LIKE_OURS)):
            problems.notice(where, f"has the property '{name}', which previs does not read", f"did you mean '{close}'?")


def action_typo(problems: Problems, where: str, word: str) -> None:
    """A notice if action ``word`` is not an action but close to one
    (:data:`~.actions.TYPO_CUTOFF`): it would silently play as a label."""
    close = close_action(word) if word else None
    if close:
        problems.notice(
            where,
            f"action '{word}' is not an action previs knows, so it plays as a label (no {close})",
            f"did you mean '{close}'?",
        )


def tile_lookalikes(problems: Problems, tilesets, tile_layers) -> None:
    """:func:`lookalike_properties` for every tile of the map's tilesets (:data:`TILE`) and
    every tile layer (:data:`TILE_LAYER`)."""
    for ts in tilesets:
        for tid, tile in ts.tiles.items():
            lookalike_properties(problems, f"{ts.label} tile {tid}", tile.properties, TILE)
    for layer in tile_layers:
        lookalike_properties(problems, f"tile layer '{layer.name}'", layer.properties, TILE_LAYER)


def start_placement(problems: Problems, where: str, actor: Actor) -> None:
    """A notice if ``actor`` stands over :data:`START_TOLERANCE` m from its path's first
    vertex, where previs starts it."""
    if actor.path is None:
        return
    (x, z), (px, pz) = actor.position, actor.path.points[0]
    d = math.hypot(x - px, z - pz)
    if d > START_TOLERANCE:
        problems.notice(
            where,
            f"stands at ({x:.1f}, {z:.1f}) m in Tiled, but previs starts it on its path's first vertex "
            f"({px:.1f}, {pz:.1f}) m, {d:.1f} m away",
            "drag it onto the path's first point (or that point onto it)",
        )


def fast_speed(problems: Problems, where: str, speed: float) -> None:
    """A notice if an actor's ``speed`` (m/s) is above a human sprint (:data:`SPRINT`)."""
    if speed > SPRINT:
        problems.notice(
            where,
            f"speed = {speed:g} m/s is faster than any performer sprints (previs warns above {SPRINT:g} m/s)",
            "check the number: walk 1.4, run 3, sprint 4-5 m/s",
        )


def _down_times(beats: list[Beat], actors: dict[int, Actor]) -> dict[int, float]:
    """Fight time each performer goes down (the end of its first downing beat)."""
    out: dict[int, float] = {}
    for b in beats:
        if b.downs_actor and actors[b.actor].kind == "performer":
            out[b.actor] = min(out.get(b.actor, math.inf), b.end)
    return out


def approach_times(t0: float, t1: float) -> np.ndarray:
    """Times (s) at which a window ``[t0, t1]`` is sampled for the bodies' closest approach:
    :data:`SAMPLES_PER_SECOND` a second (at most :data:`MAX_SAMPLES`), both ends included."""
    n = min(MAX_SAMPLES, max(1, math.ceil((t1 - t0) * SAMPLES_PER_SECOND)))
    return np.linspace(t0, t1, n + 1)


def walk_positions(queries: list[tuple[Actor, np.ndarray]]) -> list[np.ndarray]:
    """``(n, 2)`` ground positions (m) where the script walks each query's actor at its
    ``n`` fight times (:func:`~.route.positions_fn`: shoves aside). Each actor's walk is
    timed and evaluated once over all its queries' times (the finale's 191 blows and 103
    looks: 104 evaluations instead of 485)."""
    by_actor: dict[int, tuple[Actor, list[int]]] = {}
    for k, (actor, _) in enumerate(queries):
        by_actor.setdefault(actor.id, (actor, []))[1].append(k)
    out: list[np.ndarray] = [np.zeros((0, 2))] * len(queries)
    for actor, ks in by_actor.values():
        times = [np.asarray(queries[k][1], np.float64) for k in ks]
        xz = positions_fn(actor)(np.concatenate(times))
        for k, part in zip(ks, np.split(xz, np.cumsum([len(t) for t in times])[:-1])):
            out[k] = part
    return out


def _beat_words(actors: dict[int, Actor], b: Beat) -> str:
    return f"{actors[b.actor].name}'s {b.action} ({b.t:g}-{b.end:g} s)"


def contact_reach(problems: Problems, where_of, beats: list[Beat], actors: dict[int, Actor]) -> None:
    """A notice per contact beat whose actor and target stay farther apart than the
    action's reach (:meth:`~.actions.Action.beyond_reach`) for its whole window
    ``[t, t + duration]``, where the script puts them (shoves aside); ``where_of(beat)``
    names the beat."""
    down = _down_times(beats, actors)
    blows = [(b, actors[b.actor], actors[b.target], approach_times(b.t, b.end)) for b in beats
             if b.spec.contact and b.target is not None]
    # Each body frozen from the time it goes down (a body that went down stays where it fell).
    where = walk_positions([q for _, a, t, ts in blows
                            for q in ((a, np.minimum(ts, down.get(a.id, math.inf))),
                                      (t, np.minimum(ts, down.get(t.id, math.inf))))])
    for k, (b, a, t, _) in enumerate(blows):
        spec: Action = b.spec
        gap_xz = where[2 * k] - where[2 * k + 1]
        d = float(np.hypot(gap_xz[:, 0], gap_xz[:, 1]).min())
        gap = spec.beyond_reach(d, a.radius, t.radius)
        if gap > 0:
            problems.notice(
                where_of(b),
                f"{_beat_words(actors, b)} at {t.name}: they are never closer than {d:.1f} m centre to centre, "
                f"{gap:.1f} m beyond a {b.action}'s reach ({spec.reach:g} m between bodies of {a.radius:g} m "
                f"and {t.radius:g} m radius)",
                "time the beat for when they meet, or bring their paths together",
                cause=("reach", int(b.id)),  # the plan's reach finding (plan/safety_bodies.py) for this beat
            )


def double_contact(problems: Problems, where_of, beats: list[Beat], actors: dict[int, Actor]) -> None:
    """A notice per contact beat that starts while its actor's previous contact beat
    ``[t, t + duration)`` still runs: one body, one blow at a time."""
    running: dict[int, Beat] = {}
    by_actor: dict[int, list[Beat]] = defaultdict(list)
    for b in beats:  # sorted by (t, id)
        if b.is_contact:
            by_actor[b.actor].append(b)
    for mine in by_actor.values():
        for b in mine:
            prev = running.get(b.actor)
            if prev is not None and b.t < prev.end:
                problems.notice(
                    where_of(b),
                    f"{_beat_words(actors, b)} starts while their {prev.action} (object {prev.id}, "
                    f"{prev.t:g}-{prev.end:g} s) still runs: one performer, two blows at once",
                    f"start it at {prev.end:g} s or shorten the {prev.action}",
                )
            if prev is None or b.end > prev.end:
                running[b.actor] = b


def hidden_looks(problems: Problems, where_of, level: Level) -> None:
    """A notice per look of Henry's whose target is hidden by walls on every frame of the
    look: from the frame it fires on until his next look at another target fires (or the
    replay ends), the frames his head turns to the target and then tracks it
    (:mod:`previs.sim.script`); looks in a row at one target are one look.
    Hidden is :func:`~.sightlines.occluded` from his eye (``eye_height`` over where his
    script walks him) to every test point of the target (a performer's chest and head,
    0.2 m once down, where the script walks him: shoves aside; a mark at its ``height``).
    Frame ``f`` is at ``f / fps`` s; each frame is in one look at most, so a level's check
    traces at most one sight line per frame. ``where_of(beat)`` names the beat."""
    st = level.settings
    tb = time_base_of(st)
    looks = [(tb.frame_at(b.t), b) for b in level.beats
             if b.actor == level.henry.id and b.aims and b.target not in (None, b.actor)]
    looks = [(f, b) for f, b in looks if f < st.frames]
    if not looks:
        return
    actors = {a.id: a for a in (level.henry, *level.performers)}
    down = _down_times(list(level.beats), actors)
    # Looks in a row at one target are one look: keep the first of each run, ending where
    # the next run starts.
    runs = [(f, b) for k, (f, b) in enumerate(looks) if not k or looks[k - 1][1].target != b.target]
    ends = [runs[k + 1][0] if k + 1 < len(runs) else st.frames for k in range(len(runs))]
    times = [tb.time_of(f0) + tb.times(max(f1 - f0, 1)) for (f0, _), f1 in zip(runs, ends)]  # frames f0 .. f1 - 1
    # Every look's sight lines are traced in one call (the finale's 103 looks: one DDA).
    marks = [level.mark(b.target) for _, b in runs]
    targets = [None if m is not None else actors[b.target] for m, (_, b) in zip(marks, runs)]
    where = walk_positions([(level.henry, np.concatenate(times))]
                           + [(a, np.minimum(t, down.get(a.id, math.inf))) for a, t in zip(targets, times) if a is not None])
    feet, walked = where[0], iter(where[1:])
    xz, ys, names = [], [], []
    for mark, a, t in zip(marks, targets, times):
        if mark is not None:
            xz.append(np.broadcast_to(mark.position, (len(t), 2)))
            ys.append(np.full((len(t), 2), mark.height))
            names.append(mark.name)
        else:
            xz.append(next(walked))
            ys.append(target_heights(np.full(len(t), a.height), t >= down.get(a.id, math.inf)))
            names.append(a.name)
    eye = np.column_stack([feet[:, 0], np.full(len(feet), st.eye_height), feet[:, 1]])
    blocked = occluded(level.walls, eye, np.concatenate(xz).astype(float), np.concatenate(ys)).all(axis=1)
    starts = np.cumsum([0] + [len(t) for t in times[:-1]])
    for (_, b), f1, name, hidden in zip(runs, ends, names, np.logical_and.reduceat(blocked, starts).tolist()):
        if hidden:
            until = f"until {tb.time_of(f1):g} s, when he looks at another" if f1 < st.frames else "to the end of the replay"
            problems.notice(
                where_of(b),
                f"{_beat_words(actors, b)} at {name}: walls hide {name} from Henry's eyes for the whole look ({until})",
                f"time the look for when {name} is in sight, or look at a mark (a door, a window) instead",
            )
