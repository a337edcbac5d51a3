"""previs's own ``track.csv`` as a rehearsal (e.g. from another tool): read as
:meth:`previs.sim.track.CameraTrack.from_csv_text` reads it (``#`` lines are comments, a
``# rate:`` header line gives the exact rate, rows in messages are the file's lines)."""

from __future__ import annotations

from ..sim.track import MAX_CSV_BYTES, CameraTrack


def sniff(text_head: str) -> bool:
    for ln in text_head.splitlines():
        if ln.strip() and not ln.lstrip().startswith("#"):
            h = [c.strip().lower() for c in ln.split(",")]
            return "time" in h and "yaw" in h
    return False


def parse(text: str, name: str) -> CameraTrack:
    return CameraTrack.from_csv_text(text, name)


MAX_BYTES = MAX_CSV_BYTES
"""The largest track.csv read, as :meth:`CameraTrack.read_csv` allows."""
