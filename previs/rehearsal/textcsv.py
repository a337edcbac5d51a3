"""Small numeric CSV reading shared by the text readers (gcsv, Sensor Logger, phyphox, track.csv).

A file is read bounded (:func:`previs.safe_paths.read_bounded`), lines starting with ``#``
are comments and skipped (track.csv may carry a ``#`` header), and columns are picked by
name; every failure is one line naming the file, the row (file rows from 1) and the fix.
"""

from __future__ import annotations

import os

import numpy as np

from ..errors import PrevisError
from .imu import check_values

MAX_LOG_BYTES = 512 * 1024 * 1024
"""Largest sensor log read: an hour at 500 Hz of ~10 columns is ~200 MB of text."""


def read_log_text(path: str | os.PathLike, what: str, limit: int = MAX_LOG_BYTES) -> str:
    """The file's text (at most ``limit`` bytes); refuses what is not a readable UTF-8 regular file."""
    from ..safe_paths import Unreadable, read_bounded

    name = os.fspath(path)
    try:
        data = read_bounded(name, limit)
    except Unreadable as e:
        raise PrevisError(f"{name}: cannot read the {what}: it {e.reason}.") from None
    return decode(data, name, what)


def decode(data: bytes, name: str, what: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PrevisError(f"{name}: not a text file; expected a {what}.") from None


def split_lines(text: str) -> list[tuple[int, str]]:
    """(file row, line) for each non-blank, non-comment line."""
    return [(i + 1, ln) for i, ln in enumerate(text.splitlines()) if ln.strip() and not ln.lstrip().startswith("#")]


def _cells(line: str, sep: str) -> list[str]:
    return [c.strip().strip('"').strip() for c in line.split(sep)]


def table(name: str, lines: list[tuple[int, str]], want: dict[str, str], what: str,
          sep: str = ",") -> tuple[dict[str, np.ndarray], int]:
    """Columns ``want`` (key -> header name, lower case) of a CSV whose first line in
    ``lines`` is the header. Returns (key -> float array, file row of the first value row).
    A missing column, a short row, a blank or non-numeric cell: one line and no reading."""
    if not lines:
        raise PrevisError(f"{name}: empty; expected a {what}.")
    hrow, header = lines[0]
    names = [h.lower() for h in _cells(header, sep)]
    missing = [h for h in want.values() if h not in names]
    if missing:
        raise PrevisError(f"{name}: row {hrow}: the header lacks column{'s' * (len(missing) > 1)} "
                          f"{', '.join(repr(m) for m in missing)} (found {', '.join(names) or 'nothing'}); "
                          f"expected a {what}.")
    body = lines[1:]
    if not body:
        raise PrevisError(f"{name}: has a header but no samples; record at least a few seconds.")
    idx = {k: names.index(h) for k, h in want.items()}
    need = max(idx.values()) + 1
    # Plain split (float() and numpy read " 1.5" as 1.5); quotes are stripped only where there are some.
    rows = [ln.split(sep) if '"' not in ln else _cells(ln, sep) for _, ln in body]
    if min(map(len, rows)) < need:
        r = next(i for i, c in enumerate(rows) if len(c) < need)
        raise PrevisError(f"{name}: row {body[r][0]}: {len(rows[r])} value{'s' * (len(rows[r]) != 1)}, the header "
                          f"names {len(names)}; the file is cut short or broken: re-export it.")
    out = {}
    for k, i in idx.items():
        col = [c[i] for c in rows]
        try:
            out[k] = np.array(col, dtype=np.float64)
        except ValueError:
            for (r, _), c in zip(body, col):
                c = c.strip()
                try:
                    float(c)
                except ValueError:
                    if not c or c.lower() in ("nan", "null", "none", "-"):
                        arr = np.full((1, 1), np.nan)
                        check_values(name, arr, (want[k],), first_row=r)
                    raise PrevisError(f"{name}: row {r}, column '{want[k]}': {c!r} is not a number; "
                                      "re-export the log.") from None
            raise
    first = body[0][0]
    return out, first


def numbers_or_refuse(name: str, cols: dict[str, np.ndarray], keys: tuple[str, ...], first_row: int,
                      headers: tuple[str, ...] | None = None) -> np.ndarray:
    """Stack ``keys`` into (N, len(keys)) and refuse NaN/inf rows (one line, first row)."""
    arr = np.stack([cols[k] for k in keys], axis=1)
    check_values(name, arr, headers or keys, first_row=first_row)
    return arr
