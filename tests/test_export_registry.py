"""The export registry: one face per writer, the docs table equal to the registry, and
``previs plan``/``replay`` writing whatever is registered (issue 12)."""

import inspect
import pkgutil
import sys
import time
import types
from pathlib import Path

import numpy as np
import pytest

import previs.cli.cmd_plan  # noqa: F401  (help texts are built from the registry on import:
import previs.cli.cmd_replay  # noqa: F401  import them before a test adds an export)
import previs.export as export
from previs.cli import main
from previs.errors import PrevisError
from previs.export import EXPORTS, FILES, prefork, write_outputs
from previs.plan.shotplan import PlanSettings, build_plan
from plankit import ease, make_track, times

ROOT = Path(__file__).resolve().parents[1]


def _plan(seconds=4, title="Registry"):
    t = times(seconds)
    return build_plan(make_track(ease(t, 1.0, 0.2, 90.0)), settings=PlanSettings(), title=title)


def test_every_writer_module_is_registered_and_has_the_one_face():
    modules = {m.name for m in pkgutil.iter_modules(export.__path__)}
    writers = {name for name in modules if hasattr(__import__(f"previs.export.{name}", fromlist=["x"]), "write")}
    assert writers == {e.name for e in EXPORTS} == {"track_csv", "shotplan_json", "otio", "edl", "fcp_xml", "usd", "chan",
                                                    "nuke", "shotlist"}
    for e in EXPORTS:
        assert list(inspect.signature(e.writer.write).parameters) == ["plan", "path"], e.name
        # supported and skipped_reason come together or not at all
        assert hasattr(e.writer, "supported") == hasattr(e.writer, "skipped_reason"), e.name
    assert FILES == ("track.csv", "shotplan.json", "shotplan.otio", "shotplan.edl", "shotplan.xml", "camera.usda",
                     "camera.chan", "camera.nk", "shotlist.csv")
    assert len(set(FILES)) == len(FILES)


def test_docs_table_lists_exactly_the_registry():
    text = (ROOT / "docs" / "exports.md").read_text()
    table = text[text.index("| file | for | written by |"):].split("\n\n")[0].splitlines()[2:]
    rows = [tuple(c.strip() for c in line.strip("|").split("|")) for line in table]
    assert rows == [(f"`{e.file}`", e.for_, f"`previs/export/{e.name}.py`") for e in EXPORTS]


def test_the_plan_carries_everything_a_writer_reads(tmp_path):
    plan = _plan()
    assert plan.track is not None and len(plan.track) == plan.frames == 96
    paths = write_outputs(tmp_path, plan)
    assert [p.name for p in paths] == list(FILES)
    from previs.export import track_csv

    assert (tmp_path / "track.csv").read_text() == track_csv.to_text(plan)
    assert track_csv.to_text(plan).endswith(plan.track.to_csv_text().split("\n", 1)[1].replace("\n", ",18.000000000000004\n"))
    assert len((tmp_path / "camera.chan").read_text().splitlines()) == 96


def test_a_registered_export_is_written_by_plan_and_listed(tmp_path, monkeypatch, capsys):
    # A new export = its module + one registry line: previs plan then writes it, unchanged.
    mod = types.ModuleType("previs.export.probe")

    def write(plan, path):
        Path(path).write_text(f"{plan.title} {plan.frames} {plan.fps:g} {plan.settings.start_tc}\n")

    mod.write = write
    monkeypatch.setitem(sys.modules, "previs.export.probe", mod)
    monkeypatch.setattr(export, "EXPORTS", EXPORTS + (export.Export("probe", "probe.txt", "tests", "a probe"),))
    src = tmp_path / "take.csv"
    src.write_text(make_track(np.zeros(48)).to_csv_text())
    out = tmp_path / "out"
    assert main(["plan", str(src), "-o", str(out), "--start-tc", "01:00:00:00"]) == 0
    assert (out / "probe.txt").read_text() == "take 48 24 01:00:00:00\n"
    assert capsys.readouterr().out.splitlines()[-1] == (
        f"wrote track.csv, shotplan.json, shotplan.otio, shotplan.edl, shotplan.xml, camera.usda, camera.chan, "
        f"camera.nk, shotlist.csv, probe.txt to {out}/")


def test_a_skipped_export_is_left_out_with_its_reason(tmp_path):
    plan = build_plan(make_track(np.zeros(40), fps=20), settings=PlanSettings(), title="t")
    warnings = []
    paths = write_outputs(tmp_path, plan, warn=warnings.append)
    skipped = ("shotplan.edl", "shotplan.xml")
    assert [p.name for p in paths] == [f for f in FILES if f not in skipped]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f for f in FILES if f not in skipped)
    assert warnings == ["shotplan.edl not written: CMX 3600 EDLs carry only 23.976, 24, 25, 29.97, 30, 48, 50, 59.94, 60 fps timecode, "
                        "and this plan runs at 20 fps; use shotplan.otio, or set the level's fps to one of those rates.",
                        "shotplan.xml not written: Final Cut Pro 7 XML needs SMPTE timecode for the animatic, which has "
                        "none at 20 fps; use shotplan.otio, or set the level's fps to 24, 25, 30, 48, 50, 60, 23.976, 29.97 "
                        "or 59.94."]


def test_the_forked_writer_writes_from_the_real_plan(tmp_path, monkeypatch):
    monkeypatch.delenv("PREVIS_NO_FORK", raising=False)
    plan = _plan(title="Forked")
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    forked = prefork.ForkedWriter(*prefork.FORKED)
    assert forked.names == ("usd", "fcp_xml")
    try:
        write_outputs(a, plan, forked=forked)
    finally:
        forked.close()
    write_outputs(b, plan)
    for name in FILES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    assert 'doc = "previs POV camera: Forked"' in (a / "camera.usda").read_text()


def test_the_forked_usd_writer_is_sent_only_what_it_reads():
    # The child gets usd.reads(plan): the finale's cuts, shots and findings stay home, and
    # the camera it writes is the one the whole plan gives.
    import pickle

    from previs import pipeline
    from previs.export import usd

    plan = pipeline.plan(pipeline.replay(pipeline.load(ROOT / "levels" / "finale.tmx")))
    sent = usd.reads(plan)
    assert plan.cuts and plan.shots and plan.safety
    assert (sent.cuts, sent.shots, sent.safety, sent.swings) == ((), (), (), ())
    assert (sent.title, sent.level, sent.revision, sent.track) == (plan.title, plan.level, plan.revision, plan.track)
    assert usd.to_text(sent) == usd.to_text(plan)
    assert len(pickle.dumps(sent)) < 0.4 * len(pickle.dumps(plan))  # 240 KB of 730 KB


def test_a_forked_writer_failure_is_one_message(tmp_path, monkeypatch):
    # camera.nk would refuse the same focal length first, in this process: leave it out so
    # the failure is the forked USD writer's.
    monkeypatch.setattr(export, "EXPORTS", tuple(e for e in EXPORTS if e.name != "nuke"))
    hfov = np.full(24, 90.0)
    hfov[1] = 0.0  # an infinite focal length: built in code, past the track reader's checks
    plan = build_plan(make_track(np.zeros(24), hfov=hfov), settings=PlanSettings())
    forked = prefork.ForkedWriter("usd")
    try:
        with pytest.raises(PrevisError) as e:
            write_outputs(tmp_path, plan, forked=forked)
    finally:
        forked.close()
    assert e.value.problems == ["camera.usda: focalLength is not finite on 1 frame(s) from frame 1; give the "
                                "track finite values (hfov strictly between 0 and 180 degrees)."]
    assert not (tmp_path / "camera.usda").exists()


def test_replay_and_plan_help_list_the_registry():
    from previs.cli import build_parser

    parser = build_parser()
    subs = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction").choices
    for command in ("replay", "plan"):
        text = subs[command].description
        listed = [line.split()[0] for line in text.splitlines() if line.startswith("  ") and "." in line.split()[0]]
        assert [f for f in listed if f != "report.html"] == list(FILES), command
        for e in EXPORTS:
            assert f"  {e.file:<15} {e.summary}" in text


def test_a_failing_writer_stops_the_forked_one_before_the_folder_is_discarded(tmp_path, monkeypatch):
    import previs.export.otio as otio_writer

    def boom(plan, path):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(otio_writer, "write", boom)
    forked = prefork.ForkedWriter("usd")
    try:
        with pytest.raises(OSError):
            write_outputs(tmp_path, _plan(), forked=forked)
        assert not forked._proc.is_alive()  # nothing can land in tmp_path any more
        names = sorted(p.name for p in tmp_path.iterdir())
        time.sleep(0.5)
        assert sorted(p.name for p in tmp_path.iterdir()) == names
    finally:
        forked.close()
    assert {"track.csv", "shotplan.json"} <= set(names) and "shotplan.otio" not in names


def test_a_plan_too_big_to_send_writes_its_xml_here_and_the_camera_still_there(tmp_path, monkeypatch):
    # A crowd's findings cost more to pickle to the child than the FCP XML costs to write.
    plan = _plan(title="Crowd")
    forked = prefork.ForkedWriter(*prefork.FORKED)
    sent = []
    try:
        assert len(plan.safety) <= prefork.MAX_SENT_FINDINGS
        assert forked.worth(plan, "usd") and forked.worth(plan, "fcp_xml")
        monkeypatch.setattr(prefork, "MAX_SENT_FINDINGS", -1)  # every plan "too big" to send whole
        assert forked.worth(plan, "usd") and not forked.worth(plan, "fcp_xml")  # usd sends only what it reads
        real_submit = forked.submit
        monkeypatch.setattr(forked, "submit", lambda p, paths: (sent.append(sorted(paths)), real_submit(p, paths)))
        (tmp_path / "forked").mkdir()
        write_outputs(tmp_path / "forked", plan, forked=forked)
    finally:
        forked.close()
    assert sent == [["usd"]]
    (tmp_path / "here").mkdir()
    write_outputs(tmp_path / "here", plan)
    for name in FILES:
        assert (tmp_path / "forked" / name).read_bytes() == (tmp_path / "here" / name).read_bytes(), name


def test_no_fork_once_usd_has_run_in_this_process(monkeypatch):
    # USD's thread pool does not survive a fork: a child forked after pxr ran can hang in
    # Usd.Stage.CreateInMemory (seen when one test process replayed many levels).
    import sys
    import types

    monkeypatch.delenv("PREVIS_NO_FORK", raising=False)
    monkeypatch.setitem(sys.modules, "pxr", types.ModuleType("pxr"))
    assert prefork.start() is None
