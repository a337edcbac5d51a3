"""Every way a level is refused: through ``previs check`` (exit status 1, one readable line
per problem naming the file and object id, no traceback), each within 2 s and 200 MB.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import math
import os
import struct
import time
import tracemalloc
import zlib
from pathlib import Path

import numpy as np
import pytest

from previs.cli import cmd_check
from tmxkit import (BASIC, EXT, HEAD, HENRY, MB, MEMORY_LIMIT, TIME_LIMIT, header, make_map, obj, ref, refused,
                    write)


# --------------------------------------------------------------------------------------
# Hostile and damaged files
# --------------------------------------------------------------------------------------
def test_missing_file_and_folder(tmp_path, capsys):
    refused(tmp_path / "nope.tmx", capsys, "nope.tmx: does not exist")
    refused(tmp_path, capsys, "is a folder, not a Tiled map")


def test_empty_file(tmp_path, capsys):
    refused(write(tmp_path, b""), capsys, "level.tmx: is empty")
    refused(write(tmp_path, b"  \n\t "), capsys, "is empty")


def test_binary_file(tmp_path, capsys):
    blob = bytes(range(256)) * 64
    refused(write(tmp_path, blob), capsys, "level.tmx: is binary data, not a Tiled XML file")


def test_malformed_xml(tmp_path, capsys):
    refused(write(tmp_path, header() + "<layer></map>"), capsys, "is not well-formed XML (mismatched tag at line 2")


def test_truncated_map(tmp_path, capsys):
    text = BASIC.read_bytes()
    refused(write(tmp_path, text[: len(text) // 2]), capsys, "is not well-formed XML", "truncated")


def test_not_a_map(tmp_path, capsys):
    refused(write(tmp_path, HEAD + "<tileset name='x'/>"), capsys, "is XML with a <tileset> root, not a Tiled <map>")
    refused(write(tmp_path, "hello, world\n"), capsys, "is not well-formed XML")


def test_utf16_refused(tmp_path, capsys):
    refused(write(tmp_path, (header() + "</map>").replace("UTF-8", "UTF-16").encode("utf-16")), capsys, "is not UTF-8")


def test_entity_expansion_refused_before_parsing(tmp_path, capsys):
    laughs = "".join(f'<!ENTITY l{i} "{"&l%d;" % (i - 1) * 10}">' for i in range(1, 10))
    bomb = HEAD + f'<!DOCTYPE map [<!ENTITY l0 "lol">{laughs}]>\n' + header()[len(HEAD):] + "<properties><property name='title' value='&l9;'/></properties></map>"
    err = refused(write(tmp_path, bomb), capsys, "contains a DOCTYPE with entity declarations")
    assert err.count("\n") == 1


def test_doctype_with_internal_subset_refused(tmp_path, capsys):
    external = HEAD + '<!DOCTYPE map [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + header()[len(HEAD):] + "</map>"
    refused(write(tmp_path, external), capsys, "contains a DOCTYPE with entity declarations")
    subset = HEAD + '<!DOCTYPE map [<!ATTLIST map a CDATA "b">]>' + header()[len(HEAD):] + "</map>"
    refused(write(tmp_path, subset), capsys, "contains a DOCTYPE with entity declarations")


def test_bare_doctype_of_old_tiled_is_fine(tmp_path, capsys):
    # Tiled before 0.9 wrote this line; it declares nothing and is never fetched
    p = make_map(tmp_path)
    text = p.read_text().replace("\n", '\n<!DOCTYPE map SYSTEM "http://mapeditor.org/dtd/1.0/map.dtd">\n', 1)
    p.write_text(text)
    assert cmd_check.run(argparse.Namespace(levels=[str(p)], quiet=True)) == 0


def test_map_claiming_millions_of_tiles(tmp_path, capsys):
    doc = header(1_000_000, 1_000_000) + '<layer id="1" name="walls" width="1000000" height="1000000"><data encoding="csv">1,2,3</data></layer></map>'
    refused(write(tmp_path, doc), capsys, "claims 1000000x1000000 = 1000000000000 tiles", "refused before decoding")
    refused(write(tmp_path, header(0, 5) + "</map>"), capsys, "map attribute width='0' is not a whole number from 1")
    refused(write(tmp_path, header("lots", 5) + "</map>"), capsys, "map attribute width='lots'")


@pytest.mark.parametrize("encoding", ["csv", "base64", "zlib", "gzip", "xml"])
def test_tile_data_length_must_match(tmp_path, capsys, encoding):
    cells = np.ones(10, "<u4")  # 10 cells for a 4x4 = 16 layer
    if encoding == "csv":
        data = '<data encoding="csv">' + ",".join("1" * 10) + "</data>"
    elif encoding == "xml":
        data = "<data>" + '<tile gid="1"/>' * 10 + "</data>"
    elif encoding == "base64":
        data = f'<data encoding="base64">{base64.b64encode(cells.tobytes()).decode()}</data>'
    else:
        comp = zlib.compress(cells.tobytes()) if encoding == "zlib" else gzip.compress(cells.tobytes())
        data = f'<data encoding="base64" compression="{encoding}">{base64.b64encode(comp).decode()}</data>'
    doc = header() + f'<layer id="1" name="walls" width="4" height="4">{data}</layer></map>'
    refused(write(tmp_path, doc), capsys, "tile layer 'walls': data ", "4x4 = 16")


def test_zlib_bomb_is_cut_off(tmp_path, capsys):
    # ~1.5 MB of base64 that would inflate to ~1.1 GB; the 1024x1024 layer needs 4 MB
    raw = _bomb("zlib", 1100)
    text = base64.b64encode(raw).decode()
    assert len(text) > 1.4 * MB
    doc = header(1024, 1024) + f'<layer id="1" name="walls" width="1024" height="1024"><data encoding="base64" compression="zlib">{text}</data></layer></map>'
    refused(write(tmp_path, doc), capsys, "inflates to more than the 4194304 bytes")


def test_gzip_bomb_is_cut_off(tmp_path, capsys):
    raw = _bomb("gzip", 300)
    doc = header(512, 512) + f'<layer id="1" name="floor" width="512" height="512"><data encoding="base64" compression="gzip">{base64.b64encode(raw).decode()}</data></layer></map>'
    refused(write(tmp_path, doc), capsys, "tile layer 'floor': data inflates to more than")


def _bomb(fmt: str, megabytes: int) -> bytes:
    """A valid zlib/gzip stream of ``megabytes`` MB of zeros (~1000:1), built fast: one
    full-flushed 1 MB block repeated, then an empty final block and the right checksum."""
    chunk = bytes(MB)
    c = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS if fmt == "zlib" else 16 + zlib.MAX_WBITS)
    first = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    body = first + block * (megabytes - 1) + b"\x03\x00"  # empty final fixed-Huffman block
    if fmt == "zlib":
        adler = 1
        for _ in range(megabytes):
            adler = zlib.adler32(chunk, adler)
        return body + struct.pack(">I", adler)
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(chunk, crc)
    return body + struct.pack("<II", crc, (megabytes * MB) & 0xFFFFFFFF)


def test_bomb_helper_is_a_real_stream():
    assert zlib.decompress(_bomb("zlib", 3)) == bytes(3 * MB)
    assert gzip.decompress(_bomb("gzip", 3)) == bytes(3 * MB)


def test_corrupt_and_unsupported_tile_data(tmp_path, capsys):
    bad = header() + '<layer id="1" name="walls" width="4" height="4"><data encoding="base64" compression="zlib">AAAAAAAA</data></layer></map>'
    refused(write(tmp_path, bad), capsys, "holds corrupt zlib data")
    zstd = header() + '<layer id="1" name="walls" width="4" height="4"><data encoding="base64" compression="zstd">KLUv/QBYAAA=</data></layer></map>'
    refused(write(tmp_path, zstd), capsys, "is zstd-compressed", "Tile Layer Format")
    csv = header() + '<layer id="1" name="walls" width="4" height="4"><data encoding="csv">1,x,3</data></layer></map>'
    refused(write(tmp_path, csv), capsys, "CSV with something other than numbers")
    b64 = header() + '<layer id="1" name="walls" width="4" height="4"><data encoding="base64">!!!!</data></layer></map>'
    refused(write(tmp_path, b64), capsys, "holds invalid base64")


def test_too_many_elements(tmp_path, capsys):
    doc = header() + "<properties>" + "<property name='a' value='b'/>" * 250_000 + "</properties></map>"
    refused(write(tmp_path, doc), capsys, "has more than 100000 XML elements")


def test_too_deep(tmp_path, capsys):
    doc = header() + "<group>" * 100 + "</group>" * 100 + "</map>"
    refused(write(tmp_path, doc), capsys, "nests XML elements more than 64 deep")


def test_largest_grid_with_a_problem_is_refused_in_bounds(tmp_path, capsys):
    # four full 1024x1024 layers of random gids (the cell limit), tiles with properties,
    # and no henry: the worst the grid can cost before the refusal
    rng = np.random.default_rng(7)
    tiles = "".join(
        f'<tile id="{i}"><properties><property name="height" type="float" value="{1 + i % 5}"/>'
        f'<property name="color" type="color" value="#ff{i % 256:02x}0000"/></properties></tile>'
        for i in range(0, 4000, 2)
    )
    layers = "".join(
        f'<layer id="{i + 1}" name="{"walls" if i == 0 else f"art {i}"}" width="1024" height="1024">'
        f'<data encoding="base64" compression="zlib">'
        f'{base64.b64encode(zlib.compress(rng.integers(0, 4001, (1024, 1024)).astype("<u4").tobytes(), 1)).decode()}'
        f"</data></layer>"
        for i in range(4)
    )
    doc = header(1024, 1024) + f'<tileset firstgid="1" name="t" tilewidth="32" tileheight="32" tilecount="4000" columns="1">{tiles}</tileset>{layers}</map>'
    refused(write(tmp_path, doc), capsys, "has no henry object")
    doc = doc.replace("</map>", '<layer id="9" name="one too many" width="1024" height="1024"><data encoding="csv">0</data></layer></map>')
    refused(write(tmp_path, doc), capsys, "has 5 tile layers of 1024x1024, more than the 4194304 cells", "refused before decoding any")


def test_most_objects_with_a_problem_is_refused_in_bounds(tmp_path, capsys):
    props = {"speed": 1.5, "start": 0.5, "radius": 0.3, "height": 1.8, "role": "goon", "color": ("color", "#ff00ff00")}
    objects = "".join(obj(i, "performer", f"Goon {i}", i % 100, i // 100, props) for i in range(2, 5002))
    refused(make_map(tmp_path, objects), capsys, "has no henry object")
    objects += obj(6000, "performer", "one too many", 0, 0)
    refused(make_map(tmp_path, HENRY + objects), capsys, "has 5002 objects, more than the 5000 a level may have")


def test_oversized_file(tmp_path, capsys):
    p = tmp_path / "level.tmx"
    with open(p, "wb") as fh:
        fh.write(header().encode())
        fh.seek(33 * MB)
        fh.write(b"</map>")
    refused(p, capsys, "is larger than the 32 MB limit")


def test_fifo_refused(tmp_path, capsys):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    p = tmp_path / "level.tmx"
    os.mkfifo(p)
    refused(p, capsys, "is not a regular file")


# --------------------------------------------------------------------------------------
# References leaving the project
# --------------------------------------------------------------------------------------
def test_tileset_outside_project(tmp_path, capsys):
    level = tmp_path / "proj"
    level.mkdir()
    (tmp_path / "evil.tsx").write_text(HEAD + '<tileset name="x" tilewidth="32" tileheight="32" tilecount="1" columns="1"/>')
    p = make_map(level, tilesets='<tileset firstgid="1" source="../evil.tsx"/>')
    refused(p, capsys, "tileset source '../evil.tsx': refers to '../evil.tsx', which resolves to", "outside the level's project folder")
    p = make_map(level, tilesets='<tileset firstgid="1" source="/etc/passwd"/>')
    refused(p, capsys, "refers to '/etc/passwd'", "outside the level's project")


def test_symlink_out_of_project_refused(tmp_path, capsys):
    level = tmp_path / "proj"
    level.mkdir()
    (tmp_path / "real.tsx").write_text(HEAD + '<tileset name="x" tilewidth="32" tileheight="32" tilecount="1" columns="1"/>')
    (level / "link.tsx").symlink_to(tmp_path / "real.tsx")
    p = make_map(level, tilesets='<tileset firstgid="1" source="link.tsx"/>')
    refused(p, capsys, "refers to 'link.tsx', which resolves to", "real.tsx, outside")


def test_template_and_image_outside_project(tmp_path, capsys):
    level = tmp_path / "proj"
    level.mkdir()
    (tmp_path / "t.tx").write_text(HEAD + '<template><object type="performer"><point/></object></template>')
    objects = HENRY + '<object id="2" template="../t.tx" x="10" y="10"/>'
    tilesets = (
        '<tileset firstgid="1" name="pics" tilewidth="32" tileheight="32" tilecount="1" columns="1">'
        '<image source="../../secret.png" width="32" height="32"/></tileset>'
    )
    layers = '<imagelayer id="7" name="backdrop"><image source="/etc/hosts"/></imagelayer>'
    err = refused(make_map(level, objects, tilesets=tilesets, layers=layers), capsys,
                  "object 2 '' (no type): template '../t.tx': refers to '../t.tx'",
                  "tileset 'pics': image refers to '../../secret.png'",
                  "image layer 'backdrop': image refers to '/etc/hosts'")
    assert err.count("outside the level's project folder") == 3


def test_project_file_widens_the_boundary(tmp_path, capsys):
    import shutil

    proj = tmp_path / "project"
    shutil.copytree(EXT.parent.parent, proj)
    assert cmd_check.run(argparse.Namespace(levels=[str(proj / "maps" / "ext.tmx")], quiet=True)) == 0
    (proj / "fight.tiled-project").unlink()  # now the project is the map's own folder
    refused(proj / "maps" / "ext.tmx", capsys, "tileset source '../tilesets/walls.tsx'", "outside the level's project folder")


def test_missing_and_broken_external_files(tmp_path, capsys):
    p = make_map(tmp_path, tilesets='<tileset firstgid="1" source="gone.tsx"/>')
    refused(p, capsys, "tileset source 'gone.tsx': 'gone.tsx' (gone.tsx) does not exist")
    (tmp_path / "bad.tsx").write_text(HEAD + '<!DOCTYPE x [<!ENTITY a "b">]><tileset/>')
    p = make_map(tmp_path, tilesets='<tileset firstgid="1" source="bad.tsx"/>')
    refused(p, capsys, "contains a DOCTYPE with entity declarations")
    (tmp_path / "t.tx").write_text(HEAD + "<template></template>")
    p = make_map(tmp_path, HENRY + '<object id="2" template="t.tx" x="1" y="1"/>')
    refused(p, capsys, "template 't.tx': holds no <object>")


# --------------------------------------------------------------------------------------
# Map-level contract problems
# --------------------------------------------------------------------------------------
def test_non_orthogonal_map(tmp_path, capsys):
    p = make_map(tmp_path, map_attrs='staggeraxis="y"')
    p.write_text(p.read_text().replace('orientation="orthogonal"', 'orientation="isometric"'))
    refused(p, capsys, "is an isometric map; previs levels are orthogonal")


def test_infinite_map(tmp_path, capsys):
    doc = header(extra="").replace('infinite="0"', 'infinite="1"') + (
        '<layer id="1" name="walls" width="4" height="4"><data encoding="csv">'
        '<chunk x="0" y="0" width="16" height="16">0</chunk></data></layer></map>'
    )
    refused(write(tmp_path, doc), capsys, "is an infinite map", "untick Infinite")


@pytest.mark.parametrize(
    "props, needle",
    [
        ({"fps": 0}, "map properties: fps = 0 is not a production frame rate; did you mean 23.976? A level runs "
                     "at 23.976 (24000/1001), 24, 25, 29.97 (30000/1001), 30, 48, 50, 59.94 (60000/1001), 60 fps"),
        ({"fps": -24}, "fps = -24 is not a production frame rate; did you mean 23.976?"),
        ({"fps": "fast"}, "map properties: fps = 'fast' is not a frame rate; a level runs at 23.976 (24000/1001), 24,"),
        ({"fps": 23.98}, "fps = 23.98 is not a production frame rate; did you mean 23.976?"),
        ({"fps": "29.9"}, "fps = '29.9' is not a production frame rate; did you mean 29.97?"),
        ({"fps": 120}, "fps = 120 is not a production frame rate; did you mean 60?"),
        ({"fps": "24000/1002"}, "fps = '24000/1002' is not a production frame rate; did you mean 23.976?"),
        ({"fps": ("float", "nan")}, "fps = nan is not a frame rate"),
        ({"fps": 24, "start_tc": "01:00:00;00"}, "start_tc = '01:00:00;00' is not a timecode at 24 fps; drop-frame "
                                                 "timecode (';') exists only at 29.97 and 59.94 fps: write HH:MM:SS:FF"),
        ({"fps": "23.976", "start_tc": "01:00:00;00"}, "drop-frame timecode (';') exists only at 29.97 and 59.94"),
        ({"fps": "29.97", "start_tc": "00:01:00;00"}, "start_tc = '00:01:00;00' is not a timecode at 29.97 fps; "
                                                      "write HH:MM:SS:FF"),
        ({"tile_meters": 0.0}, "tile_meters = 0 m is out of range; it must be at least 0.01 and at most 100 m"),
        ({"tile_meters": -1.0}, "tile_meters = -1 m is out of range"),
        ({"hfov": 180.0}, "hfov = 180 degrees is out of range; it must be more than 0 and less than 180"),
        ({"hfov": 0.0}, "hfov = 0 degrees is out of range"),
        ({"start_tc": "1:00:00"}, "start_tc = '1:00:00' is not a timecode"),
        ({"start_tc": "00:00:00:30"}, "start_tc = '00:00:00:30' is not a timecode"),
        ({"duration": -5.0}, "duration = -5 s is out of range"),
        ({"duration": ("float", "inf")}, "duration = inf is not a finite number"),
        ({"eye_height": "tall"}, "eye_height = 'tall' is not a number"),
        ({"safety_distance": -0.5}, "safety_distance = -0.5 m is negative"),
        ({"max_take": 0.0}, "max_take = 0 s is out of range"),
    ],
)
def test_bad_map_properties(tmp_path, capsys, props, needle):
    refused(make_map(tmp_path, props=props), capsys, needle)


def test_walls_layer_offset(tmp_path, capsys):
    p = make_map(tmp_path)
    p.write_text(p.read_text().replace('<layer id="1" name="walls"', '<layer id="1" name="walls" offsetx="8"'))
    refused(p, capsys, "tile layer 'walls': is offset by 8, 0 px")


def test_bad_wall_tile_properties(tmp_path, capsys):
    tilesets = (
        '<tileset firstgid="1" name="blocks" tilewidth="32" tileheight="32" tilecount="4" columns="2">'
        '<tile id="0"><properties><property name="height" type="float" value="-1"/>'
        '<property name="color" value="blue"/></properties></tile></tileset>'
    )
    walls = np.zeros((5, 6), int)
    walls[0, 0] = 1
    refused(make_map(tmp_path, tilesets=tilesets, walls=walls), capsys,
            "tileset 'blocks' tile 0: height = -1 m is out of range",
            "tileset 'blocks' tile 0: color = 'blue' is not a colour")
    walls[1, 1] = 9
    refused(make_map(tmp_path, tilesets=tilesets.replace('firstgid="1"', 'firstgid="20"'), walls=walls), capsys,
            "tile layer 'walls': cell column 0, row 0 uses tile gid 1, which no tileset of the map holds (2 such gids: 1, 9)")


# --------------------------------------------------------------------------------------
# Object problems: each names file, object id, name and type
# --------------------------------------------------------------------------------------
def test_missing_henry(tmp_path, capsys):
    refused(make_map(tmp_path, obj(2, "performer", "Goon", 10, 10)), capsys,
            "level.tmx: has no henry object", "Type (Tiled 1.8, 1.10+) or Class (Tiled 1.9) 'henry'")


def test_duplicate_henry(tmp_path, capsys):
    refused(make_map(tmp_path, HENRY + obj(7, "henry", "Henry 2", 20, 20)), capsys,
            "has 2 henry objects: object 1 'Henry' (henry), object 7 'Henry 2' (henry)")


def test_dangling_reference(tmp_path, capsys):
    objects = HENRY + obj(12, "performer", "Goon 3", 10, 10, {"path": ref(99)})
    refused(make_map(tmp_path, objects), capsys,
            "level.tmx: object 12 'Goon 3' (performer): path points to object 99, which does not exist; "
            "pick a path object in Tiled's object picker.")


def test_wrong_type_references(tmp_path, capsys):
    objects = (
        obj(1, "henry", "Henry", 48, 48, {"path": ref(2)})
        + obj(2, "performer", "Goon", 10, 10)
        + obj(3, "path", "p", 0, 0, shape='<polyline points="0,0 10,0"/>')
        + obj(4, "zone", "z", 0, 0, {"kind": "rig"}, shape="", attrs='width="10" height="10"')
        + obj(5, "beat", "b", 0, 0, {"t": 1.0, "actor": ref(3), "action": "punch", "target": ref(4)})
    )
    refused(make_map(tmp_path, objects), capsys,
            "object 1 'Henry' (henry): path points to object 2 'Goon' (performer), which is not a path",
            "object 5 'b' (beat): actor points to object 3 'p' (path), which is not henry or a performer",
            "object 5 'b' (beat): target points to object 4 'z' (zone), which is not henry or a performer")


def test_reference_typed_as_text(tmp_path, capsys):
    objects = obj(1, "henry", "Henry", 48, 48, {"path": "route 1"})
    refused(make_map(tmp_path, objects), capsys, "object 1 'Henry' (henry): path = 'route 1' is not an object reference")


def test_path_with_too_few_points_or_wrong_shape(tmp_path, capsys):
    objects = (
        HENRY
        + obj(2, "path", "stub", 0, 0, shape='<polyline points="0,0"/>')
        + obj(3, "path", "box", 0, 0, shape="", attrs='width="10" height="10"')
    )
    refused(make_map(tmp_path, objects), capsys,
            "object 2 'stub' (path): has 1 point; a path needs at least 2",
            "object 3 'box' (path): is a rectangle; a path must be a polyline")


def test_beat_without_t_actor_action(tmp_path, capsys):
    objects = HENRY + obj(5, "beat", "empty", 0, 0)
    refused(make_map(tmp_path, objects), capsys,
            "object 5 'empty' (beat): has no t", "object 5 'empty' (beat): has no action",
            "object 5 'empty' (beat): has no actor")


def test_look_without_target(tmp_path, capsys):
    objects = HENRY + obj(5, "beat", "glance", 0, 0, {"t": 1.0, "actor": ref(1), "action": "look"})
    refused(make_map(tmp_path, objects), capsys, "object 5 'glance' (beat): is a look without a target")
    objects = HENRY + obj(5, "beat", "glance", 0, 0, {"t": 1.0, "actor": ref(1), "action": "look", "target": ref(0)})
    refused(make_map(tmp_path, objects), capsys, "object 5 'glance' (beat): is a look without a target")


@pytest.mark.parametrize(
    "props, needle",
    [
        ({"speed": -1.0}, "speed = -1 m/s is out of range; it must be more than 0"),
        ({"speed": 0.0}, "speed = 0 m/s is out of range"),
        ({"speed": "quick"}, "speed = 'quick' is not a number"),
        ({"start": -2.0}, "start = -2 s is negative"),
        ({"start": "soon"}, "start = 'soon' is not a number"),
        ({"radius": -0.1}, "radius = -0.1 m is negative"),
        ({"speed": ("float", "nan")}, "speed = nan is not a finite number"),
        ({"radius": ("float", "-inf")}, "radius = -inf is not a finite number"),
        ({"heading": ("int", "twelve")}, "heading = 'twelve' is not a number"),
    ],
)
def test_bad_actor_numbers(tmp_path, capsys, props, needle):
    objects = obj(1, "henry", "Henry", 48, 48, props)
    refused(make_map(tmp_path, objects), capsys, f"object 1 'Henry' (henry): {needle}")


@pytest.mark.parametrize(
    "props, needle",
    [
        ({"t": -1.0}, "t = -1 s is negative"),
        ({"t": "later"}, "t = 'later' is not a number"),
        ({"duration": -0.5}, "duration = -0.5 s is negative"),
        ({"t": ("float", "nan")}, "t = nan is not a finite number"),
    ],
)
def test_bad_beat_numbers(tmp_path, capsys, props, needle):
    base = {"t": 1.0, "actor": ref(1), "action": "wave"}
    objects = HENRY + obj(9, "beat", "wave", 0, 0, {**base, **props})
    refused(make_map(tmp_path, objects), capsys, f"object 9 'wave' (beat): {needle}")


def test_non_finite_attribute(tmp_path, capsys):
    objects = HENRY + '<object id="3" name="Ghost" type="performer" x="nan" y="1"><point/></object>'
    refused(make_map(tmp_path, objects), capsys, "object 3 'Ghost' (performer): attribute x='nan' is not a usable number")


def test_duplicate_performer_names(tmp_path, capsys):
    objects = HENRY + obj(4, "performer", "Goon 1", 10, 10) + obj(8, "performer", "Goon 1", 20, 20)
    refused(make_map(tmp_path, objects), capsys,
            "object 4 'Goon 1' (performer) and object 8 'Goon 1' (performer) share the name 'Goon 1'")


def test_unknown_zone_kind_and_missing_kind(tmp_path, capsys):
    objects = (
        HENRY
        + obj(6, "zone", "fire pit", 0, 0, {"kind": "fire"}, shape="", attrs='width="32" height="32"')
        + obj(7, "zone", "blank", 0, 0, shape="", attrs='width="32" height="32"')
        + obj(8, "zone", "round", 0, 0, {"kind": "pyro"}, shape="<ellipse/>", attrs='width="32" height="32"')
    )
    refused(make_map(tmp_path, objects), capsys,
            "object 6 'fire pit' (zone): kind = 'fire' is not a zone kind; use one of no-go, pyro, rig, crash-mat, set",
            "object 7 'blank' (zone): has no kind",
            "object 8 'round' (zone): is a ellipse; a zone must be a rectangle or a polygon")


def test_bad_holds(tmp_path, capsys):
    objects = (
        obj(1, "henry", "Henry", 48, 48, {"path": ref(2)})
        + obj(2, "path", "route", 0, 0, {"holds": "1=2, 5=1, x"}, shape='<polyline points="0,0 32,0 64,0"/>')
    )
    refused(make_map(tmp_path, objects), capsys,
            "object 2 'route' (path): holds = '1=2, 5=1, x': '5=1' names vertex 5, but the path has 3 vertices (0 to 2)",
            "'x' is not VERTEX=SECONDS")


def test_actor_drawn_as_polyline(tmp_path, capsys):
    objects = obj(1, "henry", "Henry", 48, 48, shape='<polyline points="0,0 5,5"/>')
    refused(make_map(tmp_path, objects), capsys, "object 1 'Henry' (henry): is a polyline; henry must be a point object")


def test_every_problem_is_listed(tmp_path, capsys):
    objects = (
        obj(12, "performer", "Goon 3", 10, 10, {"path": ref(99), "speed": -1.0})
        + obj(13, "beat", "b", 0, 0, {"action": "look"})
        + obj(14, "zone", "z", 0, 0, {"kind": "lava"}, shape="", attrs='width="9" height="9"')
    )
    err = refused(make_map(tmp_path, objects, {"fps": 0}), capsys,
                  "fps = 0", "has no henry", "object 12 'Goon 3' (performer): path points to object 99",
                  "object 12 'Goon 3' (performer): speed = -1", "object 13 'b' (beat): has no t",
                  "object 13 'b' (beat): has no actor", "object 14 'z' (zone): kind = 'lava'")
    assert len(err.strip().splitlines()) >= 7


def test_several_files_all_checked(tmp_path, capsys):
    good = make_map(tmp_path, name="good.tmx")
    bad = make_map(tmp_path, "", name="bad.tmx")
    rc = cmd_check.run(argparse.Namespace(levels=[str(bad), str(good), str(tmp_path / "gone.tmx")], quiet=False))
    out = capsys.readouterr()
    assert rc == 1
    assert "good.tmx: ok" in out.out
    assert "bad.tmx: has no henry" in out.err and "gone.tmx: does not exist" in out.err
    assert "2 of 3 levels have problems" in out.err


def test_reference_problems_do_not_hide_the_level_problems(tmp_path, capsys):
    # a missing tileset and template still let the rest be checked: every problem listed
    objects = obj(4, "performer", "Goon", 10, 10, {"speed": -1.0}) + '<object id="5" template="gone.tx" x="1" y="1"/>'
    p = make_map(tmp_path, objects, tilesets='<tileset firstgid="1" source="gone.tsx"/>', walls=np.ones((5, 6), int))
    refused(p, capsys, "tileset source 'gone.tsx': 'gone.tsx' (gone.tsx) does not exist",
            "object 5 '' (no type): template 'gone.tx': 'gone.tx' (gone.tx) does not exist",
            "tile layer 'walls': cell column 0, row 0 uses tile gid 1, which no tileset of the map holds",
            "has no henry object", "object 4 'Goon' (performer): speed = -1 m/s")


def test_names_cannot_break_lines(tmp_path, capsys):
    # XML allows newlines, NEL and LINE SEPARATOR in a name; each would split the output
    objects = HENRY + obj(4, "performer", "Goon&#10;&#x85;&#x2028;red", 10, 10, {"speed": -1.0})
    err = refused(make_map(tmp_path, objects), capsys, "object 4 'Goon\\n\\x85\\u2028red' (performer): speed = -1")
    assert len(err.strip().splitlines()) == 1


def test_duplicate_object_ids(tmp_path, capsys):
    objects = HENRY + obj(5, "performer", "A", 10, 10) + obj(5, "performer", "B", 20, 20)
    refused(make_map(tmp_path, objects), capsys, "object 5 'B' (performer): has the same id as object 5 'A' (performer)")


def test_layers_hidden_where_tiled_never_puts_them_are_never_decoded(tmp_path, capsys):
    # a zlib bomb in a tile layer inside an object group, a tileset pointing outside the
    # project inside a group: pytmx would search both out (".//layer"); the loader drops
    # them unread, within the bounds
    bomb = base64.b64encode(_bomb("zlib", 1100)).decode()
    hidden = (
        f'<layer id="8" name="hidden" width="1024" height="1024"><data encoding="base64" compression="zlib">{bomb}</data></layer>'
    )
    p = make_map(tmp_path, HENRY + hidden, layers='<group id="7" name="g"><tileset firstgid="50" source="/etc/passwd"/></group>')
    refused_or_loaded = cmd_check.run(argparse.Namespace(levels=[str(p)], quiet=True))
    assert refused_or_loaded == 0, capsys.readouterr().err
    tracemalloc.start()
    t0 = time.perf_counter()
    try:
        cmd_check.run(argparse.Namespace(levels=[str(p)], quiet=True))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < MEMORY_LIMIT and time.perf_counter() - t0 < 10 * TIME_LIMIT  # traced: slower
    # the same bomb where a layer belongs is refused
    p = make_map(tmp_path, layers=hidden, width=1024, height=1024)
    refused(p, capsys, "tile layer 'hidden': data inflates to more than")


# --------------------------------------------------------------------------------------
# Amplification through references (issue 21): budgets on what is built, not on the file
# --------------------------------------------------------------------------------------
def _peak_rss_of_check(path: Path) -> tuple[int, str, int]:
    """``previs check PATH`` in a fresh process: (exit status, stderr, peak RSS in bytes of
    that process). Linux's ``VmHWM`` is the peak of the process's own memory since exec;
    ``getrusage``'s ``ru_maxrss`` (the fallback elsewhere) also counts the forking pytest
    worker's pages from before exec, so it reads 300 MB in a busy test run."""
    import subprocess
    import sys

    code = (
        "import argparse, resource, sys\n"
        "from previs.cli import cmd_check\n"
        f"rc = cmd_check.run(argparse.Namespace(levels=[{str(path)!r}], quiet=True))\n"
        "try:\n"
        "    hwm = [int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM:')][0]\n"
        "except (OSError, IndexError):\n"
        "    hwm = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(hwm, file=sys.stdout)\n"
        "sys.exit(rc)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    return run.returncode, run.stderr, int(run.stdout.split()[-1]) * 1024  # both in KiB


def _big_tileset(tmp_path: Path, tiles: int) -> Path:
    body = "".join(f'<tile id="{i}"><properties><property name="h" value="{i}"/></properties></tile>' for i in range(tiles))
    p = tmp_path / "big.tsx"
    p.write_text(HEAD + f'<tileset name="big" tilewidth="32" tileheight="32" tilecount="{tiles}" columns="1">{body}</tileset>')
    return p


def test_one_tileset_referenced_a_thousand_times_is_refused_in_bounds(tmp_path, capsys):
    # a 1.7 MB tileset, 1000 references from a ~50 KB map: was 5.7 GB and 105 s
    ts = _big_tileset(tmp_path, 20_000)
    assert ts.stat().st_size > 1_500_000
    refs = "".join(f'<tileset firstgid="{1 + i * 20_000}" source="big.tsx"/>' for i in range(1000))
    p = make_map(tmp_path, tilesets=refs)
    err = refused(p, capsys, "its tilesets give more than 65536 tiles a class or properties over all 4 tileset "
                             "references so far", "refused before building them", "reference each tileset once")
    assert len(err.strip().splitlines()) == 1  # the read stopped at the fourth reference
    rc, stderr, rss = _peak_rss_of_check(p)
    assert rc == 1 and "65536" in stderr and "Traceback" not in stderr
    assert rss < MEMORY_LIMIT, f"peak RSS {rss / MB:.0f} MB"
    # one reference of the same tileset loads (each file is read once and its tiles shared)
    assert cmd_check.run(argparse.Namespace(levels=[str(make_map(tmp_path, tilesets=refs[: refs.index("/>") + 2]))],
                                            quiet=True)) == 0


def test_a_tileset_shared_by_two_references_is_read_and_built_once(tmp_path, monkeypatch):
    from previs.level import external_files
    from previs.level.loader import load_level

    _big_tileset(tmp_path, 10)
    built = []
    real = external_files._read_tiles
    monkeypatch.setattr(external_files, "_read_tiles", lambda *a: built.append(a[2]) or real(*a))
    refs = '<tileset firstgid="1" source="big.tsx"/><tileset firstgid="101" source="big.tsx"/>'
    level = load_level(make_map(tmp_path, tilesets=refs))
    assert built == ["tileset 'big' (big.tsx)"]
    assert level.source.endswith("level.tmx")


def test_huge_template_with_many_instances_is_refused_before_expanding(tmp_path, capsys, monkeypatch):
    # a 3.4 MB template (its properties), 100 instances: was 4.1 GB and 72 s
    props = "".join(f'<property name="p{i}" value="{i:06d}"/>' for i in range(90_000))
    (tmp_path / "fat.tx").write_text(HEAD + f'<template><object type="prop"><properties>{props}</properties><point/></object></template>')
    assert (tmp_path / "fat.tx").stat().st_size > 3_000_000
    objects = HENRY + "".join(f'<object id="{i}" template="fat.tx" x="{i}" y="10"/>' for i in range(2, 102))
    p = make_map(tmp_path, objects)
    from previs.level import templates

    expanded = []
    real = templates.apply_template
    monkeypatch.setattr("previs.level.external_files.apply_template", lambda *a: expanded.append(1) or real(*a))
    refused(p, capsys, "has 100 template instances whose templates add up to", "more than the 32 MB that expanding "
                       "templates may copy; refused before expanding any")
    assert expanded == []  # nothing was copied before the refusal
    rc, stderr, rss = _peak_rss_of_check(p)
    assert rc == 1 and "refused before expanding any" in stderr
    assert rss < MEMORY_LIMIT, f"peak RSS {rss / MB:.0f} MB"


def test_template_properties_over_all_instances_are_budgeted(tmp_path, capsys):
    # 1000 properties (~40 KB) x 101 instances = 101 000 properties > 100 000: small files, big build
    props = "".join(f'<property name="p{i}" value="{i}"/>' for i in range(1000))
    (tmp_path / "t.tx").write_text(HEAD + f'<template><object type="prop"><properties>{props}</properties><point/></object></template>')
    objects = HENRY + "".join(f'<object id="{i}" template="t.tx" x="{i}" y="10"/>' for i in range(2, 103))
    refused(make_map(tmp_path, objects), capsys, "would give its objects 101000 custom properties once templates are "
                                                 "expanded", "more than the 100000 a level may have")
    objects = HENRY + "".join(f'<object id="{i}" template="t.tx" x="{i}" y="10"/>' for i in range(2, 101))
    assert cmd_check.run(argparse.Namespace(levels=[str(make_map(tmp_path, objects))], quiet=True)) == 0
    capsys.readouterr()


def test_tile_objects_inheriting_many_properties_are_budgeted(tmp_path, capsys):
    props = "".join(f'<property name="p{i}" value="{i}"/>' for i in range(1000))
    tilesets = (f'<tileset firstgid="1" name="t" tilewidth="32" tileheight="32" tilecount="1" columns="1">'
                f'<tile id="0"><properties>{props}</properties></tile></tileset>')
    objects = HENRY + "".join(f'<object id="{i}" gid="1" x="{i}" y="10" width="32" height="32"/>' for i in range(2, 103))
    refused(make_map(tmp_path, objects, tilesets=tilesets), capsys, "custom properties once templates are expanded "
                                                                    "and tile objects inherit their tiles' properties")


def test_external_files_are_budgeted_together(tmp_path, capsys):
    # five distinct 3.5 MB tilesets: each under the 4 MB file limit, together over 16 MB
    body = "<!--" + "x" * 3_500_000 + "-->"
    refs = ""
    for i in range(5):
        (tmp_path / f"t{i}.tsx").write_text(HEAD + f'<tileset name="t{i}" tilewidth="32" tileheight="32" tilecount="1" columns="1">{body}</tileset>')
        refs += f'<tileset firstgid="{1 + i * 10}" source="t{i}.tsx"/>'
    refused(make_map(tmp_path, tilesets=refs), capsys, "uses more than 16 MB of tilesets and templates together (reached at "
                                                       "'t4.tsx')", "refused before parsing them")


@pytest.mark.parametrize("where", ["map", "tileset", "template"])
def test_dtd_behind_a_quoted_gt_is_refused_by_the_parser(tmp_path, capsys, where):
    # a '>' inside the quoted system id hid the internal subset from the old byte scan; its
    # ATTLIST default then repeated into every element (1.1 MB grew to 7.7 GB)
    dtd = '<!DOCTYPE {root} SYSTEM "a>b" [<!ATTLIST property extra CDATA "{pad}">]>'.format
    pad = "x" * 1000
    if where == "map":
        p = make_map(tmp_path)
        p.write_text(p.read_text().replace("\n", "\n" + dtd(root="map", pad=pad) + "\n", 1))
    elif where == "tileset":
        (tmp_path / "d.tsx").write_text(HEAD + dtd(root="tileset", pad=pad)
                                        + '<tileset name="d" tilewidth="32" tileheight="32" tilecount="1" columns="1"/>')
        p = make_map(tmp_path, tilesets='<tileset firstgid="1" source="d.tsx"/>')
    else:
        (tmp_path / "d.tx").write_text(HEAD + dtd(root="template", pad=pad) + '<template><object type="prop"><point/></object></template>')
        p = make_map(tmp_path, HENRY + '<object id="2" template="d.tx" x="1" y="1"/>')
    refused(p, capsys, "contains a DOCTYPE with entity declarations")


@pytest.mark.parametrize("decl", [
    "<!DOCTYPE map PUBLIC \"-//x//EN\" 'y>z' [<!ENTITY a \"b\">]>",
    "<!DOCTYPE map SYSTEM 'q]>[' [<!ELEMENT map ANY>]>",
    "<!DOCTYPE map [\n<!NOTATION n SYSTEM \"x\">]>",
])
def test_dtd_refused_whatever_its_quoting(tmp_path, capsys, decl):
    p = make_map(tmp_path)
    p.write_text(p.read_text().replace("\n", "\n" + decl + "\n", 1))
    refused(p, capsys, "contains a DOCTYPE with entity declarations")


def _zone_map(tmp_path: Path, zones: int, performers: int, duration: float, vertices: int = 4) -> Path:
    ring = " ".join(f"{16 * math.cos(2 * math.pi * k / vertices):.3f},{16 * math.sin(2 * math.pi * k / vertices):.3f}"
                    for k in range(vertices))
    objects = HENRY + "".join(obj(10 + i, "performer", f"P{i}", 40 + i % 50, 40 + i // 50) for i in range(performers))
    objects += "".join(obj(1000 + k, "zone", f"fire {k}", 96, 80, {"kind": "pyro"},
                           shape=f'<polygon points="{ring}"/>') for k in range(zones))
    return make_map(tmp_path, objects, {"duration": ("float", duration)})


def test_hazard_zones_x_frames_x_actors_is_budgeted_at_load(tmp_path, capsys):
    # 1000 pyro zones, 100 performers, 10 minutes: was 8.6 min and 3.8 GB in the plan
    err = refused(_zone_map(tmp_path, 1000, 100, 600.0), capsys,
                  "would test 1000 hazard zones x 14400 frames x 101 actors = 1454400000 body positions against "
                  "zones, more than the 30000000 a replay may test (about 10 s); merge hazard zones, shorten the "
                  "fight or use fewer performers")
    assert len(err.strip().splitlines()) == 1
    assert cmd_check.run(argparse.Namespace(levels=[str(_zone_map(tmp_path, 20, 100, 600.0))], quiet=True)) == 0
    refused(_zone_map(tmp_path, 21, 100, 600.0), capsys, "21 hazard zones x 14400 frames x 101 actors = 30542400")


def test_hazard_zone_vertices_are_budgeted_at_load(tmp_path, capsys):
    refused(_zone_map(tmp_path, 1, 10, 600.0, vertices=5000), capsys,
            "would test 5000 hazard-zone vertices x 14400 frames x 11 actors = 792000000 polygon edges, more than "
            "the 600000000 a replay may test")


def test_attlist_bomb_of_one_megabyte_is_refused_in_bounds(tmp_path, capsys):
    # issue 21's 1.1 MB file that grew to 7.7 GB: an ATTLIST default of 250 KB behind a
    # quoted '>' repeated into each of ~30 000 <property> elements
    props = "".join(f'<property name="p{i}" value="v"/>' for i in range(30_000))
    p = make_map(tmp_path, HENRY.replace("<point/>", f"<properties>{props}</properties><point/>"))
    dtd = '<!DOCTYPE map SYSTEM "a>b" [<!ATTLIST property pad CDATA "' + "x" * 250_000 + '">]>'
    p.write_text(p.read_text().replace("\n", "\n" + dtd + "\n", 1))
    assert p.stat().st_size > 1_000_000
    refused(p, capsys, "contains a DOCTYPE with entity declarations")
    rc, stderr, rss = _peak_rss_of_check(p)
    assert rc == 1 and "contains a DOCTYPE" in stderr
    assert rss < MEMORY_LIMIT, f"peak RSS {rss / MB:.0f} MB"


def test_hazard_zone_budget_is_checked_again_on_a_takes_length(tmp_path):
    """A take may run longer than its level: 20 pyro zones x 101 actors fit 600 s of
    level (29 088 000 tests), but a take of 14 900 ticks would test 30 098 000."""
    from previs import pipeline
    from previs.errors import TakeError
    from previs.sim.take import check_take, read_take, write_take
    from previs.sim.walker import TickCmd

    level = pipeline.load(_zone_map(tmp_path, 20, 100, 600.0))
    take = tmp_path / "long.take"
    write_take(take, level, [TickCmd()] * 14_900)
    with pytest.raises(TakeError) as e:
        check_take(read_take(take), level)
    assert str(e.value) == (
        f"{take}: a replay of its 14900 ticks on {level.source} would test 20 hazard zones x 14900 frames x "
        "101 actors = 30098000 body positions against zones, more than the 30000000 a replay may test (about "
        "10 s); merge hazard zones, shorten the fight or use fewer performers; the take is kept.")
    short = tmp_path / "short.take"
    write_take(short, level, [TickCmd()] * 14_400)
    check_take(read_take(short), level)  # the level's own length fits
