"""previs.lens: the three models' radius curves, their inverse, the frame test and the
actioncam preset's field of view."""

import math

import numpy as np
import pytest

from previs.lens import ACTIONCAM_HFOV, ACTIONCAM_K, LENS_MODELS, lens_named


def _dir(yaw_deg: float, pitch_deg: float = 0.0) -> np.ndarray:
    """Camera-space unit direction ``yaw_deg`` right of the axis and ``pitch_deg`` up."""
    y, p = math.radians(yaw_deg), math.radians(pitch_deg)
    return np.array([math.sin(y) * math.cos(p), math.sin(p), -math.cos(y) * math.cos(p)])


def test_the_frames_side_edge_is_at_half_the_hfov_in_every_model():
    for name in LENS_MODELS:
        uv, theta = lens_named(name).project(_dir(60.0), 120.0)
        assert uv == pytest.approx([1.0, 0.0], abs=1e-12)
        assert theta == pytest.approx(math.radians(60.0))


def test_radius_curves_are_the_documented_formulas():
    t = np.radians([10.0, 40.0, 70.0])
    assert lens_named("rectilinear").radius(t) == pytest.approx(np.tan(t))
    assert lens_named("equidistant").radius(t) == pytest.approx(t)
    k1, k2, k3, k4 = ACTIONCAM_K
    assert lens_named("actioncam").radius(t) == pytest.approx(t * (1 + k1 * t**2 + k2 * t**4 + k3 * t**6 + k4 * t**8))


def test_the_actioncam_presets_16_9_crop_sees_121_3_degrees():
    # Gyroflow's calibration: fx 2357.117 px on the 5312 px wide sensor, so the side edge
    # sits at image radius 2656 / 2357.117 focal lengths.
    theta = lens_named("actioncam").theta(2656 / 2357.117118952398)
    assert 2 * math.degrees(theta) == pytest.approx(ACTIONCAM_HFOV, abs=0.05)


@pytest.mark.parametrize("name", LENS_MODELS)
@pytest.mark.parametrize("hfov", [60.0, 120.0, 150.0])
def test_unproject_inverts_project_over_the_frame(name, hfov):
    lens = lens_named(name)
    uv = np.random.default_rng(7).uniform(-1, 1, (2000, 2)) * [1.0, 9 / 16]
    dirs = lens.unproject(uv, hfov)
    assert np.linalg.norm(dirs, axis=-1) == pytest.approx(np.ones(2000))
    assert lens.project(dirs, hfov)[0] == pytest.approx(uv, abs=1e-10)


def test_a_performer_65_degrees_off_axis_is_in_a_150_degree_frame_not_a_90():
    d = _dir(65.0)
    for name in ("equidistant", "actioncam"):
        assert lens_named(name).in_frame(d, 150.0, 16 / 9)
        assert not lens_named(name).in_frame(d, 90.0, 16 / 9)
    assert not lens_named("rectilinear").in_frame(_dir(-95.0), 120.0, 16 / 9)  # behind a pinhole


def test_per_frame_fields_broadcast_over_points():
    dirs = np.stack([np.stack([_dir(50.0), _dir(70.0)])] * 2)  # (2 frames, 2 points, 3)
    ok = lens_named("equidistant").in_frame(dirs, np.array([110.0, 150.0])[:, None], 16 / 9)
    assert ok.tolist() == [[True, False], [True, True]]


def test_vertical_field_follows_the_model():
    assert lens_named("rectilinear").vfov(90.0, 16 / 9) == pytest.approx(
        math.degrees(2 * math.atan(math.tan(math.radians(45)) * 9 / 16)))
    assert lens_named("equidistant").vfov(160.0, 16 / 9) == pytest.approx(90.0)
