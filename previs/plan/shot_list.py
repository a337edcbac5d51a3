"""The shot list: one row per shot, the assistant director's paperwork, read from the plan.

Every cell is read from a :class:`~previs.plan.shotplan.ShotPlan` (its shots, beats, safety
findings, ``cast`` and ``zone_entries``) and worded by :mod:`previs.plan.frame_truth`
(:func:`~previs.plan.frame_truth.caption`, :func:`~previs.plan.frame_truth.finding_text`):
nothing is worked out a second way. ``shotlist.csv`` (:mod:`previs.export.shotlist`) writes
the rows, the report's *Shot list* page (:func:`previs.report.shot_list_page.section_shot_list`)
prints them.

Columns (:data:`COLUMNS`), per shot ``[start_frame, end_frame)``:

- ``shot`` ``Shot 001``; ``in`` / ``out`` timecodes (out exclusive: the EDL record out);
  ``frames``; ``duration`` seconds (0.001 s); ``max_take`` seconds; ``take`` ``OVER`` when
  the shot is longer than ``max_take`` (else empty) and ``suggested_cut`` the timecode
  to cut at, or the plan's note when no head turn can hide one;
- ``in_frame``: the performers in view (``performers_in_view``, map order);
- ``in_scene``: the performers who take part in the shot: in view, or the actor or target
  (a body, not a mark) of one of its beats, or named by one of its safety findings, or
  inside a zone during it; map order; Henry (the camera) is never listed;
- ``props``: ``name: prop`` for Henry and every performer in the scene holding one;
- ``zones``: every entry into a ``no-go``, ``pyro``, ``rig`` or ``set`` zone overlapping
  the shot (a body inside it on one of its frames): ``pyro 'Fire barrels': Goon 3 from
  00:00:12:12``;
- ``safety``: the safety findings whose frame is in the shot, ``timecode text``;
- ``beats``: the beats that take effect in the shot, ``timecode caption`` (with the note).

The last six columns are lists (:data:`LIST_COLUMNS`); ``shotlist.csv`` joins their items
with ``"; "`` (:data:`SEP`), the report prints one per line. Pure: no pygame, no clock.
"""

from __future__ import annotations

from itertools import chain
from operator import attrgetter

import numpy as np

from .frame_truth import caption, finding_text

COLUMNS = ("shot", "in", "out", "frames", "duration", "max_take", "take", "suggested_cut",
           "in_frame", "in_scene", "props", "zones", "safety", "beats")
LIST_COLUMNS = ("in_frame", "in_scene", "props", "zones", "safety", "beats")
SEP = "; "

_FRAME = attrgetter("frame")
_CHUNK = 1000
"""Findings read at a time: each finding and its ``who`` are objects of their own,
scattered over memory in a plan of a million; both reads of a chunk find them cached."""
_WHO = attrgetter("who")


def _suggested(shot) -> str:
    sc = shot.suggested_cut
    if sc is None:
        return ""
    return sc.timecode if hasattr(sc, "timecode") else sc.note


def _entry_frames(plan) -> tuple[np.ndarray, np.ndarray]:
    """``(first, end)`` frames of every zone entry: its entry frame and the frame of its
    ``exit`` time (as :meth:`~previs.plan.frame_truth.FrameTruths.live_span` reads it); it
    overlaps a shot ``[start, end)`` when ``first < end`` and ``end > start``."""
    first = np.array([z.frame for z in plan.zone_entries], dtype=np.int64)
    end = np.array([plan.time_base.frames_in(z.exit) for z in plan.zone_entries], dtype=np.int64)
    return first, end


def _timecodes(plan, frames: np.ndarray) -> list[str]:
    """Timecodes of track ``frames``, each distinct frame formatted once
    (:meth:`~previs.timebase.TimeBase.timecodes` of the span they cover, then looked up):
    a million findings fall on a few thousand frames."""
    if frames.size == 0:
        return []
    lo, hi = int(frames.min()), int(frames.max())
    if hi - lo > 4 * frames.size:
        return plan.time_base.timecodes(frames)
    table = plan.time_base.timecodes(np.arange(lo, hi + 1))
    return list(map(table.__getitem__, (frames - lo).tolist()))


def shot_rows(plan) -> list[dict]:
    """The shot list of ``plan``: one dict per shot, keys :data:`COLUMNS`; values str, int,
    float, or a list of str for :data:`LIST_COLUMNS`."""
    order = {name: i for i, (name, _) in enumerate(plan.cast)}
    henry = plan.cast[0][0] if plan.cast else None
    props = dict(plan.cast)
    # plan.safety is sorted by frame (build_plan): each shot takes its slice by bisection
    # (searchsorted), not a scan of every finding (575 shots x 25 000 findings took 4 s on
    # a generated 30-minute brawl), and every finding's timecode is formatted in one
    # vectorised pass (1.3 million findings of a melee: 4 s one by one).
    safety = plan.safety
    frames = np.fromiter(map(_FRAME, safety), dtype=np.int64, count=len(safety))
    finding_tc = _timecodes(plan, frames)
    starts = np.array([s.start_frame for s in plan.shots], dtype=np.int64)
    ends = np.array([s.end_frame for s in plan.shots], dtype=np.int64)
    lo_of, hi_of = np.searchsorted(frames, starts).tolist(), np.searchsorted(frames, ends).tolist()
    entry_first, entry_end = _entry_frames(plan)
    entry_tc = plan.time_base.timecodes(entry_first)
    rows = []
    for s, lo, hi in zip(plan.shots, lo_of, hi_of):
        hit = np.flatnonzero((entry_first < s.end_frame) & (entry_end > s.start_frame)).tolist()
        entries = [plan.zone_entries[i] for i in hit]
        scene = set(s.performers_in_view)
        for b in s.beats:
            scene.update(n for n in (b.actor, b.target) if n in order)
        named = set(chain.from_iterable(map(_WHO, entries)))  # each name once, not per finding
        texts: list[str] = []
        for a in range(lo, hi, _CHUNK):  # names and texts of a chunk while it is in the cache
            part = safety[a:min(hi, a + _CHUNK)]
            named.update(chain.from_iterable(map(_WHO, part)))
            texts += [f"{tc} {finding_text(f)}" for tc, f in zip(finding_tc[a:a + len(part)], part)]
        scene.update(n for n in named if n in order)
        scene.discard(henry)
        in_scene = sorted(scene, key=lambda n: order.get(n, len(order)))
        holders = ([henry] if henry is not None else []) + in_scene
        rows.append({
            "shot": s.name,
            "in": s.start_tc,
            "out": s.end_tc,
            "frames": s.frames,
            "duration": s.duration,
            "max_take": plan.settings.max_take,
            "take": "OVER" if s.over_max_take else "",
            "suggested_cut": _suggested(s),
            "in_frame": list(s.performers_in_view),
            "in_scene": in_scene,
            "props": [f"{n}: {props[n]}" for n in holders if props.get(n)],
            "zones": list(dict.fromkeys(
                f"{z.kind} '{z.zone}': {', '.join(z.who)} from {entry_tc[i]}" for i, z in zip(hit, entries))),
            "safety": texts,
            "beats": [f"{plan.timecode(b.frame)} {caption(b)}" for b in s.beats],
        })
    return rows
