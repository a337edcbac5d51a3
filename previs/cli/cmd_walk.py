"""``previs walk LEVEL``: the first-person window (watch, walk, free camera; record takes)."""

from __future__ import annotations

import argparse
import os
import sys

from ..level.limits import MAX_TIME
from .options import add_lens_option, number

HELP = "open the first-person window: watch or walk the fight, scrub, record takes"

DESCRIPTION = """\
Open LEVEL in a window from Henry's eyes.

modes (keys 1 2 3, or Tab):
  watch   the scripted camera: what 'previs replay' exports, with the shot plan's cuts
  walk    be Henry: W A S D to walk, mouse to look, Shift to run; walls block you and
          the choreography plays around you
  free    a fly camera off Henry to check the blocking from anywhere (R/F up/down)

The HUD shows timecode, frame, shot and a countdown to the next turn cut (the screen
flashes on it), the beats as captions, safety warnings, mode, speed and a minimap;
the bar along the bottom scrubs (click or drag it while paused). F1 lists every key.

Recording: F5 restarts the fight at frame 0 in walk mode and records what you do, tick by
tick, to TAKES/<level>-<YYYYmmdd-HHMMSS>.take; F5 again stops and says where it went.
'previs walk LEVEL --take FILE' watches a take (scrub it, check it from the free camera),
'previs replay LEVEL --take FILE' turns it into the same exports as a scripted fight.

Hot reload: save the level in Tiled and the window reloads it within half a second,
keeping the playhead. A save that does not load leaves the last good version running
and shows the problems in a red panel until the next good save.

With no screen, --headless runs N frames offscreen (SDL offscreen driver, Mesa llvmpipe)
on a simulated clock and exits: for tests and for screenshots (--screenshot)."""

EPILOG = """\
keys: Space play/pause   , . step   <- -> 1 s   [ ] speed   PgUp/PgDn or Q/E cuts
      Home frame 0   F5 record   O overlays   M minimap   H HUD   F1 help   Esc quit

examples:
  previs walk levels/corridor.tmx
  previs walk levels/finale.tmx --mode walk --size 1920x1080 --fullscreen
  previs walk levels/corridor.tmx --start 12.5 --overlays
  previs walk levels/corridor.tmx --lens actioncam
  previs walk levels/corridor.tmx --take takes/corridor-20261125-101500.take
  previs walk levels/corridor.tmx --headless --frames 48 --start 3 --screenshot shot.png"""


def parse_size(text: str) -> tuple[int, int]:
    """``"1280x720"`` -> (1280, 720); argparse error with a plain reason otherwise."""
    t = text.lower().replace("\u00d7", "x").strip()
    try:
        w, h = (int(v) for v in t.split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must be WIDTHxHEIGHT, e.g. 1280x720, not {text!r}") from None
    if not (16 <= w <= 8192 and 16 <= h <= 8192):
        raise argparse.ArgumentTypeError(f"size {w}x{h} is out of range (16 to 8192 pixels a side)")
    return w, h


def add_arguments(p):
    p.add_argument("level", metavar="LEVEL", help="the level's .tmx file (reloaded when saved)")
    p.add_argument("--size", type=parse_size, default=(1280, 720), metavar="WxH",
                   help="window size in pixels (default 1280x720)")
    p.add_argument("--mode", choices=("watch", "walk", "free"), default="watch",
                   help="mode to open in (default watch)")
    p.add_argument("--fullscreen", action="store_true", help="fill the screen")
    p.add_argument("--start", type=number("--start", lo=0, hi=MAX_TIME, example="12.5", kind="seconds"), default=0.0, metavar="S",
                   help="open at this time, in seconds from frame 0")
    p.add_argument("--overlays", action="store_true", help="start with zones and paths drawn on the floor (O)")
    p.add_argument("--take", metavar="FILE",
                   help="watch this recorded take instead of the scripted camera (refused if the level "
                        "has changed since it was recorded)")
    p.add_argument("--takes", default="takes", metavar="DIR",
                   help="folder for recorded takes (default ./takes)")
    p.add_argument("--edit", metavar="FILE", default=None,
                   help="the edit to shoot into: takes circled with P are named there, standing by (C) starts "
                        "from it (default: LEVEL.edit.toml beside the level)")
    p.add_argument("--operator", default="", metavar="NAME", help="the camera operator's name, written in each take")
    p.add_argument("--sensitivity", type=number("--sensitivity", lo=0, hi=10, lo_open=True, example="0.15", note="degrees per pixel"), default=None, metavar="DEG",
                   help="mouse look, degrees per pixel (default 0.15)")
    add_lens_option(p)
    g = p.add_argument_group("headless runs (tests, screenshots)")
    g.add_argument("--headless", action="store_true",
                   help="no window: render offscreen on a simulated clock (one tick per frame); needs --frames")
    g.add_argument("--frames", type=number("--frames", lo=1, whole=True), metavar="N", help="stop after N rendered frames")
    g.add_argument("--screenshot", metavar="PNG", help="save the last frame, HUD included, as a PNG")


def run(args) -> int:
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    from ..errors import PrevisError

    if args.headless and not args.frames:
        raise PrevisError("--headless needs --frames N: there is no window to close.")
    if args.screenshot:
        from ..output_paths import check_output_target

        check_output_target(args.screenshot, {"the level": args.level, "the take": args.take})
    if args.headless:
        os.environ["SDL_VIDEODRIVER"] = "offscreen"
    from ..window.app import App
    from ..window.clock import FakeClock

    app = App(args.level, size=args.size, mode=args.mode, fullscreen=args.fullscreen, takes_dir=args.takes,
              edit_path=args.edit, operator=args.operator,
              sensitivity=args.sensitivity, overlays=args.overlays, start_time=args.start, take=args.take,
              lens=args.lens,
              echo=lambda m: print(m, file=sys.stderr if m.startswith("previs walk: warning") else sys.stdout,
                                   flush=True))
    with app:
        from ..level.diagnostics import left_to_print
        from ..terminal import warner

        for n in left_to_print(app.level.notices, [app.plan] if app.plan is not None else []):
            warner("walk")(n)
        clock = FakeClock(1.0 / app.fps) if args.headless else None
        app.run(max_frames=args.frames, clock=clock)
        if args.screenshot:
            from ..gl.png import save_png

            save_png(args.screenshot, app.screenshot())
            print(f"previs walk: wrote {args.screenshot} (frame {app.frame}, {app.mode} mode)")
    return 0
