"""The animatic: an MP4 that decodes to every frame at the level's fps and size, flashes on
each turn cut, is written atomically, streams (memory flat in the fight's length) and is
quiet when piped. Headless: SDL offscreen + Mesa llvmpipe, PyAV to decode."""

import io
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from levelkit import beat, henry, level, performer, walls
from previs.plan.shotplan import PlanSettings, build_plan
from previs.sim.script import simulate

av = pytest.importorskip("av")

ROOT = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent
SIZE = (320, 180)
FPS = 24


def fight(duration=3.0):
    """Henry stands in a walled room and whips his head left at Goon 1 (t = 1 s), then right
    round to Goon 2 (t = 2 s): two turn cuts, three shots."""
    ring = ([(0, c) for c in range(20)] + [(19, c) for c in range(20)]
            + [(r, 0) for r in range(20)] + [(r, 19) for r in range(20)] + [(5, c) for c in range(6, 14)])
    lv = level(henry(position=(10.0, 10.0)),
               performers=[performer(2, "Goon 1", (4.0, 10.0)), performer(3, "Goon 2", (16.0, 10.0), color=(230, 140, 30))],
               beats=[beat(10, 1.0, 1, "look", 2), beat(11, 2.0, 1, "look", 3), beat(12, 2.1, 2, "punch", 1)],
               walls_=walls(solid_cells=ring), fps=FPS, duration=duration)
    motion = simulate(lv)
    plan = build_plan(motion.track, settings=PlanSettings.from_level(lv.settings), motion=motion)
    return lv, motion, plan


def decode(path):
    """(frames as RGB arrays, stream facts)."""
    with av.open(str(path)) as c:
        s = c.streams.video[0]
        facts = dict(codec=s.codec_context.name, rate=s.average_rate, width=s.codec_context.width,
                     height=s.codec_context.height, pix_fmt=s.codec_context.pix_fmt)
        frames = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
    return frames, facts


@pytest.fixture(scope="module")
def scene():
    return fight()


@pytest.fixture(scope="module")
def rendered(scene, tmp_path_factory):
    from previs.animatic.render import render_animatic

    lv, motion, plan = scene
    out = tmp_path_factory.mktemp("animatic") / "fight.mp4"
    stats = render_animatic(out, level=lv, motion=motion, plan=plan, size=SIZE, progress=False)
    frames, facts = decode(out)
    return out, stats, frames, facts


def test_fixture_has_two_turn_cuts(scene):
    _, _, plan = scene
    assert [c.direction for c in plan.cuts] == ["left", "right"]
    assert len(plan.shots) == 3


def test_mp4_decodes_to_every_frame_at_the_level_fps_and_size(rendered, scene):
    out, stats, frames, facts = rendered
    lv, motion, _ = scene
    assert len(frames) == motion.frames == 72
    assert stats.frames == 72
    assert facts["codec"] == "h264"
    assert facts["pix_fmt"] == "yuv420p"
    assert facts["rate"] == FPS
    assert (facts["width"], facts["height"]) == SIZE
    assert frames[0].shape == (SIZE[1], SIZE[0], 3)
    # A real picture, not a blank: the sky, walls and floor differ.
    assert frames[10].std() > 20


def test_each_turn_cut_flashes_for_exactly_one_frame(rendered, scene):
    _, _, frames, _ = rendered
    _, _, plan = scene
    bright = np.array([f.mean() for f in frames])
    neighbours = np.maximum(np.roll(bright, 1), np.roll(bright, -1))
    jumps = bright - neighbours
    flashes = [int(i) for i in np.nonzero(jumps > 60)[0]]
    assert flashes == [c.frame for c in plan.cuts]
    for c in plan.cuts:
        assert bright[c.frame] > 170  # blended 75 % toward white


def test_clean_plate_has_no_flash(scene, tmp_path):
    from previs.animatic.render import render_animatic

    lv, motion, plan = scene
    out = tmp_path / "clean.mp4"
    render_animatic(out, level=lv, motion=motion, plan=plan, size=SIZE, progress=False, burnins=False,
                    frames=40)
    frames, _ = decode(out)
    assert len(frames) == 40
    bright = np.array([f.mean() for f in frames])
    c = plan.cuts[0].frame
    assert bright[c] - max(bright[c - 1], bright[c + 1]) < 30


def test_pipelined_frames_land_at_their_own_index(scene, tmp_path):
    """The animatic draws frame f while reading f - 1 back from the other target: every
    decoded frame must still be the still of its own frame, not a neighbour's."""
    from previs.animatic.render import OffscreenRenderer, render_animatic

    lv, motion, plan = scene
    out = tmp_path / "clean.mp4"
    render_animatic(out, level=lv, motion=motion, plan=plan, size=SIZE, progress=False, burnins=False,
                    frames=60)
    frames, _ = decode(out)
    with OffscreenRenderer(lv, SIZE) as r:
        stills = []
        for f in range(60):
            r.draw(motion.snapshot(f))
            stills.append(r.read_pixels().astype(int))
    # The head whips through frames 25-29 (left) and 49-53 (right): every frame there
    # differs from both its neighbours.
    for k in [*range(25, 30), *range(49, 54)]:
        err = [np.abs(frames[k].astype(int) - stills[j]).mean() for j in (k - 1, k, k + 1)]
        assert err[1] < 4.0, (k, err)  # H.264 at crf 23 is within a few levels
        assert err[1] < min(err[0], err[2]) / 2, (k, err)
    assert len(frames) == 60


def _stills(lv, motion, n):
    from previs.animatic.render import OffscreenRenderer

    with OffscreenRenderer(lv, SIZE) as r:
        out = []
        for f in range(n):
            r.draw(motion.snapshot(f))
            out.append(r.read_pixels().astype(int))
    return out


@pytest.mark.parametrize("preset", ["ultrafast", "veryfast"])  # veryfast: B-frames, a decode delay
def test_chunks_drawn_by_two_workers_join_into_one_stream_in_order(scene, tmp_path, preset):
    """Half-second chunks (12 frames) drawn by two worker processes: the joined MP4 has
    every frame once, in order, each the still of its own frame, across every join."""
    from previs.animatic.render import render_animatic

    lv, motion, plan = scene
    out = tmp_path / "joined.mp4"
    stats = render_animatic(out, level=lv, motion=motion, plan=plan, size=SIZE, progress=False,
                            burnins=False, workers=2, chunk_seconds=0.5, preset=preset)
    assert stats.workers == 2
    frames, facts = decode(out)
    assert len(frames) == motion.frames == 72 and facts["rate"] == FPS
    with av.open(str(out)) as c:
        keys = [i for i, p in enumerate(p for p in c.demux(video=0) if p.dts is not None) if p.is_keyframe]
    assert keys == list(range(0, 72, 12))  # each chunk starts on a keyframe
    stills = _stills(lv, motion, 72)
    # Frames 25-29 and 49-53 turn (each differs from both neighbours); 24 and 48 are
    # first frames of chunks, 23 and 47 last ones.
    for k in [23, 24, *range(25, 30), 47, 48, *range(49, 54)]:
        err = [np.abs(frames[k].astype(int) - stills[j]).mean() for j in (k - 1, k, k + 1)]
        assert err[1] < 4.0, (k, err)
        if k not in (23, 24, 47, 48):
            assert err[1] < min(err[0], err[2]) / 2, (k, err)


def test_mp4_bytes_do_not_depend_on_the_number_of_workers(scene, tmp_path):
    from previs.animatic.render import render_animatic

    lv, motion, plan = scene
    a, b = tmp_path / "one.mp4", tmp_path / "two.mp4"
    render_animatic(a, level=lv, motion=motion, plan=plan, size=SIZE, progress=False, workers=1,
                    chunk_seconds=0.5)
    stats = render_animatic(b, level=lv, motion=motion, plan=plan, size=SIZE, progress=False, workers=2,
                            chunk_seconds=0.5)
    assert stats.workers == 2
    assert a.read_bytes() == b.read_bytes()
    frames, _ = decode(b)
    bright = np.array([f.mean() for f in frames])
    neighbours = np.maximum(np.roll(bright, 1), np.roll(bright, -1))
    assert [int(i) for i in np.nonzero(bright - neighbours > 60)[0]] == [c.frame for c in plan.cuts]


def _children() -> list[int]:
    pids = []
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        try:
            pids += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            pass
    return pids


@pytest.mark.skipif(not Path(f"/proc/{os.getpid()}/task").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("how", ["worker killed", "interrupted"])
def test_a_killed_worker_or_an_interrupt_leaves_the_previous_file_and_no_workers(scene, tmp_path, how):
    """A worker SIGKILLed mid-render (the OOM killer, say) fails the render with a plain
    message; a Ctrl-C in the parent stops the workers. Either way the previous MP4 is
    untouched, nothing temporary is left, and no worker outlives the call."""
    import signal

    from previs.errors import PrevisError
    from previs.animatic.render import render_animatic

    lv, motion, plan = scene
    out = tmp_path / "a.mp4"
    out.write_bytes(b"previous animatic")
    before = set(_children())
    seen = []

    def progress(done, total):
        if done == 20 and not seen:
            seen[:] = [p for p in _children() if p not in before]
            assert len(seen) == 2  # the two workers are running
            if how == "interrupted":
                raise KeyboardInterrupt
            os.kill(seen[0], signal.SIGKILL)

    err = KeyboardInterrupt if how == "interrupted" else PrevisError
    with pytest.raises(err) as e:
        render_animatic(out, level=lv, motion=motion, plan=plan, size=SIZE, progress=progress, workers=2,
                        chunk_seconds=0.5)
    if how == "worker killed":
        assert "worker stopped unexpectedly (killed by SIGKILL)" in str(e.value)
        assert str(out) in str(e.value)
    assert out.read_bytes() == b"previous animatic"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.mp4"]
    for pid in seen:
        assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]


def _workers_of(folder: Path) -> list[int]:
    """Pids of live processes whose command line names a file in ``folder``."""
    pids = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if str(folder) in (proc / "cmdline").read_bytes().decode(errors="replace"):
                    pids.append(int(proc.name))
            except OSError:
                pass
    return pids


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs Linux /proc")
def test_a_render_killed_outright_is_cleaned_up_by_the_next_one(tmp_path):
    """SIGKILL gives previs no chance to tidy up: its hidden chunk folder stays. The next
    render of the same file removes it (its process is dead) and leaves only the MP4."""
    import signal
    import time

    level = TESTS / "data" / "expect" / "duel.tmx"  # 12 s: two chunks
    out = tmp_path / "duel.mp4"
    env = dict(os.environ, SDL_VIDEODRIVER="offscreen", SDL_AUDIODRIVER="dummy")
    cmd = [sys.executable, "-m", "previs", "render", str(level), "-o", str(out), "--size", "320x180", "--workers", "2"]
    proc = subprocess.Popen(cmd, env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    chunks = []
    while time.monotonic() < deadline and not chunks:
        chunks = [p for p in tmp_path.iterdir() if ".chunks-" in p.name and (p / "job.pickle").exists()]
        time.sleep(0.02)
    assert chunks, "the render never started its workers"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    while time.monotonic() < deadline and _workers_of(chunks[0]):
        time.sleep(0.1)  # orphaned workers stop at the end of their chunk
    assert not _workers_of(chunks[0])
    assert chunks[0].exists()  # left behind, as SIGKILL allows nothing else
    r = subprocess.run(cmd, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["duel.mp4"]
    frames, _ = decode(out)
    assert len(frames) == 288


@pytest.mark.skipif(not Path(f"/proc/{os.getpid()}/task").exists(), reason="needs Linux /proc")
def test_a_hung_worker_stops_the_render_instead_of_hanging_it(scene, tmp_path, monkeypatch):
    """A worker stopped dead (SIGSTOP: alive, silent) must not hang previs: after
    STALL_SECONDS without a word every worker is killed and the render fails cleanly.

    Margins for a busy machine (issue 20: this timed out with one core kept busy): a live
    worker beats every 0.25 s, 20 beats inside the 5 s stall bound, so only a stopped one
    falls silent; every worker running at frame 10 is stopped (one, if the other has not
    started yet or has already finished its chunks: the render then waits for the stopped
    one's chunk all the same); "does not hang" is bounded at 300 s, not at a render time."""
    import signal
    import time

    from previs.errors import PrevisError
    from previs.animatic import render as animatic

    monkeypatch.setattr(animatic, "STALL_SECONDS", 5.0)
    monkeypatch.setenv("PREVIS_HEARTBEAT_SECONDS", "0.25")
    lv, motion, plan = scene
    out = tmp_path / "a.mp4"
    before = set(_children())
    workers = []

    def progress(done, total):
        # From frame 10 on (progress may step past exactly 10 when two chunks report at once).
        if done >= 10 and not workers:
            found = [p for p in _children() if p not in before]
            workers[:] = found
            for pid in found:
                os.kill(pid, signal.SIGSTOP)

    t = time.monotonic()
    with pytest.raises(PrevisError, match="reported nothing for 5 s"):
        animatic.render_animatic(out, level=lv, motion=motion, plan=plan, size=SIZE, progress=progress,
                                 workers=2, chunk_seconds=0.5)
    assert time.monotonic() - t < 300
    assert 1 <= len(workers) <= 2
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    for pid in workers:
        assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]


class _NotInWorkers:
    """A motion the worker processes cannot unpickle (this test module is not importable
    there): stands in for any bug that breaks a worker."""

    def __init__(self, motion):
        self.motion, self.frames = motion, motion.frames

    def snapshot(self, f):
        return self.motion.snapshot(f)


def test_a_bug_in_a_worker_is_an_internal_error_not_a_user_error(scene, tmp_path):
    from previs.errors import PrevisError
    from previs.animatic.render import WorkerCrash, render_animatic

    lv, motion, plan = scene
    with pytest.raises(WorkerCrash, match="animatic worker: ModuleNotFoundError") as e:
        render_animatic(tmp_path / "a.mp4", level=lv, motion=_NotInWorkers(motion), plan=plan, size=SIZE,
                        progress=False, workers=2, chunk_seconds=0.5)
    assert not isinstance(e.value, PrevisError)  # the CLI's last resort says "internal error", exit 70
    assert list(tmp_path.iterdir()) == []


def test_an_output_path_with_a_newline_is_just_a_name(scene, tmp_path):
    """Paths never cross the worker pipe, so no file name can break its lines."""
    from previs.animatic.render import render_animatic

    lv, motion, plan = scene
    folder = tmp_path / "odd\nname"
    folder.mkdir()
    out = folder / "a.mp4"
    render_animatic(out, level=lv, motion=motion, plan=plan, size=SIZE, progress=False, workers=2,
                    chunk_seconds=0.5, frames=36)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["odd\nname"]
    assert sorted(p.name for p in folder.iterdir()) == ["a.mp4"]
    assert len(decode(out)[0]) == 36


def test_nothing_to_render_is_a_plain_error(scene, tmp_path):
    from previs.errors import PrevisError
    from previs.animatic.render import render_animatic

    lv, motion, plan = scene
    with pytest.raises(PrevisError, match="no frames"):
        render_animatic(tmp_path / "a.mp4", level=lv, motion=motion, plan=plan, size=SIZE, progress=False,
                        frames=0)
    assert list(tmp_path.iterdir()) == []


def test_a_busy_worker_sends_heartbeats_between_frames(scene, tmp_path):
    """A worker reports 'alive' while it uses CPU, even when no frame is done (a slow
    encoder flushing): run one by hand on a job and read its lines."""
    import pickle

    from previs.animatic.chunks import ChunkJob

    lv, motion, plan = scene
    job = tmp_path / "job.pickle"
    job.write_bytes(pickle.dumps(ChunkJob(level=lv, motion=motion, plan=plan, size=(640, 360), preset="slower")))
    env = dict(os.environ, SDL_VIDEODRIVER="offscreen", SDL_AUDIODRIVER="dummy", PREVIS_HEARTBEAT_SECONDS="0.2",
               LP_NUM_THREADS="1")
    r = subprocess.run([sys.executable, "-m", "previs.animatic.worker", str(job)], input="chunk 0 0 72\nstop\n",
                       capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines.count("alive") >= 2, lines
    said = [ln for ln in lines if ln != "alive"]
    assert said[0] == "ready" and said.count("f") == 72 and said[-2:-1] == ["done 0"]
    assert said[-1].startswith("timings ")
    assert (tmp_path / "chunk00000.mp4").exists()


def test_two_burnins_in_two_threads_draw_what_one_draws(scene):
    """Each BurnIn has its own scratch: two used at once (two encoder threads) give the
    same pixels as one used alone."""
    import threading

    from previs.animatic.burnin import BurnIn

    _, _, plan = scene
    base = np.random.default_rng(1).integers(0, 256, (72, 180, 320, 4), dtype=np.uint8)
    want = base.copy()
    one = BurnIn(plan, 320, 180)
    for f in range(72):
        one.apply(want[f], f)
    got = [base.copy(), base.copy()]

    def run(k):
        b = BurnIn(plan, 320, 180)
        for _ in range(3):
            frames = base.copy()
            for f in range(72):
                b.apply(frames[f], f)
        got[k] = frames

    threads = [threading.Thread(target=run, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert np.array_equal(got[0], want) and np.array_equal(got[1], want)


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs Linux /proc")
def test_a_terminated_render_cleans_up_like_an_interrupted_one(tmp_path):
    """SIGTERM (kill, a CI timeout) runs the same clean-up as Ctrl-C: workers stopped,
    the chunk folder removed, the previous file kept, exit status 143 and one line."""
    import signal
    import time

    level = ROOT / "levels" / "corridor.tmx"  # 45 s: five chunks
    out = tmp_path / "c.mp4"
    out.write_bytes(b"previous animatic")
    env = dict(os.environ, SDL_VIDEODRIVER="offscreen", SDL_AUDIODRIVER="dummy")
    proc = subprocess.Popen([sys.executable, "-m", "previs", "render", str(level), "-o", str(out), "--size", "320x180",
                             "--workers", "2"], env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    deadline = time.monotonic() + 60
    chunks = []
    while time.monotonic() < deadline and not any(p.name.startswith("chunk0") for c in chunks for p in c.iterdir()):
        chunks = [p for p in tmp_path.iterdir() if ".chunks-" in p.name]
        time.sleep(0.02)
    assert chunks, "the render never started"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert err.strip() == "previs render: terminated; nothing half-written was left."
    assert out.read_bytes() == b"previous animatic"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.mp4"]
    assert not _workers_of(chunks[0])


def test_same_fight_gives_the_same_mp4_bytes(scene, tmp_path):
    from previs.animatic.render import render_animatic

    lv, motion, plan = scene
    a, b = tmp_path / "a.mp4", tmp_path / "b.mp4"
    for out in (a, b):
        render_animatic(out, level=lv, motion=motion, plan=plan, size=SIZE, progress=False, frames=36)
    assert a.read_bytes() == b.read_bytes()


def test_burnins_show_the_timecode_ticking(rendered):
    _, _, frames, _ = rendered
    # Top-left timecode box: changes every frame while the rest of a still scene does not.
    box = lambda f: f[2:14, 2:90].astype(int)  # noqa: E731
    assert np.abs(box(frames[3]) - box(frames[4])).max() > 60


class _Exploding:
    """A renderer that fails at frame ``at``."""

    def __init__(self, level, size, at=10, exc=None):
        self.w, self.h = size
        self.at, self.n = at, 0
        self.exc = exc

    def draw(self, state, poses=None):
        self.n += 1
        if self.n > self.at:
            raise self.exc

    def read_pixels(self):
        return np.full((self.h, self.w, 3), 100, np.uint8)


@pytest.mark.parametrize("exc", ["error", "interrupt"])
def test_failed_or_interrupted_render_leaves_the_previous_file(scene, tmp_path, exc):
    from previs.errors import PrevisError
    from previs.animatic.render import render_animatic

    lv, motion, plan = scene
    out = tmp_path / "a.mp4"
    out.write_bytes(b"previous animatic")
    err = PrevisError("renderer broke") if exc == "error" else KeyboardInterrupt()
    with pytest.raises(type(err)):
        render_animatic(out, level=lv, motion=motion, plan=plan, size=SIZE, progress=False,
                        renderer_factory=lambda lv_, size: _Exploding(lv_, size, exc=err))
    assert out.read_bytes() == b"previous animatic"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.mp4"]  # no temporary left


def test_writer_reuses_a_bounded_pool_of_frames(tmp_path):
    from previs.animatic.encoder import H264Writer

    seen = set()
    with H264Writer(tmp_path / "p.mp4", 64, 48, 24, pool=2) as w:
        for i in range(30):
            slot = w.acquire()
            seen.add(id(slot))
            slot.rgb[:] = (i * 8) % 256
            w.submit(slot)
    assert len(seen) <= 2
    frames, facts = decode(tmp_path / "p.mp4")
    assert len(frames) == 30 and (facts["width"], facts["height"]) == (64, 48)
    # Frame order is kept: brightness climbs with i.
    assert frames[20].mean() > frames[5].mean()


def test_writer_refuses_odd_sizes(tmp_path):
    from previs.errors import PrevisError
    from previs.animatic.encoder import H264Writer

    with pytest.raises(PrevisError, match="even"):
        H264Writer(tmp_path / "x.mp4", 321, 180, 24)
    assert list(tmp_path.iterdir()) == []


_MEMORY_SCRIPT = textwrap.dedent("""
    import os, resource, sys
    sys.path.insert(0, {tests!r})
    os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
    from test_animatic import fight
    from previs.animatic.render import render_animatic
    lv, motion, plan = fight(duration=float(sys.argv[1]))
    render_animatic(sys.argv[2], level=lv, motion=motion, plan=plan, size=(640, 360), progress=False,
                    workers=int(sys.argv[3]), chunk_seconds=2.0)
    print(motion.frames, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
          resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
""")


def _peak_rss_kib(tmp_path, seconds, workers):
    """(frames, peak RSS of the process, peak RSS of its largest worker) in KiB."""
    script = _MEMORY_SCRIPT.format(tests=str(TESTS))
    out = tmp_path / f"m{seconds}.mp4"
    env = dict(os.environ, SDL_VIDEODRIVER="offscreen", SDL_AUDIODRIVER="dummy")
    r = subprocess.run([sys.executable, "-c", script, str(seconds), str(out), str(workers)], capture_output=True,
                       text=True, env=env, cwd=ROOT, timeout=300)
    assert r.returncode == 0, r.stderr
    frames, rss, child = (int(v) for v in r.stdout.split()[-3:])
    return frames, rss, child


@pytest.mark.parametrize("workers", [1, 2])
def test_memory_stays_flat_when_the_fight_doubles(tmp_path, workers):
    # 640x360 RGB is 0.69 MB a frame: holding the extra 120 frames would add ~80 MB. The
    # fights are 3 and 5 two-second chunks, drawn in this process or by two workers.
    n1, rss1, child1 = _peak_rss_kib(tmp_path, 5.0, workers)
    n2, rss2, child2 = _peak_rss_kib(tmp_path, 10.0, workers)
    assert (n1, n2) == (120, 240)
    grew_mb = (rss2 - rss1) / 1024
    assert grew_mb < 20, f"peak RSS grew {grew_mb:.1f} MB for 120 more frames"
    if workers > 1:
        assert child1 > 50 * 1024  # a worker really drew (a GL context and an encoder)
        grew_mb = (child2 - child1) / 1024
        assert grew_mb < 20, f"a worker's peak RSS grew {grew_mb:.1f} MB for 120 more frames"


def test_progress_is_quiet_when_piped_and_shows_eta_on_a_terminal():
    from previs.animatic.progress import Progress

    piped = io.StringIO()
    p = Progress(100, "animatic", stream=piped)
    for i in range(1, 101):
        p.update(i)
    p.close()
    assert piped.getvalue() == ""

    class Tty(io.StringIO):
        def isatty(self):
            return True

    tty = Tty()
    p = Progress(100, "animatic", stream=tty, realtime_fps=24)
    p.update(50, force=True)
    text = tty.getvalue()
    assert "50/100" in text and "ETA" in text and "real time" in text
    p.close()
    assert tty.getvalue().endswith("\n")


def test_parse_size():
    from previs.animatic.render import parse_size

    assert parse_size("1280x720") == (1280, 720)
    assert parse_size("640X360") == (640, 360)
    for bad in ("1280", "axb", "321x180", "8x8"):
        with pytest.raises(ValueError):
            parse_size(bad)


def test_cli_render_is_quiet_when_piped(tmp_path):
    level = TESTS / "data" / "expect" / "duel.tmx"
    out = tmp_path / "duel.mp4"
    env = dict(os.environ, SDL_VIDEODRIVER="offscreen", SDL_AUDIODRIVER="dummy")
    r = subprocess.run([sys.executable, "-m", "previs", "render", str(level), "-o", str(out), "--size", "160x90"],
                       capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""  # no progress bar when stderr is not a terminal
    assert r.stdout.startswith(f"wrote {out}")
    frames, facts = decode(out)
    assert len(frames) == 288 and (facts["width"], facts["height"]) == (160, 90)


def test_cli_render_usage_errors(tmp_path, capsys):
    from previs.cli import main

    level = TESTS / "data" / "expect" / "duel.tmx"
    with pytest.raises(SystemExit) as e:
        main(["render", str(level), "-o", str(tmp_path / "x.mp4"), "--size", "321x180"])
    assert e.value.code == 2
    assert "even" in capsys.readouterr().err
    assert main(["render", str(level), "-o", str(tmp_path / "nope" / "x.mp4")]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_a_start_past_the_last_frame_says_where_the_fight_ends(scene, tmp_path):
    from previs.animatic.render import render_animatic
    from previs.errors import PrevisError

    lv, motion, plan = scene
    out = tmp_path / "late.mp4"
    with pytest.raises(PrevisError) as e:
        render_animatic(out, level=lv, motion=motion, plan=plan, size=SIZE, progress=False, first=motion.frames)
    assert str(e.value) == (f"{out}: nothing to render from frame {motion.frames}: the fight's {motion.frames} "
                            "frames end before it; start earlier.")
    assert not out.exists()
