"""Fuzzing the expectation reader (``LEVEL.expect.toml``): parsed or refused, nothing else.

Inputs: documents generated from :data:`previs.testing.expect.SCHEMA` (every table, known
and unknown keys, values of the right type and of every wrong one: NaN, infinities, 64-bit
extremes, negative and zero, strings, arrays, tables, dates; ``[[take]]`` entries with
their own tables), written as TOML in both table and inline syntax; the same documents and
the duel fixture's expectations damaged as text (cut short, lines dropped or doubled,
characters spliced in); and random bytes through :func:`parse_file`. The property:
:func:`parse_text` / :func:`parse_file` return an :class:`ExpectFile` or raise
:class:`ExpectationError` whose every problem names the file; nothing else, never over 2 s.

Crashes found here (fixed since by the owner of ``previs/testing/expect.py``) are kept as
plain tests at the bottom.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from previs.errors import ExpectationError
from previs.testing.expect import SCHEMA, ExpectFile, parse_file, parse_text

from fuzzkit import bounded, fuzz

DATA = Path(__file__).resolve().parent / "data"
NAME = "levels/fuzz.expect.toml"
ROOT = DATA.parent.parent
# Seeds for text damage: the duel fixture's expectations and the bundled levels' (when present).
SEED_TEXTS = [p.read_text(encoding="utf-8") for p in
              [DATA / "expect" / "duel.toml", *sorted((ROOT / "levels").glob("*.expect.toml"))] if p.is_file()]

I64 = st.integers(-(2**63), 2**63 - 1)
SCALAR = st.one_of(
    I64,
    st.sampled_from([0, -1, 1, 2**63 - 1, -(2**63)]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 1e-300, 1e300, 0.1, -0.1]),
    st.booleans(),
    st.text(max_size=12),
    st.sampled_from(["left", "right", "either", "Henry", "Goon 1", "clearance", "no-go", "pyro", "", "3.1",
                     "true", "duel.golden.csv", "../../etc/passwd", "/dev/zero", "nope.csv", "a" * 300]),
    st.dates(),
    st.datetimes(),
    st.times(),
)
ANY = st.recursive(SCALAR, lambda inner: st.lists(inner, max_size=3)
                   | st.dictionaries(st.text(max_size=6), inner, max_size=3), max_leaves=4)


def value_for(key) -> st.SearchStrategy:
    """Mostly the right type for ``key`` (with edge values), sometimes anything."""
    right = {
        "number": st.one_of(I64, st.floats(allow_nan=True, allow_infinity=True),
                            st.sampled_from([0, 0.0, -1, 1e-9, 3.1, 60])),
        "int": st.one_of(I64, st.sampled_from([0, 1, 2, 3, -1])),
        "bool": st.booleans(),
        "string": st.one_of(st.text(max_size=12), st.sampled_from(list(key.choices) or ["Henry", "Goon 1"])),
        "names": st.one_of(st.text(max_size=8), st.lists(st.text(max_size=8), max_size=3)),
        "table": st.deferred(lambda: table(key.table)),
        "tables": st.deferred(lambda: st.lists(table(key.table), max_size=2)),
    }[key.type]
    return st.one_of(right, right, right, ANY)


@functools.lru_cache(maxsize=None)
def table(schema_name: str) -> st.SearchStrategy[dict]:
    keys = SCHEMA[schema_name]
    known = st.fixed_dictionaries({}, optional={k.name: value_for(k) for k in keys})
    unknown = st.dictionaries(st.sampled_from(["tolerence", "shot", "cuts2", "Time", "", "x y", "take"]) | st.text(max_size=6),
                              ANY, max_size=2)
    return st.builds(lambda a, b: {**b, **a}, known, st.one_of(st.just({}), unknown))


# --------------------------------------------------------------------------------------
# A small TOML writer (tomllib only reads)
# --------------------------------------------------------------------------------------
_BARE = re.compile(r"[A-Za-z0-9_-]+")


def tkey(k: str) -> str:
    return k if _BARE.fullmatch(k) else json.dumps(k)


def tvalue(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v)  # JSON escapes are TOML basic-string escapes
    if isinstance(v, dt.datetime):
        return v.isoformat()
    if isinstance(v, (dt.date, dt.time)):
        return v.isoformat()
    if isinstance(v, list):
        return "[" + ", ".join(tvalue(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{tkey(k)} = {tvalue(x)}" for k, x in v.items()) + "}"
    raise TypeError(type(v))


def to_toml(doc: dict, inline: bool, prefix: str = "") -> str:
    """``doc`` as TOML: scalars first, then ``[table]`` / ``[[tables]]`` sections (nested
    one level, e.g. ``[[take.cut]]``), or everything inline."""
    head, body = [], []
    for k, v in doc.items():
        is_tables = isinstance(v, list) and v and all(isinstance(t, dict) for t in v)
        if inline or not (isinstance(v, dict) or is_tables):
            head.append(f"{tkey(k)} = {tvalue(v)}")
            continue
        path = f"{prefix}{tkey(k)}"
        for t in (v if is_tables else [v]):
            body.append(f"\n{'[[' if is_tables else '['}{path}{']]' if is_tables else ']'}")
            scal = {a: b for a, b in t.items() if not (isinstance(b, dict) or (isinstance(b, list) and b and all(isinstance(x, dict) for x in b)))}
            nested = {a: b for a, b in t.items() if a not in scal}
            body.extend(f"{tkey(a)} = {tvalue(b)}" for a, b in scal.items())
            if nested:
                body.append(to_toml(nested, inline=bool(prefix), prefix=path + "."))
    return "\n".join(head + body) + "\n"


@st.composite
def documents(draw) -> str:
    if draw(st.integers(0, 4)) == 0:
        text = draw(st.sampled_from(SEED_TEXTS))
    else:
        text = to_toml(draw(table("top")), inline=draw(st.booleans()))
    lines = text.split("\n")
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2, 3]))):
        if not lines:
            lines = [""]
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["drop", "dup", "splice", "swap"]))
        if op == "drop":
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "splice":
            j = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:j] + draw(st.sampled_from(list("[]{}=\"'.#,\\ \t") + ["\n", "[[", "]]", "nan", "-", "1"])) + lines[i][j:]
        else:
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
    text = "\n".join(lines)
    if draw(st.integers(0, 5)) == 0:
        text = text[: draw(st.integers(0, len(text)))]
    return text


# --------------------------------------------------------------------------------------
# The property
# --------------------------------------------------------------------------------------
def parsed_or_refused(fn, *args, name=NAME):
    got = bounded(fn, *args, expected=(ExpectationError,))
    if isinstance(got, ExpectationError):
        assert got.problems
        for line in got.problems:
            assert line.startswith(f"{name}: "), line
    if isinstance(got, ExpectFile):
        for e in got.expectations:
            assert e.id and e.label
    return got


@fuzz()
@given(text=documents())
def test_expectation_files_parse_or_are_refused(text):
    parsed_or_refused(parse_text, text, NAME)


@fuzz(0.25)
@given(raw=st.one_of(st.binary(max_size=400), documents().map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_expectation_bytes_parse_or_are_refused(tmp_path_factory, raw):
    path = tmp_path_factory.getbasetemp() / f"fuzz-{os.getpid()}.expect.toml"
    path.write_bytes(raw)
    parsed_or_refused(parse_file, path, name=str(path))


def test_the_writer_round_trips_through_tomllib():
    import tomllib

    doc = {"note": "x", "shots": {"count": 3}, "cut": [{"time": 1.0}, {"time": 2, "direction": "left"}],
           "take": [{"file": "a.take", "golden": {"track": "g.csv"}, "cut": [{"time": 1}]}],
           "safety": {"findings": 0, "allow": [{"kind": "pyro"}]}}
    for inline in (True, False):
        assert tomllib.loads(to_toml(doc, inline)) == doc


# --------------------------------------------------------------------------------------
# Crashes found here (fixed in previs/testing/expect.py by its owner), kept as tests
# --------------------------------------------------------------------------------------
def test_number_beyond_float_range():
    # was: OverflowError from math.isfinite() of a TOML integer beyond float range
    with pytest.raises(ExpectationError) as e:
        parse_text("[[cut]]\ntime = 1" + "0" * 400 + "\n", NAME)
    assert e.value.problems[0].startswith(f"{NAME}: ")


def test_deeply_nested_array():
    # was: RecursionError inside tomllib
    with pytest.raises(ExpectationError) as e:
        parse_text("note = " + "[" * 5000 + "]" * 5000 + "\n", NAME)
    assert e.value.problems[0].startswith(f"{NAME}: ")


def test_fifo_expectation_file_does_not_hang(tmp_path):
    # was: parse_file blocked forever opening a FIFO (previs test would hang)
    fifo = tmp_path / "x.expect.toml"
    os.mkfifo(fifo)
    code = ("import sys\nfrom previs.testing.expect import parse_file\nfrom previs.errors import ExpectationError\n"
            "try:\n    parse_file(sys.argv[1])\nexcept ExpectationError as e:\n    print(e)\n")
    try:
        r = subprocess.run([sys.executable, "-c", code, str(fifo)], timeout=20, check=True, capture_output=True,
                           text=True)
    except subprocess.TimeoutExpired:
        pytest.fail("parse_file blocked on a FIFO")
    assert "not a regular file" in r.stdout


# --------------------------------------------------------------------------------------
# Issue 21: whole `previs test` runs with hostile paths: nothing outside the project
# --------------------------------------------------------------------------------------
PATH_CANDIDATES = ["duel.golden.csv", "sub/new.csv", "../outside/victim.csv", "../outside/new.csv",
                   "../../outside/x.csv", "/etc/passwd", "/dev/zero", "fifo.csv", "link/victim.csv",
                   "inlink.csv", "nope.csv", "sub", ".", "", "duel.tmx", "duel.expect.toml", "t.take",
                   "../proj/duel.golden.csv", "a\x00b"]


@pytest.fixture(scope="module")
def hostile_project(tmp_path_factory):
    """tmp/outside/ (bystanders) and tmp/proj/ (the duel with its golden, a FIFO, a symlink
    out of the project and one inside it, a folder)."""
    from expectkit import duel
    from previs.cli import main

    base = tmp_path_factory.mktemp("hostile")
    outside = base / "outside"
    outside.mkdir()
    (outside / "victim.csv").write_text("precious\n")
    proj = base / "proj"
    proj.mkdir()
    duel(proj, (DATA / "expect" / "duel.toml").read_text())
    assert main(["test", str(proj), "--update-golden", "--accept", "-q"]) == 0
    os.mkfifo(proj / "fifo.csv")
    (proj / "link").symlink_to(outside)
    (proj / "inlink.csv").symlink_to(proj / "duel.golden.csv")
    (proj / "sub").mkdir()
    (proj / "t.take").write_text("not a take\n")
    return base


def _tree(root: Path) -> dict[str, tuple]:
    out = {}
    for dirpath, dirs, files in os.walk(root):
        for f in files + dirs:
            p = Path(dirpath) / f
            st_ = p.lstat()
            body = p.read_bytes() if p.is_file() and not p.is_symlink() else None
            out[str(p)] = (st_.st_mode, body, st_.st_mtime_ns if body is None else None)
    return out


@st.composite
def hostile_documents(draw) -> str:
    text = (DATA / "expect" / "duel.toml").read_text()
    ref = lambda label: json.dumps(draw(st.sampled_from(PATH_CANDIDATES), label=label))  # noqa: E731
    text = text.replace('track = "duel.golden.csv"', f"track = {ref('golden')}")
    if draw(st.booleans(), label="level key"):
        text = f"level = {ref('level')}\n" + text
    if draw(st.booleans(), label="take"):
        text += f"\n[[take]]\nfile = {ref('take')}\n[take.golden]\ntrack = {ref('take golden')}\n"
    return text


@fuzz(0.25)
@given(text=hostile_documents(), update=st.booleans())
def test_previs_test_with_hostile_paths_touches_nothing_outside(hostile_project, text, update):
    from previs.testing.runner import Session, format_file, run_file

    proj = hostile_project / "proj"
    expect = proj / "fuzz.expect.toml"
    expect.write_text(text, encoding="utf-8")
    outside_before = _tree(hostile_project / "outside")
    golden = (proj / "duel.golden.csv").read_bytes()
    inputs = {p: p.read_bytes() for p in (proj / "duel.tmx", proj / "duel.expect.toml", proj / "t.take", expect)}
    rep = bounded(run_file, Session(), expect, update, limit=30.0)  # a replay of the duel included
    text_out = format_file(rep)
    assert "Traceback" not in text_out
    assert _tree(hostile_project / "outside") == outside_before
    assert (proj / "fifo.csv").is_fifo() and (proj / "link").is_symlink()
    if not update:
        assert (proj / "duel.golden.csv").read_bytes() == golden
    for p, body in inputs.items():  # a golden update never overwrites an input
        assert p.read_bytes() == body, p
    for p in proj.rglob("*"):  # nothing but goldens inside the project is created
        assert p.name in {"duel.tmx", "duel.expect.toml", "duel.golden.csv", "fuzz.expect.toml", "fifo.csv", "link",
                          "inlink.csv", "sub", "t.take", "new.csv", "nope.csv"}, p
    (proj / "sub" / "new.csv").unlink(missing_ok=True)
    (proj / "nope.csv").unlink(missing_ok=True)  # a missing golden that --update-golden recorded (seed 2020)
    (proj / "duel.golden.csv").write_bytes(golden)
