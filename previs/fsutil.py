"""Crash-safe file output: nothing half-written is ever left where a user looks.

``atomic_write_bytes``/``atomic_write_text`` write to a temporary file in the same folder,
fsync it, then ``os.replace`` it over the target (atomic on POSIX) and fsync the folder.
``staged_output_dir`` stages a whole set of exports in a hidden sibling folder and moves
them into place only when every writer succeeded, so a failed or interrupted run leaves the
folder's previous files intact; if moving the set in fails part-way, the files already
moved are put back, so the folder holds either the whole old set or the whole new one.

Every failure to write is a :class:`~previs.errors.PrevisError` with one readable line
naming the file or folder the user asked for (never the hidden staging folder) and why
(disk full, read-only, not a folder).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import socket
import tempfile
from pathlib import Path

from .errors import PrevisError

STAGE_PREFIX = ".previs-stage-"


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _current_umask()
SHARED_FILE_MODE = 0o666 & ~_UMASK
"""Mode for outputs meant for sharing (mkstemp makes 0600; exports follow the umask)."""


def explain_write_error(e: OSError, what: str, *, action: str = "write", target: str = "folder") -> PrevisError:
    """One actionable sentence for a failed write of ``what``. ``target`` is what the user
    chose with -o ("folder" or "file"), so the advice names the right thing."""
    if e.errno == errno.ENOSPC or e.errno == getattr(errno, "EDQUOT", -1):
        why = f"the disk is full; free some space or choose another {target} with -o"
    elif e.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        why = f"it is not writable; choose a {target} you can write to with -o"
    elif e.errno in (errno.ENOTDIR, errno.EEXIST):
        why = "a file is in the way where a folder is needed; choose another folder with -o"
    elif e.errno == errno.EISDIR:
        why = "a folder is in the way where a file is needed; move it or choose another folder with -o"
    elif e.errno == errno.ENOENT:
        why = "its folder does not exist"
    else:
        why = e.strerror or str(e)
    return PrevisError(f"{what}: cannot {action} ({why}). Nothing was changed there.")


def _fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (best effort: not every filesystem allows it)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (temp file + fsync + rename). The file gets the
    usual permissions (0666 less the umask), not the temp file's 0600."""
    path = Path(path)
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            with contextlib.suppress(OSError):
                os.fchmod(fh.fileno(), SHARED_FILE_MODE)
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        tmp = None
    except OSError as e:
        raise explain_write_error(e, str(path)) from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    _fsync_dir(path.parent)


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    """Write UTF-8 ``text`` to ``path`` atomically."""
    atomic_write_bytes(path, text.encode("utf-8"))


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", socket.gethostname() or "host")[:32]


def run_tag() -> str:
    """``HOST-PID-``: put after a prefix in the name of a temporary file or folder, so a
    later run can tell whether the run that made it is still alive
    (:func:`remove_dead_runs`)."""
    return f"{_host()}-{os.getpid()}-"


def remove_dead_runs(folder: str | os.PathLike, prefix: str) -> None:
    """Remove the files and folders in ``folder`` named ``prefix`` + :func:`run_tag` of
    runs of this machine that were killed (SIGKILL, power loss): their process no longer
    exists. Live runs' (and other machines') are left alone."""
    pattern = re.compile(re.escape(prefix) + re.escape(_host()) + r"-(\d+)-")
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        m = pattern.match(entry.name)
        if not m:
            continue
        pid = int(m.group(1))
        try:
            os.kill(pid, 0)
            continue  # alive (or not ours to signal): leave it
        except ProcessLookupError:
            pass
        except OSError:
            continue
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                os.unlink(entry.path)


def _remove_stale_stages(out: Path) -> None:
    """Remove staging folders left in ``out`` by killed runs of this machine."""
    remove_dead_runs(out, STAGE_PREFIX)


def _rename_problems(e: PrevisError, stage: Path, out: Path) -> PrevisError:
    """The same error, naming ``out`` where it named the hidden staging folder."""
    s, o = str(stage), str(out)
    problems = [p.replace(s, o) for p in e.problems]
    if problems == e.problems:
        return e
    new = type(e)(problems)
    return new


def _move_into_place(stage: Path, out: Path) -> None:
    """Move every entry of ``stage`` into ``out``, all or nothing: each replaced file is
    first hard-linked aside, so a failure part-way can restore the previous set."""
    items = sorted(p for p in stage.iterdir())
    aside = Path(tempfile.mkdtemp(prefix=".previous-", dir=stage))
    done: list[tuple[Path, Path, Path | None]] = []  # (staged item, target, previous kept aside)
    try:
        for item in items:
            target = out / item.name
            saved = None
            if target.is_dir() and not target.is_symlink():
                saved = aside / item.name
                os.rename(target, saved)  # a folder cannot be swapped atomically: moved aside
            elif target.exists() or target.is_symlink():
                saved = aside / item.name
                try:
                    os.link(target, saved, follow_symlinks=False)
                except OSError:
                    saved = None  # no hard links here: this file cannot be restored
            done.append((item, target, saved))
            os.replace(item, target)
    except BaseException:
        for item, target, saved in reversed(done):
            with contextlib.suppress(OSError):
                if saved is not None:
                    if target.is_dir() and not target.is_symlink():
                        shutil.rmtree(target)
                    os.replace(saved, target)
                elif not item.exists():
                    if target.is_dir() and not target.is_symlink():
                        shutil.rmtree(target)
                    else:
                        os.unlink(target)
        raise
    _fsync_dir(out)


@contextlib.contextmanager
def staged_output_dir(out_dir: str | os.PathLike):
    """Yield a staging folder; on success move every file in it into ``out_dir``.

    On any exception the staging folder is removed and ``out_dir`` is untouched (a
    :class:`PrevisError` from a writer is re-raised naming ``out_dir``, not the stage).
    """
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        if not out.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, "Not a directory", str(out))
        _remove_stale_stages(out)
        stage = Path(tempfile.mkdtemp(prefix=f"{STAGE_PREFIX}{_host()}-{os.getpid()}-", dir=out))
    except OSError as e:
        raise explain_write_error(e, str(out)) from None
    try:
        try:
            yield stage
        except PrevisError as e:
            renamed = _rename_problems(e, stage, out)
            if renamed is e:
                raise
            raise renamed from None
        _move_into_place(stage, out)
    except OSError as e:
        raise explain_write_error(e, str(out)) from None
    finally:
        shutil.rmtree(stage, ignore_errors=True)
