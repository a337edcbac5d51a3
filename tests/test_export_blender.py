"""camera.usda through Blender's own USD importer (Blender 4.5 as a Python module, ``bpy``
from PyPI: ``pip install -e '.[test,blender]'`` in a CPython 3.11 venv, the only Python
bpy 4.5 has wheels for; bpy pins numpy < 2). Skipped, with the reason, where ``bpy`` cannot
be imported (the project's main venv: numpy 2).

Blender is Z-up: its importer turns the Y-up stage into Blender's axes, USD (x, y, z) ->
Blender (x, -z, y). The camera must stand where the track says within 1 mm and look (and
hold its up) where the track says within 0.01° on every frame checked, with the documented
lens: 18 mm on a 36 x 20.25 mm sensor at hfov 90 (USD's tenths of a scene unit read back
as millimetres)."""

import math

import numpy as np
import pytest

bpy = pytest.importorskip("bpy", reason="Blender as a Python module (bpy) is not installed: it needs CPython 3.11 "
                          "and numpy < 2; install the 'blender' extra in its own venv to run this test")

from previs import pipeline  # noqa: E402
from previs.export import usd  # noqa: E402
from previs.plan.orientation import WIDESCREEN  # noqa: E402,F401


def contract_axes(yaw, pitch, roll):
    """View (-Z) and up (+Y) of the camera, world Y-up, as the level contract defines it:
    R = Ry(yaw) · Rx(pitch) · Rz(roll) on column vectors."""
    y, p, r = (math.radians(a) for a in (yaw, pitch, roll))
    Ry = np.array([[math.cos(y), 0, math.sin(y)], [0, 1, 0], [-math.sin(y), 0, math.cos(y)]])
    Rx = np.array([[1, 0, 0], [0, math.cos(p), -math.sin(p)], [0, math.sin(p), math.cos(p)]])
    Rz = np.array([[math.cos(r), -math.sin(r), 0], [math.sin(r), math.cos(r), 0], [0, 0, 1]])
    R = Ry @ Rx @ Rz
    return R @ np.array([0.0, 0.0, -1.0]), R @ np.array([0.0, 1.0, 0.0])


def to_blender(v):
    """USD Y-up (x, y, z) -> Blender Z-up (x, -z, y), as the importer converts the stage."""
    return np.array([v[0], -v[2], v[1]])


def angle_deg(a, b):
    c = np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b))
    return math.degrees(math.acos(min(1.0, max(-1.0, c))))


@pytest.mark.slow
def test_blender_imports_the_corridor_camera_where_the_track_is(tmp_path, levels_dir):
    plan = pipeline.plan(pipeline.replay(pipeline.load(levels_dir / "corridor.tmx")))
    path = tmp_path / "camera.usda"
    usd.write(plan, path)
    bpy.ops.wm.read_factory_settings(use_empty=True)
    assert bpy.ops.wm.usd_import(filepath=str(path)) == {"FINISHED"}
    (cam,) = [o for o in bpy.data.objects if o.type == "CAMERA"]
    assert (cam.data.lens, cam.data.sensor_width, cam.data.sensor_height) == (18.0, 36.0, 20.25)
    assert cam.data.sensor_fit == "HORIZONTAL" and cam.data.lens_unit == "MILLIMETERS"
    track = plan.track
    whip = plan.cuts[0].frame
    worst = [0.0, 0.0, 0.0]
    for f in sorted({0, 1, whip - 3, whip, whip + 2, len(track) // 2, len(track) - 1}):
        bpy.context.scene.frame_set(f)
        m = np.array(cam.matrix_world)
        pos, view, up = m[:3, 3], -m[:3, 2], m[:3, 1]
        want_view, want_up = contract_axes(track.yaw[f], track.pitch[f], track.roll[f])
        worst[0] = max(worst[0], float(np.abs(pos - to_blender(track.pos[f])).max()))
        worst[1] = max(worst[1], angle_deg(view, to_blender(want_view)))
        worst[2] = max(worst[2], angle_deg(up, to_blender(want_up)))
    assert worst[0] < 0.001, f"position off by {worst[0]} m"
    assert worst[1] < 0.01 and worst[2] < 0.01, f"view off by {worst[1]}°, up by {worst[2]}°"
    assert abs(track.yaw[whip + 2] - track.yaw[0]) > 20  # the frames checked include a turn
