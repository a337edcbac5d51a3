"""What the exports say about the POV lens (issue 14), in one place.

The film back is the DCC convention: 36 mm wide, 16:9 (:data:`FILM_BACK_MM`);
``camera.usda`` stores it, and the focal length, in tenths of a scene unit
(:func:`usd_lens_value`: 0.36 and 0.18 on its metre stage). Every model's own focal length on it is
``focal_mm = 18 · Lens.focal(hfov)`` (:mod:`previs.lens`: ``1 / r(hfov / 2)`` half-widths),
so for ``rectilinear`` it is the pinhole's ``18 / tan(hfov / 2)`` and for a wide model it
is the ``f`` of ``r_mm = f · r(theta)`` on the sensor: the number a fisheye camera in a DCC
(Blender's polynomial fisheye, Nuke's LensDistortion) is set up with. Rectilinear needs
nothing more; a wide model adds its name and Kannala-Brandt ``k1..k4`` (zero for
``equidistant``) as metadata (docs/exports.md), with the coefficients of Blender's
"Fisheye Lens Polynomial" camera that draw the same picture (:func:`blender_polynomial`).
"""

from __future__ import annotations

import math

import numpy as np

from ..lens import lens_named

FILM_BACK_MM = (36.0, 20.25)
"""Millimetres (width, height): full-frame width by the DCC convention, 16:9."""

METERS_PER_UNIT = 1.0
"""``camera.usda``'s stage unit: metres (``metersPerUnit = 1``)."""


def usd_lens_value(mm, meters_per_unit: float = METERS_PER_UNIT):
    """A lens length in millimetres as ``UsdGeom.Camera`` stores it: USD's lens attributes
    (``focalLength``, ``horizontalAperture``, ``verticalAperture``) are in **tenths of a
    scene unit** (UsdGeomCamera schema; "Linear Algebra in UsdGeom" / the camera's attribute
    docs), so with ``metersPerUnit = 1`` a tenth of a unit is 100 mm and 18 mm is 0.18,
    36 mm is 0.36. Importers that honour the spec (Blender 4.5's USD importer) multiply
    back by ``100 · metersPerUnit`` mm."""
    return mm / (100.0 * meters_per_unit)


def focal_mm(name: str, hfov):
    """The lens's own focal length (mm on :data:`FILM_BACK_MM`) at ``hfov`` degrees
    (float or array)."""
    return FILM_BACK_MM[0] / 2.0 * lens_named(name).focal(hfov)


BLENDER_FIT_SAMPLES = 1001
"""Radii sampled from the centre to the frame's corner for the Blender fit (0.02 mm apart)."""

BLENDER_FIT_ROUNDS = 100
"""Lawson reweighting rounds: the least-squares fit becomes the minimax one (at hfov 150 the
actioncam's largest error falls from 0.19° to 0.07° at the corners; more rounds change
the fourth digit)."""


def blender_polynomial(name: str, hfov: float) -> tuple[list[float], float]:
    """Blender Cycles' "Fisheye Lens Polynomial" ``k0..k4`` for wide lens ``name`` at
    ``hfov`` degrees, and the fit's largest error (degrees) over the 16:9 frame.

    Cycles maps a sensor point at ``r`` mm from the centre (sensor 36 mm wide, Sensor Fit
    Horizontal) to the off-axis angle ``theta = -(k0 + k1·r + k2·r² + k3·r³ + k4·r⁴)``
    radians. Ours is ``theta = Lens.theta(r / focal_mm)``: fitted with ``k0 = 0`` from the
    centre to the corner (``hypot(18, 10.125)`` mm), minimax by Lawson's reweighted least
    squares. Exact for ``equidistant`` (``k1 = -1 / focal_mm``)."""
    lens, f = lens_named(name), float(focal_mm(name, hfov))
    if lens.model == "equidistant":  # theta = r / f: the polynomial's linear term
        return [0.0, -1.0 / f, 0.0, 0.0, 0.0], 0.0
    r = np.linspace(0.0, math.hypot(FILM_BACK_MM[0], FILM_BACK_MM[1]) / 2.0, BLENDER_FIT_SAMPLES)
    theta = lens.theta(r / f)
    basis = np.stack([r, r**2, r**3, r**4], axis=1)
    w = np.ones_like(r)
    for _ in range(BLENDER_FIT_ROUNDS):
        c = np.linalg.lstsq(basis * np.sqrt(w)[:, None], theta * np.sqrt(w), rcond=None)[0]
        err = np.abs(basis @ c - theta)
        if err.sum() == 0.0:
            break
        w = w * err / (w * err).sum()
    err = float(np.abs(basis @ c - theta).max())
    return [0.0, *(-c).tolist()], math.degrees(err)


def settings_fields(name: str) -> dict:
    """The ``shotplan.json`` settings of lens ``name``: ``lens``, and ``lens_k`` (k1..k4)
    for a wide model."""
    lens = lens_named(name)
    return {"lens": name, "lens_k": list(lens.k)} if lens.wide else {"lens": name}


def metadata(name: str, hfov: float) -> dict:
    """The lens block ``camera.usda`` (camera ``customData``) and ``shotplan.otio``
    (timeline metadata) carry for a wide model at ``hfov`` degrees (frame 0's): ``model``,
    ``k1``..``k4``, ``hfov``, ``focal_mm``, ``film_back_mm`` and Blender's
    ``blender_fisheye_polynomial`` k0..k4 (:func:`blender_polynomial`)."""
    lens = lens_named(name)
    k = {f"k{i + 1}": float(v) for i, v in enumerate(lens.k)}
    blender = blender_polynomial(name, hfov)[0]
    return {"model": name, **k, "hfov": float(hfov), "focal_mm": round(float(focal_mm(name, hfov)), 6),
            "film_back_mm": list(FILM_BACK_MM), "blender_fisheye_polynomial": [float(f"{v:.9g}") for v in blender]}
