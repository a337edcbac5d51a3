"""The level loader builds the model the contract describes: metres, axes, defaults,
paths and holds, beats, zones, walls, all four tile encodings, both kind spellings,
external tilesets and templates, notices, hash, and no pygame/OpenGL in the core.

``make_map``/``obj`` below are also used by the other level test modules.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from previs.level.loader import load_level
from previs.level.model import Level
from previs.level.revision import canonical_text, revision
from previs.timebase import time_base_of

from tmxkit import BASIC, EXT, HENRY, csv_rows, make_map, obj, ref, same_model
from tmxkit import reencode as _reencode

ROOT = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------------------
# The basic fixture: positions, defaults, paths, beats, zones, walls
# --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def basic() -> Level:
    return load_level(BASIC)


def test_settings_from_map_properties_with_defaults(basic):
    s = basic.settings
    assert (s.title, s.fps, s.tile_meters) == ("Basic fight", 25, 2.0)
    assert (s.start_tc, s.eye_height, s.hfov, s.max_take) == ("00:00:00:00", 1.7, 90.0, 60.0)
    assert (s.turn_cut_speed, s.turn_cut_angle, s.safety_distance) == (150.0, 40.0, 0.5)
    # 8x6 tiles of 2 m
    assert (basic.width, basic.depth) == (16.0, 12.0)
    assert basic.source == str(BASIC)


def test_positions_are_metres_on_contract_axes(basic):
    # Henry's point is at pixel (48, 48) on 32 px tiles of 2 m: (48 / 32 * 2) = 3 m east, 3 m south
    h = basic.henry
    assert (h.id, h.name, h.kind) == (1, "Henry", "henry")
    assert h.position == (3.0, 3.0)
    assert (h.speed, h.heading, h.start, h.radius) == (2.0, -90.0, 0.0, 0.3)
    assert h.path.points == ((3.0, 3.0), (7.0, 3.0), (7.0, 9.0))
    assert h.path.closed is False
    assert h.path.holds == ((1, 1.5), (2, 0.5))
    assert h.path.hold_at(1) == 1.5 and h.path.hold_at(0) == 0


def test_ellipse_means_centre_and_performer_defaults(basic):
    goon, anon = basic.performers
    # ellipse x=160 y=112 w=32 h=16 -> centre (176, 120) px -> (11, 7.5) m
    assert goon.position == (11.0, 7.5)
    assert (goon.name, goon.color, goon.role, goon.height) == ("Goon 1", (0, 255, 0), "enemy", 1.9)
    assert (goon.speed, goon.radius, goon.path) == (1.4, 0.3, None)
    # empty name -> "performer <id>"; polygon path = closed loop
    assert anon.name == "performer 4"
    assert anon.path.closed and anon.path.points == ((10.0, 8.0), (12.0, 8.0), (12.0, 10.0), (10.0, 10.0))
    assert anon.color == (200, 60, 50) and anon.height == 1.8


def test_beats_sorted_with_default_durations(basic):
    assert [(b.id, b.t) for b in basic.beats] == [(8, 0.5), (6, 1.0), (7, 3.0)]
    fall, look, punch = basic.beats
    assert (look.action, look.actor, look.target, look.duration) == ("look", 1, 3, 0.25)
    assert (punch.action, punch.actor, punch.target, punch.duration, punch.note) == ("punch", 3, 1, 0.5, "pulls it")
    assert punch.is_contact
    assert (fall.action, fall.target, fall.duration, fall.end) == ("fall", None, 1.0, 1.5)
    assert look.position == (2.5, 2.5)


def test_zones_rectangle_and_polygon(basic):
    pit, mat = basic.zones
    assert (pit.kind, pit.name, pit.hazardous) == ("no-go", "pit", True)
    assert pit.polygon == ((4.0, 8.0), (6.0, 8.0), (6.0, 10.0), (4.0, 10.0))
    assert (mat.kind, mat.hazardous) == ("crash-mat", False)
    assert mat.polygon == ((10.0, 2.0), (12.0, 2.0), (11.0, 4.0))


def test_walls_heights_colours_and_floor(basic):
    w = basic.walls
    assert (w.rows, w.cols, w.cell) == (6, 8, 2.0)
    assert int(w.solid.sum()) == 8 + 8 + 4 * 2 + 1
    assert w.solid[2, 3] and not w.solid[1, 1]
    assert w.height[0, 0] == 2.5 and w.height[2, 3] == 3.0 and w.height[1, 1] == 0.0
    assert tuple(w.color[0, 0]) == (0x10, 0x20, 0x30)  # #AARRGGBB drops alpha
    assert w.is_solid(6.5, 4.5) and not w.is_solid(3.0, 3.0)
    # art layer: tile 2 has colour #405060 (#RRGGBB); the cell with gid 0 keeps the default
    assert tuple(basic.floor_color[0, 0]) == (0x40, 0x50, 0x60)
    assert tuple(basic.floor_color[5, 7]) != (0x40, 0x50, 0x60)


def test_model_arrays_are_read_only(basic):
    with pytest.raises(ValueError):
        basic.walls.solid[0, 0] = False
    with pytest.raises(ValueError):
        basic.floor_color[0, 0] = 0


def test_duration_derived_from_last_motion_plus_two_seconds(basic):
    # Henry walks 4 m + 6 m at 2 m/s with 1.5 s held at vertex 1: arrives at 6.5 s
    # (a hold on the last vertex is standing there anyway); + 2 s tail
    assert basic.settings.duration == pytest.approx(8.5)
    assert basic.settings.frames == round(8.5 * 25)


def test_notices_ignored_objects_and_path_through_wall(basic):
    notes = "\n".join(basic.notices)
    assert "ignored 1 object of type 'prop' (id 11)" in notes
    assert "ignored 1 object with no type (id 12)" in notes
    # the path 2 leg (7,3)->(7,9) m crosses cell column 3, row 2 = x 6-8 m, z 4-6 m
    assert "object 2 'henry route' (path): passes through the wall block at column 3, row 2 (x 6-8 m, z 4-6 m)" in notes


def test_content_hash_is_stable_sha256(basic, tmp_path):
    assert re.fullmatch(r"[0-9a-f]{64}", basic.content_hash)
    assert load_level(BASIC).content_hash == basic.content_hash
    copy = tmp_path / "basic.tmx"
    copy.write_bytes(BASIC.read_bytes())
    assert load_level(copy).content_hash == basic.content_hash
    copy.write_bytes(BASIC.read_bytes().replace(b'value="pulls it"', b'value="pulls it!"'))
    assert load_level(copy).content_hash != basic.content_hash


# --------------------------------------------------------------------------------------
# Encodings and spellings
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("how", ["base64", "zlib", "gzip", "xml"])
def test_all_tile_encodings_give_the_same_level(basic, tmp_path, how):
    path = tmp_path / "basic.tmx"
    path.write_text(_reencode(BASIC.read_text(), how))
    assert f'compression="{how}"' in path.read_text() or how in ("base64", "xml")
    same_model(load_level(path), basic)


def test_class_attribute_tiled_1_9_same_as_type(basic, tmp_path):
    text = re.sub(r'(<object [^>]*?) type="', r'\1 class="', BASIC.read_text())
    assert 'class="henry"' in text and 'class="performer"' in text
    text = text.replace('version="1.10" tiledversion="1.10.2"', 'version="1.9" tiledversion="1.9.2"')
    path = tmp_path / "basic.tmx"
    path.write_text(text)
    same_model(load_level(path), basic)


def test_kind_is_case_insensitive(tmp_path):
    level = load_level(make_map(tmp_path, obj(1, "Henry ", "H", 16, 16) + obj(2, "PERFORMER", "G", 32, 32)))
    assert level.henry.name == "H" and [p.name for p in level.performers] == ["G"]


# --------------------------------------------------------------------------------------
# External tileset and templates
# --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def ext() -> Level:
    return load_level(EXT)


def test_external_tileset_walls_and_flip_flags(ext):
    w = ext.walls
    # walls.tsx tile 0 (gid 5): height 4, colour #804020; tile 1 (gid 6): height 1.2
    assert w.solid[0].all() and w.solid[:, 0].all()
    assert w.height[0, 0] == 4.0 and tuple(w.color[0, 0]) == (0x80, 0x40, 0x20)
    assert w.height[3, 4] == 1.2
    assert w.solid[2, 6] and w.height[2, 6] == 4.0  # horizontally flipped tile is still a wall
    assert int(w.solid.sum()) == 2 * 10 + 2 * 6 + 2
    assert tuple(ext.floor_color[1, 1]) == (0x20, 0x30, 0x40)


def test_templates_with_overrides_and_layer_offset(ext):
    h = ext.henry
    # template henry.tx at (24, 40) px + object layer offset (16, 0) on 16 px tiles of 1 m
    assert (h.name, h.radius) == ("Henry", 0.35)
    assert h.position == (2.5, 2.5)
    goon, goon_b, sprite = ext.performers
    assert (goon.name, goon.speed, goon.color, goon.role) == ("Goon", 2.0, (0, 0, 255), "enemy")
    assert goon.position == (116 / 16, 60 / 16)
    # instance overrides name and speed, keeps the template's colour and role
    assert (goon_b.name, goon_b.speed, goon_b.color, goon_b.role) == ("Goon B", 3.0, (0, 0, 255), "enemy")
    # tile template: gid re-numbered into the map's walls.tsx (firstgid 5); kind and role
    # inherited from the tile; a tile object's origin is bottom-left: centre = (64+16+16, 96-16)
    assert (sprite.name, sprite.kind, sprite.role) == ("Sprite Goon", "performer", "thug")
    assert sprite.position == (96 / 16, 80 / 16)


def test_explicit_duration_and_start_tc(ext):
    assert ext.settings.duration == 12.5 and ext.settings.start_tc == "01:00:00:00"
    assert ext.settings.frames == 300
    assert ext.settings.title == "ext"  # default title: the file name without .tmx


def test_hash_covers_external_files(tmp_path, ext):
    proj = tmp_path / "project"
    shutil.copytree(EXT.parent.parent, proj)
    assert load_level(proj / "maps" / "ext.tmx").content_hash == ext.content_hash
    tsx = proj / "tilesets" / "walls.tsx"
    tsx.write_text(tsx.read_text().replace('value="1.2"', 'value="1.3"'))
    assert load_level(proj / "maps" / "ext.tmx").content_hash != ext.content_hash
    shutil.rmtree(proj)
    shutil.copytree(EXT.parent.parent, proj)
    tx = proj / "templates" / "goon.tx"
    tx.write_text(tx.read_text().replace('value="enemy"', 'value="enemy!"'))
    assert load_level(proj / "maps" / "ext.tmx").content_hash != ext.content_hash


def test_missing_tileset_images_are_fine(tmp_path):
    tilesets = (
        '<tileset firstgid="1" name="pics" tilewidth="32" tileheight="32" tilecount="4" columns="2">'
        '<image source="nowhere/missing.png" width="64" height="64"/></tileset>'
    )
    level = load_level(make_map(tmp_path, tilesets=tilesets, walls=[[1, 0, 0, 0, 0, 0]] + [[0] * 6] * 4))
    assert level.walls.solid[0, 0] and level.walls.height[0, 0] == 3.0  # default height


# --------------------------------------------------------------------------------------
# Geometry details
# --------------------------------------------------------------------------------------
def test_rotation_of_zone_and_path(tmp_path):
    objects = HENRY + obj(
        2, "zone", "rot", 64, 64, {"kind": "rig"}, shape="", attrs='width="32" height="64" rotation="90"'
    ) + obj(3, "path", "p", 32, 32, shape='<polyline points="0,0 32,0"/>', attrs='rotation="90"')
    level = load_level(make_map(tmp_path, objects))
    # a 90-degree clockwise turn on screen (y down) maps (dx, dy) to (-dy, dx)
    zone = [(round(x, 9), round(z, 9)) for x, z in level.zones[0].polygon]
    assert zone == [(2.0, 2.0), (2.0, 3.0), (0.0, 3.0), (0.0, 2.0)]
    (x0, z0), (x1, z1) = level.paths[0].points
    assert (x0, z0) == (1.0, 1.0) and abs(x1 - 1.0) < 1e-12 and abs(z1 - 2.0) < 1e-12


def test_non_square_tiles_and_tile_meters(tmp_path):
    objects = obj(1, "henry", "", 48, 24)
    level = load_level(make_map(tmp_path, objects, {"tile_meters": 1.5}, tw=32, th=16))
    # x = 48 / 32 * 1.5, z = 24 / 16 * 1.5
    assert level.henry.position == (2.25, 2.25)
    assert level.henry.name == "Henry"


def test_defaults_of_a_minimal_level(tmp_path):
    level = load_level(make_map(tmp_path, name="quiet-room.tmx"))
    s = level.settings
    assert (s.title, s.fps, s.duration, s.tile_meters) == ("quiet-room", 24, 2.0, 1.0)
    h = level.henry
    assert (h.speed, h.start, h.heading, h.radius, h.path) == (1.4, 0.0, 0.0, 0.3, None)
    assert level.performers == () and level.beats == () and level.zones == () and level.paths == ()
    assert level.floor_color is None and level.notices == ()


def test_numbers_typed_as_strings_are_accepted(tmp_path):
    objects = obj(1, "henry", "H", 16, 16, {"speed": "2.5", "start": "1"})
    level = load_level(make_map(tmp_path, objects, {"fps": "30"}))
    assert (level.henry.speed, level.henry.start, level.settings.fps) == (2.5, 1.0, 30)


def test_duration_counts_beats_and_ignores_loops(tmp_path):
    objects = (
        obj(1, "henry", "H", 16, 16, {"path": ref(3)})
        + obj(2, "beat", "", 0, 0, {"t": 4.0, "actor": ref(1), "action": "wave", "duration": 1.25})
        + obj(3, "path", "", 16, 16, shape='<polygon points="0,0 64,0 64,64"/>')
    )
    level = load_level(make_map(tmp_path, objects))
    assert level.henry.path.closed
    assert level.settings.duration == pytest.approx(4.0 + 1.25 + 2.0)


def test_beat_after_explicit_end_is_a_notice(tmp_path):
    objects = HENRY + obj(2, "beat", "late", 0, 0, {"t": 9.0, "actor": ref(1), "action": "wave"})
    level = load_level(make_map(tmp_path, objects, {"duration": 5.0}))
    assert any("object 2 'late' (beat): happens at 9 s, after the replay ends" in n for n in level.notices)


def test_henry_falling_is_a_notice_and_stays_a_label(tmp_path):
    # "fall" is a performer's action (the table's who column): on Henry it only labels.
    objects = HENRY + obj(2, "beat", "trip", 0, 0, {"t": 1.0, "actor": ref(1), "action": "Fall"})
    level = load_level(make_map(tmp_path, objects, {"duration": 5.0}))
    (n,) = [n for n in level.notices if "object 2 'trip' (beat)" in n]
    assert "makes Henry fall, which only a performer can (the camera never goes down): it stays a label" in n
    (fall,) = level.beats
    assert (fall.action, fall.duration, fall.downs_actor) == ("fall", 0.5, True)


def test_actor_standing_in_a_wall_is_a_notice(tmp_path):
    walls = np.zeros((5, 6), int)
    walls[1, 1] = 1
    level = load_level(make_map(tmp_path, obj(1, "henry", "H", 48, 48), walls=walls))
    assert any("object 1 'H' (henry): stands inside the wall block at column 1, row 1" in n for n in level.notices)


def test_objects_without_ids_get_the_next_free_ids(tmp_path):
    # Tiled before 0.11 saved no object ids; like Tiled, the loader numbers them
    objects = '<object name="Henry" type="henry" x="16" y="16"><point/></object>' + obj(3, "performer", "G", 8, 8)
    level = load_level(make_map(tmp_path, objects))
    assert level.henry.id == 100  # the map's nextobjectid
    assert any("1 object had no id (saved by Tiled before 0.11) and got ids 100-100" in n for n in level.notices)


def test_tile_template_whose_tileset_is_not_in_the_map(tmp_path):
    (tmp_path / "t.tsx").write_text('<?xml version="1.0"?><tileset name="t" tilewidth="32" tileheight="32" tilecount="1" columns="1"/>')
    (tmp_path / "goon.tx").write_text(
        '<?xml version="1.0"?><template><tileset firstgid="1" source="t.tsx"/>'
        '<object name="Goon" type="performer" gid="1" width="32" height="64"/></template>'
    )
    level = load_level(make_map(tmp_path, HENRY + '<object id="2" template="goon.tx" x="64" y="128"/>'))
    # placed by the outline Tiled draws: bottom-left (64, 128), 32 x 64 px -> centre (80, 96)
    assert level.performers[0].position == (2.5, 3.0)
    assert any("object 2 'Goon' (performer): uses tile template 'goon.tx' whose tileset is not in the map" in n for n in level.notices)


def test_walls_by_layer_property_and_merge(tmp_path):
    grid = np.zeros((5, 6), int)
    extra = (
        '<layer id="5" name="set pieces" width="6" height="5"><properties>'
        '<property name="walls" type="bool" value="true"/></properties><data encoding="csv">\n'
        + csv_rows(np.pad(np.ones((1, 1), int) * 2, ((2, 2), (2, 3))))
        + "\n</data></layer>\n"
    )
    level = load_level(make_map(tmp_path, walls=grid, layers=extra))
    assert level.walls.solid.sum() == 1 and level.walls.solid[2, 2] and level.walls.height[2, 2] == 3.0


def test_path_along_a_wall_face_is_not_through_it(tmp_path):
    walls = np.zeros((5, 6), int)
    walls[2, 2] = 1
    # along the top face z = 2 m (row 2 starts there) and the left face x = 2 m
    objects = HENRY + obj(2, "path", "face", 0, 64, shape='<polyline points="0,0 128,0 128,64 64,64 64,32"/>')
    level = load_level(make_map(tmp_path, objects, walls=walls))
    assert not any("wall block" in n for n in level.notices), level.notices
    objects = HENRY + obj(2, "path", "through", 0, 80, shape='<polyline points="0,0 128,0"/>')
    level = load_level(make_map(tmp_path, objects, walls=walls))
    assert any("object 2 'through' (path): passes through the wall block at column 2, row 2" in n for n in level.notices)


# --------------------------------------------------------------------------------------
# Exact grid traversal
# --------------------------------------------------------------------------------------
def _oracle(p0, p1, cell, rows, cols):
    """Brute force: every cell whose open interior meets the segment (Liang-Barsky per cell)."""
    out = set()
    for r in range(rows):
        for c in range(cols):
            lo_u, hi_u, lo_v, hi_v = c * cell, (c + 1) * cell, r * cell, (r + 1) * cell
            t0, t1 = 0.0, 1.0
            du, dv = p1[0] - p0[0], p1[1] - p0[1]
            ok = True
            for p, q in ((-du, p0[0] - lo_u), (du, hi_u - p0[0]), (-dv, p0[1] - lo_v), (dv, hi_v - p0[1])):
                if p == 0:
                    if q <= 0:
                        ok = False
                else:
                    t = q / p
                    if p < 0:
                        t0 = max(t0, t)
                    else:
                        t1 = min(t1, t)
            # t0 == t1: the segment only touches the cell's edge (e.g. ends on it); the float
            # midpoint there can land 2e-16 inside, so it must not count as crossing.
            if not ok or t0 >= t1:
                continue
            tm = (t0 + t1) / 2
            mx, mz = p0[0] + du * tm, p0[1] + dv * tm
            if lo_u < mx < hi_u and lo_v < mz < hi_v:
                out.add((r, c))
    return out


def test_cells_crossed_matches_brute_force():
    from hypothesis import given, settings, strategies as st

    from previs.level.walls import cells_crossed

    coord = st.one_of(st.integers(-2, 10).map(float), st.floats(-2, 10, allow_nan=False).map(lambda v: round(v, 3)))

    @settings(max_examples=400, deadline=None)
    @given(coord, coord, coord, coord, st.sampled_from([1.0, 0.5, 2.0]))
    def check(x0, z0, x1, z1, cell):
        got = cells_crossed((x0, z0), (x1, z1), cell, 8, 7)
        assert len(got) == len(set(got))
        want = _oracle((x0, z0), (x1, z1), cell, 8, 7)
        assert set(got) == want

    check()


def test_cells_crossed_order_and_corners():
    from previs.level.walls import cells_crossed

    assert cells_crossed((0.5, 0.5), (3.5, 0.5), 1.0, 4, 4) == [(0, 0), (0, 1), (0, 2), (0, 3)]
    # exact diagonal through corners: only the diagonal cells, not the corner-touching ones
    assert cells_crossed((0.0, 0.0), (3.0, 3.0), 1.0, 4, 4) == [(0, 0), (1, 1), (2, 2)]
    assert cells_crossed((2.0, 0.0), (2.0, 4.0), 1.0, 4, 4) == []  # along a grid line
    assert cells_crossed((-100.0, 1.5), (100.0, 1.5), 1.0, 4, 4) == [(1, 0), (1, 1), (1, 2), (1, 3)]


# --------------------------------------------------------------------------------------
# The core stays free of pygame and OpenGL
# --------------------------------------------------------------------------------------
def test_core_imports_no_pygame_or_opengl():
    code = (
        "import sys\n"
        "import previs.level.loader, previs.sim, previs.plan, previs.export\n"
        f"level = previs.level.loader.load_level({str(EXT)!r})\n"
        "assert level.henry is not None\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('pygame', 'OpenGL'))\n"
        "print('LOADED', bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "LOADED []" in r.stdout
    assert "pygame" not in r.stdout + r.stderr  # no "Hello from the pygame community"


def test_core_sources_have_no_pygame_or_opengl_imports():
    pattern = re.compile(r"^\s*(import|from)\s+(pygame|OpenGL)\b", re.M)
    offenders = []
    for pkg in ("level", "sim", "plan", "export"):
        for src in (ROOT / "previs" / pkg).rglob("*.py"):
            if pattern.search(src.read_text(encoding="utf-8")):
                offenders.append(str(src.relative_to(ROOT)))
    assert offenders == []


def test_pytmx_import_leaves_pygame_unimported_and_restores_modules():
    code = (
        "import sys\n"
        "import previs.level.tmx as t\n"
        "assert 'pygame' not in sys.modules, 'pygame entry left behind'\n"
        "assert 'pytmx' in sys.modules\n"
        "print('ok')\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert r.returncode == 0 and "ok" in r.stdout, r.stdout + r.stderr
    assert r.stderr == ""  # pytmx's "cannot import pygame" log line stays quiet


@pytest.mark.parametrize("fps, rate", [
    (24, Fraction(24)), ("24", Fraction(24)), (25, Fraction(25)), (23.976, Fraction(24000, 1001)),
    ("23.976", Fraction(24000, 1001)), ("24000/1001", Fraction(24000, 1001)), ("29.97", Fraction(30000, 1001)),
    ("30000/1001", Fraction(30000, 1001)), (30, Fraction(30)), (48, Fraction(48)), (50, Fraction(50)),
    ("59.94", Fraction(60000, 1001)), ("60000/1001", Fraction(60000, 1001)), (60, Fraction(60)),
])
def test_production_frame_rates_load_exact(tmp_path, fps, rate):
    """Every production rate loads as its exact Fraction, whatever Tiled type holds it."""
    level = load_level(make_map(tmp_path, obj(1, "henry", "H", 16, 16, {}), {"fps": fps, "duration": 2.0}))
    assert level.settings.fps == rate and type(level.settings.fps) is Fraction
    assert level.settings.frames == round(2 * rate) and level.settings.drop_frame is False


def test_drop_frame_comes_from_the_semicolon(tmp_path):
    level = load_level(make_map(tmp_path, obj(1, "henry", "H", 16, 16, {}),
                                {"fps": "29.97", "start_tc": "01:00:00;00", "duration": 1.0}))
    tb = time_base_of(level.settings)
    assert level.settings.drop_frame and tb.drop_frame and tb.start_frame == 107892
    assert tb.timecode(1800) == "01:01:00;02" and tb.timecode(17982) == "01:10:00;00"


def test_whole_rate_levels_keep_their_revision(tmp_path):
    """An int fps and the same rate as text are one fight: the revision canon writes a whole
    Fraction as the int it was before rates were exact."""
    a = load_level(make_map(tmp_path, obj(1, "henry", "H", 16, 16, {}), {"fps": 25, "title": "t"}, name="a.tmx"))
    b = load_level(make_map(tmp_path, obj(1, "henry", "H", 16, 16, {}), {"fps": "25", "title": "t"}, name="b.tmx"))
    assert revision(a) == revision(b) and '"fps":25,' in canonical_text(a)
    c = load_level(make_map(tmp_path, obj(1, "henry", "H", 16, 16, {}), {"fps": "24000/1001"}, name="c.tmx"))
    assert '"fps":"q24000/1001"' in canonical_text(c)
