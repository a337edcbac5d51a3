"""How long a level's replay runs, and whether it fits: the loader's steps 6 and 7.

Times are seconds; a replay of ``duration`` s at ``fps`` has ``frames_in(duration)``
frames (:mod:`previs.timebase`).
"""

from __future__ import annotations

from ..timebase import TimeBase
from . import limits
from .diagnostics import Problems
from .model import Actor, Beat
from .route import walk_end_time

TAIL_SECONDS = 2.0  # derived duration: last motion or beat end + 2 s (the contract)


def duration(b, explicit: float | None, bodies: tuple[Actor, ...], beats: list[Beat]) -> float:
    """The replay's length in seconds (``b``: the loader's builder, for naming beats): the map's ``duration``, else the last walk's
    end or beat's end + ``TAIL_SECONDS``. Beats at or after an explicit end are notices."""
    if explicit is not None:
        for beat in beats:
            if beat.t >= explicit:
                o = b.by_id[beat.id]
                b.problems.notice(b.where(o), f"happens at {beat.t:g} s, after the replay ends (duration {explicit:g} s)", "raise the map property duration or move the beat")
        return explicit
    ends = [e for a in bodies if (e := walk_end_time(a)) is not None]
    ends += [x.end for x in beats]
    duration = max(ends, default=0.0) + TAIL_SECONDS
    if duration > limits.MAX_DURATION:
        b.problems.error(
            None,
            f"would last {duration:.0f} s (last motion or beat end + 2 s), more than the {limits.MAX_DURATION:g} s limit",
            "set the map property duration, or split the fight",
        )
        b.problems.raise_if_errors()
    return duration


def check_replay_size(problems: Problems, duration: float, fps, performers: int) -> None:
    """Frames x bodies within ``MAX_ACTOR_FRAMES`` (the replay's memory)."""
    tb = TimeBase(fps)
    frames = max(1, tb.frames_in(duration))
    bodies = 1 + performers
    if frames * bodies > limits.MAX_ACTOR_FRAMES:
        problems.error(
            None,
            f"would replay {frames} frames x {bodies} actors (Henry and {performers} performers) = "
            f"{frames * bodies}, more than the {limits.MAX_ACTOR_FRAMES} frames x actors a replay may hold "
            f"(at {tb.label} fps that is {tb.seconds(limits.MAX_ACTOR_FRAMES / bodies) / 60:.1f} minutes "
            f"with {performers} performers)",
            "shorten the duration, lower fps, or split the fight into several levels",
        )
        problems.raise_if_errors()
