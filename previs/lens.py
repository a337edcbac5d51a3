"""Lens models of the POV camera: where a direction lands in the frame, and back (pure numpy).

Camera space as in :mod:`previs.gl.view_camera`: the lens looks down -Z, +X right, +Y up.
A direction makes the angle ``theta`` (radians) with the optical axis and the angle ``phi``
about it. Every model maps ``theta`` to a radius ``r(theta)`` on the image plane at unit focal
length (the models' own focal length ``f``); the image point is ``r·(cos phi, sin phi)``:

- ``rectilinear``: ``r = tan(theta)`` (the pinhole; straight lines stay straight; below 180°).
- ``equidistant``: ``r = theta`` (the equidistant fisheye, OpenCV's fisheye model with k = 0).
- ``actioncam``: the Kannala-Brandt polynomial OpenCV's ``cv::fisheye`` uses,
  ``r = theta·(1 + k1·theta² + k2·theta⁴ + k3·theta⁶ + k4·theta⁸)``, with the coefficients of
  Gyroflow's official calibration "GoPro_HERO11 Black_Wide_8by7" (k = 0.031396, 0.059741,
  -0.043367, 0.009924; fx = 2357.1 px on the 5312 px sensor). Its 16:9 crop (5312 px wide)
  sees theta = 60.65° at the frame's side edge: a horizontal field of 121.3°,
  :data:`ACTIONCAM_HFOV`, the preset's own. Another hfov scales the focal length and keeps
  the curve.

The horizontal field of view ``hfov`` (degrees) sets the scale: the frame's left and right
edges are at ``theta = hfov/2``. **Normalised frame coordinates** ``(u, v)``: u in [-1, 1]
from the left edge to the right, v in [-1/aspect, 1/aspect] from the bottom edge to the top
(square pixels: one scale for both axes); ``aspect`` is width / height (16:9 in previs).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

LENS_MODELS = ("rectilinear", "equidistant", "actioncam")
"""The names a level's ``lens`` and ``--lens`` take."""

ACTIONCAM_K = (0.03139553973504779, 0.05974110122697331, -0.043366819910340776, 0.009924139209409393)
"""Kannala-Brandt k1..k4 of the ``actioncam`` preset (Gyroflow, GoPro HERO11 Black Wide)."""

ACTIONCAM_HFOV = 121.3
"""Degrees: the horizontal field of the preset's 16:9 frame (theta 60.65° at the side edge)."""

MAX_WIDE_HFOV = 150.0
"""Degrees: the widest horizontal field the wide models take (issue: "up to 150°")."""

_NEWTON_STEPS = 8
"""Newton steps inverting the Kannala-Brandt polynomial: its slope is >= 0.93 on
[0, 90°] for the preset, so 8 steps from theta = r converge below 1e-12 rad."""


@dataclass(frozen=True)
class Lens:
    """One lens model: ``model`` (a name in :data:`LENS_MODELS`) and, for the polynomial,
    its ``k`` (k1..k4; zero for the other models)."""

    model: str = "rectilinear"
    k: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)

    @property
    def wide(self) -> bool:
        """True for the models that are not a pinhole (drawn through a warp)."""
        return self.model != "rectilinear"

    def radius(self, theta):
        """Image radius at unit focal length for off-axis angle ``theta`` (radians, array)."""
        t = np.asarray(theta, dtype=np.float64)
        return {"rectilinear": np.tan, "equidistant": np.copy}.get(self.model, self._polynomial)(t)

    def theta(self, radius):
        """Off-axis angle (radians) of image radius ``radius`` at unit focal length: the
        inverse of :meth:`radius`."""
        r = np.asarray(radius, dtype=np.float64)
        return {"rectilinear": np.arctan, "equidistant": np.copy}.get(self.model, self._polynomial_inverse)(r)

    def _polynomial(self, t: np.ndarray) -> np.ndarray:
        k1, k2, k3, k4 = self.k
        t2 = t * t
        return t * (1.0 + t2 * (k1 + t2 * (k2 + t2 * (k3 + t2 * k4))))

    def _polynomial_inverse(self, r: np.ndarray) -> np.ndarray:
        k1, k2, k3, k4 = self.k
        t = r.copy()
        for _ in range(_NEWTON_STEPS):  # slope d r / d theta below
            t2 = t * t
            t = t - (self._polynomial(t) - r) / (1.0 + t2 * (3 * k1 + t2 * (5 * k2 + t2 * (7 * k3 + t2 * 9 * k4))))
        return t

    def focal(self, hfov) -> np.ndarray:
        """Focal length in half-widths of the frame: ``1 / r(hfov/2)`` (``hfov`` degrees);
        infinite at ``hfov = 0`` (the exporters refuse a track that reaches it, by frame)."""
        with np.errstate(divide="ignore"):
            return 1.0 / self.radius(np.radians(np.asarray(hfov, dtype=np.float64)) / 2.0)

    def project(self, dirs, hfov):
        """Camera-space directions ``dirs`` (..., 3) -> normalised frame coordinates
        (..., 2) and the off-axis angle theta (...,) radians. ``hfov`` (degrees) broadcasts
        against ``dirs.shape[:-1]`` (pass ``hfov[:, None]`` for frames x points). Directions behind a pinhole
        (theta >= 90°) get non-finite coordinates."""
        d = np.asarray(dirs, dtype=np.float64)
        x, y, z = d[..., 0], d[..., 1], -d[..., 2]
        side = np.hypot(x, y)
        theta = np.arctan2(side, z)
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.asarray(self.focal(hfov))[..., None]
            r = self.radius(theta)
            if self.model == "rectilinear":
                r = np.where(theta < math.pi / 2, r, np.inf)
            k = np.where(side > 0, r / np.where(side > 0, side, 1.0), 0.0)
            uv = np.stack([x * k, y * k], axis=-1) * scale  # inf * 0 is nan: behind a pinhole
        return uv, theta

    def unproject(self, uv, hfov) -> np.ndarray:
        """Normalised frame coordinates ``uv`` (..., 2) -> unit camera-space directions
        (..., 3), the inverse of :meth:`project`."""
        p = np.asarray(uv, dtype=np.float64) / np.asarray(self.focal(hfov))[..., None]
        r = np.hypot(p[..., 0], p[..., 1])
        theta = self.theta(r)
        s = np.where(r > 0, np.sin(theta) / np.where(r > 0, r, 1.0), 0.0)
        return np.stack([p[..., 0] * s, p[..., 1] * s, -np.cos(theta)], axis=-1)

    def in_frame(self, dirs, hfov, aspect: float) -> np.ndarray:
        """(...) bool: camera-space ``dirs`` (..., 3) land inside the frame of ``hfov``
        degrees at ``aspect`` (width / height)."""
        uv, theta = self.project(dirs, hfov)
        ok = np.isfinite(uv).all(axis=-1) & (np.abs(uv[..., 0]) <= 1.0) & (np.abs(uv[..., 1]) <= 1.0 / aspect)
        return ok & (theta < math.pi)

    def vfov(self, hfov, aspect: float) -> np.ndarray:
        """Vertical field of view (degrees) for a horizontal one at ``aspect``."""
        return 2.0 * np.degrees(self.theta(1.0 / (aspect * self.focal(hfov))))


def lens_named(name: str) -> Lens:
    """The :class:`Lens` for a name in :data:`LENS_MODELS` (KeyError for another)."""
    return _LENSES[name]


_LENSES = {"rectilinear": Lens("rectilinear"), "equidistant": Lens("equidistant"),
           "actioncam": Lens("actioncam", ACTIONCAM_K)}
