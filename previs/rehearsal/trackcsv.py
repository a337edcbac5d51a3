"""previs's own ``track.csv`` as a rehearsal (e.g. from another tool): read as
:meth:`previs.sim.track.CameraTrack.from_csv_text` reads it, after dropping ``#`` comment
lines (a track.csv may open with a ``#`` header block)."""

from __future__ import annotations

from ..sim.track import CameraTrack


def sniff(text_head: str) -> bool:
    for ln in text_head.splitlines():
        if ln.strip() and not ln.lstrip().startswith("#"):
            h = [c.strip().lower() for c in ln.split(",")]
            return "time" in h and "yaw" in h
    return False


def parse(text: str, name: str) -> CameraTrack:
    body = "\n".join(ln for ln in text.splitlines() if not ln.lstrip().startswith("#"))
    return CameraTrack.from_csv_text(body, name)
