"""Walk and run with planted feet: procedural footsteps from the simulated ground path.

Input: every body's ground position (F, A, 2) metres and facing yaw (F, A) degrees per
frame (the simulation's ``perf_xz``/``perf_facing``, Henry's ``henry_xz`` and camera yaw).
Output (:class:`Gait`, all frames at once, vectorised over frames and bodies): the pelvis,
both ankle targets and foot rotations, and the gait phase the arms swing with.

The gait phase ``phi`` (cycles; one cycle = one stride = two steps) advances by the
distance walked over the stride length at that speed, plus, when (nearly) standing, by the
yaw turned (turning in place makes small steps); see :func:`previs.sim.gait_rule.gait_phase`.
When a body stops it takes the steps it needs to stand with both feet under it (the phase
runs on to the next double support and one half-cycle further), so a
stop never freezes a foot in the air. Foot ``s`` (left 0, right 1) is in stance while
``frac(phi - s/2) < duty``; its plant point for step ``k`` is where the body is at that
step's mid-stance, offset sideways to its hip. A stance foot rolls heel -> flat -> ball about
a point fixed on the floor: the heel until the foot is flat, the ball from heel-off, so the
foot never slides while planted. The swing foot arcs from one plant to the next.
The pelvis bobs twice per stride (lowest at heel strike) and is lowered where a stance foot
would otherwise be out of the leg's reach (so the two-bone leg IK always reaches).

Gait numbers (stride = two steps): stride length, the walk-run blend and the gait phase
are :mod:`previs.sim.gait_rule`'s (shared with the camera's head bob, with their sources);
stance is 62 % of the cycle walking (Perry 1992, *Gait Analysis*) and 35 % running
(contact ~0.24 s at 4 m/s).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..sim.gait_rule import gait_phase, ground_speed, run_weight, stride_length, walk_weight  # noqa: F401 (stride_length: re-exported)
from ..sim.script import smoothstep
from .limbs import HEEL_POINT
from .skeleton import ANKLE_HEIGHT, HIP_HALF, PELVIS_HEIGHT, SHIN, THIGH, TOE_IN_FOOT, rot_x, rot_y

WALK_DUTY, RUN_DUTY = 0.62, 0.35
MAX_TURN_RATE = 300.0
"""deg/s: the fastest a body's feet and hips follow its facing (a standing performer's
facing may snap to a new target in one frame; the body turns 180 deg in 0.6 s)."""
HEEL_STRIKE_PITCH, TOE_OFF_PITCH = 15.0, 35.0
"""Degrees the foot is toe-up at heel strike and heel-up at toe-off."""
CLEARANCE_WALK, CLEARANCE_RUN = 0.06, 0.16
"""Metres the swing foot's arc rises at walking and running speed."""
BOB_WALK, BOB_RUN = 0.02, 0.04
"""Metres of pelvis bob (peak to trough) walking and running."""
MAX_HALF_STANCE = 0.6
"""Seconds from a foot landing to the moment its plant point is taken (mid-stance: 0.33 s
at 1.4 m/s, 0.56 s at 0.5 m/s)."""
STANCE_REACH = 0.5
"""Metres (1.8 m body) from the body's ground point beyond which a planted foot lifts: the
leg, with the heel up and the pelvis down at most ~8 cm, reaches no farther."""
ROLL_RATE = 0.5
"""Strides per second at and above which a planted foot rolls fully heel to toe."""
LEG_REACH = 0.995
"""Fraction of thigh + shin the leg IK may straighten to (a stance knee is never locked)."""


@dataclass(frozen=True, eq=False)
class Gait:
    """Every body's locomotion, all frames: ``pelvis`` (F, A, 3) world metres; ``ankle``
    (F, A, 2, 3) world ankle targets (left, right); ``foot_rot`` (F, A, 2, 3, 3) the feet's
    world rotations (unscaled); ``phase`` (F, A) cycles; ``speed`` (F, A) m/s; ``run``
    (F, A) 0 walking .. 1 running; ``stance`` (F, A, 2) bool: the foot is planted."""

    pelvis: np.ndarray
    ankle: np.ndarray
    foot_rot: np.ndarray
    phase: np.ndarray
    speed: np.ndarray
    run: np.ndarray
    stance: np.ndarray


def duty(v):
    """Fraction of a stride a foot is on the floor at speed ``v`` m/s."""
    r = run_weight(v)
    return (1 - r) * WALK_DUTY + r * RUN_DUTY


def limit_turn_rate(yaw: np.ndarray, fps: float, rate: float = MAX_TURN_RATE) -> np.ndarray:
    """(F, A) unwrapped yaw (deg) following ``yaw`` (F, A) the short way at most ``rate``
    deg/s (a loop over frames, vectorised over bodies)."""
    yaw = np.asarray(yaw, np.float64)
    out = np.empty_like(yaw)
    if len(yaw) == 0:
        return out
    step = rate / fps
    cur = yaw[0].copy()
    out[0] = cur
    for f in range(1, len(yaw)):
        cur = cur + np.clip((yaw[f] - cur + 180.0) % 360.0 - 180.0, -step, step)
        out[f] = cur
    return out


def _ankle(ground: np.ndarray, yaw: np.ndarray, pitch: np.ndarray, scale: np.ndarray):
    """Ankle world position (..., 3) and foot rotation (..., 3, 3) of a foot whose flat
    footprint has its ankle over ``ground`` (..., 3, y = 0), facing ``yaw``, rolled by
    ``pitch`` (deg; + toe up about the heel, - heel up about the ball)."""
    ry = rot_y(yaw)
    rot = ry @ rot_x(pitch)
    pivot = np.where((pitch > 0)[..., None], HEEL_POINT, TOE_IN_FOOT) * scale[..., None]
    flat = ground + np.array((0.0, ANKLE_HEIGHT, 0.0)) * scale[..., None]
    pw = flat + np.einsum("...ij,...j->...i", ry, pivot)
    return pw - np.einsum("...ij,...j->...i", rot, pivot), rot


@dataclass(frozen=True, eq=False)
class Footsteps:
    """Every body's footsteps, built once per replay: ``phase``, ``speed``, ``run`` (F, A);
    ``roll`` (F, A) 0..1 how far a planted foot rolls heel-to-toe (0 once the steps stop,
    so a standing body stands flat);
    ``xz`` (F, A, 2) as given and ``yaw`` (F, A, unwrapped deg) turning at most
    :data:`MAX_TURN_RATE`; ``scale`` (A,); per body
    and foot (left, right) the steps ``k0 + i``: ``plant`` (A, 2, K, 3) ground points,
    ``plant_yaw`` (A, 2, K) deg and ``duty`` (A, 2, K) (the fraction of its stride each step is
    planted, shortened where the body leaves the foot behind; padded with the last step)."""

    phase: np.ndarray
    speed: np.ndarray
    run: np.ndarray
    roll: np.ndarray
    xz: np.ndarray
    yaw: np.ndarray
    scale: np.ndarray
    k0: np.ndarray
    plant: np.ndarray
    plant_yaw: np.ndarray
    duty: np.ndarray


def _steps(phi, xz, yaw, v, scale, side: int, fps: float):
    """One foot of one body: first step index and its steps' plants (K, 3), yaws, duties."""
    F = len(phi)
    off = 0.5 * side
    k0 = int(np.floor(phi[0] - off)) - 1
    ks = np.arange(k0, int(np.floor(phi[-1] - off)) + 3)
    fidx = np.arange(F, dtype=np.float64)
    f_start = np.interp(ks + off, phi, fidx)
    dk = duty(np.interp(f_start, fidx, v))
    # Mid-stance, or MAX_HALF_STANCE after the foot lands if the phase stops short of it (a
    # body that stopped with this foot just down: it stands where it stopped).
    f_mid = np.minimum(np.interp(ks + off + dk / 2, phi, fidx), f_start + MAX_HALF_STANCE * fps)
    px = np.interp(f_mid, fidx, xz[:, 0])
    pz = np.interp(f_mid, fidx, xz[:, 1])
    pyaw = np.interp(f_mid, fidx, yaw)
    lateral = (HIP_HALF + 0.01) * scale * (1.0 - 0.6 * run_weight(np.interp(f_mid, fidx, v))) * (1 if side else -1)
    a = np.radians(pyaw)
    plant = np.stack([px + lateral * np.cos(a), np.zeros_like(px), pz - lateral * np.sin(a)], axis=-1)
    # A foot leaves the floor early once the body is STANCE_REACH from it (a start from
    # standing, a sprint, a step in): its stance ends at the first such frame's phase.
    u = phi - off
    k = np.floor(u).astype(np.int64)
    c = u - k
    i = k - k0
    far = (c < dk[i]) & (np.hypot(xz[:, 0] - plant[i, 0], xz[:, 1] - plant[i, 2]) > STANCE_REACH * scale)
    lift = dk.copy()
    np.minimum.at(lift, i[far], c[far])
    return k0, plant, pyaw, lift


def footsteps(xz: np.ndarray, yaw: np.ndarray, scale: np.ndarray, fps: float) -> Footsteps:
    """The :class:`Footsteps` of bodies at ground positions ``xz`` (F, A, 2) m facing
    ``yaw`` (F, A) deg (wrapped or not), ``scale`` (A,) = height / 1.8 m, at ``fps``."""
    xz = np.asarray(xz, np.float64)
    F, A = xz.shape[:2]
    yaw = limit_turn_rate(yaw, fps)
    v = ground_speed(xz, fps)
    phi = gait_phase(v, yaw, fps)
    rows = [[_steps(phi[:, a], xz[:, a], yaw[:, a], v[:, a], float(scale[a]), side, fps) for side in (0, 1)]
            for a in range(A)]  # per body and foot: its own step list (vectorised over steps)
    K = max(len(r[1]) for body in rows for r in body)
    k0 = np.zeros((A, 2), np.int64)
    plant = np.zeros((A, 2, K, 3))
    pyaw = np.zeros((A, 2, K))
    dk = np.zeros((A, 2, K))
    for a, body in enumerate(rows):
        for side, (k, pl, py, d) in enumerate(body):
            n = len(pl)
            k0[a, side] = k
            plant[a, side, :n], plant[a, side, n:] = pl, pl[-1]
            pyaw[a, side, :n], pyaw[a, side, n:] = py, py[-1]
            dk[a, side, :n], dk[a, side, n:] = d, d[-1]
    rate = np.gradient(phi, axis=0) * fps if F > 1 else np.zeros_like(phi)
    n = max(1, int(round(0.3 * fps)))
    roll = np.clip(rate / ROLL_RATE, 0.0, 1.0)
    roll = np.cumsum(np.concatenate([np.zeros((n, A)), roll]), axis=0)
    roll = (roll[n:] - roll[:-n]) / n  # trailing 0.3 s mean: fades out over 0.3 s after a stop
    return Footsteps(phi, v, run_weight(v), roll, xz, yaw, np.asarray(scale, np.float64), k0, plant, pyaw, dk)


def gait_at(st: Footsteps, fr: np.ndarray, rows: np.ndarray | None = None) -> Gait:
    """The :class:`Gait` on frames ``fr`` (n,) (every array's first axis is n) of the bodies
    ``rows`` (R,) (default all, in order; the second axis of every array follows ``rows``)."""
    n = len(fr)
    if rows is None:
        rows = np.arange(st.phase.shape[1])
    A = len(rows)
    at = (np.asarray(fr)[:, None], rows[None, :])
    phi = st.phase[at]
    v = st.speed[at]
    r = st.run[at]
    u = phi[:, :, None] - np.array((0.0, 0.5))  # (n, A, 2)
    k = np.floor(u).astype(np.int64)
    c = u - k
    K = st.plant.shape[2]
    i = np.clip(k - st.k0[rows][None], 0, K - 2)
    ai = rows[None, :, None]
    si = np.arange(2)[None, None, :]
    dd = st.duty[ai, si, i]
    stance = c < dd
    scale = st.scale[rows]
    sc = np.broadcast_to(scale[None, :, None], (n, A, 2))
    p0, p1 = st.plant[ai, si, i], st.plant[ai, si, i + 1]
    y0, y1 = st.plant_yaw[ai, si, i], st.plant_yaw[ai, si, i + 1]
    s = np.clip((c - dd) / (1.0 - dd), 0.0, 1.0)
    e = smoothstep(s)
    # A step of duty 0 (no stance phase) divides by zero here; those values are never
    # used (stance is False there), so numpy is not to print a warning about them.
    with np.errstate(divide="ignore", invalid="ignore"):
        hs = np.clip(1.0 - c / (0.12 * dd), 0.0, 1.0) * HEEL_STRIKE_PITCH
        to = -np.clip((c - 0.55 * dd) / (0.45 * dd), 0.0, 1.0) * TOE_OFF_PITCH
    pitch_st = np.where(c < 0.12 * dd, hs, to) * st.roll[at][:, :, None]
    ank_st, rot_st = _ankle(p0, y0, np.where(stance, pitch_st, 0.0), sc)
    # Swing: from the toe-off pose on plant k to the heel-strike pose on plant k + 1.
    a0, _ = _ankle(p0, y0, np.full(s.shape, -TOE_OFF_PITCH), sc)
    a1, _ = _ankle(p1, y1, np.full(s.shape, HEEL_STRIKE_PITCH), sc)
    vr = r[:, :, None]
    lift = ((1 - vr) * CLEARANCE_WALK + vr * CLEARANCE_RUN) * sc * np.sin(np.pi * s)
    ank_sw = a0 + (a1 - a0) * e[..., None]
    ank_sw[..., 1] += lift
    rot_sw = rot_y(y0 + (y1 - y0) * e) @ rot_x(-TOE_OFF_PITCH + (HEEL_STRIKE_PITCH + TOE_OFF_PITCH) * e)
    ankle = np.where(stance[..., None], ank_st, ank_sw)
    rot = np.where(stance[..., None, None], rot_st, rot_sw)
    g = walk_weight(v)
    bob = g * ((1 - r) * BOB_WALK + r * BOB_RUN) * 0.5 * (1 + np.cos(4 * np.pi * phi))
    xz = st.xz[at]
    pelvis = np.empty((n, A, 3))
    pelvis[..., 0], pelvis[..., 2] = xz[..., 0], xz[..., 1]
    pelvis[..., 1] = (PELVIS_HEIGHT - bob) * scale
    # Keep every planted ankle within the leg's reach: lower the pelvis where needed.
    a_rad = np.radians(st.yaw[at])
    right = np.stack([np.cos(a_rad), -np.sin(a_rad)], axis=-1)  # (n, A, 2) body +X on the ground
    reach = LEG_REACH * (THIGH + SHIN) * scale
    for side, sgn in ((0, -1.0), (1, 1.0)):
        hip = xz + sgn * HIP_HALF * scale[:, None] * right
        dxz = np.linalg.norm(ankle[:, :, side, [0, 2]] - hip, axis=-1)
        top = ankle[:, :, side, 1] + np.sqrt(np.maximum(reach * reach - dxz * dxz, 0.0)) + 0.04 * scale
        pelvis[..., 1] = np.where(stance[:, :, side], np.minimum(pelvis[..., 1], top), pelvis[..., 1])
    return Gait(pelvis=pelvis, ankle=ankle, foot_rot=rot, phase=phi, speed=v, run=r, stance=stance)


def gait(xz: np.ndarray, yaw: np.ndarray, scale: np.ndarray, fps: float) -> Gait:
    """The :class:`Gait` of every frame (see :func:`footsteps` for the arguments)."""
    st = footsteps(xz, yaw, scale, fps)
    return gait_at(st, np.arange(st.phase.shape[0]))
