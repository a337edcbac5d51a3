"""``previs render LEVEL -o FILE.mp4``: the POV animatic, rendered offscreen."""

from __future__ import annotations

import argparse

from .time_range import frame_range, time_or_timecode

from .options import add_lens_option, add_level_job, add_plan_overrides, start_level_job, whole_number

HELP = "render the POV animatic (H.264 MP4) with burned-in timecode, shot number and cut flashes"

DESCRIPTION = """\
Render every frame of LEVEL's fight (or of a take recorded with 'previs walk') from
Henry's eyes, offscreen, at the level's frame rate, into an H.264 MP4 (yuv420p, plays
everywhere). Burned in: timecode (from the level's start_tc), shot number (red with
OVER TAKE when the take is longer than max_take), a one-frame white flash with
"CUT 3 ◀ 88°" on each turn cut (◀ left, ▶ right), the suggested cut of an over-long
take, beat captions and the live safety warnings (bottom right, red).

The file is written whole or not at all: it is encoded to a hidden temporary file beside
FILE and moved into place at the end, so an interrupted render leaves FILE as it was.
Frames are streamed to the encoder, so memory stays flat however long the fight is.
The fight is drawn in 10-second chunks by one worker process per CPU, each with its own
offscreen GL context and encoder, and the chunks are joined without re-encoding.
A progress bar with ETA shows on a terminal; nothing is printed to stderr when piped.

--start and --end render a stretch only (seconds, or timecode on the fight's clock;
--end is the out point, not rendered): its timecode track starts at the stretch's own
source timecode, so it relinks in an edit like the whole animatic.

The MP4 carries a QuickTime timecode track (tmcd) starting at the level's start_tc
(drop-frame when start_tc is written with ';') and the reel name the EDL and OTIO use
(the level file's name, e.g. CORRIDOR), so an editor relinks it at the right source
timecode.

No display is needed: with no screen, SDL's offscreen driver and Mesa's software
rasteriser (llvmpipe) are used."""

EPILOG = """\
examples:
  previs render levels/corridor.tmx -o corridor.mp4
  previs render levels/finale.tmx -o finale-small.mp4 --size 640x360
  previs render levels/corridor.tmx --take takes/corridor-20261125-101500.take -o take1.mp4
  previs render levels/chase.tmx -o chase.mp4 --turn-cut-speed 120 --preset veryfast
  previs render levels/finale.tmx -o finale.mp4 --workers 1 --crf 20
  previs render levels/corridor.tmx -o corridor-wide.mp4 --lens actioncam
  previs render levels/corridor.tmx -o shot3.mp4 --start 12.5 --end 16
  previs render levels/corridor.tmx -o shot3.mp4 --start 01:00:12:12 --end 01:00:16:00"""


def _size(text: str):
    from ..animatic.render import parse_size

    try:
        return parse_size(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


PRESETS = ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow")


def add_arguments(p) -> None:
    from ..animatic.render import default_workers
    from ..animatic.encoder import DEFAULT_CRF, DEFAULT_PRESET, DEFAULT_QP

    add_level_job(p, output_metavar="FILE.mp4", output_help="the MP4 file to write",
                  take_help="render this recorded take instead of the scripted camera")
    p.add_argument("--size", type=_size, default=(1280, 720), metavar="WxH",
                   help="frame size in pixels, even numbers (default 1280x720)")
    p.add_argument("--preset", choices=PRESETS, default=DEFAULT_PRESET,
                   help=f"x264 speed preset: faster presets make bigger files (default {DEFAULT_PRESET})")
    q = p.add_mutually_exclusive_group()
    q.add_argument("--qp", type=whole_number("--qp", 0, 51, f"lower = better, default {DEFAULT_QP}"), default=DEFAULT_QP, metavar="N",
                   help=f"x264 constant quantiser, 0-51, lower is better and bigger (default {DEFAULT_QP}: "
                        f"within 0.6 dB of CRF {DEFAULT_CRF}, encoded faster)")
    q.add_argument("--crf", type=whole_number("--crf", 0, 51, f"lower = better, {DEFAULT_CRF} is usual"), default=None, metavar="N",
                   help="use x264's constant rate factor instead of --qp (0-51, lower is better)")
    p.add_argument("--workers", type=whole_number("--workers", 1, 64), default=None, metavar="N",
                   help="processes drawing 10-second chunks in parallel (default: one per CPU, here "
                        f"{default_workers()}); the MP4 is the same bytes whatever N is")
    p.add_argument("--start", type=time_or_timecode("--start"), default=None, metavar="T",
                   help="render from here: seconds from frame 0 (12.5) or timecode (01:00:12:12) (default: the start)")
    p.add_argument("--end", type=time_or_timecode("--end"), default=None, metavar="T",
                   help="render up to here, not including it: seconds or timecode (default: the fight's end)")
    p.add_argument("--no-burnins", action="store_true", help="a clean plate: no timecode, shot, cut or beat burn-ins")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary")
    add_lens_option(p)
    add_plan_overrides(p, safety=True)


def run(args) -> int:
    from ..animatic.render import render_animatic

    out = args.output
    warn, level, motion, plan = start_level_job(args, "render", "animatic.mp4")
    first, stop = frame_range(args.start, args.end, plan.time_base, motion.frames)
    stats = render_animatic(out, level=level, motion=motion, plan=plan, size=args.size, first=first,
                            frames=stop - first,
                            preset=args.preset, qp=args.qp, crf=args.crf, workers=args.workers,
                            burnins=not args.no_burnins,
                            progress=False if args.quiet else None)
    if not args.quiet:
        w, h = stats.size
        mb = stats.size_bytes / 1e6
        tb = plan.time_base
        part = f" from {tb.timecode(first)} to {tb.timecode(stop)}" if (first, stop) != (0, motion.frames) else ""
        print(f"wrote {out}: {stats.frames} frames{part}, {w}x{h} at {tb.label} fps "
              f"({stats.frames / stats.fps:.2f} s), {len(plan.shots)} shot{'s' * (len(plan.shots) != 1)}, "
              f"{len(plan.cuts)} cut{'s' * (len(plan.cuts) != 1)}, {mb:.1f} MB; rendered in "
              f"{stats.seconds:.1f} s ({stats.realtime:.2f}x real time, "
              f"{stats.workers} worker{'s' * (stats.workers != 1)})")
    return 0
