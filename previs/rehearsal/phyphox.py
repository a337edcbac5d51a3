"""phyphox CSV exports: ``Time (s)`` and ``Gyroscope x (rad/s)``… columns, with the
acceleration *with g* (``Acceleration x (m/s^2)``…) in the same file or in a second CSV of
the same export (a folder or ``.zip``: ``Gyroscope.csv`` and ``Accelerometer.csv``).

phyphox offers three CSV dialects: comma with decimal point, tab with decimal point, and
semicolon with decimal comma; all are read. Phone axes as in :mod:`.sensor_logger`.
"""

from __future__ import annotations

import numpy as np

from ..errors import PrevisError
from .bundle import Bundle
from .imu import ImuLog, check_times, make_log
from .textcsv import numbers_or_refuse, split_lines, table

GYRO_COLS = {"t": "time (s)", "x": "gyroscope x (rad/s)", "y": "gyroscope y (rad/s)", "z": "gyroscope z (rad/s)"}
ACC_COLS = {"t": "time (s)", "x": "acceleration x (m/s^2)", "y": "acceleration y (m/s^2)",
            "z": "acceleration z (m/s^2)"}


def normalise(text: str) -> str:
    """Comma-separated text from any of phyphox's three dialects."""
    head = text[:512]
    if "\t" in head:
        return text.replace("\t", ",")
    if ";" in head:
        return text.replace(",", ".").replace(";", ",")
    return text


def header_of(text: str) -> str:
    lines = split_lines(normalise(text[:4096]))
    return lines[0][1].lower() if lines else ""


def sniff(text_head: str) -> bool:
    h = header_of(text_head)
    return "time (s)" in h and ("gyroscope x" in h or "acceleration x" in h)


def _stream(name: str, text: str, cols: dict, what: str):
    c, first = table(name, split_lines(normalise(text)), cols, what)
    check_times(name, c["t"], "time", first_row=first)
    return c["t"], numbers_or_refuse(name, c, ("x", "y", "z"), first, tuple(cols[k] for k in "xyz"))


def parse(text: str, name: str) -> ImuLog:
    """One CSV holding both gyroscope and acceleration-with-g columns."""
    h = header_of(text)
    if "gyroscope x (rad/s)" not in h:
        raise PrevisError(f"{name}: no 'Gyroscope x (rad/s)' column; export the phyphox experiment that records "
                          "the gyroscope (and acceleration with g).")
    if "acceleration x (m/s^2)" not in h:
        raise PrevisError(f"{name}: gyroscope only; previs also needs 'Acceleration x (m/s^2)' (with g) to tell "
                          "which way is up: export both sensors (a zip or folder with both CSVs is fine).")
    t, gyro = _stream(name, text, GYRO_COLS, "phyphox CSV")
    _, acc = _stream(name, text, ACC_COLS, "phyphox CSV")
    return make_log(name, "phyphox", t - t[0], gyro, acc)


def in_bundle(b: Bundle) -> bool:
    return any(sniff(b.text(m)[1][:4096]) for m in b.csvs())


def read_bundle(b: Bundle) -> ImuLog:
    gyro = acc = None
    for m in b.csvs():
        name, text = b.text(m)
        h = header_of(text)
        if "time (s)" not in h:
            continue
        if "gyroscope x (rad/s)" in h and gyro is None:
            gyro = (name, text)
        if "acceleration x (m/s^2)" in h and acc is None:
            acc = (name, text)
    if gyro is None:
        raise PrevisError(f"{b.name}: no CSV with a 'Gyroscope x (rad/s)' column; record the gyroscope too.")
    if acc is None:
        raise PrevisError(f"{b.name}: no CSV with 'Acceleration x (m/s^2)' (acceleration with g); record it too, "
                          "so previs can tell which way is up.")
    tg, g = _stream(*gyro, GYRO_COLS, "phyphox gyroscope CSV")
    ta, a = _stream(*acc, ACC_COLS, "phyphox acceleration CSV")
    return make_log(b.name, "phyphox", tg - tg[0], g, a, accel_t=ta - tg[0])
