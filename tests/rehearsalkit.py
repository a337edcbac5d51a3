"""Synthetic rehearsals with a known truth, written in every format previs reads.

A head track (yaw, pitch, roll in degrees over *true* time) is made of holds, whip turns
(minimum-jerk, 60-150 degrees in 0.25-0.45 s: peaks 250-1100 deg/s), slow pans (no cut),
walking sway and bob; :func:`imu_from_head` turns it into what a head-worn device logs:
gyro (rad/s) and specific force (m/s^2, gravity + bob) in the device's own axes (mounted
tilted), plus gyro bias, noise and a sensor clock running ``clock_error`` fast (the file's
stamps are that clock's). The writers put one log into each format's files.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

G = 9.80665


def min_jerk(u: np.ndarray) -> np.ndarray:
    u = np.clip(u, 0.0, 1.0)
    return u ** 3 * (10 - 15 * u + 6 * u * u)


@dataclass
class HeadTrack:
    """Degrees as functions of true time; ``whips`` the true peak time and signed angle of each."""
    duration: float
    whips: list  # (peak time s, signed angle deg)
    pans: list   # (start s, duration s, signed angle deg)
    sway: float = 4.0    # deg of walking yaw sway at 0.9 Hz
    bob: float = 3.0     # deg of walking pitch bob at 1.8 Hz
    walk_from: float = 1.5  # s: still before this (the still second)

    def angles(self, t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        yaw = np.zeros_like(t)
        for peak, ang, dur in self.whips:
            yaw += ang * min_jerk((t - (peak - dur / 2)) / dur)
        for start, dur, ang in self.pans:
            yaw += ang * min_jerk((t - start) / dur)
        walking = np.clip((t - self.walk_from) / 0.5, 0.0, 1.0)
        yaw += walking * self.sway * np.sin(2 * np.pi * 0.9 * t)
        pitch = walking * self.bob * np.sin(2 * np.pi * 1.8 * t) - 5.0
        roll = walking * 2.0 * np.sin(2 * np.pi * 0.9 * t + 0.5)
        return yaw, pitch, roll

    @property
    def cut_times(self) -> np.ndarray:
        return np.array([w[0] for w in self.whips])


def random_head(seed: int, n_whips: int = 55, pans: int = 10) -> HeadTrack:
    rng = np.random.default_rng(seed)
    t = 2.5
    whips, pan_list = [], []
    for i in range(n_whips):
        t += rng.uniform(1.2, 2.6)
        if i % 5 == 2 and len(pan_list) < pans:  # a slow pan in the gap (peak < 80 deg/s: no cut)
            dur = rng.uniform(1.2, 1.6)
            ang = rng.choice([-1, 1]) * rng.uniform(30, 55)
            pan_list.append((t, dur, ang))
            t += dur + 0.8
        dur = rng.uniform(0.25, 0.45)
        ang = rng.choice([-1, 1]) * rng.uniform(60, 150)
        whips.append((t + dur / 2, ang, dur))
        t += dur
    return HeadTrack(duration=t + 2.5, whips=whips, pans=pan_list)


def rot_y(a):
    c, s = np.cos(a), np.sin(a)
    z, o = np.zeros_like(a), np.ones_like(a)
    return np.stack([np.stack([c, z, s], -1), np.stack([z, o, z], -1), np.stack([-s, z, c], -1)], -2)


def rot_x(a):
    c, s = np.cos(a), np.sin(a)
    z, o = np.zeros_like(a), np.ones_like(a)
    return np.stack([np.stack([o, z, z], -1), np.stack([z, c, -s], -1), np.stack([z, s, c], -1)], -2)


def rot_z(a):
    c, s = np.cos(a), np.sin(a)
    z, o = np.zeros_like(a), np.ones_like(a)
    return np.stack([np.stack([c, -s, z], -1), np.stack([s, c, z], -1), np.stack([z, z, o], -1)], -2)


def orientation(yaw, pitch, roll):
    """Head-to-world rotations (world: x east, y up, z south; yaw about +y, + = left),
    applied roll (Z), pitch (X), yaw (Y) as the track contract says."""
    return rot_y(np.radians(yaw)) @ rot_x(np.radians(pitch)) @ rot_z(np.radians(roll))


@dataclass
class Log:
    t: np.ndarray       # file stamps, s
    gyro: np.ndarray    # rad/s, device axes
    accel: np.ndarray   # m/s^2, device axes (with gravity)
    truth: HeadTrack
    clock: float        # file seconds per true second

    def file_time(self, true_t):
        return np.asarray(true_t) * self.clock


def imu_from_head(head: HeadTrack, *, rate: float = 200.0, seed: int = 0, bias_dps=(0.8, -0.6, 0.5),
                  noise_dps: float = 0.4, clock_error: float = 0.007, mount_deg=(12.0, -6.0, 4.0)) -> Log:
    """The IMU log a device worn on ``head`` writes (see the module doc). ``mount_deg``: the
    device's tilt on the head (pitch, roll, yaw degrees)."""
    rng = np.random.default_rng(seed)
    n = int(head.duration * rate)
    t_true = np.arange(n) / rate + rng.normal(0, 0.05 / rate, n)
    t_true.sort()
    h = 1e-4
    R0 = orientation(*head.angles(t_true))
    R1 = orientation(*head.angles(t_true + h))
    mount = rot_x(np.radians(np.array(mount_deg[0]))) @ rot_z(np.radians(np.array(mount_deg[1]))) \
        @ rot_y(np.radians(np.array(mount_deg[2])))
    S0 = R0 @ mount
    S1 = R1 @ mount
    dR = np.swapaxes(S0, -1, -2) @ S1                 # body-frame increment
    w = np.stack([dR[:, 2, 1] - dR[:, 1, 2], dR[:, 0, 2] - dR[:, 2, 0], dR[:, 1, 0] - dR[:, 0, 1]], -1) / (2 * h)
    up_world = np.array([0.0, G, 0.0])
    walking = np.clip((t_true - head.walk_from) / 0.5, 0.0, 1.0)
    bob = (walking * 1.5 * np.sin(2 * np.pi * 1.8 * t_true))[:, None] * np.array([0.0, 1.0, 0.0])
    spec = up_world + bob
    accel = np.einsum("nji,nj->ni", S0, spec) + rng.normal(0, 0.05, (n, 3))
    gyro = w + np.radians(np.asarray(bias_dps)) + rng.normal(0, np.radians(noise_dps), (n, 3))
    return Log(t=t_true * (1 + clock_error), gyro=gyro, accel=accel, truth=head, clock=1 + clock_error)


# -- writers ---------------------------------------------------------------------------------------

def write_gcsv(log: Log, path: Path) -> Path:
    gs, as_ = 0.0001, 1.0 / 8192
    rows = ["GYROFLOW IMU LOG", "version,1.3", "id,previs_test", "orientation,XYZ", "tscale,0.000001",
            f"gscale,{gs}", f"ascale,{as_}", "t,gx,gy,gz,ax,ay,az"]
    ti = np.round(log.t * 1e6).astype(np.int64)
    g = np.round(log.gyro / gs).astype(np.int64)
    a = np.round(log.accel / G / as_).astype(np.int64)
    rows += [",".join(map(str, (tt, *gg, *aa))) for tt, gg, aa in zip(ti, g, a)]
    path.write_text("\n".join(rows) + "\n")
    return path


def _sensor_logger_csv(t, xyz) -> str:
    base = 1_700_000_000_000_000_000
    ns = base + np.round(t * 1e9).astype(np.int64)
    lines = ["time,seconds_elapsed,z,y,x"]
    lines += [f"{a},{s!r},{z!r},{y!r},{x!r}" for a, s, (x, y, z) in zip(ns.tolist(), t.tolist(), xyz.tolist())]
    return "\n".join(lines) + "\n"


def write_sensor_logger(log: Log, path: Path, zipped: bool = False) -> Path:
    """A Sensor Logger export: Gyroscope.csv and TotalAcceleration.csv (accel at its own,
    slightly later stamps, as separate sensors log)."""
    files = {"Gyroscope.csv": _sensor_logger_csv(log.t, log.gyro),
             "TotalAcceleration.csv": _sensor_logger_csv(log.t + 0.0007, log.accel),
             "Metadata.csv": "version,device\n1.0,test\n"}
    if zipped:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for k, v in files.items():
                z.writestr(k, v)
    else:
        path.mkdir(parents=True, exist_ok=True)
        for k, v in files.items():
            (path / k).write_text(v)
    return path


def write_phyphox(log: Log, path: Path, dialect: str = "comma") -> Path:
    """One phyphox CSV with gyroscope and acceleration-with-g columns."""
    head = ['"Time (s)"', '"Gyroscope x (rad/s)"', '"Gyroscope y (rad/s)"', '"Gyroscope z (rad/s)"',
            '"Acceleration x (m/s^2)"', '"Acceleration y (m/s^2)"', '"Acceleration z (m/s^2)"']
    rows = [[repr(float(v)) for v in (tt, *g, *a)] for tt, g, a in zip(log.t, log.gyro, log.accel)]
    if dialect == "semicolon":
        text = ";".join(head) + "\n" + "\n".join(";".join(c.replace(".", ",") for c in r) for r in rows)
    elif dialect == "tab":
        text = "\t".join(head) + "\n" + "\n".join("\t".join(r) for r in rows)
    else:
        text = ",".join(head) + "\n" + "\n".join(",".join(r) for r in rows)
    path.write_text(text + "\n")
    return path


def write_phyphox_zip(log: Log, path: Path) -> Path:
    g = ['"Time (s)","Gyroscope x (rad/s)","Gyroscope y (rad/s)","Gyroscope z (rad/s)","Absolute (rad/s)"']
    g += [",".join(repr(float(v)) for v in (tt, *w, np.linalg.norm(w))) for tt, w in zip(log.t, log.gyro)]
    a = ['"Time (s)","Acceleration x (m/s^2)","Acceleration y (m/s^2)","Acceleration z (m/s^2)",'
         '"Absolute acceleration (m/s^2)"']
    a += [",".join(repr(float(v)) for v in (tt, *x, np.linalg.norm(x))) for tt, x in zip(log.t, log.accel)]
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("Gyroscope.csv", "\n".join(g) + "\n")
        z.writestr("Accelerometer.csv", "\n".join(a) + "\n")
        z.writestr("meta/device.csv", "property,value\n")
    return path


def write_track_csv(head: HeadTrack, path: Path, fps: float = 30.0, clock: float = 1.0, comment: bool = True) -> Path:
    """The head track itself as a previs track.csv (with a ``#`` comment header)."""
    n = int(head.duration * clock * fps)
    tf = np.arange(n) / fps
    yaw, pitch, roll = head.angles(tf / clock)
    lines = ["# previs track.csv written by the rehearsal tests"] if comment else []
    lines.append("frame,time,x,y,z,yaw,pitch,roll,hfov")
    lines += [f"{i},{i / fps!r},0.0,1.6,0.0,{y!r},{p!r},{r!r},90.0" for i, (y, p, r) in
              enumerate(zip(yaw.tolist(), pitch.tolist(), roll.tolist()))]
    path.write_text("\n".join(lines) + "\n")
    return path


def precision_recall(found: np.ndarray, truth: np.ndarray, tol: float = 0.1) -> tuple[float, float]:
    """Greedy one-to-one matching of cut times within ``tol`` seconds."""
    truth = list(np.sort(truth))
    hits = 0
    for f in np.sort(found):
        if truth:
            k = int(np.argmin([abs(f - x) for x in truth]))
            if abs(truth[k] - f) <= tol:
                hits += 1
                truth.pop(k)
    p = hits / len(found) if len(found) else 1.0
    r = hits / (hits + len(truth)) if (hits + len(truth)) else 1.0
    return p, r


def warp(head: HeadTrack, shift: float, drift: float, period: float, late: dict | None = None) -> tuple[HeadTrack, callable]:
    """The same fight performed ``shift`` s later with a tempo swinging +-``drift`` (0.08:
    +-8 %) over ``period`` s, and whips ``late`` (index -> extra seconds) later still.
    Returns the rehearsal's head and ``when(t)``: rehearsal time of plan time t (no lateness)."""
    late = late or {}
    w = 2 * np.pi / period

    def when(t):
        t = np.asarray(t, dtype=np.float64)
        return shift + t + drift * (1 - np.cos(w * t)) / w  # d/dt = 1 + drift sin(w t)

    def rate(t):
        return 1 + drift * np.sin(w * t)

    whips = [(float(when(p)) + late.get(i, 0.0), a, d * float(rate(p))) for i, (p, a, d) in enumerate(head.whips)]
    pans = [(float(when(s)), d * float(rate(s)), a) for s, d, a in head.pans]
    return HeadTrack(duration=float(when(head.duration)) + 1.0, whips=whips, pans=pans, sway=head.sway,
                     bob=head.bob, walk_from=float(when(head.walk_from))), when


# -- a GoPro MP4 with GPMF telemetry (GoPro's KLV format: 4-byte key, type, size, repeat) ------

SAMPLE_MP4 = Path(__file__).parent / "data" / "gopro" / "max-heromode-gpmf.mp4"


def _klv(key: bytes, typ: bytes, size: int, payload: bytes) -> bytes:
    repeat = len(payload) // size
    pad = (-len(payload)) % 4
    return key + typ + bytes([size]) + repeat.to_bytes(2, "big") + payload + b"\0" * pad


def _gpmf_stream(name: str, fourcc: bytes, stmp_us: int | None, scale: int, values: np.ndarray) -> bytes:
    ints = np.clip(np.round(values * scale), -32768, 32767).astype(">i2")
    body = ((b"" if stmp_us is None else _klv(b"STMP", b"J", 8, int(stmp_us).to_bytes(8, "big")))
            + _klv(b"STNM", b"c", 1, name.encode())
            + _klv(b"SCAL", b"s", 2, int(scale).to_bytes(2, "big", signed=True))
            + _klv(fourcc, b"s", 6, ints.tobytes()))
    return _klv(b"STRM", b"\0", 1, body)


def write_gopro_mp4(log: Log, path: Path, stamps: bool = True) -> Path:
    """An MP4 holding only a GPMF track ("GoPro MET", the sample's stream as template) with
    one payload a second: ACCL (scale 417: m/s^2) and GYRO (scale 939: rad/s) streams, each
    stamped (STMP, microseconds) at its first sample's file time (no STMP: ``stamps``
    False, as older firmware writes)."""
    import av

    src = av.open(str(SAMPLE_MP4))
    out = av.open(str(path), "w", format="mp4")
    stream = out.add_stream_from_template(src.streams[0])
    seconds = int(np.ceil(log.t[-1]))
    for k in range(seconds):
        sel = (log.t >= k) & (log.t < k + 1)
        if not sel.any():
            continue
        stmp = int(round(log.t[sel][0] * 1e6)) if stamps else None
        devc = (_klv(b"DVID", b"L", 4, (1).to_bytes(4, "big")) + _klv(b"DVNM", b"c", 1, b"GoPro Max")
                + _gpmf_stream("Accelerometer", b"ACCL", stmp, 417, log.accel[sel])
                + _gpmf_stream("Gyroscope", b"GYRO", stmp, 939, log.gyro[sel]))
        pkt = av.Packet(_klv(b"DEVC", b"\0", 1, devc))
        pkt.stream = stream
        pkt.pts = pkt.dts = k * 1000
        # the last payload lasts as long as its samples (the sample table times them when there is no STMP)
        pkt.duration = 1000 if k + 1 < seconds else int(round((log.t[-1] - k) * 1000 + 1000 / len(log.t[sel])))
        pkt.time_base = stream.time_base
        out.mux(pkt)
    out.close()
    src.close()
    return path


@dataclass
class SampledHead:
    """A head that turns as a camera track does (degrees at ``fps``), performed ``when``:
    rehearsal time of plan time (monotone). ``angles`` reads the track at the plan time of
    each rehearsal time (linear between frames)."""
    yaw: np.ndarray
    pitch: np.ndarray
    roll: np.ndarray
    fps: float
    when: object
    walk_from: float = 1e9  # no walking bob of our own: the track has its own motion

    def __post_init__(self):
        tp = np.arange(len(self.yaw)) / self.fps
        self._tp, self._tr = tp, np.asarray(self.when(tp), dtype=np.float64)
        self.duration = float(self._tr[-1]) + 1.0

    def angles(self, t):
        tp = np.interp(t, self._tr, self._tp)
        return (np.interp(tp, self._tp, self.yaw), np.interp(tp, self._tp, self.pitch),
                np.interp(tp, self._tp, self.roll))


def tempo(shift: float, drift: float, period: float):
    """``when(t)``: plan time t performed ``shift`` s later at a tempo swinging +-``drift``."""
    w = 2 * np.pi / period
    return lambda t: shift + np.asarray(t, dtype=np.float64) + drift * (1 - np.cos(w * np.asarray(t))) / w
