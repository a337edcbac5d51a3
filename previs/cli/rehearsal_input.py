"""``previs plan``'s rehearsal side: any motion file in, ``--against`` out (issue 18).

Kept beside cmd_plan.py so the command itself stays small: :func:`load_motion` reads a
track.csv or a rehearsal recording (:mod:`previs.rehearsal`) as a camera track;
:func:`against_plan` plans what ``--against`` names (a level, replayed as ``previs replay``
would, or any track/recording); :func:`alignment_lines` is what the terminal prints.
"""

from __future__ import annotations

import json

from ..errors import PrevisError

ALIGNMENT_FILE = "alignment.json"
ALIGNMENT_PLOT = "alignment.png"
DEFAULT_FPS = 30.0
"""Plan frame rate of an IMU recording when ``--fps`` is not given (a track.csv keeps its own)."""


def add_arguments(p) -> None:
    p.add_argument("--fps", type=float, default=None, metavar="FPS",
                   help=f"frame rate to plan a rehearsal recording at (default {DEFAULT_FPS:g}; "
                        "a track.csv keeps its own)")
    p.add_argument("--against", default=None, metavar="LEVEL",
                   help="align the rehearsal to this plan: a level (.tmx, replayed) or a track.csv / recording; "
                        f"writes {ALIGNMENT_FILE} and prints matched, missed and extra cuts, early and late beats")
    p.add_argument("--against-take", default=None, metavar="TAKE",
                   help="with --against LEVEL: the plan is the level as walked in this take (previs walk), "
                        "not its script")


def load_motion(path: str, fps: float | None, warn=None):
    """(CameraTrack, what-was-read line or None) of a track.csv or a rehearsal recording."""
    from ..rehearsal import read_rehearsal
    from ..rehearsal.imu import ImuLog
    from ..rehearsal.imu_to_track import imu_to_track

    if fps is not None and not 1 <= fps <= 240:
        raise PrevisError(f"--fps {fps:g}: a plan runs at 1 to 240 frames per second, e.g. 30 or 29.97.")
    got = read_rehearsal(path)
    if not isinstance(got, ImuLog):
        if fps is not None and fps != got.fps and warn is not None:
            warn(f"--fps {fps:g}: {path} is a camera track at {got.fps:g} fps and keeps its own rate "
                 "(--fps sets the rate of IMU recordings).")
        return got, None
    track, facts = imu_to_track(got, DEFAULT_FPS if fps is None else fps)
    for n in facts.notes:
        if warn is not None:
            warn(f"{path}: {n}.")
    still = f"gyro bias from the still {facts.still[0]:.2f}-{facts.still[1]:.2f} s" if facts.still else "no still start"
    return track, (f"{path}: {got.fmt}, {len(got.t)} IMU samples at {got.rate:.1f} Hz over {got.duration:.2f} s; "
                   f"{still}; peak yaw rate {facts.peak_yaw_rate:.0f}°/s")


def against_plan(path: str, args, settings_overrides: dict, warn=None):
    """The plan ``--against`` names."""
    from .. import pipeline
    from ..plan.shotplan import PlanSettings, build_plan
    from pathlib import Path

    take = getattr(args, "against_take", None)
    if Path(path).suffix.lower() == ".tmx":
        level = pipeline.load(path, lens=getattr(args, "lens", None))
        motion = pipeline.replay(level, take, warn=warn)
        return pipeline.plan(motion, **settings_overrides)
    if take is not None:
        raise PrevisError(f"--against-take {take}: a take is walked on a level; give that level to --against "
                          f"(not {path}).")
    track, _ = load_motion(path, args.fps, warn=warn)
    settings = PlanSettings().with_overrides(**settings_overrides)
    return build_plan(track, settings=settings, title=Path(path).stem)


def write_alignment(stage, alignment) -> list:
    """``alignment.json`` and ``alignment.png`` (both yaw speeds on the plan's axis) into ``stage``."""
    from ..fsutil import atomic_write_bytes, atomic_write_text
    from ..report.alignment_plot import alignment_png

    atomic_write_text(stage / ALIGNMENT_FILE, json.dumps(alignment.to_dict(), indent=2, ensure_ascii=False) + "\n")
    atomic_write_bytes(stage / ALIGNMENT_PLOT, alignment_png(alignment))
    return [stage / ALIGNMENT_FILE, stage / ALIGNMENT_PLOT]


def alignment_lines(al) -> list[str]:
    out = [f"  against {al.plan_title}: rehearsal runs {al.offset:+.3f} s from the plan (offset); "
           f"{len(al.matched)} of {len(al.cuts)} planned cuts matched, {len(al.missed)} missed, "
           f"{len(al.extra_cuts)} extra"]
    for c in al.cuts:
        if c.rehearsal_time is None:
            out.append(f"    cut {c.index} at {c.time:.3f} s ({c.direction}): missed")
        elif c.status != "on time":
            out.append(f"    cut {c.index} at {c.time:.3f} s ({c.direction}): {c.status} by {abs(c.late_by):.2f} s "
                       f"at {c.rehearsal_time:.3f} s, angle {c.angle_difference:+.0f}°")
    for e in al.extra_cuts:
        out.append(f"    extra cut at {e['time']:.3f} s ({e['direction']} {e['angle']:.0f}°)")
    for s in al.shots:
        if s["ran_long"]:
            out.append(f"    shot {s['index']} ran long: {s['rehearsal_duration']:g} s for {s['plan_duration']:g} s planned")
    return out
