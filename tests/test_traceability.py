"""Which level, which version: the revision and the level's path in its project.

The revision survives a real Tiled re-save and a move, and changes when a beat moves; the
path in the project does not depend on how previs was called, so ``shotplan.json`` is
the same bytes for ``levels/x.tmx``, ``./levels/x.tmx`` and an absolute path; every
export read back by its own library (OpenTimelineIO, pxr, PyAV, Chromium's PDF) names both.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from levelkit import beat, henry, level, performer
from previs import pipeline
from previs.export import shotplan_json
from previs.level.loader import load_level
from previs.level.revision import canonical_text, project_path, revision

ROOT = Path(__file__).resolve().parent.parent
LEVELS = ROOT / "levels"
TILED = shutil.which("tiled")
CHROMIUM = shutil.which("chromium")
PDFTOTEXT = shutil.which("pdftotext")
CORRIDOR = revision(load_level(LEVELS / "corridor.tmx"))  # the bundled corridor's revision


def copy_levels(tmp_path: Path) -> Path:
    """A copy of ``levels/`` (maps, tileset, templates, .tiled-project) in ``tmp_path``."""
    dest = tmp_path / "levels"
    shutil.copytree(LEVELS, dest)
    return dest


def tiled_export(src: Path, dst: Path) -> None:
    """Re-save ``src`` as ``dst`` the way Tiled writes maps (headless)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    r = subprocess.run([TILED, "--export-map", "tmx", str(src), str(dst)], capture_output=True, text=True,
                       env=env, timeout=120)
    assert r.returncode == 0 and dst.exists(), r.stdout + r.stderr


def plan_of(path) -> object:
    lv = pipeline.load(path)
    return pipeline.plan(pipeline.replay(lv))


# -- the revision -----------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(TILED is None, reason="Tiled is not installed (apt install tiled)")
def test_a_tiled_resave_in_another_folder_keeps_the_revision(tmp_path):
    levels = copy_levels(tmp_path)
    (levels / "moved").mkdir()
    resaved = levels / "moved" / "corridor.tmx"
    tiled_export(levels / "corridor.tmx", resaved)
    before, after = load_level(LEVELS / "corridor.tmx"), load_level(resaved)
    assert resaved.read_bytes() != (LEVELS / "corridor.tmx").read_bytes()
    assert after.content_hash != before.content_hash  # other bytes: a take would be refused
    assert revision(after) == revision(before)
    assert re.fullmatch(r"[0-9a-f]{12}", revision(before))
    assert project_path(resaved) == "moved/corridor.tmx"


def test_moving_one_beat_changes_the_revision(tmp_path):
    levels = copy_levels(tmp_path)
    src = levels / "corridor.tmx"
    text = src.read_text()
    base = revision(load_level(src))
    later = text.replace('<property name="t" type="float" value="5.8"/>', '<property name="t" type="float" value="5.9"/>')
    moved = text.replace('type="beat" x="319.52" y="214.83"', 'type="beat" x="351.52" y="214.83"')
    assert later != text and moved != text
    seen = {base}
    for i, variant in enumerate((later, moved)):
        p = levels / f"v{i}.tmx"
        p.write_text(variant)
        seen.add(revision(load_level(p)))
    assert len(seen) == 3


def test_the_revision_ignores_the_file_and_sees_every_field():
    lv = level(henry(), performers=[performer(2, "Goon", (5.0, 5.0))], beats=[beat(10, 1.0, 1, "look", 2)])
    r = revision(lv)
    assert re.fullmatch(r"[0-9a-f]{12}", r)
    assert revision(dataclasses.replace(lv, source="elsewhere/other.tmx", content_hash="f" * 64,
                                        notices=("a notice",))) == r
    changed = [
        dataclasses.replace(lv, beats=(dataclasses.replace(lv.beats[0], t=1.0 + 1e-9),)),
        dataclasses.replace(lv, beats=(dataclasses.replace(lv.beats[0], note="x"),)),
        dataclasses.replace(lv, performers=(dataclasses.replace(lv.performers[0], speed=1.5),)),
        dataclasses.replace(lv, performers=(dataclasses.replace(lv.performers[0], name="Goon 1"),)),
        dataclasses.replace(lv, settings=dataclasses.replace(lv.settings, fps=25)),
        dataclasses.replace(lv, henry=dataclasses.replace(lv.henry, position=(10.0, 10.5))),
    ]
    solid = lv.walls.solid.copy()
    solid[3, 3] = True
    changed.append(dataclasses.replace(lv, walls=dataclasses.replace(lv.walls, solid=solid)))
    revs = {revision(x) for x in changed}
    assert r not in revs and len(revs) == len(changed)
    # the text hashed is one line of JSON naming each field, floats exactly
    text = canonical_text(lv)
    assert '"t":"f1.0"' in text and "source" not in text and "content_hash" not in text


# -- the path in the project -------------------------------------------------------------------


def test_the_path_is_relative_to_the_project(tmp_path):
    assert project_path(LEVELS / "corridor.tmx") == "corridor.tmx"  # beside previs.tiled-project
    (tmp_path / "show.tiled-project").write_text("{}")
    (tmp_path / "act 1").mkdir()
    (tmp_path / "act 1" / "fight.tmx").write_text("")
    assert project_path(tmp_path / "act 1" / "fight.tmx") == "act 1/fight.tmx"
    (tmp_path / "show.tiled-project").unlink()  # no project: the map's own folder
    assert project_path(tmp_path / "act 1" / "fight.tmx") == "fight.tmx"


@pytest.mark.slow
def test_shotplan_json_is_the_same_bytes_however_the_level_is_named(monkeypatch):
    monkeypatch.chdir(ROOT)
    texts = {shotplan_json.to_text(plan_of(p))
             for p in ("levels/corridor.tmx", "./levels/corridor.tmx", str(LEVELS / "corridor.tmx"),
                       "levels/../levels/corridor.tmx")}
    assert len(texts) == 1
    (text,) = texts
    assert text.startswith('{\n  "format": "previs-shotplan/1",\n  "level": "corridor.tmx",\n'
                           f'  "revision": "{CORRIDOR}",\n  "title": "Corridor fight",\n')


# -- every export, read back by its own library ----------------------------------------------


@pytest.fixture(scope="module")
def corridor_outputs(tmp_path_factory):
    """``previs replay levels/corridor.tmx`` (with the report) into a temporary folder."""
    out = tmp_path_factory.mktemp("corridor")
    env = {**os.environ, "SDL_VIDEODRIVER": "offscreen", "SDL_AUDIODRIVER": "dummy"}
    r = subprocess.run([str(Path(sys.executable).with_name("previs")), "replay", "levels/corridor.tmx", "-o", str(out)],
                       cwd=ROOT, capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    return out


@pytest.mark.slow
def test_otio_and_usd_carry_the_path_and_revision(corridor_outputs):
    import opentimelineio as otio
    from pxr import Sdf

    tl = otio.adapters.read_from_file(str(corridor_outputs / "shotplan.otio"))
    meta = tl.metadata["previs"]
    assert (meta["level"], meta["revision"]) == ("corridor.tmx", CORRIDOR)
    layer = Sdf.Layer.FindOrOpen(str(corridor_outputs / "camera.usda"))
    assert dict(layer.customLayerData["previs"]) == {"level": "corridor.tmx", "revision": CORRIDOR}


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None or PDFTOTEXT is None, reason="needs chromium and pdftotext (poppler-utils)")
def test_every_printed_page_of_the_report_has_the_footer(corridor_outputs, tmp_path):
    html = (corridor_outputs / "report.html").read_text()
    assert f"<dt>Level</dt><dd>corridor.tmx</dd><dt>Revision</dt><dd>{CORRIDOR}</dd>" in html
    pdf = tmp_path / "report.pdf"
    profile = tempfile.mkdtemp(prefix="previs-chromium-")
    try:
        subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                        f"--user-data-dir={profile}", "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
                        (corridor_outputs / "report.html").as_uri()], capture_output=True, timeout=180)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    text = subprocess.run([PDFTOTEXT, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")[:-1]  # pdftotext ends every page with a form feed
    assert len(pages) >= 5
    for i, page in enumerate(pages, 1):
        last = [ln for ln in page.splitlines() if ln.strip()][-1]
        assert re.fullmatch(rf"Corridor fight · corridor\.tmx · revision {CORRIDOR} · previs \S+ +page {i} of {len(pages)}",
                            last.strip()), (i, last)


def test_the_footer_css_cannot_be_broken_out_of():
    from previs.report.page import css_string

    assert css_string('a"b\\c</style>\n·') == '"a\\22 b\\5c c\\3c \\2f style\\3e \\a \\b7 "'


@pytest.mark.slow
def test_the_animatic_names_the_level_and_revision(tmp_path, monkeypatch):
    av = pytest.importorskip("av")
    from previs.animatic.render import render_animatic
    from previs.plan.shotplan import PlanSettings, build_plan
    from previs.sim.script import simulate

    monkeypatch.chdir(tmp_path)  # the level is "test.tmx" in the current folder
    lv = level(henry(), performers=[performer(2, "Goon", (10.0, 6.0))], beats=[beat(10, 0.2, 1, "look", 2)],
               duration=1.0)
    motion = simulate(lv)
    plan = build_plan(motion.track, settings=PlanSettings.from_level(lv.settings), motion=motion)
    out = tmp_path / "a.mp4"
    render_animatic(out, level=lv, motion=motion, plan=plan, size=(64, 36), progress=False, workers=1,
                    chunk_seconds=0.5)
    with av.open(str(out)) as c:
        assert c.metadata["comment"] == f"level test.tmx, revision {revision(lv)}"
        assert c.metadata["title"] == "test"


def test_a_plain_track_has_no_level_and_no_revision():
    import numpy as np

    from plankit import make_track
    from previs.export import otio as otio_export, usd
    from previs.plan.shotplan import PlanSettings, build_plan

    plan = build_plan(make_track(np.zeros(24)), settings=PlanSettings(), title="t")
    doc = plan.to_dict()
    assert (doc["level"], doc["revision"]) == (None, None)
    assert "customLayerData" not in usd.to_text(plan)
    assert '"revision": null' in otio_export.to_text(plan)


def test_fields_added_later_keep_a_level_that_does_not_use_them_at_its_old_revision():
    # prop, mocap and mocap_start came with the bodies: a level that uses none of them
    # hashes the same text as before they existed (so takes recorded then still match);
    # one that uses one gets a new revision.
    lv = level(henry(), performers=[performer(2, "Goon", (5.0, 5.0))])
    text = canonical_text(lv)
    assert all(f'"{name}"' not in text for name in ("prop", "mocap", "mocap_start"))
    assert '"role"' in text  # a field of revision 1 is written even at its default
    armed = dataclasses.replace(lv, performers=(dataclasses.replace(lv.performers[0], prop="knife"),))
    assert revision(armed) != revision(lv) and '"prop":"knife"' in canonical_text(armed)
