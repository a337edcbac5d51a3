"""Real Tiled output loads to the same level.

Every bundled ``levels/*.tmx`` and every fixture is re-saved by the installed Tiled
(``tiled --export-map tmx``, headless) and must load to an equal model: same performers,
positions to 1e-9 m, beats, paths, zones and walls. Tiled's own template detaching and
tileset embedding (``--detach-templates --embed-tilesets``) must agree with the engine's.
Tiled's example maps either load or are refused with a clear message, never a traceback.
Skipped, with the reason, where Tiled is not installed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from previs.errors import LevelError
from previs.level.loader import load_level
from previs.level.safe_read import find_project_root
from tmxkit import BASIC, EXT, same_model
from tmxkit import reencode as _reencode

ROOT = Path(__file__).resolve().parent.parent
TILED = shutil.which("tiled")
TILED_EXAMPLES = Path("/usr/share/doc/tiled/examples")
BUNDLED = sorted((ROOT / "levels").glob("*.tmx"))

needs_tiled = pytest.mark.skipif(TILED is None, reason="Tiled is not installed (apt install tiled)")


def tiled_export(src: Path, dst: Path, *flags: str) -> None:
    """Re-save ``src`` as ``dst`` exactly as Tiled writes maps (offscreen, no window)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    r = subprocess.run(
        [TILED, "--export-map", "tmx", *flags, str(src), str(dst)], capture_output=True, text=True, env=env, timeout=120
    )
    assert r.returncode == 0 and dst.exists(), f"tiled failed on {src}: {r.stdout}{r.stderr}"


def _copy_project(level: Path, tmp_path: Path) -> Path:
    """Copy the level's project folder into tmp (Tiled rewrites references relative to
    where it saves, so the copy keeps every reference inside the project). Returns the
    level's path in the copy."""
    project = find_project_root(level)
    dest = tmp_path / project.name
    shutil.copytree(
        project, dest, symlinks=False,
        ignore=shutil.ignore_patterns(".git", ".venv", "out", "takes", "__pycache__", "*.egg-info", ".pytest_cache"),
    )
    return dest / level.resolve().relative_to(project)


@needs_tiled
@pytest.mark.parametrize("level", BUNDLED or [None], ids=[p.name for p in BUNDLED] or ["none"])
def test_bundled_levels_survive_a_tiled_resave(level, tmp_path):
    if level is None:
        pytest.skip("no bundled levels/*.tmx yet")
    original = load_level(level)
    copy = _copy_project(level, tmp_path)
    resaved = copy.with_name(copy.stem + ".resaved.tmx")
    tiled_export(copy, resaved)
    same_model(load_level(resaved), original)


@needs_tiled
@pytest.mark.parametrize("how", ["csv", "base64", "zlib", "gzip"])
def test_fixture_encodings_as_written_by_tiled(how, tmp_path):
    """Tiled keeps a map's layer format: feeding it each encoding yields Tiled's own CSV,
    base64, zlib and gzip output (its compressor, its line breaks)."""
    src = tmp_path / "basic.tmx"
    src.write_text(_reencode(BASIC.read_text(), how))
    out = tmp_path / "basic.resaved.tmx"
    tiled_export(src, out)
    text = out.read_text()
    if how in ("zlib", "gzip"):
        assert f'compression="{how}"' in text
    elif how == "base64":
        assert 'encoding="base64"' in text and "compression" not in text
    else:
        assert 'encoding="csv"' in text
    assert 'tiledversion="' in text
    same_model(load_level(out), load_level(BASIC))


@needs_tiled
def test_external_tileset_and_templates_survive_a_tiled_resave(tmp_path):
    copy = _copy_project(EXT, tmp_path)
    out = copy.with_name("ext.resaved.tmx")
    tiled_export(copy, out)
    assert 'template="../templates/goon.tx"' in out.read_text()
    same_model(load_level(out), load_level(EXT))


@needs_tiled
def test_tiled_detaching_templates_agrees_with_the_engine(tmp_path):
    """Tiled's own template expansion and tileset embedding give the same level as the
    engine's expansion of the templates and reading of the .tsx."""
    copy = _copy_project(EXT, tmp_path)
    out = copy.with_name("ext.flat.tmx")
    tiled_export(copy, out, "--detach-templates", "--embed-tilesets")
    text = out.read_text()
    assert "template=" not in text and ".tsx" not in text
    same_model(load_level(out), load_level(EXT))


def _example_maps(tmp_path: Path) -> list[Path]:
    """Tiled's example maps, copied and un-gzipped (Debian compresses docs)."""
    import gzip

    dest = tmp_path / "examples"
    shutil.copytree(TILED_EXAMPLES, dest)
    for gz in dest.rglob("*.gz"):
        gz.with_suffix("").write_bytes(gzip.decompress(gz.read_bytes()))
        gz.unlink()
    return sorted(dest.rglob("*.tmx"))


@pytest.mark.skipif(not TILED_EXAMPLES.is_dir(), reason="Tiled's example maps are not installed (apt install tiled)")
def test_tiled_example_maps_load_or_are_refused_cleanly(tmp_path):
    maps = _example_maps(tmp_path)
    assert maps, "no example maps found"
    for path in maps:
        text = path.read_text(errors="replace")
        try:
            level = load_level(path)
        except LevelError as e:
            assert e.problems, path
            for line in e.problems:
                assert line.startswith(f"{path}: "), line
            joined = "\n".join(e.problems)
            orientation = re.search(r'orientation="(\w+)"', text).group(1)
            if orientation != "orthogonal":
                assert f"{orientation} map; previs levels are orthogonal" in joined, joined
            elif 'infinite="1"' in text:
                assert "is an infinite map" in joined, joined
            elif 'type="henry"' not in text:
                # none of Tiled's examples is a fight: they are refused for having no henry
                assert "has no henry object" in joined, joined
        else:
            assert level.henry is not None


@needs_tiled
@pytest.mark.skipif(not TILED_EXAMPLES.is_dir(), reason="Tiled's example maps are not installed")
def test_tiled_example_map_with_a_henry_added_loads(tmp_path):
    """desert.tmx (external tileset, zlib data) becomes a level once it has a henry."""
    maps = {p.name: p for p in _example_maps(tmp_path)}
    desert = maps["desert.tmx"]
    text = desert.read_text().replace(
        "</map>",
        '<objectgroup id="9" name="fight"><object id="1" name="Henry" type="henry" x="320" y="320"><point/></object></objectgroup>\n</map>',
    )
    desert.write_text(text)
    level = load_level(desert)
    assert level.henry.position == (10.0, 10.0)
    assert level.walls.solid.sum() == 0  # the desert has no walls layer: all art
    resaved = desert.with_name("desert.resaved.tmx")
    tiled_export(desert, resaved)
    same_model(load_level(resaved), level)
