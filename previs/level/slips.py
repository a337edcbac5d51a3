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


def suggest(name: str, known, cutoff: float) -> str | None:
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
        close = suggest(name, table, SUGGEST_CUTOFF)
        fix = f"did you mean '{close}'?" if close else f"{owner}'s properties are {', '.join(table)}"
        problems.notice(where, f"has the property '{name}', which previs does not read", fix)


def lookalike_properties(problems: Problems, where: str, props: dict, table: dict[str, Field]) -> None:
    """A notice per property of ``props`` that is not in ``table`` but looks like one that
    is (:data:`LOOKS_LIKE_OURS`); any other name is left alone."""
    for name in props:
        if isinstance(name, str) and name not in table and (close := suggest(name, table, LOOKS_LIKE_OURS)):
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


def walk_positions(actors: list[Actor], which: np.ndarray, times: np.ndarray) -> np.ndarray:
    """``(n, 2)`` ground positions (m) where the script walks actor ``actors[which[k]]`` at
    fight time ``times[k]`` (:func:`~.route.positions_fn`: shoves aside). Each actor's walk
    is timed and evaluated once, over all its times (the finale's 191 blows and 103 looks:
    104 evaluations instead of 485)."""
    out = np.empty((len(times), 2))
    order = np.argsort(which, kind="stable")
    cuts = np.searchsorted(which[order], np.arange(len(actors) + 1))
    for i, actor in enumerate(actors):
        rows = order[cuts[i]:cuts[i + 1]]
        if rows.size:
            out[rows] = positions_fn(actor)(times[rows])
    return out


def _beat_words(actors: dict[int, Actor], b: Beat) -> str:
    return f"{actors[b.actor].name}'s {b.action} ({b.t:g}-{b.end:g} s)"


def contact_reach(problems: Problems, where_of, beats: list[Beat], actors: dict[int, Actor]) -> None:
    """A notice per contact beat whose actor and target stay farther apart than the
    action's reach (:meth:`~.actions.Action.beyond_reach`) for its whole window
    ``[t, t + duration]``, where the script puts them (shoves aside); ``where_of(beat)``
    names the beat."""
    down = _down_times(beats, actors)
    blows = [b for b in beats if b.spec.contact and b.target is not None]
    if not blows:
        return
    times = [approach_times(b.t, b.end) for b in blows]
    sizes = [len(t) for t in times]
    # Both bodies of every blow in one evaluation per walk, each frozen from the time it
    # goes down (a body that went down stays where it fell).
    walkers = list(actors.values())
    index = {a.id: i for i, a in enumerate(walkers)}
    ids = [b.actor for b in blows] + [b.target for b in blows]
    t_all = np.concatenate(times + times)
    stop = np.repeat([down.get(i, math.inf) for i in ids], sizes + sizes)
    xz = walk_positions(walkers, np.repeat([index[i] for i in ids], sizes + sizes), np.minimum(t_all, stop))
    half = len(t_all) // 2
    dist = np.hypot(xz[:half, 0] - xz[half:, 0], xz[:half, 1] - xz[half:, 1])
    closest = np.minimum.reduceat(dist, np.cumsum([0] + sizes[:-1])).tolist()
    for b, d in zip(blows, closest):
        spec: Action = b.spec
        a, t = actors[b.actor], actors[b.target]
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
    frames = st.frames
    looks = [(tb.frame_at(b.t), b) for b in level.beats
             if b.actor == level.henry.id and b.aims and b.target not in (None, b.actor)]
    looks = [(f, b) for f, b in looks if f < frames]
    if not looks:
        return
    actors = {a.id: a for a in (level.henry, *level.performers)}
    down = _down_times(list(level.beats), actors)
    # Looks in a row at one target are one look: keep the first of each run, ending where
    # the next run starts.
    runs = [(f, b) for k, (f, b) in enumerate(looks) if not k or looks[k - 1][1].target != b.target]
    ends = [runs[k + 1][0] if k + 1 < len(runs) else frames for k in range(len(runs))]
    # Every look's frames f0 .. f1 - 1 at once (the times time_of(f0) + times(n) give), and
    # all their sight lines traced in one call (the generated 30-minute fight: 891 looks).
    sizes = [max(f1 - f0, 1) for (f0, _), f1 in zip(runs, ends)]
    starts = np.cumsum([0] + sizes[:-1])
    k = np.arange(sum(sizes)) - np.repeat(starts, sizes)
    t = np.repeat([tb.time_of(f0) for f0, _ in runs], sizes) + tb.times(max(sizes))[k]
    marks = [level.mark(b.target) for _, b in runs]
    walkers = [None if m is not None else actors[b.target] for m, (_, b) in zip(marks, runs)]
    stop = np.repeat([math.inf if a is None else down.get(a.id, math.inf) for a in walkers], sizes)
    feet = positions_fn(level.henry)(t)
    eye = np.column_stack([feet[:, 0], np.full(len(t), st.eye_height), feet[:, 1]])
    walked = np.repeat([a is not None for a in walkers], sizes)
    xz = np.empty((len(t), 2))
    if walked.any():
        index = {a.id: i for i, a in enumerate(actors.values())}
        which = np.repeat([0 if a is None else index[a.id] for a in walkers], sizes)
        xz[walked] = walk_positions(list(actors.values()), which[walked], np.minimum(t, stop)[walked])
    height = np.repeat([m.height if m is not None else a.height for m, a in zip(marks, walkers)], sizes)
    for m, s0, n in zip(marks, starts.tolist(), sizes):
        if m is not None:
            xz[s0:s0 + n] = m.position
    ys = np.where(walked[:, None], target_heights(height, t >= stop), height[:, None])
    if level.walls.floors is not None:  # eye and points over the floor under them
        eye[:, 1] += level.walls.floors.height_at(feet[:, 0], feet[:, 1])
        ys = ys + level.walls.floors.height_at(xz[:, 0], xz[:, 1])[:, None]
    hidden = np.logical_and.reduceat(occluded(level.walls, eye, xz, ys).all(axis=1), starts).tolist()
    for (_, b), f1, m, a, h in zip(runs, ends, marks, walkers, hidden):
        if h:
            name = m.name if m is not None else a.name
            until = f"until {tb.time_of(f1):g} s, when he looks at another" if f1 < frames else "to the end of the replay"
            problems.notice(
                where_of(b),
                f"{_beat_words(actors, b)} at {name}: walls hide {name} from Henry's eyes for the whole look ({until})",
                f"time the look for when {name} is in sight, or look at a mark (a door, a window) instead",
            )
