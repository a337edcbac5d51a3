"""``track.csv``: the camera track, one row per frame (see :mod:`previs.sim.track`)."""

from __future__ import annotations

import os

from ..fsutil import atomic_write_text


def write(track, path: str | os.PathLike) -> None:
    atomic_write_text(path, track.to_csv_text())
