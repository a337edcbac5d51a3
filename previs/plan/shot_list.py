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

from bisect import bisect_left

from .frame_truth import caption, finding_text

COLUMNS = ("shot", "in", "out", "frames", "duration", "max_take", "take", "suggested_cut",
           "in_frame", "in_scene", "props", "zones", "safety", "beats")
LIST_COLUMNS = ("in_frame", "in_scene", "props", "zones", "safety", "beats")
SEP = "; "


def _suggested(shot) -> str:
    sc = shot.suggested_cut
    if sc is None:
        return ""
    return sc.timecode if hasattr(sc, "timecode") else sc.note


def _overlaps(plan, entry, start: int, end: int) -> bool:
    """The zone entry has a frame in ``[start, end)``: from its entry frame to the frame of
    its ``exit`` time (as :meth:`~previs.plan.frame_truth.FrameTruths.live_span` reads it)."""
    return entry.frame < end and plan.time_base.frames_in(entry.exit) > start


def shot_rows(plan) -> list[dict]:
    """The shot list of ``plan``: one dict per shot, keys :data:`COLUMNS`; values str, int,
    float, or a list of str for :data:`LIST_COLUMNS`."""
    order = {name: i for i, (name, _) in enumerate(plan.cast)}
    henry = plan.cast[0][0] if plan.cast else None
    props = dict(plan.cast)
    # plan.safety is sorted by frame (build_plan): each shot takes its slice by bisection,
    # not a scan of every finding (575 shots x 25 000 findings took 4 s on a generated
    # 30-minute brawl).
    frames = [f.frame for f in plan.safety]
    rows = []
    for s in plan.shots:
        findings = list(plan.safety[bisect_left(frames, s.start_frame): bisect_left(frames, s.end_frame)])
        entries = [z for z in plan.zone_entries if _overlaps(plan, z, s.start_frame, s.end_frame)]
        scene = set(s.performers_in_view)
        for b in s.beats:
            scene.update(n for n in (b.actor, b.target) if n in order)
        for f in findings + entries:
            scene.update(n for n in f.who if n in order)
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
                f"{z.kind} '{z.zone}': {', '.join(z.who)} from {plan.timecode(z.frame)}" for z in entries)),
            "safety": [f"{plan.timecode(f.frame)} {finding_text(f)}" for f in findings],
            "beats": [f"{plan.timecode(b.frame)} {caption(b)}" for b in s.beats],
        })
    return rows
