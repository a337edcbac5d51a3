"""Crash safety: takes survive the recorder being killed or the disk filling up, and
exports never leave a half-written file, a mixed set, or a temp file behind.

``previs replay`` is run for real (a subprocess: exit status, stderr, no traceback) into a
read-only folder and into a full one. Those use small tmpfs mounts (the tests run as root,
where chmod does not stop writes); where mounting is not permitted they are skipped, and the
same failures are also injected in-process (``os.replace``/``os.fsync`` raising EROFS and
ENOSPC), which needs no privileges.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from diskkit import fill, mount_tmpfs, unmount
from previs.cli import main
from previs.errors import TakeError
from previs.level.loader import load_level
from previs.sim.take import TakeWriter, read_take, replay_take
from previs.sim.walker import TickCmd

ROOT = Path(__file__).resolve().parent.parent
LEVEL = ROOT / "tests" / "data" / "expect" / "duel.tmx"  # loads without warnings
EXPORTS = ("camera.chan", "camera.nk", "camera.usda", "shotlist.csv", "shotplan.edl", "shotplan.json", "shotplan.otio",
           "shotplan.xml", "track.csv")


def files(d: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(d.iterdir()) if p.is_file()}


def leftovers(d: Path) -> list[str]:
    """Anything hidden (staging folders, .part temp files) left in ``d``."""
    return sorted(p.name for p in d.iterdir() if p.name.startswith("."))


def replay_cli(out: Path, *extra: str, level: Path = LEVEL) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "previs", "replay", str(level), "-o", str(out), "--no-report", *extra],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)


def one_error_line(proc: subprocess.CompletedProcess, *needles: str) -> str:
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip() and ": warning: " not in ln]
    assert len(lines) == 1, proc.stderr
    for n in needles:
        assert n in lines[0], lines[0]
    assert ".previs-stage-" not in lines[0], "the error names the hidden staging folder"
    return lines[0]


# --------------------------------------------------------------------------------------
# Small filesystems (tmpfs) for read-only and full-disk runs
# --------------------------------------------------------------------------------------
@pytest.fixture
def tmpfs(tmp_path):
    """``make(size)`` mounts a fresh tmpfs of ``size`` and returns its path; unmounted after."""
    mounted: list[Path] = []

    def make(size: str) -> Path:
        where = tmp_path / f"mnt{len(mounted)}"
        mount_tmpfs(where, size)
        mounted.append(where)
        return where

    yield make
    for m in reversed(mounted):
        unmount(m)


# --------------------------------------------------------------------------------------
# Takes
# --------------------------------------------------------------------------------------
def test_each_tick_is_on_disk_when_write_returns(tmp_path):
    level = load_level(LEVEL)
    p = tmp_path / "t.take"
    w = TakeWriter(p, level)
    try:
        for k in range(5):
            w.write(TickCmd(forward=127, turn=100 * k))
            # read through another file descriptor, while the writer is still open
            assert p.read_bytes().count(b"\n") == k + 2
    finally:
        w.close()
    assert len(read_take(p).cmds) == 5


_RECORDER = """
import sys, time
from previs.level.loader import load_level
from previs.sim.take import TakeWriter
from previs.sim.walker import TickCmd
w = TakeWriter(sys.argv[2], load_level(sys.argv[1]))
k = 0
while True:
    w.write(TickCmd(forward=127, turn=(k % 7) * 50, buttons=k % 2))
    k += 1
    time.sleep(0.001)
"""


def test_a_take_killed_mid_recording_replays_every_tick_written(tmp_path):
    take = tmp_path / "killed.take"
    proc = subprocess.Popen([sys.executable, "-c", _RECORDER, str(LEVEL), str(take)], cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while (not take.exists() or take.read_bytes().count(b"\n") < 60) and time.monotonic() < deadline:
            time.sleep(0.01)
        seen = take.read_bytes().count(b"\n") - 1
        assert seen >= 59, "the recorder did not start"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    t = read_take(take)
    assert len(t.cmds) >= seen
    assert [c.forward for c in t.cmds] == [127] * len(t.cmds)
    # Power loss can also cut the last line: it is dropped with a warning, the rest replays.
    with open(take, "ab") as fh:
        fh.write(f"{len(t.cmds)} 127 0 -1".encode())
    cut = read_take(take)
    assert cut.cmds == t.cmds and "cut short" in cut.warnings[0]
    assert len(replay_take(load_level(LEVEL), cut).track) == len(t.cmds)
    out = tmp_path / "out"
    r = replay_cli(out, "--take", str(take))
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr and "cut short" in r.stderr
    rows = [ln for ln in (out / "track.csv").read_bytes().split(b"\n") if ln and not ln.startswith(b"#")]
    assert len(rows) == len(t.cmds) + 1


def test_a_take_on_a_disk_that_fills_up_keeps_what_was_recorded(tmpfs):
    disk = tmpfs("16k")
    level = load_level(LEVEL)
    w = TakeWriter(disk / "full.take", level)
    with pytest.raises(TakeError) as e:
        for _ in range(100_000):
            w.write(TickCmd(forward=127, strafe=-127, turn=-18000, look=18000, buttons=255))
    assert "the disk is full" in str(e.value) and "kept" in str(e.value)
    assert w.closed
    w.close()  # closing again is harmless
    with pytest.raises(TakeError):
        w.write(TickCmd())
    t = read_take(disk / "full.take")
    assert w.ticks - 1 <= len(t.cmds) <= w.ticks and len(t.cmds) > 100


def test_a_take_write_failure_is_a_take_error_not_an_oserror(tmp_path, monkeypatch):
    level = load_level(LEVEL)
    w = TakeWriter(tmp_path / "t.take", level)
    w.write(TickCmd(forward=1))

    def eio(fd, data):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "write", eio)
    with pytest.raises(TakeError) as e:
        w.write(TickCmd(forward=2))
    monkeypatch.undo()
    assert "recording stopped after 1 ticks (Input/output error)" in str(e.value)
    assert len(read_take(tmp_path / "t.take").cmds) == 1


# --------------------------------------------------------------------------------------
# Exports: read-only and full folders, for real
# --------------------------------------------------------------------------------------
def test_replay_into_a_read_only_folder(tmpfs):
    disk = tmpfs("8m")
    out = disk / "out"
    first = replay_cli(out)
    assert first.returncode == 0, first.stderr
    before = files(out)
    assert sorted(before) == list(EXPORTS)
    r = subprocess.run(["mount", "-o", "remount,ro", str(disk)], capture_output=True, text=True)
    if r.returncode:
        pytest.skip(f"cannot remount read-only: {r.stderr.strip()}")
    proc = replay_cli(out)
    one_error_line(proc, f"{out}: cannot write (it is not writable", "Nothing was changed there.")
    assert files(out) == before and leftovers(out) == []
    # a folder that does not exist yet, under the read-only one
    proc = replay_cli(out / "new")
    one_error_line(proc, "cannot write (it is not writable")


def test_replay_into_a_full_folder_keeps_the_previous_exports(tmpfs):
    disk = tmpfs("4m")
    out = disk / "out"
    first = replay_cli(out)
    assert first.returncode == 0, first.stderr
    before = files(out)
    filler = fill(disk)
    # different settings: every export would change if it were written
    proc = replay_cli(out, "--turn-cut-speed", "90")
    one_error_line(proc, "cannot write (the disk is full", "Nothing was changed there.")
    assert files(out) == before and leftovers(out) == []
    filler.unlink()
    again = replay_cli(out, "--turn-cut-speed", "90")
    assert again.returncode == 0, again.stderr
    assert files(out) != before and leftovers(out) == []


@pytest.mark.parametrize("workers", ["1", "2"])
def test_an_animatic_onto_a_full_disk_keeps_the_previous_file(tmpfs, workers):
    """The duel is two 10 s chunks: the disk fills while a chunk is written (in this
    process, or in a worker) and the error names the animatic, not the hidden chunk."""
    disk = tmpfs("256k")
    out = disk / "duel.mp4"
    out.write_bytes(b"previous animatic" * 3000)  # 51 kB of the 256 kB
    level = ROOT / "tests" / "data" / "expect" / "duel.tmx"
    env = dict(os.environ, SDL_VIDEODRIVER="offscreen", SDL_AUDIODRIVER="dummy")
    proc = subprocess.run([sys.executable, "-m", "previs", "render", str(level), "-o", str(out), "--size", "320x180",
                           "--workers", workers], capture_output=True, text=True, timeout=300, cwd=ROOT, env=env)
    line = one_error_line(proc, f"{out}: cannot write the animatic (the disk is full")
    assert ".chunks" not in line and "chunk0" not in line
    assert out.read_bytes() == b"previous animatic" * 3000
    assert sorted(p.name for p in disk.iterdir()) == ["duel.mp4"]


def _render_cli(level: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, SDL_VIDEODRIVER="offscreen", SDL_AUDIODRIVER="dummy")
    return subprocess.run([sys.executable, "-m", "previs", "render", str(level), "-o", str(out), *extra],
                          capture_output=True, text=True, timeout=300, cwd=ROOT, env=env)


def test_an_animatic_needs_its_size_plus_one_chunk_not_twice(tmpfs):
    """Corridor at 320x180 is a 2.08 MB MP4 in five chunks (animated bodies: it was 1.26 MB
    with standing mannequins): it fits on a 3 MB disk because each chunk is deleted as soon
    as it is joined, and the job handed to the workers as soon as they have read it (both
    copies at once would not fit)."""
    disk = tmpfs("3m")
    out = disk / "corridor.mp4"
    proc = _render_cli(ROOT / "levels" / "corridor.tmx", out, "--size", "320x180", "--workers", "2")
    assert proc.returncode == 0, proc.stderr
    size = out.stat().st_size
    assert 1_700_000 < size < 3 * 1024 * 1024 < 2 * size  # twice would not have fitted
    assert sorted(p.name for p in disk.iterdir()) == ["corridor.mp4"]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_an_animatic_onto_a_disk_with_no_room_at_all(tmpfs, workers):
    """Not a byte free: with workers the first write is the job handed to them, in one
    process the first chunk; either way one plain line and nothing left behind."""
    disk = tmpfs("256k")
    out = disk / "duel.mp4"
    filler = fill(disk)
    proc = _render_cli(ROOT / "tests" / "data" / "expect" / "duel.tmx", out, "--size", "320x180", "--workers", workers)
    one_error_line(proc, f"{out}: cannot write the animatic (the disk is full")
    assert sorted(p.name for p in disk.iterdir()) == [filler.name]


def test_an_output_path_that_is_a_file(tmp_path):
    f = tmp_path / "out"
    f.write_text("keep me")
    proc = replay_cli(f)
    one_error_line(proc, f"{f}: cannot write (a file is in the way")
    assert f.read_text() == "keep me"
    proc = replay_cli(f / "sub")
    one_error_line(proc, "cannot write (a file is in the way")


# --------------------------------------------------------------------------------------
# Exports: the same failures injected in-process (no privileges needed)
# --------------------------------------------------------------------------------------
@pytest.fixture
def previous(tmp_path):
    out = tmp_path / "out"
    assert main(["replay", str(LEVEL), "-o", str(out), "--no-report"]) == 0
    return out, files(out)


@pytest.mark.parametrize("code, needle", [(errno.ENOSPC, "the disk is full"), (errno.EROFS, "not writable"),
                                          (errno.EIO, "Input/output error")])
def test_failing_fsync_while_writing_leaves_previous_exports(previous, monkeypatch, capsys, code, needle):
    out, before = previous
    capsys.readouterr()
    real = os.fsync
    calls = []

    def failing(fd):
        calls.append(fd)
        if len(calls) == 3:  # the third export's data
            raise OSError(code, os.strerror(code))
        return real(fd)

    monkeypatch.setattr(os, "fsync", failing)
    assert main(["replay", str(LEVEL), "-o", str(out), "--no-report", "--turn-cut-speed", "90"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and needle in err[0] and str(out) in err[0], err
    assert ".previs-stage-" not in err[0]
    assert files(out) == before and leftovers(out) == []


def test_a_move_failing_part_way_puts_the_previous_set_back(previous, monkeypatch, capsys):
    """os.replace of the 4th export fails: the three already moved are restored."""
    out, before = previous
    capsys.readouterr()
    real = os.replace
    moved = []

    def failing(src, dst, *a, **k):
        if Path(dst).parent == out and Path(src).parent.name.startswith(".previs-stage-"):
            moved.append(dst)
            if len(moved) == 4:
                raise OSError(errno.EROFS, "Read-only file system")
        return real(src, dst, *a, **k)

    monkeypatch.setattr(os, "replace", failing)
    assert main(["replay", str(LEVEL), "-o", str(out), "--no-report", "--turn-cut-speed", "90"]) == 1
    monkeypatch.undo()
    assert len(moved) == 4
    err = capsys.readouterr().err
    assert "not writable" in err and "Traceback" not in err
    assert files(out) == before and leftovers(out) == []


def test_new_files_from_a_failed_move_are_removed(tmp_path, monkeypatch, capsys):
    """Into an empty folder: a failure part-way leaves it empty, not with some exports."""
    out = tmp_path / "out"
    real = os.replace
    n = []

    def failing(src, dst, *a, **k):
        if Path(src).parent.name.startswith(".previs-stage-"):
            n.append(dst)
            if len(n) == 3:
                raise OSError(errno.ENOSPC, "No space left on device")
        return real(src, dst, *a, **k)

    monkeypatch.setattr(os, "replace", failing)
    assert main(["replay", str(LEVEL), "-o", str(out), "--no-report"]) == 1
    assert list(out.iterdir()) == []
    assert "the disk is full" in capsys.readouterr().err


def test_exports_are_readable_by_others(tmp_path):
    """Atomic writes go through 0600 temp files; the exports must not stay 0600."""
    out = tmp_path / "out"
    assert main(["replay", str(LEVEL), "-o", str(out), "--no-report"]) == 0
    umask = os.umask(0)
    os.umask(umask)
    for p in out.iterdir():
        assert p.stat().st_mode & 0o777 == 0o666 & ~umask, p


def test_a_replay_killed_at_any_moment_leaves_whole_files(tmp_path):
    """SIGKILL a replay at several moments: every export is the old or the new file, whole;
    the next run clears the dead run's staging folder."""
    out, ref = tmp_path / "out", tmp_path / "ref"
    assert replay_cli(out).returncode == 0
    old = files(out)
    t0 = time.monotonic()
    assert replay_cli(ref, "--turn-cut-speed", "90").returncode == 0
    run_time = time.monotonic() - t0
    new = files(ref)
    assert old != new
    cmd = [sys.executable, "-m", "previs", "replay", str(LEVEL), "-o", str(out), "--no-report", "--turn-cut-speed", "90"]
    for frac in (0.7, 0.95):
        p = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(run_time * frac)
        p.send_signal(signal.SIGKILL)
        p.wait()
        now = files(out)
        assert sorted(now) == sorted(old)
        for name, data in now.items():
            assert data in (old[name], new[name]), name
    r = replay_cli(out)
    assert r.returncode == 0
    assert leftovers(out) == [] and files(out) == old


def test_stale_staging_folders_of_dead_runs_are_removed(tmp_path):
    from previs.fsutil import STAGE_PREFIX, _host

    out = tmp_path / "out"
    out.mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = out / f"{STAGE_PREFIX}{_host()}-{dead.pid}-abc"
    (stale / "sub").mkdir(parents=True)
    (stale / "track.csv").write_text("half")
    alive = out / f"{STAGE_PREFIX}{_host()}-{os.getpid()}-def"  # a live run: left alone
    alive.mkdir()
    other = out / f"{STAGE_PREFIX}otherhost-{dead.pid}-ghi"  # another machine's: left alone
    other.mkdir()
    assert main(["replay", str(LEVEL), "-o", str(out), "--no-report"]) == 0
    assert not stale.exists() and alive.exists() and other.exists()
