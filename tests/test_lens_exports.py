"""Exports carry the lens (issue 14), read back with their own libraries: a wide lens's
model and k1..k4 in camera.usda's camera customData, shotplan.otio's timeline metadata and
shotplan.json's settings; its own focal length on the 36 mm film back in camera.usda and
.chan; a rectilinear plan's camera files unchanged (no lens block)."""

from __future__ import annotations

import argparse
import json
import math

import numpy as np
import pytest

pxr = pytest.importorskip("pxr")
otio = pytest.importorskip("opentimelineio")
from pxr import Usd, UsdGeom  # noqa: E402

from previs.cli import cmd_replay  # noqa: E402
from previs.export import chan, otio as otio_export, shotplan_json, usd  # noqa: E402
from previs.lens import ACTIONCAM_K, lens_named  # noqa: E402
from previs.plan.lens_facts import blender_polynomial  # noqa: E402
from previs.plan.shotplan import PlanSettings, build_plan  # noqa: E402
from plankit import make_track, times  # noqa: E402

ACTIONCAM_F_150 = 18.0 / lens_named("actioncam").radius(math.radians(75.0))
"""mm: the actioncam's own focal length at hfov 150 on the 36 mm film back (edge at 18 mm)."""


def _plan(lens: str, hfov: float = 150.0):
    t = times(2, 24)
    return build_plan(make_track(40 * np.sin(t), 24, hfov=hfov), settings=PlanSettings(lens=lens), title="Wide")


def test_usd_carries_the_wide_lens_and_its_own_focal_length(tmp_path):
    path = tmp_path / "camera.usda"
    usd.write(_plan("actioncam"), path)
    stage = Usd.Stage.Open(str(path))  # held: a prim lives only as long as its stage
    cam = UsdGeom.Camera(stage.GetPrimAtPath("/previs/camera"))
    f = cam.GetFocalLengthAttr().Get(0) * 100  # tenths of a metre -> mm
    assert f == pytest.approx(ACTIONCAM_F_150, rel=1e-6)  # float32
    assert ACTIONCAM_F_150 == pytest.approx(12.5400, abs=1e-4)  # the figure docs/exports.md quotes
    assert (cam.GetHorizontalApertureAttr().Get(), cam.GetVerticalApertureAttr().Get()) == \
        (np.float32(0.36), np.float32(0.2025))
    meta = dict(cam.GetPrim().GetCustomData()["previs"]["lens"])
    blender = meta.pop("blender_fisheye_polynomial")
    assert meta == {"model": "actioncam", "k1": ACTIONCAM_K[0], "k2": ACTIONCAM_K[1], "k3": ACTIONCAM_K[2],
                    "k4": ACTIONCAM_K[3], "hfov": 150.0, "focal_mm": round(ACTIONCAM_F_150, 6),
                    "film_back_mm": pytest.approx([36.0, 20.25])}
    assert list(blender) == pytest.approx(blender_polynomial("actioncam", 150.0)[0], rel=1e-8)
    # A DCC that applies r_mm = f · r(theta) with these numbers puts theta = 75° at the
    # frame's side edge (18 mm): the track's hfov.
    theta = lens_named("actioncam").theta(18.0 / meta["focal_mm"])
    assert math.degrees(2 * theta) == pytest.approx(150.0, abs=1e-4)


def test_equidistant_focal_is_the_fisheye_f_and_chan_carries_its_pinhole_field(tmp_path):
    plan = _plan("equidistant", 120.0)
    f = 18.0 / math.radians(60.0)  # r = f·theta: the edge (18 mm) at 60°
    assert float(usd.focal_lengths(plan.track.hfov, "equidistant")[0]) == pytest.approx(f, rel=1e-7)
    rows = np.loadtxt(_write(chan, plan, tmp_path / "camera.chan"))
    assert rows[:, 7] == pytest.approx(np.full(len(rows), math.degrees(2 * math.atan(10.125 / f))), abs=1e-6)
    assert rows[0, 7] == pytest.approx(61.00, abs=0.01)  # not the picture's 68.2° vertical field


def _write(mod, plan, path):
    mod.write(plan, path)
    return path


def test_otio_and_json_carry_the_lens(tmp_path):
    plan = _plan("actioncam")
    tl = otio.adapters.read_from_file(str(_write(otio_export, plan, tmp_path / "shotplan.otio")))
    lens = tl.metadata["previs"]["lens"]
    assert (lens["model"], lens["hfov"], [lens[f"k{i}"] for i in (1, 2, 3, 4)]) == ("actioncam", 150.0, list(ACTIONCAM_K))
    doc = json.loads(_write(shotplan_json, plan, tmp_path / "shotplan.json").read_text(encoding="utf-8"))
    assert (doc["settings"]["lens"], doc["settings"]["lens_k"]) == ("actioncam", list(ACTIONCAM_K))
    eq = json.loads(shotplan_json.to_text(_plan("equidistant")))["settings"]
    assert (eq["lens"], eq["lens_k"]) == ("equidistant", [0.0, 0.0, 0.0, 0.0])


def test_a_rectilinear_plan_has_no_lens_block_and_the_pinhole_focal(tmp_path):
    plan = _plan("rectilinear", 90.0)
    stage = Usd.Stage.Open(str(_write(usd, plan, tmp_path / "rect.usda")))
    cam = UsdGeom.Camera(stage.GetPrimAtPath("/previs/camera"))
    assert cam.GetFocalLengthAttr().Get(0) == pytest.approx(0.18)  # 18 mm in tenths of a metre
    assert "previs" not in cam.GetPrim().GetCustomData()
    tl = otio.adapters.read_from_string(otio_export.to_text(plan))
    assert "lens" not in tl.metadata["previs"]
    assert json.loads(shotplan_json.to_text(plan))["settings"]["lens"] == "rectilinear"
    assert "lens_k" not in json.loads(shotplan_json.to_text(plan))["settings"]


def test_replay_with_lens_writes_it_into_every_export(tmp_path, capsys):
    from tmxkit import make_map

    p = argparse.ArgumentParser()
    cmd_replay.add_arguments(p)
    out = tmp_path / "out"
    args = p.parse_args([str(make_map(tmp_path, props={"hfov": 140.0})), "-o", str(out), "--no-report",
                         "--lens", "equidistant"])
    assert cmd_replay.run(args) == 0
    assert json.loads((out / "shotplan.json").read_text(encoding="utf-8"))["settings"]["lens"] == "equidistant"
    tl = otio.adapters.read_from_file(str(out / "shotplan.otio"))
    assert tl.metadata["previs"]["lens"]["hfov"] == 140.0
    stage = Usd.Stage.Open(str(out / "camera.usda"))
    assert stage.GetPrimAtPath("/previs/camera").GetCustomData()["previs"]["lens"]["model"] == "equidistant"


def test_plan_takes_lens_and_refuses_a_track_too_wide_for_it(tmp_path, capsys):
    from previs.cli import main

    t = times(2, 24)
    src = tmp_path / "wide.csv"
    src.write_text(make_track(10 * np.sin(t), 24, hfov=120.0).to_csv_text())
    assert main(["plan", str(src), "-o", str(tmp_path / "p"), "--lens", "actioncam"]) == 0
    assert json.loads((tmp_path / "p" / "shotplan.json").read_text())["settings"]["lens"] == "actioncam"
    src.write_text(make_track(10 * np.sin(t), 24, hfov=160.0).to_csv_text())
    capsys.readouterr()
    assert main(["plan", str(src), "-o", str(tmp_path / "q"), "--lens", "equidistant"]) == 1
    assert capsys.readouterr().err == (f"previs plan: --lens equidistant: {src}: the track's hfov reaches 160 degrees, "
                                       "more than the 150 a wide lens takes; plan it without --lens (rectilinear).\n")
    assert not (tmp_path / "q").exists()


def _cycles_theta(k, r_mm):
    """Cycles' fisheye_lens_polynomial_to_direction: theta = -(k0 + k1 r + ... + k4 r^4)."""
    return -(k[0] + k[1] * r_mm + k[2] * r_mm**2 + k[3] * r_mm**3 + k[4] * r_mm**4)


@pytest.mark.parametrize("hfov, worst_deg", [(90.0, 0.006), (121.3, 0.012), (150.0, 0.075)])
def test_blenders_polynomial_draws_the_actioncam_within_the_stated_error(hfov, worst_deg):
    k, err = blender_polynomial("actioncam", hfov)
    assert err < worst_deg and k[0] == 0.0
    # Every sensor point of a 16:9 frame on a 36 mm sensor, Sensor Fit Horizontal.
    u, v = np.meshgrid(np.linspace(-18, 18, 97), np.linspace(-10.125, 10.125, 55))
    r = np.hypot(u, v)
    ours = lens_named("actioncam").theta(r / (18.0 * lens_named("actioncam").focal(hfov)))
    assert np.degrees(np.abs(_cycles_theta(k, r) - ours)).max() <= err * 1.001  # (sampled at other radii)
    assert math.degrees(_cycles_theta(k, np.array(18.0))) == pytest.approx(hfov / 2, abs=worst_deg)


def test_blenders_polynomial_is_exact_for_the_equidistant_fisheye():
    k, err = blender_polynomial("equidistant", 150.0)
    assert (k, err) == ([0.0, -1.0 / (18.0 / math.radians(75.0)), 0.0, 0.0, 0.0], 0.0)
    assert math.degrees(_cycles_theta(k, 18.0)) == pytest.approx(75.0, abs=1e-12)


def test_the_docs_table_is_what_previs_computes():
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "docs" / "exports.md").read_text(encoding="utf-8")
    rows = [line.split("|")[1:-1] for line in text.splitlines()
            if line.startswith(("| equidistant ", "| actioncam "))]
    assert len(rows) == 6
    for name_hfov, f, _diag, ks, _err in rows:
        name, hfov = name_hfov.split()[:2]
        k, _ = blender_polynomial(name, float(hfov))
        assert float(f) == pytest.approx(18.0 * float(lens_named(name).focal(float(hfov))), abs=5e-5)
        assert [float(v) for v in ks.split(",")] == pytest.approx(k, rel=1e-5, abs=1e-12)
