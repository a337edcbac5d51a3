"""Golden-track expectations: the replay's camera track against a recorded track.csv,
frame by frame, with where and why it diverges; and ``--update-golden``, which rewrites the
golden file only inside the expectation file's project.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from ..errors import PrevisError
from .expect import Expectation, _fmt
from .check_base import EPS, Failure, Replay, _beat_at_or_before, _beat_text, _look_at, _runs

# -- golden tracks ---------------------------------------------------------------------------

ANGLES = ("yaw", "pitch", "roll", "hfov")


def _rel(p: Path) -> str:
    """A path as the user gave it (the expectation file's path joined with the key's)."""
    return Path(p).as_posix()


def read_golden(path: Path):
    from ..sim.track import CameraTrack

    return CameraTrack.read_csv(path)


def golden_diff(track, golden, pos_tol: float, ang_tol: float) -> dict | None:
    """Compare two tracks frame by frame; None when they match within tolerance.

    Returns ``first`` (first diverging frame), ``pos_first`` / ``ang_first`` (first frame
    where position / any angle diverges, or None), ``angle`` (the first angle to diverge),
    ``length`` ((replay frames, golden frames) if they differ) and ``max_pos``/``max_ang``."""
    n = min(len(track), len(golden))
    dpos = np.abs(track.pos[:n] - golden.pos[:n]).max(axis=1)
    # Angles as the smallest difference: a head that wound once more the other way points
    # the same way on that frame (its frames in between differ and fail on their own).
    dang = np.stack([np.abs((getattr(track, a)[:n] - getattr(golden, a)[:n] + 180.0) % 360.0 - 180.0)
                     for a in ANGLES], axis=1)
    pos_bad = np.flatnonzero(dpos > pos_tol)
    ang_bad_any = dang > ang_tol
    ang_rows = np.flatnonzero(ang_bad_any.any(axis=1))
    pos_first = int(pos_bad[0]) if pos_bad.size else None
    ang_first = int(ang_rows[0]) if ang_rows.size else None
    length = (len(track), len(golden)) if len(track) != len(golden) else None
    fps_diff = (track.fps, golden.fps) if abs(track.fps - golden.fps) > 1e-6 else None
    if pos_first is None and ang_first is None and length is None and fps_diff is None:
        return None
    cands = [f for f in (pos_first, ang_first) if f is not None]
    first = min(cands) if cands else n
    angle = None
    if ang_first is not None:
        angle = ANGLES[int(np.flatnonzero(ang_bad_any[ang_first])[0])]
    bad = (dpos > pos_tol) | ang_bad_any.any(axis=1)
    rows = np.flatnonzero(bad)
    # The largest difference relative to its tolerance, and where it is.
    rel = np.maximum(dpos / pos_tol, dang.max(axis=1) / ang_tol) if n else np.zeros(0)
    worst = int(np.argmax(rel)) if n else 0
    return {"first": first, "pos_first": pos_first, "ang_first": ang_first, "angle": angle,
            "length": length, "fps": fps_diff, "max_pos": float(dpos.max()) if n else 0.0,
            "max_ang": float(dang.max()) if n else 0.0, "n": n,
            "worst": worst, "worst_pos": float(dpos[worst]) if n else 0.0,
            "worst_ang": float(dang[worst].max()) if n else 0.0,
            "worst_angle": ANGLES[int(np.argmax(dang[worst]))] if n else None,
            "last": int(rows[-1]) if rows.size else None, "bad_frames": int(rows.size),
            "spans": _runs(bad)}


def check_golden(e: Expectation, r: Replay) -> list[Failure]:
    s = e.spec
    path = Path(s["track"])
    name = s["track_text"]
    expected = f"the camera track matches {name} within {_fmt(s['position_tolerance'])} m and " \
               f"{_fmt(s['angle_tolerance'])}°"
    if not path.exists():
        return [Failure(expected, f"{_rel(path)} does not exist",
                        (f"record it on purpose: previs test --update-golden {_rel(r.expect_path)}",))]
    try:
        golden = read_golden(path)
    except PrevisError as err:
        return [Failure(expected, f"{_rel(path)} cannot be read: {err.problems[0]}",
                        ("re-record it: previs test --update-golden",))]
    track = r.motion.track
    d = golden_diff(track, golden, s["position_tolerance"], s["angle_tolerance"])
    if d is None:
        return []
    why = []
    if d["fps"]:
        why.append(f"frame rate: replay {d['fps'][0]:g} fps, golden {d['fps'][1]:g} fps")
    if d["length"]:
        a, b = d["length"]
        why.append(f"length: replay {a} frames ({a / r.fps:.3f} s), golden {b} frames ({b / r.fps:.3f} s)")
    if d["first"] >= d["n"]:
        actual = "identical where both have frames, but " + ("; ".join(why) if why else "they differ")
        return [Failure(expected, actual, ("if the change is intended: previs test --update-golden "
                                           f"{_rel(r.expect_path)}",))]
    f = d["first"]
    hn = r.henry_name()
    parts = []
    if d["pos_first"] == f:
        gx, gy, gz = golden.pos[f]
        x, y, z = track.pos[f]
        parts.append(f"{hn}'s position x {x:.4f}, y {y:.4f}, z {z:.4f} vs golden x {gx:.4f}, y {gy:.4f}, "
                     f"z {gz:.4f}")
    if d["ang_first"] == f:
        a = d["angle"]
        parts.append(f"{'camera ' if a != 'hfov' else ''}{a} {getattr(track, a)[f]:.4f}° vs golden "
                     f"{getattr(golden, a)[f]:.4f}°")
    actual = f"diverges first at {r.at(f)}: " + "; ".join(parts)
    if d["pos_first"] == f and d["ang_first"] == f:
        why.append(f"{hn}'s position and his {d['angle']} diverged on the same frame")
    elif d["pos_first"] == f:
        later = (f"his angles from frame {d['ang_first']}" if d["ang_first"] is not None
                 else "his angles match")
        why.append(f"{hn}'s position diverged first ({later})")
    else:
        later = (f"his position from frame {d['pos_first']}" if d["pos_first"] is not None
                 else "his position matches")
        why.append(f"{hn}'s {d['angle']} diverged first ({later})")
    t = f / r.fps
    b = _beat_at_or_before(r, t)
    if b is not None:
        why.append(f"nearest beat at or before: {_beat_text(r, b)}")
    else:
        why.append("no beat at or before that time")
    nxt = [x for x in r.level.beats if t + EPS < x.t <= t + 2.0]
    if nxt:
        why.append(f"next beat: {_beat_text(r, nxt[0])}")
    if r.scripted:
        nlook = [x for x in r.level.beats if x.actor == r.level.henry.id and x.aims
                 and t + EPS < x.t <= t + 2.0]
        if nlook and nlook[0] is not nxt[0]:
            why.append(f"next look: {_beat_text(r, nlook[0])}")
        lk = _look_at(r, t)
        if lk is not None:
            tgt = r.level.actor_name(lk.target) or f"object {lk.target}"
            why.append(f"{hn} is tracking {tgt} then (since {_beat_text(r, lk)})")
    only_g, only_r = _cut_diff(golden, track, r)
    if only_g or only_r:
        why.append(f"turn cuts only in the golden track: {only_g or 'none'}; only in the replay: {only_r or 'none'}")
    w = d["worst"]
    why.append(f"largest difference: {d['worst_pos']:.4f} m, {d['worst_ang']:.4f}° ({d['worst_angle']}) at "
               f"{r.at(w)}")
    spans = d["spans"]
    last = d["last"]
    back = ("to the end of the track" if last == d["n"] - 1
            else f"back within tolerance from {r.at(last + 1)}")
    why.append(f"diverges on {d['bad_frames']} frames ({d['bad_frames'] / r.fps:.3f} s) in {len(spans)} "
               f"span{'s' * (len(spans) != 1)}, from {f / r.fps:.3f} s to {last / r.fps:.3f} s; {back}")
    why.append(f"if the change is intended: previs test --update-golden {_rel(r.expect_path)}")
    return [Failure(expected, actual, tuple(why))]


def _cut_diff(golden, track, r: Replay) -> tuple[str, str]:
    """Turn cuts (at the plan's thresholds) found in only one of the two tracks, as text:
    ``("29.792 s left", "30.292 s left")``."""
    from ..plan.cuts import detect_cuts

    st = r.plan.settings

    def cuts(tr):
        return {(c.peak_frame, c.direction_name) for c in detect_cuts(
            tr, turn_cut_speed=st.turn_cut_speed, turn_cut_angle=st.turn_cut_angle)}

    g, t = cuts(golden), cuts(track)

    def text(s, fps):
        items = [f"{f / fps:.3f} s {d}" for f, d in sorted(s)]
        return ", ".join(items[:8]) + (f" ... ({len(items)} in all)" if len(items) > 8 else "")

    return text(g - t, golden.fps), text(t - g, track.fps)


def _decimals(tol: float) -> int:
    """Decimals that round a value to a twentieth of ``tol`` or finer (0.001 m: 4)."""
    return max(0, math.ceil(-math.log10(tol) - 1e-9)) + 1


def canonical_track_text(track, pos_tol: float, ang_tol: float) -> str:
    """A golden ``track.csv``: the frame and time columns as ``track.csv`` writes them,
    positions and angles rounded to the tolerance's precision (:func:`_decimals`; at most a
    twentieth of the tolerance off), so the same replay always writes the same bytes and a
    re-recorded golden's diff shows only frames that moved by a visible amount."""
    from ..sim.track import CSV_HEADER

    dp, da = _decimals(pos_tol), _decimals(ang_tol)

    def col(values, d):
        return [f"{round(float(v), d) + 0.0:.{d}f}" for v in values]

    cols = [[str(f) for f in track.frames.tolist()], [repr(t) for t in track.time.tolist()],
            col(track.pos[:, 0], dp), col(track.pos[:, 1], dp), col(track.pos[:, 2], dp),
            col(track.yaw, da), col(track.pitch, da), col(track.roll, da), col(track.hfov, da)]
    return "\n".join([",".join(CSV_HEADER), *(",".join(row) for row in zip(*cols)), ""])


def golden_text(e: Expectation, r: Replay) -> str:
    """The canonical text of golden ``e`` for replay ``r`` (what --update-golden writes)."""
    if e.kind == "golden.plan":
        from .plan_golden import summarise, to_text

        return to_text(summarise(r))
    return canonical_track_text(r.motion.track, e.spec["position_tolerance"], e.spec["angle_tolerance"])


def check_plan_golden(e: Expectation, r: Replay) -> list[Failure]:
    """The replay's shot plan against the plan golden: one line per difference."""
    from ..safe_paths import Unreadable, read_bounded
    from .plan_golden import PlanGoldenError, compare, from_text, summarise

    path = Path(e.spec["track"])
    name = e.spec["track_text"]
    tol = e.spec["tolerance"]
    expected = f"the shot plan matches {name} (cuts, shots, who is in frame, safety, comfort; ± {_fmt(tol)} s)"
    if not path.exists():
        return [Failure(expected, f"{_rel(path)} does not exist",
                        (f"record it on purpose: previs test --update-golden {_rel(r.expect_path)}",))]
    try:
        old = from_text(read_bounded(path, MAX_PLAN_BYTES).decode("utf-8"))
    except (Unreadable, UnicodeDecodeError, PlanGoldenError) as err:
        why = getattr(err, "reason", None) or str(err)
        return [Failure(expected, f"{_rel(path)} cannot be read: {why}",
                        (f"re-record it: previs test --update-golden {_rel(r.expect_path)}",))]
    lines = compare(old, summarise(r), tol)
    if not lines:
        return []
    n = len(lines)
    why = lines[1:40] + ([f"... and {n - 40} more"] if n > 40 else [])
    why.append(f"if the change is intended: previs test --update-golden {_rel(r.expect_path)}")
    return [Failure(expected, f"{n} difference{'s' * (n != 1)}; {lines[0]}", tuple(why))]


MAX_PLAN_BYTES = 64 * 1024 * 1024
"""A plan golden larger than this is refused (the finale's is about 100 KB)."""


def update_golden(e: Expectation, r: Replay) -> str:
    """Write the replay's golden (track or plan, canonical text) over the golden file
    (atomically); returns what happened: ``created``, ``updated`` or ``unchanged``."""
    from ..fsutil import atomic_write_text
    from ..safe_paths import Unreadable, read_bounded, resolve_inside
    from ..sim.track import MAX_CSV_BYTES

    path = Path(e.spec["track"])
    try:  # checked when the file was parsed; again now, in case a symlink changed since
        resolve_inside(str(path), Path.cwd(), e.spec["project"])
    except Unreadable as err:
        raise PrevisError(f"{r.expect_path}: golden track {err.reason}; nothing was written.") from None
    if path.exists() and not path.is_file():
        raise PrevisError(f"{r.expect_path}: golden track {_rel(path)} is not a regular file (a folder, FIFO or "
                          f"device); nothing was written: give [golden] track a .csv file name.")
    text = golden_text(e, r)
    if path.exists():
        try:
            if read_bounded(path, MAX_CSV_BYTES) == text.encode("utf-8"):
                return "unchanged"
        except Unreadable:
            pass
        what = "updated"
    else:
        what = "created"
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, text)
    return what
