"""``previs report LEVEL -o report.html``: the printable shot-plan report alone."""

from __future__ import annotations

from .options import add_level_job, add_plan_overrides, start_level_job

HELP = "write the printable shot-plan report (one self-contained report.html)"

DESCRIPTION = """\
Write the shot-plan report of LEVEL's fight (or of a take) as one self-contained HTML
file: storyboard frames of every shot, the shot table, the head-turn speed plot with the
cut and comfort thresholds, the frames either side of each cut with its continuity card,
safety findings on a top-down map, and the comfort summary (head speed, whips hidden by
cuts, the speed on screen for the seat given by --screen-fov). Pictures are inlined,
there is no script and no web font: it opens offline and prints on A4 or Letter.

'previs replay' writes the same report into its output folder; this command is for when
only the report is wanted. The same level always gives the same bytes."""

EPILOG = """\
examples:
  previs report levels/corridor.tmx -o corridor-report.html
  previs report levels/finale.tmx --take takes/finale-20261125-101500.take -o take.html
  previs report levels/chase.tmx -o chase.html --max-take 30
  previs report levels/finale.tmx -o finale-front-row.html --screen-fov 90   # comfort for a giant screen"""


def add_arguments(p) -> None:
    add_level_job(p, output_metavar="FILE.html", output_help="the report file to write",
                  take_help="report on this recorded take instead of the scripted camera")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary")
    p.add_argument("--since", metavar="OLD",
                   help="add a 'Changes since OLD' section: OLD is an earlier version of the level (.tmx, or "
                        "LEVEL@REV for a git revision), compared as previs diff does")
    add_plan_overrides(p, safety=True)


def run(args) -> int:
    from ..report.page import write_report

    out = args.output
    warn, level, motion, plan = start_level_job(args, "report", "report.html")
    since = None
    if getattr(args, "since", None):
        from .cmd_diff import changes_since
        from .options import plan_overrides

        own = args.take is None and getattr(args, "edit", None) is None and not plan_overrides(args)
        since = changes_since(args.since, level, scripted=(motion, plan) if own else None)
    res = write_report(out, level=level, motion=motion, plan=plan, progress=False if args.quiet else None,
                       since=since)
    for w in res.warnings:
        warn(w)
    if not args.quiet:
        print(f"wrote {out}: {len(plan.shots)} shots, {len(plan.cuts)} cuts, "
              f"{len(plan.safety)} safety finding{'s' * (len(plan.safety) != 1)}, "
              f"{res.frames_rendered} storyboard frames, {res.size_bytes / 1e6:.1f} MB")
    return 0
