"""write_outputs: every file, byte-deterministic; the pure packages stay pure and light."""

import subprocess
import sys

from previs.export import FILES, write_outputs
from previs.fsutil import staged_output_dir
from previs.plan.shotplan import PlanSettings, build_plan
from plankit import scene


def test_write_outputs_twice_gives_identical_bytes(tmp_path):
    level, motion = scene()
    plan = build_plan(motion.track, settings=PlanSettings.from_level(level.settings), motion=motion)
    a, b = tmp_path / "a", tmp_path / "b"
    for d in (a, b):
        with staged_output_dir(d) as stage:
            paths = write_outputs(stage, plan)
            assert [p.name for p in paths] == list(FILES)
    assert sorted(p.name for p in a.iterdir()) == sorted(FILES)
    for name in FILES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    # A plan rebuilt from scratch gives the same bytes too.
    plan2 = build_plan(motion.track, settings=PlanSettings.from_level(level.settings), motion=motion)
    c = tmp_path / "c"
    c.mkdir()
    write_outputs(c, plan2)
    for name in FILES:
        assert (a / name).read_bytes() == (c / name).read_bytes(), name


def test_plan_and_export_import_nothing_heavy():
    code = (
        "import sys, previs.plan, previs.plan.shotplan, previs.plan.visibility, previs.plan.safety, "
        "previs.export, previs.export.otio, previs.export.edl, previs.export.usd, previs.export.chan, "
        "previs.export.shotplan_json, previs.export.track_csv\n"
        "bad = [m for m in ('pygame', 'OpenGL', 'opentimelineio', 'pxr', 'matplotlib') if m in sys.modules]\n"
        "print(bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
