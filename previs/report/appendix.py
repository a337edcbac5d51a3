"""The report's appendix: the schedule of :mod:`previs.plan.schedule` as HTML tables.

The same rows as ``previs check --schedule`` (the cells come from the same functions), one
block per actor: his heading, his legs (metres and seconds to 0.01, timecodes) and his
marks at beats. Printed, a block may run over pages (its table headers repeat).
"""

from __future__ import annotations

from ..plan.schedule import (LEG_HEADER, MARK_HEADER, actor_heading, leg_rows, level_schedule, mark_rows,
                             notes)
from ..timebase import time_base_of
from .formatting import esc

_TC_COLUMNS = {"start tc", "end tc", "tc"}


def _table(header: list[str], rows: list[list[str]], text_col: int | None = None) -> str:
    """A table whose number cells are right-aligned and timecodes monospaced."""
    def cls(i: int) -> str:
        if header[i] in _TC_COLUMNS:
            return ' class="tc"'
        return "" if i == text_col else ' class="num"'
    head = "".join(f"<th{cls(i)}>{esc(h)}</th>" for i, h in enumerate(header))
    body = "".join("<tr>" + "".join(f"<td{cls(i)}>{esc(c)}</td>" for i, c in enumerate(r)) + "</tr>" for r in rows)
    return f'<table class="sched"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def section_schedule(level) -> str:
    """``<section id="schedule">``: every actor's legs and marks ("" without a level)."""
    if level is None:
        return ""
    tb = time_base_of(level.settings)
    blocks = []
    for a in level_schedule(level):
        parts = [f"<h3>{esc(actor_heading(a))}</h3>"]
        if a.legs:
            parts.append(_table(LEG_HEADER, leg_rows(a, tb)))
        if a.marks:
            parts.append(_table(MARK_HEADER, mark_rows(a, tb), text_col=len(MARK_HEADER) - 1))
        parts += [f'<p class="small">{esc(n)}</p>' for n in notes(a)]
        blocks.append('<div class="actor-schedule">' + "".join(parts) + "</div>")
    return ('<section id="schedule"><h2>Appendix: schedule</h2>'
            '<p class="small">For each actor, when every leg of his path starts and ends and where he is '
            'at each beat he is in (x east, z south in metres; seconds; tc: the first frame at or after '
            'the time). The same as <code>previs check --schedule</code>.</p>'
            + "".join(blocks) + "</section>")
