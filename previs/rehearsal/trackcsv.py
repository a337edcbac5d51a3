"""previs's own ``track.csv`` as a rehearsal (e.g. from another tool): read as
:meth:`previs.sim.track.CameraTrack.from_csv_text` reads it, after dropping ``#`` comment
lines (a track.csv may open with a ``#`` header block). Rows in messages are the file's:
the comment lines before the header are counted back in."""

from __future__ import annotations

import re

from ..errors import PrevisError
from ..sim.track import MAX_CSV_BYTES, CameraTrack, _stated_rate


def sniff(text_head: str) -> bool:
    for ln in text_head.splitlines():
        if ln.strip() and not ln.lstrip().startswith("#"):
            h = [c.strip().lower() for c in ln.split(",")]
            return "time" in h and "yaw" in h
    return False


def parse(text: str, name: str) -> CameraTrack:
    lines = text.splitlines()
    lead = 0
    for ln in lines:
        if ln.strip() and not ln.lstrip().startswith("#"):
            break
        lead += 1
    body = "\n".join(ln for ln in lines if not ln.lstrip().startswith("#"))
    stated = _stated_rate(lines[:lead])  # '# rate: 24000/1001 fps': the exact rate, not the time column's
    try:
        return CameraTrack.from_csv_text(body, name, fps=None if stated is None else float(stated))
    except PrevisError as e:
        if not lead:
            raise
        shift = [re.sub(r"\brow (\d+)", lambda m: f"row {int(m.group(1)) + lead}", p, count=1) for p in e.problems]
        raise PrevisError(shift) from None


MAX_BYTES = MAX_CSV_BYTES
"""The largest track.csv read, as :meth:`CameraTrack.read_csv` allows."""
