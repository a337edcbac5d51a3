"""Rehearsal against plan: global offset, tempo map, matched cuts (``alignment.json``).

Both sides are shot plans (:class:`~previs.plan.shotplan.ShotPlan`): the plan of a level
(or of a planned track) and the plan of the rehearsal. Times are seconds from each one's
frame 0.

1. **Yaw speed on one grid**: the rehearsal's per-frame yaw speed is resampled onto the
   plan's frame rate; both are clipped to +-:data:`CLIP_SPEED` so one violent spin does
   not outweigh every beat.
2. **Global offset** (s, rehearsal time minus plan time): the lag of the highest
   cross-correlation of the two signed yaw-speed curves (FFT, whole-frame lags).
3. **Tempo map**: banded DTW (:mod:`.dtw`) of the two curves averaged down to
   :data:`DTW_RATE` Hz (0.1 s steps: a 10-minute rehearsal is 6 000 rows), the band
   centred on the offset and :data:`BAND_FRACTION` of the plan's length wide (at least
   :data:`MIN_BAND` s), so a tempo drift of +-8 % over the whole take stays inside it;
   coarse to fine (1 Hz with that band, then 10 Hz within 4 s of the coarse path).
4. **Matched cuts**: each planned cut, in order, takes the rehearsal turn cut of the same
   direction nearest its tempo-mapped time, within :data:`MATCH_WINDOW` s, not taken
   before; the match is exact to the rehearsal's frame (the DTW grid only says where to
   look). ``difference`` = matched time - (plan time + offset): + = later than the plan
   lined up at its start. ``late_by`` is the beat against the performer's *own* tempo
   there: matched time minus the time its matched neighbours predict (the median over the
   straight lines through one of up to :data:`NEIGHBOURS` matched cuts before it and one
   after, so another late beat nearby does not move it; at the ends, lines through two
   cuts on the one side), so a slow
   stretch of the fight is not every beat late. A cut is ``late`` or ``early`` when
   ``|late_by|`` exceeds :data:`BEAT_TOLERANCE`, else ``on time``; ``missed`` when nothing
   matched. Rehearsal cuts matched by no planned cut
   are ``extra_cuts``.
5. **Shots** (the plan's): the rehearsal's length of each shot between its matched cuts;
   a shot ran long when it lasted more than :data:`LONG_TOLERANCE` s longer than planned.
6. **Beats** (a level's choreography, when the plan has them): when each happened in the
   rehearsal: between two matched cuts at most :data:`LONG_GAP` s apart, their lags
   (straight between them: the cuts are exact, the DTW in the holds between whips is
   not); across a longer stretch, or before the first or after the last cut, the tempo
   map corrected to meet the matched cuts at its ends. ``behind`` = that time - (beat
   time + offset): how far behind the start-aligned plan the fight ran there.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .dtw import coarse_to_fine

FORMAT = "previs-alignment/1"
CLIP_SPEED = 400.0
"""deg/s: the yaw speeds are clipped to +-this before they are compared."""
DTW_RATE = 10.0
"""Hz: the tempo map's grid."""
BAND_FRACTION = 0.15
"""The DTW band's half width as a fraction of the plan's duration."""
MIN_BAND = 3.0
"""s: the DTW band's smallest half width."""
MATCH_WINDOW = 0.6
"""s: how far from its tempo-mapped time a planned cut looks for its rehearsal cut."""
BEAT_TOLERANCE = 0.1
"""s: a matched cut further than this from plan time + offset is early or late (3 frames
at 30 fps; a cut hidden in a whip is fine to about a frame or two, a beat to a tenth)."""
LONG_TOLERANCE = 0.25
"""s: a shot lasting longer than planned by more than this ran long."""
NEIGHBOURS = 3
"""Matched cuts each side that predict a beat's time from the performer's own tempo."""
LONG_GAP = 10.0
"""s: between matched cuts further apart than this a beat is timed by the tempo map."""
TEMPO_MAP_STEP = 1.0
"""s: spacing of the (plan, rehearsal) time pairs written as the tempo map."""


def _r(v: float, nd: int = 3) -> float:
    return float(round(float(v), nd)) + 0.0


@dataclass(frozen=True)
class CutMatch:
    index: int
    time: float
    direction: str
    angle: float
    rehearsal_time: float | None
    difference: float | None
    angle_difference: float | None
    status: str
    late_by: float | None = None

    def to_dict(self) -> dict:
        return {"index": self.index, "time": self.time, "direction": self.direction, "angle": self.angle,
                "rehearsal_time": self.rehearsal_time, "difference": self.difference, "late_by": self.late_by,
                "angle_difference": self.angle_difference, "status": self.status}


def own_tempo_lateness(p: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Seconds each matched cut (plan times ``p``, rehearsal times ``r``) is later than its
    neighbours predict (see the module doc, step 4); 0 where it has no neighbour. Two
    passes: beats found off by more than :data:`BEAT_TOLERANCE` in the first do not
    predict their neighbours in the second."""
    first = _lateness(p, r, np.ones(len(p), dtype=bool), fit=False)
    return _lateness(p, r, np.abs(first) <= BEAT_TOLERANCE, fit=True)


def _lateness(p: np.ndarray, r: np.ndarray, usable: np.ndarray, fit: bool) -> np.ndarray:
    """Pass 1 (``fit`` False): the median of straight lines through pairs of neighbours
    (robust to a late neighbour). Pass 2: a least-squares quadratic through the usable
    neighbours (a tempo that speeds up and slows down bends the lag curve: over +-7 s a
    straight line would miss an 8 % swing by up to 0.15 s)."""
    n = len(p)
    out = np.zeros(n)
    y = r - p  # the rehearsal's lag behind the plan at each cut
    good = np.flatnonzero(usable)
    for k in range(n):
        pos = int(np.searchsorted(good, k))
        before = [int(j) for j in good[max(0, pos - NEIGHBOURS):pos] if j != k]
        after = [int(j) for j in good[pos:pos + NEIGHBOURS + 1] if j != k][:NEIGHBOURS]
        if fit and before + after:
            nb = before + after
            deg = 2 if len(nb) >= 4 else (1 if len(nb) >= 2 else 0)
            coef = np.polyfit(p[nb] - p[k], y[nb], deg)
            out[k] = y[k] - float(np.polyval(coef, 0.0))
            continue
        if before and after:  # straight lines between one cut before and one after
            pairs = [(a, b) for a in before for b in after]
        else:  # an end: lines through two cuts on the one side there is
            side = before or after
            pairs = [(a, b) for a in side for b in side if a < b] or [(side[0], side[0])]
        preds = []
        for a, b in pairs:
            if a == b or p[b] == p[a]:
                preds.append(y[a])
            else:
                preds.append(y[a] + (y[b] - y[a]) * (p[k] - p[a]) / (p[b] - p[a]))
        if preds:
            out[k] = y[k] - float(np.median(preds))
    return out


@dataclass(frozen=True)
class Alignment:
    plan_title: str
    rehearsal_title: str
    fps: float
    offset: float
    cuts: tuple[CutMatch, ...]
    extra_cuts: tuple[dict, ...]
    shots: tuple[dict, ...]
    tempo_map: tuple[tuple[float, float], ...]
    beats: tuple[dict, ...]
    plan_speed: np.ndarray
    rehearsal_speed: np.ndarray  # on the plan's frame grid, shifted by the tempo map

    @property
    def matched(self) -> list[CutMatch]:
        return [c for c in self.cuts if c.rehearsal_time is not None]

    @property
    def missed(self) -> list[CutMatch]:
        return [c for c in self.cuts if c.rehearsal_time is None]

    def to_dict(self) -> dict:
        return {
            "format": FORMAT,
            "plan": self.plan_title,
            "rehearsal": self.rehearsal_title,
            "fps": int(self.fps) if float(self.fps).is_integer() else self.fps,
            "offset": self.offset,
            "tolerance": BEAT_TOLERANCE,
            "cuts": [c.to_dict() for c in self.cuts],
            "extra_cuts": list(self.extra_cuts),
            "shots": list(self.shots),
            "beats": list(self.beats),
            "tempo_map": [list(p) for p in self.tempo_map],
        }


def _on_grid(speed: np.ndarray, fps: float, grid_fps: float) -> np.ndarray:
    n = int(round(len(speed) / fps * grid_fps))
    t = np.arange(n) / grid_fps
    return np.interp(t, np.arange(len(speed)) / fps, speed)


def global_offset(plan_speed: np.ndarray, rehearsal_speed: np.ndarray, fps: float) -> float:
    """Seconds to add to plan times to land on rehearsal times (both curves at ``fps``)."""
    p = np.clip(plan_speed, -CLIP_SPEED, CLIP_SPEED)
    r = np.clip(rehearsal_speed, -CLIP_SPEED, CLIP_SPEED)
    n = len(p) + len(r) - 1
    size = 1 << (n - 1).bit_length()
    c = np.fft.irfft(np.fft.rfft(r, size) * np.conj(np.fft.rfft(p, size)), size)
    # c[lag] for lag >= 0 at c[lag]; negative lags wrap to the end.
    lags = np.concatenate((np.arange(0, len(r)), np.arange(-(len(p) - 1), 0)))
    vals = np.concatenate((c[:len(r)], c[size - (len(p) - 1):])) if len(p) > 1 else c[:len(r)]
    return float(lags[int(np.argmax(vals))]) / fps


def _decimate(x: np.ndarray, factor: int) -> np.ndarray:
    m = len(x) // factor
    if m == 0:
        return x[:1].copy()
    return x[: m * factor].reshape(m, factor).mean(axis=1)


def tempo_map(plan_speed: np.ndarray, rehearsal_speed: np.ndarray, fps: float, offset: float
              ) -> tuple[np.ndarray, np.ndarray]:
    """(plan times, rehearsal times) on the :data:`DTW_RATE` grid, monotone."""
    factor = max(1, int(round(fps / DTW_RATE)))
    rate = fps / factor
    a = _decimate(np.clip(plan_speed, -CLIP_SPEED, CLIP_SPEED), factor)
    b = _decimate(np.clip(rehearsal_speed, -CLIP_SPEED, CLIP_SPEED), factor)
    width = int(np.ceil(max(MIN_BAND, BAND_FRACTION * len(plan_speed) / fps) * rate))
    path = coarse_to_fine(a, b, j0=offset * rate, width=width)
    tp = (np.arange(len(a)) + 0.5) / rate
    tr = (path + 0.5) / rate
    tr = np.maximum.accumulate(tr)
    return tp, tr


def peak_time(speed: np.ndarray, frame: int, fps: float) -> float:
    """Seconds of a cut's peak, to a fraction of a frame: the vertex of the parabola
    through the |yaw speed| of the peak frame and its two neighbours (a cut is a whole
    frame; timing a beat to +-half a frame on both sides would blur 1/fps of lateness)."""
    if 0 < frame < len(speed) - 1:
        y0, y1, y2 = np.abs(speed[frame - 1:frame + 2])
        den = y0 - 2 * y1 + y2
        if den < 0:
            return (frame + float(np.clip(0.5 * (y0 - y2) / den, -0.5, 0.5))) / fps
    return frame / fps


def align(plan, rehearsal) -> Alignment:
    """Align the ``rehearsal`` plan to ``plan`` (see the module doc)."""
    fps = float(plan.fps)
    ps = np.asarray(plan.yaw_speed, dtype=np.float64)
    rs = _on_grid(np.asarray(rehearsal.yaw_speed, dtype=np.float64), float(rehearsal.fps), fps)
    offset = global_offset(ps, rs, fps)
    tp, tr = tempo_map(ps, rs, fps, offset)

    def mapped(t: float) -> float:
        return float(np.interp(t, tp, tr, left=tr[0] + (t - tp[0]), right=tr[-1] + (t - tp[-1])))

    rfps = float(rehearsal.fps)
    r_times = {rc.index: peak_time(rehearsal.yaw_speed, rc.frame, rfps) for rc in rehearsal.cuts}
    free = list(rehearsal.cuts)
    matches = []
    for c in plan.cuts:
        want = mapped(c.time)
        best = None
        for rc in free:
            if rc.direction != c.direction:
                continue
            d = abs(r_times[rc.index] - want)
            if d <= MATCH_WINDOW and (best is None or d < abs(r_times[best.index] - want)):
                best = rc
        tpk = _r(peak_time(ps, c.frame, fps))
        if best is None:
            matches.append(CutMatch(c.index, tpk, c.direction, c.angle, None, None, None, "missed"))
            continue
        free.remove(best)
        trk = _r(r_times[best.index])
        matches.append(CutMatch(c.index, tpk, c.direction, c.angle, trk, _r(trk - tpk - offset),
                                _r(best.angle - c.angle, 1), "on time"))
    hit = [i for i, m in enumerate(matches) if m.rehearsal_time is not None]
    if hit:
        late = own_tempo_lateness(np.array([matches[i].time for i in hit]),
                                  np.array([matches[i].rehearsal_time for i in hit]))
        for i, lb in zip(hit, late):
            status = "on time" if abs(lb) <= BEAT_TOLERANCE + 1e-9 else ("late" if lb > 0 else "early")
            matches[i] = replace(matches[i], late_by=_r(lb), status=status)
    extra = tuple({"time": rc.time, "direction": rc.direction, "angle": rc.angle, "peak_speed": rc.peak_speed}
                  for rc in free)

    # Shots: plan shot k runs from cut k-1 (or the start) to cut k (or the end).
    shots = []
    by_index = {m.index: m for m in matches}
    for s in plan.shots:
        start_cut = by_index.get(s.index - 1)
        end_cut = by_index.get(s.index)
        r0 = (start_cut.rehearsal_time if start_cut else None) if s.index > 1 else None
        r1 = end_cut.rehearsal_time if end_cut else None
        rd = None
        if r0 is not None and r1 is not None:
            rd = _r(r1 - r0)
        diff = None if rd is None else _r(rd - s.duration)
        shots.append({"index": s.index, "plan_duration": s.duration, "rehearsal_duration": rd,
                      "difference": diff, "ran_long": bool(diff is not None and diff > LONG_TOLERANCE)})

    steps = np.arange(0.0, tp[-1] + 1e-9, TEMPO_MAP_STEP)
    tmap = tuple((_r(t), _r(mapped(t))) for t in steps)
    # The rehearsal's speed seen on the plan's axis: rehearsal time = mapped(plan time).
    t_plan = np.arange(len(ps)) / fps
    t_reh = np.interp(t_plan, tp, tr)
    warped = np.interp(t_reh * fps, np.arange(len(rs)), rs)
    hits = [m for m in matches if m.rehearsal_time is not None]
    # The matched cuts' times and lags, once (not per beat: 4000 beats x 300 cuts).
    hp = np.array([m.time for m in hits])
    lags = np.array([m.rehearsal_time - m.time for m in hits])
    fixes = np.array([m.rehearsal_time - mapped(m.time) for m in hits])
    beats = []
    for s in plan.shots:
        for b in s.beats:
            when = None
            if hits:
                k = int(np.searchsorted(hp, b.t))
                if 0 < k < len(hp) and hp[k] - hp[k - 1] <= LONG_GAP:  # between two near cuts: their lags
                    when = _r(b.t + float(np.interp(b.t, hp, lags)))
                else:  # a long stretch without a cut: the tempo map, bent to meet the cuts at its ends
                    when = _r(mapped(b.t) + float(np.interp(b.t, hp, fixes)))
            beats.append({"t": b.t, "beat": b.label, "rehearsal_time": when,
                          "behind": None if when is None else _r(when - b.t - offset)})
    return Alignment(plan_title=plan.title, rehearsal_title=rehearsal.title, fps=fps, offset=_r(offset),
                     cuts=tuple(matches), extra_cuts=extra, shots=tuple(shots), tempo_map=tmap,
                     beats=tuple(beats), plan_speed=ps, rehearsal_speed=warped)
