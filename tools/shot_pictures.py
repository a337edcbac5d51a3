"""The pictures of docs/walk.md's "Shooting shot by shot": the window, headless, on the
corridor fight (docs/img/shots-standby.png, shots-lineup.png, shots-takes.png).

    python tools/shot_pictures.py [--out docs/img] [--size 960x540]

1. ``shots-standby.png``: standing by at cut 2 (frame 253, the first frame of shot 3), on
   the mark: the onion skin of the outgoing frame tints the live view, the meter is green.
2. ``shots-lineup.png``: a pick-up inside shot 3 (Shift+C at frame 400) with Henry turned
   9 degrees and stepped 0.2 m aside: the onion skin doubles the picture, the meter is red.
3. ``shots-takes.png``: after a take of shot 3 rolled at the cut with the head held still,
   circled and given a note: the shot panel lists the take (circled, with its note) and
   says that cut 2 no longer hides, as the edit's match report does.

Takes and the edit go to a temporary folder; nothing in levels/ is written.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=str(ROOT / "docs" / "img"))
    ap.add_argument("--size", default="960x540")
    args = ap.parse_args(argv)
    w, h = (int(v) for v in args.size.split("x"))

    import pygame
    from PIL import Image

    from previs.window.app import App
    from previs.window.clock import FakeClock

    def key(k, mod=0):
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=k, mod=mod))
        pygame.event.post(pygame.event.Event(pygame.KEYUP, key=k, mod=mod))

    def save(app, name):
        Image.fromarray(app.screenshot()).save(Path(args.out) / name, optimize=True)
        print(f"wrote {Path(args.out) / name}")

    out = Path(args.out).resolve()
    args.out = str(out)
    os.chdir(tempfile.mkdtemp(prefix="previs-shots-"))  # takes/ and the edit, as on set, in a scratch folder
    app = App(ROOT / "levels" / "corridor.tmx", size=(w, h), takes_dir="takes", echo=lambda m: None,
              vsync=False, edit_path="corridor.edit.toml", operator="ann")
    try:
        clock = FakeClock(1 / 24)
        pygame.event.clear()
        app.show_minimap = False
        key(pygame.K_SPACE)
        app.run(max_frames=1, clock=clock)
        app.seek(253)
        key(pygame.K_c)
        app.run(max_frames=1, clock=clock)
        save(app, "shots-standby.png")

        key(pygame.K_c)  # leave; a pick-up at frame 400, off the mark
        app.run(max_frames=1, clock=clock)
        app.seek(400)
        key(pygame.K_c, pygame.KMOD_SHIFT)
        app.run(max_frames=1, clock=clock)
        pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=(w // 2, h // 2), rel=(-60, 0), buttons=(0, 0, 0)))
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_d, mod=0))
        app.run(max_ticks=3, clock=clock)
        pygame.event.post(pygame.event.Event(pygame.KEYUP, key=pygame.K_d, mod=0))
        app.run(max_ticks=1, clock=clock)
        app.playing = False
        save(app, "shots-lineup.png")

        key(pygame.K_c)  # leave; stand by at cut 2 and roll a take, head held still
        app.run(max_frames=1, clock=clock)
        app.seek(253)
        key(pygame.K_c)
        app.run(max_frames=1, clock=clock)
        key(pygame.K_F5)
        app.speed_index = 4
        app.run(max_ticks=879 + 6 - 253, clock=FakeClock(1.0))
        key(pygame.K_p)  # circle it, and note why it will not do
        key(pygame.K_n)
        pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text="head still: whip on the roll"))
        key(pygame.K_RETURN)
        app.run(max_frames=1, clock=clock)
        key(pygame.K_1)  # watch mode, into shot 3
        app.run(max_frames=1, clock=clock)
        app.playing = False
        app.seek(300)
        app.run(max_frames=1, clock=clock)
        save(app, "shots-takes.png")
    finally:
        app.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
