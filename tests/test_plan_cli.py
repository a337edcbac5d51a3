"""``previs plan TRACK.csv -o DIR`` end to end."""

import json
import subprocess
import sys

import numpy as np
import pytest

from previs.cli import main
from previs.export import FILES
from plankit import ease, make_track, times


def write_track(path, seconds=70.0, fps=24):
    t = times(seconds, fps)
    yaw = ease(t, 5.0, 0.2, 90.0) + ease(t, 20.0, 1.0, 50.0) + 3 * np.sin(2 * np.pi * 2 * t)
    pos = np.c_[t * 0.5, np.full(len(t), 1.7), -t * 0.5]
    tr = make_track(yaw, fps, pos=pos)
    path.write_text(tr.to_csv_text())
    return tr


def test_plan_writes_every_file_and_summarises(tmp_path, capsys):
    src = tmp_path / "take3.csv"
    tr = write_track(src)
    out = tmp_path / "plan"
    assert main(["plan", str(src), "-o", str(out), "--start-tc", "01:00:00:00", "--max-take", "40"]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    written = (out / "track.csv").read_text().splitlines()
    data = [ln for ln in written if not ln.startswith("#")]
    src_lines = src.read_text().splitlines()
    assert [ln.rsplit(",", 1)[0] for ln in data] == src_lines  # numbers rewritten exactly, focal_mm added
    assert data[0].endswith(",focal_mm") and "# timecode: frame 0 = 01:00:00:00 (non-drop, counted at 24); reel PREVIS" in written
    doc = json.loads((out / "shotplan.json").read_text())
    assert doc["level"] is None and doc["title"] == "take3" and doc["frames"] == len(tr)
    assert doc["settings"]["max_take"] == 40 and doc["settings"]["start_tc"] == "01:00:00:00"
    assert len(doc["cuts"]) == 1 and doc["cuts"][0]["timecode"].startswith("01:00:05:")
    long = [s for s in doc["shots"] if s["over_max_take"]]
    assert len(long) == 1 and long[0]["suggested_cut"]["direction"] == "left"
    text = capsys.readouterr().out
    assert "turn cuts: 1" in text and "shots: 2" in text and "over the 40 s max take: 1" in text
    assert "best place to cut: 01:00:20:" in text and str(out) in text


def test_thresholds_from_the_command_line(tmp_path):
    src = tmp_path / "t.csv"
    write_track(src, seconds=30)
    out = tmp_path / "o"
    assert main(["plan", str(src), "-o", str(out), "--turn-cut-speed", "70", "--turn-cut-angle", "45",
                 "--comfort-speed", "100"]) == 0
    doc = json.loads((out / "shotplan.json").read_text())
    assert len(doc["cuts"]) == 2  # the 50 degree one-second turn now counts
    assert doc["settings"]["comfort_speed"] == 100


def test_bad_input_is_a_message_not_a_traceback(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("frame,time,x,y,z,yaw\n0,0,0,0,0,zero\n1,0.04,0,0,0,1\n")
    assert main(["plan", str(bad), "-o", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert "bad.csv" in err and "row 2" in err and "Traceback" not in err
    assert main(["plan", str(tmp_path / "missing.csv"), "-o", str(tmp_path / "o")]) == 1
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())


@pytest.mark.parametrize("flags", [["--max-take", "0"], ["--turn-cut-speed", "fast"], ["--start-tc", "1:00"]])
def test_bad_flags_are_usage_errors(tmp_path, flags):
    src = tmp_path / "t.csv"
    write_track(src, seconds=2)
    with pytest.raises(SystemExit) as e:
        main(["plan", str(src), "-o", str(tmp_path / "o"), *flags])
    assert e.value.code == 2


def test_start_tc_frames_beyond_the_rate(tmp_path, capsys):
    src = tmp_path / "t.csv"
    write_track(src, seconds=2)
    assert main(["plan", str(src), "-o", str(tmp_path / "o"), "--start-tc", "00:00:00:24"]) == 1
    assert "--start-tc" in capsys.readouterr().err


def test_failed_run_keeps_previous_files(tmp_path, monkeypatch):
    src = tmp_path / "t.csv"
    write_track(src, seconds=3)
    out = tmp_path / "o"
    assert main(["plan", str(src), "-o", str(out)]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    import previs.export.usd as usd

    def boom(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(usd, "write", boom)
    write_track(src, seconds=5)
    assert main(["plan", str(src), "-o", str(out)]) == 1
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_help_teaches(tmp_path):
    r = subprocess.run([sys.executable, "-m", "previs", "plan", "--help"], capture_output=True, text=True)
    assert r.returncode == 0
    for word in ("track.csv", "turn cuts", "--turn-cut-speed", "--max-take", "--start-tc", "examples:",
                 "camera.usda", "docs/exports.md"):
        assert word in r.stdout


def test_shared_override_options():
    import argparse

    from previs.cli.options import add_plan_overrides, plan_overrides

    p = argparse.ArgumentParser()
    add_plan_overrides(p, safety=True)
    args = p.parse_args(["--turn-cut-speed", "120", "--safety-distance", "0.8", "--start-tc", "01:00:00:00"])
    assert plan_overrides(args) == {"turn_cut_speed": 120.0, "safety_distance": 0.8, "start_tc": "01:00:00:00"}
    assert plan_overrides(p.parse_args([])) == {}
    p2 = argparse.ArgumentParser()
    add_plan_overrides(p2)
    with pytest.raises(SystemExit):
        p2.parse_args(["--safety-distance", "1"])


# -- a track's meaning, not only its syntax (issue 21) --------------------------------------

HEADER = "frame,time,x,y,z,yaw,pitch,roll,hfov"


def _rows(n=24, fps=24, **at):
    """``n`` rows of a still camera; ``at`` = {column: {row index: text}} overrides."""
    cols = HEADER.split(",")
    out = [HEADER]
    for i in range(n):
        vals = {"frame": str(i), "time": repr(i / fps), "x": "0", "y": "1.7", "z": "0", "yaw": "0", "pitch": "0",
                "roll": "0", "hfov": "90"}
        for col, cells in at.items():
            if i in cells:
                vals[col] = cells[i]
        out.append(",".join(vals[c] for c in cols))
    return "\n".join(out) + "\n"


def _tree(d):
    return {str(p.relative_to(d)): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("text, message", [
    (_rows(x={3: "inf"}),
     "t.csv: row 5, column 'x': 'inf' is not finite; write a finite number (inf and nan are not values a camera can have)."),
    (_rows(yaw={0: "nan"}),
     "t.csv: row 2, column 'yaw': 'nan' is not finite; write a finite number (inf and nan are not values a camera can have)."),
    (_rows(hfov={3: "0"}),
     "t.csv: row 5, column 'hfov': 0 degrees is not strictly between 0 and 180; hfov is the horizontal field of view in degrees, e.g. 90."),
    (_rows(hfov={i: "180" for i in range(5, 24)}),
     "t.csv: row 7, column 'hfov': 180 degrees is not strictly between 0 and 180 (and 18 more rows); hfov is the horizontal field of view in degrees, e.g. 90."),
    (_rows(hfov={1: "-5", 2: "360"}),
     "t.csv: row 3, column 'hfov': -5 degrees is not strictly between 0 and 180 (and 1 more row); hfov is the horizontal field of view in degrees, e.g. 90."),
    (_rows(z={10: "1e308"}),
     "t.csv: row 12, column 'z': 1e+308 m is beyond ±100000 m; positions are metres from the level's origin."),
    (_rows(yaw={10: "-2e7"}),
     "t.csv: row 12, column 'yaw': -2e+07 degrees is beyond ±1e+07 degrees; angles are degrees."),
    (_rows(fps=1000),
     "t.csv: the time column steps 0.001 s a row, i.e. 1000 fps; a track runs at 1 to 240 fps: write the time of each frame in seconds."),
    # '#' lines anywhere are comments; rows are still the file's lines (3 header comments, 1 among the rows)
    ("# rate: 24 fps\n# units: metres\n#\n" + _rows(hfov={3: "0"}).replace("\n3,", "\n# a note\n3,"),
     "t.csv: row 9, column 'hfov': 0 degrees is not strictly between 0 and 180; hfov is the horizontal field of view in degrees, e.g. 90."),
    ("# rate: 24 fps\n" + _rows(x={3: "inf"}).replace("\n3,", "\n# a note\n3,"),
     "t.csv: row 7, column 'x': 'inf' is not finite; write a finite number (inf and nan are not values a camera can have)."),
    (_rows(fps=0.5),
     "t.csv: the time column steps 2 s a row, i.e. 0.5 fps; a track runs at 1 to 240 fps: write the time of each frame in seconds."),
])
def test_a_track_that_reads_but_means_nothing_is_refused(tmp_path, capsys, text, message):
    src = tmp_path / "t.csv"
    src.write_text(text)
    before = _tree(tmp_path)
    assert main(["plan", str(src), "-o", str(tmp_path / "out")]) == 1
    assert capsys.readouterr().err == f"previs plan: {tmp_path}/{message}\n"
    assert not (tmp_path / "out").exists() and _tree(tmp_path) == before


def test_every_problem_is_its_own_line(tmp_path, capsys):
    src = tmp_path / "t.csv"
    src.write_text(_rows(x={2: "2e5"}, hfov={4: "0"}))
    assert main(["plan", str(src), "-o", str(tmp_path / "out")]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"previs plan: {src}: row 4, column 'x': 200000 m is beyond ±100000 m; positions are metres from the level's origin.",
        f"previs plan: {src}: row 6, column 'hfov': 0 degrees is not strictly between 0 and 180; hfov is the horizontal "
        "field of view in degrees, e.g. 90.",
    ]


def test_a_track_over_the_frame_limit_is_refused_before_planning(tmp_path, capsys):
    from previs.sim.track import MAX_FRAMES

    assert MAX_FRAMES == 864_000  # one hour at 240 fps, as docs/exports.md says
    src = tmp_path / "long.csv"
    src.write_text("time,x,y,z,yaw\n" + "".join(f"{i},0,0,0,0\n" for i in range(MAX_FRAMES + 1)))
    before = _tree(tmp_path)
    assert main(["plan", str(src), "-o", str(tmp_path / "out")]) == 1
    assert capsys.readouterr().err == (f"previs plan: {src}: 864001 rows, more than the 864000 frames a track may "
                                       "hold (3600 s at 240 fps); split it into shorter tracks.\n")
    assert not (tmp_path / "out").exists() and _tree(tmp_path) == before
