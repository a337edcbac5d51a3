"""The direction of the code: every import inside ``previs/`` points down the layers.

Layers, bottom to top (a module may import its own package and anything in a lower layer,
never a higher one)::

    0  base       previs/__init__.py and every top-level module except the CLI's entry
                  (errors.py, fsutil.py, timebase.py, ...)
    1  level      previs/level/
    2  sim        previs/sim/
    3  pose       previs/pose/             (skeletons, clips, props, mocap: what bodies do)
    4  plan       previs/plan/
    5  export     previs/export/, previs/rehearsal/ (rehearsal motion in; beside export)
    6  pipeline   previs/pipeline.py       (level -> sim -> plan -> export in one call)
    7  testing    previs/testing/          (LEVEL.expect.toml checks; pure, beside export)
    -- the core ends here: layers 0-7 never import pygame, OpenGL, PIL, matplotlib or av --
    8  gl         previs/gl/               (GL core: context, shaders, meshes, renderer)
    9  products   previs/window/, previs/animatic/, previs/report/
    10 cli        previs/cli/, previs/__main__.py

The three products sit side by side and do not import each other, with one documented
exception: ``report`` may import ``animatic.render`` (the offscreen renderer that draws its
storyboard stills, the same one the animatic draws with) and ``animatic.progress`` (the
terminal progress bar both show). That edge is one-way (animatic never imports report)
and narrow (those two modules only); the better home for ``OffscreenRenderer`` is
``gl/`` and moving it there removes the first half of the exception.

The core also never reads the clock (same level + same take => identical bytes): no
``time.time``/``monotonic``/``perf_counter``/``localtime``/``strftime``…, no
``datetime.now``/``today``/``utcnow`` in layers 0-6. ``testing/`` (layer 7) may call
``time.perf_counter`` only: it times its own run for the ``[0.40 s]`` it prints, which is
never part of an output file.

Imports count at any depth (inside functions, ``try`` blocks), relative or absolute, and
``importlib.import_module("literal")``; see ``importkit.py``. A failure names the file,
the line and the forbidden import. There are no exceptions: the last two known edges
(``gl.renderer -> window.hudlayer`` and a wall-clock read in ``sim.take``) were removed.
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass
from pathlib import Path

import pytest

from importkit import PACKAGE, ROOT, Import, imports_of, module_name, package_files

LAYERS = {
    "previs.level": 1, "previs.sim": 2, "previs.pose": 3, "previs.plan": 4, "previs.export": 5, "previs.rehearsal": 5,
    "previs.pipeline": 6, "previs.testing": 7, "previs.gl": 8,
    "previs.window": 9, "previs.animatic": 9, "previs.report": 9,
    "previs.cli": 10, "previs.__main__": 10,
}
LAYER_NAMES = {0: "base", 1: "level", 2: "sim", 3: "pose", 4: "plan", 5: "export", 6: "pipeline",
               7: "testing", 8: "gl", 9: "product", 10: "cli"}
PRODUCTS = 9          # the layer whose units do not import each other
CORE_TOP = 7          # layers 0..CORE_TOP are the core
CLOCK_FREE_TOP = 6    # layers 0..CLOCK_FREE_TOP never read the clock; testing may time itself
#: Third-party packages only the layers above the core may import (drawing, images, video).
DRAWING = ("pygame", "OpenGL", "PIL", "matplotlib", "av")
#: Imports between products allowed (importer unit, imported module prefix); see the docstring.
SIBLING_EDGES = {("previs.report", "previs.animatic.render"), ("previs.report", "previs.animatic.progress")}
#: Reading the clock: functions of the ``time`` module, and methods of datetime/date.
TIME_CLOCKS = {"time", "time_ns", "monotonic", "monotonic_ns", "perf_counter", "perf_counter_ns",
               "process_time", "process_time_ns", "thread_time", "thread_time_ns", "localtime",
               "gmtime", "ctime", "asctime", "strftime"}
DATETIME_CLOCKS = {"now", "today", "utcnow"}
TESTING_MAY_TIME = {"perf_counter", "perf_counter_ns"}



@dataclass(frozen=True)
class Violation:
    where: str      # file:line
    module: str     # the importing module
    target: str     # the forbidden import or clock call
    why: str

    def __str__(self) -> str:
        return f"{self.where}: {self.module} -> {self.target}: {self.why}"


def layer_of(name: str) -> int | None:
    """The layer of module ``name`` (``previs....``), or None for a previs package not in LAYERS."""
    for prefix, layer in LAYERS.items():
        if name == prefix or name.startswith(prefix + "."):
            return layer
    parts = name.split(".")
    if len(parts) >= 2 and (PACKAGE / parts[1]).is_dir() and parts[1] != "__pycache__":
        return None  # a new sub-package: it must be given a layer
    return 0  # previs itself, a top-level module, or a name defined in previs/__init__.py


def unit_of(name: str) -> str:
    """The layer unit a module belongs to: ``previs.gl.renderer`` -> ``previs.gl``."""
    for prefix in LAYERS:
        if name == prefix or name.startswith(prefix + "."):
            return prefix
    return "previs"


def _import_violations(imp: Import) -> list[Violation]:
    here = layer_of(imp.module)
    where = imp.where()
    if here is None:
        return [Violation(where, imp.module, imp.module,
                          "a package with no layer: add it to LAYERS in tests/test_architecture.py")]
    if imp.top in DRAWING:
        if here <= CORE_TOP:
            return [Violation(where, imp.module, imp.target,
                              f"the core ({LAYER_NAMES[here]}) never imports {imp.top} "
                              f"(only gl, window, animatic, report and cli draw)")]
        return []
    if imp.top != "previs":
        return []
    there = layer_of(imp.target)
    if there is None:
        return [Violation(where, imp.module, imp.target,
                          "imports a package with no layer: add it to LAYERS in tests/test_architecture.py")]
    mine, theirs = unit_of(imp.module), unit_of(imp.target)
    if mine == theirs or there < here or (there == here != PRODUCTS):
        return []
    if there == here and any(mine == a and imp.target.startswith(b) for a, b in SIBLING_EDGES):
        return []
    what = "a sibling product" if there == here else "a higher layer"
    return [Violation(where, imp.module, imp.target,
                      f"{LAYER_NAMES[here]} (layer {here}) imports {what}: "
                      f"{LAYER_NAMES[there]} (layer {there})")]


def _clock_violations(path: Path, module: str, tree: ast.AST) -> list[Violation]:
    layer = layer_of(module)
    if layer is None or layer > CORE_TOP:
        return []
    allowed = TESTING_MAY_TIME if layer > CLOCK_FREE_TOP else set()
    time_names: set[str] = set()       # names bound to the time module
    datetime_names: set[str] = set()   # names bound to the datetime module or its classes
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name == "time":
                    time_names.add(a.asname or "time")
                elif a.name == "datetime":
                    datetime_names.add(a.asname or "datetime")
        elif isinstance(node, ast.ImportFrom) and node.module in ("time", "datetime") and not node.level:
            for a in node.names:
                if node.module == "time" and a.name in TIME_CLOCKS - allowed:
                    found.append((node.lineno, f"time.{a.name}"))
                elif node.module == "datetime":
                    datetime_names.add(a.asname or a.name)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        root = node.value
        while isinstance(root, ast.Attribute):
            root = root.value
        if not isinstance(root, ast.Name):
            continue
        if root.id in time_names and node.value is root and node.attr in TIME_CLOCKS - allowed:
            found.append((node.lineno, f"time.{node.attr}"))
        elif root.id in datetime_names and node.attr in DATETIME_CLOCKS:
            found.append((node.lineno, f"{ast.unparse(node)}"))
    return [Violation(f"{path.relative_to(ROOT)}:{line}", module, call,
                      f"the core ({LAYER_NAMES[layer]}) never reads the clock "
                      f"(same level + same take => identical bytes)")
            for line, call in sorted(set(found))]


def check_file(path: Path, source: str | None = None) -> list[Violation]:
    """Every violation in the file at ``path`` (or in ``source``, as if it were at ``path``)."""
    text = path.read_text(encoding="utf-8") if source is None else source
    found = [v for imp in imports_of(path, source=text) for v in _import_violations(imp)]
    return found + _clock_violations(path, module_name(path), ast.parse(text, str(path)))


@functools.cache
def all_violations() -> tuple[Violation, ...]:
    return tuple(v for p in package_files() for v in check_file(p))


def test_every_import_points_down_the_layers():
    new = list(all_violations())
    assert not new, "imports against the direction of the code (see tests/test_architecture.py):\n" + \
        "\n".join(map(str, new))


def test_every_package_has_a_layer():
    packages = sorted(p.name for p in PACKAGE.iterdir()
                      if p.is_dir() and (p / "__init__.py").exists())
    assert "plan" in packages and [p for p in packages if f"previs.{p}" not in LAYERS] == []


# -- the checker itself: each rule fires, with file, line and the forbidden import ---------------


def _check(relpath: str, source: str) -> list[str]:
    return [f"{v.where} {v.target}" for v in check_file(ROOT / relpath, source)]


def test_checker_finds_drawing_imports_in_the_core_at_any_depth():
    src = ("import numpy\n"
           "def f():\n"
           "    try:\n"
           "        import pygame.font\n"
           "    except ImportError:\n"
           "        from OpenGL import GL\n"
           "import importlib\n"
           "importlib.import_module('matplotlib.pyplot')\n")
    assert _check("previs/plan/newmod.py", src) == [
        "previs/plan/newmod.py:4 pygame.font", "previs/plan/newmod.py:6 OpenGL.GL",
        "previs/plan/newmod.py:8 matplotlib.pyplot"]
    assert _check("previs/gl/newmod.py", src) == []


def test_checker_resolves_relative_imports_against_the_layers():
    src = ("from . import cuts\n"                 # same package: fine
           "from ..level.model import Level\n"    # down: fine
           "from ..export import usd\n"           # up
           "from .. import fsutil\n"              # base: fine
           "def g():\n"
           "    from ..gl.renderer import Renderer\n")  # up, inside a function
    assert _check("previs/plan/newmod.py", src) == [
        "previs/plan/newmod.py:3 previs.export.usd", "previs/plan/newmod.py:6 previs.gl.renderer.Renderer"]
    # in a package's __init__, one dot is the package itself
    assert _check("previs/sim/__init__.py", "from .take import x\nfrom ..plan import cuts\n") == [
        "previs/sim/__init__.py:2 previs.plan.cuts"]


def test_checker_keeps_products_apart_but_for_the_documented_edge():
    assert _check("previs/window/newmod.py", "from ..animatic import burnin\n") == [
        "previs/window/newmod.py:1 previs.animatic.burnin"]
    assert _check("previs/animatic/newmod.py", "from previs.report.page import x\n") == [
        "previs/animatic/newmod.py:1 previs.report.page.x"]
    assert _check("previs/report/newmod.py",
                  "from ..animatic.render import offscreen_renderer\nfrom ..animatic.burnin import b\n") == [
        "previs/report/newmod.py:2 previs.animatic.burnin.b"]
    assert _check("previs/gl/newmod.py", "from ..window import hudlayer\n") == [
        "previs/gl/newmod.py:1 previs.window.hudlayer"]
    assert _check("previs/cli/newmod.py", "from ..window import app\nfrom ..report import page\n") == []


def test_checker_finds_clock_reads_in_the_core():
    src = ("import time as t\n"
           "import datetime\n"
           "from datetime import date\n"
           "from time import monotonic, sleep\n"
           "a = t.perf_counter()\n"
           "b = datetime.datetime.now()\n"
           "c = date.today()\n"
           "d = t.sleep\n")
    expected = ["time.monotonic", "time.perf_counter", "datetime.datetime.now", "date.today"]
    assert [s.split(" ")[1] for s in _check("previs/export/newmod.py", src)] == expected
    assert [s.split(" ")[0] for s in _check("previs/export/newmod.py", src)] == [
        "previs/export/newmod.py:4", "previs/export/newmod.py:5", "previs/export/newmod.py:6",
        "previs/export/newmod.py:7"]
    # testing/ may time itself with perf_counter, nothing else; above the core anything goes
    assert [s.split(" ")[1] for s in _check("previs/testing/newmod.py", src)] == [
        "time.monotonic", "datetime.datetime.now", "date.today"]
    assert _check("previs/window/newmod.py", src) == []
    assert _check("previs/timebase.py", "import time\nx = time.time()\n") == ["previs/timebase.py:2 time.time"]
