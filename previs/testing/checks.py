"""Each kind of expectation, checked against one replay: a list of failures (empty = pass).

A :class:`Replay` bundles what the checks read: the level, the motion (scripted or from a
take), its shot plan and where the expectation file lives. :func:`check` dispatches an
:class:`~previs.testing.expect.Expectation` to its check; every :class:`Failure` says what
was expected and what actually happened, in frames, seconds and timecode, and where it can,
why (the turn that fell short of a cut, the wall in the sight line, the beat nearest a
golden-track divergence).
"""

from __future__ import annotations

import math

import numpy as np

from .expect import Expectation, _fmt
from .check_base import (  # noqa: F401 (Failure, Replay re-exported)
    EPS, Failure, Replay, _Bad, _beat_text, _frame_in_range, _is_henry, _look_at, _performer_index, _runs,
    _wrap180,
)
from .cut_checks import check_cut, check_cuts_exact
from .edit_checks import check_edit_matches
from .shot_checks import check_beat, check_no_cut, check_shot, check_timecode
from .golden import check_golden, check_plan_golden, golden_diff, read_golden, update_golden  # noqa: F401 (re-exported)
from .visibility_checks import check_in_view, visibility, why_visible  # noqa: F401 (re-exported)

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
    from .shot_checks import shot_label

    why = [f"{shot_label(r, s)}: {(s.end_frame - s.start_frame) / r.fps:.3f} s" for s in over[:8]]
    return [Failure(f"no shot longer than {_fmt(mx)} s",
                    f"{len(over)} shot{'s' * (len(over) != 1)} longer; the longest is "
                    f"{(longest.end_frame - longest.start_frame) / r.fps:.3f} s", tuple(why))]


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
                     and b.downs_actor]
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
    if not hasattr(fd, "zone"):  # lying-body, landing, reach: the HUD's own line
        from ..plan.frame_truth import finding_text

        return f"{finding_text(fd)} at {r.at(fd.frame)}"
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
    # An accepted finding that no longer happens fails too: a signed-off near miss that
    # disappeared means the choreography changed there (and its allow entry is stale).
    gone = [a for a in allow if not any(_allowed(fd, a) for fd in r.plan.safety)]
    out = []
    if len(found) != n:
        why = [_finding_text(r, fd) for fd in found[:10]]
        if len(found) > 10:
            why.append(f"... and {len(found) - 10} more")
        if found:
            why.append("fix the choreography, or accept a finding with a [[safety.allow]] entry "
                       "(kind, who, time)")
        extra = f" not covered by [[safety.allow]]" if allow else ""
        out.append(Failure(e.label, f"{len(found)} safety finding{'s' * (len(found) != 1)}{extra}", tuple(why)))
    for a in gone:
        who = " and ".join(a["who"]) if a["who"] else "anyone"
        when = f" at {_fmt(a['time'])} s ± {_fmt(a['tolerance'])} s" if a["time"] is not None else ""
        zone = f" in zone '{a['zone']}'" if a["zone"] else ""
        same = [fd for fd in r.plan.safety if fd.kind == a["kind"]]
        why = [f"{a['kind']} findings now: " + ("; ".join(_finding_text(r, fd) for fd in same[:4]) or "none")]
        if a["note"]:
            why.append(f"the allow entry's note: {a['note']}")
        why.append("if the change is intended, remove that [[safety.allow]] entry")
        out.append(Failure(f"the accepted {a['kind']} finding ({who}{zone}{when}, [[safety.allow]] #{a['index']}) "
                           "still happens", "it no longer happens", tuple(why)))
    return out


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


def _seconds_over(mx: float, seconds: float, shots, expected: str, *why: str) -> list[Failure]:
    """The failure of a comfort budget: ``seconds`` over it in ``shots`` against ``mx``."""
    if seconds <= mx + EPS:
        return []
    return [Failure(expected, f"{seconds:.3f} s", (f"in shots: {', '.join(map(str, shots)) or 'none'}", *why))]


def check_comfort_seconds(e: Expectation, r: Replay) -> list[Failure]:
    mx, c = e.spec["max"], r.plan.comfort
    return _seconds_over(mx, c.seconds_over_comfort, c.shots,
                         f"at most {_fmt(mx)} s turning faster than {_fmt(c.comfort_speed)} deg/s")


def check_screen_comfort_seconds(e: Expectation, r: Replay) -> list[Failure]:
    mx, c = e.spec["max"], r.plan.comfort
    return _seconds_over(mx, c.seconds_over_screen_comfort, c.screen_shots,
                         f"at most {_fmt(mx)} s seen turning faster than {_fmt(c.screen_comfort_speed)} deg/s on a "
                         f"{_fmt(c.screen_fov)} deg screen", "whips that carry a cut are hidden by it and do not count")


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
    "comfort.seconds_over_screen_comfort_max": check_screen_comfort_seconds,
    "golden": check_golden,
    "golden.plan": check_plan_golden,
    "no_cut": check_no_cut,
    "shot_limit": check_shot,
    "beat": check_beat,
    "timecode.start": check_timecode,
    "timecode.end": check_timecode,
    "edit.matches": check_edit_matches,
}


def check(e: Expectation, r: Replay) -> list[Failure]:
    """Run the check of expectation ``e`` on replay ``r``: its failures (empty = pass)."""
    try:
        return CHECKS[e.kind](e, r)
    except _Bad as bad:
        return [bad.failure]
