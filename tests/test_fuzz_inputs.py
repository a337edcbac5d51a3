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
