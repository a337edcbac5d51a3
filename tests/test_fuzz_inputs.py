"""Issue 20: fuzzing the readers the older campaigns did not reach: BVH files (mocap),
camera tracks (``previs plan``, golden tracks) and the command line's numbers.

Each case must be read, or refused with the reader's own error naming the input, within
the 2 s CPU bound (``fuzzkit.bounded``); anything else (an internal error, a hang) fails.
``PREVIS_FUZZ_EXAMPLES`` and ``PREVIS_FUZZ_SEED`` scale and vary the campaign as for the
other fuzz modules."""

from __future__ import annotations

import argparse

from hypothesis import given, strategies as st

from previs.errors import PrevisError
from previs.level.bvh_file import BvhError, parse_bvh
from previs.sim.track import CameraTrack

from bvhkit import ours_text
from fuzzkit import bounded, fuzz

BVH = ours_text(frames=4).encode()
TRACK = ("frame,time,x,y,z,yaw,pitch,roll,hfov\n"
         + "".join(f"{i},{i / 24!r},1.0,1.7,{i * 0.05!r},{i * 2.0!r},0.0,0.0,90.0\n" for i in range(30))).encode()

NASTY = [b"nan", b"inf", b"-inf", b"1e308", b"1e-320", b"-0", b"9" * 400, b"1e999999", b"0x10", b"1_000",
         b"\x00", b"\xff\xfe", b"{", b"}", b",", b"\n", b"\r\n", b"\t", b" ", b"", "\u202e".encode(), b"ROOT",
         b"JOINT", b"End Site", b"CHANNELS 300", b"Frames: 99999999", b"Frame Time: 0", b"MOTION"]


@st.composite
def damaged(draw, base: bytes) -> bytes:
    """``base`` with a few cuts, splices, repeats and NASTY tokens at random places."""
    data = bytearray(base)
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["cut", "insert", "replace", "repeat", "delete"]))
        at = draw(st.integers(0, len(data)))
        if op == "cut":
            del data[at:]
        elif op == "insert":
            data[at:at] = draw(st.sampled_from(NASTY))
        elif op == "replace":
            end = min(len(data), at + draw(st.integers(1, 12)))
            data[at:end] = draw(st.one_of(st.sampled_from(NASTY), st.binary(max_size=8)))
        elif op == "repeat":
            end = min(len(data), at + draw(st.integers(1, 200)))
            data[at:at] = bytes(data[at:end]) * draw(st.integers(1, 50))
        else:
            end = min(len(data), at + draw(st.integers(1, 40)))
            del data[at:end]
    return bytes(data)


@fuzz()
@given(raw=st.one_of(damaged(BVH), st.binary(max_size=400)))
def test_damaged_bvh_reads_or_is_refused_with_a_line(raw):
    out = bounded(parse_bvh, raw, "x.bvh", expected=(BvhError,))
    if isinstance(out, BvhError):
        assert str(out).startswith("x.bvh:"), str(out)


def _track(raw: bytes):
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return CameraTrack.from_csv_text(text, "t.csv")


@fuzz()
@given(raw=st.one_of(damaged(TRACK), st.binary(max_size=400)))
def test_damaged_tracks_read_or_are_refused_naming_the_file(raw):
    out = bounded(_track, raw, expected=(PrevisError,))
    if isinstance(out, PrevisError):
        assert all(p.startswith("t.csv") for p in out.problems), out.problems
    elif out is not None:
        assert 1 <= out.fps <= 240 and len(out) >= 1


@fuzz()
@given(text=st.one_of(st.sampled_from([t.decode("utf-8", "replace") for t in NASTY]), st.text(max_size=30),
                      st.floats(allow_nan=True, allow_infinity=True).map(repr)))
def test_command_line_times_are_numbers_in_range_or_usage_errors(text):
    from previs.cli.options import number

    parse = number("--time", lo=0, hi=86_400.0, example="12.5", kind="seconds")
    try:
        v = parse(text)
    except argparse.ArgumentTypeError as e:
        assert str(e).startswith("--time must be") and len(str(e)) < 200
    else:
        assert 0 <= v <= 86_400.0


# -- this turn's other new inputs: rehearsal logs (issue 18) and edit files (issue 19) --------

def _rehearsal_bases() -> dict[str, bytes]:
    """A 3-whip rehearsal (about 9 s at 100 Hz) as a Gyroflow log and as a phyphox CSV."""
    import tempfile
    from pathlib import Path

    from rehearsalkit import imu_from_head, random_head, write_gcsv, write_phyphox

    log = imu_from_head(random_head(3, n_whips=3, pans=0), rate=100.0)
    with tempfile.TemporaryDirectory() as d:
        return {"gcsv": write_gcsv(log, Path(d) / "r.gcsv").read_bytes(),
                "phyphox": write_phyphox(log, Path(d) / "r.csv").read_bytes()}


REHEARSALS = _rehearsal_bases()


def _plan_rehearsal(raw: bytes, suffix: str):
    """Read ``raw`` as a rehearsal file and turn it into a head track at 30 fps."""
    import os
    import tempfile

    from previs.rehearsal import read_rehearsal
    from previs.rehearsal.imu import ImuLog
    from previs.rehearsal.imu_to_track import imu_to_track

    fd, path = tempfile.mkstemp(suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
        got = read_rehearsal(path)
        return path, (imu_to_track(got, 30.0)[0] if isinstance(got, ImuLog) else got)
    except PrevisError as e:
        e.path = path
        raise
    finally:
        os.unlink(path)


@fuzz(scale=0.5)
@given(raw=st.one_of(damaged(REHEARSALS["gcsv"]), damaged(REHEARSALS["phyphox"]), st.binary(max_size=400)),
       suffix=st.sampled_from([".gcsv", ".csv", ".txt"]))
def test_damaged_rehearsal_logs_plan_or_are_refused_naming_the_file(raw, suffix):
    out = bounded(_plan_rehearsal, raw, suffix, expected=(PrevisError,), limit=4.0)
    if isinstance(out, PrevisError):
        assert all(p.startswith(out.path) for p in out.problems), out.problems
    else:
        _, track = out
        assert len(track) >= 1 and 1 <= track.fps <= 240
        assert all(map(lambda a: bool(a.size) and bool((abs(a) < 1e9).all()), (track.yaw, track.pitch)))


EDIT = ('format = "previs-edit/1"\nlevel = "corridor.tmx"\n\n[[shot]]\nshot = 2\ntake = "takes/c-shot002-take01.take"\n'
        '\n[[shot]]\nshot = 3\ntake = "script"\nnote = "circled"\n').encode()


def _read_edit(raw: bytes):
    import os
    import tempfile

    from previs.sim.edit import read_edit

    fd, path = tempfile.mkstemp(suffix=".edit.toml")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
        try:
            return path, read_edit(path)
        except PrevisError as e:
            e.path = path
            raise
    finally:
        os.unlink(path)


@fuzz()
@given(raw=st.one_of(damaged(EDIT), st.binary(max_size=300)))
def test_damaged_edit_files_read_or_are_refused_naming_the_file(raw):
    out = bounded(_read_edit, raw, expected=(PrevisError,))
    if isinstance(out, PrevisError):
        assert all(p.startswith(out.path) for p in out.problems), out.problems
    else:
        _, edit = out
        assert all(e.shot >= 1 and e.take for e in edit.entries)
