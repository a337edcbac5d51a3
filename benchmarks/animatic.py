"""Animatic throughput: frames drawn, burned in and encoded per second, as a multiple of
real time (frames per second / the level's fps). Target: >= 3x real time at 1280x720,
encoding included (72 fps for a 24 fps fight).

    SDL_VIDEODRIVER=offscreen .venv/bin/python benchmarks/animatic.py
    .venv/bin/python benchmarks/animatic.py --workers 1 --no-stages      # one process
    .venv/bin/python benchmarks/animatic.py --frames 1200 --preset veryfast --size 1920x1080

What it runs (``levels/finale.tmx``: 100 performers, 3 minutes, unless ``--level``), every
body posed frame by frame (:class:`~previs.pose.evaluate.BodyPoses`) as ``previs render``
draws them:

1. **stages alone**, on ``--sample`` frames in 8 stretches of consecutive frames spread
   over the fight, one frame at a time, each step timed by the CPU clock of this process
   (every thread: llvmpipe's rasteriser threads too), llvmpipe with one rasteriser thread
   as in the workers:

   - *draw*: *pose* (``BodyPoses.at``: every body's pose), *submit* (``Renderer.draw``:
     Python, GL calls, llvmpipe's vertex stage) and *rasterise* (a ``glFinish`` after it:
     the fragment work);
   - *read-back*: ``glReadPixels`` of the finished frame as RGBA into the encoder's frame
     (drawn top row first: no flip);
   - *burn-ins* on the read-back frame;
   - *encode*: *convert* (swscale RGBA -> YUV 4:2:0) and *x264+mux* (libx264 + the MP4
     muxer), timed by the encoder thread's own clock.

   Their sum is the CPU a frame costs; on C cores no schedule beats ``C * 1000 / sum``
   frames a second: the CPU-bound ceiling.
2. **the real thing**: :func:`previs.animatic.render.render_animatic` over the first
   ``--frames`` frames (default: the whole fight) into a temporary MP4, as ``previs
   render`` runs it (one worker process per CPU unless ``--workers``), wall clock from
   the call to the file in place. Its CPU per frame (this process and the workers, all
   threads), split by the workers' thread clocks into the same terms (*rasterise* is
   what the workers' drawing and encoder threads do not account for; *other* is the
   parent, worker start-up and the join), and its ceiling.

Wall figures move with other load on the machine and with the hypervisor's steal (both
printed); CPU figures much less: compare CPU ms per frame between runs.

Flags: ``--keep FILE.mp4`` keeps the animatic; ``--no-stages`` runs only the full render.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
os.environ.setdefault("LP_NUM_THREADS", "1")  # as render_animatic's workers draw


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the animatic workers)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _clock():
    return time.perf_counter(), _cpu()


def _proc_stat() -> list[int] | None:
    """The machine's CPU time counters (user nice system idle iowait irq softirq steal)."""
    try:
        with open("/proc/stat") as fh:
            return [int(v) for v in fh.readline().split()[1:9]]
    except OSError:
        return None


def _since(t):
    w, c = _clock()
    return w - t[0], c - t[1]


def _row(name, n, wall, cpu, fps_level, extra=""):
    ms_w, ms_c = 1000 * wall / n, 1000 * cpu / n
    fps = n / wall if wall > 0 else float("inf")
    print(f"  {name:<22} {ms_w:7.2f} ms/frame wall {fps:7.1f} fps {fps / fps_level:6.2f}x real time"
          f"   cpu {ms_c:6.2f} ms/frame ({cpu / wall if wall else 0:.2f} cores){extra}")


def _stretches(frames: int, n: int, runs: int = 8) -> list[int]:
    """``n`` frame indices: ``runs`` stretches of consecutive frames spread evenly over
    ``[0, frames)`` (burn-ins and the encoder see frames in order, as in a render)."""
    import numpy as np

    n = max(runs, min(n, frames))
    length = n // runs
    starts = np.linspace(0, frames - length, runs).astype(int)
    return [int(a) + i for a in starts for i in range(length)]


def _stages(level, motion, plan, size, fps, sample, preset, qp, crf) -> float:
    """Time each step of a frame alone (see the module doc); print the per-frame CPU
    breakdown and the ceiling it implies. Returns the CPU ms a frame."""
    import numpy as np

    from previs.animatic.burnin import BurnIn
    from previs.animatic.encoder import H264Writer
    from previs.animatic.render import animatic_renderer
    from previs.pose.evaluate import BodyPoses

    w, h = size
    frames = _stretches(motion.frames, sample)
    n = len(frames)
    pt = time.process_time
    cpu = dict(pose=0.0, submit=0.0, rasterise=0.0, readback=0.0, burnin=0.0)
    t0 = time.perf_counter()
    bodies = BodyPoses(motion)
    print(f"  BodyPoses(motion) for the whole fight: {1000 * (time.perf_counter() - t0):.0f} ms wall, once per worker")
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as d:
        r = animatic_renderer(level, (w, h))
        try:
            print(f"  GL: {r._ctx.renderer} ({r._ctx.version})")
            burn = BurnIn(plan, w, h)
            for f in frames[:3]:  # warm up: shader compiles, first uploads
                r.draw(motion.snapshot(f), poses=bodies.at(f))
                r.finish()
            enc = H264Writer(Path(d) / "enc.mp4", w, h, fps, preset=preset, qp=qp, crf=crf, threads=1)
            with enc:
                for i, f in enumerate(frames):
                    slot = enc.acquire()
                    p = pt()
                    poses = bodies.at(f)
                    a = pt()
                    r.draw(motion.snapshot(f), target=i % 2, poses=poses)
                    b = pt()
                    r.finish()
                    c = pt()
                    r.read_rgba_into(slot.rgba, i % 2)
                    e = pt()
                    burn.apply(slot.rgba, f)
                    g = pt()
                    enc.submit(slot)
                    enc.drain()  # the encoder thread alone: its CPU does not land in the terms above
                    cpu["pose"] += a - p
                    cpu["submit"] += b - a
                    cpu["rasterise"] += c - b
                    cpu["readback"] += e - c
                    cpu["burnin"] += g - e
        finally:
            r.close()
    wall = time.perf_counter() - t0
    cpu["convert"] = enc.cpu["convert"]
    cpu["encode"] = enc.cpu["encode"]
    ms = {k: 1000 * v / n for k, v in cpu.items()}
    total = sum(ms.values())
    print(f"stages alone ({n} frames in 8 stretches, one step at a time, {1000 * wall / n:.1f} ms/frame wall): "
          "CPU ms per frame")
    _breakdown(ms, fps)
    return total


def _breakdown(ms: dict, fps: float) -> None:
    """Print the CPU ms a frame per term (see the module doc), then the total and the
    CPU-bound ceiling on this machine's cores."""
    cores = os.cpu_count() or 1
    draw = ms["pose"] + ms["submit"] + ms["rasterise"]
    enc = ms["convert"] + ms["encode"]
    total = sum(ms.values())
    rows = [("draw", draw, f"pose {ms['pose']:.2f} + submit {ms['submit']:.2f} + rasterise {ms['rasterise']:.2f}"),
            ("read-back", ms["readback"], "glReadPixels RGBA into the encoder's frame"),
            ("burn-ins", ms["burnin"], ""),
            ("encode", enc, f"convert {ms['convert']:.2f} + x264+mux {ms['encode']:.2f}")]
    if "other" in ms:
        rows.append(("other", ms["other"], "parent, worker start-up, join"))
    for name, v, note in rows:
        print(f"  {name:<10} {v:6.2f} ms  {100 * v / total:4.0f} %   {note}")
    ceiling = cores * 1000 / total
    print(f"  {'total':<10} {total:6.2f} ms         -> CPU-bound ceiling on {cores} cores: {ceiling:.0f} fps "
          f"= {ceiling / fps:.2f}x real time")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--level", default=str(ROOT / "levels" / "finale.tmx"))
    ap.add_argument("--size", default="1280x720")
    ap.add_argument("--frames", type=int, default=None, help="frames of the full run (default: all)")
    ap.add_argument("--preset", default=None, help="x264 preset (default: previs render's)")
    ap.add_argument("--qp", type=int, default=None, help="x264 constant quantiser (default: previs render's)")
    ap.add_argument("--crf", type=int, default=None, help="x264 CRF instead of --qp")
    ap.add_argument("--workers", type=int, default=None, help="worker processes (default: one per CPU)")
    ap.add_argument("--sample", type=int, default=240, help="frames per stage measurement (default 240)")
    ap.add_argument("--no-stages", action="store_true", help="only the full run")
    ap.add_argument("--keep", metavar="FILE.mp4", help="keep the animatic here")
    args = ap.parse_args(argv)

    from previs import pipeline
    from previs.animatic.chunks import Timings
    from previs.animatic.encoder import DEFAULT_PRESET, DEFAULT_QP
    from previs.animatic.render import default_workers, parse_size, render_animatic

    preset = args.preset or DEFAULT_PRESET
    qp = DEFAULT_QP if args.qp is None else args.qp
    crf = args.crf
    rc = f"crf {crf}" if crf is not None else f"qp {qp}"
    workers = default_workers() if args.workers is None else args.workers
    w, h = parse_size(args.size)
    t = _clock()
    if os.path.exists(args.level):
        level = pipeline.load(args.level)
        name = args.level
    else:  # the render benchmark's finale-sized stand-in: 64 x 64 m, 100 performers, 3 min
        import importlib.util

        spec = importlib.util.spec_from_file_location("render_bench", ROOT / "benchmarks" / "render.py")
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        level = mod.stand_in_level()
        name = f"generated stand-in ({args.level} not found)"
    motion = pipeline.replay(level)
    plan = pipeline.plan(motion)
    load_s = _since(t)[0]
    fps = float(level.settings.fps)
    F = motion.frames
    print(f"{name}: '{level.settings.title}', {len(level.performers)} performers, {F} frames at "
          f"{fps:g} fps ({F / fps:.0f} s), {len(plan.cuts)} cuts; load+simulate+plan {load_s:.2f} s")
    cpu_model = "?"
    try:
        with open("/proc/cpuinfo") as fh:
            cpu_model = next((ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")), "?")
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"  {w}x{h}, x264 preset {preset}, {rc}, {workers} worker(s); {os.cpu_count()} CPU(s) "
          f"({cpu_model}), load average {load:.2f}; target 3x real time = {3 * fps:g} fps")

    if not args.no_stages:
        _stages(level, motion, plan, (w, h), fps, args.sample, preset, qp, crf)

    n_full = F if args.frames is None else max(1, min(args.frames, F))
    with tempfile.TemporaryDirectory() as d:
        dest = Path(args.keep) if args.keep else Path(d) / "animatic.mp4"
        t = _clock()
        before = _proc_stat()
        st = render_animatic(dest, level=level, motion=motion, plan=plan, size=(w, h), preset=preset, qp=qp,
                             crf=crf, frames=n_full, progress=None, workers=workers)
        wall, cpu = _since(t)
        after = _proc_stat()
        print(f"full animatic ({n_full} frames, {st.workers} worker(s), {st.size_bytes / 1e6:.1f} MB, "
              f"{8 * st.size_bytes / 1e3 / (n_full / fps):.0f} kbit/s):")
        _row("render_animatic", n_full, wall, cpu, fps)
        if before and after:
            d_ = [b - a for a, b in zip(before, after)]
            tot = sum(d_) or 1
            print(f"  machine during the run: {100 * (d_[3] + d_[4]) / tot:.1f}% idle, "
                  f"{100 * d_[7] / tot:.1f}% stolen by the hypervisor")
        timings = Timings()
        timings.add(st.timings)
        ms = {k: 1000 * v / n_full for k, v in timings.cpu_terms().items()}
        total = 1000 * cpu / n_full
        ms["other"] = max(0.0, total - sum(ms.values()))
        print("  CPU ms per frame, from the workers' thread clocks:")
        _breakdown(ms, fps)
        ceiling = (os.cpu_count() or 1) * 1000 / total
        load_end = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"RESULT: {st.frames_per_second:.1f} fps = {st.realtime:.2f}x real time (target 3.00x, or within "
              f"10 % of the ceiling); {total:.1f} ms CPU a frame, CPU-bound ceiling on {os.cpu_count()} cores "
              f"{ceiling / fps:.2f}x, reached {100 * st.realtime / (ceiling / fps):.0f} %; load average "
              f"{load:.2f} before, {load_end:.2f} after")
    return 0


if __name__ == "__main__":
    sys.exit(main())
