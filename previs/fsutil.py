"""Crash-safe file output: nothing half-written is ever left where a user looks.

``atomic_write_bytes``/``atomic_write_text`` write to a temporary file in the same folder,
fsync it, then ``os.replace`` it over the target (atomic on POSIX). ``staged_output_dir``
stages a whole set of exports in a hidden sibling folder and moves them into place only
when every writer succeeded, so a failed or interrupted run leaves the folder's previous
files intact.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from pathlib import Path

from .errors import PrevisError


def _explain(e: OSError, what: str) -> PrevisError:
    if e.errno == errno.ENOSPC:
        why = "the disk is full; free some space or choose another folder with -o"
    elif e.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        why = "it is not writable; choose a folder you can write to with -o"
    else:
        why = e.strerror or str(e)
    return PrevisError(f"{what}: cannot write ({why}). Nothing was changed there.")


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (temp file + fsync + rename)."""
    path = Path(path)
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        tmp = None
    except OSError as e:
        raise _explain(e, str(path)) from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    """Write UTF-8 ``text`` to ``path`` atomically."""
    atomic_write_bytes(path, text.encode("utf-8"))


@contextlib.contextmanager
def staged_output_dir(out_dir: str | os.PathLike):
    """Yield a staging folder; on success move every file in it into ``out_dir``.

    On any exception the staging folder is removed and ``out_dir`` is untouched.
    """
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=".previs-stage-", dir=out))
    except OSError as e:
        raise _explain(e, str(out)) from None
    try:
        yield stage
        for item in sorted(stage.iterdir()):
            target = out / item.name
            if item.is_dir():
                if target.exists():
                    shutil.rmtree(target)
            os.replace(item, target)
    except OSError as e:
        raise _explain(e, str(out)) from None
    finally:
        shutil.rmtree(stage, ignore_errors=True)
