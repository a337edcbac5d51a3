"""``--strict``: a level's warnings become errors, for CI (``previs check``, ``replay``, ``test``).

    add_strict(parser)                      # the one flag, the same help everywhere
    refuse_if_strict(args, level)           # replay: raise after the warnings are printed
    strict_problem(args, source, notices)   # check/test: the line that fails the level, or None

A level's warnings (``Level.notices``: unknown properties, action typos, placement,
plausibility, paths through walls...) are printed by every command that loads it; under
``--strict`` a level with any warning fails the command with exit status 1, and nothing is
written.
"""

from __future__ import annotations

HELP = "treat the level's warnings as errors (exit 1): for CI, where nobody reads warnings"


def add_strict(parser) -> None:
    """Add ``--strict`` to a command's parser."""
    parser.add_argument("--strict", action="store_true", help=HELP)


def strict_problem(args, source: str, notices) -> str | None:
    """The problem line that fails level ``source`` under ``--strict`` (None: not strict,
    or no warnings)."""
    n = len(notices)
    if not getattr(args, "strict", False) or n == 0:
        return None
    return f"{source}: {n} warning{'s' * (n != 1)} (above), which --strict makes errors; fix them or drop --strict."


def refuse_if_strict(args, level) -> None:
    """Raise :class:`~previs.errors.PrevisError` if ``--strict`` and ``level`` has warnings."""
    from ..errors import PrevisError

    line = strict_problem(args, level.source, level.notices)
    if line:
        raise PrevisError(line)


def tested_levels_warnings(session, reports, args, command: str = "test") -> int:
    """``previs test``: print the warnings of every level the ``reports`` replayed (once
    each, on stderr) and, under ``--strict``, the line that fails it. Returns how many
    levels ``--strict`` fails."""
    import os
    import sys

    from ..errors import PrevisError

    failed, seen = 0, set()
    for rep in reports:
        if rep.level is None or os.path.realpath(rep.level) in seen:
            continue
        seen.add(os.path.realpath(rep.level))
        try:
            level = session.level(rep.level)
        except PrevisError:
            continue  # its expectations already failed, saying why
        for n in level.notices:
            print(f"previs {command}: warning: {n}", file=sys.stderr)
        line = strict_problem(args, level.source, level.notices)
        if line:
            print(f"previs {command}: {line}", file=sys.stderr)
            failed += 1
    return failed
