"""Issue 20: the ten hostile inputs that ended in an internal error, a runaway or a hang,
each refused with one line naming the input and the limit, before any work.

Each case runs the real command (``previs.cli.main``, or a subprocess where a hang must be
caught by a timeout) and checks the exit status, the message and that no traceback or
"internal error" appears."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from previs.cli import main
from previs.level import limits as L

from tmxkit import make_map, obj

ROOT = Path(__file__).resolve().parent.parent
LEVELS = ROOT / "levels"


def run(capsys, *argv) -> tuple[int, str]:
    t0 = time.process_time()
    rc = main(list(argv))
    spent = time.process_time() - t0
    cap = capsys.readouterr()
    text = cap.out + cap.err
    assert "internal error" not in text and "Traceback" not in text, text
    assert spent < 2.0, f"refusal took {spent:.2f} s of CPU"
    return rc, text


def corridor_with(tmp_path: Path, old: str, new: str) -> Path:
    """The bundled corridor fight (with its tileset beside it), one string replaced."""
    text = (LEVELS / "corridor.tmx").read_text(encoding="utf-8")
    assert old in text
    for f in ("previs-walls.tsx", "previs-walls.png", "previs.tiled-project", "previs-objecttypes.xml"):
        (tmp_path / f).write_bytes((LEVELS / f).read_bytes())
    p = tmp_path / "corridor.tmx"
    p.write_text(text.replace(old, new, 1), encoding="utf-8")
    return p


TM = '<property name="tile_meters" type="float" value="1"/>'


@pytest.mark.parametrize("value", ["1e-16", "1e-300"])
def test_a_tiny_tile_meters_is_refused_before_the_report_draws(tmp_path, capsys, value):
    # was: 1e-16 ran the report for over 5 minutes and 3.4 GB; 1e-300 an internal error (exit 70)
    level = corridor_with(tmp_path, TM, TM.replace('value="1"', f'value="{value}"'))
    rc, text = run(capsys, "report", str(level), "-o", str(tmp_path / "r.html"))
    assert rc == 1
    assert f"map properties: tile_meters = {float(value):g} m is out of range; it must be at least 0.01 and at most 100 m" in text
    assert not (tmp_path / "r.html").exists()


def test_the_smallest_tile_meters_still_loads(tmp_path, capsys):
    level = make_map(tmp_path, props={"tile_meters": L.MIN_TILE_METERS})
    rc, text = run(capsys, "check", str(level))
    assert rc == 0, text


def test_a_one_megabyte_henry_name_is_refused_when_the_map_is_read(tmp_path, capsys):
    # was: replayed for 87 s, then an internal error
    name = "H" * 1_000_000
    level = corridor_with(tmp_path, 'name="Henry" type="henry"', f'name="{name}" type="henry"')
    rc, text = run(capsys, "replay", str(level), "-o", str(tmp_path / "out"), "--no-report")
    assert rc == 1
    assert (f"object 1 '{'H' * 57}...' (henry): has a name of 1000000 characters, more than the "
            f"{L.MAX_NAME_CHARS} a name may have; shorten it.") in text
    assert len(text) < 1000  # the name is not echoed whole
    assert not (tmp_path / "out").exists()


def test_a_name_at_the_limit_loads_and_one_past_is_refused(tmp_path, capsys):
    ok = make_map(tmp_path, objects=obj(1, "henry", "H" * L.MAX_NAME_CHARS, 48, 48), name="ok.tmx")
    assert run(capsys, "check", str(ok))[0] == 0
    bad = make_map(tmp_path, objects=obj(1, "henry", "H" * (L.MAX_NAME_CHARS + 1), 48, 48), name="bad.tmx")
    rc, text = run(capsys, "check", str(bad))
    assert rc == 1 and f"has a name of {L.MAX_NAME_CHARS + 1} characters" in text


def test_a_title_and_a_note_are_bounded(tmp_path, capsys):
    level = make_map(tmp_path, props={"title": "T" * (L.MAX_NAME_CHARS + 1)})
    rc, text = run(capsys, "check", str(level))
    assert rc == 1
    assert f"map properties: title = '{'T' * 40}'... ({L.MAX_NAME_CHARS + 1} characters) is longer than the " \
           f"{L.MAX_NAME_CHARS} characters a title may have; shorten it." in text


def _track(tmp_path: Path, edit) -> Path:
    """A 48-frame track.csv at 24 fps with ``edit(row_index, fields)`` applied to each row."""
    lines = ["frame,time,x,y,z,yaw,pitch,roll,hfov"]
    for i in range(48):
        f = [str(i), repr(i / 24), "1.0", "1.7", "2.0", "0.0", "0.0", "0.0", "90.0"]
        edit(i, f)
        lines.append(",".join(f))
    p = tmp_path / "t.csv"
    p.write_text("\n".join(lines) + "\n")
    return p


def test_plan_refuses_a_huge_numeric_field_before_reading_it(tmp_path, capsys):
    # a 400-digit number: was echoed whole; a 200 KB field ended in an internal error (csv.Error)
    p = _track(tmp_path, lambda i, f: f.__setitem__(2, "1" + "0" * 400) if i == 5 else None)
    rc, text = run(capsys, "plan", str(p), "-o", str(tmp_path / "o"))
    assert rc == 1
    assert f"{p}: row 7, column 'x': '{'1' + '0' * 39}'... (401 characters) is not a number (at most 64 characters)." in text
    p.write_text(p.read_text().replace("1.0", "9" * 200_000, 1))
    rc, text = run(capsys, "plan", str(p), "-o", str(tmp_path / "o"))
    assert rc == 1 and "not a track CSV (field larger than field limit (131072))" in text
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("times, first", [
    (lambda i: i * 1e300, "row 3, column 'time': 1e+300 s is beyond ±86400 s (and 46 more rows)"),
    (lambda i: -1e300 + i * 1e290, "row 2, column 'time': -1e+300 s is beyond ±86400 s (and 47 more rows)"),
])
def test_plan_refuses_a_huge_time_step(tmp_path, capsys, times, first):
    # was: ZeroDivisionError (1e300 - -1e300 overflows; 1e300 + 1/24 == 1e300)
    p = _track(tmp_path, lambda i, f: f.__setitem__(1, repr(times(i))))
    rc, text = run(capsys, "plan", str(p), "-o", str(tmp_path / "o"))
    assert rc == 1 and f"{p}: {first}; times are seconds from the start of the track." in text


def test_plan_refuses_a_step_that_is_no_frame_rate(tmp_path, capsys):
    p = _track(tmp_path, lambda i, f: f.__setitem__(1, repr(i * 1000.0)))
    rc, text = run(capsys, "plan", str(p), "-o", str(tmp_path / "o"))
    assert rc == 1
    assert "the time column steps 1000 s a row, i.e. 0.001 fps; a track runs at 1 to 240 fps" in text


def test_still_time_1e308_is_a_usage_error(tmp_path):
    # was: OverflowError: cannot convert float infinity to integer
    r = subprocess.run([sys.executable, "-m", "previs", "still", str(LEVELS / "corridor.tmx"), "--time", "1e308",
                        "-o", str(tmp_path / "s.png")], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "--time must be seconds 0-86400, not '1e308'" in r.stderr


def test_walk_start_1e308_is_a_usage_error_and_a_start_past_the_fight_is_refused(tmp_path):
    env = {**os.environ, "SDL_VIDEODRIVER": "offscreen", "SDL_AUDIODRIVER": "dummy"}
    r = subprocess.run([sys.executable, "-m", "previs", "walk", str(LEVELS / "corridor.tmx"), "--headless",
                        "--frames", "2", "--start", "1e308"], capture_output=True, text=True, cwd=ROOT, timeout=60,
                       env=env)
    assert r.returncode == 2 and "--start must be seconds 0-86400, not '1e308'" in r.stderr
    r = subprocess.run([sys.executable, "-m", "previs", "walk", str(LEVELS / "corridor.tmx"), "--headless",
                        "--frames", "2", "--start", "5000"], capture_output=True, text=True, cwd=ROOT, timeout=120,
                       env=env)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "--start 5000 is past the end of the fight: frames run from 0 to 44.958 s (frame 1079)." in r.stderr


def _expect(tmp_path: Path, body: str) -> Path:
    for f in ("corridor.tmx", "previs-walls.tsx", "previs-walls.png", "previs.tiled-project"):
        (tmp_path / f).write_bytes((LEVELS / f).read_bytes())
    p = tmp_path / "x.expect.toml"
    p.write_text('level = "corridor.tmx"\n' + body)
    return p


@pytest.mark.parametrize("body, message", [
    ('[[position]]\nwho = "Goon 1"\ntime = 1e308\nx = 1\n', "'time' is out of range: 1e+308 is beyond ±86400 s"),
    ('[[position]]\nwho = "Goon 1"\ntime = 3\nyaw = 1e300\n', "'yaw' is out of range: 1e+300 is beyond ±1e+06"),
    ('[[position]]\nwho = "Goon 1"\ntime = 3\nx = -1e308\n', "'x' is out of range: -1e+308 is beyond ±1e+06"),
])
def test_an_expectation_with_a_strange_position_value_is_malformed(tmp_path, capsys, body, message):
    # was: OverflowError for time = 1e308; x = 1e308 printed a 300-digit number
    p = _expect(tmp_path, body)
    rc, text = run(capsys, "test", str(p))
    assert rc == 1 and f"{p}: [[position]] #1: {message}; no fight needs it." in text


def test_an_expectation_file_listing_100000_cuts_is_refused_unparsed(tmp_path, capsys):
    # was: killed after 5 minutes
    p = _expect(tmp_path, "[cuts]\nexact = true\n" + "".join(f"[[cut]]\ntime = {i * 0.01:.3f}\n" for i in range(100_000)))
    rc, text = run(capsys, "test", str(p))
    assert rc == 1 and f"{p}: too large for an expectation file (at most 1024 KB)." in text
    # under the size limit, the count limit: 25 001 tables
    p.write_text('level = "corridor.tmx"\n' + "[[in_view]]\n" * 25_001)
    rc, text = run(capsys, "test", str(p))
    assert rc == 1 and f"{p}: has 25001 tables, more than the 25000 an expectation file may have" in text


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
@pytest.mark.parametrize("update", [False, True])
def test_a_fifo_where_the_golden_should_be_does_not_hang(tmp_path, update):
    p = _expect(tmp_path, '[golden]\ntrack = "g.csv"\n')
    os.mkfifo(tmp_path / "g.csv")
    r = subprocess.run([sys.executable, "-m", "previs", "test", str(p), *(["--update-golden"] if update else [])],
                       capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 1 and "Traceback" not in r.stderr + r.stdout
    assert ("is not a regular file" in r.stdout + r.stderr)
    assert Path(tmp_path / "g.csv").is_fifo()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_a_fifo_planted_as_a_replay_journal_does_not_hang(tmp_path, capsys):
    out = tmp_path / "out"
    stage = out / ".previs-stage-host-1-abcd"
    stage.mkdir(parents=True)
    from previs import fsutil

    os.mkfifo(stage / fsutil.JOURNAL)
    rc = main(["replay", str(LEVELS / "corridor.tmx"), "-o", str(out), "--no-report"])
    assert rc == 0, capsys.readouterr().err
    assert (out / "track.csv").is_file()


# Every file previs reads goes through previs/safe_paths.py (regular files only, bounded).
READERS_ALLOWED = {
    # module: why it may open a file itself
    "previs/safe_paths.py": "the one boundary",
    "previs/animatic/worker.py": "reads the job file its own parent process just wrote",
    "previs/animatic/render.py": "writes the worker's job file",
    "previs/animatic/encoder.py": "rewrites its own temporary MP4 in place",
    "previs/animatic/chunks.py": "rewrites its own temporary chunk in place",
    "previs/fsutil.py": "writes temporary files",
    "previs/cli/__init__.py": "opens os.devnull for writing",
    "previs/gl/glapi.py": "reads the package's own shaders",
    "previs/cli/test_artefacts.py": "appends to failures.txt in the artefact folder it is writing",
}


def test_every_read_goes_through_safe_paths():
    found = []
    for path in sorted((ROOT / "previs").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            fn = node.func
            name = fn.attr if isinstance(fn, ast.Attribute) else fn.id if isinstance(fn, ast.Name) else ""
            owner = fn.value.id if isinstance(fn, ast.Attribute) and isinstance(fn.value, ast.Name) else ""
            if (name == "open" and owner in ("", "io", "builtins")) or name in ("read_text", "read_bytes") \
                    or (name == "load" and owner in ("tomllib", "json", "np", "numpy")):
                if rel not in READERS_ALLOWED:
                    found.append(f"{rel}:{node.lineno}: {name}")
    assert not found, "files read without previs.safe_paths:\n" + "\n".join(found)
