"""From an IMU log to a head track at the plan's frame rate.

1. **Gyro bias** from the stillest half second in the first 10 s (the wearer stands still
   for a second before the fight, docs/rehearsal.md): the mean gyro there, if the gyro
   varies by under :data:`STILL_GYRO` and the accelerometer by under :data:`STILL_ACCEL`;
   otherwise no bias is removed and a note says so (phones and GoPros remove most of it
   themselves: 0.5 deg/s left over drifts the heading 30 degrees a minute, but no cut
   depends on it: cuts need 150 deg/s).
2. **Gravity** (the *up* direction in sensor axes) from the accelerometer averaged over
   :data:`GRAVITY_WINDOW` seconds centred on each sample: walking bob (~2 Hz), impacts and
   the centripetal pull of a whip (~10 m/s^2 for 0.3 s) average out, head tilts of a
   second or more are followed. Measured on the GoPro MAX sample: heading within 0.42
   degrees RMS of the camera's own orientation stream at the IMU's rate, 0.47 on the
   29.97 fps track (0.33 and 0.39 at the IMU's rate with 0.5 s and 2 s windows).
3. **Yaw rate** = (gyro - bias) . up: the turn about the vertical, which does not depend
   on how the device sits on the head and does not drift with tilt. + = turning left
   (counter-clockwise seen from above: the track's +yaw).
4. **Yaw** = trapezoid integral of the yaw rate on the file's own time stamps (never a
   nominal rate). **Pitch** = asin(look . up), **roll** = asin(right . up) with
   right = look x up_device (the device's axes as worn, per format; both degrees).
5. **Resampled** at ``fps`` by linear interpolation: frame i is at ``t[0] + i / fps``;
   ``n = round((t[-1] - t[0]) * fps)`` frames (the log's length).

Position is unknown from an IMU: every frame stands at (0, :data:`EYE_HEIGHT`, 0);
``hfov`` is ``hfov`` (default 90, the track.csv default). All vectorised: a 10-minute
200 Hz log (120 000 samples) takes a few tens of milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..sim.track import CameraTrack
from .imu import ImuLog

STILL_WINDOW = 0.5
"""s: the still period looked for."""
STILL_SEARCH = 10.0
"""s: how far into the log the still period is looked for."""
STILL_GYRO = np.radians(3.0)
"""rad/s: largest deviation of any gyro sample from the window's mean (3 deg/s)."""
STILL_ACCEL = 0.5
"""m/s^2: largest deviation of |accel| from its window mean (a held head shakes < 0.2)."""
GRAVITY_WINDOW = 1.0
"""s: the accelerometer averaging window for gravity."""
EYE_HEIGHT = 1.6
"""m: the y of every frame (no position is known from an IMU)."""


@dataclass(frozen=True)
class TrackFacts:
    """What the conversion found: ``bias`` rad/s (3,) or None, ``still`` (start, end) s of
    the still period or None, ``notes`` for the terminal, ``peak_yaw_rate`` deg/s at the
    log's own rate."""

    bias: tuple | None
    still: tuple | None
    notes: tuple
    peak_yaw_rate: float


def _window_sums(x: np.ndarray, t: np.ndarray, half: float) -> tuple[np.ndarray, np.ndarray]:
    """Mean of ``x`` rows over ``[t - half, t + half]`` for every sample (cumsum, O(N))."""
    c = np.vstack([np.zeros((1, x.shape[1])), np.cumsum(x, axis=0)])
    lo = np.searchsorted(t, t - half, side="left")
    hi = np.searchsorted(t, t + half, side="right")
    return (c[hi] - c[lo]) / (hi - lo)[:, None], hi - lo


def find_still(log: ImuLog) -> tuple[int, int] | None:
    """Sample range ``[a, b)`` of the stillest :data:`STILL_WINDOW` in the first
    :data:`STILL_SEARCH` seconds, or None if none is still enough."""
    t = log.t
    end = np.searchsorted(t, t[0] + STILL_SEARCH)
    starts = np.flatnonzero(t[:end] + STILL_WINDOW <= t[-1])
    if starts.size == 0:
        return None
    stops = np.searchsorted(t, t[starts] + STILL_WINDOW)
    # Windows every ~0.05 s are plenty: a still second holds ~10 of them.
    step = max(1, int(round(0.05 * log.rate)))
    best = None
    gnorm = np.linalg.norm(log.accel, axis=1)
    for a, b in zip(starts[::step], stops[::step]):
        if b - a < 5:
            continue
        g = log.gyro[a:b]
        dev = float(np.abs(g - g.mean(axis=0)).max())
        acc_dev = float(np.abs(gnorm[a:b] - gnorm[a:b].mean()).max())
        if dev <= STILL_GYRO and acc_dev <= STILL_ACCEL and (best is None or dev < best[0]):
            best = (dev, int(a), int(b))
    return None if best is None else (best[1], best[2])


def yaw_rate(log: ImuLog, bias: np.ndarray | None = None) -> np.ndarray:
    """Yaw rate per sample, rad/s, + = left: the gyro (less ``bias``) projected on up."""
    up, _ = _window_sums(log.accel, log.t, GRAVITY_WINDOW / 2)
    up /= np.linalg.norm(up, axis=1, keepdims=True)
    g = log.gyro if bias is None else log.gyro - bias
    return np.einsum("ij,ij->i", g, up), up


def imu_to_track(log: ImuLog, fps: float, hfov: float = 90.0) -> tuple[CameraTrack, TrackFacts]:
    """The head track of ``log`` at ``fps`` (see the module doc) and what was found."""
    notes = list(log.notes)
    still = find_still(log)
    bias = None
    if still is not None:
        bias = log.gyro[still[0]:still[1]].mean(axis=0)
    else:
        notes.append("no still half-second in the first 10 s: gyro bias not removed "
                     "(stand still for a second when you start recording)")
    rate, up = yaw_rate(log, bias)
    t = log.t
    yaw = np.concatenate(([0.0], np.cumsum(0.5 * (rate[1:] + rate[:-1]) * np.diff(t))))
    look = np.asarray(log.look, dtype=np.float64)
    right = np.cross(look, np.asarray(log.up, dtype=np.float64))
    pitch = np.degrees(np.arcsin(np.clip(up @ look, -1.0, 1.0)))
    roll = np.degrees(np.arcsin(np.clip(up @ right, -1.0, 1.0)))
    n = max(2, int(round((t[-1] - t[0]) * fps)))
    tf = t[0] + np.arange(n) / float(fps)
    yaw_f = np.degrees(np.interp(tf, t, yaw))
    track = CameraTrack(
        fps=float(fps),
        pos=np.tile([0.0, EYE_HEIGHT, 0.0], (n, 1)),
        yaw=yaw_f,
        pitch=np.interp(tf, t, pitch),
        roll=np.interp(tf, t, roll),
        hfov=np.full(n, float(hfov)),
    )
    facts = TrackFacts(
        bias=None if bias is None else tuple(float(b) for b in bias),
        still=None if still is None else (float(t[still[0]] - t[0]), float(t[still[1] - 1] - t[0])),
        notes=tuple(notes),
        peak_yaw_rate=float(np.degrees(np.abs(rate).max())),
    )
    return track, facts
