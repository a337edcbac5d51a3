"""``previs test``: replay tests of scripted choreography against ``LEVEL.expect.toml``."""

from __future__ import annotations

import sys

from .strict import add_strict, tested_levels_warnings

HELP = "replay tests: check every level that has a LEVEL.expect.toml beside it"
DESCRIPTION = """\
Replay every level that has an expectation file LEVEL.expect.toml beside it
(levels/corridor.expect.toml tests levels/corridor.tmx), plan its shots and check what
the file expects: turn cuts where the fight was signed off, the shot count and longest
take, who is in frame when, where Henry and the performers are, safety findings and
clearance, the comfort budget, and the whole camera track against a golden track.csv. Recorded takes ([[take]] file = ...)
are replayed and checked the same way. See docs/testing.md for the file format.

PATH may be a folder (searched recursively for *.expect.toml, skipping hidden folders and
virtualenvs), an expectation file, or a level (.tmx: the expectation file beside it).
Without PATH: ./levels if there is one, else the current folder.

Paths inside an expectation file (level, golden tracks, takes) must stay inside its
project: the folder of the nearest *.tiled-project at or above it, else its own folder.
--update-golden writes only there.

Every expectation prints PASS or FAIL; a failure says what was expected and what
happened, in seconds, frames and timecode.

--update-golden rewrites only the goldens whose check fails, and only for files whose
other expectations pass; it lists what changed in each and exits 1 ("N goldens updated:
review, then commit") unless --accept is given. --init LEVEL writes a starter
LEVEL.expect.toml from the current replay. --junit FILE writes a JUnit XML report.

Exit status: 0 every expectation passed; 1 any expectation failed, an expectation
file is malformed (its problems are listed, naming the key and the fix), or goldens were
updated without --accept; 2 no expectation file was found, or a PATH does not exist
(nothing was tested: a CI job pointed at the wrong folder must not pass).

The same checks run under pytest, with its -k, -x and -n (pytest-xdist):
  pytest levels/                     one test item per expectation
  pytest levels/ -k golden -n auto
"""
EPILOG = """\
examples:
  previs test                                   # everything under ./levels
  previs test levels/finale.tmx                 # one level (its finale.expect.toml)
  previs test levels/ -q                        # only failures and the summary (CI logs)
  previs test levels/corridor.tmx --update-golden
        # the fight changed on purpose: rewrite corridor's goldens that no longer match,
        # then review the diff (git diff levels/corridor.golden*) and commit it
  previs test levels/corridor.tmx --update-golden --accept   # the same, exit 0
  previs test --init levels/duel.tmx            # write levels/duel.expect.toml to prune
  previs test levels/ --junit reports/previs.xml
"""


def add_arguments(p):
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="folders, *.expect.toml files or levels (.tmx); default ./levels or .")
    p.add_argument("--update-golden", action="store_true",
                   help="rewrite the golden track files with the current replay (atomically; unchanged "
                        "files are left alone), on purpose, after a change you have reviewed")
    p.add_argument("--accept", action="store_true",
                   help="with --update-golden: exit 0 after updating (default: exit 1 so the update is reviewed)")
    p.add_argument("--init", metavar="LEVEL",
                   help="write a starter LEVEL.expect.toml (and its goldens) from the current replay, then stop")
    p.add_argument("--junit", metavar="FILE", help="also write a JUnit XML report (one testcase per expectation)")
    p.add_argument("--artefacts", metavar="DIR",
                   help="on failure, write a folder per failing expectation file under DIR: the failures, "
                        "the new track, old-vs-new yaw speed (CSV and PNG), the new plan golden")
    p.add_argument("-q", "--quiet", action="store_true",
                   help="print only failures and the summary line")
    add_strict(p)


def run(args) -> int:
    import time

    from ..testing.runner import (Session, default_paths, discover, format_file, run_file, summary_line,
                                  updated_goldens)

    t0 = time.perf_counter()
    if args.init:
        from ..testing.init_expect import init_command

        return init_command(args.init, args)
    paths = args.paths or default_paths()
    files, problems = discover(paths)
    for line in problems:
        print(f"previs test: {line}", file=sys.stderr)
    if problems:
        return 2
    if not files:
        where = ", ".join(paths)
        print(f"previs test: no expectation files (*.expect.toml) found under {where}; nothing was tested. "
              "Write one beside a level, e.g. levels/corridor.expect.toml for levels/corridor.tmx "
              "(see docs/testing.md).", file=sys.stderr)
        return 2
    session = Session(strict=args.strict)
    reports = []
    for f in files:
        rep = run_file(session, f, update=args.update_golden)
        reports.append(rep)
        text = format_file(rep, quiet=args.quiet)
        if args.quiet and rep.ok:
            continue
        print(text, flush=True)
    strict_failed = tested_levels_warnings(session, reports, args)
    line = summary_line(reports, time.perf_counter() - t0)
    if not args.quiet:
        print()
    if args.junit:
        from ..testing.junit import write_junit

        write_junit(args.junit, reports)
    artefacts = _artefacts(args, session, reports)
    print(line)
    for a in artefacts:
        print(f"artefacts of the failing {a}")
    ok = all(rep.ok for rep in reports) and not strict_failed
    upd = updated_goldens(reports)
    if upd:
        for gp, what, changes in upd:
            first = changes[0] if changes else ""
            print(f"golden {what}: {gp}" + (f": {first}" if first and what == "updated" else ""))
        n = len(upd)
        made = sum(1 for u in upd if u[1] == "created")
        what = ("created" if made == n else "updated" if made == 0 else f"updated ({made} of them created)")
        if args.accept:
            print(f"{n} golden{'s' * (n != 1)} {what} and accepted (--accept)")
        else:
            print(f"{n} golden{'s' * (n != 1)} {what}: review, then commit (git diff; or pass --accept)")
            ok = False
    return 0 if ok else 1


def _artefacts(args, session, reports) -> list[str]:
    """Write the artefact folders of failing levels (unless --artefacts none)."""
    if not getattr(args, "artefacts", None) or all(rep.ok for rep in reports):
        return []
    from pathlib import Path

    from .test_artefacts import write_artefacts

    base = Path(args.artefacts)
    out = []
    for rep in reports:
        if not rep.ok and not rep.problems:
            folder = write_artefacts(session, rep, base)
            if folder is not None:
                out.append(f"{rep.path.as_posix()}: {folder}")
    return out
