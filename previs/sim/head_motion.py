"""The camera on Henry's head: the mouth mount, the neck pivot, gait bob, sway and lean.

One function, :func:`camera_on_head`, turns Henry's ground path and head angles into the
camera track's positions and roll, for the scripted fight (:func:`previs.sim.script.simulate`)
and for walked takes (:func:`previs.sim.take.replay_take`) alike. Axes and angles are the
track's (:mod:`previs.sim.track`): metres, x east, y up, z south; a head frame has +X the
right ear, +Y up, -Z the way it looks, and turns into the world by ``Ry(yaw) Rx(pitch)
Rz(roll)``.

**The mount.** The head turns about one pivot at the top of the neck (the
atlanto-occipital joint, standing over Henry's feet ``xz``, on the floor under them:
:mod:`previs.sim.floor_follow`). The eye is
:data:`EYE_ABOVE_PIVOT` above and :data:`EYE_AHEAD_OF_PIVOT` ahead of it (previs's
skeleton, ``EYE_IN_HEAD`` at 1.8 m: :mod:`previs.pose.skeleton`; close to the neck models
of head-mounted displays, e.g. the Oculus SDK's 0.075 m up, 0.0805 m ahead). The lens sits
``rig_height`` below and ``rig_forward`` ahead of the eye (a GoPro on a mask at the mouth:
0.1 m, 0.08 m). So, standing with the head level, the pivot is at ``eye_height -
EYE_ABOVE_PIVOT`` and the lens at ``eye_height - rig_height``; turning the head by ``a``
swings the lens on a circle of radius ``EYE_AHEAD_OF_PIVOT + rig_forward`` (0.16 m) about
the pivot: a 90 deg whip moves it by the chord ``2 * 0.16 * sin(45 deg) = 0.226`` m.

**Head motion** (raw, before the stabiliser), all from Henry's ground speed ``v`` and the
shared stride rule (:mod:`previs.sim.gait_rule`; the same gait phase the bodies' feet use,
one cycle = one stride = two steps):

- *bob*: vertical, twice per stride, lowest at each heel strike (phase 0 and 1/2, as the
  pelvis in :mod:`previs.pose.locomotion`): ``-(A / 2) cos(4 pi phase)``, peak to peak
  ``A = (BOB_PER_SPEED * v)`` walking (4.5 cm at 1.4 m/s, step frequency 1.86 Hz: the
  head's vertical excursion grows linearly with walking speed, Hirasaki et al. 1999, Exp.
  Brain Res. 127:117; 4-5 cm at 1.4 m/s, as the centre of mass in Perry & Burnfield,
  *Gait Analysis*, 2nd ed. 2010), :data:`BOB_RUN` running;
- *sway*: sideways toward the stance foot, once per stride, ``-(S / 2) sin(2 pi phase)``
  along the body's right (most to the left at phase 1/4, the left foot's mid-stance),
  ``S`` = :data:`SWAY_WALK` walking, :data:`SWAY_RUN` running (2-4 cm of mediolateral
  excursion at free walking speed, Perry & Burnfield);
- both scaled by :func:`~previs.sim.gait_rule.walk_weight` (0 standing, 1 from 0.6 m/s)
  and blended walk to run by :func:`~previs.sim.gait_rule.run_weight`;
- *lean into turns*: roll ``TURN_LEAN_SHARE * atan(v * w / g)`` where ``w`` is the
  walking heading's turn rate (rad/s, + left): the lean of a body cornering at ``v`` (a
  bicycle's), of which the head keeps only a quarter (the head is stabilised in roll
  during locomotion, Pozzo, Berthoz & Lefort 1990, Exp. Brain Res. 82:97), capped at
  :data:`MAX_TURN_LEAN` degrees. + roll raises the right ear: a left turn leans left.

**Stabilise** ``s`` (0..1, map property ``stabilise``): the bob, sway and lean are scaled
by ``1 - s``; 1 is a 3-axis gimbal like the film's rig (none of them; the default). The
mount offset applies at any ``s``. The head's yaw is never touched, so head motion can
neither make nor hide a turn cut (:mod:`previs.plan.cuts` reads yaw only); a mocap take's
own head roll (:mod:`previs.sim.mocap_head`) is the performance and passes through.
"""

from __future__ import annotations

import numpy as np

from ..rotations import rotation_matrices
from .floor_follow import floor_under
from .gait_rule import gait_phase, ground_speed, run_weight, walk_weight

EYE_ABOVE_PIVOT = 0.09
"""Metres the eye sits above the head's pivot at the top of the neck."""
EYE_AHEAD_OF_PIVOT = 0.08
"""Metres the eye sits ahead of that pivot."""
BOB_PER_SPEED = 0.045 / 1.4
"""Peak-to-peak vertical head bob (m) per m/s of walking speed: 4.5 cm at 1.4 m/s."""
BOB_RUN = 0.08
"""Peak-to-peak vertical head bob (m) running (the centre of mass rises and falls ~8 cm
a step at 3-4 m/s; Cavanagh & Kram 1989, Med. Sci. Sports Exerc. 21:467)."""
SWAY_WALK, SWAY_RUN = 0.03, 0.02
"""Peak-to-peak sideways head sway (m) walking and running."""
TURN_LEAN_SHARE = 0.25
"""Fraction of a cornering body's lean ``atan(v w / g)`` the head rolls."""
MAX_TURN_LEAN = 4.0
"""Degrees: the most the head leans into a turn."""
GRAVITY = 9.81
"""m/s^2."""


def head_to_world(yaw, pitch, roll, up, back) -> np.ndarray:
    """(F, 3) world vectors of the head-frame offset ``(0, up, back)`` m (+Y up, +Z behind
    the look) turned by the camera's rotation (:func:`previs.rotations.rotation_matrices`
    of ``yaw``, ``pitch``, ``roll`` degrees, (F,) each)."""
    R = rotation_matrices(yaw, pitch, roll)
    return R[..., :, 1] * up + R[..., :, 2] * back


def gait_motion(xz: np.ndarray, heading: np.ndarray, fps: float):
    """The raw head motion of a body walking ``xz`` (F, 2) m facing ``heading`` (F,) deg
    (unwrapped) at ``fps``: ``bob`` (F,) m up, ``sway`` (F, 2) m on the ground and
    ``lean`` (F,) deg of roll (see the module)."""
    xz = np.asarray(xz, np.float64)
    heading = np.asarray(heading, np.float64)
    v = ground_speed(xz[:, None], fps)[:, 0]
    phase = gait_phase(v[:, None], heading[:, None], fps)[:, 0]
    g, r = walk_weight(v), run_weight(v)
    bob = -0.5 * g * ((1 - r) * BOB_PER_SPEED * v + r * BOB_RUN) * np.cos(4 * np.pi * phase)
    side = -0.5 * g * ((1 - r) * SWAY_WALK + r * SWAY_RUN) * np.sin(2 * np.pi * phase)
    h = np.radians(heading)
    sway = side[:, None] * np.stack([np.cos(h), -np.sin(h)], axis=-1)  # the body's right
    turn = np.gradient(h) * fps if len(h) > 1 else np.zeros_like(h)  # rad/s, + left
    lean = TURN_LEAN_SHARE * np.degrees(np.arctan(v * turn / GRAVITY))
    return bob, sway, np.clip(lean, -MAX_TURN_LEAN, MAX_TURN_LEAN)


def camera_on_head(settings, xz, heading, yaw, pitch, roll, forward=None, floors=None) -> tuple[np.ndarray, np.ndarray]:
    """The lens positions (F, 3) m and the camera's roll (F,) deg of Henry walking ``xz``
    (F, 2) m, his body facing ``heading`` (F,) deg, his head at ``yaw``, ``pitch``,
    ``roll`` (F,) deg, and leaning ``forward`` (F,) m into his blows along the view's
    ground direction (None: 0). ``settings``: the level's (``eye_height``, ``rig_height``,
    ``rig_forward``, ``stabilise``); its fps times the turn rates. ``floors``: the level's
    :class:`~previs.level.floors.Floors` (None: flat): the pivot rides the floor under his
    feet, smoothed as every body's (:func:`~previs.sim.floor_follow.floor_under`)."""
    xz = np.asarray(xz, np.float64)
    F = len(xz)
    yaw = np.asarray(yaw, np.float64)
    pivot = np.column_stack([xz[:, 0], np.full(F, settings.eye_height - EYE_ABOVE_PIVOT), xz[:, 1]])
    if floors is not None:
        pivot[:, 1] += floor_under(floors, xz, float(settings.fps))
    if forward is not None:
        a = np.radians(yaw)
        pivot[:, 0] -= forward * np.sin(a)
        pivot[:, 2] -= forward * np.cos(a)
    roll = np.asarray(roll, np.float64)
    keep = 1.0 - float(settings.stabilise)
    if keep > 0.0:  # a full gimbal adds nothing: the path stays bit for bit un-bobbed
        bob, sway, lean = gait_motion(xz, heading, float(settings.fps))
        pivot[:, 1] += keep * bob
        pivot[:, [0, 2]] += keep * sway
        roll = roll + keep * lean
    lens = pivot + head_to_world(yaw, pitch, roll, EYE_ABOVE_PIVOT - settings.rig_height,
                                 -(EYE_AHEAD_OF_PIVOT + settings.rig_forward))
    return lens, roll


def eye_behind_lens(settings, track, frames) -> np.ndarray:
    """Henry's eye (n, 3) m on ``frames`` (n,) of ``track``: ``rig_height`` above and
    ``rig_forward`` behind the lens in the head's frame (the mount undone)."""
    return track.pos[frames] + head_to_world(track.yaw[frames], track.pitch[frames], track.roll[frames],
                                             settings.rig_height, settings.rig_forward)
