"""``camera.nk``: the POV camera as a Nuke node, beside ``camera.chan``.

A Nuke script fragment as Nuke itself writes one when nodes are copied or exported
(*File › Export nodes as script*): ``set cut_paste_input [stack 0]``, ``version``, then one
``Camera2`` node (the Camera class Nuke 7-15 write; Nuke 14+ reads it as its legacy camera)::

    Camera2 {
     inputs 0
     translate {{curve x0 10.5 x1 10.5 ...} {curve x0 1.7 ...} {curve x0 10.5 ...}}
     rotate {{curve x0 -3.3 ...} {curve x0 0 ...} {curve x0 0 ...}}
     rot_order ZXY
     focal 18
     haperture 36
     vaperture 20.25
     near 0.05
     far 1000
     name previs_camera
    }

- Keys: one per track frame, from frame **0** like ``camera.chan`` and ``track.csv``, in
  Nuke's animation syntax ``{curve x<frame> <value> x<frame> <value> ...}`` (every key
  with its frame; Nuke's default smooth interpolation between keys one frame apart). A
  channel that never changes is written as a plain value (``0``), as Nuke does.
- ``translate``: eye position in metres (1 Nuke unit = 1 m; Y up); ``rotate``: pitch, yaw,
  roll in degrees about X, Y, Z with ``rot_order ZXY`` (roll, then pitch, then yaw: the
  contract's order, Nuke's default); 6 decimals, like ``camera.chan``.
- Lens: ``haperture`` 36 and ``vaperture`` 20.25 mm (the 16:9 film back of
  :data:`previs.plan.lens_facts.FILM_BACK_MM`) and ``focal`` in mm: ``18 / tan(hfov / 2)``
  for ``rectilinear`` (so Nuke's horizontal field is the track's hfov), the wide lens's own
  ``f`` otherwise (:func:`previs.plan.lens_facts.focal_mm`, as ``camera.usda``); animated
  only when hfov changes. ``near``/``far`` 0.05 and 1000 m, the USD camera's clipping range.

Text is numbers and fixed words only: a level's title goes nowhere into the script, so
nothing can inject Tcl. The same track gives the same bytes.
"""

from __future__ import annotations

import os

import numpy as np

from ..fsutil import atomic_write_text
from .finite import require_finite
from .usd import CLIPPING, H_APERTURE, V_APERTURE, focal_mm

NODE_NAME = "previs_camera"
NUKE_VERSION = "13.0 v1"
"""The ``version`` line: the oldest Nuke the node's knobs are checked against (Nuke reads
scripts of older versions)."""


def _num(v: float) -> str:
    """A value as Nuke writes it: up to 6 decimals, no trailing zeros, never ``-0``."""
    s = f"{round(float(v), 6) + 0.0:.6f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def curve(values) -> str:
    """One channel: a plain value if constant, else ``{curve x0 v0 x1 v1 ...}``."""
    v = np.round(np.asarray(values, dtype=np.float64), 6) + 0.0
    if len(v) and np.all(v == v[0]):
        return _num(v[0])
    return "{curve " + " ".join(f"x{i} {_num(x)}" for i, x in enumerate(v.tolist())) + "}"


def _triple(cols) -> str:
    return "{" + " ".join(curve(c) for c in cols) + "}"


def to_text(plan) -> str:
    """The script's text; refused (:class:`PrevisError`) if a value is not finite."""
    track = plan.track
    focal = focal_mm(track.hfov, plan.settings.lens)  # float64: Nuke keeps 6 decimals, float32 has ~7 digits
    rot = np.stack([track.pitch, track.yaw, track.roll], axis=1)
    require_finite("camera.nk", {"translate": track.pos, "rotate": rot, "focal": focal})
    lines = [
        "set cut_paste_input [stack 0]",
        f"version {NUKE_VERSION}",
        "Camera2 {",
        " inputs 0",
        f" translate {_triple(np.asarray(track.pos, float).T)}",
        f" rotate {_triple(rot.T)}",
        " rot_order ZXY",
        f" focal {curve(focal) if len(focal) else _num(18.0)}",
        f" haperture {_num(H_APERTURE)}",
        f" vaperture {_num(V_APERTURE)}",
        f" near {_num(CLIPPING[0])}",
        f" far {_num(CLIPPING[1])}",
        f" name {NODE_NAME}",
        "}",
    ]
    return "\n".join(lines) + "\n"


def write(plan, path: str | os.PathLike) -> None:
    """Write ``camera.nk`` for the plan's track."""
    atomic_write_text(path, to_text(plan))
