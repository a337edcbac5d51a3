"""Expectations on shots named by their opening cut, stretches without cuts, beats and
timecodes: ``[[shot]]``, ``[[no_cut]]``, ``[[beat]]``, ``[timecode]``, and the shot lookup
``[[in_view]] shot_from`` / ``after_cut`` share (:func:`shot_from`, :func:`shot_after_cut`).

A shot is named by its opening cut's time (0: the first shot), never by its index, so a
cut added earlier in the fight does not make a check talk about the wrong shot.
"""

from __future__ import annotations

import numpy as np

from .check_base import EPS, Failure, Replay, _Bad, _beat_text, _cut_text
from .expect import Expectation, _fmt


def shot_label(r: Replay, shot) -> str:
    """``the shot from 10.542 s (frames 253-878, 01:00:10:13-01:00:36:15)``."""
    start = "the first shot" if shot.start_frame == 0 else f"the shot from {shot.start_frame / r.fps:.3f} s"
    return f"{start} (frames {shot.start_frame}-{shot.end_frame - 1}, {shot.start_tc}-{shot.end_tc})"


def _openings(r: Replay) -> str:
    times = ["0"] + [f"{s.start_frame / r.fps:.3f}" for s in r.plan.shots[1:]]
    return ", ".join(times[:12]) + (f" ... ({len(times)} shots)" if len(times) > 12 else "")


def shot_from(r: Replay, t: float, tol: float, expected: str):
    """The shot whose opening cut is at ``t`` ± ``tol`` s (``t`` 0: the first shot)."""
    if t <= tol:
        return r.plan.shots[0]
    near = [s for s in r.plan.shots[1:] if abs(s.start_frame / r.fps - t) <= tol + EPS]
    if near:
        return min(near, key=lambda s: abs(s.start_frame / r.fps - t))
    raise _Bad(Failure(expected, f"no shot opens at {_fmt(t)} s ± {_fmt(tol)} s: no turn cut there",
                       (f"shots open at (s): {_openings(r)}",)))


def shot_after_cut(r: Replay, n: int, expected: str):
    """The shot opened by turn cut ``n`` (1-based)."""
    if n > len(r.plan.cuts):
        raise _Bad(Failure(expected, f"there is no cut {n}: the replay has {len(r.plan.cuts)} turn cut"
                                     f"{'s' * (len(r.plan.cuts) != 1)}", (f"shots open at (s): {_openings(r)}",)))
    return r.plan.shots[n]


def check_no_cut(e: Expectation, r: Replay) -> list[Failure]:
    t0, t1 = e.spec["from"], e.spec["to"]
    bad = [c for c in r.plan.cuts if t0 - EPS <= c.frame / r.fps <= t1 + EPS]
    if not bad:
        return []
    return [Failure(e.label, f"{len(bad)} turn cut{'s' * (len(bad) != 1)} there",
                    tuple(f"cut at {_cut_text(r, c)}" for c in bad[:8]))]


def check_shot(e: Expectation, r: Replay) -> list[Failure]:
    s = e.spec
    shot = shot_from(r, s["from"], s["tolerance"], e.label)
    name = shot_label(r, shot)
    length = (shot.end_frame - shot.start_frame) / r.fps
    out = []
    if "max_length" in s and length > s["max_length"] + EPS:
        out.append(Failure(f"{name} at most {_fmt(s['max_length'])} s long", f"{length:.3f} s long",
                           (f"{length - s['max_length']:.3f} s over",)))
    if "min_length" in s and length < s["min_length"] - EPS:
        out.append(Failure(f"{name} at least {_fmt(s['min_length'])} s long", f"{length:.3f} s long",
                           (f"{s['min_length'] - length:.3f} s short",)))
    if "max_yaw_speed" in s:
        lo, hi = shot.start_frame, shot.end_frame
        # The whips that open and close the shot carry its cuts: their frames are not the
        # shot's own turning (a cut whip peaks at 150+ deg/s by definition).
        for sw in r.plan.swings:
            if sw.first <= lo <= sw.last:
                lo = max(lo, sw.last + 1)
            if sw.first <= hi - 1 <= sw.last and hi < r.frames:
                hi = min(hi, sw.first)
        sp = np.abs(np.asarray(r.plan.yaw_speed)[lo:hi])
        if sp.size and float(sp.max()) > s["max_yaw_speed"] + EPS:
            f = lo + int(np.argmax(sp))
            over = int((sp > s["max_yaw_speed"]).sum())
            out.append(Failure(f"{name}: no turn faster than {_fmt(s['max_yaw_speed'])} deg/s",
                               f"{float(sp.max()):.1f} deg/s at {r.at(f)}",
                               (f"over the limit on {over} frame{'s' * (over != 1)} ({over / r.fps:.3f} s)",
                                f"frames {lo}-{hi - 1} checked (the whips carrying the shot's cuts excluded)")))
    return out


def check_beat(e: Expectation, r: Replay) -> list[Failure]:
    s = e.spec
    beat = next((b for b in r.level.beats if b.id == s["id"]), None)
    if beat is None:
        ids = sorted(b.id for b in r.level.beats)
        near = min(ids, key=lambda i: abs(i - s["id"]), default=None)
        return [Failure(e.label, f"{r.level.source} has no beat with id {s['id']}",
                        (f"nearest id: {near}" if near is not None else "the level has no beats",))]
    frame = int(np.floor(beat.t * r.fps + 1e-9))
    if s["time"] is not None:
        if abs(beat.t - s["time"]) <= s["tolerance"] + EPS:
            return []
        d = beat.t - s["time"]
        return [Failure(f"beat {s['id']} at {_fmt(s['time'])} s ± {_fmt(s['tolerance'])} s",
                        f"it fires at {beat.t:g} s ({abs(d):.3f} s {'late' if d > 0 else 'early'}): "
                        f"{_beat_text(r, beat)}")]
    tc = r.tc(frame)
    if tc == s["timecode"]:
        return []
    return [Failure(f"beat {s['id']} on {s['timecode']}", f"it fires on {tc} (frame {frame}): {_beat_text(r, beat)}")]


def check_timecode(e: Expectation, r: Replay) -> list[Failure]:
    want = e.spec["timecode"]
    start = e.kind == "timecode.start"
    got = r.tc(0) if start else r.tc(r.frames)
    if got == want:
        return []
    what = "frame 0" if start else f"the frame after the last (frame {r.frames})"
    why = ("the level's start_tc (a map property) sets it",) if start else ()
    return [Failure(f"{what} at timecode {want}", f"{got}", why)]
