"""``previs test`` and ``pytest`` (with the plugin, under pytest-xdist) pass and fail the same
expectations: both run in subprocesses and their pass/fail sets are compared, on the
bundled levels and on a folder with a deliberately broken fight."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from expectkit import DATA, beat_at, duel, plugin_args

ROOT = Path(__file__).resolve().parent.parent
LEVELS = ROOT / "levels"


def _env() -> dict:
    env = dict(os.environ)
    for k in ("PYTEST_XDIST_WORKER", "PYTEST_XDIST_WORKER_COUNT", "PYTEST_ADDOPTS"):
        env.pop(k, None)
    env["COLUMNS"] = "250"
    return env


def previs_test(cwd: Path, *paths: str) -> tuple[int, dict[str, str]]:
    """Exit status and {expectation id: "PASS"/"FAIL"} from ``previs test`` output."""
    r = subprocess.run([sys.executable, "-m", "previs", "test", *paths], cwd=cwd, capture_output=True,
                       text=True, env=_env(), timeout=600)
    out: dict[str, str] = {}
    current = None
    for line in r.stdout.splitlines():
        m = re.match(r"^(PASS|FAIL|ERROR)\s+(\S+\.expect\.toml)\b", line)
        if m:
            current = m.group(2)
            if m.group(1) == "ERROR":
                out[current] = "ERROR"
            continue
        m = re.match(r"^    (PASS|FAIL)  (\S+)", line)
        if m and current:
            out[f"{current}::{m.group(2)}"] = m.group(1)
    return r.returncode, out


def pytest_items(cwd: Path, *paths: str) -> tuple[int, dict[str, str]]:
    """Exit status and {node id: "PASS"/"FAIL"} from ``pytest -n 2 -rA``."""
    r = subprocess.run([sys.executable, "-m", "pytest", *plugin_args(), "-p", "no:cacheprovider",
                        "-p", "no:hypothesispytest", "-n", "2",
                        "-rA", *paths], cwd=cwd, capture_output=True, text=True, env=_env(), timeout=600)
    out: dict[str, str] = {}
    for line in r.stdout.splitlines():
        m = re.match(r"^(PASSED|FAILED|ERROR) (\S+)", line)
        if m:
            node = m.group(2)
            out[node] = {"PASSED": "PASS", "FAILED": "FAIL", "ERROR": "ERROR"}[m.group(1)]
    return r.returncode, out


def test_agreement_on_a_folder_with_a_broken_fight(tmp_path):
    good = tmp_path / "good"
    bad = tmp_path / "bad"
    for d in (good, bad):
        d.mkdir()
        p = duel(d, (DATA / "duel.toml").read_text())
        assert subprocess.run([sys.executable, "-m", "previs", "test", "-q", "--update-golden", "--accept", str(p)],
                              capture_output=True, env=_env()).returncode == 0
    duel(bad, (DATA / "duel.toml").read_text(), beat_at("whip left", 3.5))
    (tmp_path / "broken.expect.toml").write_text("[shots]\ncont = 3\n")
    rc1, a = previs_test(tmp_path, ".")
    rc2, b = pytest_items(tmp_path, ".")
    assert rc1 == 1 and rc2 == 1
    # The malformed file: an ERROR in previs test, one failing item in pytest (only it fails).
    assert a.pop("broken.expect.toml") == "ERROR"
    assert b.pop("broken.expect.toml::<file>") == "FAIL"
    assert a == b
    assert sum(v == "FAIL" for v in a.values()) == 4
    assert sum(v == "PASS" for v in a.values()) == 17 + 13


@pytest.mark.skipif(not list(LEVELS.glob("*.expect.toml")), reason="no bundled expectation files yet")
def test_agreement_on_the_bundled_levels():
    rc1, a = previs_test(ROOT, "levels/")
    rc2, b = pytest_items(ROOT, "levels/")
    assert a and a == b
    assert rc1 == rc2 == 0, {k: v for k, v in a.items() if v != "PASS"}
