"""The ``previs`` command.

Each sub-command lives in its own module ``previs/cli/cmd_<name>.py`` exposing

    HELP: str                      # one line for ``previs --help``
    def add_arguments(p): ...      # fill its argparse parser (p.description/epilog may be set)
    def run(args) -> int: ...      # do the work; return the exit status

Modules import their heavy dependencies (numpy, OTIO, USD, pygame, OpenGL) inside ``run``
so that ``previs --help`` and light commands start fast. A :class:`previs.errors.PrevisError`
raised anywhere is printed as one line per problem on stderr with exit status 1 (2 for
usage errors): never a traceback for bad input. All output passes through
:mod:`previs.terminal` (escape codes from files shown escaped).
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import sys

from .. import __version__

# Order shown in --help. A command whose module does not exist yet is simply not offered.
COMMANDS = ("check", "replay", "plan", "walk", "still", "render", "report", "test", "diff")

DESCRIPTION = """\
previs: first-person previsualisation of fight choreography.

Author a fight in Tiled (see docs/level-format.md), then:
  previs check levels/corridor.tmx             validate a level, list every problem
  previs replay levels/corridor.tmx -o out/    track, shot plan, OTIO/EDL/USD/.chan, report
  previs walk levels/corridor.tmx              watch or walk it from Henry's eyes
  previs test levels/                          replay tests against LEVEL.expect.toml files
"""


def _load(name: str):
    modname = f"{__name__}.cmd_{name}"
    if importlib.util.find_spec(modname) is None:
        return None
    return importlib.import_module(modname)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The ``previs`` parser with every command, or with command ``only`` alone (what
    :func:`main` builds when the command line names one: ``previs replay`` then imports
    no other command's module, ~20 ms of start-up; its parsing and help are the same)."""
    parser = argparse.ArgumentParser(
        prog="previs",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Run 'previs COMMAND --help' for a command's options and examples.",
    )
    parser.add_argument("--version", action="version", version=f"previs {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS if only is None else (only,):
        mod = _load(name)
        if mod is None:
            continue
        p = sub.add_parser(
            name,
            help=mod.HELP,
            description=getattr(mod, "DESCRIPTION", mod.HELP),
            epilog=getattr(mod, "EPILOG", None),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run)
    return parser


class Terminated(KeyboardInterrupt):
    """SIGTERM (``kill``, a CI job's timeout, a render farm stopping a task), raised like
    Ctrl-C so the same clean-up runs: temporary files removed, workers stopped, a take
    being recorded saved."""


def _terminate(signum, frame):  # noqa: ARG001 - signal handler signature
    raise Terminated()


def main(argv: list[str] | None = None) -> int:
    """Run one ``previs`` command. Everything it prints, to stdout or stderr, goes through
    :class:`previs.terminal.TerminalStream`: escape codes from a level, a take or an
    expectation file are shown escaped, never sent to the terminal."""
    from ..terminal import TerminalStream

    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = TerminalStream(out), TerminalStream(err)
    try:
        return _main(argv)
    finally:
        # Put the real streams back (unless a broken pipe swapped stdout for devnull).
        if isinstance(sys.stdout, TerminalStream):
            sys.stdout = out
        if isinstance(sys.stderr, TerminalStream):
            sys.stderr = err


def _main(argv: list[str] | None) -> int:
    import signal
    import threading

    from ..errors import PrevisError
    from ..terminal import one_line

    words = sys.argv[1:] if argv is None else argv
    named = words[0] if words and words[0] in COMMANDS and _load(words[0]) is not None else None
    parser = build_parser(only=named)
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    previous = None
    if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        return int(args._run(args) or 0)
    except Terminated:
        print(f"previs {args.command}: terminated; nothing half-written was left.", file=sys.stderr)
        return 143
    except PrevisError as e:
        for line in e.problems:
            print(f"previs {args.command}: {one_line(line)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"previs {args.command}: interrupted; nothing half-written was left.", file=sys.stderr)
        return 130
    except MemoryError:
        print(f"previs {args.command}: out of memory; see docs/limits.md for the sizes previs handles.",
              file=sys.stderr)
        return 1
    except BrokenPipeError:
        # e.g. `previs check ... | head`: the reader left; not an error of ours.
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 0
    except Exception as e:  # last resort: a bug of ours, still one readable line
        if os.environ.get("PREVIS_DEBUG"):
            raise
        print(f"previs {args.command}: internal error ({type(e).__name__}: {one_line(str(e))}); nothing half-written "
              "was left. Please report it with the input files; PREVIS_DEBUG=1 shows the traceback.",
              file=sys.stderr)
        return 70
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
