"""Gyroflow's ``.gcsv`` IMU log (docs.gyroflow.xyz, "gcsv format").

A ``GYROFLOW IMU LOG`` (or ``CAMERA IMU LOG``) first line, ``key,value`` header lines
(``tscale`` seconds per time unit, ``gscale`` rad/s per gyro unit, ``ascale`` g per
accelerometer unit), then a CSV table ``t,gx,gy,gz,ax,ay,az[,mx,my,mz]``. The axis
``orientation`` line maps sensor to camera axes; yaw rate about gravity is the same in any
axes shared by gyro and accelerometer, so it is not needed (pitch and roll assume the
camera convention x right, y up, looking along -z).
"""

from __future__ import annotations

import numpy as np

from ..errors import PrevisError
from .imu import ImuLog, check_times, make_log
from .textcsv import numbers_or_refuse, split_lines, table

MAGIC = ("GYROFLOW IMU LOG", "CAMERA IMU LOG")
G = 9.80665
"""m/s^2 per g (gcsv ``ascale`` gives g)."""


def sniff(text_head: str) -> bool:
    return text_head.lstrip("\ufeff").startswith(MAGIC)


def parse(text: str, name: str) -> ImuLog:
    lines = split_lines(text)
    if not lines or not sniff(lines[0][1]):
        raise PrevisError(f"{name}: not a Gyroflow IMU log: the first line must be 'GYROFLOW IMU LOG'.")
    meta = {}
    i = 1
    while i < len(lines) and not lines[i][1].strip().lower().startswith("t,"):
        k, _, v = lines[i][1].partition(",")
        meta[k.strip().lower()] = v.strip()
        i += 1
    if i == len(lines):
        raise PrevisError(f"{name}: no data table: a gcsv log needs a 't,gx,gy,gz,ax,ay,az' header line "
                          "after its settings.")
    scales = {}
    for key, default in (("tscale", None), ("gscale", None), ("ascale", 1.0)):
        if key not in meta:
            if default is None:
                raise PrevisError(f"{name}: the header lacks '{key}' (needed to turn the numbers into units); "
                                  "add it, e.g. 'tscale,0.001' for milliseconds.")
            scales[key] = default
            continue
        try:
            scales[key] = float(meta[key])
        except ValueError:
            raise PrevisError(f"{name}: '{key},{meta[key]}': not a number.") from None
        if not np.isfinite(scales[key]) or scales[key] <= 0:
            raise PrevisError(f"{name}: '{key},{meta[key]}': must be a positive number.")
    want = {k: k for k in ("t", "gx", "gy", "gz", "ax", "ay", "az")}
    cols, first = table(name, lines[i:], want, "gcsv table t,gx,gy,gz,ax,ay,az")
    t = cols["t"] * scales["tscale"]
    check_times(name, t, "time", first_row=first)
    vals = numbers_or_refuse(name, cols, ("gx", "gy", "gz", "ax", "ay", "az"), first)
    # Time from the first sample (a logger's stamps often count from power-on or the epoch).
    return make_log(name, "gcsv", t - t[0], vals[:, :3] * scales["gscale"], vals[:, 3:] * scales["ascale"] * G)
