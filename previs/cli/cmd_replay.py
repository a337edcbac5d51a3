"""``previs replay``: headless replay of a fight and every export."""

from __future__ import annotations

from ..terminal import warner
from ..timebase import rate_label


from ..export import files_help
from .options import add_lens_option, add_level_job, add_plan_overrides, replay_and_plan
from .strict import add_strict

HELP = "replay a fight headless and write the track, shot plan, editor/DCC exports and report"
DESCRIPTION = f"""\
Replay LEVEL's scripted fight (or a take recorded with 'previs walk') headless and write,
into DIR:

{files_help()}
  report.html     the printable shot-plan report (skip with --no-report)

Files are written atomically: if the run fails or is interrupted, DIR keeps its old files.
The same level and take always give byte-identical files.
"""
EPILOG = """\
examples:
  previs replay levels/corridor.tmx -o out/corridor
  previs replay levels/finale.tmx -o out/finale --no-report       # fast, for CI
  previs replay levels/corridor.tmx --take takes/corridor-20261125-101500.take -o out/take1
  previs replay levels/corridor.tmx --edit levels/corridor.edit.toml -o out/cut1   # takes per shot
  previs replay levels/chase.tmx -o out/chase --turn-cut-speed 120 --max-take 45
  previs replay levels/finale.tmx -o out/finale-wide --lens actioncam  # who is in frame, exports
  previs replay levels/finale.tmx -o out/finale-tv --screen-fov 30     # comfort for a TV at home
"""


def add_arguments(p):
    add_level_job(p, output_metavar="DIR", output_help="folder to write into (created if needed)",
                  take_help="replay this recorded take instead of the scripted camera")
    p.add_argument("--no-report", action="store_true", help="skip report.html (batch and CI use)")
    add_plan_overrides(p, safety=True)
    add_lens_option(p)
    add_strict(p)


def run(args) -> int:
    from ..export import prefork

    # Import usd-core on the other core while this one loads and simulates (~0.3 s saved).
    forked = prefork.start()
    try:
        return _run(args, forked)
    finally:
        if forked is not None:
            forked.close()


def _run(args, forked) -> int:
    from .. import pipeline
    from ..fsutil import staged_output_dir

    warn = warner("replay")

    level, motion, shot_plan = replay_and_plan(args, warn)
    # An export this plan cannot have (an EDL at 120 fps) must not survive from an older run
    # beside the new files, where an editor would take it for this replay's: it is removed
    # in the same commit as the new set (a regular file only; previs/fsutil.py).
    from ..export import FILES

    with staged_output_dir(args.output, owned=FILES, inputs={"the level": args.level, "the take": args.take,
                                                                   "the edit": args.edit},
                           on_remove=lambda p: warn(f"removed {p} from an earlier run: this replay has none.")) as stage:
        written = pipeline.write(stage, shot_plan, forked=forked, warn=warn)
        if not args.no_report:
            from ..report.page import write_report

            res = write_report(stage / "report.html", level=level, motion=motion, plan=shot_plan)
            for w in res.warnings:  # e.g. no OpenGL: the report has placeholders, says why
                warn(w)
            written.append(stage / "report.html")
    names = ", ".join(sorted(p.name for p in written))
    cuts, shots = len(shot_plan.cuts), len(shot_plan.shots)
    over = sum(1 for s in shot_plan.shots if s.over_max_take)
    print(f"{level.settings.title}: {motion.frames} frames at {rate_label(level.settings.fps)} fps, "
          f"{cuts} turn cut{'s' * (cuts != 1)}, {shots} shot{'s' * (shots != 1)}"
          f"{f', {over} over max take' if over else ''}, {len(shot_plan.safety)} safety finding"
          f"{'s' * (len(shot_plan.safety) != 1)}")
    if shot_plan.edit is not None:
        bad = shot_plan.edit.findings
        print(f"edit {args.edit}: {len(shot_plan.edit.pieces) - sum(1 for p in shot_plan.edit.pieces if p[3] == 'script')}"
              f" of {len(shot_plan.edit.pieces)} shots from takes; {len(shot_plan.edit.cuts) - len(bad)} of "
              f"{len(shot_plan.edit.cuts)} cuts match")
        for c in bad:
            warn(f"cut {c.index} (frame {c.frame}, {c.outgoing} -> {c.incoming}) does not match: {'; '.join(c.problems)}")
    print(f"wrote {args.output}/: {names}")
    return 0
