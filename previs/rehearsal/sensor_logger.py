"""Sensor Logger (Android and iOS app) exports: a folder or ``.zip`` of one CSV per sensor.

Each CSV has ``time`` (nanoseconds, the phone's clock), ``seconds_elapsed`` and the axes
``z,y,x``. previs needs ``Gyroscope.csv`` (rad/s) and the acceleration *with* gravity:
``TotalAcceleration.csv`` (m/s^2), else ``Gravity.csv`` (the app's ``Accelerometer`` is
user acceleration, gravity removed, and cannot tell which way is up).
The app writes all of them in one convention on both platforms: at rest the vector points
up the phone's axis that faces up (+9.81 m/s^2). Phone axes: x right, y up the screen, z
out of the screen; worn with the back camera facing forward the wearer looks along -z.
"""

from __future__ import annotations

import numpy as np

from ..errors import PrevisError
from .bundle import Bundle
from .imu import ImuLog, check_times, make_log
from .textcsv import numbers_or_refuse, split_lines, table

GYRO = "gyroscope.csv"
ACCEL_CHOICES = ("totalacceleration.csv", "gravity.csv")


def _stream(b: Bundle, base: str) -> tuple[np.ndarray, np.ndarray]:
    name, text = b.text(base)
    lines = split_lines(text)
    header = lines[0][1].lower() if lines else ""
    tkey = "time" if "time" in [c.strip().strip('"') for c in header.split(",")] else "seconds_elapsed"
    cols, first = table(name, lines, {"t": tkey, "x": "x", "y": "y", "z": "z"},
                        f"Sensor Logger CSV with columns {tkey},z,y,x")
    t = cols["t"] * (1e-9 if tkey == "time" else 1.0)
    check_times(name, t, tkey, first_row=first)
    xyz = numbers_or_refuse(name, cols, ("x", "y", "z"), first)
    return t, xyz


def read(b: Bundle) -> ImuLog:
    if not b.has(GYRO):
        raise PrevisError(f"{b.name}: no Gyroscope.csv; record with the Gyroscope sensor on "
                          f"(found {', '.join(b.csvs()) or 'no CSV'}).")
    tg, gyro = _stream(b, GYRO)
    notes = []
    if b.has("totalacceleration.csv"):
        ta, acc = _stream(b, "totalacceleration.csv")
    elif b.has("gravity.csv"):
        ta, acc = _stream(b, "gravity.csv")
        notes.append("gravity from Gravity.csv (no TotalAcceleration.csv)")
    else:
        raise PrevisError(f"{b.name}: no TotalAcceleration.csv or Gravity.csv beside Gyroscope.csv; record with "
                          "the Total Acceleration (or Gravity) sensor on, so previs can tell which way is up.")
    t0 = tg[0]
    return make_log(b.name, "Sensor Logger", tg - t0, gyro, acc, accel_t=ta - t0, notes=notes)
