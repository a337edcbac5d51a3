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

Exit status: 0 every expectation passed; 1 any expectation failed, or an expectation
file is malformed (its problems are listed, naming the key and the fix); 2 no
expectation file was found, or a PATH does not exist (nothing was tested: a CI job
pointed at the wrong folder must not pass).

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
        # the fight changed on purpose: rewrite corridor's golden track(s), then review
        # the diff (git diff levels/corridor.golden.csv) and commit it
"""


def add_arguments(p):
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="folders, *.expect.toml files or levels (.tmx); default ./levels or .")
    p.add_argument("--update-golden", action="store_true",
                   help="rewrite the golden track files with the current replay (atomically; unchanged "
                        "files are left alone), on purpose, after a change you have reviewed")
    p.add_argument("-q", "--quiet", action="store_true",
                   help="print only failures and the summary line")
    add_strict(p)


def run(args) -> int:
    import time

    from ..testing.runner import Session, default_paths, discover, format_file, run_file, summary_line

    t0 = time.perf_counter()
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
    session = Session()
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
    print(line)
    ok = all(rep.ok for rep in reports) and not strict_failed
    return 0 if ok else 1
