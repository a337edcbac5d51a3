"""``previs check LEVEL...``: validate levels against the level contract.

Prints a summary of each level that loads (and its warnings), or every problem of each
level that does not, one per line on stderr. All files are checked before the exit status
is decided: 0 if every level loads, 1 if any does not.
"""

from __future__ import annotations

from ..terminal import warner
from ..timebase import rate_label

import sys
from collections import Counter

from .strict import add_strict, strict_problem

HELP = "validate levels against the level contract; list every problem"

DESCRIPTION = """\
Validate Tiled maps (.tmx) against the previs level contract (docs/level-format.md).

For a level that loads, prints a summary: title, fps, duration and frames, size in
tiles and metres, wall blocks, performers, paths, beats by action, zones, and any
warnings (ignored objects, scripted paths that pass through wall blocks).

With --schedule, also prints for each actor (Henry, then the performers) when every leg
of his path starts and ends (seconds and timecode, from and to in metres) and where he is
at each beat he is in; the report carries the same schedule as an appendix.

For a level that does not, prints every problem on stderr, one per line, each naming
the file, the object's id, name and type, and what to change in Tiled.

Exit status: 0 if every level loads (warnings allowed), 1 if any level has a problem.
"""

EPILOG = """\
examples:
  previs check levels/corridor.tmx          one level
  previs check levels/*.tmx                 every level; exit 1 if any is broken
  previs check levels/*.tmx 2>problems.txt  keep the problem list for later
  previs check -q levels/*.tmx && echo ok   in a script: problems only
  previs check --schedule levels/chase.tmx  every actor's legs and marks, to print
"""


def add_arguments(p) -> None:
    p.add_argument("levels", nargs="+", metavar="LEVEL", help="Tiled map files (.tmx) to check")
    p.add_argument("-q", "--quiet", action="store_true", help="print only problems and warnings, no summaries")
    p.add_argument("--schedule", action="store_true",
                   help="also print each actor's schedule: when every leg of his path starts and ends, "
                        "and where he is at each of his beats (printed even with -q)")
    add_strict(p)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary(level) -> list[str]:
    """The lines ``previs check`` prints for a level that loads (names from the map with
    control characters escaped, so each stays one line)."""
    from ..level.diagnostics import printable

    s = level.settings
    w = level.walls
    by_action = Counter(b.action for b in level.beats)
    beats = ", ".join(f"{a} {n}" for a, n in sorted(by_action.items()))
    zones = Counter(z.kind for z in level.zones)
    names = ", ".join(p.name for p in level.performers)
    loops = sum(1 for p in level.paths if p.closed)
    lines = [
        f"{level.source}: ok: '{s.title}'",
        f"  {rate_label(s.fps)} fps, {s.duration:g} s = {s.frames} frames from {s.start_tc}",
        f"  {w.cols}x{w.rows} tiles = {level.width:g} x {level.depth:g} m ({s.tile_meters:g} m per tile),"
        f" {_plural(int(w.solid.sum()), 'wall block')}",
        f"  henry: '{level.henry.name}'" + (f" on path {level.henry.path.id}" if level.henry.path else " (no path)"),
        f"  {_plural(len(level.performers), 'performer')}" + (f": {names}" if names else ""),
        f"  {_plural(len(level.paths), 'path')}" + (f" ({loops} loop{'s' * (loops != 1)})" if loops else ""),
        f"  {_plural(len(level.beats), 'beat')}" + (f": {beats}" if beats else ""),
        f"  {_plural(len(level.zones), 'zone')}" + (": " + ", ".join(f"{k} {n}" for k, n in sorted(zones.items())) if zones else ""),
    ]
    return [printable(line) for line in lines]


def run(args) -> int:
    from ..errors import PrevisError
    from ..level.loader import load_level

    failed = 0
    warn = warner("check")
    for path in args.levels:
        try:
            level = load_level(path)
        except PrevisError as e:
            failed += 1
            for line in e.problems:
                print(f"previs check: {line}", file=sys.stderr)
            continue
        if not args.quiet:
            for line in summary(level):
                print(line)
        if getattr(args, "schedule", False):  # callers may build args without it
            from ..plan.schedule import level_schedule, schedule_text

            print("\n".join(schedule_text(level, level_schedule(level))))
        for note in level.notices:
            warn(note)
        if line := strict_problem(args, path, level.notices):
            failed += 1
            print(f"previs check: {line}", file=sys.stderr)
    if failed and len(args.levels) > 1:
        print(f"previs check: {failed} of {len(args.levels)} levels have problems.", file=sys.stderr)
    return 1 if failed else 0
