"""The procedural upper body under the clips: counter-swinging arms, lean, guard, Henry's look.

Angles in degrees on the skeleton's joints (see :mod:`previs.pose.skeleton`): ``rot_x`` +
swings a hanging arm or leg forward and bends a spine joint back; ``rot_y`` + turns left.
"""

from __future__ import annotations

import numpy as np

from .skeleton import INDEX, J

ARM_SWING_WALK, ARM_SWING_RUN = 18.0, 35.0
"""Degrees each arm swings forward and back of hanging (shoulder flexion amplitude)."""
ELBOW_WALK, ELBOW_RUN = 12.0, 85.0
"""Degrees the elbows bend walking and running."""
RUN_LEAN = 8.0
"""Degrees the spine leans forward at a run."""
CHEST_TWIST = 5.0
"""Degrees the chest counter-rotates with the arms."""
GUARD_SHOULDER, GUARD_INWARD, GUARD_ELBOW = 50.0, 15.0, 120.0
"""The guard: upper arms 50 deg forward and 15 deg in, elbows bent 120 deg: the fists in
front of the chin (~1.58 m, 0.3 m ahead of the chest for a 1.8 m body)."""
HENRY_GUARD_SHOULDER, HENRY_GUARD_INWARD, HENRY_GUARD_ELBOW = 44.0, 10.0, 78.0
"""Henry's guard, seen from his lens on the mouth mount (0.1 m below, 0.08 m ahead of the
eye: :mod:`previs.sim.head_motion`): upper arms 44 deg forward, elbows opened to 78 deg put
the fists 40 cm from the lens, about 0.57 of the half-height under the centre of the view
(the lower third of a 16:9 frame at hfov 90, looking 19 deg down at a performer's chest),
the forearms rising into the frame from its bottom edge as in the film's POV. The
performers' tighter guard (fists 22 cm ahead of the eye) filled Henry's lens with two
fists and hid the forearms; 50 deg and 90 deg, tuned for a lens at the eye, sat mid-frame
once the lens moved to the mouth."""
GUARD_CROUCH = 0.04
"""Metres the pelvis sinks in guard (knees bent)."""
HENRY_PITCH_SHARE = (("spine", 0.3), ("chest", 0.4), ("neck", 0.15), ("head", 0.15))
"""How Henry's camera pitch is shared down his spine: his guard pitches with his view, so
the fists stay in the lower part of the frame when he looks down at a body."""

_SH = (INDEX["l_upperarm"], INDEX["r_upperarm"])
_EL = (INDEX["l_forearm"], INDEX["r_forearm"])
_POSED = np.array([INDEX[j] for j in ("spine", "chest", "neck", "head")] + list(_SH) + list(_EL))
"""The joints the procedural upper body turns (the rest stay at identity)."""


def upper_body(phase, speed_weight, run, guard, pitch=None, henry=None) -> np.ndarray:
    """Local rotations (N, J, 3, 3) of N bodies: ``phase`` (N,) gait cycles, ``speed_weight``
    (N,) 0 standing .. 1 walking, ``run`` (N,) 0..1, ``guard`` (N,) 0..1, ``pitch`` (N,) deg
    of head pitch spread down the spine (Henry's; 0 for the others) or None, ``henry`` (N,)
    bool: the bodies that take Henry's guard (None: none). Legs stay at rest (the gait's IK
    poses them)."""
    n = len(phase)
    swing = np.cos(2 * np.pi * phase)
    amp = speed_weight * (ARM_SWING_WALK + (ARM_SWING_RUN - ARM_SWING_WALK) * run)
    ungu = 1.0 - guard
    mine = np.zeros(n, bool) if henry is None else np.asarray(henry, bool)
    g_sh, g_in, g_el = (np.where(mine, h, p) for h, p in ((HENRY_GUARD_SHOULDER, GUARD_SHOULDER),
                                                          (HENRY_GUARD_INWARD, GUARD_INWARD),
                                                          (HENRY_GUARD_ELBOW, GUARD_ELBOW)))
    elbow = ungu * (ELBOW_WALK + (ELBOW_RUN - ELBOW_WALK) * run) * np.maximum(speed_weight, 0.3) + guard * g_el
    ax = np.zeros((n, J))
    ax[:, _SH[0]] = ungu * -amp * swing + guard * g_sh
    ax[:, _SH[1]] = ungu * amp * swing + guard * g_sh
    ax[:, _EL[0]] = elbow
    ax[:, _EL[1]] = elbow
    ax[:, INDEX["spine"]] = -RUN_LEAN * run
    if pitch is not None:
        for name, share in HENRY_PITCH_SHARE:
            ax[:, INDEX[name]] += share * pitch
    ay = np.zeros((n, J))
    ay[:, INDEX["chest"]] = CHEST_TWIST * speed_weight * swing * ungu
    ay[:, _SH[0]] = -g_in * guard
    ay[:, _SH[1]] = g_in * guard
    out = np.broadcast_to(np.eye(3), (n, J, 3, 3)).copy()
    out[:, _POSED] = yaw_pitch(ay[:, _POSED], ax[:, _POSED])
    return out


def yaw_pitch(yaw_deg: np.ndarray, pitch_deg: np.ndarray) -> np.ndarray:
    """``rot_y(yaw) @ rot_x(pitch)`` (..., 3, 3) written out (one pass, no matrix product)."""
    a, b = np.radians(pitch_deg), np.radians(yaw_deg)
    ca, sa, cb, sb = np.cos(a), np.sin(a), np.cos(b), np.sin(b)
    m = np.empty(a.shape + (3, 3))
    m[..., 0, 0], m[..., 0, 1], m[..., 0, 2] = cb, sb * sa, sb * ca
    m[..., 1, 0], m[..., 1, 1], m[..., 1, 2] = 0.0, ca, -sa
    m[..., 2, 0], m[..., 2, 1], m[..., 2, 2] = -sb, cb * sa, cb * ca
    return m
