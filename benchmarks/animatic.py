"""Animatic throughput: frames drawn, burned in and encoded per second, as a multiple of
real time (frames per second / the level's fps). Target: >= 3x real time at 1280x720,
encoding included (72 fps for a 24 fps fight).

    SDL_VIDEODRIVER=offscreen .venv/bin/python benchmarks/animatic.py
    .venv/bin/python benchmarks/animatic.py --workers 1 --no-stages      # one process
    .venv/bin/python benchmarks/animatic.py --frames 1200 --preset veryfast --size 1920x1080

What it runs (``levels/finale.tmx``: 100 performers, 3 minutes, unless ``--level``):

1. **stages alone**, on frames spread over the whole fight, to show where the time goes:
   *render* (``Renderer.draw`` + RGBA readback, no encoder running), *burn-ins*, and
   *encode* (swscale RGBA -> YUV 4:2:0 + libx264 + MP4 mux of real rendered frames);
2. **the real thing**: :func:`previs.animatic.render.render_animatic` over the first
   ``--frames`` frames (default: the whole fight) into a temporary MP4, as ``previs
   render`` runs it (one worker process per CPU unless ``--workers``), wall clock from
   the call to the file in place.

For each it prints wall ms/frame, fps, and CPU ms/frame (all threads of this process and
of the worker processes: llvmpipe's rasteriser threads, the encoders'): on a machine with
C cores the pipeline can never beat ``C * 1000 / (CPU ms per frame)`` fps, the honest
ceiling to compare the target against. For the full run it also prints how much of the
machine's CPU time was idle and how much the hypervisor took ("steal"): wall figures
move with other load on the machine and with steal; CPU figures much less.
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

    import numpy as np

    from previs import pipeline
    from previs.animatic.render import OffscreenRenderer, default_workers, parse_size, render_animatic
    from previs.animatic.encoder import DEFAULT_PRESET, DEFAULT_QP, H264Writer
    from previs.animatic.burnin import BurnIn

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
        n = max(10, min(args.sample, F))
        sample = np.linspace(0, F - 1, n).astype(int)
        r = OffscreenRenderer(level, (w, h))
        try:
            print(f"  GL: {r._ctx.renderer} ({r._ctx.version})")
            out = np.empty((h, w, 4), np.uint8)
            for f in sample[:5]:  # warm up: shader compiles, first uploads
                r.draw(motion.snapshot(int(f)))
                r.read_rgba_into(out)
            keep = []
            t = _clock()
            for i, f in enumerate(sample):
                r.draw(motion.snapshot(int(f)))
                r.read_rgba_into(out)
                if i % max(1, n // 48) == 0:
                    keep.append(out.copy())
            wall, cpu = _since(t)
        finally:
            r.close()
        print("stages alone:")
        _row("render + readback", n, wall, cpu, fps)
        burn = BurnIn(plan, w, h)
        t = _clock()
        for i, f in enumerate(sample):
            burn.apply(keep[i % len(keep)], int(f))
        wall, cpu = _since(t)
        _row("burn-ins", n, wall, cpu, fps)
        with tempfile.TemporaryDirectory() as d:
            t = _clock()
            with H264Writer(Path(d) / "enc.mp4", w, h, fps, preset=preset, qp=qp, crf=crf, threads=1) as enc:
                for i in range(n):
                    slot = enc.acquire()
                    np.copyto(slot.rgba, keep[(i // 5) % len(keep)])  # 5 frames a view: some motion
                    enc.submit(slot)
            wall, cpu = _since(t)
        _row("encode (yuv+x264+mux)", n, wall, cpu, fps)

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
        per = {k: 1000 * v / n_full for k, v in st.timings.items()}
        print("  drawing threads per frame (summed over workers): " + ", ".join(
            f"{k} {v:.2f} ms" for k, v in per.items() if k != "flush")
            + f"; encoder flushes {st.timings['flush']:.2f} s")
        ceiling = (os.cpu_count() or 1) * 1000 / (1000 * cpu / n_full)
        print(f"RESULT: {st.frames_per_second:.1f} fps = {st.realtime:.2f}x real time "
              f"(target 3.00x); CPU-bound ceiling on {os.cpu_count()} cores: {ceiling:.0f} fps = "
              f"{ceiling / fps:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
