"""Which reader a rehearsal file needs, by its content (never its name alone).

- a folder or ``.zip``: Sensor Logger (``Gyroscope.csv`` with ``seconds_elapsed``) or
  phyphox (``Time (s)``, ``Gyroscope x (rad/s)`` columns);
- bytes 4-8 ``ftyp``: an MP4 (GoPro, :mod:`.gopro`);
- text starting ``GYROFLOW IMU LOG``: Gyroflow ``.gcsv``;
- a CSV with phyphox's column names: phyphox;
- a CSV with ``time`` and ``yaw`` columns: previs's ``track.csv`` (a ready camera track).

Anything else is refused in one line listing the formats previs reads.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from ..errors import PrevisError
from . import gcsv, gopro, phyphox, sensor_logger, trackcsv
from .bundle import open_bundle
from .textcsv import read_log_text

FORMATS = ("a GoPro MP4 (HERO5 or later, MAX), a Gyroflow .gcsv, a Sensor Logger export (zip or folder), "
           "a phyphox CSV (or its zip), or a previs track.csv")


def _bundle(path: str):
    b = open_bundle(path)
    if b.has("gyroscope.csv"):
        name, text = b.text("gyroscope.csv")
        head = text[:2048].lower()
        if "seconds_elapsed" in head:
            return sensor_logger.read(b)
    if b.csvs() and phyphox.in_bundle(b):
        return phyphox.read_bundle(b)
    found = ", ".join(b.csvs()) or "no CSV files"
    raise PrevisError(f"{path}: not a recording previs reads (found {found}); expected {FORMATS}.")


def read_rehearsal(path: str | os.PathLike):
    """The file's motion: an :class:`~.imu.ImuLog`, or a
    :class:`~previs.sim.track.CameraTrack` for a track.csv. Raises :class:`PrevisError`."""
    from ..safe_paths import Unreadable, open_regular

    name = os.fspath(path)
    if Path(name).is_dir():
        return _bundle(name)
    try:  # a regular file only: a FIFO would hang, a device never end
        with open_regular(name) as f:
            head = f.read(4096)
    except Unreadable as e:
        raise PrevisError(f"{name}: cannot read the track: it {e.reason}.") from None
    except OSError as e:
        raise PrevisError(f"{name}: cannot read the track: {e.strerror or e}.") from None
    if not head:
        raise PrevisError(f"{name}: empty (0 bytes); expected {FORMATS}.")
    if gopro.sniff(head):
        return gopro.read(name)
    if head[:4] == b"PK\x03\x04" or zipfile.is_zipfile(name):
        return _bundle(name)
    try:
        head_text = head.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        if e.start < len(head) - 3:  # not just a multi-byte character cut at 4096 bytes
            raise PrevisError(f"{name}: not a format previs reads (binary, and not an MP4); expected {FORMATS}.") from None
        head_text = head[:e.start].decode("utf-8-sig")
    if gcsv.sniff(head_text):
        return gcsv.parse(read_log_text(name, "Gyroflow IMU log"), name)
    if phyphox.sniff(head_text):
        return phyphox.parse(read_log_text(name, "phyphox CSV"), name)
    if trackcsv.sniff(head_text):
        return trackcsv.parse(read_log_text(name, "track.csv", trackcsv.MAX_BYTES), name)
    if "seconds_elapsed" in head_text.lower():
        raise PrevisError(f"{name}: one CSV of a Sensor Logger export; give the whole export (its zip or folder), "
                          "which holds Gyroscope.csv and TotalAcceleration.csv.")
    first = next((ln.strip() for ln in head_text.splitlines() if ln.strip()), "")[:60]
    raise PrevisError(f"{name}: not a format previs reads (it starts {first!r}); expected {FORMATS}.")
