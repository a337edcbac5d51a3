"""Draw docs/img/lens-corridor.png: the corridor fight at 12.5 s through ``rectilinear`` at
90°, ``actioncam`` at its preset 121.3° and ``equidistant`` at 150°, each drawn at 1280x720
by the renderer ``previs still`` uses, halved, side by side 6 px apart on white::

    SDL_VIDEODRIVER=offscreen .venv/bin/python tools/lens_pictures.py -o docs/img/lens-corridor.png
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
VIEWS = (("rectilinear", 90.0), ("actioncam", 121.3), ("equidistant", 150.0))
GAP = 6  # pixels of white between the pictures


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--level", default=str(ROOT / "levels" / "corridor.tmx"))
    ap.add_argument("--time", type=float, default=12.5, help="seconds (default 12.5)")
    ap.add_argument("-o", "--output", required=True)
    args = ap.parse_args(argv)

    from previs import pipeline
    from previs.gl.context import create_offscreen_context
    from previs.gl.png import save_png
    from previs.gl.renderer import Renderer
    from previs.level.lens_setting import with_lens
    from previs.pose.evaluate import BodyPoses

    base = pipeline.load(args.level)
    pictures = []
    with create_offscreen_context():
        for lens, hfov in VIEWS:
            level = with_lens(dataclasses.replace(base, settings=dataclasses.replace(base.settings, hfov=hfov)), lens)
            motion = pipeline.replay(level)
            frame = motion.time_base.frame_containing(args.time)
            r = Renderer(level, (1280, 720))
            try:
                r.draw(motion.snapshot(frame), poses=BodyPoses(motion).at(frame))
                rgb = r.read_pixels().astype(np.uint16)
            finally:
                r.close()
            # Halved: the mean of each 2 x 2 block.
            pictures.append(((rgb[0::2, 0::2] + rgb[1::2, 0::2] + rgb[0::2, 1::2] + rgb[1::2, 1::2] + 2) // 4)
                            .astype(np.uint8))
    h, w = pictures[0].shape[:2]
    out = np.full((h, len(pictures) * w + (len(pictures) - 1) * GAP, 3), 255, np.uint8)
    for i, p in enumerate(pictures):
        out[:, i * (w + GAP): i * (w + GAP) + w] = p[..., :3]
    save_png(args.output, out)
    print(f"lens_pictures: wrote {args.output} ({out.shape[1]}x{out.shape[0]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
