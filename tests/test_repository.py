"""The repository speaks for itself and its tests stand alone.

- Nothing in it cites files outside it: no ``shared/design/…`` and no ``../shared`` paths in
  the README, docs, code, tests, tools, benchmarks or levels (the contracts users read are
  ``docs/level-format.md`` and ``docs/exports.md``).
- No test module imports another test module (``test_*.py``): shared builders and fixtures
  live in ``tests/conftest.py`` or in the kits beside it (``levelkit.py``, ``plankit.py``,
  ``tmxkit.py``, ``expectkit.py``, ``fuzzkit.py``, ``diskkit.py``, ``importkit.py``), so
  that running, moving or deleting one test file never changes another.
- Every test listed as slow in ``slowtests.py`` still exists (a renamed test would silently
  lose its marker and slow ``make check`` down).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from importkit import ROOT, imports_of

OUTSIDE = re.compile(r"shared/design|\.\./shared\b")
TEXT_SUFFIXES = {".py", ".md", ".toml", ".tmx", ".tx", ".tsx", ".tiled-project", ".txt", ".cfg", ".csv", ""}
SEARCHED = ["README.md", "Makefile", "pyproject.toml", ".ci", "docs", "previs", "tests", "tools",
            "benchmarks", "levels", "assets"]


def _text_files():
    for name in SEARCHED:
        p = ROOT / name
        files = [p] if p.is_file() else sorted(q for q in p.rglob("*") if q.is_file()) if p.is_dir() else []
        for f in files:
            if f.suffix in TEXT_SUFFIXES and "__pycache__" not in f.parts and f != Path(__file__):
                yield f


def _citations() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for f in _text_files():
        for n, line in enumerate(f.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if OUTSIDE.search(line):
                found.setdefault(str(f.relative_to(ROOT)), []).append(f"{n}: {line.strip()}")
    return found


def test_nothing_cites_files_outside_the_repository():
    assert _citations() == {}, "cite the in-repository docs (docs/level-format.md, docs/exports.md) instead"


def test_the_citation_search_reads_the_docs():
    # the search covers docs/ (the directory most likely to cite design notes)
    assert ROOT / "docs" / "exports.md" in set(_text_files())
    assert OUTSIDE.search("see ``shared/design/outputs.md``") and OUTSIDE.search("../shared/x.md")
    assert not OUTSIDE.search('return "shared/" + target.name')


def test_no_test_module_imports_another_test_module():
    tests = ROOT / "tests"
    names = {p.stem for p in tests.glob("test_*.py")}
    found = sorted(f"{imp.where()}: {imp.target}" for p in sorted(tests.rglob("*.py"))
                   for imp in imports_of(p) if imp.top in names or imp.target.startswith("tests.test_"))
    assert found == [], "move what is shared into tests/conftest.py or a kit module beside it"


def test_every_slow_test_listed_still_exists():
    from slowtests import SLOW

    gone = [f"{module}::{name}" for module, names in sorted(SLOW.items())
            for name in sorted(names - {n.name for n in ast.parse((ROOT / "tests" / module).read_text()).body
                                        if isinstance(n, ast.FunctionDef)})]
    assert gone == [], "renamed or removed: update SLOW in tests/slowtests.py"
