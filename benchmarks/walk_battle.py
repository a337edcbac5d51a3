"""Walk mode in a crowd: the 1000-performer melee walked, bodies posed whole or per view.

    SDL_VIDEODRIVER=offscreen .venv/bin/python benchmarks/walk_battle.py [--frames 96] [--size 1280x720]

Generates the dense melee of ``tools/make_battle.py`` (1000 performers within 10 m of
Henry, 60 s), then draws ``--frames`` consecutive frames as walk mode does
(:meth:`previs.window.poses.WindowPoses.walked` with Henry 0.5 m off his path, the renderer's
draw into the window's back buffer, flip), twice: every body posed and moved (a block of
1001 bodies every 8th frame: ``CULL_FROM`` set out of reach) and posed per view
(:class:`~previs.window.poses.MovedCulledPoses`). Prints frames a second, the worst
frame's wall time and CPU time a frame (all threads), and the load average. One warm-up
frame first (building the crowd's poses takes seconds, once).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--frames", type=int, default=96)
    ap.add_argument("--size", default="1280x720")
    a = ap.parse_args()
    w, h = (int(v) for v in a.size.split("x"))
    from previs.gl.glapi import use_offscreen_driver_if_headless

    use_offscreen_driver_if_headless()
    import numpy as np
    import pygame
    from OpenGL import GL

    from make_battle import battle
    from previs import pipeline
    from previs.gl.renderer import Renderer
    from previs.window import poses as wp

    with tempfile.TemporaryDirectory() as tmp:
        level = pipeline.load(battle(Path(tmp) / "melee.tmx", performers=1000, layout="dense", seconds=60.0))
    motion = pipeline.replay(level)
    pygame.init()
    pygame.display.set_mode((w, h), pygame.OPENGL | pygame.DOUBLEBUF)
    r = Renderer(level, (w, h))
    first = motion.frames // 2
    print(f"1000 performers within 10 m, {w}x{h}, {a.frames} frames from frame {first}:")
    for name, cull_from in (("every body posed and moved", 10 ** 9), ("posed per view", wp.CULL_FROM)):
        wp.CULL_FROM = cull_from
        poses = wp.WindowPoses()

        def live_at(f):
            s = motion.snapshot(f)
            return dataclasses.replace(s, henry_xz=np.asarray(s.henry_xz) + (0.5, 0.0))

        warm = live_at(first - 1)
        r.draw(warm, poses=poses.walked(motion, warm))
        pygame.display.flip()
        GL.glFinish()
        t0, c0, worst = time.perf_counter(), time.process_time(), 0.0
        for f in range(first, first + a.frames):
            s = time.perf_counter()
            live = live_at(f)
            r.draw(live, poses=poses.walked(motion, live))
            pygame.display.flip()
            worst = max(worst, time.perf_counter() - s)
        GL.glFinish()
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        print(f"  {name:28s} {a.frames / wall:6.1f} fps, worst frame {worst * 1000:5.0f} ms, "
              f"{cpu / a.frames * 1000:6.1f} ms CPU a frame (all threads)")
    r.close()
    print("load average: " + " ".join(f"{v:.2f}" for v in os.getloadavg()))


if __name__ == "__main__":
    main()
