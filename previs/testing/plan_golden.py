"""The shot-plan golden (``LEVEL.golden.plan.json``): what the replay's shot plan says, in a
canonical, diff-friendly text, and its semantic comparison with tolerances.

**What it holds** (:func:`summarise`): the frame rate, length and timecodes; every turn cut
(frame, time, timecode, direction); every shot (in and out frames and timecodes, its
length, and every performer visible on any of its frames with the first and last such
frame and how many); every safety finding (kind, who, frame, zone); the comfort figures.
Shots are **named by a stable label**, their opening cut's time (``"10.542 s"``; the first
shot ``"start"``), never by their index, so a cut added early in the fight does not
renumber every later shot's messages.

**Why JSON, one entry per line.** The golden is read back with the standard library
(:mod:`json`, no TOML writer needed) and written by :func:`to_text` with one cut, one shot,
one performer-in-shot and one finding per line, so ``git diff`` of a golden shows exactly
the entries that changed, and nothing else: every number is rounded to the precision
compared (frames are integers; times to the millisecond, speeds to 0.1 deg/s), so the same
replay always writes the same bytes.

**The comparison** (:func:`compare`) matches cuts by frame within ``tolerance`` seconds
(default 0.1 s, as ``[[cut]]``), shots by their opening cut, performers by name, findings by
kind, people and zone within 0.5 s (as ``[[safety.allow]]``), and returns readable lines::

    cut at 36.625 s (left) moved +0.500 s to 37.125 s
    shot from 10.542 s: Goon 4 now in frame 36.208-41.000 s (frames 869-984), was never
    safety: new clearance finding Goon 3 and Henry at 13.042 s (frame 313)

Pure (numpy and json), no clock.
"""

from __future__ import annotations

import json

import numpy as np

FORMAT = "previs-plan-golden/1"
DEFAULT_TOLERANCE = 0.1
"""Seconds: cuts, shot ends and first/last frames in frame may move this much."""
SAFETY_TOLERANCE = 0.5
"""Seconds a finding may move and still be the same finding (the [[safety.allow]] default)."""
SPEED_TOLERANCE = 1.0
"""deg/s the peak yaw speed may change (it is written to 0.1 deg/s)."""


def _t(frame: int, fps: float) -> float:
    return round(frame / fps, 3) + 0.0


def _secs(frame: int, fps: float) -> str:
    return f"{frame / fps:.3f}"


def shot_label(start_frame: int, fps: float) -> str:
    """A shot's stable name: its opening cut's time, or ``start`` for the first shot."""
    return "start" if start_frame == 0 else f"{_secs(start_frame, fps)} s"


def _visible(r) -> np.ndarray:
    """``(F, P)`` visibility of every performer on every frame (the plan's rule), cached."""
    if "vis_all" not in r._cache:
        from ..plan.visibility import visible_frames

        r._cache["vis_all"] = visible_frames(r.level, r.motion)
    return r._cache["vis_all"]


def summarise(r) -> dict:
    """The plan golden's data for replay ``r`` (a :class:`~previs.testing.check_base.Replay`)."""
    pl, fps = r.plan, r.fps
    vis = _visible(r)
    names = [p.name for p in r.level.performers]
    shots = []
    for s in pl.shots:
        seen = vis[s.start_frame:s.end_frame]
        in_frame = []
        for p in np.flatnonzero(seen.any(axis=0)).tolist():
            idx = np.flatnonzero(seen[:, p])
            in_frame.append({"who": names[p], "first": int(s.start_frame + idx[0]),
                             "last": int(s.start_frame + idx[-1]), "frames": int(idx.size)})
        shots.append({"label": shot_label(s.start_frame, fps), "in": int(s.start_frame), "out": int(s.end_frame),
                      "in_tc": s.start_tc, "out_tc": s.end_tc, "seconds": _t(s.end_frame - s.start_frame, fps),
                      "in_frame": in_frame})
    safety = []
    for fd in pl.safety:
        e = {"kind": fd.kind, "who": sorted(fd.who), "frame": int(fd.frame), "time": _t(fd.frame, fps),
             "tc": r.tc(fd.frame)}
        if getattr(fd, "zone", None):
            e["zone"] = fd.zone
        safety.append(e)
    c = pl.comfort
    return {
        "format": FORMAT,
        "fps": fps if fps != int(fps) else int(fps),
        "frames": int(r.frames),
        "start_tc": r.tc(0),
        "end_tc": r.tc(r.frames),
        "cuts": [{"label": f"{_secs(k.frame, fps)} s", "frame": int(k.frame), "time": _t(k.frame, fps),
                  "tc": k.timecode, "direction": k.direction} for k in pl.cuts],
        "shots": shots,
        "safety": safety,
        "comfort": {"peak_yaw_speed": round(float(c.peak_yaw_speed), 1) + 0.0,
                    "seconds_over_comfort": round(float(c.seconds_over_comfort), 3) + 0.0,
                    "seconds_over_screen_comfort": round(float(c.seconds_over_screen_comfort), 3) + 0.0},
    }


def _j(v) -> str:
    return json.dumps(v, ensure_ascii=False, separators=(", ", ": "))


def to_text(doc: dict) -> str:
    """The canonical text: scalars one per line, one list entry per line (a shot's
    performers in frame each on their own line under it)."""
    out = ["{"]
    keys = list(doc)
    for i, k in enumerate(keys):
        v = doc[k]
        end = "," if i < len(keys) - 1 else ""
        if isinstance(v, list):
            if not v:
                out.append(f"{_j(k)}: []{end}")
                continue
            out.append(f"{_j(k)}: [")
            for j, item in enumerate(v):
                iend = "," if j < len(v) - 1 else ""
                if k == "shots":
                    head = {a: b for a, b in item.items() if a != "in_frame"}
                    frames = item.get("in_frame", [])
                    body = _j(head)[:-1]
                    if not frames:
                        out.append(f"  {body}, \"in_frame\": []}}{iend}")
                        continue
                    out.append(f"  {body}, \"in_frame\": [")
                    for m, pf in enumerate(frames):
                        out.append(f"    {_j(pf)}{',' if m < len(frames) - 1 else ''}")
                    out.append(f"  ]}}{iend}")
                else:
                    out.append(f"  {_j(item)}{iend}")
            out.append(f"]{end}")
        else:
            out.append(f"{_j(k)}: {_j(v)}{end}")
    out.append("}")
    return "\n".join(out) + "\n"


class PlanGoldenError(ValueError):
    """A plan golden that cannot be read (not JSON, wrong format)."""


def from_text(text: str) -> dict:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise PlanGoldenError(f"not JSON ({e.msg} at line {e.lineno})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise PlanGoldenError(f"not a plan golden (its \"format\" is not {FORMAT!r})")
    for k, typ in (("cuts", list), ("shots", list), ("safety", list), ("comfort", dict), ("frames", int)):
        if not isinstance(doc.get(k), typ):
            raise PlanGoldenError(f"'{k}' is missing or has the wrong type")
    return doc


# -- comparison -----------------------------------------------------------------------------


def _span(first: int, last: int, fps: float) -> str:
    return f"{_secs(first, fps)}-{_secs(last, fps)} s (frames {first}-{last})"


def _match(old: list[int], new: list[int], tol: int) -> list[tuple[int | None, int | None]]:
    """Pair sorted frames ``old`` and ``new`` (indices) greedily by nearness within ``tol``;
    unpaired entries get None on the other side. Sorted by frame."""
    pairs = []
    used = set()
    for i, a in enumerate(old):
        best = None
        for j, b in enumerate(new):
            if j in used or abs(a - b) > tol:
                continue
            if best is None or abs(a - b) < abs(a - new[best]):
                best = j
        if best is not None:
            used.add(best)
        pairs.append((i, best))
    pairs += [(None, j) for j in range(len(new)) if j not in used]
    return sorted(pairs, key=lambda p: old[p[0]] if p[0] is not None else new[p[1]])


def compare(old: dict, new: dict, tolerance: float = DEFAULT_TOLERANCE) -> list[str]:
    """Readable lines for every difference beyond the tolerances (empty: the plans match)."""
    fps = float(new["fps"])
    tol = max(0, int(round(tolerance * fps)))
    out: list[str] = []
    if float(old["fps"]) != fps:
        out.append(f"frame rate: {new['fps']} fps, was {old['fps']} fps")
    if old["frames"] != new["frames"]:
        out.append(f"length: {new['frames']} frames ({_secs(new['frames'], fps)} s), was {old['frames']} frames "
                   f"({_secs(old['frames'], fps)} s)")
    if old.get("start_tc") != new.get("start_tc"):
        out.append(f"start timecode: {new.get('start_tc')}, was {old.get('start_tc')}")
    out += _compare_cuts(old["cuts"], new["cuts"], fps, tol)
    out += _compare_shots(old["shots"], new["shots"], fps, tol)
    out += _compare_safety(old["safety"], new["safety"], fps, int(round(SAFETY_TOLERANCE * fps)))
    out += _compare_comfort(old["comfort"], new["comfort"], tolerance)
    return out


def _compare_cuts(old, new, fps, tol) -> list[str]:
    out = []
    # Pair within two seconds first so a moved cut reads as "moved", not "gone" and "new".
    reach = max(tol, int(round(2 * fps)))
    for i, j in _match([c["frame"] for c in old], [c["frame"] for c in new], reach):
        if j is None:
            c = old[i]
            out.append(f"cut at {_secs(c['frame'], fps)} s ({c['direction']}) is gone")
        elif i is None:
            c = new[j]
            out.append(f"new cut at {_secs(c['frame'], fps)} s ({c['direction']}, frame {c['frame']}, {c['tc']})")
        else:
            a, b = old[i], new[j]
            d = b["frame"] - a["frame"]
            if abs(d) > tol:
                out.append(f"cut at {_secs(a['frame'], fps)} s ({a['direction']}) moved {d / fps:+.3f} s to "
                           f"{_secs(b['frame'], fps)} s (frame {b['frame']}, {b['tc']})")
            if a["direction"] != b["direction"]:
                out.append(f"cut at {_secs(a['frame'], fps)} s now turns {b['direction']}, was {a['direction']}")
    return out


def _compare_shots(old, new, fps, tol) -> list[str]:
    out = []
    reach = max(tol, int(round(2 * fps)))
    for i, j in _match([s["in"] for s in old], [s["in"] for s in new], reach):
        if j is None:
            s = old[i]
            out.append(f"shot from {s['label']} ({_span(s['in'], s['out'] - 1, fps)}) is gone")
            continue
        if i is None:
            s = new[j]
            who = ", ".join(p["who"] for p in s["in_frame"]) or "nobody"
            out.append(f"new shot from {s['label']} ({_span(s['in'], s['out'] - 1, fps)}), in frame: {who}")
            continue
        a, b = old[i], new[j]
        name = f"shot from {a['label']}" + (f" (now from {b['label']})" if abs(a["in"] - b["in"]) > tol else "")
        if abs(b["out"] - a["out"]) > tol:
            out.append(f"{name}: now ends at {_secs(b['out'], fps)} s ({b['out_tc']}), was {_secs(a['out'], fps)} s "
                       f"({b['seconds']:.3f} s long, was {a['seconds']:.3f} s)")
        was = {p["who"]: p for p in a["in_frame"]}
        now = {p["who"]: p for p in b["in_frame"]}
        for who in sorted(set(was) | set(now), key=lambda w: (now.get(w) or was.get(w))["first"]):
            p, q = was.get(who), now.get(who)
            if p is None:
                out.append(f"{name}: {who} now in frame {_span(q['first'], q['last'], fps)}, was never")
            elif q is None:
                out.append(f"{name}: {who} no longer in frame, was {_span(p['first'], p['last'], fps)}")
            elif (abs(q["first"] - p["first"]) > tol or abs(q["last"] - p["last"]) > tol
                  or abs(q["frames"] - p["frames"]) > 2 * tol):
                out.append(f"{name}: {who} now in frame {_span(q['first'], q['last'], fps)} on {q['frames']} "
                           f"frame{'s' * (q['frames'] != 1)}, was {_span(p['first'], p['last'], fps)} on {p['frames']}")
    return out


def _finding_key(f) -> tuple:
    return (f["kind"], tuple(f["who"]), f.get("zone"))


def _finding_text(f, fps) -> str:
    zone = f" in zone '{f['zone']}'" if f.get("zone") else ""
    who = " and ".join(f["who"])
    return f"{f['kind']} finding {who}{zone} at {_secs(f['frame'], fps)} s (frame {f['frame']}, {f['tc']})"


def _compare_safety(old, new, fps, tol) -> list[str]:
    out = []
    keys = sorted({_finding_key(f) for f in old + new}, key=str)
    for k in keys:
        a = [f for f in old if _finding_key(f) == k]
        b = [f for f in new if _finding_key(f) == k]
        for i, j in _match([f["frame"] for f in a], [f["frame"] for f in b], tol):
            if j is None:
                out.append(f"safety: {_finding_text(a[i], fps)} is gone")
            elif i is None:
                out.append(f"safety: new {_finding_text(b[j], fps)}")
    return out


def _compare_comfort(old, new, tolerance) -> list[str]:
    out = []
    a, b = old.get("peak_yaw_speed", 0.0), new.get("peak_yaw_speed", 0.0)
    if abs(a - b) > SPEED_TOLERANCE:
        out.append(f"comfort: peak yaw speed {b:.1f} deg/s, was {a:.1f} deg/s")
    for k, words in (("seconds_over_comfort", "turning over the comfort speed"),
                     ("seconds_over_screen_comfort", "seen turning over the screen comfort speed")):
        a, b = old.get(k, 0.0), new.get(k, 0.0)
        if abs(a - b) > tolerance + 1e-9:
            out.append(f"comfort: {b:.3f} s {words}, was {a:.3f} s")
    return out
