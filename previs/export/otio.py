"""``shotplan.otio``: the shot plan as an OpenTimelineIO timeline, for editors.

Shape (read by Resolve, Premiere through the OTIO plug-in, Hiero, ``otioview``):

- Timeline named after the plan's title, at the plan's fps, ``global_start_time`` =
  ``start_tc`` (so the timeline starts at e.g. 01:00:00:00). Its ``metadata["previs"]``
  holds ``format``, ``level`` (the level's path relative to its project), ``revision``
  (:mod:`previs.level.revision`; both null for a plain track), ``fps``, ``rate`` (exact
  text: ``"24000/1001"``), ``drop_frame``, ``reel`` and ``start_tc``;
  with a wide lens also ``lens``: model, k1..k4, hfov, focal_mm, film_back_mm
  (:func:`previs.plan.lens_facts.metadata`; absent for ``rectilinear``).
- One video track ``POV`` with one :class:`Clip` per shot, ``Shot 001``, ``Shot 002``…, back
  to back, each ``end_frame - start_frame`` frames long.
- Media: every clip references the same nominal animatic, an ``ExternalReference`` to
  ``animatic.mp4`` (relative: put ``previs render``'s output beside the timeline, or relink)
  whose ``available_range`` is the whole replay starting at ``start_tc``. A clip's
  ``source_range`` is its own stretch of that animatic, so source timecode = record
  timecode = the plan's timecode, and a relinked animatic lines up frame for frame.
- Markers live on the clips, in the clip's media time (OTIO's rule), so a marker's
  ``marked_range.start_time`` is the absolute timecode frame ``start_tc + frame``:

  * every turn cut: on the first frame of the shot it starts, zero length, RED, named
    ``Cut 3 L 88°`` (index, L/R, swept angle);
  * every beat: on the shot it falls in, GREEN for Henry's looks, ORANGE for contact
    actions, PURPLE for falls, YELLOW for any other action, named ``Henry look Goon 1``
    (actor, action, target), as long as the beat (cut short at the shot's end).

  * every safety finding (``plan.safety``): on the shot holding its frame, zero length,
    MAGENTA, named ``Safety clearance`` (its kind), its comment the finding's sentence
    (``too close: Goon 2 ↔ Goon 5 0.21 m``) (:mod:`.marker_text`); at most
    :data:`SAFETY_MARKERS_PER_SHOT` a shot, then one ``Safety: N more`` marker.

  A beat marker's ``comment`` is the beat's note (what Resolve and Premiere show as the
  marker's comment). ``metadata["previs"]`` on each marker holds ``kind``
  ("cut"/"beat"/"safety") and the track ``frame``; beats also their ``t`` and ``note``,
  safety markers the ``finding`` kind.
- Clip metadata ``cmx_3600.reel`` = the plan's reel (:mod:`previs.plan.reel`, e.g.
  ``CORRIDOR``), the reel the EDL writer uses and the animatic's MP4 carries; in a plan of
  an edit, the reel of the take the clip comes from and ``previs.source``/``sources``
  (:mod:`previs.export.take_reels`).

**Rates**: every ``RationalTime`` has the plan's rate as OTIO holds one, the double nearest
the exact rate (``24000/1001`` -> 23.976023976023978; OTIO's timecode functions take it as
23.976). OTIO has no drop-frame flag: its timecode infers drop-frame at 29.97 and 59.94,
which is what previs counts when ``start_tc`` is written with ``;``; a non-drop 29.97
plan says ``drop_frame: false`` in the metadata, and ``shotplan.edl`` (``FCM:``) and the
animatic's timecode track say it too.
"""

from __future__ import annotations

import os
import unicodedata
from bisect import bisect_left
from itertools import islice
from operator import le

from ..fsutil import atomic_write_text
from ..lens import lens_named
from .take_reels import reel_name, shot_source
from ..level.actions import action as action_spec
from ..plan import lens_facts
from . import marker_text

ANIMATIC = "animatic.mp4"
SAFETY_MARKERS_PER_SHOT = 10
"""Safety findings that become markers on one shot's clip: the first ten by frame, then one
marker "Safety: N more" at the eleventh. A marker is something an editor steps to; a
crowd's clearance findings run to dozens a shot (25 404 in a generated 30-minute brawl,
which as markers made the editorial exports take 7.6 s of a 13 s replay), and every one is
still listed in shotplan.json, shotlist.csv and the report."""


def one_line_ascii(s: str) -> str:
    """``s`` as plain ASCII on one line, for line-based formats (the EDL's ``TITLE:`` and
    ``* LOC:`` lines): every control or format character (Unicode category C: newline,
    carriage return, tab, escape, zero-width, ...) and the Unicode line and paragraph
    separators become a space, so a name can never
    end its line and start an edit event of its own; the arrows ↔ and → become ``<->`` and
    ``->``; the degree sign and accents are dropped (NFKD, then non-ASCII removed)."""
    if s.isascii() and s.isprintable():  # most names: nothing to do (1 µs instead of 60)
        return s
    s = s.replace("\u2194", "<->").replace("\u2192", "->")  # the arrows of finding_text and caption
    s = unicodedata.normalize("NFKD", s.replace("°", ""))
    s = "".join(" " if unicodedata.category(ch)[0] == "C" or ch in "\u2028\u2029" else ch for ch in s)
    return s.encode("ascii", "ignore").decode("ascii")


def cut_marker_name(cut) -> str:
    return f"Cut {cut.index} {'L' if cut.direction == 'left' else 'R'} {cut.angle:.0f}°"


def _beat_color(action: str, actor_is_henry: bool):
    import opentimelineio as otio

    C = otio.schema.MarkerColor
    spec = action_spec(action)
    if spec.aims and actor_is_henry:
        return C.GREEN
    if spec.contact:
        return C.ORANGE
    if spec.downs_actor:
        return C.PURPLE
    return C.YELLOW


def _by_frame(findings) -> tuple[list, list[int]]:
    """``(findings sorted by frame (stably), their frames)``. The plan's are in frame order
    already: each finding is read once, for its frame (a melee's million findings are
    scattered over memory, ~0.3 s a pass, and three writers build a timeline)."""
    frames = [f.frame for f in findings]
    if all(map(le, frames, islice(frames, 1, None))):
        return list(findings), frames
    order = sorted(range(len(frames)), key=frames.__getitem__)  # stable, as sorted() by frame
    return [findings[i] for i in order], [frames[i] for i in order]


def build_timeline(plan, *, rate: float | None = None, record_offset: bool = False, ascii_names: bool = False,
                   metadata: bool = True):
    """The OTIO timeline of a plan.

    ``rate`` overrides the frame rate (the EDL writer passes the nominal integer rate);
    ``record_offset`` puts a leading gap of ``start_tc`` frames on the track instead of
    setting ``global_start_time`` (the CMX adapter measures record time from the track's
    start and ignores ``global_start_time``); ``ascii_names`` keeps marker and timeline
    names plain ASCII on one line (:func:`one_line_ascii`) for EDL readers; without it
    names are kept as they are, since OTIO's JSON escapes every character; ``metadata=False`` leaves out the ``previs``
    metadata (an EDL cannot carry it)."""
    import opentimelineio as otio

    RT = otio.opentime.RationalTime
    TR = otio.opentime.TimeRange
    rate = float(rate if rate is not None else plan.time_base.fps)
    base = plan.start_frame
    name = plan.title or "previs"
    fix = one_line_ascii if ascii_names else (lambda s: s)

    tl = otio.schema.Timeline(name=fix(name))
    if metadata:
        tb = plan.time_base
        tl.metadata["previs"] = {"format": plan.format, "level": plan.level, "revision": plan.revision, "fps": plan.fps,
                                 "rate": tb.rate_text, "drop_frame": tb.drop_frame, "reel": plan.reel,
                                 "start_tc": plan.settings.start_tc}
        if lens_named(plan.settings.lens).wide and len(plan.track):  # rectilinear: the camera files say it all
            tl.metadata["previs"]["lens"] = lens_facts.metadata(plan.settings.lens, float(plan.track.hfov[0]))
    if not record_offset:
        tl.global_start_time = RT(base, rate)
    track = otio.schema.Track(name="POV", kind=otio.schema.TrackKind.Video)
    tl.tracks.append(track)
    if record_offset and base:
        track.append(otio.schema.Gap(source_range=TR(RT(0, rate), RT(base, rate))))

    cut_at = {c.frame: c for c in plan.cuts}
    findings, finding_frames = _by_frame(plan.safety)
    for shot in plan.shots:
        ref = otio.schema.ExternalReference(target_url=ANIMATIC, available_range=TR(RT(base, rate), RT(plan.frames, rate)))
        clip = otio.schema.Clip(
            name=shot.name,
            media_reference=ref,
            source_range=TR(RT(base + shot.start_frame, rate), RT(shot.frames, rate)),
        )
        source = shot_source(plan, shot)  # an edit: the clip names the take it comes from
        clip.metadata["cmx_3600"] = {"reel": plan.reel if source is None else reel_name(source[0], plan.reel)}
        if metadata:
            clip.metadata["previs"] = {"index": shot.index, "start_frame": shot.start_frame, "end_frame": shot.end_frame, "over_max_take": shot.over_max_take}
            if source is not None:
                clip.metadata["previs"].update(source=source[0], sources=list(source[1]))
        ms = []  # the clip's markers, sorted by frame below (stable: cut, beats, findings)
        cut = cut_at.get(shot.start_frame)
        if cut is not None:
            m = otio.schema.Marker(
                name=fix(cut_marker_name(cut)),
                marked_range=TR(RT(base + cut.frame, rate), RT(0, rate)),
                color=otio.schema.MarkerColor.RED,
            )
            if metadata:
                m.metadata["previs"] = {"kind": "cut", "frame": cut.frame, "direction": cut.direction, "angle": cut.angle, "peak_speed": cut.peak_speed}
            ms.append(m)
        for b in shot.beats:
            length = min(b.end_frame, shot.end_frame) - b.frame  # the beat's frames [t, t + duration)
            m = otio.schema.Marker(
                name=fix(b.label),
                marked_range=TR(RT(base + b.frame, rate), RT(length, rate)),
                color=_beat_color(b.action, b.by_henry),
                comment=fix(marker_text.beat_comment(b)),
            )
            if metadata:
                m.metadata["previs"] = {"kind": "beat", "frame": b.frame, "t": b.t, "note": b.note}
            ms.append(m)
        lo, hi = bisect_left(finding_frames, shot.start_frame), bisect_left(finding_frames, shot.end_frame)
        if hi - lo > SAFETY_MARKERS_PER_SHOT:  # a crowd: the first few, then one marker for the rest
            rest = findings[lo + SAFETY_MARKERS_PER_SHOT]
            m = otio.schema.Marker(
                name=fix(f"Safety: {hi - lo - SAFETY_MARKERS_PER_SHOT} more"),
                marked_range=TR(RT(base + rest.frame, rate), RT(0, rate)),
                color=marker_text.SAFETY_COLOR,
                comment=fix(f"{hi - lo - SAFETY_MARKERS_PER_SHOT} more safety findings in this shot from here "
                            "(all in shotplan.json, shotlist.csv and the report)"),
            )
            if metadata:
                m.metadata["previs"] = {"kind": "safety", "frame": rest.frame, "finding": "more",
                                        "more": hi - lo - SAFETY_MARKERS_PER_SHOT}
            ms.append(m)
            hi = lo + SAFETY_MARKERS_PER_SHOT
        for f in findings[lo:hi]:
            m = otio.schema.Marker(
                name=fix(marker_text.safety_name(f)),
                marked_range=TR(RT(base + f.frame, rate), RT(0, rate)),
                color=marker_text.SAFETY_COLOR,
                comment=fix(marker_text.safety_comment(f)),
            )
            if metadata:
                m.metadata["previs"] = {"kind": "safety", "frame": f.frame, "finding": f.kind}
            ms.append(m)
        clip.markers.extend(sorted(ms, key=lambda m: m.marked_range.start_time.value))
        track.append(clip)
    return tl


def to_text(plan) -> str:
    import opentimelineio as otio

    return otio.adapters.write_to_string(build_timeline(plan), adapter_name="otio_json") + "\n"


def write(plan, path: str | os.PathLike) -> None:
    atomic_write_text(path, to_text(plan))
