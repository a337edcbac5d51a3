"""What the exports say about the POV lens (issue 14), in one place.

The film back is the DCC convention of ``camera.usda``: 36 mm wide, 16:9
(:data:`FILM_BACK_MM`). Every model's own focal length on it is
``focal_mm = 18 · Lens.focal(hfov)`` (:mod:`previs.lens`: ``1 / r(hfov / 2)`` half-widths),
so for ``rectilinear`` it is the pinhole's ``18 / tan(hfov / 2)`` and for a wide model it
is the ``f`` of ``r_mm = f · r(theta)`` on the sensor: the number a fisheye camera in a DCC
(Blender's polynomial fisheye, Nuke's LensDistortion) is set up with. Rectilinear needs
nothing more; a wide model adds its name and Kannala-Brandt ``k1..k4`` (zero for
``equidistant``) as metadata (docs/exports.md).
"""

from __future__ import annotations

from ..lens import lens_named

FILM_BACK_MM = (36.0, 20.25)
"""Millimetres (width, height): full-frame width by the DCC convention, 16:9."""


def focal_mm(name: str, hfov):
    """The lens's own focal length (mm on :data:`FILM_BACK_MM`) at ``hfov`` degrees
    (float or array)."""
    return FILM_BACK_MM[0] / 2.0 * lens_named(name).focal(hfov)


def settings_fields(name: str) -> dict:
    """The ``shotplan.json`` settings of lens ``name``: ``lens``, and ``lens_k`` (k1..k4)
    for a wide model."""
    lens = lens_named(name)
    return {"lens": name, "lens_k": list(lens.k)} if lens.wide else {"lens": name}


def metadata(name: str, hfov: float) -> dict:
    """The lens block ``camera.usda`` (camera ``customData``) and ``shotplan.otio``
    (timeline metadata) carry for a wide model at ``hfov`` degrees (frame 0's): ``model``,
    ``k1``..``k4``, ``hfov``, ``focal_mm`` and ``film_back_mm``."""
    lens = lens_named(name)
    k = {f"k{i + 1}": float(v) for i, v in enumerate(lens.k)}
    return {"model": name, **k, "hfov": float(hfov), "focal_mm": round(float(focal_mm(name, hfov)), 6),
            "film_back_mm": list(FILM_BACK_MM)}
