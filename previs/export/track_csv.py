"""``track.csv``: the plan's camera track, one row per frame (see :mod:`previs.sim.track`).

Only numbers (frame, then shortest round-trip floats, all finite: the track refuses
anything else), so no field ever needs CSV quoting and no cell can read as a spreadsheet
formula (a leading ``-`` is a negative number, never text).
"""

from __future__ import annotations

import os

from ..fsutil import atomic_write_text


def to_text(plan) -> str:
    return plan.track.to_csv_text()


def write(plan, path: str | os.PathLike) -> None:
    atomic_write_text(path, to_text(plan))
