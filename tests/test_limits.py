"""Every limit in :mod:`previs.level.limits` (and the take reader's): a level at the limit
loads, one just past it is refused with a message that names the limit, within the refusal
bounds of ``previs check`` (2 s CPU, 200 MB). ``docs/limits.md`` lists them with the load
and replay time and memory measured at each (``benchmarks/limits.py``).

Limits already tested past the line in ``tests/test_level_refusals.py`` are not repeated:
file size, XML elements and depth, claimed map tiles, total tile cells, object count.
"""

from __future__ import annotations

import json
import math
import sys
import time
from pathlib import Path

import pytest

from previs.errors import LevelError, TakeError
from previs.level import limits as L
from previs.level.loader import load_level
from previs.sim.take import FORMAT, check_take, max_ticks, read_take

from tmxkit import HENRY, make_map, obj, ref
from tmxkit import HEAD, refused

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from limits import fight, many_points  # noqa: E402  (the benchmark's generators)


def loads(path, within: float = 10.0):
    t0 = time.process_time()
    level = load_level(path)
    assert time.process_time() - t0 < within
    return level


def polyline(oid: int, name: str, points, x=0, y=0, props=None) -> str:
    pts = " ".join(f"{px:g},{py:g}" for px, py in points)
    return obj(oid, "path", name, x, y, props, shape=f'<polyline points="{pts}"/>')


# --------------------------------------------------------------------------------------
# Choreography size (new with issue 8)
# --------------------------------------------------------------------------------------
def test_performers(tmp_path, capsys):
    at = fight(tmp_path / "at.tmx", performers=L.MAX_PERFORMERS, seconds=10, beats=10, walking=False)
    assert len(loads(at).performers) == L.MAX_PERFORMERS
    past = fight(tmp_path / "past.tmx", performers=L.MAX_PERFORMERS + 1, seconds=10, beats=10, walking=False)
    refused(past, capsys, f"past.tmx: has {L.MAX_PERFORMERS + 1} performers, more than the {L.MAX_PERFORMERS} "
                          "a level may have; split the fight")


def test_beats(tmp_path, capsys):
    at = fight(tmp_path / "at.tmx", performers=3, seconds=600, beats=L.MAX_BEATS, walking=False)
    assert len(loads(at).beats) == L.MAX_BEATS
    past = fight(tmp_path / "past.tmx", performers=3, seconds=600, beats=L.MAX_BEATS + 1, walking=False)
    refused(past, capsys, f"has {L.MAX_BEATS + 1} beats, more than the {L.MAX_BEATS} a level may have")


def test_actor_frames(tmp_path, capsys):
    # 99 performers + Henry = 100 actors: the limit is MAX_ACTOR_FRAMES / 100 frames at 24 fps
    frames = L.MAX_ACTOR_FRAMES // 100
    at = fight(tmp_path / "at.tmx", performers=99, seconds=frames / 24, beats=20, walking=False)
    lv = loads(at)
    assert lv.settings.frames * 100 == L.MAX_ACTOR_FRAMES
    past = fight(tmp_path / "past.tmx", performers=99, seconds=(frames + 1) / 24, beats=20, walking=False)
    refused(past, capsys, f"would replay {frames + 1} frames x 100 actors (Henry and 99 performers) = "
                          f"{(frames + 1) * 100}, more than the {L.MAX_ACTOR_FRAMES} frames x actors",
            "shorten the duration, lower fps, or split the fight")


def test_actor_frames_of_a_take(tmp_path):
    lv = loads(fight(tmp_path / "l.tmx", performers=99, seconds=10, beats=0, walking=False))
    frames = L.MAX_ACTOR_FRAMES // 100
    take = tmp_path / "t.take"
    header = {"format": FORMAT, "level": "l.tmx", "level_hash": lv.content_hash, "fps": 24}
    with open(take, "w") as fh:
        fh.write(json.dumps(header) + "\n")
        fh.writelines(f"{k} 0 0 0 0 0\n" for k in range(frames + 1))
    t = read_take(take)
    with pytest.raises(TakeError) as e:
        check_take(t, lv)
    assert f"{frames + 1} ticks x 100 actors" in str(e.value) and "the take is kept" in str(e.value)
    check_take(t.__class__(t.level, t.level_hash, t.fps, t.cmds[:frames], t.header, (), t.path), lv)


def test_take_length(tmp_path):
    """A take replays at most MAX_DURATION at its fps; more is kept but not replayed."""
    assert max_ticks(L.MAX_FPS) == int(L.MAX_DURATION * L.MAX_FPS)
    take = tmp_path / "t.take"
    n = max_ticks(1)  # one hour at 1 fps: 3600 ticks
    header = {"format": FORMAT, "level": "l.tmx", "level_hash": "0" * 64, "fps": 1}
    take.write_text(json.dumps(header) + "\n" + "".join(f"{k} 0 0 0 0 0\n" for k in range(n)))
    assert len(read_take(take).cmds) == n and read_take(take).warnings == ()
    with open(take, "a") as fh:
        fh.write(f"{n} 0 0 0 0 0\n")
    t = read_take(take)
    assert len(t.cmds) == n and f"longer than {n} ticks (60 minutes at 1 fps" in t.warnings[0]


# --------------------------------------------------------------------------------------
# Time
# --------------------------------------------------------------------------------------
def test_fps(tmp_path, capsys):
    # A level runs at a production rate (at most 60); tracks and takes go up to MAX_FPS.
    assert loads(make_map(tmp_path, props={"fps": 60, "duration": 1.0})).settings.fps == 60
    refused(make_map(tmp_path, props={"fps": L.MAX_FPS}), capsys,
            f"fps = {L.MAX_FPS} is not a production frame rate; did you mean 60?")


def test_duration(tmp_path, capsys):
    assert loads(make_map(tmp_path, props={"duration": L.MAX_DURATION})).settings.duration == L.MAX_DURATION
    refused(make_map(tmp_path, props={"duration": L.MAX_DURATION + 0.5}), capsys,
            f"duration = {L.MAX_DURATION + 0.5:g} s is out of range; it must be more than 0 and at most {L.MAX_DURATION:g} s")


def test_derived_duration(tmp_path, capsys):
    beat = {"actor": ref(1), "action": "wave"}
    at = HENRY + obj(9, "beat", "b", 0, 0, {**beat, "t": L.MAX_DURATION - 2.5})  # ends at t + 0.5, + 2 s tail
    assert loads(make_map(tmp_path, at)).settings.duration == L.MAX_DURATION
    past = HENRY + obj(9, "beat", "b", 0, 0, {**beat, "t": L.MAX_DURATION - 2.0})
    refused(make_map(tmp_path, past), capsys, f"would last {L.MAX_DURATION + 0.5:.0f} s (last motion or beat end + 2 s), "
                                              f"more than the {L.MAX_DURATION:g} s limit", "set the map property duration")


def test_any_time_value(tmp_path, capsys):
    beat = {"t": L.MAX_TIME, "actor": ref(1), "action": "wave", "duration": L.MAX_TIME}
    assert loads(make_map(tmp_path, HENRY + obj(9, "beat", "b", 0, 0, beat), props={"duration": 60.0}))
    beat["t"] = L.MAX_TIME + 1
    refused(make_map(tmp_path, HENRY + obj(9, "beat", "b", 0, 0, beat)), capsys,
            f"object 9 'b' (beat): t = {L.MAX_TIME + 1:g} s is out of range; it must be at least 0 and at most {L.MAX_TIME:g} s")
    henry = obj(1, "henry", "Henry", 48, 48, {"start": L.MAX_TIME + 1})
    refused(make_map(tmp_path, henry), capsys, "object 1 'Henry' (henry): start = 86401 s is out of range")


def test_walking_time_and_holds(tmp_path, capsys):
    # 10 m at 0.01 m/s = 1000 s, plus a hold: the walk is MAX_TIME at most
    route = polyline(2, "route", [(0, 0), (320, 0)], 32, 32, {"holds": f"1={L.MAX_TIME - 1000:g}"})
    henry = obj(1, "henry", "Henry", 32, 32, {"path": ref(2), "speed": 0.01})
    assert loads(make_map(tmp_path, henry + route, props={"duration": 60.0}))
    route = polyline(2, "route", [(0, 0), (320, 0)], 32, 32, {"holds": f"1={L.MAX_TIME - 999:g}"})
    refused(make_map(tmp_path, henry + route, props={"duration": 60.0}), capsys,
            f"object 1 'Henry' (henry): walks its path for {L.MAX_TIME + 1:.0f} s, more than the {L.MAX_TIME:g} s limit")
    route = polyline(2, "route", [(0, 0), (320, 0)], 32, 32, {"holds": f"1={L.MAX_TIME + 1:g}"})
    refused(make_map(tmp_path, henry + route), capsys, "holds for 86401 s; seconds must be from 0 to 86400")


# --------------------------------------------------------------------------------------
# Space
# --------------------------------------------------------------------------------------
def test_tile_pixels(tmp_path, capsys):
    assert loads(make_map(tmp_path, tw=L.MAX_TILE_PIXELS, th=16))
    refused(make_map(tmp_path, tw=L.MAX_TILE_PIXELS + 1), capsys,
            f"map attribute tilewidth='{L.MAX_TILE_PIXELS + 1}' is not a whole number from 1 to {L.MAX_TILE_PIXELS}")


def test_map_tiles_exactly(tmp_path, capsys):
    """The largest map loads; one column more is refused before any tile data is read
    (``test_level_refusals`` covers a map claiming millions of tiles)."""
    import base64
    import zlib

    def big(w, h):
        data = base64.b64encode(zlib.compress(bytes(4 * w * h))).decode()
        text = (f'{HEAD}<map version="1.8" orientation="orthogonal" width="{w}" height="{h}" tilewidth="32" '
                f'tileheight="32" infinite="0"><layer id="1" name="walls" width="{w}" height="{h}">'
                f'<data encoding="base64" compression="zlib">{data}</data></layer>'
                f'<objectgroup id="2">{HENRY}</objectgroup></map>')
        p = tmp_path / f"{w}x{h}.tmx"
        p.write_text(text)
        return p

    assert loads(big(1024, 1024)).walls.solid.shape == (1024, 1024)
    refused(big(1025, 1024), capsys, f"claims 1025x1024 = {1025 * 1024} tiles, more than the {L.MAX_MAP_TILES} "
                                     "(1024x1024) a level may have; refused before decoding any tile data")


def test_coordinates(tmp_path, capsys):
    far = L.MAX_COORD_M * 32  # pixels at 1 m per 32 px tile
    assert loads(make_map(tmp_path, obj(1, "henry", "Henry", far, 0)))
    refused(make_map(tmp_path, obj(1, "henry", "Henry", far + 64, 0)), capsys,
            f"object 1 'Henry' (henry): lies {L.MAX_COORD_M + 2:.0f} m from the map's origin, beyond the "
            f"{L.MAX_COORD_M:.0f} m limit")


def test_path_length(tmp_path, capsys):
    # a zig-zag between x = 0 and x = 50 km: 20 legs of 50 km = 1000 km exactly
    leg = L.MAX_PATH_LENGTH_M / 20 * 32
    pts = [(leg * (k % 2), 0) for k in range(21)]
    henry = obj(1, "henry", "Henry", 0, 0, {"path": ref(2), "speed": 100.0})
    lv = loads(make_map(tmp_path, henry + polyline(2, "long", pts), props={"duration": 60.0}))
    assert lv.henry.path is not None
    pts.append((32, 0))  # one metre more
    refused(make_map(tmp_path, henry + polyline(2, "long", pts), props={"duration": 60.0}), capsys,
            f"object 2 'long' (path): is {L.MAX_PATH_LENGTH_M + 1:.0f} m long, more than the "
            f"{L.MAX_PATH_LENGTH_M:.0f} m limit")


def test_points_per_object(tmp_path, capsys):
    n = L.MAX_POINTS_PER_OBJECT
    henry = obj(1, "henry", "Henry", 32, 32, {"path": ref(2)})
    at = polyline(2, "wiggle", [(k % 64, k // 64) for k in range(n)], 32, 32)
    assert len(loads(make_map(tmp_path, henry + at, width=8, height=8, props={"duration": 10.0})).henry.path.points) == n
    past = polyline(2, "wiggle", [(k % 64, k // 64) for k in range(n + 1)], 32, 32)
    refused(make_map(tmp_path, henry + past, width=8, height=8), capsys,
            f"object 2 'wiggle' (path): has {n + 1} points, more than the {n} limit; simplify the line")


def test_points_in_all(tmp_path, capsys):
    lv = loads(many_points(tmp_path / "at.tmx"))
    assert sum(len(p.points) for p in lv.paths) == L.MAX_POINTS
    refused(many_points(tmp_path / "past.tmx", points=L.MAX_POINTS + 1), capsys,
            f"has {L.MAX_POINTS + 1} polyline/polygon points, more than the {L.MAX_POINTS} a level may have")


# --------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------
def _tileset(path: Path, pad: int = 0) -> None:
    path.write_text(f'{HEAD}<tileset name="t" tilewidth="32" tileheight="32" tilecount="1" columns="1">'
                    f'<!--{"x" * pad}--></tileset>')


def test_external_file_size(tmp_path, capsys):
    _tileset(tmp_path / "at.tsx", L.MAX_AUX_BYTES - 200)
    assert (tmp_path / "at.tsx").stat().st_size <= L.MAX_AUX_BYTES
    assert loads(make_map(tmp_path, tilesets='<tileset firstgid="1" source="at.tsx"/>'))
    _tileset(tmp_path / "past.tsx", L.MAX_AUX_BYTES)
    refused(make_map(tmp_path, tilesets='<tileset firstgid="1" source="past.tsx"/>'), capsys,
            "tileset source 'past.tsx': 'past.tsx' (past.tsx) is larger than the 4 MB limit for this kind of file")


def test_external_file_count(tmp_path, capsys):
    n = L.MAX_EXTERNAL_FILES
    for k in range(n + 1):
        _tileset(tmp_path / f"t{k}.tsx")
    at = "".join(f'<tileset firstgid="{1 + k}" source="t{k}.tsx"/>' for k in range(n))
    assert loads(make_map(tmp_path, tilesets=at))
    past = at + f'<tileset firstgid="{1 + n}" source="t{n}.tsx"/>'
    refused(make_map(tmp_path, tilesets=past), capsys,
            f"tileset source 't{n}.tsx': is one file too many: a map may use {n} tilesets and templates")


def test_problem_count(tmp_path, capsys):
    """Past MAX_PROBLEMS the rest are counted, not listed (the output stays readable)."""
    n = L.MAX_PROBLEMS + 20
    beats = "".join(obj(10 + k, "beat", f"b{k}", 0, 0, {"t": "later", "actor": ref(1), "action": "wave"}) for k in range(n))
    err = refused(make_map(tmp_path, HENRY + beats), capsys, "... and 20 more problems (fix the ones above first).")
    assert err.count("is not a number") == L.MAX_PROBLEMS


def test_limits_are_documented(root):
    """docs/limits.md names every limit constant, with its value."""
    text = (root / "docs" / "limits.md").read_text(encoding="utf-8")
    for name in dir(L):
        if name.startswith("MAX_"):
            assert f"`{name}`" in text, f"{name} is not in docs/limits.md"
    import previs.sim.take as take

    for name in ("MAX_TICKS", "MAX_HEADER_BYTES", "MAX_LINE_BYTES"):
        assert f"`{name}`" in text, f"take limit {name} is not in docs/limits.md"
    assert math.isfinite(take.MAX_TICKS)


# --------------------------------------------------------------------------------------
# Security: nothing outside the level's project is read; no code runs from input files
# --------------------------------------------------------------------------------------
TSX = '<tileset name="t" tilewidth="32" tileheight="32" tilecount="1" columns="1"/>'


def _escape(tmp_path: Path, how: str, target: Path) -> str:
    """A reference from ``tmp_path/proj`` (the project) to ``target`` outside it."""
    proj = tmp_path / "proj"
    if how == "dotdot":
        return f"../{target.parent.name}/{target.name}"
    if how == "absolute":
        return str(target)
    if how == "symlink":
        link = proj / ("link" + target.suffix)
        link.symlink_to(target)
        return link.name
    if how == "symlinked-folder":
        (proj / "shared").symlink_to(target.parent, target_is_directory=True)
        return "shared/" + target.name
    raise ValueError(how)


@pytest.mark.parametrize("how", ["dotdot", "absolute", "symlink", "symlinked-folder"])
@pytest.mark.parametrize("what", ["tileset", "template", "tileset image", "image layer", "image in external tileset",
                                  "template's tileset"])
def test_references_leaving_the_project_are_refused(tmp_path, capsys, what, how):
    proj = tmp_path / "proj"
    proj.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "evil.tsx").write_text(HEAD + TSX)
    (outside / "evil.tx").write_text(HEAD + '<template><object type="performer"><point/></object></template>')
    (outside / "evil.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    objects, tilesets, layers = HENRY, None, ""
    if what == "tileset":
        ref_ = _escape(tmp_path, how, outside / "evil.tsx")
        tilesets = f'<tileset firstgid="1" source="{ref_}"/>'
    elif what == "template":
        ref_ = _escape(tmp_path, how, outside / "evil.tx")
        objects += f'<object id="2" template="{ref_}" x="10" y="10"/>'
    elif what == "tileset image":
        ref_ = _escape(tmp_path, how, outside / "evil.png")
        tilesets = (f'<tileset firstgid="1" name="pics" tilewidth="32" tileheight="32" tilecount="1" columns="1">'
                    f'<image source="{ref_}" width="32" height="32"/></tileset>')
    elif what == "image layer":
        ref_ = _escape(tmp_path, how, outside / "evil.png")
        layers = f'<imagelayer id="7" name="backdrop"><image source="{ref_}"/></imagelayer>'
    elif what == "image in external tileset":
        ref_ = _escape(tmp_path, how, outside / "evil.png")
        (proj / "inside.tsx").write_text(HEAD + '<tileset name="c" tilewidth="32" tileheight="32" tilecount="1" columns="0">'
                                         f'<tile id="0"><image source="{ref_}" width="32" height="32"/></tile></tileset>')
        tilesets = '<tileset firstgid="1" source="inside.tsx"/>'
    else:  # a template inside the project whose tileset is outside
        ref_ = _escape(tmp_path, how, outside / "evil.tsx")
        (proj / "tile.tx").write_text(HEAD + f'<template><tileset firstgid="1" source="{ref_}"/>'
                                      '<object gid="1" width="32" height="32"/></template>')
        objects += '<object id="2" template="tile.tx" x="10" y="10"/>'
    p = make_map(proj, objects, tilesets=tilesets, layers=layers)
    refused(p, capsys, f"refers to '{ref_}', which resolves to {outside.resolve()}",
            "outside the level's project folder")


def test_loading_opens_no_file_outside_the_project(tmp_path):
    """With references pointing everywhere outside, the loader opens only the map and the
    project's own files (a Python audit hook sees every open)."""
    proj = tmp_path / "proj"
    proj.mkdir()
    (tmp_path / "evil.tsx").write_text(HEAD + TSX)
    (proj / "ok.tsx").write_text(HEAD + TSX)
    (proj / "link.tsx").symlink_to(tmp_path / "evil.tsx")
    tilesets = ('<tileset firstgid="1" source="ok.tsx"/><tileset firstgid="2" source="../evil.tsx"/>'
                f'<tileset firstgid="3" source="{tmp_path / "evil.tsx"}"/><tileset firstgid="4" source="link.tsx"/>'
                '<tileset firstgid="5" name="i" tilewidth="32" tileheight="32" tilecount="1" columns="1">'
                '<image source="/etc/passwd"/></tileset>')
    p = make_map(proj, HENRY + '<object id="2" template="/etc/hostname" x="1" y="1"/>', tilesets=tilesets)
    with pytest.raises(LevelError):
        load_level(p)  # warm: every module the loader imports is imported now
    opened: list[str] = []
    _AUDIT["sink"] = opened
    try:
        with pytest.raises(LevelError) as e:
            load_level(p)
    finally:
        _AUDIT["sink"] = None
    assert len(e.value.problems) >= 5
    real_proj = str(proj.resolve())
    outside = [f for f in opened if not f.startswith(real_proj) and not f.endswith((".py", ".pyc", ".so"))]
    assert outside == [], outside
    assert any(f.endswith("ok.tsx") for f in opened)


_AUDIT: dict = {"sink": None}


def _audit(event, args):
    sink = _AUDIT["sink"]
    if sink is not None and event == "open" and isinstance(args[0], (str, bytes, Path)):
        sink.append(str(Path(args[0] if not isinstance(args[0], bytes) else args[0].decode()).resolve()))


sys.addaudithook(_audit)


def _calls_and_imports(path: Path):
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            yield "call", node.func.id
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name):
            yield "call", f"{node.func.value.id}.{node.func.attr}"
        elif isinstance(node, ast.Import):
            yield from (("import", a.name.split(".")[0]) for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield "import", node.module.split(".")[0]


def test_no_code_runs_from_a_level_take_or_expectation_file():
    """The readers of untrusted files parse data only: no eval/exec/compile, no pickle,
    marshal, shelve or YAML (expectations are read with tomllib, takes with json)."""
    readers = sorted((ROOT / "previs" / "level").glob("*.py")) + [ROOT / "previs" / "sim" / "take.py",
                                                                ROOT / "previs" / "testing" / "expect.py"]
    banned_calls = {"eval", "exec", "compile", "__import__", "importlib.import_module", "os.system", "os.popen",
                    "builtins.eval", "builtins.exec"}
    banned_imports = {"pickle", "marshal", "shelve", "yaml", "dill", "subprocess", "ctypes"}
    for f in readers:
        for kind, name in _calls_and_imports(f):
            if kind == "call":
                assert name not in banned_calls, f"{f.name} calls {name}()"
            else:
                assert name not in banned_imports, f"{f.name} imports {name}"
    expect_src = (ROOT / "previs" / "testing" / "expect.py").read_text()
    assert "tomllib.loads" in expect_src



# --------------------------------------------------------------------------------------
# The wall-crossing prefilter that keeps MAX_POINTS fast must not change any notice
# --------------------------------------------------------------------------------------
def _exact_wall_notices(level_paths, walls):
    """The notices' content computed the slow way: every segment traversed exactly."""
    from previs.level.walls import crossed_cells

    out = {}
    for path in level_paths:
        route = list(path.points) + (list(path.points[:1]) if path.closed else [])
        cells = []
        for a, b in zip(route, route[1:]):
            r, c = crossed_cells(a, b, walls.cell, walls.rows, walls.cols)
            cells += [(int(x), int(y)) for x, y in zip(r, c) if walls.solid[x, y]]
        seen = list(dict.fromkeys(cells))
        if seen:
            out[path.id] = (seen[:5], len(seen))
    return out


def test_wall_prefilter_gives_the_exact_notices():
    from hypothesis import given, settings, strategies as st

    from previs.level.walls import path_wall_notices as _wall_notices
    from previs.level.diagnostics import Problems
    from previs.level.model import Path as LPath

    from levelkit import walls as make_walls

    coord = st.floats(-3, 15, allow_nan=False).map(lambda v: round(v * 4) / 4)  # often on grid lines

    @settings(max_examples=150, deadline=None, derandomize=True, database=None)
    @given(solid=st.sets(st.tuples(st.integers(0, 9), st.integers(0, 11)), max_size=40),
           routes=st.lists(st.tuples(st.lists(st.tuples(coord, coord), min_size=2, max_size=8), st.booleans()),
                           min_size=1, max_size=3),
           cell=st.sampled_from([1.0, 0.5, 2.0]))
    def check(solid, routes, cell):
        w = make_walls(rows=10, cols=12, solid_cells=solid, cell=cell)
        paths = tuple(LPath(id=k + 1, name=f"p{k}", points=tuple(pts), closed=closed, holds=())
                      for k, (pts, closed) in enumerate(routes))
        want = _exact_wall_notices(paths, w)
        probs = Problems("x.tmx")
        by_id = {p.id: type("O", (), {"id": p.id, "name": p.name, "kind": "path"})() for p in paths}
        _wall_notices(paths, w, by_id, probs)
        assert len(probs.notices) == len(want)
        for note, (pid, (first, count)) in zip(probs.notices, sorted(want.items())):
            assert f"object {pid} " in note
            for r, c in first:
                assert f"column {c}, row {r} " in note
            if count > 5:
                assert f"and {count - 5} more" in note

    check()
