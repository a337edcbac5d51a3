"""``previs plan TRACK.csv -o DIR``: shot plan and camera exports of any camera track."""

from __future__ import annotations

from ..terminal import warner


from ..export import files_help
from . import rehearsal_input
from .options import add_lens_option, add_plan_overrides, plan_overrides

HELP = "shot plan and camera exports (OTIO, EDL, USD, .chan) of any track.csv or rehearsal recording"

DESCRIPTION = f"""\
Plan any camera track in the track.csv shape (header frame,time,x,y,z,yaw,pitch,roll,hfov;
the frame rate is the exact one a '# rate: 24000/1001' comment line states, else read from
the time column; a previs track.csv's '# timecode: frame 0 = ...' and '# lens: ...' lines
are the defaults of --start-tc and --lens), or a rehearsal recorded with a head-worn
action camera or phone (GoPro MP4, Gyroflow .gcsv, Sensor Logger zip/folder, phyphox CSV;
docs/rehearsal.md): find the turn cuts (fast head turns that
hide a cut), split the track into shots, flag takes longer than the max take with the best
place to add a cut, and write the camera and editorial exports.

Written into DIR (all at once; a failed run leaves DIR's previous files untouched):
{files_help()}
(no level: no performers in view, no beats, no safety findings; track.csv is the track,
its numbers rewritten exactly under a comment header that states rate, timecode, axes,
units and lens)

See docs/exports.md for opening each file in your editor or 3D tool."""

EPILOG = """\
examples:
  previs plan out/corridor/track.csv -o out/corridor-plan
  previs plan rehearsal.csv -o plan/ --turn-cut-speed 120 --max-take 45
  previs plan take3.csv -o plan/ --start-tc 01:00:00:00
  previs plan wide.csv -o plan/ --lens actioncam    # the exports carry the lens (default rectilinear)
  previs plan take3.csv -o plan/ --screen-fov 30      # comfort for a TV at home
  previs plan GX010042.MP4 -o rehearsal/ --against levels/finale.tmx   # rehearsal vs plan"""


def add_arguments(p) -> None:
    p.add_argument("track", metavar="TRACK", help="camera track (track.csv) or rehearsal recording (docs/rehearsal.md)")
    p.add_argument("-o", "--output", required=True, metavar="DIR",
                   help="folder to write the plan and exports into (created if missing)")
    p.add_argument("--title", default=None, help="title written into the plan (default: the track file's name)")
    add_plan_overrides(p)
    add_lens_option(p)
    rehearsal_input.add_arguments(p)


def run(args) -> int:
    from pathlib import Path

    from ..export import FILES, write_outputs
    from ..fsutil import staged_output_dir
    from ..plan.shotplan import PlanSettings, build_plan
    from ..plan.timecode import parse_timecode
    from ..sim.track import stated_facts
    from ..errors import PrevisError
    from ..lens import MAX_WIDE_HFOV, lens_named

    warn = warner("plan")
    track, read_line = rehearsal_input.load_motion(args.track, args.fps, warn=warn)
    # A track.csv from previs states its frame 0's timecode and lens: the defaults here.
    settings = PlanSettings().with_overrides(**stated_facts(args.track)).with_overrides(
        **plan_overrides(args), lens=args.lens)
    widest = float(track.hfov.max(initial=0.0))
    if lens_named(settings.lens).wide and widest > MAX_WIDE_HFOV:
        raise PrevisError(f"--lens {settings.lens}: {args.track}: the track's hfov reaches {widest:g} degrees, more than "
                          f"the {MAX_WIDE_HFOV:g} a wide lens takes; plan it without --lens (rectilinear).")
    try:
        parse_timecode(settings.start_tc, track.fps)
    except PrevisError as e:
        raise PrevisError(f"--start-tc: {e.problems[0]}") from None
    title = args.title if args.title is not None else Path(args.track).stem
    plan = build_plan(track, settings=settings, title=title)
    alignment = None
    if args.against is not None:
        from ..rehearsal.align import align

        alignment = align(rehearsal_input.against_plan(args.against, args, plan_overrides(args), warn=warn), plan)

    # As in replay: an export this plan cannot have must not survive from an older run.
    with staged_output_dir(args.output, owned=FILES + (rehearsal_input.ALIGNMENT_FILE, rehearsal_input.ALIGNMENT_PLOT),
                           inputs={"the track": args.track, "the plan": args.against, "the take": args.against_take},
                           on_remove=lambda p: warn(f"removed {p} from an earlier run: this plan has none.")) as stage:
        paths = write_outputs(stage, plan, warn=warn)
        if alignment is not None:
            paths += rehearsal_input.write_alignment(stage, alignment)
    out = Path(args.output)

    fps = plan.fps
    fps_text = f"{fps:g}"
    if read_line:
        print(read_line)
    print(f"{args.track}: {plan.frames} frames at {fps_text} fps ({plan.duration:g} s)")
    print(f"  turn cuts: {len(plan.cuts)}" + (
        "  (" + ", ".join(f"{c.timecode} {c.direction[0].upper()} {c.angle:.0f}°" for c in plan.cuts[:8])
        + (", …" if len(plan.cuts) > 8 else "") + ")" if plan.cuts else ""))
    print(f"  shots: {len(plan.shots)}, longest {max(s.duration for s in plan.shots):g} s")
    long = [s for s in plan.shots if s.over_max_take]
    if long:
        print(f"  over the {settings.max_take:g} s max take: {len(long)}")
        for s in long:
            sug = s.suggested_cut
            where = (f"best place to cut: {sug.timecode} ({sug.direction} turn, {sug.angle:g}° at {sug.peak_speed:g}°/s)"
                     if hasattr(sug, "frame") else sug.note)
            print(f"    {s.name} {s.start_tc}-{s.end_tc} ({s.duration:g} s): {where}")
    else:
        print(f"  no take over the {settings.max_take:g} s max take")
    c = plan.comfort
    print(f"  peak yaw speed {c.peak_yaw_speed:g}°/s; "
          f"{c.seconds_over_comfort:g} s over the {settings.comfort_speed:g}°/s comfort speed"
          f" ({c.seconds_hidden_by_cuts:g} s in {c.whips_hidden_by_cuts} whip{'s' * (c.whips_hidden_by_cuts != 1)}"
          f" hidden by cuts, {c.seconds_seen_over_comfort:g} s seen)")
    print(f"  on a {settings.screen_fov:g}° screen the picture peaks at {c.peak_screen_speed:g}°/s, "
          f"{c.seconds_over_screen_comfort:g} s over {settings.screen_comfort_speed:g}°/s")
    if alignment is not None:
        print("\n".join(rehearsal_input.alignment_lines(alignment)))
    print(f"wrote {', '.join(p.name for p in paths)} to {out}/")
    return 0
