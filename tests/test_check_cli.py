"""``previs check``: summaries, warnings, problems on stderr, exit status, help."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from previs.cli import main
from tmxkit import BASIC, EXT, HENRY, make_map, obj, ref

ROOT = Path(__file__).resolve().parent.parent


def previs(*args: str) -> subprocess.CompletedProcess:
    """Run the real command line in a fresh interpreter."""
    env = {**os.environ, "PYTHONWARNINGS": "error::DeprecationWarning:previs"}
    return subprocess.run([sys.executable, "-m", "previs", *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)


def test_clean_level_exits_0_with_summary_and_warnings():
    r = previs("check", str(BASIC))
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [
        f"{BASIC}: ok: 'Basic fight'",
        "  25 fps, 8.5 s = 212 frames from 00:00:00:00",
        "  8x6 tiles = 16 x 12 m (2 m per tile), 25 wall blocks",
        "  henry: 'Henry' on path 2",
        "  2 performers: Goon 1, performer 4",
        "  2 paths (1 loop)",
        "  3 beats: fall 1, look 1, punch 1",
        "  2 zones: crash-mat 1, no-go 1",
    ]
    warnings = r.stderr.splitlines()
    assert len(warnings) == 3
    assert all(w.startswith(f"previs check: warning: {BASIC}: ") for w in warnings)
    assert any("object 2 'henry route' (path): passes through the wall block at column 3, row 2" in w for w in warnings)


def test_broken_level_exits_1_with_one_problem_per_line(tmp_path):
    objects = HENRY + obj(12, "performer", "Goon 3", 10, 10, {"path": ref(99)}) + obj(13, "beat", "b", 0, 0, {"t": 1.0})
    bad = make_map(tmp_path, objects, {"fps": 0})
    r = previs("check", str(bad))
    assert r.returncode == 1
    assert r.stdout == ""
    assert "Traceback" not in r.stderr
    lines = r.stderr.splitlines()
    assert all(line.startswith(f"previs check: {bad}: ") for line in lines), lines
    assert f"previs check: {bad}: object 12 'Goon 3' (performer): path points to object 99, which does not exist; pick a path object in Tiled's object picker." in lines
    assert any("object 13 'b' (beat): has no action" in line for line in lines)
    assert any("object 13 'b' (beat): has no actor" in line for line in lines)
    assert any("map properties: fps = 0" in line for line in lines)


def test_hostile_file_exits_1_without_traceback(tmp_path):
    p = tmp_path / "evil.tmx"
    p.write_bytes(b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaa">]><map>&a;</map>')
    r = previs("check", str(p))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert r.stderr.strip() == (
        f"previs check: {p}: contains a DOCTYPE with entity declarations, which Tiled never writes and which "
        "can expand a small file into gigabytes; refused unread: re-save the map from Tiled."
    )


def test_several_levels_are_all_checked_before_the_exit_status(tmp_path):
    good = make_map(tmp_path, name="good.tmx")
    bad = make_map(tmp_path, "", name="bad.tmx")
    r = previs("check", str(bad), str(EXT), str(good))
    assert r.returncode == 1
    assert f"{EXT}: ok: 'ext'" in r.stdout and f"{good}: ok: 'good'" in r.stdout
    assert f"previs check: {bad}: has no henry object" in r.stderr
    assert "previs check: 1 of 3 levels have problems." in r.stderr


def test_quiet_prints_only_problems_and_warnings(capsys):
    assert main(["check", "-q", str(EXT)]) == 0
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""
    assert main(["check", "--quiet", str(BASIC)]) == 0
    out = capsys.readouterr()
    assert out.out == "" and out.err.count("warning:") == 3


def test_in_process_main_returns_status(tmp_path, capsys):
    assert main(["check", str(EXT)]) == 0
    assert "10x8 tiles = 10 x 8 m (1 m per tile), 34 wall blocks" in capsys.readouterr().out
    assert main(["check", str(tmp_path / "missing.tmx")]) == 1
    assert f"previs check: {tmp_path / 'missing.tmx'}: does not exist; check the path." in capsys.readouterr().err


def test_help_teaches_with_examples():
    r = previs("check", "--help")
    assert r.returncode == 0
    assert "Validate Tiled maps (.tmx) against the previs level contract" in r.stdout
    assert "Exit status: 0 if every level loads" in r.stdout
    assert "examples:" in r.stdout and "previs check levels/*.tmx" in r.stdout
    assert "-q, --quiet" in r.stdout
    top = previs("--help")
    assert "check" in top.stdout and "validate levels against the level contract" in top.stdout


def test_no_level_is_a_usage_error():
    r = previs("check")
    assert r.returncode == 2
    assert "LEVEL" in r.stderr and "Traceback" not in r.stderr
