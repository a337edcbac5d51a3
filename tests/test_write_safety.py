"""Writes only where asked (issue 21, the output half): previs never replaces a device, a
FIFO, a folder, a link or one of its own inputs given as an output, never deletes what it
did not write, moves a set of exports in all or nothing even when killed at any step, and
never sends escape codes from a file to the terminal.

Every refusal is checked for its exit status, its exact message, that the refused target
is untouched and that nothing else under the test's folder changed. Devices are made in
the test's folder (``mknod``, as root) so that a regression could only ever replace a
copy of /dev/null, never the machine's own.
"""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from previs.cli import main
from previs.errors import PrevisError

ROOT = Path(__file__).resolve().parent.parent
LEVEL = ROOT / "tests" / "data" / "expect" / "duel.tmx"  # loads without warnings


def tree(d: Path) -> dict[str, tuple]:
    """Every entry under ``d``: kind and, for files, the bytes (links not followed)."""
    out = {}
    for p in sorted(d.rglob("*")):
        st = os.lstat(p)
        rel = str(p.relative_to(d))
        if stat.S_ISREG(st.st_mode):
            out[rel] = ("file", p.read_bytes())
        elif stat.S_ISLNK(st.st_mode):
            out[rel] = ("link", os.readlink(p))
        else:
            out[rel] = (stat.S_IFMT(st.st_mode), st.st_rdev)
    return out


def refused(argv: list[str], capsys, message: str) -> None:
    """``previs ARGV`` exits 1 with exactly ``message`` as its one line on stderr."""
    assert main(argv) == 1
    cap = capsys.readouterr()
    assert cap.err.splitlines() == [message], cap.err
    assert "Traceback" not in cap.err


def char_device(path: Path) -> Path:
    """A character device like /dev/null (1, 3) at ``path``, or skip where mknod is refused."""
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, OSError) as e:
        pytest.skip(f"cannot make a device node here ({e})")
    return path


# --------------------------------------------------------------------------------------
# Devices and FIFOs as outputs
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("command", ["still", "report", "render"])
def test_a_fifo_as_the_output_is_refused(tmp_path, capsys, command):
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    before = tree(tmp_path)
    extra = ["--time", "0"] if command == "still" else []
    refused([command, str(LEVEL), "-o", str(fifo), *extra], capsys,
            f"previs {command}: {fifo}: is a FIFO (named pipe), not a file previs wrote; previs will not replace "
            "it. Choose another file with -o. Nothing was written.")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert tree(tmp_path) == before


@pytest.mark.parametrize("command", ["still", "report"])
def test_a_character_device_as_the_output_is_refused(tmp_path, capsys, command):
    dev = char_device(tmp_path / "null")
    before = tree(tmp_path)
    extra = ["--time", "0"] if command == "still" else []
    refused([command, str(LEVEL), "-o", str(dev), *extra], capsys,
            f"previs {command}: {dev}: is a character device, not a file previs wrote; previs will not replace "
            "it. Choose another file with -o. Nothing was written.")
    assert stat.S_ISCHR(os.lstat(dev).st_mode) and tree(tmp_path) == before


def test_dev_null_itself_is_refused_by_the_check_every_write_makes():
    """The real /dev/null: only the check is run, never a write (a regression must not be
    able to replace the machine's /dev/null)."""
    from previs.output_paths import check_output_target

    before = os.lstat("/dev/null")
    with pytest.raises(PrevisError) as e:
        check_output_target("/dev/null", {"the level": str(LEVEL)})
    assert e.value.problems == ["/dev/null: is a character device, not a file previs wrote; previs will not "
                                "replace it. Choose another file with -o. Nothing was written."]
    after = os.lstat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev and after.st_ino == before.st_ino


def test_a_link_to_a_fifo_is_refused_and_a_device_appearing_mid_write_is_not_replaced(tmp_path):
    """atomic_write_bytes checks again right before its rename (a long render's file)."""
    from previs.fsutil import atomic_write_bytes

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "frame.png"
    link.symlink_to(fifo)
    with pytest.raises(PrevisError, match=r"frame\.png: is a symbolic link to FIFO \(named pipe\)"):
        atomic_write_bytes(link, b"x")
    assert link.is_symlink() and stat.S_ISFIFO(os.stat(link).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["frame.png", "pipe"]  # no temp file left


def test_a_walk_screenshot_onto_a_fifo_is_refused(tmp_path, capsys):
    fifo = tmp_path / "shot.png"
    os.mkfifo(fifo)
    refused(["walk", str(LEVEL), "--headless", "--frames", "1", "--screenshot", str(fifo)], capsys,
            f"previs walk: {fifo}: is a FIFO (named pipe), not a file previs wrote; previs will not replace it. "
            "Choose another file with -o. Nothing was written.")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


# --------------------------------------------------------------------------------------
# The level (or the take) given as the output
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("command", ["still", "report", "render"])
def test_the_level_itself_as_the_output_is_refused(tmp_path, capsys, command):
    level = tmp_path / "duel.tmx"
    level.write_bytes(LEVEL.read_bytes())
    before = tree(tmp_path)
    extra = ["--time", "0"] if command == "still" else []
    refused([command, str(level), "-o", str(level), *extra], capsys,
            f"previs {command}: {level}: is the level this run reads; previs will not write over its input. "
            "Choose another file with -o. Nothing was written.")
    assert tree(tmp_path) == before


def test_the_level_through_another_name_is_refused(tmp_path, capsys):
    """A hard link is the same file: refused whatever it is called."""
    level = tmp_path / "duel.tmx"
    level.write_bytes(LEVEL.read_bytes())
    alias = tmp_path / "report.html"
    os.link(level, alias)
    refused(["report", str(level), "-o", str(alias)], capsys,
            f"previs report: {alias}: is the level this run reads; previs will not write over its input. "
            "Choose another file with -o. Nothing was written.")
    assert level.read_bytes() == LEVEL.read_bytes()


# --------------------------------------------------------------------------------------
# replay -o DIR: nothing replaced or deleted that previs did not write
# --------------------------------------------------------------------------------------
def test_a_user_folder_named_like_an_export_is_refused_not_deleted(tmp_path, capsys):
    out = tmp_path / "out"
    (out / "track.csv").mkdir(parents=True)
    (out / "track.csv" / "mine.txt").write_text("my notes")
    before = tree(tmp_path)
    refused(["replay", str(LEVEL), "-o", str(out), "--no-report"], capsys,
            f"previs replay: {out / 'track.csv'}: is a folder, not the track.csv previs writes; previs will not "
            "replace or delete it. Move it away or choose another folder with -o. Nothing was changed.")
    assert tree(tmp_path) == before


@pytest.mark.parametrize("what, make", [
    ("a FIFO (named pipe)", lambda p: os.mkfifo(p)),
    ("a symbolic link", lambda p: p.symlink_to(p.parent / "elsewhere.usda")),
])
def test_a_fifo_or_link_named_like_an_export_is_refused(tmp_path, capsys, what, make):
    out = tmp_path / "out"
    out.mkdir()
    (out / "elsewhere.usda").write_text("#usda 1.0\n")
    make(out / "camera.usda")
    before = tree(tmp_path)
    refused(["replay", str(LEVEL), "-o", str(out), "--no-report"], capsys,
            f"previs replay: {out / 'camera.usda'}: is {what}, not the camera.usda previs writes; previs will "
            "not replace or delete it. Move it away or choose another folder with -o. Nothing was changed.")
    assert tree(tmp_path) == before


def test_a_stale_export_is_removed_with_the_new_set_but_a_folder_is_not(tmp_path):
    """An EDL from an earlier run goes in the same commit as the new set; a folder named
    like the EDL is refused before any work, even by a run that would write no EDL."""
    from previs.export import FILES, write_outputs
    from previs.fsutil import staged_output_dir
    from previs.plan.shotplan import PlanSettings, build_plan
    from plankit import scene

    level, motion = scene()
    plan = build_plan(motion.track, settings=PlanSettings.from_level(level.settings), motion=motion)
    out = tmp_path / "out"
    out.mkdir()
    (out / "shotplan.edl").write_text("from an earlier run")
    removed = []
    with staged_output_dir(out, owned=FILES, on_remove=removed.append) as stage:
        write_outputs(stage, plan)
        os.unlink(stage / "shotplan.edl")  # as at 120 fps: this plan has no EDL
    assert removed == [out / "shotplan.edl"] and not (out / "shotplan.edl").exists()
    (out / "shotplan.edl").mkdir()
    (out / "shotplan.edl" / "cut.edl").write_text("mine")
    before = tree(tmp_path)
    with pytest.raises(PrevisError) as e:
        with staged_output_dir(out, owned=FILES, on_remove=removed.append) as stage:
            raise AssertionError("refused before the writers run")
    assert e.value.problems == [f"{out / 'shotplan.edl'}: is a folder, not the shotplan.edl previs writes; previs "
                                "will not replace or delete it. Move it away or choose another folder with -o. "
                                "Nothing was changed."]
    assert tree(tmp_path) == before and len(removed) == 1


# --------------------------------------------------------------------------------------
# The final moves, killed at every step
# --------------------------------------------------------------------------------------
OLD = {"track.csv": "old track\n", "shotplan.edl": "old edl\n", "camera.chan": "old chan\n"}
NEW = {"track.csv": "new track\n", "camera.chan": "new chan\n", "shotplan.json": "{\"new\": 1}\n"}
OWNED = ("track.csv", "shotplan.json", "shotplan.edl", "camera.chan")  # NEW has no EDL: removed

KILL_HOOK = r"""
def counted(fn):  # SIGKILL this process right before its kill_at-th file-system step
    def step(*a, **k):
        steps[0] += 1
        if steps[0] == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        return fn(*a, **k)
    return step

def count_steps():
    for name in ("replace", "rename", "link", "unlink", "rmdir", "fsync", "mkdir"):
        setattr(os, name, counted(getattr(os, name)))
"""

DRIVER = r"""
import json, os, signal, sys
from pathlib import Path
from previs import fsutil

out, kill_at, new, owned, fail = Path(sys.argv[1]), int(sys.argv[2]), json.loads(sys.argv[3]), sys.argv[4].split(","), sys.argv[5]
steps = [0]

# {kill hook}

with fsutil.staged_output_dir(out, owned=owned) as stage:
    if fail:
        raise SystemExit(3)  # a later run that fails: it only recovers what it finds
    for name, text in new.items():
        (stage / name).write_text(text)
    count_steps()
print(steps[0])
"""


def _visible(out: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in out.iterdir() if not p.name.startswith(".")}


def _run_driver(out: Path, kill_at: int, fail: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", DRIVER.replace("# {kill hook}", KILL_HOOK), str(out), str(kill_at), json.dumps(NEW), ",".join(OWNED),
                           "1" if fail else ""], capture_output=True, text=True, timeout=60, cwd=ROOT)


def test_final_moves_killed_at_each_step_leave_a_whole_set(tmp_path):
    """SIGKILL before each file-system step of the final moves (links aside, journal,
    renames, removal, clean-up): before the journal the folder is the whole old set,
    untouched; after it the next run in the folder finishes the whole new set. Every file
    is whole at every moment, a user's file beside them is never touched, and the dead
    run's staged files are deleted only once they are in place."""
    def old_folder(name: str) -> Path:
        out = tmp_path / name
        out.mkdir()
        for file, text in OLD.items():
            (out / file).write_text(text)
        (out / "notes.txt").write_text("mine")
        return out

    done = _run_driver(old_folder("count"), 0)
    assert done.returncode == 0, done.stderr
    assert _visible(tmp_path / "count") == {**NEW, "notes.txt": "mine"}
    total = int(done.stdout)
    # mkdir + 3 links aside, journal (fsync, rename, fsync folder), 3 moves, 1 removal, fsync,
    # journal deleted, then the clean-up of the staging folder.
    assert total >= 14
    committed_at = None
    for k in range(1, total + 1):
        out = old_folder(f"k{k}")
        r = _run_driver(out, k)
        assert r.returncode == -9, (k, r.returncode, r.stderr)
        seen = _visible(out)
        for name, text in seen.items():  # every file whole: the old or the new bytes
            assert text in (OLD.get(name), NEW.get(name), "mine" if name == "notes.txt" else None), (k, name)
        stages = [p for p in out.iterdir() if p.name.startswith(".previs-stage-")]
        journal = any((s / ".journal").exists() for s in stages)
        if journal:
            committed_at = committed_at or k
            want = NEW  # committed: the next run finishes the new set
        else:
            # Before the commit the folder is untouched; after it (journal already
            # deleted, clean-up killed) the new set is already whole.
            assert seen == {**(OLD if committed_at is None else NEW), "notes.txt": "mine"}, k
            want = OLD if committed_at is None else NEW
        # The next run (here one that fails) finishes or discards the dead run's set.
        again = _run_driver(out, 0, fail=True)
        assert again.returncode == 3, again.stderr
        assert _visible(out) == {**want, "notes.txt": "mine"}, (k, journal, seen)
        assert [p.name for p in out.iterdir() if p.name.startswith(".")] == [], k
    assert committed_at is not None and 1 < committed_at < total


def test_a_dead_run_journal_cannot_reach_outside_the_folder(tmp_path):
    """A journal naming ``../`` or a hidden file (a hostile folder shared with others) is
    not followed: nothing outside is removed and the staging folder is discarded."""
    from previs.fsutil import JOURNAL, STAGE_PREFIX, _host

    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    (out / ".hidden").write_text("keep")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stage = out / f"{STAGE_PREFIX}{_host()}-{dead.pid}-x"
    stage.mkdir()
    (stage / JOURNAL).write_text("remove ../victim.txt\nremove .hidden\nend\n")
    assert _run_driver(out, 0, fail=True).returncode == 3
    assert victim.read_text() == "keep" and (out / ".hidden").read_text() == "keep" and not stage.exists()


# --------------------------------------------------------------------------------------
# Terminal output: escape codes from files are shown, not obeyed
# --------------------------------------------------------------------------------------
HOSTILE = "\x1b]0;pwned\x07\x1b[2J\x9b31m\u202eevil\u2066\r"
SHOWN = "\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m\\u202eevil\\u2066\\r"


def test_the_terminal_stream_escapes_controls_c1_and_bidi_and_keeps_lines():
    from previs.terminal import TerminalStream

    raw = io.StringIO()
    TerminalStream(raw).write(f"title: {HOSTILE}\n\tnext line\\n\n")
    assert raw.getvalue() == f"title: {SHOWN}\n\tnext line\\n\n"


def test_an_expectation_file_cannot_send_escape_codes(tmp_path, capsys):
    """``previs test`` prints the level path from the expectation file: shown escaped."""
    exp = tmp_path / "a.expect.toml"
    exp.write_text('level = "\\u001b]0;pwned\\u0007\\u202e.tmx"\n[shots]\ncount = 3\n')
    assert main(["test", str(exp)]) == 1
    cap = capsys.readouterr()
    text = cap.out + cap.err
    assert "\\x1b]0;pwned\\x07\\u202e.tmx" in text
    assert not any(c in text for c in "\x1b\x07\u202e")


def test_an_error_line_from_a_file_stays_one_escaped_line(tmp_path, capsys):
    """A take named with a newline and escape codes: one line on stderr, shown escaped."""
    take = tmp_path / "a\nb\x1b[31m.take"
    take.write_text("not a take")
    assert main(["replay", str(LEVEL), "--take", str(take), "-o", str(tmp_path / "out"), "--no-report"]) == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err and len(err.splitlines()) == 1, err
    assert "a\\nb\\x1b[31m.take" in err


def test_the_progress_bar_is_the_one_control_sequence_sent_on_purpose():
    from previs.animatic.progress import Progress
    from previs.terminal import TerminalStream

    class Tty(io.StringIO):
        def isatty(self):
            return True

    raw = Tty()
    p = Progress(10, "anim\x1b[2Jatic", stream=TerminalStream(raw))
    p.update(10, force=True)
    assert raw.getvalue().startswith("\r\x1b[2Kanim\\x1b[2Jatic [")
    assert raw.getvalue().count("\x1b") == 1


def test_plan_into_the_folder_of_its_own_track_is_refused(tmp_path, capsys):
    """``previs plan out/track.csv -o out``: the input would be the export's target."""
    out = tmp_path / "out"
    assert main(["replay", str(LEVEL), "-o", str(out), "--no-report"]) == 0
    capsys.readouterr()
    before = tree(tmp_path)
    refused(["plan", str(out / "track.csv"), "-o", str(out), "--turn-cut-speed", "90"], capsys,
            f"previs plan: {out / 'track.csv'}: is the track this run reads; previs will not write over its input. "
            "Choose another folder with -o. Nothing was changed.")
    assert tree(tmp_path) == before


def test_a_warning_from_a_take_stays_one_line(tmp_path, capsys):
    """warner(): a newline and an escape code in a sentence are shown, not obeyed."""
    from previs.terminal import warner

    warner("still")("take a\nb\x1b[2J was cut short")
    assert capsys.readouterr().err == "previs still: warning: take a\\nb\\x1b[2J was cut short\n"


REPLAY_DRIVER = r"""
import os, signal, sys
from previs import fsutil
from previs.cli import main

kill_at, argv = int(sys.argv[1]), sys.argv[2:]
steps = [0]
commit = fsutil._commit

# {kill hook}

def hooked(*a, **k):  # count file-system steps from the start of the final moves on
    count_steps()
    return commit(*a, **k)

fsutil._commit = hooked
code = main(argv)
sys.stderr.write(f"steps {steps[0]}\n")
sys.exit(code)
"""


def test_a_real_replay_killed_at_each_step_of_its_final_moves(tmp_path):
    """``previs replay`` itself, SIGKILLed at steps of its final moves: the folder
    is the whole old set until the commit point, every file is whole at every step, and
    the next run into the folder finishes the dead run's set: never a mix once it has
    looked, never a lost file."""
    from previs.fsutil import recover_dead_stages

    out, ref = tmp_path / "out", tmp_path / "ref"
    args = [str(LEVEL), "--no-report"]
    assert main(["replay", *args, "-o", str(out)]) == 0
    assert main(["replay", *args, "-o", str(ref), "--turn-cut-speed", "90"]) == 0
    old = {p.name: p.read_bytes() for p in out.iterdir()}
    new = {p.name: p.read_bytes() for p in ref.iterdir()}
    assert old != new and sorted(old) == sorted(new)

    def run(kill_at: int, where: Path, *extra: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", REPLAY_DRIVER.replace("# {kill hook}", KILL_HOOK), str(kill_at), "replay", *args, "-o", str(where),
                               *extra], capture_output=True, text=True, timeout=300, cwd=ROOT)

    (tmp_path / "count").mkdir()
    for name, data in old.items():
        (tmp_path / "count" / name).write_bytes(data)
    count = run(0, tmp_path / "count", "--turn-cut-speed", "90")
    assert count.returncode == 0, count.stderr
    total = int(count.stderr.split("steps ")[-1])
    assert total >= 20  # 6 exports: mkdir, 6 links aside, journal, 6 moves, fsync, clean-up
    committed = False
    # Every third step and the last (the exhaustive kill at every step is the test above,
    # on the same code with small files; a real replay costs a second per kill).
    for k in sorted(set(range(1, total + 1, 3)) | {total}):
        r = run(k, out, "--turn-cut-speed", "90")
        assert r.returncode == -9, (k, r.stderr)
        now = {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}
        journal = any((s / ".journal").exists() for s in out.glob(".previs-stage-*"))
        committed = committed or journal or now == new
        if not journal:  # before the commit point untouched; after the journal's deletion whole
            assert now == (new if committed else old), k
        assert sorted(now) == sorted(old) and all(data in (old[n], new[n]) for n, data in now.items()), k
        # The next run into the folder first finishes the dead run (the new set, whole).
        recover_dead_stages(out)
        assert {p.name: p.read_bytes() for p in out.iterdir()} == (new if committed else old), k
        for name, data in old.items():  # back to the old set for the next step
            (out / name).write_bytes(data)
    assert committed
