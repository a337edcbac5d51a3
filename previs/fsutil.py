"""Crash-safe file output: nothing half-written is ever left where a user looks, and
nothing is written over that previs did not write.

``atomic_write_bytes``/``atomic_write_text`` write to a temporary file in the same folder,
fsync it, then ``os.replace`` it over the target (atomic on POSIX) and fsync the folder;
a target that is a device, FIFO, socket or folder is refused (a rename would replace
``/dev/null`` itself with a regular file).

``staged_output_dir`` stages a whole set of exports in a hidden sibling folder and moves
them into place only when every writer succeeded, so a failed or interrupted run leaves the
folder's previous files intact. The final moves go under a journal: once every new file is
staged and every file it replaces is hard-linked aside, a journal listing the moves is
written (the commit point); a run killed before it leaves the old set untouched, a run
killed after it is finished by the next run in that folder (every move can be redone), and
a move that fails in this process puts the old set back. So the folder holds the whole old
set or, once the next run has looked at it, the whole new one; the dead run's files are
deleted only after that. A folder, link, device or FIFO where an export goes is refused,
never moved aside or deleted.

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
import stat
import tempfile
from pathlib import Path

from .errors import PrevisError
from .output_paths import describe_mode, refuse_non_regular
from .safe_paths import Unreadable, read_bounded

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
    refuse_non_regular(path, choose="another path for it")  # os.replace would swap out a device node
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            with contextlib.suppress(OSError):
                os.fchmod(fh.fileno(), SHARED_FILE_MODE)
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        refuse_non_regular(path, choose="another path for it")  # appeared while writing
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


def _dead_runs(folder: str | os.PathLike, prefix: str) -> list[os.DirEntry]:
    """Entries of ``folder`` named ``prefix`` + :func:`run_tag` of runs of this machine
    whose process no longer exists (killed: SIGKILL, power loss)."""
    pattern = re.compile(re.escape(prefix) + re.escape(_host()) + r"-(\d+)-")
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    dead = []
    for entry in entries:
        m = pattern.match(entry.name)
        if not m:
            continue
        try:
            os.kill(int(m.group(1)), 0)
            continue  # alive (or not ours to signal): leave it
        except ProcessLookupError:
            dead.append(entry)
        except OSError:
            continue
    return dead


def remove_dead_runs(folder: str | os.PathLike, prefix: str) -> None:
    """Remove the files and folders in ``folder`` named ``prefix`` + :func:`run_tag` of
    runs of this machine that were killed (SIGKILL, power loss): their process no longer
    exists. Live runs' (and other machines') are left alone."""
    for entry in _dead_runs(folder, prefix):
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                os.unlink(entry.path)


# --------------------------------------------------------------------------------------
# A whole set of exports moved into a folder: a journal makes it all old or all new
# --------------------------------------------------------------------------------------
JOURNAL = ".journal"
"""In a staging folder: the moves of a committed set, one ``install NAME`` or ``remove
NAME`` a line, ended by ``end``. Written (atomically) only once every new file is staged and
every file it replaces is kept aside; its presence is the commit point."""

BACKUP = ".previous"
"""In a staging folder: hard links (or copies) of the files a set replaces or removes, to
put the old set back if a move fails part-way in this process."""


def _safe_name(name: str) -> bool:
    """A name previs may install or remove in the output folder: a plain file name, not
    hidden (a journal from a shared folder must not reach ``../`` or the staging folders)."""
    return bool(name) and os.path.basename(name) == name and not name.startswith(".") and "\0" not in name


def _lkind(path: Path) -> str | None:
    """None if nothing is at ``path`` or a regular file is; else what is there (links not
    followed: previs replaces neither a link nor what it points at)."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    if stat.S_ISREG(st.st_mode):
        return None
    return "a symbolic link" if stat.S_ISLNK(st.st_mode) else describe_mode(st.st_mode)


def _check_targets(out: Path, names, inputs: dict[str, str | None]) -> None:
    """Refuse (nothing changed) if a file previs is about to write in ``out`` is a folder,
    link, device, FIFO or socket, or is one of this run's inputs."""
    for name in names:
        target = out / name
        what = _lkind(target)
        if what is not None:
            raise PrevisError(f"{target}: is {what}, not the {name} previs writes; previs will not replace or "
                              "delete it. Move it away or choose another folder with -o. Nothing was changed.")
        for desc, path in inputs.items():
            with contextlib.suppress(OSError):
                if path and os.path.samefile(target, path):
                    raise PrevisError(f"{target}: is {desc} this run reads; previs will not write over its input. "
                                      "Choose another folder with -o. Nothing was changed.")


def _read_journal(stage: Path) -> list[tuple[str, str]] | None:
    """The moves of a committed journal in ``stage``, or None if there is none (or it is
    not one previs wrote whole)."""
    try:
        # a regular file only, at most 1 MB: a FIFO planted as a journal would hang every replay
        lines = read_bounded(stage / JOURNAL, 1024 * 1024).decode("utf-8").split("\n")
    except (Unreadable, UnicodeDecodeError):
        return None
    if "end" not in lines:
        return None
    moves = []
    for line in lines[:lines.index("end")]:
        op, _, name = line.partition(" ")
        if op not in ("install", "remove") or not _safe_name(name):
            return None
        moves.append((op, name))
    return moves


def _roll_forward(stage: Path, out: Path, moves: list[tuple[str, str]]) -> None:
    """Finish a committed set: every move is idempotent (a staged file still there has not
    been moved yet; a removed file already gone stays gone), so a run killed at any step,
    even while rolling forward, is finished by the next."""
    for op, name in moves:
        target = out / name
        if op == "install":
            if (stage / name).exists():
                os.replace(stage / name, target)
        elif _lkind(target) is None and os.path.lexists(target):
            os.unlink(target)
    _fsync_dir(out)


def recover_dead_stages(out: str | os.PathLike) -> None:
    """Finish or discard the staging folders of killed runs in ``out``: a committed set
    (journal written) is moved in whole, then the folder is removed; an uncommitted one
    never touched ``out`` and is removed. A set that cannot be finished keeps its folder."""
    out = Path(out)
    for entry in _dead_runs(out, STAGE_PREFIX):
        stage = Path(entry.path)
        if not entry.is_dir(follow_symlinks=False):
            continue
        moves = _read_journal(stage)
        if moves is not None:
            _roll_forward(stage, out, moves)
        shutil.rmtree(stage, ignore_errors=True)


def _rename_problems(e: PrevisError, stage: Path, out: Path) -> PrevisError:
    """The same error, naming ``out`` where it named the hidden staging folder."""
    s, o = str(stage), str(out)
    problems = [p.replace(s, o) for p in e.problems]
    if problems == e.problems:
        return e
    new = type(e)(problems)
    return new


def _keep_aside(target: Path, saved: Path) -> None:
    try:
        os.link(target, saved, follow_symlinks=False)
    except OSError:
        shutil.copy2(target, saved)  # no hard links on this filesystem


def _commit(stage: Path, out: Path, owned, inputs: dict[str, str | None]) -> list[str]:
    """Move the staged set into ``out`` (module docstring); returns the names removed."""
    installs = sorted(n for n in os.listdir(stage) if _safe_name(n))
    removes = [n for n in owned if n not in installs and _safe_name(n) and _lkind(out / n) is None
               and os.path.lexists(out / n)]
    _check_targets(out, installs + removes, inputs)
    aside = stage / BACKUP
    aside.mkdir()
    for name in installs + removes:
        if (out / name).exists():
            _keep_aside(out / name, aside / name)
    moves = [("install", n) for n in installs] + [("remove", n) for n in removes]
    _write_journal(stage, moves)
    done: list[tuple[str, str]] = []
    try:
        for op, name in moves:
            if op == "install":
                os.replace(stage / name, out / name)
            else:
                os.unlink(out / name)
            done.append((op, name))
        _fsync_dir(out)
    except BaseException:
        _roll_back(stage, out, done)
        raise
    os.unlink(stage / JOURNAL)
    return removes


def _write_journal(stage: Path, moves: list[tuple[str, str]]) -> None:
    text = "".join(f"{op} {name}\n" for op, name in moves) + "end\n"
    tmp = stage / (JOURNAL + ".part")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, stage / JOURNAL)
    _fsync_dir(stage)


def _roll_back(stage: Path, out: Path, done: list[tuple[str, str]]) -> None:
    """Undo the moves ``done`` in this process: each new file goes back into the stage
    first, so that until the journal is deleted a kill here still rolls the whole set
    forward; then the kept-aside old file is put back."""
    for op, name in reversed(done):
        with contextlib.suppress(OSError):
            if op == "install":
                os.replace(out / name, stage / name)
            saved = stage / BACKUP / name
            if saved.exists():
                os.replace(saved, out / name)
    with contextlib.suppress(OSError):
        os.unlink(stage / JOURNAL)
    _fsync_dir(out)


@contextlib.contextmanager
def staged_output_dir(out_dir: str | os.PathLike, *, owned=(), inputs: dict[str, str | None] | None = None,
                      on_remove=None):
    """Yield a staging folder; on success move every file in it into ``out_dir``, as one set.

    - ``owned``: the names of the whole set (e.g. every export); one not staged this time
      but present from an earlier run is removed with the same commit (``on_remove(path)``
      is called for each), so an old file never sits beside a new set.
    - ``inputs``: description -> path of this run's inputs, never written over.

    A name to be written that is a folder, link, device, FIFO or socket in ``out_dir`` is
    refused: nothing is replaced or deleted that previs did not write. The set goes in under
    a journal: a run killed part-way is finished (or, before the journal, discarded) by the
    next run in ``out_dir``. On any exception the staging folder is removed and
    ``out_dir`` is untouched (a :class:`PrevisError` from a writer is re-raised naming
    ``out_dir``, not the stage).
    """
    out = Path(out_dir)
    inputs = {k: v for k, v in (inputs or {}).items() if v}
    try:
        out.mkdir(parents=True, exist_ok=True)
        if not out.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, "Not a directory", str(out))
        recover_dead_stages(out)
        _check_targets(out, owned, inputs)
        stage = Path(tempfile.mkdtemp(prefix=STAGE_PREFIX + run_tag(), dir=out))
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
        removed = _commit(stage, out, owned, inputs)
    except OSError as e:
        raise explain_write_error(e, str(out)) from None
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    for name in removed:
        if on_remove is not None:
            on_remove(out / name)
