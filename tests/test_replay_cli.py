"""``previs replay`` end to end: determinism, atomic output, takes."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from previs.cli import main
from previs.level.loader import load_level
from previs.sim.take import write_take
from previs.sim.walker import TickCmd

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = sorted((ROOT / "levels").glob("*.tmx"))
from previs.export import FILES as EXPORTS  # noqa: E402  (the registry's files)


def _files(d: Path) -> dict:
    return {p.name: p.read_bytes() for p in sorted(d.iterdir()) if p.is_file()}


@pytest.mark.parametrize("level", BUNDLED, ids=lambda p: p.stem)
def test_replays_are_byte_identical_in_process_and_in_a_second_process(tmp_path, level):
    a, b = tmp_path / "a", tmp_path / "b"
    assert main(["replay", str(level), "-o", str(a), "--no-report"]) == 0
    env = dict(os.environ, PYTHONHASHSEED="123")  # a different hash seed must not matter
    r = subprocess.run([sys.executable, "-m", "previs", "replay", str(level), "-o", str(b), "--no-report"],
                       capture_output=True, text=True, env=env, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    fa, fb = _files(a), _files(b)
    assert sorted(fa) == sorted(EXPORTS)
    assert fa == fb
    lines = fa["track.csv"].split(b"\n")
    comments = [ln for ln in lines if ln.startswith(b"#")]
    assert lines[:len(comments)] == comments and len(comments) == 6  # the header says what the file is
    header = lines[len(comments)]
    assert header == b"frame,time,x,y,z,yaw,pitch,roll,hfov,focal_mm"
    lv = load_level(level)
    assert fa["track.csv"].count(b"\n") == lv.settings.frames + 1 + len(comments)


def test_failed_run_leaves_previous_files_intact(tmp_path, monkeypatch):
    level = ROOT / "levels" / "corridor.tmx"
    out = tmp_path / "out"
    assert main(["replay", str(level), "-o", str(out), "--no-report"]) == 0
    before = _files(out)

    import previs.pipeline as pipeline

    def boom(stage_dir, plan_, forked=None, warn=None):
        (Path(stage_dir) / "track.csv").write_text("half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pipeline, "write", boom)
    assert main(["replay", str(level), "-o", str(out), "--no-report"]) == 1
    assert _files(out) == before
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


def test_a_take_outlives_a_note_edit_and_warns_after_a_wall_moved(tmp_path, capsys):
    src = ROOT / "levels" / "corridor.tmx"
    level_file = tmp_path / "corridor.tmx"
    level_file.write_bytes(src.read_bytes())
    for extra in src.parent.iterdir():  # external tilesets/templates travel with the map
        if extra.suffix in (".tsx", ".tx") or extra.is_dir() and extra.name == "templates":
            if extra.is_dir():
                import shutil

                shutil.copytree(extra, tmp_path / extra.name)
            else:
                (tmp_path / extra.name).write_bytes(extra.read_bytes())
    lv = load_level(level_file)
    take = tmp_path / "walk.take"
    write_take(take, lv, [TickCmd(forward=127, turn=100)] * 48 + [TickCmd()] * 24)
    out = tmp_path / "out"
    assert main(["replay", str(level_file), "--take", str(take), "-o", str(out), "--no-report"]) == 0
    lines = [ln for ln in (out / "track.csv").read_text().splitlines() if not ln.startswith("#")]
    assert len(lines) == 1 + 72
    # A note edit (and a comment, as a re-save might add): the same fight; no warning.
    text = level_file.read_text()
    edited = text.replace('value="knife slash"', 'value="knife slash, rehearsed twice"')
    level_file.write_text(edited.replace("</map>", "<!-- edited -->\n</map>"))
    capsys.readouterr()
    assert main(["replay", str(level_file), "--take", str(take), "-o", str(out), "--no-report"]) == 0
    assert "walk.take" not in capsys.readouterr().err
    # A wall placed where Henry walks: the take still replays, saying where the run departs.
    rows = edited.split('<layer id="2" name="walls"')[1].split("<data encoding=\"csv\">")[1].split("</data>")[0]
    lines = rows.strip().splitlines()
    cells = lines[7].split(",")
    cells[5] = "1"  # x 5-6 m, z 7-8 m: Henry starts at x 3, z 7.5 heading east
    walled = edited.replace(lines[7], ",".join(cells), 1)
    level_file.write_text(walled)
    assert main(["replay", str(level_file), "--take", str(take), "-o", str(out), "--no-report"]) == 0
    err = capsys.readouterr().err
    assert "walk.take: recorded on an earlier version of corridor.tmx (revision " in err
    assert "its ticks replay on the level as it is now: the run departs from the recorded one first at frame 30 " \
           "(1.250 s): Henry at x 4.667, z 7.008, recorded x 4.717, z 7.008 (0.050 m off)." in err
    # --strict refuses instead; a take of another level says so.
    assert main(["replay", str(level_file), "--take", str(take), "-o", str(out), "--no-report", "--strict"]) == 1
    assert "which --strict refuses" in capsys.readouterr().err
    other = tmp_path / "other.tmx"
    other.write_text(walled)
    assert main(["replay", str(other), "--take", str(take), "-o", str(out), "--no-report"]) == 1
    assert "walk.take: a take of corridor.tmx, not of other.tmx" in capsys.readouterr().err


def test_usd_written_by_the_forked_writer_equals_the_in_process_one(tmp_path, monkeypatch):
    # The forked run in a fresh process, as a user runs it (this test process may have run
    # USD already, where previs does not fork: previs.export.prefork.start).
    import os
    import subprocess
    import sys

    level = ROOT / "levels" / "corridor.tmx"
    env = {k: v for k, v in os.environ.items() if k != "PREVIS_NO_FORK"}
    subprocess.run([sys.executable, "-m", "previs", "replay", str(level), "-o", str(tmp_path / "fork"), "--no-report"],
                   check=True, cwd=ROOT, env=env, capture_output=True)
    monkeypatch.setenv("PREVIS_NO_FORK", "1")
    assert main(["replay", str(level), "-o", str(tmp_path / "inproc"), "--no-report"]) == 0
    assert _files(tmp_path / "fork") == _files(tmp_path / "inproc")


def test_a_rate_edls_cannot_carry_skips_only_the_edl_with_a_warning(tmp_path, capsys):
    """A level runs at a production rate, which every EDL carries; a track may run at any
    rate (a 120 fps head-rig log), and its plan skips only the EDL, removing a stale one."""
    import numpy as np

    from plankit import make_track

    src = tmp_path / "rig.csv"
    src.write_text(make_track(np.zeros(240), fps=120).to_csv_text())
    out = tmp_path / "out"
    out.mkdir()
    (out / "shotplan.edl").write_text("an EDL from an earlier 24 fps run")
    assert main(["plan", str(src), "-o", str(out)]) == 0
    # FCP 7 XML needs SMPTE timecode too: skipped the same way.
    assert sorted(p.name for p in out.iterdir()) == sorted(set(EXPORTS) - {"shotplan.edl", "shotplan.xml"})
    err = capsys.readouterr().err
    assert "shotplan.edl not written" in err and "120 fps" in err and "removed" in err
    assert "shotplan.xml not written" in err


def test_an_unexpected_error_is_one_line_not_a_traceback(tmp_path, monkeypatch, capsys):
    import previs.pipeline as pipeline

    def bug(*a, **k):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(pipeline, "plan", bug)
    rc = main(["replay", str(ROOT / "levels" / "corridor.tmx"), "-o", str(tmp_path / "o"), "--no-report"])
    err = capsys.readouterr().err
    assert rc == 70 and "internal error (ZeroDivisionError" in err and "Traceback" not in err


def test_a_replay_past_24_hours_skips_only_the_edl(tmp_path, capsys):
    level = ROOT / "tests" / "data" / "levels" / "basic.tmx"  # 212 frames at 25 fps
    data_before = sorted(p.name for p in level.parent.iterdir())
    out = tmp_path / "out"
    assert main(["replay", str(level), "-o", str(out), "--no-report", "--start-tc", "23:59:59:00"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == (
        "previs replay: warning: shotplan.edl not written: starting at 23:59:59:00, the plan's 212 frames end after "
        "23:59:59:24, where EDL timecode wraps to 00:00:00:00 and editors would read negative events; use "
        "shotplan.otio, or start at 23:59:51:12 or earlier (--start-tc, or the level's start_tc).")
    assert sorted(p.name for p in out.iterdir()) == sorted(set(EXPORTS) - {"shotplan.edl"})
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
    assert sorted(p.name for p in level.parent.iterdir()) == data_before


def test_a_named_command_loads_only_its_own_module_and_helps_the_same():
    # `previs replay ...` builds the replay parser alone (no render, walk or report module
    # imported: ~20 ms of start-up); its help is the one the full parser gives.
    code = ("import contextlib, io, sys\nfrom previs.cli import build_parser, main\nout = io.StringIO()\n"
            "with contextlib.redirect_stdout(out):\n    try:\n        main(['replay', '--help'])\n"
            "    except SystemExit:\n        pass\n"
            "print(sorted(m for m in sys.modules if m.startswith('previs.cli.cmd_')))\n"
            "full = build_parser()._subparsers._group_actions[0].choices['replay'].format_help()\n"
            "print(out.getvalue() == full)\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert r.returncode == 0, r.stderr
    mods, same = r.stdout.strip().splitlines()[-2:]
    assert mods == "['previs.cli.cmd_replay']" and same == "True"
