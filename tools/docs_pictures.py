"""Draw the docs' pictures of levels: a storyboard sheet, the head-turn speed plot and
the top-down plan of each (docs/img/storyboard-<level>.png, yawspeed-<level>.png,
<level>-plan.png); with ``--plans-only`` just the top-down plan (matplotlib alone, no
OpenGL; ``--no-route`` draws Henry's authored path instead of his simulated route)::

    SDL_VIDEODRIVER=offscreen .venv/bin/python tools/docs_pictures.py levels/*.tmx -o docs/img
    .venv/bin/python tools/docs_pictures.py levels/*.tmx -o docs/img --plans-only

Exit status 1 (and the reason on stderr) if a level does not load.
"""

from __future__ import annotations

import argparse
import io
import os
import sys

import numpy as np

from previs import pipeline
from previs.errors import PrevisError
from previs.fsutil import atomic_write_bytes
from previs.plan.frame_truth import arrow
from previs.report.page import default_renderer_factory
from previs.report.plots import yaw_speed_png
from previs.report.sections import middle_frame
from previs.report.topdown import level_stem, plan_png
from previs.sim.script import simulate


def storyboard_strip_png(level, motion, plan, *, count: int = 8, columns: int = 4, size=(384, 216),
                         renderer_factory=None) -> bytes:
    """A storyboard sheet for docs: the middle frame of up to ``count`` shots (spread over
    the fight), ``columns`` across, each captioned with its shot number, timecode in and
    duration, and the cut that opens it. Deterministic PNG bytes."""
    from PIL import Image, ImageDraw, ImageFont

    shots = list(plan.shots)
    if len(shots) > count:
        pick = np.linspace(0, len(shots) - 1, count).round().astype(int)
        shots = [shots[i] for i in sorted(set(pick.tolist()))]
    frames = [middle_frame(s) for s in shots]
    factory = renderer_factory or default_renderer_factory
    renderer = factory(level, tuple(size))
    from previs.pose.evaluate import BodyPoses

    bodies = BodyPoses(motion)  # the bodies as the fight poses them (the window, stills, report)
    try:
        imgs = []
        for f in frames:
            renderer.draw(motion.snapshot(f), poses=bodies.at(f))
            imgs.append(renderer.read_pixels())
    finally:
        close = getattr(renderer, "close", None)
        if close is not None:
            close()
    w, h = size
    pad, cap = 8, 40
    cols = min(columns, len(imgs))
    rows = -(-len(imgs) // cols)
    sheet = Image.new("RGB", (pad + cols * (w + pad), pad + rows * (h + cap + pad)), (255, 255, 255))
    draw = ImageDraw.Draw(sheet)
    try:
        from previs.gl.glapi import asset_path

        bold = ImageFont.truetype(asset_path("fonts", "DejaVuSansMono-Bold.ttf"), 14)
        font = ImageFont.truetype(asset_path("fonts", "DejaVuSans.ttf"), 12)
    except (OSError, ImportError):
        bold = font = ImageFont.load_default()
    cuts = {c.index + 1: c for c in plan.cuts}  # shot k is opened by cut k - 1
    for n, (s, img) in enumerate(zip(shots, imgs)):
        x = pad + (n % cols) * (w + pad)
        y = pad + (n // cols) * (h + cap + pad)
        sheet.paste(Image.fromarray(np.ascontiguousarray(img)), (x, y))
        draw.rectangle((x - 1, y - 1, x + w, y + h), outline=(160, 160, 160))
        color = (198, 40, 40) if s.over_max_take else (28, 28, 28)
        draw.text((x, y + h + 4), f"SHOT {s.index:03d}  {s.start_tc}", font=bold, fill=color)
        c = cuts.get(s.index)
        how = f"after cut {c.index} {arrow(c.direction)} {c.angle:.0f}\u00b0" if c else "opening shot"
        extra = "  OVER TAKE" if s.over_max_take else ""
        draw.text((x, y + h + 22), f"{s.duration:.1f} s \u00b7 {how}{extra}", font=font, fill=color)
    buf = io.BytesIO()
    sheet.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def pictures(lp: str, args) -> dict[str, bytes]:
    """{file name: PNG bytes} of level ``lp``."""
    level = pipeline.load(lp)
    stem = level_stem(lp)
    title = f"{level.settings.title} ({os.path.basename(lp)})"
    if args.plans_only:
        motion = None if args.no_route else simulate(level)
        return {f"{stem}-plan.png": plan_png(level, motion=motion, dpi=args.dpi, title=title)}
    motion = pipeline.replay(level)
    plan = pipeline.plan(motion)
    return {
        f"storyboard-{stem}.png": storyboard_strip_png(level, motion, plan),
        f"yawspeed-{stem}.png": yaw_speed_png(plan, title=f"Head-turn speed: {title}"),
        f"{stem}-plan.png": plan_png(level, motion=motion, plan=plan, title=title),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="tools/docs_pictures.py", description="Write the docs' pictures of levels.")
    ap.add_argument("levels", nargs="+", metavar="LEVEL")
    ap.add_argument("-o", "--out", default="docs/img", help="folder (default docs/img)")
    ap.add_argument("--plans-only", action="store_true", help="only <level>-plan.png (no OpenGL needed)")
    ap.add_argument("--dpi", type=float, default=150, help="of the plan with --plans-only (default 150)")
    ap.add_argument("--no-route", action="store_true",
                    help="with --plans-only: draw Henry's path, not his simulated route")
    args = ap.parse_args(argv)
    try:
        os.makedirs(args.out, exist_ok=True)
        for lp in args.levels:
            for name, data in pictures(lp, args).items():
                atomic_write_bytes(os.path.join(args.out, name), data)
                print(os.path.join(args.out, name))
    except PrevisError as e:
        for line in e.problems:
            print(f"docs_pictures: {line}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
