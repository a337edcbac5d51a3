"""Each kind of expectation, checked against one replay: a list of failures (empty = pass).

A :class:`Replay` bundles what the checks read: the level, the motion (scripted or from a
take), its shot plan and where the expectation file lives. :func:`check` dispatches an
:class:`~previs.testing.expect.Expectation` to its check; every :class:`Failure` says what
was expected and what actually happened, in frames, seconds and timecode, and where it can,
why (the turn that fell short of a cut, the wall in the sight line, the beat nearest a
golden-track divergence).
"""

from __future__ import annotations

import difflib
import math
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from ..errors import PrevisError
from .expect import Expectation, _fmt

EPS = 1e-9


@dataclass(frozen=True)
class Failure:
    """One way an expectation failed: ``expected`` vs ``actual``, plus optional ``why``
    lines (diagnosis, hints)."""

    expected: str
    actual: str
    why: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        out = [f"expected: {self.expected}", f"actual:   {self.actual}"]
        out += [f"          {w}" for w in self.why]
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


@dataclass
class Replay:
    """One replay under test. ``expect_path`` resolves relative paths in messages."""

    level: object
    motion: object
    plan: object
    expect_path: Path
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def fps(self) -> float:
        return float(self.motion.track.fps)

    @property
    def frames(self) -> int:
        return len(self.motion.track)

    def tc(self, frame: int) -> str:
        return self.plan.timecode(int(frame))

    def at(self, frame: int) -> str:
        """``"3.125 s (frame 75, 00:00:03:03)"``."""
        return f"{frame / self.fps:.3f} s (frame {frame}, {self.tc(frame)})"

    def frame_of(self, time: float) -> int:
        return int(round(time * self.fps))

    @property
    def scripted(self) -> bool:
        """True for the scripted replay (Henry's head follows the look beats), False for a
        take (a person walked and turned him)."""
        return getattr(self.motion, "source", "script") == "script"

    def henry_name(self) -> str:
        return self.level.henry.name or "Henry"


class _Bad(Exception):
    """Raised inside a check to fail at once with one Failure."""

    def __init__(self, failure: Failure):
        self.failure = failure


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------


def _frame_in_range(r: Replay, time: float, what: str) -> int:
    f = r.frame_of(time)
    if f >= r.frames:
        raise _Bad(Failure(what, f"the replay ends at {r.frames / r.fps:.3f} s ({r.frames} frames); "
                                 f"{_fmt(time)} s is after its last frame"))
    return f


def _performer_index(r: Replay, name: str, what: str) -> int:
    names = [p.name for p in r.level.performers]
    if name in names:
        return names.index(name)
    low = [n.lower() for n in names]
    if name.lower() in low:
        return low.index(name.lower())
    m = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    hint = f"did you mean '{m[0]}'? " if m else ""
    listed = ", ".join(names) if names else "none"
    raise _Bad(Failure(what, f"{r.level.source} has no performer named '{name}'",
                       (f"{hint}performers: {listed}",)))


def _is_henry(r: Replay, who: str) -> bool:
    return who.lower() in ("henry", r.henry_name().lower())


def _beat_text(r: Replay, b) -> str:
    def nm(i):
        if i is None:
            return None
        try:
            a = r.level.actor(i)
        except KeyError:
            return f"object {i}"
        return a.name or ("Henry" if a.kind == "henry" else f"performer {a.id}")

    parts = [nm(b.actor), b.action, nm(b.target)]
    return f"{b.t:g} s {' '.join(p for p in parts if p)} (beat {b.id})"


def _beat_at_or_before(r: Replay, time: float):
    best = None
    for b in r.level.beats:  # sorted by (t, id)
        if b.t <= time + EPS:
            best = b
    return best


def _look_at(r: Replay, time: float):
    """Henry's latest look beat at or before ``time`` (None before his first look)."""
    best = None
    for b in r.level.beats:
        if b.actor == r.level.henry.id and b.action == "look" and b.target is not None and b.t <= time + EPS:
            best = b
    return best


def _swing_text(r: Replay, s) -> str:
    return (f"{s.direction_name} turn of {s.angle:.1f}° peaking at {abs(s.peak_speed):.1f} deg/s "
            f"at {r.at(s.peak_frame)}")


def _cut_text(r: Replay, c) -> str:
    return f"{r.at(c.frame)}, {c.direction}, {c.angle:.1f}° at {c.peak_speed:.1f} deg/s"


def _wrap180(a: float) -> float:
    return (a + 180.0) % 360.0 - 180.0


def _sub_motion(r: Replay, frames: np.ndarray):
    """A motion-like view of just ``frames`` (for visibility of a few frames)."""
    from ..sim.track import CameraTrack

    tr = r.motion.track
    sub = CameraTrack(fps=tr.fps, pos=tr.pos[frames], yaw=tr.yaw[frames], pitch=tr.pitch[frames],
                      roll=tr.roll[frames], hfov=tr.hfov[frames])
    return SimpleNamespace(track=sub, perf_xz=np.asarray(r.motion.perf_xz)[frames],
                           perf_down=np.asarray(r.motion.perf_down)[frames])


def visibility(r: Replay, frames, p: int) -> np.ndarray:
    """``(len(frames),)`` bool: performer ``p`` visible on each of ``frames`` (the plan's
    rule, :func:`previs.plan.visibility.visible_frames`)."""
    from ..plan.visibility import visible_frames

    frames = np.asarray(frames, dtype=np.int64)
    if frames.size == 0:
        return np.zeros(0, dtype=bool)
    key = ("vis", frames.tobytes())
    if key not in r._cache:
        r._cache[key] = visible_frames(r.level, _sub_motion(r, frames))
    return r._cache[key][:, p]


def why_visible(r: Replay, frame: int, p: int) -> str:
    """Why performer ``p`` is or is not visible on ``frame``, in words."""
    from ..plan.visibility import in_frustum, occluded, point_heights

    sub = _sub_motion(r, np.array([frame]))
    perf = r.level.performers[p]
    xz = np.asarray(sub.perf_xz, dtype=np.float64)[0, p]
    ys = point_heights(r.level, sub)[0, p]  # (2,)
    pts = np.array([[[[xz[0], ys[0], xz[1]], [xz[0], ys[1], xz[1]]]]])  # (1, 1, 2, 3)
    inside = in_frustum(sub.track, pts)[0, 0]
    eye = sub.track.pos[0]
    dx, dz = xz[0] - eye[0], xz[1] - eye[2]
    dist = math.hypot(dx, dz)
    bearing = _wrap180(math.degrees(math.atan2(-dx, -dz)) - float(sub.track.yaw[0]))
    side = "left" if bearing > 0 else "right"
    where = f"{abs(bearing):.0f}° {side} of where Henry looks, {dist:.1f} m away"
    if abs(bearing) < 0.5:
        where = f"dead ahead, {dist:.1f} m away"
    down = " (down)" if bool(np.asarray(sub.perf_down)[0, p]) else ""
    if not inside.any():
        half = float(sub.track.hfov[0]) / 2.0
        if abs(bearing) > 90:
            return f"behind the camera: {perf.name}{down} is {where}"
        if abs(bearing) > half:
            return f"outside the frame: {perf.name}{down} is {where} (half the field of view is {half:.0f}°)"
        return f"above or below the frame: {perf.name}{down} is {where}"
    blocked = occluded(r.level.walls, sub.track.pos, xz[None, :], ys[None, :])[0]
    if (inside & ~blocked).any():
        return f"in view: {perf.name}{down} is {where}"
    return f"hidden behind a wall: {perf.name}{down} is in the frame, {where}, but the sight line is blocked"


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Maximal runs of True as (first, last) indices."""
    m = np.concatenate(([False], mask, [False])).astype(np.int8)
    d = np.diff(m)
    starts = np.flatnonzero(d == 1)
    ends = np.flatnonzero(d == -1) - 1
    return list(zip(starts.tolist(), ends.tolist()))


# --------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------


def _in_window(r: Replay, c, spec) -> bool:
    return abs(c.frame / r.fps - spec["time"]) <= spec["tolerance"] + EPS


def _sorted_cuts(r: Replay) -> tuple[list[float], list]:
    """The plan's cuts sorted by time, and their times (s): each expectation bisects them,
    so ``previs test`` stays O((expectations + cuts) log cuts)."""
    if "cuts" not in r._cache:
        cuts = sorted(r.plan.cuts, key=lambda c: c.frame)
        r._cache["cuts"] = ([c.frame / r.fps for c in cuts], cuts)
    return r._cache["cuts"]


def _cuts_near(r: Replay, spec) -> list:
    """Cuts inside ``spec``'s window (``time`` ± ``tolerance``), in time order."""
    times, cuts = _sorted_cuts(r)
    pad = spec["tolerance"] + 2 * EPS
    a, b = bisect_left(times, spec["time"] - pad), bisect_right(times, spec["time"] + pad)
    return [c for c in cuts[a:b] if _in_window(r, c, spec)]


def _nearest_cut(r: Replay, t: float):
    """The cut closest in time to ``t`` (the earlier on a tie), or None."""
    times, cuts = _sorted_cuts(r)
    k = bisect_left(times, t)
    best = [j for j in (k - 1, k) if 0 <= j < len(cuts)]
    return min((cuts[j] for j in best), key=lambda c: abs(c.frame / r.fps - t), default=None)


def _swings_between(r: Replay, lo: int, hi: int) -> list:
    """Swings overlapping frames ``[lo, hi]`` (swings are disjoint and in frame order)."""
    if "swing_last" not in r._cache:
        r._cache["swing_last"] = [w.last for w in r.plan.swings]
    swings = r.plan.swings
    out = []
    for k in range(bisect_left(r._cache["swing_last"], lo), len(swings)):
        if swings[k].first > hi:
            break
        out.append(swings[k])
    return out


def _henry_looks_near(r: Replay, t: float, reach: float) -> list:
    """Henry's look beats within ``reach`` seconds of ``t``."""
    if "looks" not in r._cache:
        looks = [b for b in r.level.beats if b.actor == r.level.henry.id and b.action == "look"]
        r._cache["looks"] = ([b.t for b in looks], looks)
    times, looks = r._cache["looks"]
    return looks[bisect_left(times, t - reach - EPS):bisect_right(times, t + reach + EPS)]


def check_cut(e: Expectation, r: Replay) -> list[Failure]:
    s = e.spec
    t, tol, d = s["time"], s["tolerance"], s["direction"]
    dword = f"a {d} turn cut" if d else "a turn cut"
    expected = f"{dword} between {t - tol:.3f} and {t + tol:.3f} s ({_fmt(t)} s ± {_fmt(tol)})"
    near = _cuts_near(r, s)
    if near and (d is None or any(c.direction == d for c in near)):
        return []
    if near:
        c = near[0]
        return [Failure(expected, f"the cut there turns {c.direction}: {_cut_text(r, c)}")]
    why = []
    c = _nearest_cut(r, t)
    if c is not None:
        off = c.frame / r.fps - t
        actual = (f"no turn cut there; nearest cut: {_cut_text(r, c)}, "
                  f"{abs(off):.3f} s {'late' if off > 0 else 'early'}")
    else:
        actual = "no turn cuts at all in the replay"
    st = r.plan.settings
    sw = _swings_between(r, r.frame_of(t - tol), r.frame_of(t + tol))
    if sw:
        w = max(sw, key=lambda w: min(abs(w.peak_speed) / st.turn_cut_speed, w.angle / st.turn_cut_angle))
        short = []
        if abs(w.peak_speed) < st.turn_cut_speed:
            short.append(f"speed under turn_cut_speed {_fmt(st.turn_cut_speed)} deg/s")
        if w.angle < st.turn_cut_angle:
            short.append(f"swing under turn_cut_angle {_fmt(st.turn_cut_angle)}°")
        if short:
            why.append(f"the head turn around then is a {_swing_text(r, w)}: {' and '.join(short)}")
    else:
        why.append("Henry's head does not turn there")
    look = [b for b in _henry_looks_near(r, t, max(1.0, 2 * tol))
            if abs(b.t - t) <= max(1.0, 2 * tol)] if r.scripted else []
    if look:
        b = min(look, key=lambda b: abs(b.t - t))
        why.append(f"nearest look beat: {_beat_text(r, b)}")
    return [Failure(expected, actual, tuple(why))]


def _listed_window(r: Replay, c, listed: list, los: list[float]) -> bool:
    """Whether cut ``c`` falls in one of the ``listed`` windows (sorted by start ``los``;
    disjoint, since overlapping windows are refused when the file is parsed) with a
    matching direction."""
    k = bisect_right(los, c.frame / r.fps + EPS)
    return any(_in_window(r, c, s) and s["direction"] in (None, c.direction)
               for s in listed[max(0, k - 2):k + 1])


def check_cuts_exact(e: Expectation, r: Replay) -> list[Failure]:
    listed = sorted(e.spec["cuts"], key=lambda s: s["time"] - s["tolerance"])
    los = [s["time"] - s["tolerance"] for s in listed]
    extra = [c for c in r.plan.cuts if not _listed_window(r, c, listed, los)]
    if not extra:
        return []
    expected = ("no turn cuts" if not listed else
                f"only the {len(listed)} listed turn cut{'s' * (len(listed) != 1)}")
    actual = f"{len(extra)} unexpected turn cut{'s' * (len(extra) != 1)}"
    why = [f"unexpected cut at {_cut_text(r, c)}" for c in extra[:8]]
    if len(extra) > 8:
        why.append(f"... and {len(extra) - 8} more")
    why.append("add a [[cut]] for each cut you accept, or remove 'exact = true'")
    return [Failure(expected, actual, tuple(why))]


def check_shots_count(e: Expectation, r: Replay) -> list[Failure]:
    lo, hi = e.spec["min"], e.spec["max"]
    n = len(r.plan.shots)
    if (lo is None or n >= lo) and (hi is None or n <= hi):
        return []
    cuts = ", ".join(f"{c.frame / r.fps:.3f} s" for c in r.plan.cuts) or "none"
    return [Failure(e.label, f"{n} shot{'s' * (n != 1)}", (f"turn cuts at: {cuts}",))]


def check_shots_longest(e: Expectation, r: Replay) -> list[Failure]:
    mx = e.spec["longest_max"]
    over = [s for s in r.plan.shots if (s.end_frame - s.start_frame) / r.fps > mx + EPS]
    if not over:
        return []
    longest = max(over, key=lambda s: s.end_frame - s.start_frame)
    why = [f"Shot {s.index:03d}: frames {s.start_frame}–{s.end_frame - 1} ({s.start_tc}–{s.end_tc}), "
           f"{(s.end_frame - s.start_frame) / r.fps:.3f} s" for s in over[:8]]
    return [Failure(f"no shot longer than {_fmt(mx)} s",
                    f"{len(over)} shot{'s' * (len(over) != 1)} longer; the longest is "
                    f"{(longest.end_frame - longest.start_frame) / r.fps:.3f} s", tuple(why))]


def check_in_view(e: Expectation, r: Replay) -> list[Failure]:
    s = e.spec
    want = s["visible"]
    name = s["performer"]
    state = "in view" if want else "out of view"
    if "time" in s:
        expected = f"{name} {state} at {_fmt(s['time'])} s"
        f = _frame_in_range(r, s["time"], expected)
        p = _performer_index(r, name, expected)
        expected = f"{name} {state} at {r.at(f)}"
        vis = bool(visibility(r, [f], p)[0])
        if vis == want:
            return []
        return [Failure(expected, why_visible(r, f, p))]
    if "shot" in s:
        n = s["shot"]
        expected = f"{name} {state} in shot {n}"
        if n > len(r.plan.shots):
            return [Failure(expected, f"there is no shot {n}: the replay has {len(r.plan.shots)} shot"
                                      f"{'s' * (len(r.plan.shots) != 1)}")]
        p = _performer_index(r, name, expected)
        shot = r.plan.shots[n - 1]
        pname = r.level.performers[p].name
        vis = pname in shot.performers_in_view
        if vis == want:
            return []
        frames = np.arange(shot.start_frame, shot.end_frame)
        v = visibility(r, frames, p)
        frac = float(v.mean()) if v.size else 0.0
        others = ", ".join(shot.performers_in_view) or "nobody"
        span = (f"Shot {n:03d}, frames {shot.start_frame}–{shot.end_frame - 1} "
                f"({shot.start_tc}–{shot.end_tc})")
        expected = f"{name} {state} in {span} (in view: visible on at least a quarter of its frames)"
        actual = f"{'not ' if want else ''}in view: visible on {frac:.0%} of its frames"
        why = [f"in view in this shot: {others}"]
        if want and v.size:
            mid = int(frames[len(frames) // 2])
            why.append(f"mid-shot, at {r.at(mid)}: {why_visible(r, mid, p)}")
        return [Failure(expected, actual, tuple(why))]
    t0, t1 = s["from"], s["to"]
    word = "throughout" if want else "at any time in"
    expected = f"{name} {'visible' if want else 'not visible'} {word} {_fmt(t0)}–{_fmt(t1)} s"
    p = _performer_index(r, name, expected)
    f0 = int(math.ceil(t0 * r.fps - 1e-6))
    f1 = min(int(math.floor(t1 * r.fps + 1e-6)), r.frames - 1)
    if f0 > f1:
        return [Failure(expected, f"no frame lies in {_fmt(t0)}–{_fmt(t1)} s (the replay ends at "
                                  f"{r.frames / r.fps:.3f} s)")]
    frames = np.arange(f0, f1 + 1)
    vis = visibility(r, frames, p)
    bad = vis != want
    if not bad.any():
        return []
    runs = _runs(bad)
    k = int(bad.sum())
    actual = (f"{'not visible' if want else 'visible'} on {k} of {len(frames)} frames, first at "
              f"{r.at(int(frames[runs[0][0]]))}")
    why = [f"{'hidden' if want else 'seen'} {frames[a] / r.fps:.3f}–{frames[b] / r.fps:.3f} s "
           f"(frames {frames[a]}–{frames[b]})" for a, b in runs[:5]]
    if len(runs) > 5:
        why.append(f"... and {len(runs) - 5} more spans")
    why.append(f"at {r.at(int(frames[runs[0][0]]))}: {why_visible(r, int(frames[runs[0][0]]), p)}")
    return [Failure(expected, actual, tuple(why))]


def check_position(e: Expectation, r: Replay) -> list[Failure]:
    s = e.spec
    who = s["who"]
    expected = e.label
    f = _frame_in_range(r, s["time"], expected)
    henry = _is_henry(r, who)
    if henry:
        x, z = (float(v) for v in r.motion.henry_xz[f])
        yaw = float(r.motion.track.yaw[f])
        down = False
        name = r.henry_name()
    else:
        p = _performer_index(r, who, expected)
        x, z = (float(v) for v in r.motion.perf_xz[f, p])
        yaw = float(r.motion.perf_facing[f, p])
        down = bool(r.motion.perf_down[f, p])
        name = r.level.performers[p].name
    fails = []
    at = r.at(f)
    if "x" in s or "z" in s:
        ex, ez = s.get("x"), s.get("z")
        d = math.hypot((x - ex) if ex is not None else 0.0, (z - ez) if ez is not None else 0.0)
        if d > s["tolerance"] + EPS:
            want = ", ".join(f"{k} {s[k]:.3f}" for k in ("x", "z") if k in s)
            fails.append(Failure(f"{name} at {want} (± {_fmt(s['tolerance'])} m) at {at}",
                                 f"{name} at x {x:.3f}, z {z:.3f}: {d:.3f} m off"))
    if "yaw" in s:
        dy = _wrap180(yaw - s["yaw"])
        if abs(dy) > s["angle_tolerance"] + EPS:
            what = "camera yaw" if henry else "facing"
            fails.append(Failure(f"{name}'s {what} {s['yaw']:.1f}° (± {_fmt(s['angle_tolerance'])}°) at {at}",
                                 f"{yaw:.1f}° ({dy:+.1f}°)"))
    if "down" in s:
        if henry and s["down"]:
            fails.append(Failure(f"{name} down at {at}", "Henry is the camera; he never goes down in previs"))
        elif down != s["down"]:
            falls = [b for b in r.level.beats if not henry and b.actor == r.level.performers[p].id
                     and b.action in ("fall", "down")]
            why = tuple(f"falls in beat: {_beat_text(r, b)} (down from {b.end:g} s)" for b in falls)
            fails.append(Failure(f"{name} {'down' if s['down'] else 'standing'} at {at}",
                                 f"{'down' if down else 'standing'}", why or ("no fall/down beat for them",)))
    return fails


def _finding_text(r: Replay, fd) -> str:
    if fd.kind == "clearance":
        a, b = fd.who
        gap = f"{fd.distance:.2f} m apart" if fd.distance >= 0 else f"overlapping by {-fd.distance:.2f} m"
        return (f"clearance: {a} and {b} {gap} at {r.at(fd.frame)} "
                f"(safety_distance {_fmt(r.plan.settings.safety_distance)} m)")
    who = ", ".join(fd.who)
    return (f"{fd.kind} zone '{fd.zone}': {who} entered at {r.at(fd.frame)} at x {fd.x:.2f}, z {fd.z:.2f}, "
            f"left at {fd.exit:.3f} s")


def _allowed(fd, a) -> bool:
    if fd.kind != a["kind"]:
        return False
    if a["who"] is not None and sorted(fd.who) != sorted(a["who"]):
        return False
    if a["time"] is not None and abs(fd.time - a["time"]) > a["tolerance"] + EPS:
        return False
    if a["zone"] is not None and getattr(fd, "zone", None) != a["zone"]:
        return False
    return True


def check_safety_findings(e: Expectation, r: Replay) -> list[Failure]:
    allow = e.spec["allow"]
    n = e.spec["findings"]
    found = [fd for fd in r.plan.safety if not any(_allowed(fd, a) for a in allow)]
    if len(found) == n:
        return []
    why = [_finding_text(r, fd) for fd in found[:10]]
    if len(found) > 10:
        why.append(f"... and {len(found) - 10} more")
    if found:
        why.append("fix the choreography, or accept a finding with a [[safety.allow]] entry "
                   "(kind, who, time)")
    extra = f" not covered by [[safety.allow]]" if allow else ""
    return [Failure(e.label, f"{len(found)} safety finding{'s' * (len(found) != 1)}{extra}", tuple(why))]


def check_min_clearance(e: Expectation, r: Replay) -> list[Failure]:
    from ..plan.safety import body_names, body_positions, clearance_findings

    mc = e.spec["min_clearance"]
    fds = clearance_findings(r.level, r.motion, mc)
    if not fds:
        return []
    # Findings round the gap to 0.01 m; measure it exactly on each finding's frame.
    names = body_names(r.level)
    radii = [r.level.henry.radius] + [p.radius for p in r.level.performers]
    xz = None

    def gap(fd) -> float:
        nonlocal xz
        if xz is None:
            xz = body_positions(r.motion)
        i, j = names.index(fd.who[0]), names.index(fd.who[1])
        d = float(np.hypot(*(xz[fd.frame, i] - xz[fd.frame, j])))
        return d - radii[i] - radii[j]

    gaps = [gap(fd) for fd in fds]
    k = min(range(len(fds)), key=lambda k: (gaps[k], fds[k].frame))
    worst = fds[k]
    a, b = worst.who
    why = [f"{f.who[0]} and {f.who[1]}: {g:.3f} m at {r.at(f.frame)}" for f, g in list(zip(fds, gaps))[:10]]
    if len(fds) > 10:
        why.append(f"... and {len(fds) - 10} more")
    why.append("clearance is the gap between body circles (centre distance minus both radii); "
               "contact beats' windows and performers who are down do not count")
    return [Failure(f"no two bodies closer than {_fmt(mc)} m outside contact beats",
                    f"{a} and {b} come within {gaps[k]:.3f} m at {r.at(worst.frame)}; "
                    f"{len(fds)} encounter{'s' * (len(fds) != 1)} under {_fmt(mc)} m", tuple(why))]


def check_comfort_peak(e: Expectation, r: Replay) -> list[Failure]:
    mx = e.spec["max"]
    sp = np.abs(np.asarray(r.plan.yaw_speed))
    if sp.size == 0:
        return []
    f = int(np.argmax(sp))
    peak = float(sp[f])
    if peak <= mx + EPS:
        return []
    over = _runs(sp > mx)
    why = [f"over {_fmt(mx)} deg/s at {r.at(a)}–{b / r.fps:.3f} s" for a, b in over[:5]]
    lk = _look_at(r, f / r.fps)
    if lk is not None:
        why.append(f"the fastest turn follows {_beat_text(r, lk)}")
    return [Failure(f"peak yaw speed at most {_fmt(mx)} deg/s", f"{peak:.1f} deg/s at {r.at(f)}", tuple(why))]


def check_comfort_seconds(e: Expectation, r: Replay) -> list[Failure]:
    mx = e.spec["max"]
    c = r.plan.comfort
    if c.seconds_over_comfort <= mx + EPS:
        return []
    shots = ", ".join(f"{i}" for i in c.shots) or "none"
    return [Failure(f"at most {_fmt(mx)} s turning faster than {_fmt(c.comfort_speed)} deg/s",
                    f"{c.seconds_over_comfort:.3f} s", (f"in shots: {shots}",))]


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
    dang = np.stack([np.abs(getattr(track, a)[:n] - getattr(golden, a)[:n]) for a in ANGLES], axis=1)
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
    return {"first": first, "pos_first": pos_first, "ang_first": ang_first, "angle": angle,
            "length": length, "fps": fps_diff, "max_pos": float(dpos.max()) if n else 0.0,
            "max_ang": float(dang.max()) if n else 0.0, "n": n}


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
        nlook = [x for x in r.level.beats if x.actor == r.level.henry.id and x.action == "look"
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
    why.append(f"largest difference: {d['max_pos']:.4f} m, {d['max_ang']:.4f}°")
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


def update_golden(e: Expectation, r: Replay) -> str:
    """Write the replay's track over the golden file (atomically); returns what happened:
    ``created``, ``updated`` or ``unchanged``."""
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
    text = r.motion.track.to_csv_text()
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


CHECKS = {
    "cut": check_cut,
    "cuts.exact": check_cuts_exact,
    "shots.count": check_shots_count,
    "shots.longest_max": check_shots_longest,
    "in_view": check_in_view,
    "position": check_position,
    "safety.findings": check_safety_findings,
    "safety.min_clearance": check_min_clearance,
    "comfort.peak_yaw_speed_max": check_comfort_peak,
    "comfort.seconds_over_comfort_max": check_comfort_seconds,
    "golden": check_golden,
}


def check(e: Expectation, r: Replay) -> list[Failure]:
    """Run the check of expectation ``e`` on replay ``r``: its failures (empty = pass)."""
    try:
        return CHECKS[e.kind](e, r)
    except _Bad as bad:
        return [bad.failure]
