"""``camera.usda``: the POV camera as a time-sampled ``UsdGeom.Camera``.

Stage: ``upAxis = "Y"``, ``metersPerUnit = 1`` (the level contract's axes and metres),
``timeCodesPerSecond = framesPerSecond = fps``, time codes are the track's frame numbers
``0 .. frames-1`` (``startTimeCode``/``endTimeCode``), ``defaultPrim = "previs"``.

Prim ``/previs/camera`` (a ``Camera`` under an ``Xform``) carries two time-sampled ops,
``xformOpOrder = [xformOp:translate, xformOp:rotateZXY]``:

- ``translate`` = the eye position (x, y, z) in metres;
- ``rotateZXY`` = (pitch, yaw, roll) in degrees. USD names a rotation op by the order
  its axes apply: ``rotateZXY`` rotates about Z first, then X, then Y, i.e. (row-vector
  USD) ``Rz * Rx * Ry``, which is the contract's column-vector ``Ry @ Rx @ Rz``: roll,
  then pitch, then yaw. The op's value is always (x, y, z) angles whatever the order.

A USD camera looks down its -Z with +Y up: the contract's yaw 0 (north, -Z).

Lens: ``horizontalAperture`` = :data:`H_APERTURE` (36, full-frame millimetres by the DCC
convention; USD's nominal unit for lens attributes is tenths of a scene unit, but only
the ratio matters for the view), ``verticalAperture`` = 36 x 9/16 (16:9), and
``focalLength`` = 18 / tan(hfov / 2), so ``2 atan(horizontalAperture / (2 focalLength))``
gives back the track's hfov (to float precision, ~1e-5 degree). The focal length is
time-sampled only when hfov changes during the track. ``clippingRange`` is
(0.05, 1000) metres.

**How it is written.** :func:`to_text` emits the ``.usda`` text itself (doubles as Python's
shortest round-trip repr, so values read back bit for bit), because importing ``pxr``
costs about 0.3 s and setting 2 x 4320 samples through the API another 0.1 s, a large part
of the replay's time budget. :func:`build_stage` authors the same stage through the
``pxr`` API; the tests check that the two agree (``pxr`` opens the written file and its
layer, re-exported, equals the API-authored one) and that the camera's world matrix from
USD equals the track's at every frame. The text holds no host name, path or time stamp:
the same track gives the same bytes.
"""

from __future__ import annotations

import os
import re

import numpy as np

from ..fsutil import atomic_write_text
from ..plan.camera import WIDESCREEN

H_APERTURE = 36.0
V_APERTURE = H_APERTURE / WIDESCREEN
CLIPPING = (0.05, 1000.0)
CAMERA_PATH = "/previs/camera"
OP_ORDER = ("xformOp:translate", "xformOp:rotateZXY")


def focal_lengths(hfov: np.ndarray) -> np.ndarray:
    """Focal length (same unit as :data:`H_APERTURE`) per hfov, as USD stores it (float32)."""
    f = (H_APERTURE / 2.0) / np.tan(np.radians(np.asarray(hfov, dtype=np.float64)) / 2.0)
    return f.astype(np.float32)


def _doc(title: str) -> str:
    doc = "previs POV camera" + (f": {title}" if title else "")
    return "".join(ch if ch.isprintable() else " " for ch in doc)


def _usd_string(s: str) -> str:
    """A one-line usda string literal, quoted the way ``Sdf`` writes it."""
    s = s.replace("\\", "\\\\")
    if '"' in s and "'" not in s:
        return "'" + s + "'"
    return '"' + s.replace('"', '\\"') + '"'


_POINT_ZERO = re.compile(r"\.0(?=[,)])")
_SMALL = re.compile(r"(?<![\d.])(-?)(\d)(?:\.(\d+))?e-0([56])(?=[,)])")
_BIG = re.compile(r"(?<![\d.])(-?)(\d{16})(?:\.(\d+))?(?=[,)])")
_EXP = re.compile(r"e\+?(-?)0*(\d)")


def _small(m: re.Match) -> str:  # 1.3e-06 -> 0.0000013
    return f"{m[1]}0.{'0' * (int(m[4]) - 1)}{m[2]}{m[3] or ''}"


def _big(m: re.Match) -> str:  # 1234567890123456 -> 1.234567890123456e15
    digits = (m[2] + (m[3] or "")).rstrip("0")
    return f"{m[1]}{digits[0]}" + (f".{digits[1:]}" if len(digits) > 1 else "") + "e15"


def _sdf_numbers(text: str) -> str:
    """Python float reprs -> the spelling ``Sdf`` writes (shortest digits, decimal for
    1e-6 <= |x| < 1e15, else ``1.5e-7``/``1e15``; no ``.0``), so a layer written here is
    byte-identical to one authored through ``pxr``. Only for text made of numbers,
    punctuation and frame indices."""
    text = _POINT_ZERO.sub("", text)
    text = _SMALL.sub(_small, text)
    text = _BIG.sub(_big, text)
    return _EXP.sub(r"e\1\2", text)


def _num(v: float) -> str:
    return _sdf_numbers(f"{float(v)!r},")[:-1]


def _f32(v) -> str:
    """A float32 as its shortest exact text (numpy's float32 repr), spelled like ``Sdf``."""
    return _sdf_numbers(str(np.float32(v)) + ",")[:-1]


def _vec_samples(name: str, a: np.ndarray, indent: str) -> list[str]:
    a = np.asarray(a, dtype=np.float64)
    lines = [f"{indent}    {i}: ({x!r}, {y!r}, {z!r})," for i, (x, y, z) in enumerate(a.tolist())]
    # Python's repr and Sdf's spelling differ only by a trailing ".0", except for values
    # Python writes with an exponent (|x| < 1e-4) or Sdf does (|x| >= 1e15).
    mag = np.abs(a)
    odd = np.flatnonzero(((mag > 0) & (mag < 1e-4) | (mag >= 1e15)).any(axis=1))
    for i in odd.tolist():
        lines[i] = _sdf_numbers(lines[i])
    body = "\n".join(lines).replace(".0,", ",").replace(".0)", ")")
    return [f"{indent}double3 {name}.timeSamples = {{", body, f"{indent}}}"]


def to_text(track, title: str = "") -> str:
    """The ``camera.usda`` text of ``track`` (see the module doc)."""
    fps = float(track.fps)
    n = len(track)
    focal = focal_lengths(track.hfov)
    ind = " " * 8
    lines = [
        "#usda 1.0",
        "(",
        '    defaultPrim = "previs"',
        f"    doc = {_usd_string(_doc(title))}",
        f"    endTimeCode = {max(0, n - 1)}",
        f"    framesPerSecond = {_num(fps)}",
        "    metersPerUnit = 1",
        "    startTimeCode = 0",
        f"    timeCodesPerSecond = {_num(fps)}",
        '    upAxis = "Y"',
        ")",
        "",
        'def Xform "previs"',
        "{",
        '    def Camera "camera"',
        "    {",
        f"{ind}float2 clippingRange = ({_f32(CLIPPING[0])}, {_f32(CLIPPING[1])})",
        f"{ind}float focalLength = {_f32(focal[0])}",
    ]
    if np.any(focal != focal[0]):
        lines.append(f"{ind}float focalLength.timeSamples = {{")
        lines += [f"{ind}    {i}: {_f32(f)}," for i, f in enumerate(focal.tolist())]
        lines.append(f"{ind}}}")
    lines += [
        f"{ind}float horizontalAperture = {_f32(H_APERTURE)}",
        f'{ind}token projection = "perspective"',
        f"{ind}float verticalAperture = {_f32(V_APERTURE)}",
    ]
    rot = np.stack([track.pitch, track.yaw, track.roll], axis=1)
    lines += _vec_samples("xformOp:rotateZXY", rot, ind)
    lines += _vec_samples("xformOp:translate", track.pos, ind)
    lines += [
        f"{ind}uniform token[] xformOpOrder = [" + ", ".join(f'"{o}"' for o in OP_ORDER) + "]",
        "    }",
        "}",
        "",
    ]
    return "\n".join(lines) + "\n"


def build_stage(track, title: str = ""):
    """The same camera authored through the ``pxr`` API (an in-memory ``Usd.Stage``):
    the reference :func:`to_text` is checked against, and handy for pipelines that want
    a live stage rather than a file."""
    from pxr import Gf, Sdf, Usd, UsdGeom, Vt

    fps = float(track.fps)
    n = len(track)
    stage = Usd.Stage.CreateInMemory()
    UsdGeom.SetStageUpAxis(stage, UsdGeom.Tokens.y)
    UsdGeom.SetStageMetersPerUnit(stage, 1.0)
    stage.SetTimeCodesPerSecond(fps)
    stage.SetFramesPerSecond(fps)
    stage.SetStartTimeCode(0)
    stage.SetEndTimeCode(max(0, n - 1))
    root = UsdGeom.Xform.Define(stage, "/previs")
    stage.SetDefaultPrim(root.GetPrim())
    stage.GetRootLayer().documentation = _doc(title)

    cam = UsdGeom.Camera.Define(stage, CAMERA_PATH)
    cam.CreateProjectionAttr(UsdGeom.Tokens.perspective)
    cam.CreateHorizontalApertureAttr(H_APERTURE)
    cam.CreateVerticalApertureAttr(V_APERTURE)
    cam.CreateClippingRangeAttr(Gf.Vec2f(*CLIPPING))
    focal = focal_lengths(track.hfov)
    fl = cam.CreateFocalLengthAttr(float(focal[0]))
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


def write(plan, path: str | os.PathLike, track) -> None:
    """Write ``camera.usda`` for ``track`` (the plan gives the title)."""
    atomic_write_text(path, to_text(track, plan.title if plan is not None else ""))
