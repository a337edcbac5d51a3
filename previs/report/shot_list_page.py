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


PRINTED_NAMES = 40
"""Names a printed cell lists before ``and N more``: a battle has hundreds in frame."""

PRINTED_LINES = 12
"""Safety findings or zone entries a printed cell lists before ``N more``: a melee's shot
has thousands of near misses (shotlist.csv keeps them all). Beats are all printed: they
are the shot's action."""


def _names(values) -> str:
    if len(values) > PRINTED_NAMES:
        return esc(", ".join(values[:PRINTED_NAMES]) + f" and {len(values) - PRINTED_NAMES} more")
    return esc(", ".join(values))


def _items(values, capped: bool = True) -> str:
    if not values:
        return ""
    if len(values) == 1:
        return esc(values[0])
    more = ""
    if capped and len(values) > PRINTED_LINES:
        values, more = values[:PRINTED_LINES], f"<li>{len(values) - PRINTED_LINES} more (shotlist.csv)</li>"
    return "<ul>" + "".join(f"<li>{esc(v)}</li>" for v in values) + more + "</ul>"


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
            f'<td>{_items(r["zones"])}</td><td>{_items(r["safety"])}</td><td>{_items(r["beats"], capped=False)}</td></tr>')
    cols = "".join(f'<col style="width:{w}%">' for w in _WIDTHS)
    return ('<section id="shotlist"><h2>Shot list</h2>'
            '<p class="small">One row per shot, as <code>shotlist.csv</code>: timecode in and out (out is the '
            'first frame after the shot), the take against <code>max_take</code>, the performers in view and '
            'those taking part (in view, in a beat, in a finding or a zone), the props in hand, zones entered '
            '(no-go, pyro, rig, set), safety findings and beats, each at its timecode (at most '
            f'{PRINTED_LINES} findings or zones a cell and {PRINTED_NAMES} names: <code>shotlist.csv</code> has them all).</p>'
            f'<table class="shotlist"><colgroup>{cols}</colgroup>'
            '<thead><tr><th>Shot</th><th>In / out</th><th>Take</th><th>In frame</th><th>In scene</th>'
            '<th>Props</th><th>Zones</th><th>Safety</th><th>Beats</th></tr></thead><tbody>'
            + "".join(rows) + "</tbody></table></section>")
