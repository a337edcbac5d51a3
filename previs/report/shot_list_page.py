"""The report's *Shot list* page: :func:`previs.plan.shot_list.shot_rows` as one table, the
same rows and words as ``shotlist.csv``, for the assistant director to print.

Printed, the section starts a new page in landscape (CSS named page ``shotlist``, the
paper size the printer has), repeats its header on every page and never splits a shot's
row; names and props are comma separated, zones, safety findings and beats one per line.
"""

from __future__ import annotations

from ..plan.shot_list import shot_rows
from .formatting import esc, num

CSS = """
@page shotlist { size: landscape; }
section#shotlist { page: shotlist; }
table.shotlist { font-size: 11px; }
table.shotlist td { padding: 3px 4px; }
table.shotlist ul { margin: 0; padding-left: 12px; }
table.shotlist td.over { color: var(--red); font-weight: 700; }
table.shotlist .small { font-size: 0.9em; }
@media print { table.shotlist { font-size: 7.5pt; } }
"""
"""The page's CSS (added to the report's ``<style>``)."""

_WIDTHS = (4, 9, 7, 9, 10, 10, 11, 20, 20)
"""Column widths in percent: shot, in/out, duration, in frame, in scene, props, zones,
safety, beats."""


def _names(values) -> str:
    return esc(", ".join(values))


def _items(values) -> str:
    if not values:
        return ""
    if len(values) == 1:
        return esc(values[0])
    return "<ul>" + "".join(f"<li>{esc(v)}</li>" for v in values) + "</ul>"


def section_shot_list(plan) -> str:
    """``<section id="shotlist">``: one row per shot (ids ``shotlist-N``)."""
    rows = []
    for r, s in zip(shot_rows(plan), plan.shots):
        take = f'{r["duration"]:.2f} s<div class="small">of {num(r["max_take"])} s max</div>'
        cls = ""
        if r["take"]:
            cls = ' class="over"'
            take += f'<div>OVER</div><div class="small">{esc(r["suggested_cut"])}</div>'
        rows.append(
            f'<tr id="shotlist-{s.index}"><td><b>{s.index:03d}</b></td>'
            f'<td class="tc">{esc(r["in"])}<br>{esc(r["out"])}</td><td{cls}>{take}</td>'
            f'<td>{_names(r["in_frame"])}</td><td>{_names(r["in_scene"])}</td><td>{_names(r["props"])}</td>'
            f'<td>{_items(r["zones"])}</td><td>{_items(r["safety"])}</td><td>{_items(r["beats"])}</td></tr>')
    cols = "".join(f'<col style="width:{w}%">' for w in _WIDTHS)
    return ('<section id="shotlist"><h2>Shot list</h2>'
            '<p class="small">One row per shot, as <code>shotlist.csv</code>: timecode in and out (out is the '
            'first frame after the shot), the take against <code>max_take</code>, the performers in view and '
            'those taking part (in view, in a beat, in a finding or a zone), the props in hand, zones entered '
            '(no-go, pyro, rig, set), safety findings and beats, each at its timecode.</p>'
            f'<table class="shotlist"><colgroup>{cols}</colgroup>'
            '<thead><tr><th>Shot</th><th>In / out</th><th>Take</th><th>In frame</th><th>In scene</th>'
            '<th>Props</th><th>Zones</th><th>Safety</th><th>Beats</th></tr></thead><tbody>'
            + "".join(rows) + "</tbody></table></section>")
