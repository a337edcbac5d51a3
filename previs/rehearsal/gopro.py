"""GoPro MP4 (HERO5 and later, MAX, Fusion) with its GPMF telemetry track.

The GPMF payloads are read by Gyroflow's ``telemetry-parser`` (MIT/Apache-2.0, PyPI
``telemetry-parser``), installed with the optional extra ``previs[rehearsal]``; previs does
not parse GPMF itself. Before handing the file over, :func:`mp4_problem` walks the MP4's
top-level boxes (8-byte size + type headers only) so a truncated copy or a file that is
not an MP4 gets its own one-line refusal rather than the parser's "Unsupported file format".

Samples: each GPMF payload stamps its first sample (``TimestampUs``, microseconds on the
camera's clock); the samples of a payload are spread evenly up to the next payload's stamp
(the last payload at the rate of the one before). Payloads without stamps (no STMP) take
the parser's per-sample times from the MP4's sample table. Gyro (rad/s) and accelerometer (m/s^2)
are divided by their ``Scale`` and kept in the camera's raw IMU axes, shared by both.
"""

from __future__ import annotations

import os
import struct

import numpy as np

from ..errors import PrevisError
from .imu import ImuLog, make_log

EXTRA_HINT = "pip install 'previs[rehearsal]'"
CONTAINER_TYPES = {b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide", b"uuid", b"udta", b"meta", b"pnot",
                   b"PICT", b"styp", b"sidx", b"moof", b"mfra"}


def sniff(head: bytes) -> bool:
    return len(head) >= 12 and head[4:8] == b"ftyp"


def mp4_problem(name: str) -> str | None:
    """One line if the top-level box structure is broken (truncated, no ``moov``)."""
    from ..safe_paths import Unreadable, open_regular

    try:
        size = os.path.getsize(name)
        seen = []
        with open_regular(name) as f:  # a regular file only: a FIFO would hang
            pos = 0
            while pos < size:
                f.seek(pos)
                h = f.read(16)
                if len(h) < 8:
                    return (f"{name}: truncated: the file ends {size - pos} bytes into a box header at byte {pos}; "
                            "the copy was cut short: copy it from the camera's card again.")
                n, kind = struct.unpack(">I4s", h[:8])
                if n == 1 and len(h) >= 16:
                    n = struct.unpack(">Q", h[8:16])[0]
                elif n == 0:
                    n = size - pos
                if n < 8:
                    return f"{name}: not a readable MP4: box at byte {pos} has size {n}; the file is damaged."
                seen.append(kind)
                if pos + n > size:
                    label = kind.decode("latin-1")
                    return (f"{name}: truncated: its '{label}' box runs to byte {pos + n} but the file ends at byte "
                            f"{size}; the copy was cut short (or the camera stopped before closing the file): "
                            "copy it from the card again.")
                pos += n
    except Unreadable as e:
        return f"{name}: cannot read the MP4: it {e.reason}."
    except OSError as e:
        return f"{name}: cannot read the MP4: {e.strerror or e}."
    if b"moov" not in seen:
        return (f"{name}: no 'moov' index box, so no track can be found; the recording was not closed (battery out, "
                "card pulled): GoPro's own tools can sometimes repair it.")
    return None


def _scale(v) -> np.ndarray:
    a = np.asarray(v if isinstance(v, (list, tuple)) else [v], dtype=np.float64).ravel()
    return a[:3] if a.size >= 3 else np.full(3, a[0])


def _stream(groups: list, key: str, comps: str, fallback_t=None):
    """(t seconds, values (N, len(comps)) in units) of one GPMF stream, or None. Payloads
    without their own stamp (no STMP: HERO5 firmware before 2.0) take ``fallback_t()``,
    the parser's times from the MP4's sample table, when it has one per sample."""
    gs = [g[key] for g in groups if key in g and g[key].get("Data")]
    if not gs:
        return None
    if any(g.get("TimestampUs") is None for g in gs):
        vals = [np.array([[s[c] for c in comps] for s in g["Data"]], dtype=np.float64)
                / (_scale(g["Scale"]) if "Scale" in g else 1.0) for g in gs]
        v = np.concatenate(vals)
        t = fallback_t() if fallback_t is not None else None
        if t is None or len(t) != len(v):
            return None
        return t, v
    ts, vals = [], []
    for i, g in enumerate(gs):
        d = np.array([[s[c] for c in comps] for s in g["Data"]], dtype=np.float64)
        if d.size == 0:
            continue
        if "Scale" in g:
            d = d / (_scale(g["Scale"]) if len(comps) == 3 else float(np.ravel(g["Scale"])[0]))
        t0 = g["TimestampUs"] * 1e-6
        if i + 1 < len(gs):
            step = (gs[i + 1]["TimestampUs"] * 1e-6 - t0) / len(d)
        else:
            step = np.diff(ts[-1]).mean() if ts and len(ts[-1]) > 1 else 0.005
        ts.append(t0 + np.arange(len(d)) * step)
        vals.append(d)
    if not ts:
        return None
    return np.concatenate(ts), np.concatenate(vals)


def read(name: str) -> ImuLog:
    if (p := mp4_problem(name)) is not None:
        raise PrevisError(p)
    try:
        import telemetry_parser
    except ImportError:
        raise PrevisError(f"{name}: reading a camera's MP4 telemetry needs the optional extra: {EXTRA_HINT} "
                          "(Gyroflow's telemetry-parser); or export its IMU to a .gcsv with Gyroflow.") from None
    try:
        parser = telemetry_parser.Parser(name)
        groups = parser.telemetry()
    except (OSError, ValueError, RuntimeError) as e:
        raise PrevisError(f"{name}: no camera telemetry found ({e}): record with a GoPro HERO5 or later (GPMF on), "
                          "or log the IMU with a phone (Sensor Logger, phyphox).") from None
    if "gopro" not in (parser.camera or "").lower():
        raise PrevisError(f"{name}: telemetry from a {parser.camera} camera; previs reads GoPro MP4s directly; "
                          "export the others' IMU to .gcsv with Gyroflow.")
    def sample_table_times():
        try:
            return np.array([s["timestamp_ms"] for s in parser.normalized_imu()], dtype=np.float64) * 1e-3
        except (OSError, ValueError, RuntimeError, KeyError, TypeError):
            return None

    gyro = _stream(groups, "Gyroscope", "xyz", sample_table_times)
    acc = _stream(groups, "Accelerometer", "xyz", sample_table_times)
    if gyro is None or acc is None:
        missing = " and ".join(n for n, s in (("gyroscope", gyro), ("accelerometer", acc)) if s is None)
        raise PrevisError(f"{name}: its GPMF telemetry has no {missing} stream; the camera recorded no motion "
                          "(turn off 'privacy'/GPS-only modes) so it cannot be planned.")
    tg, g = gyro
    ta, a = acc
    order = np.argsort(tg, kind="stable")
    t0 = tg[0]
    return make_log(name, "GoPro MP4", tg[order] - t0, g[order], a, accel_t=ta - t0,
                    look=(0.0, 0.0, -1.0), up=(0.0, -1.0, 0.0))


def camera_orientation(name: str):
    """The camera's own orientation stream (CORI, per video frame): (t seconds on the same
    clock as :func:`read`'s, quaternions (N, 4) w, x, y, z unit) or None. CORI's axes are the
    raw IMU axes with y negated (measured on a GoPro MAX: its body rates match the gyro's
    as (x, -y, z)). Used by the tests to check the heading against the camera's own."""
    import telemetry_parser

    groups = telemetry_parser.Parser(name).telemetry()
    cori = _stream(groups, "CameraOrientation", "wxyz")
    gyro = _stream(groups, "Gyroscope", "xyz")
    if cori is None or gyro is None:
        return None
    t, q = cori
    return t - gyro[0][0], q / np.linalg.norm(q, axis=1, keepdims=True)
