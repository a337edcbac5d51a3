"""``report.html``: the printable shot-plan report, one self-contained file.

Written by ``previs replay`` (unless ``--no-report``) and ``previs report``. Everything is
inline: CSS in a ``<style>``, every picture a ``data:`` URI (storyboard frames as JPEG,
plots and the map as PNG), no script, no web font, no external request, so it opens
offline and can be mailed or printed on set. Sections:

1. **Title block**: title, level file, fps, duration, frames, timecode range, the plan's
   thresholds, the motion's source (script or take), the previs version. No wall-clock
   date: the same level gives the same bytes.
2. **Shots**: one row per shot with its first and middle frame (rendered offscreen),
   timecodes in/out, duration, an ``OVER TAKE`` flag and the suggested cut, performers in
   view and the beats that fall in it.
3. **Head-turn speed**: the yaw-speed plot with the cut and comfort thresholds and every
   cut marked (one plot per minute for long fights).
4. **Cuts**: for each turn cut the frames just before and after it, and its continuity
   card (Henry's pose; the performers in view on either side, then everyone else).
5. **Safety**: every finding, and a top-down map of the level with each one numbered
   where it happens, Henry's route and the cuts along it.
6. **Comfort**: peak yaw speed, time over the comfort speed, the shots that hold it.

Print: ``@media print`` starts each section on a new page, never splits a shot row or a
cut card, repeats table headers, and sizes everything in percentages of the page so that
nothing overflows A4 or Letter.
"""

from __future__ import annotations

import base64
import html
import io
import os
import sys
from dataclasses import dataclass, field

import numpy as np

from .. import __version__

THUMB_SIZE = (480, 270)
JPEG_QUALITY = 80
MINUTE_SPLIT = 75.0
"""Fights longer than this (s) get one yaw-speed plot per minute."""


# -- small helpers -----------------------------------------------------------------------------


def esc(v) -> str:
    return html.escape("" if v is None else str(v), quote=True)


def data_uri(data: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def jpeg_bytes(rgb: np.ndarray, quality: int = JPEG_QUALITY) -> bytes:
    """Deterministic baseline JPEG of an (H, W, 3) uint8 array."""
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(rgb, dtype=np.uint8), "RGB").save(
        buf, format="JPEG", quality=int(quality), optimize=True)
    return buf.getvalue()


def clock(t: float) -> str:
    """``m:ss.ss``."""
    m, s = divmod(max(0.0, float(t)), 60.0)
    return f"{int(m)}:{s:05.2f}"


def fmt_duration(t: float) -> str:
    t = float(t)
    if t < 60:
        return f"{t:.2f} s"
    return f"{int(t // 60)} min {t % 60:04.1f} s"


def arrow(direction: str) -> str:
    return "\u25c0" if direction == "left" else "\u25b6"


def num(v) -> str:
    v = float(v)
    return f"{int(v)}" if v.is_integer() else f"{v:g}"


def compact_names(names) -> str:
    """``Goon 1, Goon 2, Goon 3, Goon 7, Boss`` -> ``Goon 1–3, 7; Boss``: names that end in
    a number are grouped by what precedes it and runs are collapsed, so a crowd of 60
    goons in view stays one readable line. Groups keep the order of first appearance."""
    import re

    groups: dict[str, list[int]] = {}
    order: list[tuple[str, str | None]] = []
    for n in names:
        m = re.fullmatch(r"(.*?)(\d+)", n)
        if m and not m.group(2).startswith("0"):
            pre = m.group(1)
            if pre not in groups:
                groups[pre] = []
                order.append(("g", pre))
            groups[pre].append(int(m.group(2)))
        else:
            order.append(("n", n))
    out = []
    for kind, v in order:
        if kind == "n":
            out.append(v)
            continue
        nums = sorted(set(groups[v]))
        runs, i = [], 0
        while i < len(nums):
            j = i
            while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
                j += 1
            runs.append(str(nums[i]) if j == i else
                        f"{nums[i]}, {nums[j]}" if j == i + 1 else f"{nums[i]}–{nums[j]}")
            i = j + 1
        out.append(v + ", ".join(runs))
    return "; ".join(out)


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
    """Every frame the report shows: each shot's first and middle frame, each cut's frames
    just before and after it. Sorted, unique."""
    want = set()
    for s in plan.shots:
        want.add(s.start_frame)
        want.add(middle_frame(s))
    for c in plan.cuts:
        want.add(max(0, c.frame - 1))
        want.add(c.frame)
    return sorted(f for f in want if 0 <= f < plan.frames)


def middle_frame(shot) -> int:
    return shot.start_frame + (shot.end_frame - shot.start_frame) // 2


def render_stills(level, motion, frames, *, renderer_factory=None, size=THUMB_SIZE,
                  quality: int = JPEG_QUALITY, progress=None) -> tuple[dict[int, str], list[str]]:
    """Render ``frames`` offscreen and return ``({frame: JPEG data URI}, warnings)``.

    If no renderer can be made (no OpenGL), returns no images and a warning instead of
    failing: the rest of the report is still worth having."""
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
    bar = make_progress(progress, len(frames), "report frames")
    try:
        for i, f in enumerate(frames):
            renderer.draw(motion.snapshot(f))
            rgb = renderer.read_pixels()
            out[f] = data_uri(jpeg_bytes(rgb, quality), "image/jpeg")
            bar.update(i + 1)
    finally:
        bar.close()
        close = getattr(renderer, "close", None)
        if close is not None:
            close()
    return out, []


def default_renderer_factory(level, size):
    """The offscreen OpenGL renderer of :mod:`previs.gl` (see :mod:`previs.animatic.render`)."""
    from ..animatic.render import offscreen_renderer

    return offscreen_renderer(level, size)


# -- sections ----------------------------------------------------------------------------------


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
.small { font-size: 12px; color: var(--mute); }
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


def _img(uri: str | None, alt: str, cls: str = "still", w: int | None = None, h: int | None = None) -> str:
    if not uri:
        return f'<div class="noimg">{esc(alt)}: no image</div>'
    wh = f' width="{w}" height="{h}"' if w and h else ""
    return f'<img class="{cls}" src="{uri}" alt="{esc(alt)}"{wh}>'


def _still(stills, frame: int, plan, what: str, size) -> str:
    alt = f"{what}: frame {frame}"
    cap = f"{what} \u00b7 f{frame} \u00b7 {plan.timecode(frame)}"
    return (f"<figure>{_img(stills.get(frame), alt, 'still', *size)}"
            f"<figcaption>{esc(cap)}</figcaption></figure>")


def _beat_items(beats) -> str:
    if not beats:
        return '<span class="note">no beats</span>'
    items = []
    for b in beats:
        note = f' <span class="note">\u2014 {esc(b.note)}</span>' if b.note else ""
        items.append(f'<li><span class="beat-t">{esc(clock(b.t))}</span> {esc(b.label)}{note}</li>')
    return f'<ul class="beats">{"".join(items)}</ul>'


def _suggestion(shot, max_take: float) -> str:
    if not shot.over_max_take:
        return ""
    flag = (f'<span class="flag">OVER TAKE</span> <span class="small">'
            f'{shot.duration:.1f} s &gt; {num(max_take)} s</span>')
    sc = shot.suggested_cut
    if sc is None:
        return flag
    if hasattr(sc, "frame"):
        text = (f"Suggested cut: {sc.timecode} (f{sc.frame}) \u2014 {arrow(sc.direction)} "
                f"{sc.direction} turn {sc.angle:.0f}\u00b0 at {sc.peak_speed:.0f}\u00b0/s; speed it "
                f"up or widen it to hide a cut.")
    else:
        text = getattr(sc, "note", "no head turn inside this take to hide a cut")
    return f'{flag}<div class="suggest">{esc(text)}</div>'


def section_title(level, motion, plan) -> str:
    st = plan.settings
    fps = plan.fps
    src = getattr(motion, "source", "script") if motion is not None else "track"
    src_text = "scripted fight" if src == "script" else f"take {os.path.basename(str(src))}"
    end_tc = plan.timecode(plan.frames)
    over = sum(1 for s in plan.shots if s.over_max_take)
    comfort = plan.comfort
    rows = [
        ("Level", plan.level or (level.source if level is not None else "")),
        ("Motion", src_text),
        ("Frame rate", f"{num(fps)} fps"),
        ("Duration", f"{fmt_duration(plan.duration)} ({plan.duration:.3f} s)"),
        ("Frames", f"{plan.frames} (0\u2013{plan.frames - 1})"),
        ("Timecode", f"{plan.timecode(0)} \u2013 {end_tc}"),
        ("Turn cut", f"\u2265 {num(st.turn_cut_speed)}\u00b0/s peak and \u2265 {num(st.turn_cut_angle)}\u00b0 swing"),
        ("Max take", f"{num(st.max_take)} s"),
        ("Safety distance", f"{num(st.safety_distance)} m"),
        ("Comfort speed", f"{num(st.comfort_speed)}\u00b0/s"),
        ("Performers", str(len(level.performers)) if level is not None else "\u2014"),
        ("Generated by", f"previs {__version__}"),
    ]
    meta = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in rows)
    figs = [
        (str(len(plan.shots)), "shots", False),
        (str(len(plan.cuts)), "turn cuts", False),
        (str(over), "takes over max", over > 0),
        (str(len(plan.safety)), "safety findings", len(plan.safety) > 0),
        (f"{comfort.peak_yaw_speed:.0f}\u00b0/s", "peak yaw speed", False),
        (f"{comfort.seconds_over_comfort:.1f} s", f"over {num(st.comfort_speed)}\u00b0/s", False),
    ]
    fig_html = "".join(
        f'<div class="figure-num{" bad" if bad else ""}"><b>{esc(v)}</b><span>{esc(k)}</span></div>'
        for v, k, bad in figs)
    title = plan.title or (level.settings.title if level is not None else "previs")
    nav = ("<nav><ol><li><a href=\"#shots\">Shots and storyboard</a></li>"
           "<li><a href=\"#yaw\">Head-turn speed</a></li><li><a href=\"#cuts\">Cuts and continuity</a></li>"
           "<li><a href=\"#safety\">Safety</a></li><li><a href=\"#comfort\">Comfort</a></li></ol></nav>")
    return (f'<header id="title"><h1>{esc(title)}</h1>'
            f'<p class="sub">Shot plan report \u00b7 first-person previs</p>'
            f'<dl class="meta">{meta}</dl><div class="figures">{fig_html}</div>{nav}</header>')


def section_shots(plan, stills, size) -> str:
    rows = []
    for s in plan.shots:
        mid = middle_frame(s)
        thumbs = (f'<div class="thumbs">{_still(stills, s.start_frame, plan, "first", size)}'
                  f'{_still(stills, mid, plan, "middle", size)}</div>')
        timing = (f'<div class="tc">in&nbsp; {esc(s.start_tc)}</div><div class="tc">out {esc(s.end_tc)}</div>'
                  f'<div>{s.duration:.2f} s \u00b7 {s.frames} fr</div>'
                  f'<div class="small">f{s.start_frame}\u2013{s.end_frame - 1}</div>'
                  f'{_suggestion(s, plan.settings.max_take)}')
        if s.performers_in_view:
            n_in = len(s.performers_in_view)
            inview = esc(compact_names(s.performers_in_view)) + (
                f' <span class="small">({n_in})</span>' if n_in > 3 else "")
        else:
            inview = '<span class="note">nobody</span>'
        rows.append(f'<tr id="shot-{s.index}"><td><b>{s.index:03d}</b></td><td>{thumbs}</td>'
                    f'<td>{timing}</td><td>{inview}</td><td>{_beat_items(s.beats)}</td></tr>')
    return ('<section id="shots"><h2>Shots and storyboard</h2>'
            '<p class="small">Each shot runs from a turn cut to the next; its first and middle frame '
            'as Henry sees them. Timecode out is the first frame after the shot (as in an EDL).</p>'
            '<table class="shots"><colgroup><col style="width:6%"><col style="width:40%">'
            '<col style="width:17%"><col style="width:15%"><col style="width:22%"></colgroup>'
            '<thead><tr><th>Shot</th><th>First and middle frame</th><th>Time</th>'
            '<th>In view</th><th>Beats</th></tr></thead><tbody>'
            + "".join(rows) + "</tbody></table></section>")


def section_yaw(plan) -> str:
    from .plots import yaw_speed_png

    dur = plan.frames / float(plan.fps)
    windows = [(None, None)]
    if dur > MINUTE_SPLIT:
        n = int(np.ceil(dur / 60.0))
        windows = [(60.0 * k, min(dur, 60.0 * (k + 1))) for k in range(n)]
    imgs = []
    for t0, t1 in windows:
        if t0 is None:
            png = yaw_speed_png(plan)
            alt = "yaw speed over the whole fight"
        else:
            png = _yaw_window_png(plan, t0, 60.0 * (int(t0 // 60) + 1))
            alt = f"yaw speed from {clock(t0)} to {clock(t1)}"
        imgs.append(f'<img class="plot" src="{data_uri(png, "image/png")}" alt="{esc(alt)}">')
    st = plan.settings
    return ('<section id="yaw"><h2>Head-turn speed</h2>'
            f'<p class="small">Henry\'s yaw speed (degrees per second, positive = turning left). A swing '
            f'that peaks above the cut threshold ({num(st.turn_cut_speed)}\u00b0/s, dashed) and sweeps at '
            f'least {num(st.turn_cut_angle)}\u00b0 hides a cut (orange lines, numbered). Shaded: faster '
            f'than the comfort speed ({num(st.comfort_speed)}\u00b0/s, dotted). Red along the bottom: '
            'takes longer than the max take; teal dotted: suggested cuts.</p>'
            + "".join(imgs) + "</section>")


def _yaw_window_png(plan, t0: float, t1: float) -> bytes:
    from .plots import yaw_speed_figure
    from .topdown import png_bytes

    fig = yaw_speed_figure(plan, t0=t0, t1=t1, height_in=3.0)
    return png_bytes(fig, 150)


def _in_view_near(plan, cut) -> set[str]:
    names: set[str] = set()
    for k in (cut.index - 1, cut.index):  # shots on either side (0-based)
        if 0 <= k < len(plan.shots):
            names.update(plan.shots[k].performers_in_view)
    return names


def section_cuts(plan, stills, size) -> str:
    if not plan.cuts:
        return ('<section id="cuts"><h2>Cuts and continuity</h2><p>No turn cuts: the whole fight is '
                'one take.</p></section>')
    cards = []
    for c in plan.cuts:
        before = max(0, c.frame - 1)
        cont = c.continuity
        hp = cont.henry
        near = _in_view_near(plan, c)
        rows = [f'<tr><td><b>Henry</b></td><td class="num">{hp.x:.2f}</td><td class="num">{hp.z:.2f}</td>'
                f'<td class="num">{hp.yaw:.1f}</td><td>pitch {hp.pitch:.1f}\u00b0</td></tr>']
        others = []
        for p in cont.performers:
            if p.name in near:
                rows.append(f'<tr><td>{esc(p.name)}</td><td class="num">{p.x:.2f}</td>'
                            f'<td class="num">{p.z:.2f}</td><td class="num">{p.facing:.1f}</td>'
                            f'<td>{esc(p.state)}</td></tr>')
            else:
                others.append(f"{p.name} ({p.x:.1f}, {p.z:.1f}{', down' if p.state == 'down' else ''})")
        off = ""
        if others:
            off = (f'<p class="offscreen"><b>Out of view ({len(others)}):</b> '
                   f'{esc("; ".join(others))}</p>')
        card = ('<div class="card"><table><colgroup><col style="width:31%"><col style="width:17%">'
                '<col style="width:17%"><col style="width:15%"><col style="width:20%"></colgroup>'
                '<thead><tr><th>Who</th><th class="num">x m</th><th class="num">z m</th>'
                '<th class="num">yaw\u00b0</th><th>state</th></tr></thead><tbody>'
                + "".join(rows) + f"</tbody></table>{off}</div>")
        head = (f'<h3 id="cut-{c.index}">Cut {c.index} {arrow(c.direction)} {esc(c.direction)} '
                f'{c.angle:.0f}\u00b0 at {c.peak_speed:.0f}\u00b0/s \u00b7 <span class="tc">{esc(c.timecode)}'
                f'</span> \u00b7 f{c.frame} \u00b7 shot {c.index:03d} \u2192 {c.index + 1:03d}</h3>')
        cards.append(f'<div class="cut">{head}{_still(stills, before, plan, "before", size)}'
                     f'{_still(stills, c.frame, plan, "after", size)}{card}</div>')
    return ('<section id="cuts"><h2>Cuts and continuity</h2>'
            '<p class="small">Each cut is hidden in a head turn: the last frame of the shot before it '
            'and the first frame after it, and where everyone stands on the cut frame (metres; yaw 0 = '
            'north, +90 = west) so that the two pieces can be matched on set.</p>'
            + "".join(cards) + "</section>")


def _finding_row(k: int, f, plan, level, motion) -> str:
    from .topdown import finding_position

    pos = finding_position(level, motion, f) if level is not None else None
    where = f"({pos[0]:.1f}, {pos[1]:.1f})" if pos else "\u2014"
    if f.kind == "clearance":
        what = f"clearance {f.distance:.2f} m (under {num(plan.settings.safety_distance)} m)"
    else:
        what = f"inside {f.kind} zone \u201c{f.zone}\u201d until {clock(f.exit)}"
    tc = plan.timecode(f.frame)
    return (f'<tr><td class="num"><b>{k}</b></td><td>{esc(f.kind)}</td><td>{esc(", ".join(f.who))}</td>'
            f'<td><span class="tc">{esc(tc)}</span><br><span class="small">{esc(clock(f.time))}</span></td>'
            f'<td>{esc(what)}</td><td class="num">{esc(where)}</td></tr>')


def section_safety(plan, level, motion) -> str:
    from .topdown import plan_png

    parts = ['<section id="safety"><h2>Safety</h2>']
    if not plan.has_motion:
        parts.append("<p>No level: safety is not checked for a bare camera track.</p>")
    elif not plan.safety:
        parts.append(f'<p class="ok">No safety findings: no two bodies closer than '
                     f'{esc(num(plan.settings.safety_distance))} m outside contact beats, nobody in a '
                     'no-go or pyro zone.</p>')
    else:
        rows = "".join(_finding_row(k, f, plan, level, motion) for k, f in enumerate(plan.safety, 1))
        parts.append(
            f'<p>{len(plan.safety)} finding(s), numbered on the map below.</p>'
            '<table class="safety"><colgroup><col style="width:5%"><col style="width:10%">'
            '<col style="width:22%"><col style="width:16%"><col style="width:32%"><col style="width:15%">'
            '</colgroup><thead><tr><th class="num">#</th><th>Kind</th><th>Who</th><th>When</th>'
            '<th>What</th><th class="num">Where (x, z)</th></tr></thead><tbody>' + rows + "</tbody></table>")
    if level is not None:
        png = plan_png(level, motion=motion, plan=plan, findings=plan.safety, width_in=8.0, dpi=150)
        parts.append(f'<img class="map" src="{data_uri(png, "image/png")}" alt="top-down map of the level '
                     'with safety findings, Henry\'s route and the cuts">')
        parts.append('<p class="small">Top-down, north up (x east, z south, metres). Blue: Henry\'s route '
                     '(circle = start); diamonds: turn cuts; dots: performers\' start positions; dashed: '
                     'paths; shaded: zones; red crosses: safety findings.</p>')
    parts.append("</section>")
    return "".join(parts)


def shot_comfort(plan) -> list[tuple[int, float, float]]:
    """Per shot with any frame over comfort: ``(index, seconds over, peak deg/s)``."""
    speed = np.abs(np.asarray(plan.yaw_speed, float))
    fps = float(plan.fps)
    cs = plan.settings.comfort_speed
    out = []
    for s in plan.shots:
        seg = speed[s.start_frame:s.end_frame]
        if seg.size == 0:
            continue
        over = int((seg > cs).sum())
        if over:
            out.append((s.index, over / fps, float(seg.max())))
    return out


def section_comfort(plan) -> str:
    c = plan.comfort
    st = plan.settings
    dur = max(plan.duration, 1e-9)
    pct = 100.0 * c.seconds_over_comfort / dur
    rows = shot_comfort(plan)
    rows.sort(key=lambda r: (-r[1], r[0]))
    body = "".join(
        f'<tr><td><a href="#shot-{i}">Shot {i:03d}</a></td><td class="num">{sec:.2f}</td>'
        f'<td class="num">{pk:.0f}</td></tr>' for i, sec, pk in rows)
    table = ('<p class="ok">Every frame stays under the comfort speed.</p>' if not rows else
             '<table class="comfort" style="max-width:560px"><thead><tr><th>Shot</th>'
             f'<th class="num">s over {num(st.comfort_speed)}\u00b0/s</th><th class="num">peak \u00b0/s</th>'
             f'</tr></thead><tbody>{body}</tbody></table>')
    return ('<section id="comfort"><h2>Comfort</h2>'
            f'<div class="figures"><div class="figure-num"><b>{c.peak_yaw_speed:.0f}\u00b0/s</b>'
            '<span>peak yaw speed</span></div>'
            f'<div class="figure-num"><b>{c.seconds_over_comfort:.2f} s</b><span>over '
            f'{num(st.comfort_speed)}\u00b0/s ({pct:.1f} % of the fight)</span></div>'
            f'<div class="figure-num"><b>{len(c.shots)}</b><span>shots with fast turning</span></div></div>'
            '<p class="small">Fast whips hide the cuts, but a long spell of fast turning is hard to '
            'watch. Shots holding frames faster than the comfort speed, most time first:</p>'
            + table + "</section>")


# -- the document ------------------------------------------------------------------------------


def build_report(*, level, motion, plan, stills: dict[int, str] | None = None,
                 size=THUMB_SIZE, warnings=()) -> str:
    """The report's HTML text (``stills``: ``{frame: data URI}`` from :func:`render_stills`)."""
    stills = stills or {}
    title = plan.title or (level.settings.title if level is not None else "previs")
    warn = "".join(f'<div class="warn-box">{esc(w)}</div>' for w in warnings)
    parts = [
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="previs {esc(__version__)}">',
        f"<title>{esc(title)} \u2014 shot plan report</title>",
        f"<style>{CSS}</style></head><body>",
        section_title(level, motion, plan),
        warn,
        section_shots(plan, stills, size),
        section_yaw(plan),
        section_cuts(plan, stills, size),
        section_safety(plan, level, motion),
        section_comfort(plan),
        f'<footer>previs {esc(__version__)} \u00b7 {esc(plan.level or "")} \u00b7 {plan.frames} frames at '
        f'{esc(num(plan.fps))} fps \u00b7 {esc(plan.format)}</footer>',
        "</body></html>\n",
    ]
    return "\n".join(parts)


def write_report(path, *, level, motion, plan, renderer_factory=None, progress=None,
                 size=THUMB_SIZE, quality: int = JPEG_QUALITY) -> ReportResult:
    """Write ``report.html`` for a replay to ``path`` (atomically) and return what was done.

    - ``level``, ``motion``: the loaded level and its replay (:class:`~previs.sim.motion.Motion`).
    - ``plan``: the :class:`~previs.plan.shotplan.ShotPlan` of that motion.
    - ``renderer_factory(level, (w, h))``: returns an object with ``draw(frame_state)``,
      ``read_pixels() -> (h, w, 3) uint8`` top row first, and optional ``close()``. Default:
      the offscreen OpenGL renderer. If it raises a PrevisError (no OpenGL), the report is
      written without storyboard frames and the reason is in ``warnings``.
    - ``progress``: None = a progress bar on a terminal only, False = silent, True = always,
      or a callable ``(done, total)``.
    - ``size``: storyboard frame size in pixels; ``quality``: their JPEG quality.
    """
    from ..fsutil import atomic_write_text

    frames = report_frames(plan) if motion is not None else []
    stills, warnings = render_stills(level, motion, frames, renderer_factory=renderer_factory,
                                     size=size, quality=quality, progress=progress)
    text = build_report(level=level, motion=motion, plan=plan, stills=stills, size=size, warnings=warnings)
    atomic_write_text(path, text)
    return ReportResult(path=os.fspath(path), size_bytes=len(text.encode("utf-8")),
                        frames_rendered=len(stills), warnings=list(warnings))


# -- pictures for the docs ----------------------------------------------------------------------


def storyboard_strip_png(level, motion, plan, *, count: int = 8, columns: int = 4, size=(384, 216),
                         renderer_factory=None) -> bytes:
    """A storyboard sheet for docs: the middle frame of up to ``count`` shots (spread over
    the fight), ``columns`` across, each captioned with its shot number, timecode in and
    duration, and the cut that opens it. Deterministic PNG bytes."""
    from PIL import Image, ImageDraw, ImageFont

    shots = list(plan.shots)
    if len(shots) > count:
        pick = np.linspace(0, len(shots) - 1, count).round().astype(int)
        shots = [shots[i] for i in sorted(set(pick.tolist()))]
    frames = [middle_frame(s) for s in shots]
    factory = renderer_factory or default_renderer_factory
    renderer = factory(level, tuple(size))
    try:
        imgs = []
        for f in frames:
            renderer.draw(motion.snapshot(f))
            imgs.append(renderer.read_pixels())
    finally:
        close = getattr(renderer, "close", None)
        if close is not None:
            close()
    w, h = size
    pad, cap = 8, 40
    cols = min(columns, len(imgs))
    rows = -(-len(imgs) // cols)
    sheet = Image.new("RGB", (pad + cols * (w + pad), pad + rows * (h + cap + pad)), (255, 255, 255))
    draw = ImageDraw.Draw(sheet)
    try:
        from ..gl.glapi import asset_path

        bold = ImageFont.truetype(asset_path("fonts", "DejaVuSansMono-Bold.ttf"), 14)
        font = ImageFont.truetype(asset_path("fonts", "DejaVuSans.ttf"), 12)
    except (OSError, ImportError):
        bold = font = ImageFont.load_default()
    cuts = {c.index + 1: c for c in plan.cuts}  # shot k is opened by cut k - 1
    for n, (s, img) in enumerate(zip(shots, imgs)):
        x = pad + (n % cols) * (w + pad)
        y = pad + (n // cols) * (h + cap + pad)
        sheet.paste(Image.fromarray(np.ascontiguousarray(img)), (x, y))
        draw.rectangle((x - 1, y - 1, x + w, y + h), outline=(160, 160, 160))
        color = (198, 40, 40) if s.over_max_take else (28, 28, 28)
        draw.text((x, y + h + 4), f"SHOT {s.index:03d}  {s.start_tc}", font=bold, fill=color)
        c = cuts.get(s.index)
        how = f"after cut {c.index} {arrow(c.direction)} {c.angle:.0f}\u00b0" if c else "opening shot"
        extra = "  OVER TAKE" if s.over_max_take else ""
        draw.text((x, y + h + 22), f"{s.duration:.1f} s \u00b7 {how}{extra}", font=font, fill=color)
    buf = io.BytesIO()
    sheet.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    """``python -m previs.report.page LEVEL... -o DIR``: README pictures of each level:
    ``DIR/storyboard-<level>.png``, ``DIR/yawspeed-<level>.png``, ``DIR/<level>-plan.png``."""
    import argparse

    from .. import pipeline
    from ..errors import PrevisError
    from ..fsutil import atomic_write_bytes
    from .plots import yaw_speed_png
    from .topdown import level_stem, plan_png

    ap = argparse.ArgumentParser(prog="python -m previs.report.page",
                                 description="Write the README pictures of levels.")
    ap.add_argument("levels", nargs="+", metavar="LEVEL")
    ap.add_argument("-o", "--out", default="docs/img", help="folder (default docs/img)")
    args = ap.parse_args(argv)
    try:
        os.makedirs(args.out, exist_ok=True)
        for lp in args.levels:
            level = pipeline.load(lp)
            motion = pipeline.replay(level)
            plan = pipeline.plan(motion)
            stem = level_stem(lp)
            title = f"{level.settings.title} ({os.path.basename(lp)})"
            outs = {
                f"storyboard-{stem}.png": storyboard_strip_png(level, motion, plan),
                f"yawspeed-{stem}.png": yaw_speed_png(plan, title=f"Head-turn speed: {title}"),
                f"{stem}-plan.png": plan_png(level, motion=motion, plan=plan, title=title),
            }
            for name, data in outs.items():
                atomic_write_bytes(os.path.join(args.out, name), data)
                print(os.path.join(args.out, name))
    except PrevisError as e:
        for line in e.problems:
            print(f"report: {line}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
