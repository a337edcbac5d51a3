"""The one boundary for every file previs reads: inside the project, regular files only,
read with a size limit.

**The project** of a file (a level, an expectation file) is the folder of the nearest
``*.tiled-project`` file at or above that file's real (symlink-resolved) folder, else the
file's own folder. Every path *written inside* an input file (a tileset, template or image
of a level; the level, golden track or take of an expectation file) is resolved with
symlinks followed and must stay inside that project: an input from someone else may name
``../../home/you/.ssh/id_rsa`` or ``/etc/passwd``. Paths the user types on the command
line are the user's own choice and are not confined, but they too are read only if they
are regular files, and only up to a size limit.

**Regular files only.** A FIFO would block the reader until a writer comes (forever in CI),
a device such as ``/dev/zero`` never ends, a socket cannot be read as a file. Files are
opened with ``O_NONBLOCK`` (opening a FIFO then returns at once instead of waiting for a
writer) and checked with ``fstat`` on the open descriptor, so the file checked is the file
read (no race between a check and the open).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

PROJECT_SUFFIX = ".tiled-project"


class Unreadable(Exception):
    """A file that must not be read. ``kind`` is ``missing``, ``folder``, ``special`` (FIFO,
    device, socket), ``large``, ``outside`` or ``error``; ``reason`` completes the sentence
    "<file> ..." (no fix: callers add the fix that fits their kind of file)."""

    def __init__(self, kind: str, reason: str):
        super().__init__(reason)
        self.kind = kind
        self.reason = reason


def find_project_root(path: str | os.PathLike) -> Path:
    """The project folder of the file at ``path``: the folder of the nearest
    ``*.tiled-project`` file at or above its (symlink-resolved) folder, else its folder."""
    real = Path(os.path.realpath(path))
    for folder in real.parents:
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.name.endswith(PROJECT_SUFFIX) and entry.is_file():
                        return folder
        except OSError:  # unreadable folder: keep looking further up
            continue
    return real.parent


def resolve_inside(ref: str, base_dir: Path, project: Path) -> Path:
    """The real path of ``ref`` as written in a file in ``base_dir`` (symlinks followed);
    raises :class:`Unreadable` (kind ``outside``) unless it stays inside ``project``."""
    if not ref or "\x00" in ref:
        raise Unreadable("outside", f"refers to an unusable file name {ref!r}")
    real = Path(os.path.realpath(Path(base_dir) / ref))
    if not real.is_relative_to(project):
        raise Unreadable("outside", f"refers to '{ref}', which resolves to {real}, outside the project folder {project}")
    return real


def open_regular(path: str | os.PathLike) -> BinaryIO:
    """Open ``path`` for binary reading if it is a regular file; raises :class:`Unreadable`
    (``missing``, ``folder``, ``special`` or ``error``) without blocking on a FIFO."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise Unreadable("missing", "does not exist") from None
    except IsADirectoryError:
        raise Unreadable("folder", "is a folder") from None
    except OSError as e:
        raise Unreadable("error", f"cannot be read ({e.strerror or e})") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise Unreadable("folder", "is a folder")
        if not stat.S_ISREG(mode):
            raise Unreadable("special", "is not a regular file (a FIFO, device or socket would block or never end)")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_bounded(path: str | os.PathLike, limit: int) -> bytes:
    """The bytes of the regular file at ``path``, refusing (kind ``large``) anything over
    ``limit`` bytes: at most ``limit + 1`` bytes are ever read."""
    with open_regular(path) as fh:
        try:
            if os.fstat(fh.fileno()).st_size > limit:
                raise Unreadable("large", f"is larger than the {_size(limit)} limit for this kind of file")
            data = fh.read(limit + 1)
        except OSError as e:
            raise Unreadable("error", f"cannot be read ({e.strerror or e})") from None
    if len(data) > limit:
        raise Unreadable("large", f"is larger than the {_size(limit)} limit for this kind of file")
    return data


def _size(n: int) -> str:
    return f"{n // (1024 * 1024)} MB" if n >= 1024 * 1024 else f"{n} bytes"
