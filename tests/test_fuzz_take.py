"""Fuzzing the take reader: any file given as ``--take`` is read or refused with TakeError.

Inputs: random bytes; valid takes (random commands within the walker's limits) cut short at
any byte, with tokens replaced (huge numbers, floats, text, unicode digits), lines
duplicated, dropped or spliced, CRLF endings, and headers replaced by other JSON (wrong
types, deep nesting, huge numbers) or by junk. The property: :func:`read_take` returns a
take whose ticks are all within the limits (a warning naming the file if it dropped a cut
line) or raises :class:`TakeError` naming the file; nothing else, never over 2 s. Takes
that read and match the level are replayed (the walker must cope with any legal command).
"""

from __future__ import annotations

import json
import os
import time

import numpy as np
from hypothesis import given, strategies as st

from previs.errors import TakeError
from previs.sim.take import FORMAT, MAX_TICKS, read_take, replay_take
from previs.sim.walker import CMD_LIMITS, TickCmd

from levelkit import henry, level, path, performer, walls
from fuzzkit import TIME_LIMIT, bounded, fuzz

LEVEL = level(
    henry(position=(10.0, 15.0), heading=0.0),
    performers=[performer(7, "Goon", (10, 2), path=path(8, (10, 2), (3, 3), (15, 8)))],
    walls_=walls(solid_cells=[(5, c) for c in range(20) if c not in (9, 10)]),
    duration=10,
)
HEADER = {"format": FORMAT, "level": "test.tmx", "level_hash": LEVEL.content_hash, "fps": 24}


def cmds() -> st.SearchStrategy[list[TickCmd]]:
    lim = CMD_LIMITS
    one = st.builds(
        TickCmd,
        st.integers(-lim["forward"], lim["forward"]),
        st.integers(-lim["strafe"], lim["strafe"]),
        st.integers(-lim["turn"], lim["turn"]),
        st.integers(-lim["look"], lim["look"]),
        st.integers(0, lim["buttons"]),
    )
    return st.lists(one, min_size=1, max_size=200)


def take_text(header: dict, commands: list[TickCmd]) -> str:
    return json.dumps(header) + "\n" + "".join(
        " ".join(map(str, (i, *c.as_tuple()))) + "\n" for i, c in enumerate(commands))


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**80), 2**80) | st.floats() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
TOKENS = ["", "x", "1.5", "1e3", "nan", "-0", "+5", "99999999999999999999", "9" * 5000, "١٢", "0x10", "1_0",
          "128", "-128", "18001", "256", "-1", "\x00", "\t", " ", "\r", "\u2028", "\xff"]


@st.composite
def damaged_take(draw) -> bytes:
    header = dict(HEADER)
    how = draw(st.sampled_from(["ok", "ok", "ok", "field", "drop", "json", "junk", "deep"]))
    if how == "field":
        header[draw(st.sampled_from(["format", "level", "level_hash", "fps", "extra"]))] = draw(JSON)
    elif how == "drop":
        header.pop(draw(st.sampled_from(sorted(header))))
    commands = draw(cmds())
    text = take_text(header, commands)
    lines = text.split("\n")
    if how == "json":
        lines[0] = json.dumps(draw(JSON))
    elif how == "junk":
        lines[0] = draw(st.text(max_size=40))
    elif how == "deep":
        n = draw(st.integers(1, 200_000))
        lines[0] = "[" * n + "]" * n if draw(st.booleans()) else '{"a":' * n + "1" + "}" * n
    for _ in range(draw(st.integers(0, 3))):
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["token", "dup", "drop", "insert", "crlf", "long"]))
        if op == "token" and lines[i]:
            parts = lines[i].split(" ")
            parts[draw(st.integers(0, len(parts) - 1))] = draw(st.sampled_from(TOKENS) | st.integers().map(str))
            lines[i] = " ".join(parts)
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "drop":
            del lines[i]
        elif op == "insert":
            lines.insert(i, draw(st.text(max_size=30)))
        elif op == "crlf":
            lines[i] += "\r"
        elif op == "long":
            lines[i] += " 0" * draw(st.integers(1, 100_000))
    raw = "\n".join(lines).encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 3)) == 0:  # cut short, e.g. power loss mid-write
        raw = raw[: draw(st.integers(0, len(raw)))]
    return raw


def read_or_refuse(path):
    take = bounded(read_take, path, expected=(TakeError,))
    if isinstance(take, TakeError):
        assert take.problems
        for line in take.problems:
            assert line.startswith(f"{path}: "), line
        return None
    assert 1 <= len(take.cmds) <= MAX_TICKS
    for c in take.cmds:
        for name, v in zip(("forward", "strafe", "turn", "look", "buttons"), c.as_tuple()):
            assert isinstance(v, int) and abs(v) <= CMD_LIMITS[name]
    for w in take.warnings:
        assert w.startswith(f"{path}: ") and "\n" not in w
    return take


@fuzz()
@given(raw=st.one_of(st.binary(max_size=600), damaged_take()))
def test_damaged_takes_read_or_are_refused(tmp_path_factory, raw):
    path = tmp_path_factory.getbasetemp() / f"fuzz-{os.getpid()}.take"
    path.write_bytes(raw)
    take = read_or_refuse(path)
    if take is not None and take.level_hash == LEVEL.content_hash and take.fps == 24:
        m = replay_take(LEVEL, take)
        assert len(m.track) == len(take.cmds)
        assert np.isfinite(m.track.pos).all() and np.isfinite(m.track.yaw).all()


@fuzz(0.25)
@given(commands=cmds(), cut=st.integers(0, 10_000))
def test_a_take_cut_anywhere_keeps_every_whole_tick(tmp_path_factory, commands, cut):
    """Power loss at any byte: every tick whose line is complete replays, nothing else."""
    path = tmp_path_factory.getbasetemp() / f"cut-{os.getpid()}.take"
    full = take_text(HEADER, commands).encode()
    cut = min(cut, len(full))
    path.write_bytes(full[:cut])
    head = len(full.split(b"\n", 1)[0]) + 1
    whole = full[head:cut].count(b"\n")
    try:
        take = read_take(path)
    except TakeError as e:
        assert whole == 0, e
        return
    assert take.cmds == tuple(commands[:whole])
    partial = cut > head and not full[:cut].endswith(b"\n")
    assert bool(take.warnings) == partial


# --------------------------------------------------------------------------------------
# Crashers and hazards found by fuzzing, kept as plain tests
# --------------------------------------------------------------------------------------
def _refused(tmp_path, raw: bytes, needle: str):
    p = tmp_path / "t.take"
    p.write_bytes(raw)
    t0 = time.perf_counter()
    try:
        read_take(p)
    except TakeError as e:
        assert needle in str(e) and str(p) in str(e), e
    else:
        raise AssertionError("not refused")
    assert time.perf_counter() - t0 < TIME_LIMIT


def test_deeply_nested_header_is_refused_not_a_recursion_error(tmp_path):
    # Found by fuzzing: json.loads recursed past Python's limit (RecursionError).
    _refused(tmp_path, b"[" * 5000 + b"]" * 5000 + b"\n0 0 0 0 0 0\n", "not a take header")
    _refused(tmp_path, b'{"a":' * 40 + b"1" + b"}" * 40 + b"\n0 0 0 0 0 0\n", "nested too deep")


def test_endless_lines_are_refused_without_reading_them_whole(tmp_path):
    head = (json.dumps(HEADER) + "\n").encode()
    _refused(tmp_path, head + b"0 " * 3_000_000 + b"\n", "line 2 is longer than")
    _refused(tmp_path, b"{" + b" " * 1_000_000 + b"\n", "line 1 is longer than")


def test_header_fps_must_be_a_frame_rate(tmp_path):
    for fps in (0, -24, 10**30):
        _refused(tmp_path, (json.dumps(dict(HEADER, fps=fps)) + "\n0 0 0 0 0 0\n").encode(), "frame rate from 1")


def test_folder_and_fifo_are_refused(tmp_path):
    with_dir = tmp_path / "d.take"
    with_dir.mkdir()
    try:
        read_take(with_dir)
    except TakeError as e:
        assert "is a folder" in str(e)
    fifo = tmp_path / "f.take"
    os.mkfifo(fifo)
    t0 = time.perf_counter()
    try:
        read_take(fifo)  # must not block waiting for a writer
    except TakeError as e:
        assert "not a regular file" in str(e)
    assert time.perf_counter() - t0 < TIME_LIMIT


def test_a_take_longer_than_the_limit_is_not_lost(tmp_path, monkeypatch):
    import previs.sim.take as take_mod

    monkeypatch.setattr(take_mod, "MAX_TICKS", 50)
    p = tmp_path / "long.take"
    p.write_text(take_text(HEADER, [TickCmd(forward=127)] * 80))
    t = read_take(p)
    assert len(t.cmds) == 50 and "replaying the first 50" in t.warnings[0]
