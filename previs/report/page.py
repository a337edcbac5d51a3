"""``report.html``: the printable shot-plan report, one self-contained file.

Written by ``previs replay`` (unless ``--no-report``) and ``previs report``. Everything is
inline: CSS in a ``<style>``, every picture a ``data:`` URI (storyboard frames as JPEG,
plots and the map as PNG), no script, no web font, no external request, so it opens
offline and can be mailed or printed on set. Sections:

1. **Title block**: title, level file (relative to its project) and revision, fps,
   duration, frames, timecode range, the plan's thresholds, the motion's source (script
   or take), the previs version. No wall-clock date: the same level gives the same bytes.
2. **Shots**: one row per shot with its opening and middle frame (rendered offscreen),
   timecodes in/out, duration, an ``OVER TAKE`` flag and the suggested cut, performers in
   view and the beats that fall in it.
3. **Shot list** (:mod:`.shot_list_page`): the rows of ``shotlist.csv``, one per shot: in and
   out, the take against ``max_take``, who is in frame and in the scene, props, zones
   entered, safety findings, beats with notes; printed on its own landscape pages.
4. **Head-turn speed**: the yaw-speed plot with the cut and comfort thresholds and every
   cut marked (one plot per minute for long fights).
5. **Cuts**: for each turn cut the frame just before it and its settle frame, and its continuity
   card (Henry's pose; the performers in view on either side, then everyone else).
6. **Safety**: every finding, and a top-down map of the level with each one numbered
   where it happens, Henry's route and the cuts along it.
7. **Comfort**: peak yaw speed, time over the comfort speed, the shots that hold it.
8. **Appendix: schedule** (a level's report): each actor's legs and his marks at beats,
   as ``previs check --schedule`` prints them (:mod:`.appendix`).

Print: ``@media print`` starts each section on a new page, never splits a shot row or a
cut card, repeats table headers, and sizes everything in percentages of the page so that
nothing overflows A4 or Letter. Every printed page has a footer (CSS ``@page`` margin
boxes, :func:`print_footer_css`): title, level path, revision and previs version on the
left, ``page N of M`` on the right, so two printouts of different versions never look alike.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from .. import __version__
from .appendix import section_schedule
from .edit_section import section_edit
from .formatting import JPEG_QUALITY, data_uri, esc, jpeg_bytes, num
from .shot_list_page import CSS as SHOT_LIST_CSS, section_shot_list
from .sections import (middle_frame, opening_frame, section_comfort, section_cuts, section_safety,
                       section_shots, section_title, section_yaw)

THUMB_SIZE = (480, 270)


@dataclass
class ReportResult:
    """What :func:`write_report` did: the file, its size, how many frames it rendered and
    anything the reader should know (e.g. frames missing because OpenGL was unavailable)."""

    path: str
    size_bytes: int
    frames_rendered: int
    warnings: list[str] = field(default_factory=list)


# -- frames ------------------------------------------------------------------------------------


def report_frames(plan) -> list[int]:
    """Every frame the report shows: each shot's opening and middle frame, each cut's frame
    just before it and its settle frame. Sorted, unique."""
    want = set()
    for s in plan.shots:
        want.add(opening_frame(plan, s))
        want.add(middle_frame(s))
    for c in plan.cuts:
        want.add(max(0, c.frame - 1))
        want.add(c.settle_frame)
    return sorted(f for f in want if 0 <= f < plan.frames)


def render_stills(level, motion, frames, *, renderer_factory=None, size=THUMB_SIZE,
                  quality: int = JPEG_QUALITY, progress=None) -> tuple[dict[int, str], list[str]]:
    """Render ``frames`` offscreen and return ``({frame: JPEG data URI}, warnings)``.

    If no renderer can be made (no OpenGL), returns no images and a warning instead of
    failing: the rest of the report is still worth having. Bodies are posed by
    :class:`~previs.pose.evaluate.BodyPoses`; if its clips cannot be loaded they stand in
    the rest pose, with a warning saying why."""
    from ..errors import PrevisError
    from ..animatic.progress import make_progress

    out: dict[int, str] = {}
    if not frames:
        return out, []
    factory = renderer_factory or default_renderer_factory
    try:
        renderer = factory(level, tuple(size))
    except PrevisError as e:
        return out, [f"storyboard frames left out: {p}" for p in e.problems]
    from ..pose.evaluate import BodyPoses

    warnings: list[str] = []
    bar = make_progress(progress, len(frames), "report frames")
    try:
        try:
            at = BodyPoses(motion).at
        except PrevisError as e:  # a broken clip library: the bodies stand, the report is written
            at = lambda f: None  # noqa: E731
            warnings = [f"storyboard bodies drawn in the rest pose: {p}" for p in e.problems]
        for i, f in enumerate(frames):
            renderer.draw(motion.snapshot(f), poses=at(f))
            rgb = renderer.read_pixels()
            out[f] = data_uri(jpeg_bytes(rgb, quality), "image/jpeg")
            bar.update(i + 1)
    finally:
        bar.close()
        close = getattr(renderer, "close", None)
        if close is not None:
            close()
    return out, warnings


def default_renderer_factory(level, size):
    """The offscreen OpenGL renderer of :mod:`previs.gl` (see :mod:`previs.animatic.render`)."""
    from ..animatic.render import offscreen_renderer

    return offscreen_renderer(level, size)


# -- style ---------------------------------------------------------------------------------------


CSS = """
:root { --ink:#1c1c1c; --mute:#666; --rule:#d7d7d7; --bg:#fafafa; --red:#c62828;
        --amber:#e65100; --teal:#00838f; --blue:#1565c0; }
* { box-sizing: border-box; }
figure { margin: 0; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0 auto; max-width: 1120px; padding: 18px 22px 40px; color: var(--ink);
       font: 14px/1.4 "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; background: #fff; }
h1 { font-size: 26px; margin: 0 0 2px; }
h2 { font-size: 19px; margin: 28px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--ink); }
h3 { font-size: 15px; margin: 0 0 6px; }
.sub { color: var(--mute); margin: 0 0 12px; }
dl.meta { display: grid; grid-template-columns: max-content 1fr max-content 1fr; gap: 2px 14px;
          margin: 10px 0; font-size: 13px; }
dl.meta dt { color: var(--mute); }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
.figures { display: flex; flex-wrap: wrap; gap: 10px; margin: 12px 0; }
.figure-num { flex: 1 1 120px; border: 1px solid var(--rule); border-radius: 4px; padding: 6px 10px;
              background: var(--bg); }
.figure-num b { display: block; font-size: 20px; }
.figure-num span { color: var(--mute); font-size: 12px; }
.figure-num.bad b { color: var(--red); }
nav ol { columns: 3; margin: 6px 0; padding-left: 20px; font-size: 13px; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; font-size: 12px; }
th, td { border-bottom: 1px solid var(--rule); padding: 4px 5px; text-align: left;
         vertical-align: top; overflow-wrap: anywhere; }
th { background: #f0f0f0; font-weight: 600; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.tc { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 11.5px; white-space: nowrap; }
.thumbs { display: flex; gap: 4px; }
.thumbs figure { margin: 0; flex: 1 1 0; min-width: 0; }
img.still { display: block; width: 100%; height: auto; aspect-ratio: 16 / 9; background: #ddd;
            border: 1px solid #bbb; }
figcaption { font-size: 10.5px; color: var(--mute); margin-top: 1px; }
.noimg { display: flex; align-items: center; justify-content: center; aspect-ratio: 16 / 9;
         background: #eee; color: var(--mute); font-size: 11px; border: 1px dashed #bbb; }
.flag { display: inline-block; padding: 0 5px; border-radius: 3px; font-size: 11px; font-weight: 700;
        color: #fff; background: var(--red); }
.flag.warn { background: var(--amber); }
.suggest { color: var(--teal); font-size: 11.5px; margin-top: 3px; }
ul.beats { margin: 0; padding-left: 14px; }
ul.beats li { margin: 0; }
.beat-t { color: var(--mute); font-variant-numeric: tabular-nums; }
.note { color: var(--mute); font-style: italic; }
img.plot { display: block; width: 100%; height: auto; margin: 6px 0 10px; }
img.map { display: block; max-width: 100%; max-height: 900px; height: auto; margin: 8px auto; }
.cut { display: grid; grid-template-columns: 29% 29% 1fr; gap: 8px; padding: 8px 0;
       border-bottom: 1px solid var(--rule); break-inside: avoid; page-break-inside: avoid; }
.cut h3 { grid-column: 1 / -1; }
.cut .card table { font-size: 11px; }
.cut .card th, .cut .card td { padding: 2px 3px; }
.cut .card td.num, .cut .card th.num { white-space: nowrap; }
.offscreen { font-size: 10.5px; color: var(--mute); margin: 4px 0 0; }
.warn-box { border: 1px solid var(--amber); background: #fff3e0; padding: 6px 10px; margin: 10px 0;
            border-radius: 4px; }
.ok { color: #2e7d32; font-weight: 600; }
.cutmatch tr.bad td { color: var(--red); } .cutmatch tr.ok td { color: #222; font-weight: normal; }
.cutmatch tr.ok td:last-child { color: #2e7d32; }
.small { font-size: 12px; color: var(--mute); }
.actor-schedule { margin: 6px 0 10px; }
.actor-schedule p { margin: 2px 0; }
.actor-schedule h3 { break-after: avoid; page-break-after: avoid; }
table.sched { width: auto; min-width: 60%; margin-bottom: 4px; }
table.sched th, table.sched td { padding: 1px 6px; }
footer { margin-top: 30px; color: var(--mute); font-size: 11px; border-top: 1px solid var(--rule);
         padding-top: 6px; }
@page { margin: 12mm 11mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav { display: none; }
  section { break-before: page; page-break-before: always; }
  h2 { margin-top: 0; break-after: avoid; page-break-after: avoid; }
  table { font-size: 8.5pt; }
  .tc { font-size: 8pt; }
  img.map { max-height: 150mm; }
  .cut .card table { font-size: 7.5pt; }
  a { color: inherit; text-decoration: none; }
}
"""


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string: every character but letters, digits, space and
    ``. - _ :`` is a hex escape, so no level name can end the string, the rule or the
    ``<style>`` element. Each escape ends with the one space CSS takes as its end (else a
    space after it would be eaten)."""
    safe = (ch if ch.isascii() and (ch.isalnum() or ch in " .-_:") else f"\\{ord(ch):x} " for ch in text)
    return '"' + "".join(safe) + '"'


def footer_text(plan) -> str:
    """The printed pages' footer (left part): ``title · level · revision R · previs V``."""
    where = [plan.title or "previs"]
    if plan.level is not None:
        where.append(plan.level)
    if plan.revision is not None:
        where.append(f"revision {plan.revision}")
    where.append(f"previs {__version__}")
    return " \u00b7 ".join(where)


def print_footer_css(plan) -> str:
    """``@page`` margin boxes that print :func:`footer_text` and the page number at the
    foot of every page (Chromium 131 and later, which the tests print with)."""
    return ("@page { margin-bottom: 16mm;\n"
            f"  @bottom-left {{ content: {css_string(footer_text(plan))}; font: 7.5pt \"DejaVu Sans\", Arial, sans-serif; color: #555; }}\n"
            '  @bottom-right { content: "page " counter(page) " of " counter(pages); '
            'font: 7.5pt "DejaVu Sans", Arial, sans-serif; color: #555; } }\n')


# -- the document ------------------------------------------------------------------------------


def build_report(*, level, motion, plan, stills: dict[int, str] | None = None,
                 size=THUMB_SIZE, warnings=(), since=None) -> str:
    """The report's HTML text (``stills``: ``{frame: data URI}`` from :func:`render_stills`;
    ``since``: the "Changes since" lines, :func:`previs.report.since.section_since`)."""
    from .since import section_since

    stills = stills or {}
    title = plan.title or (level.settings.title if level is not None else "previs")
    warn = "".join(f'<div class="warn-box">{esc(w)}</div>' for w in warnings)
    parts = [
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="previs {esc(__version__)}">',
        f"<title>{esc(title)} \u2014 shot plan report</title>",
        f"<style>{CSS}{SHOT_LIST_CSS}{print_footer_css(plan)}</style></head><body>",
        section_title(level, motion, plan),
        warn,
        section_since(since),
        section_shots(plan, stills, size),
        section_shot_list(plan),
        section_yaw(plan),
        section_cuts(plan, stills, size),
        section_edit(plan),
        section_safety(plan, level, motion),
        section_comfort(plan),
        section_schedule(level),
        f'<footer>{esc(footer_text(plan))} \u00b7 {plan.frames} frames at '
        f'{esc(num(plan.fps))} fps \u00b7 {esc(plan.format)}</footer>',
        "</body></html>\n",
    ]
    return "\n".join(parts)


def write_report(path, *, level, motion, plan, renderer_factory=None, progress=None,
                 size=THUMB_SIZE, quality: int = JPEG_QUALITY, since=None) -> ReportResult:
    """Write ``report.html`` for a replay to ``path`` (atomically) and return what was done.

    - ``level``, ``motion``: the loaded level and its replay (:class:`~previs.sim.motion.Motion`).
    - ``plan``: the :class:`~previs.plan.shotplan.ShotPlan` of that motion.
    - ``renderer_factory(level, (w, h))``: returns an object with
      ``draw(frame_state, poses=frame_poses)`` (the bodies posed by
      :class:`~previs.pose.evaluate.BodyPoses`),
      ``read_pixels() -> (h, w, 3) uint8`` top row first, and optional ``close()``. Default:
      the offscreen OpenGL renderer. If it raises a PrevisError (no OpenGL), the report is
      written without storyboard frames and the reason is in ``warnings``.
    - ``progress``: None = a progress bar on a terminal only, False = silent, True = always,
      or a callable ``(done, total)``.
    - ``size``: storyboard frame size in pixels; ``quality``: their JPEG quality.
    - ``since``: (OLD, level lines, fight lines) for a "Changes since OLD" section, or None.
    """
    from ..fsutil import atomic_write_text

    frames = report_frames(plan) if motion is not None else []
    stills, warnings = render_stills(level, motion, frames, renderer_factory=renderer_factory,
                                     size=size, quality=quality, progress=progress)
    text = build_report(level=level, motion=motion, plan=plan, stills=stills, size=size, warnings=warnings,
                        since=since)
    atomic_write_text(path, text)
    return ReportResult(path=os.fspath(path), size_bytes=len(text.encode("utf-8")),
                        frames_rendered=len(stills), warnings=list(warnings))
