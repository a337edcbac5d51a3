"""Turn-cut expectations: one expected cut (``[[cut]]``) and "no cuts but these"
(``[cuts] exact``), each O(log cuts) by bisecting the plan's sorted cuts, swings and looks.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right


from .expect import Expectation, _fmt
from .check_base import EPS, Failure, Replay, _beat_text, _cut_text, _swing_text

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
        looks = [b for b in r.level.beats if b.actor == r.level.henry.id and b.aims]
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
