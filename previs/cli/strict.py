"""``--strict``: a level's warnings become errors, for CI (``previs check``, ``replay``, ``test``).

    add_strict(parser)                      # the one flag, the same help everywhere
    refuse_if_strict(args, level)           # replay: raise after the warnings are printed
    strict_problem(args, source, notices)   # check/test: the line that fails the level, or None

A level's warnings (``Level.notices``: unknown properties, action typos, placement,
plausibility, paths through walls...) are printed by every command that loads it; under
``--strict`` a level with any warning fails the command with exit status 1, and nothing is
written. ``replay`` and ``test`` refuse on the level's warnings before planning, so a
warning the plan would report as a finding (a contact beat out of reach) still fails the
level under ``--strict``.
"""

from __future__ import annotations

from ..terminal import warner

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
    levels ``--strict`` fails. Without ``--strict``, a warning whose cause every plan of
    the level under test reports as a safety finding is left to the plans
    (:func:`~previs.level.diagnostics.left_to_print`); ``--strict`` prints and counts all."""
    import os
    import sys

    from ..errors import PrevisError
    from ..level.diagnostics import left_to_print

    failed, levels, plans = 0, {}, {}
    for rep in reports:
        if rep.level is None:
            continue
        key = os.path.realpath(rep.level)
        try:
            levels.setdefault(key, session.level(rep.level))
        except PrevisError:
            continue  # its expectations already failed, saying why
        for s in rep.sets:
            try:
                plans.setdefault(key, []).append(session.replay(session.expect_file(rep.path), s.expect_set).plan)
            except PrevisError:
                pass  # it failed, saying why; its level's warnings count for it
    for key, level in levels.items():
        strict = getattr(args, "strict", False)
        warn = warner(command)
        for n in (level.notices if strict else left_to_print(level.notices, plans.get(key, []))):
            warn(n)
        line = strict_problem(args, level.source, level.notices)
        if line:
            print(f"previs {command}: {line}", file=sys.stderr)
            failed += 1
    return failed
