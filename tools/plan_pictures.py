"""Draw the top-down plan of levels (matplotlib alone, no OpenGL) for the docs::

    .venv/bin/python tools/plan_pictures.py levels/*.tmx -o docs/img   # docs/img/<level>-plan.png

``--no-route`` draws Henry's authored path instead of his simulated route.
"""

from __future__ import annotations

import argparse
import os
import sys

from previs.errors import PrevisError
from previs.fsutil import atomic_write_bytes
from previs.level.loader import load_level
from previs.report.topdown import level_stem, plan_png
from previs.sim.script import simulate


def main(argv: list[str] | None = None) -> int:
    """``tools/plan_pictures.py LEVEL... -o DIR``: write ``DIR/<level>-plan.png``."""
    ap = argparse.ArgumentParser(prog="tools/plan_pictures.py",
                                 description="Draw the top-down plan of levels (PNG).")
    ap.add_argument("levels", nargs="+", metavar="LEVEL")
    ap.add_argument("-o", "--out", default=".", help="folder for <level>-plan.png (default .)")
    ap.add_argument("--dpi", type=float, default=150)
    ap.add_argument("--no-route", action="store_true",
                    help="draw Henry's path, not his simulated route")
    args = ap.parse_args(argv)
    try:
        os.makedirs(args.out, exist_ok=True)
        for lp in args.levels:
            level = load_level(lp)
            motion = None if args.no_route else simulate(level)
            data = plan_png(level, motion=motion, dpi=args.dpi,
                            title=f"{level.settings.title} ({os.path.basename(lp)})")
            out = os.path.join(args.out, f"{level_stem(lp)}-plan.png")
            atomic_write_bytes(out, data)
            print(out)
    except PrevisError as e:
        for line in e.problems:
            print(f"topdown: {line}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
