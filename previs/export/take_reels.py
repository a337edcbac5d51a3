"""Which take a clip of an edit comes from, as OTIO and the EDL name it (issue 19).

A plan of an edit (:attr:`previs.plan.shotplan.ShotPlan.edit`) knows the piece filling
each frame. A shot's clip is named after the piece its first frame comes from:

- OTIO: clip metadata ``previs.source`` (the take file's stem, ``"script"`` for the
  scripted fight) and ``previs.sources`` (every piece the shot's frames come from: more
  than one only when a splice inside the shot no longer hides as a turn cut).
- EDL: the event's **reel**. CMX 3600 reels are at most 8 characters, so a take named
  ``LEVEL-shotNNN-takeMM`` is reel ``SNNNTMM`` (``S003T01``); the script keeps the plan's
  reel (the level's, :mod:`previs.plan.reel`: ``CORRIDOR``, the animatic's reel); any other
  take name is its first 8 letters and digits, upper case.
"""

from __future__ import annotations

import re

_SHOT_TAKE = re.compile(r"-shot(\d{1,3})-take(\d{1,2})$")


def reel_name(source: str, script_reel: str) -> str:
    """The EDL reel of a piece's source name (see the module doc); ``script_reel`` is the
    plan's own reel, which the scripted pieces keep."""
    if source == "script":
        return script_reel
    m = _SHOT_TAKE.search(source)
    if m:
        return f"S{int(m[1]):03d}T{int(m[2]):02d}"
    return (re.sub(r"[^A-Za-z0-9]", "", source).upper() or "TAKE")[:8]


def shot_source(plan, shot) -> tuple[str, tuple[str, ...]] | None:
    """``(source of the shot's first frame, every source in the shot)``, or None for a
    plan that is not an edit."""
    if plan.edit is None:
        return None
    return plan.edit.source_at(shot.start_frame), plan.edit.sources_in(shot.start_frame, shot.end_frame)
