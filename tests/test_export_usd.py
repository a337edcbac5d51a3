"""camera.usda opened with usd-core: stage metadata, the camera's world matrix per frame,
the field of view, and byte-identity with a stage authored through the pxr API."""

import math

import numpy as np
import pytest

pxr = pytest.importorskip("pxr")
from pxr import Gf, Usd, UsdGeom  # noqa: E402

from previs.export import usd  # noqa: E402
from previs.plan.shotplan import PlanSettings, build_plan  # noqa: E402
from previs.plan.orientation import rotation_matrices, world_matrices  # noqa: E402
from plankit import ease, make_track, times  # noqa: E402


def busy_track(fps=24, seconds=3, hfov=None):
    t = times(seconds, fps)
    n = len(t)
    pos = np.c_[3 + 2 * np.sin(t), 1.7 + 0.03 * np.sin(9 * t), 8 - 1.4 * t]
    return make_track(ease(t, 1.0, 0.2, 120.0) - 30 * t, fps, pos=pos, pitch=-10 + 25 * np.sin(t),
                      roll=4 * np.cos(3 * t), hfov=90.0 if hfov is None else hfov(t))


def open_stage(track, tmp_path, title="Test", name="camera.usda"):
    # (A distinct file name per stage: USD caches opened layers by path.)
    path = tmp_path / name
    usd.write(build_plan(track, settings=PlanSettings(), title=title or ""), path)
    return Usd.Stage.Open(str(path)), path


def test_stage_metadata(tmp_path):
    tr = busy_track()
    stage, _ = open_stage(tr, tmp_path)
    assert UsdGeom.GetStageUpAxis(stage) == UsdGeom.Tokens.y
    assert UsdGeom.GetStageMetersPerUnit(stage) == 1.0
    assert stage.GetTimeCodesPerSecond() == 24 and stage.GetFramesPerSecond() == 24
    assert stage.GetStartTimeCode() == 0 and stage.GetEndTimeCode() == len(tr) - 1
    assert stage.GetDefaultPrim().GetPath() == "/previs"
    cam = UsdGeom.Camera(stage.GetPrimAtPath(usd.CAMERA_PATH))
    assert cam and cam.GetProjectionAttr().Get() == UsdGeom.Tokens.perspective
    ops = [op.GetOpName() for op in cam.GetOrderedXformOps()]
    assert ops == ["xformOp:translate", "xformOp:rotateZXY"]
    assert stage.GetRootLayer().documentation == "previs POV camera: Test"


def test_world_matrix_equals_the_track(tmp_path):
    tr = busy_track()
    stage, _ = open_stage(tr, tmp_path)
    cam = UsdGeom.Xformable(stage.GetPrimAtPath(usd.CAMERA_PATH))
    want = world_matrices(tr)
    for f in range(0, len(tr), 5):
        m = np.array(cam.ComputeLocalToWorldTransform(Usd.TimeCode(f)))  # row-vector convention
        np.testing.assert_allclose(m.T, want[f], atol=1e-6)
        np.testing.assert_allclose(m[3, :3], tr.pos[f], atol=1e-9)


def test_rotation_matrix_is_roll_then_pitch_then_yaw():
    """R = Ry(yaw) @ Rx(pitch) @ Rz(roll) (column vectors), built independently here."""
    def rx(a):
        c, s = math.cos(math.radians(a)), math.sin(math.radians(a))
        return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])

    def ry(a):
        c, s = math.cos(math.radians(a)), math.sin(math.radians(a))
        return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])

    def rz(a):
        c, s = math.cos(math.radians(a)), math.sin(math.radians(a))
        return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])

    for yaw, pitch, roll in [(0, 0, 0), (90, 0, 0), (33, -12, 7), (-170, 80, -45)]:
        np.testing.assert_allclose(rotation_matrices([yaw], [pitch], [roll])[0], ry(yaw) @ rx(pitch) @ rz(roll), atol=1e-12)
    # yaw 0 looks north (-Z); yaw +90 looks west (-X); pitch + looks up.
    fwd = lambda y, p: rotation_matrices([y], [p], [0])[0] @ np.array([0, 0, -1.0])  # noqa: E731
    np.testing.assert_allclose(fwd(0, 0), [0, 0, -1], atol=1e-12)
    np.testing.assert_allclose(fwd(90, 0), [-1, 0, 0], atol=1e-12)
    assert fwd(0, 30)[1] > 0


def test_field_of_view_round_trip(tmp_path):
    for hfov in (90.0, 60.0, 103.5):
        tr = make_track(np.zeros(3), hfov=hfov)
        stage, _ = open_stage(tr, tmp_path, name=f"camera-{hfov}.usda")
        cam = UsdGeom.Camera(stage.GetPrimAtPath(usd.CAMERA_PATH))
        f = cam.GetFocalLengthAttr().Get()
        ha = cam.GetHorizontalApertureAttr().Get()
        va = cam.GetVerticalApertureAttr().Get()
        # Tenths of a scene unit on a metre stage (USD's UsdGeomCamera): 36 mm is 0.36.
        assert stage.GetMetadata("metersPerUnit") == 1.0
        assert ha == np.float32(0.36) and va == np.float32(0.2025)
        assert f * 100 == pytest.approx(18.0 / math.tan(math.radians(hfov) / 2), rel=1e-6)
        assert math.degrees(2 * math.atan(ha / (2 * f))) == pytest.approx(hfov, abs=0.01)
        gf = cam.GetCamera(Usd.TimeCode(0))
        assert gf.GetFieldOfView(Gf.Camera.FOVHorizontal) == pytest.approx(hfov, abs=0.01)
        assert not cam.GetFocalLengthAttr().GetTimeSamples()  # constant lens: no samples


def test_varying_hfov_is_time_sampled(tmp_path):
    tr = busy_track(hfov=lambda t: 90 - 10 * t)
    stage, _ = open_stage(tr, tmp_path)
    cam = UsdGeom.Camera(stage.GetPrimAtPath(usd.CAMERA_PATH))
    for f in (0, 17, len(tr) - 1):
        fov = cam.GetCamera(Usd.TimeCode(f)).GetFieldOfView(Gf.Camera.FOVHorizontal)
        assert fov == pytest.approx(tr.hfov[f], abs=0.01)


def test_odd_magnitudes_read_back_exactly(tmp_path):
    rng = np.random.default_rng(5)
    n = 500
    v = lambda: 10.0 ** rng.uniform(-12, 17, n) * rng.choice([-1, 0, 1], n)  # noqa: E731
    tr = make_track(v(), pos=np.c_[v(), v(), v()], pitch=v(), roll=v(), hfov=rng.uniform(10, 170, n))
    stage, _ = open_stage(tr, tmp_path)
    cam = stage.GetPrimAtPath(usd.CAMERA_PATH)
    tr_attr = cam.GetAttribute("xformOp:translate")
    for f in (0, 1, 250, n - 1):
        assert tuple(tr_attr.Get(f)) == tuple(tr.pos[f])


def test_usda_is_deterministic(tmp_path):
    tr = busy_track()
    a = tmp_path / "a.usda"
    b = tmp_path / "b.usda"
    usd.write(build_plan(tr, settings=PlanSettings()), a)
    usd.write(build_plan(tr, settings=PlanSettings()), b)
    assert a.read_bytes() == b.read_bytes()
    text = a.read_text()
    assert str(tmp_path) not in text and "Generated" not in text
