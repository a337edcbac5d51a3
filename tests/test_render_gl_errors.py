"""Every GL call the renderer makes is valid: one frame of everything (walls, floor, both
levels of detail, Henry's body, overlays, the full HUD, read-back, a level swap) drawn in
a fresh process with PyOpenGL's error checking on (PREVIS_GL_DEBUG=1), where any GL
error raises."""

import os
import subprocess
import sys
from pathlib import Path

ARENA = Path(__file__).parent / "data" / "render" / "arena.tmx"

SCRIPT = r"""
import sys
from previs.level.loader import load_level
from previs.gl.view_camera import Camera
from previs.gl.context import create_offscreen_context
from previs.window.hud import Timeline, hud_state
from previs.window.hudlayer import HudLayers
from previs.gl.renderer import Overlays, Renderer
from previs.window.controls import BINDINGS
from previs.sim.script import simulate
import OpenGL
assert OpenGL.ERROR_CHECKING, "PREVIS_GL_DEBUG=1 must turn checking on"
lv = load_level(sys.argv[1])
m = simulate(lv)
with create_offscreen_context():
    for offscreen in (True, False):
        r = Renderer(lv, (320, 180), offscreen=offscreen)
        huds = HudLayers()
        tl = Timeline.from_cuts([27, 63], m.frames, lv.settings.fps, 2.0)
        for f in (0, 27, 100, 191):
            fs = m.snapshot(f)
            hud = hud_state(lv, fs, tl, None, mode="walk", rec="REC 00:01", errors=("broken",),
                            toast="hello", help=BINDINGS, minimap=True, warnings=("too close",))
            r.draw(fs, overlays=Overlays.all(), layers=(huds.over(hud, lv, (320, 180)),))
            r.draw(fs, camera=Camera((8.0, 3.0, 9.0), 30.0, -20.0, 5.0, 70.0), show_henry=True)
            r.read_pixels()
        r.set_level(lv)
        r.draw(m.snapshot(5))
        huds.close()
        r.close()
print("ok")
"""


def test_no_gl_errors_with_error_checking_on():
    env = {**os.environ, "PREVIS_GL_DEBUG": "1", "SDL_VIDEODRIVER": "offscreen"}
    r = subprocess.run([sys.executable, "-c", SCRIPT, str(ARENA)], capture_output=True, text=True, env=env,
                       timeout=120)
    assert r.returncode == 0, r.stderr[-3000:]
    assert r.stdout.strip().endswith("ok")
