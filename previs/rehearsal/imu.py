"""The IMU log every rehearsal reader returns, and the checks every log passes.

Units: time in seconds on the file's own clock (not re-timed to a nominal rate: sensor
clocks run up to +-1 % off their nominal rates and the file's stamps are the best truth we
have); ``gyro`` rad/s; ``accel`` m/s^2 as the sensor feels it (specific force: at rest it
points *up*, +9.81 m/s^2), both in the sensor's own axes, which must be the same axes for
both (the readers map them). ``look`` and ``up`` are the sensor axes the wearer faces and
the one that points up when the device is worn level (unit vectors): they give pitch and
roll only; yaw never depends on them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import PrevisError

MIN_SAMPLES = 20
"""Fewest gyro samples a log may hold: 0.1 s at 200 Hz; less is no rehearsal."""
MIN_SECONDS = 0.5
"""Shortest log, seconds: half a second is under one head turn."""
MAX_SECONDS = 3600.0
"""Longest log, seconds: an hour, the longest track previs plans (docs/limits.md)."""
MAX_RATE = 10_000.0
"""Highest gyro rate read, Hz (phones log <= 500 Hz, action cams ~200 Hz)."""


@dataclass(frozen=True, eq=False)
class ImuLog:
    """``t`` (N,) seconds, strictly increasing; ``gyro`` (N, 3) rad/s; ``accel`` (N, 3)
    m/s^2 at the same times (readers resample a separate accelerometer stream onto the
    gyro's stamps). ``fmt`` names the format for messages, ``source`` the file."""

    t: np.ndarray
    gyro: np.ndarray
    accel: np.ndarray
    fmt: str
    source: str
    look: tuple = (0.0, 0.0, -1.0)
    up: tuple = (0.0, 1.0, 0.0)
    notes: tuple = field(default=())

    @property
    def duration(self) -> float:
        return float(self.t[-1] - self.t[0])

    @property
    def rate(self) -> float:
        """Mean sample rate, Hz, from the stamps."""
        return (len(self.t) - 1) / self.duration


def check_times(name: str, t: np.ndarray, what: str = "time", first_row: int = 2) -> None:
    """Refuse stamps that are not finite or go backwards (one line: file, row, fix); a
    repeated stamp is dropped later (:func:`make_log`).
    ``first_row`` is the file row of ``t[0]`` (a header is row 1)."""
    if len(t) == 0:
        raise PrevisError(f"{name}: no samples; record at least a few seconds of motion.")
    bad = np.flatnonzero(~np.isfinite(t))
    if bad.size:
        raise PrevisError(f"{name}: row {int(bad[0]) + first_row}: the {what} is not a number; "
                          "every row needs its time stamp (re-export the log).")
    d = np.diff(t)
    back = np.flatnonzero(d < 0)
    if back.size:
        i = int(back[0]) + 1
        raise PrevisError(f"{name}: row {i + first_row}: {what} {t[i]:.6g} comes before the row before "
                          f"({t[i - 1]:.6g}): the timestamps go backwards; re-export the log "
                          "(a log joined from two recordings cannot be read as one).")


def check_values(name: str, values: np.ndarray, columns: tuple[str, ...], first_row: int = 2) -> None:
    """Refuse rows with a missing or non-finite value (NaN rows): the first row, how many."""
    bad_rows = np.flatnonzero(~np.all(np.isfinite(values), axis=1))
    if bad_rows.size:
        r = int(bad_rows[0])
        col = columns[int(np.flatnonzero(~np.isfinite(values[r]))[0])]
        more = f" (and {bad_rows.size - 1} more row{'s' * (bad_rows.size != 2)})" if bad_rows.size > 1 else ""
        raise PrevisError(f"{name}: row {r + first_row}, column '{col}': not a number{more}; a sensor log has a "
                          "value in every column of every row: re-export it, or cut the broken rows out.")


def make_log(name: str, fmt: str, t, gyro, accel, *, accel_t=None, look=(0.0, 0.0, -1.0), up=(0.0, 1.0, 0.0),
             notes=()) -> ImuLog:
    """Check and build an :class:`ImuLog`. ``accel_t``: the accelerometer's own stamps when
    it is a separate stream (it is interpolated onto ``t``)."""
    t = np.asarray(t, dtype=np.float64)
    gyro = np.asarray(gyro, dtype=np.float64).reshape(-1, 3)
    accel = np.asarray(accel, dtype=np.float64).reshape(-1, 3)
    notes = list(notes)
    # A repeated stamp (phones batch sensor events and sometimes stamp two alike): keep the first.
    keep = np.concatenate(([True], np.diff(t) > 0))
    if not keep.all():
        notes.append(f"{int((~keep).sum())} sample(s) repeating the time stamp before them were dropped")
        t, gyro = t[keep], gyro[keep]
        if accel_t is None:
            accel = accel[keep]
    if accel_t is not None:
        at = np.asarray(accel_t, dtype=np.float64)
        ak = np.concatenate(([True], np.diff(at) > 0))
        accel_t, accel = at[ak], accel[ak]
    if len(t) < MIN_SAMPLES:
        raise PrevisError(f"{name}: only {len(t)} gyro sample{'s' * (len(t) != 1)}; a rehearsal needs at least "
                          f"{MIN_SAMPLES} (record for a few seconds).")
    dur = float(t[-1] - t[0])
    if dur < MIN_SECONDS:
        raise PrevisError(f"{name}: the log lasts {dur:.3g} s; a rehearsal needs at least {MIN_SECONDS:g} s.")
    if dur > MAX_SECONDS:
        raise PrevisError(f"{name}: the log lasts {dur:.6g} s, more than the {MAX_SECONDS:g} s previs plans; "
                          "split the recording.")
    if (len(t) - 1) / dur > MAX_RATE:
        raise PrevisError(f"{name}: {len(t) / dur:.6g} samples a second, more than {MAX_RATE:g}; the time column "
                          "is probably in the wrong unit (seconds expected after scaling).")
    if accel_t is not None:
        at = np.asarray(accel_t, dtype=np.float64)
        if len(at) < 2:
            raise PrevisError(f"{name}: the accelerometer stream has {len(at)} sample(s); gravity cannot be found.")
        accel = np.stack([np.interp(t, at, accel[:, k]) for k in range(3)], axis=1)
    if len(accel) != len(t):
        raise ValueError("accel must have one row per gyro sample (or pass accel_t)")
    g = np.linalg.norm(accel, axis=1)
    if float(np.median(g)) < 1.0:
        raise PrevisError(f"{name}: the accelerometer reads {float(np.median(g)):.3g} m/s^2 on average, not the "
                          "9.81 of gravity: the log holds acceleration without gravity (user acceleration); "
                          "export the total acceleration (with g) or the gravity sensor.")
    return ImuLog(t=t, gyro=gyro, accel=accel, fmt=fmt, source=name, look=tuple(look), up=tuple(up),
                  notes=tuple(notes))
