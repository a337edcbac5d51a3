"""Frame time of the first-person renderer at 1280x720, against an empty frame.

    SDL_VIDEODRIVER=offscreen .venv/bin/python benchmarks/render.py [--level levels/finale.tmx]

Measures, on one OpenGL context (offscreen: SDL's offscreen driver on Mesa llvmpipe when
there is no screen), two targets:

- **window** (``previs walk``: drawn straight into the window's back buffer, then swap)
  - *empty*: clear + swap + ``glFinish``: the floor under any frame on this machine;
  - *scene*: ``Renderer.draw`` of the fight's frames (walls, floor, every performer in
    view, overlays off; bodies unanimated, in the rest pose) + swap, back to back as the
    window runs them;
  - *scene, animated*: the same with every body animated as the window does it,
    ``BodyPoses.at(frame)``, ``draw(..., poses=...)``, then ``BodyPoses.work_ahead(frame)``
    (one stage of the next block of poses) each frame;
  - *animated, blocks*: the same without ``work_ahead``: every 8th frame evaluates a whole
    block (its worst frame is the window's hitch);
  - *scene, posed*: the animated frames with the poses evaluated beforehand (the draw's
    share of the animated frame);
  - *scene+HUD*: the same with the window's full HUD (timecode, captions, warnings,
    minimap, timeline bar; re-set every frame here, where the window re-sets it only
    when the fight's frame changes);
  - *scene, serial*: the scene with ``glFinish`` after every frame.
- **offscreen** (``previs still``, animatic, report: an FBO, read back by the caller)
  - *empty*: clear; *scene*: draw + ``glFinish``; *scene+read*: draw + ``read_pixels``
    (what the animatic does per frame);
  - *actioncam 121.3* and *actioncam 150*: the scene through the wide action-cam lens
    (prism faces drawn and warped, :mod:`previs.gl.lens_warp`) at its preset's field and
    at the widest; printed as a ratio to *scene* (issue 14's target: at most 2 x);
    *actioncam 121.3+read* as the animatic and stills pay it (ratio to *scene+read*);
    *warp pass alone*: the 121.3 frame's warp by itself (one map read and one bilinear atlas
    read a pixel, :mod:`previs.gl.lens_warp`), printed as a ratio to *scene*: the rest of
    the wide frame is its prism faces.
- **window** *actioncam 121.3*: the preset through the window (ratio to *scene*).
- **window** *battle 1000 dense* and *spread, animated* (issue 20; ``--battle N``, 0 skips
  them): a melee (everyone within 12 m of Henry) and a battle line of N performers generated
  by ``tools/make_battle.py``'s ``battle()`` (60 s), animated
  exactly as the window plays it (``WindowPoses.watched``: a crowd of ``CULL_FROM`` or more
  is posed per view, only the bodies whose bound is in view, :mod:`previs.gl.body_cull`);
  its fps, ratio to the empty frame, CPU per frame and bodies posed are printed (target:
  >= 60 fps on a quiet machine).

The window rows are throughput: llvmpipe rasterises one frame on its worker threads while
Python prepares the next (its queue holds a couple of frames, so the main thread blocks as
soon as rasterising falls behind; a ``glFinish`` after the last frame counts everything).
*serial* and the offscreen rows finish every frame before the next starts: latency.
Frames are runs of 24 consecutive frames spread over the whole fight (different views,
bodies up and down; played forward within a run, as the window plays).

Besides wall time, the CPU time of all threads (llvmpipe rasterises on one thread per
core) and of the main thread (Python, PyOpenGL, vertex shading) are printed: they hardly
change with the machine's load; wall time does. *median frame* and *worst frame* are the
median and the longest wall time from one frame's start to the next's within a pass, the
first 8 frames of each run (a seek, and the block after it that
``work_ahead`` had no time for) left out of the worst; *worst main* is the most main-thread
CPU one frame took (Python and GL submission: a pose block shows here, where the window
rows' wall times also carry llvmpipe's queue filling and draining, tens of ms either way
on a loaded machine). Each figure is the median of --repeat passes (the cases interleaved),
with the load average printed before and after. Target: the window scene with every body
animated at >= 100 fps (issue 13).

Without ``levels/finale.tmx`` (the bundled 100-performer finale) a stand-in of the same
scale is generated in memory: 64 x 64 m, walls and pillars, 100 performers on paths.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def stand_in_level():
    """A finale-sized level built from the model (no Tiled file)."""
    import numpy as np

    from previs.level.model import Actor, Beat, Level, Path as LPath, Settings, Walls

    rnd = random.Random(7)
    n = 64
    solid = np.zeros((n, n), bool)
    solid[0, :] = solid[-1, :] = solid[:, 0] = solid[:, -1] = True
    for r in range(8, n - 8, 10):  # pillars and short wall runs
        for c in range(8, n - 8, 10):
            solid[r, c: c + 3] = True
            solid[r: r + 2, c] = True
    height = np.where(solid, 3.0, 0.0)
    color = np.zeros((n, n, 3), np.uint8)
    color[solid] = (130, 128, 120)
    walls = Walls(solid, height, color, 1.0)
    henry_path = LPath(1, "henry", ((5.5, 32.5), (58.5, 32.5), (58.5, 5.5)))
    henry = Actor(2, "Henry", "henry", (5.5, 32.5), path=henry_path, speed=1.4, heading=-90)
    perfs, beats, paths = [], [], [henry_path]
    for i in range(100):
        pid = 100 + i
        x, z = rnd.uniform(3, n - 3), rnd.uniform(3, n - 3)
        p = LPath(1000 + i, f"p{i}", ((x, z), (x + rnd.uniform(-4, 4), z + rnd.uniform(-4, 4))), closed=True)
        paths.append(p)
        col = (rnd.randint(120, 240), rnd.randint(20, 120), rnd.randint(20, 120))
        perfs.append(Actor(pid, f"Goon {i + 1}", "performer", (x, z), path=p, speed=1.2, color=col))
        t = 2.0 + i * 1.7
        beats.append(Beat(5000 + i, t, 2, "look", pid, 0.25))
        if i % 3 == 0:
            beats.append(Beat(6000 + i, t + 0.5, pid, "fall", None, 0.5))
    beats.sort(key=lambda b: (b.t, b.id))
    st = Settings(title="finale stand-in", fps=24, duration=180.0)
    return Level("finale-stand-in.tmx", "0" * 64, st, walls, henry, tuple(perfs), tuple(beats),
                 paths=tuple(paths), width=64.0, depth=64.0)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--level", default=str(ROOT / "levels" / "finale.tmx"))
    ap.add_argument("--size", default="1280x720")
    ap.add_argument("--frames", type=int, default=240, help="frames timed per case (default 240)")
    ap.add_argument("--repeat", type=int, default=5, help="report the median of this many passes (default 5)")
    ap.add_argument("--battle", type=int, default=1000,
                    help="performers of the generated dense and spread battles timed as the window plays them "
                         "(default 1000; 0: skip)")
    args = ap.parse_args(argv)
    w, h = (int(v) for v in args.size.split("x"))

    from previs.gl.glapi import use_offscreen_driver_if_headless

    use_offscreen_driver_if_headless()
    import numpy as np
    import pygame

    from previs.gl.context import create_window
    from previs.gl.glapi import GL
    from previs.window.hud import Timeline, hud_state
    from previs.gl.renderer import SKY, Renderer
    from previs.sim.script import simulate

    if os.path.exists(args.level):
        from previs.level.loader import load_level

        level = load_level(args.level)
        name = os.path.relpath(args.level, ROOT)
    else:
        level = stand_in_level()
        name = f"generated stand-in ({args.level} not found)"
    motion = simulate(level)
    ctx = create_window((w, h), title="previs render benchmark", vsync=False)
    win = Renderer(level, (w, h), offscreen=False)
    off = Renderer(level, (w, h), offscreen=True)
    # Runs of consecutive frames (1 s at 24 fps) spread over the fight: different views,
    # bodies up and down, and each run played forward as the window plays it (BodyPoses
    # evaluates a block of frames at a time and keeps the last few).
    run = min(24, args.frames)
    starts = [int(i * (motion.frames - run) / max(1, args.frames // run - 1)) for i in range(args.frames // run)]
    frames = [min(s + k, motion.frames - 1) for s in starts for k in range(run)]
    states = [motion.snapshot(f) for f in frames]
    plan = None
    try:
        from previs import pipeline

        plan = pipeline.plan(motion)
        timeline = Timeline.from_plan(plan)
    except Exception:  # noqa: BLE001 - the HUD case still runs without cuts
        timeline = Timeline.from_cuts((), motion.frames, level.settings.fps)
    huds = [hud_state(level, s, timeline, plan, mode="watch", speed=1.0, playing=True, minimap=True)
            for s in states]

    def clear(fbo):
        GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, fbo)
        GL.glViewport(0, 0, w, h)
        GL.glClearColor(*SKY, 1.0)
        GL.glClear(GL.GL_COLOR_BUFFER_BIT | GL.GL_DEPTH_BUFFER_BIT)

    cases = {}  # label -> (draw frame i, swap, finish every frame)

    def case(label, fn, swap, serial=True):
        cases[label] = (fn, swap, serial)

    def one_pass(fn, swap, serial, count):
        t0, c0, m0 = time.perf_counter(), time.process_time(), time.thread_time()
        each = np.empty((count, 2))  # wall, main-thread CPU seconds from one frame's start to the next's
        last = (t0, m0)
        for i in range(count):
            fn(i)
            if swap:
                pygame.display.flip()
            if serial:
                GL.glFinish()
            now = (time.perf_counter(), time.thread_time())
            each[i], last = (now[0] - last[0], now[1] - last[1]), now
        GL.glFinish()
        # A run's first frame is a seek, and the next BLOCK (8) frames may still meet a block
        # that work_ahead had no time for: the worst frames are those of steady play after.
        playing = np.arange(count) % run >= 8
        return ((time.perf_counter() - t0) / count, (time.process_time() - c0) / count,
                (time.thread_time() - m0) / count, float(np.median(each[:, 0])),
                float(each[playing, 0].max()), float(each[playing, 1].max()))

    def run_cases():
        """Every case once (warm-up: shader JIT, first uploads), then --repeat rounds of one
        pass of every case in turn, so a burst of load elsewhere hits all cases alike; the
        median pass of each."""
        for fn, swap, serial in cases.values():
            one_pass(fn, swap, serial, min(30, len(states)))
        passes = {label: [] for label in cases}
        for _ in range(args.repeat):
            for label, (fn, swap, serial) in cases.items():
                passes[label].append(one_pass(fn, swap, serial, len(states)))
        return {label: tuple(float(v) for v in np.median(np.array(p), axis=0)) for label, p in passes.items()}

    print(f"level:    {name}: {len(level.performers)} performers, "
          f"{level.walls.cols}x{level.walls.rows} cells, {int(level.walls.solid.sum())} wall blocks")
    print(f"context:  {ctx.version} on {ctx.renderer}, {w}x{h}, {len(states)} frames per case, "
          f"median of {args.repeat} interleaved passes")
    print(f"machine:  {os.cpu_count()} CPUs, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    # Serial: back to back, llvmpipe skips clears that nothing else needs (0.01 ms).
    case("window empty", lambda i: clear(0), True)
    case("window scene", lambda i: win.draw(states[i]), True, serial=False)
    from previs.pose.evaluate import BodyPoses

    bodies = BodyPoses(motion)

    def animated(i):  # as the window plays: the poses, the draw, one stage of the next block
        win.draw(states[i], poses=bodies.at(frames[i]))
        bodies.work_ahead(frames[i])

    case("window scene, animated", animated, True, serial=False)
    # The same without working ahead: each 8th frame pays a whole block (the hitch).
    blocks = BodyPoses(motion)
    case("window animated, blocks", lambda i: win.draw(states[i], poses=blocks.at(frames[i])), True,
         serial=False)
    # The draw alone (poses evaluated beforehand): the renderer's share of the animated frame.
    posed = [bodies.at(f) for f in frames]
    case("window scene, posed", lambda i: win.draw(states[i], poses=posed[i]), True, serial=False)
    from previs.window.hudlayer import HudLayers

    hud_layers = HudLayers()
    case("window scene+HUD", lambda i: win.draw(states[i], layers=(hud_layers.over(huds[i], level, (w, h)),)), True,
         serial=False)
    case("window scene, serial", lambda i: win.draw(states[i]), True)
    case("offscreen empty", lambda i: clear(off._fbo), False)
    case("offscreen scene", lambda i: off.draw(states[i]), False)
    case("offscreen scene+read", lambda i: (off.draw(states[i]), off.read_pixels()), False)
    # Wide lenses (issue 14): the same frames through the action-cam lens at its preset's
    # 121.3° and at the widest 150°, drawn as prism faces and warped (previs.gl.lens_warp).
    from previs.lens import ACTIONCAM_HFOV, MAX_WIDE_HFOV, lens_named

    wide = Renderer(level, (w, h), offscreen=True)
    wide.lens = lens_named("actioncam")
    for hfov in (ACTIONCAM_HFOV, MAX_WIDE_HFOV):
        wide_states = [dataclasses.replace(s, hfov=hfov) for s in states]
        case(f"offscreen actioncam {hfov:g}", lambda i, ws=wide_states: wide.draw(ws[i]), False)
    # The same preset as the animatic pays it (read back) and as the window shows it (swap).
    preset = [dataclasses.replace(s, hfov=ACTIONCAM_HFOV) for s in states]
    case(f"offscreen actioncam {ACTIONCAM_HFOV:g}+read", lambda i: (wide.draw(preset[i]), wide.read_pixels()), False)
    # The warp pass by itself (one map read and one bilinear atlas read a frame pixel), over
    # the atlas the wide renderer drew last: what the frame pays on top of drawing its faces.
    wide.draw(preset[0])
    case("offscreen warp pass alone", lambda i: wide._warp.warp(wide.lens, ACTIONCAM_HFOV, (w, h), wide._fbo,
                                                               wide._top_first), False)
    wide_win = Renderer(level, (w, h), offscreen=False)
    wide_win.lens = lens_named("actioncam")
    case(f"window actioncam {ACTIONCAM_HFOV:g}", lambda i: wide_win.draw(preset[i]), True, serial=False)
    battle_rows = []  # (label, description, bodies posed each frame, renderer)
    if args.battle:
        # Issue 20: the generated melee (tools/make_battle.py's battle()), animated exactly as
        # the window plays it: WindowPoses.watched (a crowd of CULL_FROM or more is posed per
        # view, only the bodies whose bound is in view) and work_ahead after each frame.
        import tempfile

        sys.path.insert(0, str(ROOT / "tools"))
        from make_battle import battle
        from previs.level.loader import load_level as _load
        from previs.window.poses import WindowPoses

        for layout in ("dense", "spread"):
            with tempfile.TemporaryDirectory() as tmp:
                blevel = _load(battle(Path(tmp) / "battle.tmx", performers=args.battle, layout=layout, seconds=60.0))
            bmotion = simulate(blevel)
            bwin = Renderer(blevel, (w, h), offscreen=False)
            bstarts = [int(i * (bmotion.frames - run) / max(1, args.frames // run - 1)) for i in range(args.frames // run)]
            bframes = [min(s + k, bmotion.frames - 1) for s in bstarts for k in range(run)]
            bstates = [bmotion.snapshot(f) for f in bframes]
            counts: list[int] = []

            def battle_animated(i, win=bwin, motion=bmotion, fr=bframes, st=bstates, wp=WindowPoses(), counts=counts):
                p = wp.watched(motion, fr[i])
                win.draw(st[i], poses=p)
                wp.work_ahead(motion, fr[i])
                if hasattr(p, "last"):
                    counts.append(p.last.posed)

            label = f"window battle {args.battle} {layout}, animated"
            case(label, battle_animated, True, serial=False)
            battle_rows.append((label, f"{args.battle} performers, {layout}, {blevel.walls.cols}x{blevel.walls.rows} m",
                                counts, bwin))
    results = run_cases()
    lw = max(30, *(len(label) for label in results))
    print(f"{'':{lw}s} {'wall':>8s}  {'fps':>7s}  {'ratio':>9s}   {'CPU, all threads':>16s}  {'main thread':>11s}"
          f"  {'median frame':>12s}  {'worst frame':>11s}  {'worst main':>10s}")
    for label, (t, cpu, main_, med, worst, worst_main) in results.items():
        base = results["window empty" if label.startswith("window") else "offscreen empty"][0]
        print(f"{label:{lw}s} {t * 1000:5.2f} ms  {1 / t:7.1f}  {t / base:5.2f} x empty   "
              f"{cpu * 1000:13.2f} ms  {main_ * 1000:8.2f} ms  {med * 1000:9.2f} ms  {worst * 1000:8.2f} ms"
              f"  {worst_main * 1000:7.2f} ms")
    still, anim = results["window scene"][0], results["window scene, animated"][0]
    print(f"animated: {anim / still:.2f} x the unanimated scene (wall), "
          f"{results['window scene, animated'][2] / results['window scene'][2]:.2f} x (main thread)")
    worst_wide = 0.0
    for label in results:
        if "actioncam" in label:
            base = ("offscreen scene+read" if label.endswith("+read") else
                    "window scene" if label.startswith("window") else "offscreen scene")
            ratio = results[label][0] / results[base][0]
            cpu_ratio = results[label][1] / results[base][1]
            target = ""
            if label.startswith("offscreen") and not label.endswith("+read"):
                worst_wide = max(worst_wide, ratio)
                target = "; target <= 2 x"
            print(f"wide:     {label}: {ratio:.2f} x the rectilinear {base} (wall), "
                  f"{cpu_ratio:.2f} x (CPU, all threads){target}")
    warp, scene = results["offscreen warp pass alone"], results["offscreen scene"]
    print(f"wide:     the warp pass alone (actioncam {ACTIONCAM_HFOV:g}): {warp[0] / scene[0]:.2f} x the rectilinear "
          f"offscreen scene (wall), {warp[1] / scene[1]:.2f} x (CPU, all threads); the faces are the rest of "
          f"the wide frame")
    for label, info, counts, _ in battle_rows:
        bt = results[label]
        posed = f", {np.median(counts):.0f} of {args.battle + 1} bodies posed a frame (median)" if counts else ""
        print(f"battle:   {info}: {1 / bt[0]:.1f} fps, {bt[0] / results['window empty'][0]:.1f} x empty "
              f"(wall), median frame {bt[3] * 1000:.1f} ms, {bt[1] * 1000:.1f} ms CPU all threads, "
              f"{bt[2] * 1000:.1f} ms main thread a frame{posed}; target >= 60 fps on a quiet machine: "
              f"{'met' if 1 / bt[0] >= 60 else 'NOT met'}")
    print(f"machine:  load average at the end {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    fps = 1 / anim
    ok = fps >= 100
    print(f"target:   window scene, every body animated >= 100 fps: {'met' if ok else 'NOT met'} ({fps:.0f} fps)")
    print(f"target:   wide-lens draw <= 2 x the rectilinear draw: {'met' if worst_wide <= 2 else 'NOT met'} "
          f"(worst {worst_wide:.2f} x)")
    win.close()
    off.close()
    wide.close()
    wide_win.close()
    for *_, bwin in battle_rows:
        bwin.close()
    ctx.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
