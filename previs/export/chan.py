"""``camera.chan``: the POV camera for Nuke (Camera node > Import chan file) and Maya.

One line per frame, space separated, no header::

    frame tx ty tz rx ry rz vfov

- ``frame``: the track's frame number, starting at **0** like ``track.csv``, the plan and
  ``camera.usda`` (so frame numbers mean the same thing in every file). In a Nuke script
  that starts at 1 or 1001, shift the keys with a TimeOffset node or the Camera's
  Dope Sheet; see docs/exports.md.
- ``tx ty tz``: eye position in metres (Y up; x east, z south).
- ``rx ry rz``: pitch, yaw, roll in degrees, for rotation order **ZXY** (Nuke's default
  camera order, and Maya's ``rotateOrder = zxy``): roll about Z first, then pitch about X,
  then yaw about Y.
- ``vfov``: vertical field of view in degrees, from the track's hfov at 16:9
  (``2 atan(tan(hfov / 2) * 9 / 16)``). Nuke turns this column into the camera's focal
  length through its **vertical** aperture (``vaperture``):
  ``focal = (vaperture / 2) / tan(vfov / 2)``. Only with the film back set to 36 x 20.25 mm
  (``haperture`` 36, ``vaperture`` 20.25, as ``camera.nk`` carries it) is that 18 mm and
  the horizontal field the track's 90°; on Nuke's default 24.576 x 18.672 mm back the same
  column gives 16.6 mm and a 73° horizontal field. With a wide lens (the plan's ``settings.lens``) it is
  the pinhole field whose focal length is the lens's own ``f`` on the 36 x 20.25 mm film back,
  ``2 atan(10.125 / focal_mm)`` (:func:`previs.plan.lens_facts.focal_mm`), the focal length
  ``camera.usda`` writes; not the picture's vertical field. A .chan file has no room for
  the model or its k1..k4: take them from ``camera.usda`` or ``shotplan.json``
  (docs/exports.md).

Numbers are written with 6 decimals (micrometres, micro-degrees): exact enough for any
match-move, and byte-stable.
"""

from __future__ import annotations

import os

import numpy as np

from ..fsutil import atomic_write_text
from ..lens import lens_named
from ..plan import lens_facts
from ..plan.orientation import vfov_from_hfov
from .finite import require_finite

COLUMNS = ("tx", "ty", "tz", "rx", "ry", "rz", "vfov")


def to_text(plan) -> str:
    """The file's text for ``plan.track``; refused (:class:`PrevisError`) if any value is
    not finite."""
    track = plan.track
    n = len(track)
    cols = np.column_stack(
        [track.pos[:, 0], track.pos[:, 1], track.pos[:, 2], track.pitch, track.yaw, track.roll, _vfov(plan)]
    )
    require_finite("camera.chan", dict(zip(COLUMNS, cols.T)))
    cols = np.round(cols, 6) + 0.0  # + 0.0: never "-0.000000"
    fmt = "%d" + " %.6f" * 7
    return "\n".join([fmt % row for row in zip(range(n), *cols.T.tolist())]) + "\n"


def _vfov(plan) -> np.ndarray:
    """The ``vfov`` column (degrees): the pinhole's, or for a wide lens the pinhole field of
    the lens's own focal length on the film back."""
    lens, hfov = plan.settings.lens, plan.track.hfov
    if not lens_named(lens).wide:
        return vfov_from_hfov(hfov)
    return np.degrees(2.0 * np.arctan(lens_facts.FILM_BACK_MM[1] / 2.0 / lens_facts.focal_mm(lens, hfov)))


def write(plan, path: str | os.PathLike) -> None:
    """Write ``camera.chan`` for the plan's track."""
    atomic_write_text(path, to_text(plan))
