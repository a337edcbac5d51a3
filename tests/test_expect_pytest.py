"""Issue 17, CI: under the installed pytest, ``--lf`` reruns every failure (ids with
``[…]`` included), ``pytest levels/x.tmx`` runs the level's expectation file, and a
malformed file fails only itself."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from editkit import bundled_copy, set_prop
from expectkit import plugin_args


def _pytest(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    for k in ("PYTEST_XDIST_WORKER", "PYTEST_XDIST_WORKER_COUNT", "PYTEST_ADDOPTS"):
        env.pop(k, None)
    env["COLUMNS"] = "250"
    return subprocess.run([sys.executable, "-m", "pytest", *plugin_args(), "-p", "no:hypothesispytest", "-q", "-rf",
                           *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=600)


def _failed(out: str) -> set[str]:
    return set(re.findall(r"^FAILED (\S+)", out, re.M))


def test_lf_reruns_every_failure_and_a_level_path_works(tmp_path):
    d = tmp_path / "levels"
    bundled_copy(d, "corridor", set_prop(23, "t", 9))  # the 8 s whip a second later
    (d / "broken.expect.toml").write_text("[shots]\ncont = 3\n")
    first = _pytest(tmp_path, "levels/")
    assert first.returncode == 1
    failed = _failed(first.stdout)
    assert failed == {"levels/broken.expect.toml::<file>", "levels/corridor.expect.toml::cut[1]",
                      "levels/corridor.expect.toml::cuts.exact", "levels/corridor.expect.toml::in_view[3]",
                      "levels/corridor.expect.toml::golden", "levels/corridor.expect.toml::golden.plan"}
    again = _pytest(tmp_path, "--lf", "levels/")
    assert _failed(again.stdout) == failed
    assert re.search(r"^6 failed", again.stdout.splitlines()[-1])  # and nothing else ran
    level = _pytest(tmp_path, "-p", "no:cacheprovider", "levels/corridor.tmx")
    assert level.returncode == 1
    assert _failed(level.stdout) == {f.replace("corridor.expect.toml", "corridor.tmx") for f in failed
                                     if "corridor" in f}
    from previs.testing.expect import parse_file

    n = len(parse_file(d / "corridor.expect.toml").expectations)
    assert f"5 failed, {n - 5} passed" in level.stdout.splitlines()[-1]
