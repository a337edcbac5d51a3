"""Issue 20: the window's memory stays flat however long it runs.

Watching the corridor fight headless peaked at 165 MB for 200 frames and 551 MB for 2400:
paused (at the end of the fight, or by the user) a frame is submitted in ~2 ms and Mesa's
llvmpipe queued every one of them (``previs/gl/frames_in_flight.py``). Here a subprocess
loops a short fight (arena.tmx) many times, pausing at the end of each pass and seeking
back to frame 0, and reports its peak resident memory (``VmHWM``) after the first loop
and at the end: the peak must stay within a few MB of the first loop's."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARENA = Path(__file__).parent / "data" / "render" / "arena.tmx"

SCRIPT = r"""
import json, os, sys
from previs.window.app import App
from previs.window.clock import FakeClock

def rss_mb():
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

def peak_mb():
    # VmHWM: this process image's peak resident memory. (Not ru_maxrss: Linux carries it
    # over exec from the forked test worker, ~480 MB in a full suite run.)
    with open("/proc/self/status") as fh:
        return next(int(l.split()[1]) for l in fh if l.startswith("VmHWM:")) / 1024

app = App(sys.argv[1], size=(640, 360), mode="watch", echo=lambda m: None)
out = {}
with app:
    clock = FakeClock(1.0 / app.fps)
    loops = int(sys.argv[2])
    for k in range(loops):
        app.seek(0)
        app.playing = True
        app.run(max_frames=app.last_frame + 1, clock=clock)   # one pass of the fight
        played = rss_mb()
        app.playing = False
        app.run(max_frames=150, clock=clock)                   # paused on its last frame
        out.setdefault("loops", []).append((round(played, 1), round(rss_mb(), 1)))
        if k == 0:
            out["first"] = peak_mb()
    out["peak"] = peak_mb()
    out["frames"] = app.last_frame + 1
print(json.dumps(out))
"""


@pytest.mark.slow
def test_looping_a_fight_many_times_keeps_memory_flat():
    env = {**os.environ, "SDL_VIDEODRIVER": "offscreen", "SDL_AUDIODRIVER": "dummy",
           "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    r = subprocess.run([sys.executable, "-c", SCRIPT, str(ARENA), "5"], capture_output=True, text=True,
                       env=env, cwd=ROOT, timeout=600)
    assert r.returncode == 0, r.stderr
    m = json.loads(r.stdout.strip().splitlines()[-1])
    # 5 loops of (fight + 150 paused frames): before the fix each paused frame queued
    # ~30 KB at 640x360 (26 MB over 8 loops)
    assert m["peak"] - m["first"] < 8.0, m
