"""``shotlist.csv``: the shot list, one row per shot, for the assistant director's spreadsheet.

The rows and columns are :func:`previs.plan.shot_list.shot_rows` (the plan's one truth; the
columns are documented there and in docs/exports.md). The file opens as is in LibreOffice
Calc, Excel, Numbers and Google Sheets:

- RFC 4180: a header row, comma separated, CRLF line ends, a cell quoted (``"``, doubled
  inside) when it holds a comma, a quote or a line break;
- UTF-8 with a byte-order mark, which is how Excel recognises UTF-8 (names with accents,
  the ``→`` of a beat); Python reads it with ``encoding="utf-8-sig"``;
- numbers as plain numbers (``frames``, ``duration``, ``max_take`` in seconds) so a sum or
  a sort works; timecodes as text ``HH:MM:SS:FF``;
- a text cell that would start a spreadsheet formula (``=``, ``+``, ``-``, ``@``, tab or
  carriage return first) is prefixed with ``'``, so no name or note from a level runs as a
  formula (OWASP's "CSV injection" rule).
"""

from __future__ import annotations

import csv
import io
import os

from ..fsutil import atomic_write_text
from ..plan.shot_list import COLUMNS, SEP, shot_rows

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(v) -> str:
    """One cell's text: numbers as Python writes them (``12.5``), a list joined with ``"; "``,
    text defused."""
    if isinstance(v, list):
        v = SEP.join(v)
    if isinstance(v, (int, float)):
        return f"{v:g}" if isinstance(v, float) else str(v)
    v = str(v)
    return "'" + v if v.startswith(FORMULA_START) else v


def to_text(plan) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(COLUMNS)
    for row in shot_rows(plan):
        w.writerow([cell(row[c]) for c in COLUMNS])
    return "\ufeff" + buf.getvalue()


def write(plan, path: str | os.PathLike) -> None:
    """Write ``shotlist.csv`` for the plan."""
    atomic_write_text(path, to_text(plan))
