"""Command-line overrides of the plan's thresholds, shared by ``previs plan`` and
``previs replay``.

    add_plan_overrides(parser)            # adds --turn-cut-speed, --turn-cut-angle, ...
    PlanSettings.from_level(level.settings, **plan_overrides(args))

Each flag defaults to None ("use the level's value, or the contract default"); values are
checked here so a bad one is a usage error (exit 2) with a plain message.
"""

from __future__ import annotations

import argparse
import math

from .strict import refuse_if_strict


def number(flag: str, *, lo: float | None = None, hi: float | None = None, lo_open: bool = False,
           whole: bool = False, example: str = "", note: str = "", kind: str = ""):
    """An argparse type for ``flag``: a finite number (``whole``: an integer) in
    ``[lo, hi]`` (``lo_open``: ``(lo, hi]``; either end may be None). The message names the
    flag, what it is (``kind``, e.g. ``"seconds"``; else "a number"), the range,
    ``example`` when the text is not a number, and ``note`` (e.g. which way is better) when
    it is out of range; a bad value is a usage error (exit 2)."""
    kind = kind or ("a whole number" if whole else "a number")
    if lo is not None and hi is not None:
        rng = f"{kind} {lo:g}-{hi:g}" if not lo_open else f"{kind} above {lo:g} and at most {hi:g}"
    elif lo is not None:
        rng = f"{kind} above {lo:g}" if lo_open else f"{kind} from {lo:g} on"
    else:
        rng = kind

    def parse(text: str):
        shown = repr(text) if len(text) <= 40 else repr(text[:40]) + f"... ({len(text)} characters)"
        try:
            v = int(text) if whole else float(text)
        except ValueError:
            eg = f", e.g. {example}" if example else ""
            raise argparse.ArgumentTypeError(f"{flag} must be {kind}{eg}, not {shown}") from None
        ok = math.isfinite(v) and (lo is None or (v > lo if lo_open else v >= lo)) and (hi is None or v <= hi)
        if not ok:
            why = f" ({note})" if note else ""
            raise argparse.ArgumentTypeError(f"{flag} must be {rng}{why}, not {shown}")
        return v

    return parse


def whole_number(flag: str, lo: int, hi: int, note: str = ""):
    """:func:`number` for a whole number ``lo``-``hi``."""
    return number(flag, lo=lo, hi=hi, whole=True, note=note)


def _positive(flag: str):
    return number(flag, lo=0, lo_open=True)


def _timecode(text: str) -> str:
    """``--start-tc``: the time base's one timecode check (shape and ranges here; frames
    below the rate once the fps is known)."""
    from ..errors import PrevisError
    from ..timebase import split_timecode

    try:
        split_timecode(text)
    except PrevisError as e:
        raise argparse.ArgumentTypeError(e.problems[0]) from None
    return text


def add_plan_overrides(parser: argparse.ArgumentParser, *, safety: bool = False) -> None:
    """Add the plan threshold flags to ``parser`` (in their own help group). With
    ``safety=True`` also ``--safety-distance`` (meaningful only with a level)."""
    from ..plan.comfort import SCREEN_FOV_EXAMPLES, SCREEN_FOV_RANGE
    from ..plan.shotplan import PlanSettings

    d = PlanSettings().to_dict()  # the contract's defaults, written as a person would
    g = parser.add_argument_group("shot plan thresholds (default: the level's, else the contract's)")
    g.add_argument("--turn-cut-speed", type=_positive("--turn-cut-speed"), metavar="DEG_S",
                   help=f"peak head-turn speed that hides a cut, deg/s (default {d['turn_cut_speed']})")
    g.add_argument("--turn-cut-angle", type=_positive("--turn-cut-angle"), metavar="DEG",
                   help=f"smallest head-turn swing that hides a cut, degrees (default {d['turn_cut_angle']})")
    g.add_argument("--max-take", type=_positive("--max-take"), metavar="S",
                   help=f"longest take the crew can shoot in one go, seconds (default {d['max_take']})")
    g.add_argument("--start-tc", type=_timecode, metavar="TC",
                   help=f"timecode of frame 0, HH:MM:SS:FF, two digits each; HH:MM:SS;FF counts drop-frame "
                        f"(29.97 and 59.94 fps only) (default {d['start_tc']})")
    g.add_argument("--comfort-speed", type=_positive("--comfort-speed"), metavar="DEG_S",
                   help=f"yaw speed above which the comfort figures count, deg/s (default {d['comfort_speed']})")
    lo, hi = SCREEN_FOV_RANGE
    fov = number("--screen-fov", lo=lo, hi=hi, kind="an angle in degrees", example="40", note=SCREEN_FOV_EXAMPLES)
    g.add_argument("--screen-fov", type=fov, metavar="DEG",
                   help=f"angle the screen fills for the seat the comfort figures are for, degrees "
                        f"(default {d['screen_fov']}, a cinema's middle seat; 30 a TV at home, 90 a giant "
                        f"screen's front rows); on-screen speed = yaw speed x this / the lens's hfov")
    g.add_argument("--screen-comfort-speed", type=_positive("--screen-comfort-speed"), metavar="DEG_S",
                   help=f"on-screen speed above which the picture is hard to follow, deg/s of view "
                        f"(default {d['screen_comfort_speed']}: the limit of smooth eye pursuit)")
    if safety:
        g.add_argument("--safety-distance", type=_positive("--safety-distance"), metavar="M",
                       help=f"least clearance between bodies outside contact beats, metres (default {d['safety_distance']})")


def plan_overrides(args: argparse.Namespace) -> dict:
    """The override flags given on the command line, as ``PlanSettings`` keywords
    (flags not given are left out)."""
    out = {}
    for name in ("turn_cut_speed", "turn_cut_angle", "max_take", "start_tc", "comfort_speed", "safety_distance",
                 "screen_fov", "screen_comfort_speed"):
        v = getattr(args, name, None)
        if v is not None:
            out[name] = v
    return out


def _lens_name(text: str) -> str:
    """``--lens``: a name in :data:`previs.lens.LENS_MODELS` (the level's own check)."""
    from ..level.lens_setting import lens_problem

    bad = lens_problem(text, None)
    if bad is not None:
        raise argparse.ArgumentTypeError(f"--lens {text!r} is not a lens model; {bad[1]}")
    return text


def add_lens_option(parser: argparse.ArgumentParser) -> None:
    """``--lens NAME``: the POV lens for this run instead of the level's ``lens`` (default:
    the level's). Applied by :func:`replay_and_plan` (``pipeline.load(..., lens=args.lens)``)."""
    from ..lens import LENS_MODELS

    parser.add_argument("--lens", type=_lens_name, metavar="NAME",
                        help=f"lens model for this run: {', '.join(LENS_MODELS)} (default: the level's lens)")


def add_level_job(parser: argparse.ArgumentParser, *, output_metavar: str, output_help: str,
                  take_help: str) -> None:
    """The arguments every command that replays a level shares: LEVEL, -o, --take and the
    plan thresholds (with --safety-distance)."""
    parser.add_argument("level", metavar="LEVEL", help="the level's .tmx file")
    parser.add_argument("-o", "--output", required=True, metavar=output_metavar, help=output_help)
    parser.add_argument("--take", metavar="FILE", help=take_help)
    parser.add_argument("--edit", metavar="FILE",
                        help="assemble the fight from this edit (LEVEL.edit.toml: which take fills each shot) "
                             "instead of the script or one take")


def check_output_file(out: str, example_name: str, inputs: dict[str, str | None] | None = None) -> None:
    """Refuse an output file path before any work: its folder is missing, it is a folder,
    a device, a FIFO, one of ``inputs`` or a file of another kind
    (:func:`previs.output_paths.check_output_file`)."""
    from ..output_paths import check_output_file as check

    check(out, example_name, inputs)


def replay_and_plan(args: argparse.Namespace, warn):
    """Load ``args.level``, replay it (or ``args.take``) and plan it with the command
    line's threshold overrides; level notices, then take warnings, go to ``warn``.
    Returns ``(level, motion, plan)``.

    One message per cause: a level warning whose cause the plan reports as a safety finding
    (a contact beat out of reach) is left to the plan (:func:`~previs.level.diagnostics.left_to_print`).
    Under ``--strict`` every warning is printed and fails the level before any replay."""
    from .. import pipeline
    from ..level.diagnostics import left_to_print

    level = pipeline.load(args.level, lens=getattr(args, "lens", None))
    if getattr(args, "strict", False):
        for n in level.notices:
            warn(n)
        refuse_if_strict(args, level)  # after the warnings it names; before anything is written
    take_warnings: list[str] = []  # printed after the level's, which need the plan first
    plans = []
    edit = getattr(args, "edit", None)
    if edit is not None and args.take is not None:
        from ..errors import PrevisError

        raise PrevisError(f"--take {args.take} and --edit {edit}: give one; an edit names its takes itself.")
    try:
        if edit is not None:
            assembly, plan_ = pipeline.replay_edit(level, edit, warn=take_warnings.append,
                                                     strict=getattr(args, "strict", False), **plan_overrides(args))
            motion = assembly.motion
            plans.append(plan_)
        else:
            motion = pipeline.replay(level, args.take, warn=take_warnings.append,
                                     strict=getattr(args, "strict", False))
            plans.append(pipeline.plan(motion, **plan_overrides(args)))
    finally:  # a failed replay still prints every level warning, then its error
        for n in left_to_print(level.notices, plans):
            warn(n)
        for w in take_warnings:
            warn(w)
    return level, motion, plans[0]


def start_level_job(args: argparse.Namespace, command: str, example_name: str):
    """What every command that draws a level's fight into one file does first: refuse
    ``args.output`` before any work (:func:`check_output_file`, with the level and the
    take as inputs it must not replace), then :func:`replay_and_plan` with warnings
    printed as ``previs COMMAND: warning: ...``. Returns ``(warn, level, motion, plan)``."""
    from ..terminal import warner

    check_output_file(args.output, example_name, {"the level": args.level, "the take": args.take})
    warn = warner(command)
    return (warn, *replay_and_plan(args, warn))
