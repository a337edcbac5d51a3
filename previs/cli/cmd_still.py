"""``previs still LEVEL --time S -o FILE.png``: one offscreen POV frame."""

from __future__ import annotations

import os

from ..gl.png import save_png
from .cmd_walk import parse_size
from ..level.limits import MAX_TIME
from .options import add_lens_option, number

HELP = "render one POV frame offscreen to a PNG"

DESCRIPTION = """\
Render the frame at --time seconds of LEVEL's fight (or of a take recorded with
'previs walk', --take) from Henry's eyes, offscreen, to a PNG: the same renderer as the
window and the animatic, the bodies posed as the fight has them then (walk cycles, action
clips, falls, held props; Henry's own arms in view). The frame is the one on screen at
that time (frame f covers [f/fps, (f+1)/fps)).

--lens draws through another lens than the level's (rectilinear, equidistant,
actioncam; the level's hfov). --overlays draws zones (by kind: pyro orange, no-go hatched
red, ...) and paths on the floor; --hud adds the window's HUD (timecode, shot, cut countdown, beats, safety
warnings, minimap). The PNG is written atomically.

No display is needed: with no screen, SDL's offscreen driver and Mesa's software
rasteriser (llvmpipe) are used."""

EPILOG = """\
examples:
  previs still levels/corridor.tmx --time 12.5 -o corridor-12s.png
  previs still levels/finale.tmx --time 30 -o finale.png --size 1920x1080 --hud --overlays
  previs still levels/corridor.tmx --time 12.5 -o corridor-wide.png --lens actioncam
  previs still levels/corridor.tmx --take takes/corridor-20261125-101500.take --time 4 -o take.png"""


def add_arguments(p):
    p.add_argument("level", metavar="LEVEL", help="the level's .tmx file")
    p.add_argument("--time", type=number("--time", lo=0, hi=MAX_TIME, example="12.5", kind="seconds"), required=True, metavar="S", help="seconds from frame 0")
    p.add_argument("-o", "--output", required=True, metavar="FILE.png", help="PNG to write")
    p.add_argument("--size", type=parse_size, default=(1280, 720), metavar="WxH",
                   help="image size in pixels (default 1280x720)")
    p.add_argument("--take", metavar="FILE", help="a take recorded with 'previs walk' instead of the scripted camera")
    p.add_argument("--overlays", action="store_true", help="draw zones and paths on the floor")
    p.add_argument("--hud", action="store_true", help="draw the window's HUD over the frame")
    add_lens_option(p)


def run(args) -> int:
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    from .. import pipeline
    from ..errors import PrevisError
    from ..output_paths import check_output_target
    from ..terminal import warner

    check_output_target(args.output, {"the level": args.level, "the take": args.take})
    level = pipeline.load(args.level, lens=args.lens)
    for n in level.notices:  # a level's warnings come first in every command that loads it
        warner("still")(n)
    if not args.take:  # checked against the fight before it is simulated (a take may run longer)
        from ..timebase import time_base_of

        tb = time_base_of(level.settings)
        last = max(1, tb.frames_in(level.settings.duration)) - 1
        if tb.frame_containing(args.time) > last:
            raise PrevisError(f"--time {args.time:g} is past the end of the fight: frames run from 0 to "
                              f"{tb.time_of(last):.3f} s (frame {last}).")
    motion = pipeline.replay(level, args.take,
                             warn=warner("still"))
    tb = motion.time_base
    frame = tb.frame_containing(args.time)  # the frame on screen at --time
    last = motion.frames - 1
    if frame > last:
        raise PrevisError(f"--time {args.time:g} is past the end of the {'take' if args.take else 'fight'}: "
                          f"frames run from 0 to {tb.time_of(last):.3f} s (frame {last}).")
    fs = motion.snapshot(frame)
    from ..pose.evaluate import BodyPoses

    poses = BodyPoses(motion).at(frame)

    from ..gl.context import create_offscreen_context
    from ..gl.renderer import NO_OVERLAYS, Overlays, Renderer

    hud = None
    if args.hud:
        from ..window.hud import Timeline, hud_state

        plan = pipeline.plan(motion)
        hud = hud_state(level, fs, Timeline.from_plan(plan), plan, minimap=True)
    with create_offscreen_context():
        r = Renderer(level, args.size)
        try:
            layers = ()
            if hud is not None:
                from ..window.hudlayer import HudLayers

                huds = HudLayers()
                layers = (huds.over(hud, level, args.size),)
            r.draw(fs, overlays=Overlays.all() if args.overlays else NO_OVERLAYS, layers=layers, poses=poses)
            rgb = r.read_pixels()
            if hud is not None:
                huds.close()
        finally:
            r.close()
    save_png(args.output, rgb)
    print(f"previs still: wrote {args.output} ({args.size[0]}x{args.size[1]}, frame {frame}, "
          f"{tb.timecode(frame)})")
    return 0
