"""Writes only where asked: which existing paths an output may replace.

previs replaces an output path only when nothing would be lost that previs did not make:

- nothing is there yet (or a dangling symbolic link), or
- a regular file that is not one of this run's inputs (the level, the take): an output
  from an earlier run, or a file the user names on purpose.

Everything else is refused before any work, with one sentence naming the path, what is
there and the fix: a device (``/dev/null``: an atomic rename would replace the device node
with a regular file), a FIFO, a socket, a folder, a symbolic link to any of those, the
level itself or the take. The same check runs again right
before the final rename, so a device that appears while a long render runs is not
replaced either (see docs/limits.md, "What previs writes").
"""

from __future__ import annotations

import os
import stat

from .errors import PrevisError

def describe_mode(mode: int) -> str:
    """What a non-regular file is, in words a user knows (``st_mode`` from ``os.stat``)."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def not_regular(path: str | os.PathLike) -> str | None:
    """None if ``path`` does not exist or is a regular file (links followed); else what it
    is (``"a character device"``, ``"a symbolic link to a FIFO (named pipe)"``...)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None  # nothing there, or a dangling link: the rename replaces only the link
    except OSError:
        return None  # unreadable: the write itself reports why
    if stat.S_ISREG(st.st_mode):
        return None
    what = describe_mode(st.st_mode)
    return f"a symbolic link to {what[2:] if what.startswith('a ') else what}" if os.path.islink(path) else what


def refuse_non_regular(path: str | os.PathLike, *, choose: str = "another file with -o") -> None:
    """Raise a :class:`PrevisError` if ``path`` exists and is not a regular file: an
    atomic rename over it would replace a device, FIFO, socket or folder."""
    what = not_regular(path)
    if what is not None:
        raise PrevisError(f"{os.fspath(path)}: is {what}, not a file previs wrote; previs will not "
                          f"replace it. Choose {choose}. Nothing was written.")


def _same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def check_output_target(out: str, inputs: dict[str, str | None] | None = None) -> None:
    """Refuse ``out`` as a file to write (before any work) unless nothing is there or a
    regular file previs may replace (module docstring); ``inputs`` maps a description
    (``"the level"``) to an input path of this run."""
    refuse_non_regular(out)
    for what, path in (inputs or {}).items():
        if path and _same_file(out, path):
            raise PrevisError(f"{out}: is {what} this run reads; previs will not write over its input. "
                              "Choose another file with -o. Nothing was written.")


def check_output_file(out: str, example_name: str, inputs: dict[str, str | None] | None = None) -> None:
    """:func:`check_output_target`, and the folder of ``out`` must exist; a folder as
    ``out`` is refused with ``example_name`` (e.g. ``"report.html"``) as the fix."""
    folder = os.path.dirname(os.path.abspath(out))
    if not os.path.isdir(folder):
        raise PrevisError(f"{out}: the folder {folder} does not exist; create it or choose another -o.")
    if os.path.isdir(out):
        raise PrevisError(f"{out}: is a folder; give a file name such as {os.path.join(out, example_name)}.")
    check_output_target(out, inputs)
