"""``previs test`` on the command line and the pytest plugin: output, exit status,
discovery, --update-golden, and when pytest collects expectation files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from previs.cli import main

from expectkit import DATA, beat_at, duel, plugin_args

ROOT = Path(__file__).resolve().parent.parent


def fixture_dir(tmp_path: Path, *edits) -> Path:
    """A folder with the duel and its committed expectations (golden recorded)."""
    d = tmp_path / "fights"
    d.mkdir(exist_ok=True)
    duel(d, (DATA / "duel.toml").read_text())
    assert main(["test", str(d), "--update-golden", "--accept", "-q"]) == 0
    if edits:
        duel(d, (DATA / "duel.toml").read_text(), *edits)
    return d


def test_all_pass_prints_every_expectation_and_exits_0(tmp_path, capsys, monkeypatch):
    d = fixture_dir(tmp_path)
    capsys.readouterr()
    monkeypatch.chdir(d)
    assert main(["test", "."]) == 0
    out = capsys.readouterr().out
    assert out.startswith("PASS  duel.expect.toml  (Duel (expectation test fixture), duel.tmx): "
                          "17 expectations passed")
    assert "  scripted replay: 288 frames at 24 fps, 2 turn cuts, 3 shots, 0 safety findings" in out
    assert "    PASS  cut[1]" in out and "left turn cut at 3.1 s ± 0.1 s" in out
    assert "    PASS  golden" in out
    assert out.rstrip().splitlines()[-1].startswith(
        "PASS: 1 expectation file, 17 expectations: 17 passed, 0 failed in ")


def test_a_failure_prints_expected_vs_actual_and_exits_1(tmp_path, capsys, monkeypatch):
    d = fixture_dir(tmp_path, beat_at("whip left", 3.5))
    capsys.readouterr()
    monkeypatch.chdir(d)
    assert main(["test"]) == 1  # no PATH, no ./levels: the current folder
    out = capsys.readouterr().out
    assert "FAIL  duel.expect.toml  (Duel (expectation test fixture), duel.tmx): 4 of 17 expectations failed" in out
    assert "    FAIL  cut[1]" in out
    assert "          expected: a left turn cut between 3.000 and 3.200 s (3.1 s ± 0.1)" in out
    assert "          actual:   no turn cut there; nearest cut: 3.625 s (frame 87, 00:00:03:15)" in out
    assert "    PASS  cut[2]" in out
    assert out.rstrip().splitlines()[-1].startswith("FAIL: 1 expectation file, 17 expectations: 13 passed, 4 failed")


def test_quiet_prints_only_failures_and_the_summary(tmp_path, capsys):
    d = fixture_dir(tmp_path)
    capsys.readouterr()
    assert main(["test", "-q", str(d)]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and out.startswith("PASS: 1 expectation file")
    duel(d, (DATA / "duel.toml").read_text(), beat_at("whip left", 3.5))
    assert main(["test", "-q", str(d)]) == 1
    out = capsys.readouterr().out
    assert "PASS  cut[2]" not in out and "FAIL  cut[1]" in out and "expected:" in out


def test_paths_may_be_levels_expectation_files_or_folders(tmp_path, capsys):
    d = fixture_dir(tmp_path)
    for arg in (d / "duel.tmx", d / "duel.expect.toml", d, tmp_path):
        assert main(["test", "-q", str(arg)]) == 0, arg
    # The same file named twice is tested once.
    capsys.readouterr()
    assert main(["test", "-q", str(d), str(d / "duel.tmx")]) == 0
    assert "1 expectation file," in capsys.readouterr().out


def test_hidden_folders_and_virtualenvs_are_skipped(tmp_path, capsys):
    d = fixture_dir(tmp_path)
    for sub in (".git", "venv"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "x.expect.toml").write_text("broken [")
    (tmp_path / "venv" / "pyvenv.cfg").write_text("home = /usr\n")
    assert main(["test", "-q", str(tmp_path)]) == 0
    assert d.exists()


def test_nothing_found_exits_2_with_a_clear_message(tmp_path, capsys):
    assert main(["test", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert f"previs test: no expectation files (*.expect.toml) found under {tmp_path}; nothing was tested." in err
    assert "docs/testing.md" in err


def test_a_missing_path_or_a_level_without_expectations_exits_2(tmp_path, capsys):
    assert main(["test", str(tmp_path / "nope")]) == 2
    assert f"previs test: {tmp_path / 'nope'}: no such file or folder." in capsys.readouterr().err
    lv = tmp_path / "lonely.tmx"
    lv.write_text((DATA / "duel.tmx").read_text())
    assert main(["test", str(lv)]) == 2
    assert "no expectation file beside it; write" in capsys.readouterr().err


def test_a_malformed_file_is_listed_and_exits_1(tmp_path, capsys):
    d = fixture_dir(tmp_path)
    (d / "bad.expect.toml").write_text("[[cut]]\ntime = 3\ntolerence = 1\n")
    assert main(["test", str(d)]) == 1
    out = capsys.readouterr().out
    assert f"ERROR {(d / 'bad.expect.toml').as_posix()}: the expectation file is malformed (1 problem); " \
           "nothing was checked" in out
    assert "[[cut]] #1: unknown key 'tolerence' (did you mean 'tolerance'?)" in out
    assert "PASS  " + (d / "duel.expect.toml").as_posix() in out  # the others still run
    assert "1 malformed file" in out.splitlines()[-1]


def test_update_golden_from_the_command_line(tmp_path, capsys):
    d = fixture_dir(tmp_path)
    duel(d, (DATA / "duel.toml").read_text(), beat_at("whip left", 3.5))
    assert main(["test", "-q", str(d)]) == 1
    capsys.readouterr()
    before = (d / "duel.golden.csv").read_bytes()
    assert main(["test", str(d), "--update-golden"]) == 1  # the cut expectations still fail
    out = capsys.readouterr().out
    # never updates a level whose other expectations fail
    assert "FAIL  golden" in out and "not updated: 3 other expectations of this file fail (cut[1], cuts.exact, in_view[4])" in out
    assert "FAIL  cut[1]" in out
    assert (d / "duel.golden.csv").read_bytes() == before


def test_help_teaches(capsys):
    with pytest.raises(SystemExit) as e:
        main(["test", "--help"])
    assert e.value.code == 0
    out = capsys.readouterr().out
    for s in ("LEVEL.expect.toml", "docs/testing.md", "--update-golden", "Exit status", "pytest levels/",
              "previs test levels/finale.tmx", "2 no", "-q"):
        assert s in out, s


def test_previs_test_is_listed_in_previs_help(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "replay tests: check every level that has a LEVEL.expect.toml" in capsys.readouterr().out


# -- the pytest plugin -------------------------------------------------------------------



def pytest_run(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("PYTEST_XDIST_WORKER", None)
    env.pop("PYTEST_ADDOPTS", None)
    env["COLUMNS"] = "250"  # short summary lines are cut to the terminal width
    return subprocess.run([sys.executable, "-m", "pytest", *plugin_args(), "-p", "no:cacheprovider",
                           "-p", "no:hypothesispytest", *args],
                          cwd=cwd, capture_output=True, text=True, env=env, timeout=300)


def test_pytest_collects_one_item_per_expectation(tmp_path):
    d = fixture_dir(tmp_path)
    r = pytest_run(d, ".", "--collect-only", "-q")
    assert r.returncode == 0, r.stdout + r.stderr
    items = [line for line in r.stdout.splitlines() if "::" in line]
    assert items[:3] == ["duel.expect.toml::cut[1]", "duel.expect.toml::cut[2]", "duel.expect.toml::cuts.exact"]
    assert len(items) == 17


def test_pytest_reports_the_same_failure_and_supports_k(tmp_path):
    d = fixture_dir(tmp_path, beat_at("whip left", 3.5))
    r = pytest_run(d, ".", "-k", "cut", "-rA")
    assert r.returncode == 1
    assert "2 failed, 1 passed, 14 deselected" in r.stdout
    assert "expected: a left turn cut between 3.000 and 3.200 s (3.1 s ± 0.1)" in r.stdout
    assert "FAILED duel.expect.toml::cut[1] - left turn cut at 3.1 s ± 0.1 s: no turn cut there" in r.stdout
    assert "Traceback" not in r.stdout


def test_pytest_malformed_file_fails_only_itself(tmp_path):
    d = fixture_dir(tmp_path)
    (d / "bad.expect.toml").write_text("[shot]\ncount = 1\n")
    r = pytest_run(d, ".")
    assert r.returncode == 1
    # one failing item for the file; the session is not interrupted: the duel's 17 still run
    assert "FAILED bad.expect.toml::<file>" in r.stdout and "1 failed, 17 passed" in r.stdout
    assert "Interrupted" not in r.stdout and "error" not in r.stdout.splitlines()[-1]
    assert "bad.expect.toml: unknown table [shot] (did you mean [shots]?)" in r.stdout
    assert "Traceback" not in r.stdout


def test_pytest_update_golden(tmp_path):
    d = fixture_dir(tmp_path)
    (d / "duel.golden.csv").unlink()
    assert pytest_run(d, ".", "-k", "golden").returncode == 1
    r = pytest_run(d, ".", "-k", "golden", "--previs-update-golden")
    assert r.returncode == 1  # an update is reviewed: the item fails, naming the golden
    assert "golden created: duel.golden.csv: review, then commit (or pass --previs-accept)" in r.stdout
    assert (d / "duel.golden.csv").exists()
    assert pytest_run(d, ".").returncode == 0
    (d / "duel.golden.csv").unlink()
    assert pytest_run(d, ".", "-k", "golden", "--previs-update-golden", "--previs-accept").returncode == 0
    assert pytest_run(d, ".").returncode == 0


def test_a_bare_pytest_run_does_not_collect_expectation_files(tmp_path):
    """testpaths = ["tests"]: the main suite must not replay the levels a second time."""
    proj = tmp_path / "proj"
    (proj / "tests").mkdir(parents=True)
    (proj / "tests" / "test_one.py").write_text("def test_one():\n    pass\n")
    fixture_dir(proj)  # proj/fights/duel.expect.toml
    (proj / "tests" / "stray.expect.toml").write_text("[shots]\ncount = 1\n")  # not collected bare
    (proj / "pyproject.toml").write_text('[tool.pytest.ini_options]\ntestpaths = ["tests"]\n')
    r = pytest_run(proj, "--collect-only", "-q")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "expect.toml" not in r.stdout and "1 test collected" in r.stdout
    r = pytest_run(proj, "fights", "--collect-only", "-q")
    assert "17 tests collected" in r.stdout
    (proj / "pyproject.toml").write_text('[tool.pytest.ini_options]\ntestpaths = ["tests", "fights"]\n'
                                         'previs_expect = true\n')
    (proj / "tests" / "stray.expect.toml").unlink()
    r = pytest_run(proj, "--collect-only", "-q")
    assert "18 tests collected" in r.stdout


def test_the_repo_suite_does_not_collect_levels():
    r = pytest_run(ROOT, "--collect-only", "-q", "tests/test_expect_parse.py")
    assert r.returncode == 0, r.stdout + r.stderr
    assert ".expect.toml" not in r.stdout
