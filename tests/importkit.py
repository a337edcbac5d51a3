"""Read what a Python file imports, without importing it (``ast``), for the architecture
and dependency tests.

Every import counts wherever it is written: at the top, inside functions, methods,
``try``/``except ImportError`` or ``if TYPE_CHECKING`` blocks, relative (``from ..gl
import renderer``) or absolute, and ``importlib.import_module("name")`` /
``__import__("name")`` with a literal name.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "previs"


@dataclass(frozen=True)
class Import:
    """One imported name: ``target`` is absolute and dotted (``previs.window.hudlayer``,
    ``OpenGL.GL``); for ``from M import a`` it is ``M.a`` (``a`` may be a function, not a
    module: callers match on prefixes). ``line`` is 1-based."""

    module: str
    path: Path
    line: int
    target: str

    @property
    def top(self) -> str:
        return self.target.split(".")[0]

    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def module_name(path: Path, root: Path = ROOT) -> str:
    """``previs/gl/renderer.py`` -> ``previs.gl.renderer``; ``previs/gl/__init__.py`` -> ``previs.gl``."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(module: str, is_package: bool, level: int, name: str | None) -> str:
    """The absolute name of ``from <level dots><name> import ...`` written in ``module``."""
    base = module.split(".")
    if not is_package:
        base = base[:-1]  # a plain module's dots count from its package
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join(base + ([name] if name else []))


def imports_of(path: Path, root: Path = ROOT, source: str | None = None) -> list[Import]:
    """Every import in the file at ``path`` (or in ``source``, named as if at ``path``)."""
    module = module_name(path, root)
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8") if source is None else source, str(path))
    found: list[Import] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [Import(module, path, node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(module, is_package, node.level, node.module) if node.level else node.module
            found += [Import(module, path, node.lineno, f"{base}.{a.name}" if a.name != "*" else base)
                      for a in node.names]
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            f = node.func
            called = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
            if called in ("import_module", "__import__"):
                found.append(Import(module, path, node.lineno, node.args[0].value))
    return sorted(found, key=lambda i: (i.line, i.target))


def package_files(package: Path = PACKAGE) -> list[Path]:
    return sorted(p for p in package.rglob("*.py") if "__pycache__" not in p.parts)
