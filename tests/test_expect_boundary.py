"""Issue 21: expectation files, goldens, takes and tracks stay inside the project and are
read only as bounded regular files. Each case: exit status, the exact message, and nothing
outside the fixture folder changed (every file's bytes and mtime compared)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from previs.cli import main

from expectkit import DATA, duel


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every regular file under ``root``: bytes and mtime (ns)."""
    out = {}
    for dirpath, _, files in os.walk(root):
        for f in files:
            p = Path(dirpath) / f
            if p.is_file() and not p.is_symlink():
                out[str(p)] = (p.read_bytes(), p.stat().st_mtime_ns)
    return out


def setup(tmp_path: Path, expect: str) -> tuple[Path, Path]:
    """tmp/outside/ (a bystander file) and tmp/proj/ (the duel, with ``expect``)."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "victim.csv").write_text("precious\n")
    proj = tmp_path / "proj"
    proj.mkdir()
    duel(proj, expect)
    return proj, outside


def run_test(capsys, *args) -> tuple[int, str]:
    rc = main(["test", *args])
    cap = capsys.readouterr()
    return rc, cap.out + cap.err


BASE = (DATA / "duel.toml").read_text()
_OPENED: list[str] = []
_RECORDING: list[bool] = []


def _audit(event: str, args) -> None:  # audit hooks cannot be removed: record only while asked
    if _RECORDING and event == "open" and args and isinstance(args[0], str):
        _OPENED.append(args[0])


sys.addaudithook(_audit)


@pytest.mark.parametrize("ref", ["../outside/victim.csv", "../outside/new.csv", "/etc/passwd"])
def test_update_golden_never_writes_outside_the_project(tmp_path, capsys, ref):
    proj, outside = setup(tmp_path, BASE.replace('track = "duel.golden.csv"', f'track = "{ref}"'))
    before = snapshot(tmp_path)
    rc, out = run_test(capsys, str(proj), "--update-golden")
    assert rc == 1
    real = os.path.realpath(proj / ref)
    assert (f"duel.expect.toml: [golden]: 'track' refers to '{ref}', which resolves to {real}, outside the project "
            f"folder {proj}; keep the level, golden tracks and takes inside the project (the folder holding the "
            f".tiled-project file, else this file's folder).") in out
    assert "nothing was checked" in out
    assert snapshot(tmp_path) == before
    assert not (outside / "new.csv").exists()


def test_golden_through_a_symlink_out_of_the_project_is_refused(tmp_path, capsys):
    proj, outside = setup(tmp_path, BASE.replace('track = "duel.golden.csv"', 'track = "link/victim.csv"'))
    (proj / "link").symlink_to(outside)
    before = snapshot(tmp_path)
    rc, out = run_test(capsys, str(proj), "--update-golden")
    assert rc == 1 and "'track' refers to 'link/victim.csv', which resolves to" in out
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("line,key", [('level = "/etc/passwd"', "level"), ('level = "../outside/x.tmx"', "level")])
def test_level_path_outside_the_project_is_never_read(tmp_path, capsys, line, key):
    proj, outside = setup(tmp_path, line + "\n" + BASE)
    before = snapshot(tmp_path)
    _OPENED.clear()
    _RECORDING.append(True)
    try:
        rc, out = run_test(capsys, str(proj / "duel.expect.toml"))
    finally:
        _RECORDING.clear()
    assert rc == 1 and f"'{key}' refers to" in out and "outside the project folder" in out
    assert "/etc/passwd" not in _OPENED and not any(p.startswith(str(outside)) for p in _OPENED)
    assert any(p.endswith("duel.expect.toml") for p in _OPENED)  # the hook does see opens
    assert snapshot(tmp_path) == before


def test_take_path_outside_the_project_is_refused(tmp_path, capsys):
    proj, outside = setup(tmp_path, BASE + '\n[[take]]\nfile = "../outside/victim.csv"\n[take.shots]\ncount = 3\n')
    rc, out = run_test(capsys, str(proj))
    assert rc == 1
    assert (f"[[take]] #1: 'file' refers to '../outside/victim.csv', which resolves to {outside / 'victim.csv'}, "
            f"outside the project folder {proj}") in out


def test_a_tiled_project_file_above_widens_the_project(tmp_path, capsys):
    # the project is the folder holding the nearest *.tiled-project: goldens beside it are inside
    proj, outside = setup(tmp_path, BASE.replace('track = "duel.golden.csv"', 'track = "../common/duel.csv"'))
    (tmp_path / "all.tiled-project").write_text("{}")
    rc, out = run_test(capsys, str(proj), "--update-golden", "--accept", "-q")
    assert rc == 0, out
    assert (tmp_path / "common" / "duel.csv").read_text().startswith("frame,time,")


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _with_deadline(fn, seconds=20.0):
    """Run ``fn`` in a thread; a hang fails the test instead of blocking the suite."""
    box = {}
    t = threading.Thread(target=lambda: box.update(result=fn()), daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), "hung (a FIFO was opened for reading)"
    return box["result"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_golden_fifo_is_refused_not_waited_on(tmp_path, capsys):
    proj, _ = setup(tmp_path, BASE)
    _fifo(proj / "duel.golden.csv")
    rc, out = _with_deadline(lambda: run_test(capsys, str(proj)))
    assert rc == 1
    assert "duel.golden.csv cannot be read: " in out and "is not a regular file (a FIFO, device or socket" in out
    rc, out = _with_deadline(lambda: run_test(capsys, str(proj), "--update-golden"))
    assert rc == 1 and "is not a regular file (a folder, FIFO or device); nothing was written" in out
    assert (proj / "duel.golden.csv").is_fifo()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_take_fifo_is_refused(tmp_path, capsys):
    proj, _ = setup(tmp_path, BASE + '\n[[take]]\nfile = "t.take"\n[take.shots]\ncount = 3\n')
    _fifo(proj / "t.take")
    rc, out = _with_deadline(lambda: run_test(capsys, str(proj)))
    assert rc == 1 and "t.take: not a regular file; takes are written by 'previs walk'." in out


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
@pytest.mark.parametrize("source", ["/dev/zero", "fifo"])
def test_previs_plan_refuses_devices_and_fifos_as_input(tmp_path, source):
    src = str(_fifo(tmp_path / "in.csv")) if source == "fifo" else source
    run = subprocess.run([sys.executable, "-m", "previs", "plan", src, "-o", str(tmp_path / "out")],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode != 0
    assert f"{src}: cannot read the track: it is not a regular file (a FIFO, device or socket would block or " \
           f"never end)." in run.stderr
    assert "Traceback" not in run.stderr
    assert not (tmp_path / "out").exists()


def test_track_reader_is_bounded(tmp_path, monkeypatch):
    from previs.errors import PrevisError
    from previs.sim import track

    p = tmp_path / "big.csv"
    p.write_text("frame,time,x,y,z,yaw\n" + "0,0,0,0,0,0\n" * 100)
    monkeypatch.setattr(track, "MAX_CSV_BYTES", 1000)
    with pytest.raises(PrevisError, match="cannot read the track: it is larger than the 1000 bytes limit"):
        track.CameraTrack.read_csv(p)


@pytest.mark.parametrize("ref,what", [
    ("duel.tmx", "the level"), ("duel.expect.toml", "this expectation file"), ("t.take", "a take"),
    # found by the fuzz campaign (seed 2): another level's expectation file was overwritten
    ("other.expect.toml", "an input of previs (a level, tileset, template, take, edit or expectation file)"),
    ("other.tmx", "an input of previs (a level, tileset, template, take, edit or expectation file)")])
def test_golden_that_names_an_input_is_refused(tmp_path, capsys, ref, what):
    # found by the hostile-path fuzz target: --update-golden overwrote the level with a CSV
    proj, _ = setup(tmp_path, BASE.replace('track = "duel.golden.csv"', f'track = "{ref}"')
                    + '\n[[take]]\nfile = "t.take"\n[take.shots]\ncount = 3\n')
    (proj / "t.take").write_text("x\n")
    (proj / "other.expect.toml").write_text("[shots]\ncount = 1\n")
    (proj / "other.tmx").write_text("<map/>\n")
    before = snapshot(tmp_path)
    rc, out = run_test(capsys, str(proj), "--update-golden")
    assert rc == 1
    assert (f"duel.expect.toml: [golden]: 'track' = '{ref}' is {what}, which --update-golden would overwrite; "
            f"name the golden's own file (LEVEL.golden.csv, LEVEL.golden.plan.json).") in out
    assert snapshot(tmp_path) == before
