"""Find expectation files, replay their levels, run the checks, report.

``previs test`` and the pytest plugin both go through :class:`Session` and
:func:`run_expectation`, so they pass and fail the same expectations for the same reasons.
A session caches what it loads (expectation files, levels, replays and their plans), so a
level is replayed once per process however many expectations look at it.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ExpectationError, PrevisError
from .checks import Failure, Replay, check, update_golden
from .expect import SUFFIX, Expectation, ExpectFile, ExpectSet, parse_file

SKIP_DIRS = {"__pycache__", "node_modules", "site-packages"}


def _skip_dir(d: Path) -> bool:
    return d.name.startswith(".") or d.name in SKIP_DIRS or (d / "pyvenv.cfg").exists()


def _walk(folder: Path) -> list[Path]:
    out = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dp = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if not _skip_dir(dp / d))
        out += [dp / f for f in sorted(filenames) if f.endswith(SUFFIX)]
    return out


def default_paths() -> list[str]:
    """``levels/`` when the current folder has one, else the current folder."""
    return ["levels"] if Path("levels").is_dir() else ["."]


def discover(paths) -> tuple[list[Path], list[str]]:
    """Expectation files named by ``paths`` (folders are searched recursively, skipping
    hidden folders and virtualenvs; a ``.tmx`` means the expectation file beside it), and
    problems (paths that do not exist, levels without one). Order: as given, then sorted."""
    found: list[Path] = []
    problems: list[str] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found += _walk(p)
        elif p.is_file() and p.name.endswith(SUFFIX):
            found.append(p)
        elif p.is_file() and p.suffix.lower() == ".tmx":
            e = p.with_name(p.stem + SUFFIX)
            if e.exists():
                found.append(e)
            else:
                problems.append(f"{raw}: no expectation file beside it; write {e} (see docs/testing.md).")
        elif p.exists():
            problems.append(f"{raw}: not an expectation file (*{SUFFIX}), a level (.tmx) or a folder.")
        else:
            problems.append(f"{raw}: no such file or folder.")
    seen, out = set(), []
    for f in found:
        k = os.path.realpath(f)
        if k not in seen:
            seen.add(k)
            out.append(f)
    return out, problems


def expectation_id(path: Path, e: Expectation) -> str:
    """``levels/corridor.expect.toml::cut[2]``: the same name pytest gives the item."""
    return f"{path.as_posix()}::{e.id}"


class Session:
    """Loads and caches expectation files, levels, replays and plans."""

    def __init__(self, strict: bool = False):
        self.strict = strict  # a take of a changed level is refused instead of warned about
        self._files: dict[str, ExpectFile] = {}
        self._levels: dict[str, object] = {}
        self._replays: dict[tuple, Replay] = {}
        self._others: dict[str, list[str]] = {}
        self.timings: dict[tuple, float] = {}

    def other_failures(self, ef: ExpectFile) -> list[str]:
        """Ids of the expectations of ``ef`` other than goldens that fail (cached)."""
        key = os.path.realpath(ef.path)
        if key not in self._others:
            bad = []
            for s in ef.sets:
                for e in s.expectations:
                    if e.kind in GOLDEN_KINDS:
                        continue
                    if not run_expectation(self, ef, s, e).ok:
                        bad.append(e.id)
            self._others[key] = bad
        return self._others[key]

    def expect_file(self, path) -> ExpectFile:
        key = os.path.realpath(path)
        if key not in self._files:
            self._files[key] = parse_file(path)
        return self._files[key]

    def level(self, path: Path):
        from ..level.loader import load_level

        key = os.path.realpath(path)
        if key not in self._levels:
            if not Path(path).exists():
                raise PrevisError(f"{path}: the level to test does not exist (an expectation file tests the "
                                  f"level of the same name beside it, or the one its 'level' key names).")
            try:
                self._levels[key] = load_level(path)
            except PrevisError as e:
                self._levels[key] = e
        got = self._levels[key]
        if isinstance(got, PrevisError):
            raise got
        return got

    def seed(self, level_path, level, replay: Replay) -> None:
        """Cache ``level`` (loaded from ``level_path``) and its scripted ``replay`` at the
        level's own thresholds, which the caller has already made (``previs test --init``)."""
        key = os.path.realpath(level_path)
        self._levels[key] = level
        self._replays[(key, None, (), None)] = replay

    def replay(self, ef: ExpectFile, s: ExpectSet) -> Replay:
        """The replay (motion + plan) an expectation set is checked on; raises
        :class:`PrevisError` if the level or take cannot be replayed."""
        key = (os.path.realpath(ef.level_path), os.path.realpath(s.take) if s.take else None,
               tuple(sorted(s.settings.items())), os.path.realpath(s.edit) if s.edit else None)
        if key in self._replays:
            r = self._replays[key]
            if isinstance(r, PrevisError):
                raise r
            return r
        t0 = time.perf_counter()
        try:
            r = self._build(ef, s)
        except PrevisError as e:
            self._replays[key] = e
            raise
        self.timings[key] = time.perf_counter() - t0
        self._replays[key] = r
        return r

    def _build(self, ef: ExpectFile, s: ExpectSet) -> Replay:
        from .. import pipeline

        level = self.level(ef.level_path)
        if s.take is not None and not s.take.exists():
            raise PrevisError(f"{ef.path}: {s.where}: take file {s.take} does not exist.")
        warnings: list[str] = []
        if s.edit is not None:  # issue 19: an [[edit]] (previs.testing.edit_checks)
            if not s.edit.exists():
                raise PrevisError(f"{ef.path}: {s.where}: edit file {s.edit} does not exist.")
            assembly, plan = pipeline.replay_edit(level, s.edit, warn=warnings.append, strict=self.strict,
                                                  **s.settings)
            return Replay(level=level, motion=assembly.motion, plan=plan, expect_path=ef.path,
                          warnings=tuple(warnings))
        motion = pipeline.replay(level, s.take, warn=warnings.append, strict=self.strict)
        plan = pipeline.plan(motion, **s.settings)
        return Replay(level=level, motion=motion, plan=plan, expect_path=ef.path, warnings=tuple(warnings))


@dataclass
class Result:
    """The outcome of one expectation. ``failures`` empty means it passed. ``updated`` is
    set for a golden track rewritten by ``--update-golden``."""

    path: Path
    expectation: Expectation
    failures: list[Failure]
    updated: str | None = None
    changes: list[str] = field(default_factory=list)  # what an update changed, in words

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def id(self) -> str:
        return expectation_id(self.path, self.expectation)

    def text(self) -> str:
        """The failure report: each failure's expected / actual / why lines, and the note."""
        lines = []
        for f in self.failures:
            lines += f.lines()
        if self.expectation.note and self.failures:
            lines.append(f"note:     {self.expectation.note}")
        return "\n".join(lines)


GOLDEN_KINDS = ("golden", "golden.plan")


def run_expectation(session: Session, ef: ExpectFile, s: ExpectSet, e: Expectation,
                    update: bool = False) -> Result:
    """Check one expectation (replaying its level or take first if needed). With
    ``update``, a golden whose check fails is rewritten (canonically) unless another
    expectation of the same file fails: a golden records a level that is otherwise right."""
    try:
        r = session.replay(ef, s)
    except PrevisError as err:
        what = "the take" if s.take is not None else "the edit" if s.edit is not None else "the level"
        return Result(ef.path, e, [Failure(e.label, f"{what} cannot be replayed: " + " / ".join(err.problems))])
    fails = check(e, r)
    if not (update and e.kind in GOLDEN_KINDS and fails):
        return Result(ef.path, e, fails)
    others = session.other_failures(ef)
    if others:
        shown = ", ".join(others[:5]) + (f" and {len(others) - 5} more" if len(others) > 5 else "")
        return Result(ef.path, e, fails + [Failure(
            "the golden rewritten (--update-golden)",
            f"not updated: {len(others)} other expectation{'s' * (len(others) != 1)} of this file fail ({shown})",
            ("a golden records a fight that is otherwise right: fix those first, then update",))])
    try:
        what = update_golden(e, r)
    except PrevisError as err:
        return Result(ef.path, e, [Failure(e.label, " / ".join(err.problems))])
    changes = [fails[0].actual] + [w for w in fails[0].why if not w.startswith("if the change is intended")]
    return Result(ef.path, e, check(e, r), updated=what, changes=changes)


@dataclass
class SetReport:
    expect_set: ExpectSet
    results: list[Result]
    summary: str = ""  # frames, cuts, shots of the replay (empty if it did not replay)
    seconds: float = 0.0
    warnings: tuple[str, ...] = ()


@dataclass
class FileReport:
    path: Path
    problems: list[str] = field(default_factory=list)  # the file itself is malformed
    sets: list[SetReport] = field(default_factory=list)
    title: str = ""
    level: Path | None = None
    seconds: float = 0.0

    @property
    def results(self) -> list[Result]:
        return [r for s in self.sets for r in s.results]

    @property
    def ok(self) -> bool:
        return not self.problems and all(r.ok for r in self.results)


def run_file(session: Session, path: Path, update: bool = False) -> FileReport:
    t0 = time.perf_counter()
    rep = FileReport(path)
    try:
        ef = session.expect_file(path)
    except ExpectationError as err:
        rep.problems = list(err.problems)
        rep.seconds = time.perf_counter() - t0
        return rep
    rep.level = ef.level_path
    for s in ef.sets:
        t1 = time.perf_counter()
        results = [run_expectation(session, ef, s, e, update) for e in s.expectations]
        sr = SetReport(s, results, seconds=time.perf_counter() - t1)
        try:
            r = session.replay(ef, s)
        except PrevisError:
            pass
        else:
            rep.title = r.level.settings.title
            pl = r.plan
            nc, ns, nf = len(pl.cuts), len(pl.shots), len(pl.safety)
            sr.warnings = r.warnings
            sr.summary = (f"{r.frames} frames at {r.fps:g} fps, {nc} turn cut{'s' * (nc != 1)}, "
                          f"{ns} shot{'s' * (ns != 1)}, {nf} safety finding{'s' * (nf != 1)}")
        rep.sets.append(sr)
    rep.seconds = time.perf_counter() - t0
    return rep


# -- report text ---------------------------------------------------------------------------


def _indent(text: str, pad: str) -> str:
    return "\n".join(pad + line for line in text.splitlines())


def format_file(rep: FileReport, quiet: bool = False, width: int = 0) -> str:
    """A file's report: its verdict line, then per replay the PASS/FAIL of every
    expectation (failures with expected vs actual). ``quiet`` keeps only failures."""
    p = rep.path.as_posix()
    if rep.problems:
        head = f"ERROR {p}: the expectation file is malformed ({len(rep.problems)} problem" \
               f"{'s' * (len(rep.problems) != 1)}); nothing was checked"
        return head + "\n" + "\n".join("    " + line for line in rep.problems)
    res = rep.results
    nfail = sum(not r.ok for r in res)
    lvl = rep.level.as_posix() if rep.level else "?"
    title = f"{rep.title}, " if rep.title else ""
    verdict = "PASS" if nfail == 0 else "FAIL"
    count = (f"{len(res)} expectation{'s' * (len(res) != 1)} passed" if nfail == 0
             else f"{nfail} of {len(res)} expectation{'s' * (len(res) != 1)} failed")
    lines = [f"{verdict}  {p}  ({title}{lvl}): {count}  [{rep.seconds:.2f} s]"]
    w = max([len(r.expectation.id) for r in res] + [8]) if width == 0 else width
    for sr in rep.sets:
        if quiet and all(r.ok for r in sr.results):
            continue
        extra = f": {sr.summary}" if sr.summary else ""
        lines.append(f"  {sr.expect_set.label}{extra}")
        lines += [f"  warning: {w}" for w in sr.warnings]
        for r in sr.results:
            if quiet and r.ok:
                continue
            mark = "PASS" if r.ok else "FAIL"
            upd = f"  (golden {r.updated})" if r.updated else ""
            if r.updated and r.ok:
                mark = "UPD "
            lines.append(f"    {mark}  {r.expectation.id:<{w}}  {r.expectation.label}{upd}")
            if not r.ok:
                lines.append(_indent(r.text(), " " * 10))
            elif r.changes:
                lines.append(_indent("\n".join(r.changes), " " * 10))
    return "\n".join(lines)


def updated_goldens(reports: list[FileReport]) -> list[tuple[str, str, list[str]]]:
    """Every golden an update wrote: (file as written in the expectation file, created or
    updated, what changed)."""
    out = []
    for rep in reports:
        for r in rep.results:
            if r.updated in ("created", "updated"):
                gp = Path(r.expectation.spec["track"]).as_posix()
                out.append((gp, r.updated, r.changes))
    return out


def summary_line(reports: list[FileReport], seconds: float) -> str:
    res = [r for rep in reports for r in rep.results]
    nfail = sum(not r.ok for r in res)
    bad = sum(1 for rep in reports if rep.problems)
    files = f"{len(reports)} expectation file{'s' * (len(reports) != 1)}"
    parts = [f"{len(res) - nfail} passed", f"{nfail} failed"]
    if bad:
        parts.append(f"{bad} malformed file{'s' * (bad != 1)}")
    verdict = "PASS" if nfail == 0 and bad == 0 else "FAIL"
    return f"{verdict}: {files}, {len(res)} expectation{'s' * (len(res) != 1)}: {', '.join(parts)} " \
           f"in {seconds:.2f} s"
