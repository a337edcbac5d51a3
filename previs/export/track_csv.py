"""``track.csv``: the plan's camera track, one row per frame (see :mod:`previs.sim.track`).

The file says what it is: ``#`` comment lines before the CSV header state the exact rate,
the timecode of frame 0 and how it counts, the reel, the axes, the units and the lens
(:func:`comments`), and a ``focal_mm`` column gives the lens per frame, the focal length on
the 36 x 20.25 mm film back of ``camera.usda`` (:func:`previs.plan.lens_facts.focal_mm`).
A comment header rather than a sidecar JSON: the file stays one file that travels alone
(a rehearsal log, a golden track), ``pandas.read_csv(path, comment="#")``,
``numpy.loadtxt(path, delimiter=",", comments="#", skiprows=...)`` and spreadsheets that
skip or show the lines read it, and previs's own reader
(:meth:`~previs.sim.track.CameraTrack.from_csv_text`) takes the exact rate from
``# rate: N/D``. Tracks without the lines (older files, golden tracks) still read.

Cells are only numbers (frame, then shortest round-trip floats, all finite: the track
refuses anything else), so no field ever needs CSV quoting and no cell can read as a
spreadsheet formula (a leading ``-`` is a negative number, never text). The comment
lines are plain ASCII prose (the level's title is not in them), starting with ``#``.
"""

from __future__ import annotations

import os

from ..fsutil import atomic_write_text
from ..plan import lens_facts


def comments(plan) -> list[str]:
    """The comment lines (without ``# ``) that open the plan's ``track.csv``."""
    tb = plan.time_base
    w, h = lens_facts.FILM_BACK_MM
    return [
        "previs track.csv: the POV camera, one row per frame (docs/exports.md)",
        f"rate: {tb.rate_text} fps{'' if tb.label == tb.rate_text else f' ({tb.label})'}; frame f is sampled at time = f / rate seconds, "
        f"frames cover [0, {plan.frames})",
        f"timecode: frame 0 = {tb.timecode(0)} ({tb.counting}, counted at {tb.nominal_rate}); reel {plan.reel}",
        "axes: x east, y up, z south; yaw about +y, 0 = north (-z), +90 = west, unwrapped; "
        "pitch about x, + looks up; roll about z; applied roll, then pitch, then yaw",
        f"units: time s; x, y, z metres; yaw, pitch, roll, hfov degrees (hfov: horizontal field of view); "
        f"focal_mm millimetres on a {w:g} x {h:g} mm film back",
        f"lens: {plan.settings.lens}",
    ]


def to_text(plan) -> str:
    focal = lens_facts.focal_mm(plan.settings.lens, plan.track.hfov)
    return plan.track.to_csv_text(comments(plan), {"focal_mm": focal})


def write(plan, path: str | os.PathLike) -> None:
    atomic_write_text(path, to_text(plan))
