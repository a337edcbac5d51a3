"""Declared dependencies match imports: every third-party package ``previs/`` imports is
declared in ``pyproject.toml``'s ``[project] dependencies``, and every declared one is
imported (or is a plugin another dependency loads by name). The tests import only what the
package and the ``test`` extra declare, plus the kits beside them.

Distribution names differ from import names (``Pillow`` is imported as ``PIL``); the map
below says which is which, and an unknown distribution fails until it is added there.
"""

from __future__ import annotations

import importlib.metadata
import re
import sys
import tomllib

from importkit import ROOT, imports_of, package_files

#: Distribution (as written in pyproject.toml, compared case-insensitively) -> import name.
IMPORT_NAME = {
    "numpy": "numpy", "pytmx": "pytmx", "pygame": "pygame", "pyopengl": "OpenGL",
    "opentimelineio": "opentimelineio", "usd-core": "pxr", "av": "av", "matplotlib": "matplotlib",
    "pillow": "PIL", "defusedxml": "defusedxml",
    "pytest": "pytest", "pytest-xdist": "xdist", "hypothesis": "hypothesis", "bpy": "bpy",
    "telemetry-parser": "telemetry_parser",
}
#: previs modules that may import an optional extra's package (extra -> modules): each
#: imports it inside a function and refuses in one line, naming the extra, when it is missing.
EXTRA_MODULES = {"rehearsal": {"previs.rehearsal.gopro"}}
#: Declared but never imported: loaded by another dependency by name.
PLUGINS = {"otio-cmx3600-adapter": "opentimelineio's cmx_3600 adapter, which writes shotplan.edl "
                                   "(previs/export/edl.py asks for it by name)",
           "otio-fcp-adapter": "opentimelineio's fcp_xml adapter, which writes shotplan.xml "
                               "(previs/export/fcp_xml.py asks for it by name)"}
#: previs modules that may import a test-extra package: loaded only by that package.
TEST_TOOL_MODULES = {"previs.testing.pytest_plugin": {"pytest"}}


def _declared(specs: list[str]) -> set[str]:
    return {re.match(r"[A-Za-z0-9._-]+", s).group(0).lower() for s in specs}


def _extras(project) -> set[str]:
    """Every optional-dependency group's distributions (``test``, ``blender``)."""
    return set().union(*(_declared(v) for v in project["optional-dependencies"].values()))


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _third_party(paths, local: set[str] = frozenset()):
    """{top-level import name: [Import, ...]} of the imports that are neither the standard
    library, previs, nor one of the ``local`` module names."""
    found: dict[str, list] = {}
    for p in paths:
        for imp in imports_of(p):
            if imp.top in sys.stdlib_module_names or imp.top in ("previs", "__future__") or imp.top in local:
                continue
            found.setdefault(imp.top, []).append(imp)
    return found


def test_every_declared_dependency_has_a_known_import_name():
    project = _project()
    names = _declared(project["dependencies"]) | _extras(project)
    assert sorted(names - IMPORT_NAME.keys() - PLUGINS.keys()) == [], \
        "add these distributions' import names to IMPORT_NAME in tests/test_dependencies.py"


def test_previs_imports_exactly_what_it_declares():
    declared = _declared(_project()["dependencies"])
    imported = _third_party(package_files())
    allowed = {IMPORT_NAME.get(d) for d in declared}
    extras = _project()["optional-dependencies"]
    by_extra = {IMPORT_NAME.get(d): mods for x, mods in EXTRA_MODULES.items() for d in _declared(extras[x])}
    undeclared = sorted(f"{i.where()}: {i.target}" for top, found in imported.items() if top not in allowed
                        for i in found if top not in TEST_TOOL_MODULES.get(i.module, ())
                        and i.module not in by_extra.get(top, ()))
    assert undeclared == [], "imported by previs/ but not in [project] dependencies of pyproject.toml"
    unused = sorted(d for d in declared - PLUGINS.keys() if IMPORT_NAME.get(d) not in imported)
    assert unused == [], "declared in [project] dependencies but never imported by previs/"


def test_tests_import_only_declared_packages():
    project = _project()
    declared = _declared(project["dependencies"]) | _extras(project)
    local = {p.stem for folder in ("tests", "benchmarks", "tools") for p in (ROOT / folder).glob("*.py")}
    imported = _third_party(sorted((ROOT / "tests").rglob("*.py")), local)
    allowed = {IMPORT_NAME.get(d) for d in declared}
    assert sorted(f"{i.where()}: {i.target}" for top, found in imported.items() if top not in allowed
                  for i in found) == []


def test_import_names_are_what_the_installed_distributions_provide():
    # the map above, checked against the installed packages' own file lists
    provides = importlib.metadata.packages_distributions()
    declared = _declared(_project()["dependencies"]) - PLUGINS.keys()
    wrong = {d: IMPORT_NAME[d] for d in declared
             if d in IMPORT_NAME and d not in {x.lower() for x in provides.get(IMPORT_NAME[d], [])}}
    assert wrong == {}


def test_every_previs_package_is_installed_by_pyproject():
    """A non-editable install (a wheel, a studio's pip mirror) carries only the packages
    pyproject lists by hand: a new sub-package left off it (previs.pose was, once) would
    import here, editable, and be missing there."""
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    on_disk = {".".join(p.relative_to(ROOT).parent.parts) for p in (ROOT / "previs").rglob("__init__.py")}
    assert on_disk - listed == set()
