"""``camera.usda``: the POV camera as a time-sampled ``UsdGeom.Camera``.

Stage: ``upAxis = "Y"``, ``metersPerUnit = 1`` (the level contract's axes and metres),
``timeCodesPerSecond = framesPerSecond = fps`` (the double nearest the exact rate: 23.976023976023978 for 24000/1001), time codes are the track's frame numbers
``0 .. frames-1`` (``startTimeCode``/``endTimeCode``), ``defaultPrim = "previs"``.

Prim ``/previs/camera`` (a ``Camera`` under an ``Xform``) carries two time-sampled ops,
``xformOpOrder = [xformOp:translate, xformOp:rotateZXY]``:

- ``translate`` = the eye position (x, y, z) in metres;
- ``rotateZXY`` = (pitch, yaw, roll) in degrees. USD names a rotation op by the order
  its axes apply: ``rotateZXY`` rotates about Z first, then X, then Y, i.e. (row-vector
  USD) ``Rz * Rx * Ry``, which is the contract's column-vector ``Ry @ Rx @ Rz``: roll,
  then pitch, then yaw. The op's value is always (x, y, z) angles whatever the order.

A USD camera looks down its -Z with +Y up: the contract's yaw 0 (north, -Z).

Lens, by the USD spec: ``UsdGeom.Camera``'s ``focalLength``, ``horizontalAperture`` and
``verticalAperture`` are in **tenths of a scene unit**; the stage is in metres, so a tenth
is 100 mm and every millimetre value is divided by 100
(:func:`previs.plan.lens_facts.usd_lens_value`). The film back is :data:`H_APERTURE` x
:data:`V_APERTURE` = 36 x 20.25 mm (full frame by the DCC convention, 16:9), written
0.36 x 0.2025; ``focalLength`` is ``18 / tan(hfov / 2)`` mm, written /100 (0.18 at 90°),
so ``2 atan(horizontalAperture / (2 focalLength))`` gives back the track's hfov (to float
precision, ~1e-5 degree) and Blender 4.5's importer shows 18 mm on a 36 mm sensor. The focal length is
time-sampled only when hfov changes during the track. ``clippingRange`` is
(0.05, 1000) metres. That is the ``rectilinear`` lens, exact. A wide lens (``equidistant``,
``actioncam``: the plan's ``settings.lens``) cannot be a USD pinhole: ``focalLength`` is the
lens's own focal length on the same film back, ``18 · Lens.focal(hfov)``
(:func:`previs.plan.lens_facts.focal_mm`, the ``f`` of ``r_mm = f · r(theta)``), and the
camera prim's ``customData = {"previs": {"lens": {model, k1..k4, hfov, focal_mm,
film_back_mm}}}`` names the model (:func:`previs.plan.lens_facts.metadata`); docs/exports.md
says how to set it up as a fisheye in Blender and Nuke.

**How it is written.** Through usd-core's own API (``UsdGeom.Camera`` on an in-memory
stage, exported with ``Sdf``'s writer), never by hand. ``pxr`` is imported only when this
writer runs, so commands that write no USD never pay its ~0.2 s import. The text holds no
host name, absolute path or time stamp: the same track gives the same bytes.

**Traceability.** A level's plan puts ``customLayerData = {"previs": {"level": …,
"revision": …}}`` on the root layer: the level's path relative to its project and its
revision (:mod:`previs.level.revision`). A plain track (``previs plan``) has neither.
"""

from __future__ import annotations

import dataclasses
import os

import numpy as np

from ..fsutil import atomic_write_text
from .finite import require_finite
from ..lens import lens_named
from ..plan import lens_facts
from ..plan.orientation import WIDESCREEN

H_APERTURE = lens_facts.FILM_BACK_MM[0]
"""Millimetres (36); written as 0.36, tenths of a metre."""
V_APERTURE = H_APERTURE / WIDESCREEN
"""Millimetres (20.25); written as 0.2025."""
CLIPPING = (0.05, 1000.0)
CAMERA_PATH = "/previs/camera"
OP_ORDER = ("xformOp:translate", "xformOp:rotateZXY")


def focal_mm(hfov: np.ndarray, lens: str = "rectilinear") -> np.ndarray:
    """Focal length in millimetres (the unit of :data:`H_APERTURE`) per hfov, float64:
    the pinhole's for ``rectilinear``, the wide ``lens``'s own otherwise (camera.nk writes
    these; the stage their float32, :func:`focal_lengths`)."""
    with np.errstate(divide="ignore", over="ignore"):  # hfov 0 -> inf: refused by build_stage
        if lens_named(lens).wide:
            return np.asarray(lens_facts.focal_mm(lens, np.asarray(hfov, dtype=np.float64)), dtype=np.float64)
        return (H_APERTURE / 2.0) / np.tan(np.radians(np.asarray(hfov, dtype=np.float64)) / 2.0)


def focal_lengths(hfov: np.ndarray, lens: str = "rectilinear") -> np.ndarray:
    """:func:`focal_mm` as the stage's float32. The stage stores it divided by 100
    (:func:`usd_focal_lengths`)."""
    return focal_mm(hfov, lens).astype(np.float32)


def usd_focal_lengths(focal_mm: np.ndarray) -> np.ndarray:
    """``focalLength`` as the stage stores it (float32): millimetres in tenths of a metre."""
    return lens_facts.usd_lens_value(np.asarray(focal_mm, dtype=np.float64)).astype(np.float32)


def _doc(title: str) -> str:
    doc = "previs POV camera" + (f": {title}" if title else "")
    return "".join(ch if ch.isprintable() else " " for ch in doc)


def reads(plan):
    """``plan`` with only what this writer reads (its ``track``, ``title``, ``level`` and
    ``revision``): what :mod:`.prefork` sends its child. Without the cuts, shots and
    findings the pickle of the finale's plan is 240 KB instead of 730 KB, ~8 ms less of
    the parent's time; the bytes written are the same (``to_text`` reads nothing else)."""
    return dataclasses.replace(plan, cuts=(), shots=(), safety=(), swings=(), yaw_speed=np.zeros(0), zone_entries=())


def warm_up() -> None:
    """Import ``pxr`` now (~0.25 s), e.g. in :mod:`.prefork`'s child while the level simulates."""
    from pxr import Sdf, Usd, UsdGeom  # noqa: F401


def build_stage(plan):
    """The camera of ``plan.track`` (the stage documentation names ``plan.title``)
    authored through the ``pxr`` API on an in-memory ``Usd.Stage`` (also handy for
    pipelines that want a live stage rather than a file). Refused (:class:`PrevisError`)
    if a position, an angle or the focal length is not finite."""
    from pxr import Gf, Sdf, Usd, UsdGeom, Vt

    track = plan.track
    lens = plan.settings.lens
    focal = focal_lengths(track.hfov, lens)
    require_finite("camera.usda", {"translate": track.pos, "rotateZXY": np.stack([track.pitch, track.yaw, track.roll], axis=1),
                                   "focalLength": focal})
    fps = float(plan.time_base.fps)  # 24000/1001 -> 23.976023976023978, what USD's double holds
    n = len(track)
    stage = Usd.Stage.CreateInMemory()
    UsdGeom.SetStageUpAxis(stage, UsdGeom.Tokens.y)
    UsdGeom.SetStageMetersPerUnit(stage, lens_facts.METERS_PER_UNIT)
    stage.SetTimeCodesPerSecond(fps)
    stage.SetFramesPerSecond(fps)
    stage.SetStartTimeCode(0)
    stage.SetEndTimeCode(max(0, n - 1))
    root = UsdGeom.Xform.Define(stage, "/previs")
    stage.SetDefaultPrim(root.GetPrim())
    stage.GetRootLayer().documentation = _doc(plan.title)
    if plan.revision is not None:
        stage.GetRootLayer().customLayerData = {"previs": {"level": plan.level or "", "revision": plan.revision}}

    cam = UsdGeom.Camera.Define(stage, CAMERA_PATH)
    cam.CreateProjectionAttr(UsdGeom.Tokens.perspective)
    cam.CreateHorizontalApertureAttr(lens_facts.usd_lens_value(H_APERTURE))
    cam.CreateVerticalApertureAttr(lens_facts.usd_lens_value(V_APERTURE))
    cam.CreateClippingRangeAttr(Gf.Vec2f(*CLIPPING))
    focal = usd_focal_lengths(focal)
    fl = cam.CreateFocalLengthAttr(float(focal[0]))
    if lens_named(lens).wide and n:
        cam.GetPrim().SetCustomDataByKey("previs:lens", lens_facts.metadata(lens, float(track.hfov[0])))
    translate = cam.AddTranslateOp(UsdGeom.XformOp.PrecisionDouble).GetAttr()
    rotate = cam.AddRotateZXYOp(UsdGeom.XformOp.PrecisionDouble).GetAttr()
    pos = Vt.Vec3dArray.FromNumpy(np.ascontiguousarray(track.pos, dtype=np.float64))
    rot = Vt.Vec3dArray.FromNumpy(np.ascontiguousarray(np.stack([track.pitch, track.yaw, track.roll], axis=1), dtype=np.float64))
    with Sdf.ChangeBlock():
        for i in range(n):
            translate.Set(pos[i], i)
            rotate.Set(rot[i], i)
        if np.any(focal != focal[0]):
            for i, f in enumerate(focal.tolist()):
                fl.Set(f, i)
    return stage


def to_text(plan) -> str:
    stage = build_stage(plan)  # held: the layer lives only as long as its stage
    return stage.GetRootLayer().ExportToString()


def write(plan, path: str | os.PathLike) -> None:
    """Write ``camera.usda`` for the plan's track."""
    atomic_write_text(path, to_text(plan))
