"""Every body's pose at any frame of a replay: :class:`BodyPoses` (numpy, deterministic).

Built once per replay from a :class:`~previs.sim.motion.Motion`: the gait (footsteps for
all frames, :mod:`previs.pose.locomotion`), the clip schedule (:mod:`previs.pose.schedule`),
props and mocap. :meth:`BodyPoses.at` then poses all performers and Henry for a frame:

1. local rotations: the procedural upper body (arm swing, guard, Henry's pitch) blended
   with the clip playing (fading in over 0.1 s, out over 0.15 s, on the joints it drives);
   Henry's arms from his take when he has ``mocap``;
2. one forward-kinematics pass for all bodies (the pelvis at the gait's height, moved by
   the clip's root motion; a striker out of reach walks its step in with the gait);
3. Henry shifted so his eye point sits where the camera's mount puts it
   (:func:`previs.sim.head_motion.eye_behind_lens`: ``rig_height`` above and
   ``rig_forward`` behind the lens, in his head's frame);
4. legs onto the gait's planted ankles (two-bone IK), unless a clip drives the legs;
5. strikes: around each contact frame the striking fist or foot is pulled onto the target's
   head or chest point (weight 1 on the contact frame, ramping over 0.15 s either side);
6. props in the right hand, or flying and lying once thrown; mocap bodies replaced.

Frames are evaluated in blocks of :data:`BLOCK` (vectorised over frames x bodies) and the
last few blocks are kept, so playing forward costs one block per BLOCK frames; a block's
bytes never depend on what was asked before (blocks are fixed, aligned runs of frames).
A player that must not pay a whole block on one frame (the window: ~9 ms, a hitch every
third of a second) calls :meth:`BodyPoses.work_ahead` once a drawn frame: it evaluates the
next block a stage at a time (7 stages of 0.1-2.5 ms), the same code, so the same bytes.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from ..sim.floor_follow import floor_under
from ..sim.head_motion import eye_behind_lens
from ..sim.script import smoothstep
from ..timebase import time_base_of
from .clips import ClipLibrary, load_library
from .frame import FramePoses
from .held_props import HeldProps
from .ik import orthonormal, yaw_of
from .limbs import fist, keep_above_floor, place_limb, plant_legs
from ..sim.gait_rule import ground_speed, walk_weight
from .locomotion import footsteps, gait_at
from .mocap import MocapBodies
from .schedule import FADE_IN, FADE_OUT, IK_RAMP, schedule
from .skeleton import (CHEST_POINT, EYE_IN_HEAD, HEAD_POINT, INDEX, J, TEMPLATE_HEIGHT, forward_kinematics,
                       point_in, rot_y)
from .upper_body import GUARD_CROUCH, upper_body

ARM_JOINTS = np.array([INDEX[j] for j in ("l_upperarm", "l_forearm", "r_upperarm", "r_forearm")])
"""The joints whose clip rotations Henry takes relative to his own guard."""


def henry_arm_swap() -> np.ndarray:
    """(4, 3, 3) per :data:`ARM_JOINTS`: ``G_p^T @ G_h``, the performers' guard undone and
    Henry's applied. The clips are keyed from the performers' guard (fists 22 cm from the
    eye); played on Henry as they are, his non-striking fist and every wind-up would sit
    against the lens. ``clip @ swap`` is Henry's guard wherever the clip holds the guard and
    the clip's own move away from it elsewhere (the strike's IK still lands the fist)."""
    one = np.zeros(1)
    perf = upper_body(one, one, one, np.ones(1))[0, ARM_JOINTS]
    henry = upper_body(one, one, one, np.ones(1), pitch=one, henry=np.ones(1, bool))[0, ARM_JOINTS]
    return np.swapaxes(perf, -1, -2) @ henry

IN_FRONT_OF_LENS = 0.15
"""Metres in front of Henry's lens where a blow to his head lands, so the fist fills the
frame instead of vanishing behind it (:meth:`BodyPoses.lens_point`)."""
BLOCK = 8
"""Frames evaluated together (a third of a second at 24 fps)."""
CACHE_BLOCKS = 4
HENRY_DRIVES = ("l_upperarm", "l_forearm", "l_hand", "r_upperarm", "r_forearm", "r_hand",
                "l_thigh", "l_shin", "l_foot", "r_thigh", "r_shin", "r_foot")
"""The joints a clip drives on Henry: his limbs only (his chest and head follow the camera)."""


class BodyPoses:
    """The posed bodies of one replay (see the module). ``library`` defaults to the bundled
    clips (``assets/clips``)."""

    def __init__(self, motion, library: ClipLibrary | None = None):
        level = motion.level
        self.motion = motion
        self.level = level
        self.lib = library if library is not None else load_library()
        self.tb = time_base_of(level.settings)
        self.fps = float(self.tb.fps)
        F = motion.frames
        P = len(level.performers)
        self.P, self.A, self.F = P, P + 1, F
        self.scale = np.array([p.height for p in level.performers] + [level.henry.height], float) / TEMPLATE_HEIGHT
        self.xz = np.concatenate([np.asarray(motion.perf_xz, float).reshape(F, P, 2),
                                  np.asarray(motion.henry_xz, float)[:, None]], axis=1)
        self.facing = np.concatenate([np.asarray(motion.perf_facing, float).reshape(F, P),
                                      np.asarray(motion.track.yaw, float)[:, None]], axis=1)
        self.sched = schedule(level, motion, self.lib, self.xz, ground_speed(self.xz, self.fps), self.facing)
        # The feet walk the simulated path plus the strikes' steps in, facing the clips'
        # targets; bodies turn at most MAX_TURN_RATE (a facing snap reads as a quick turn).
        # Henry's chest follows the camera exactly.
        self.steps = footsteps(self.xz + self.sched.lunge, self._facing_targets(), self.scale, self.fps)
        self.body_yaw = self.steps.yaw.copy()
        self.body_yaw[:, P] = self.facing[:, P]
        self.times = self.tb.times(F)
        # (F, A) m: the floor each body stands on (None when flat): the camera's own rule,
        # so Henry's body and his lens climb together (previs.sim.floor_follow).
        floors = level.walls.floors
        self.floor_y = None if floors is None else floor_under(floors, self.xz, self.fps)
        m = self.lib.mask.copy()
        henry = np.zeros(J)
        henry[[INDEX[j] for j in HENRY_DRIVES]] = 1.0
        self.henry_mask = m * henry[None, :]
        self.henry_arms = henry_arm_swap()
        st = level.settings  # the lens in his head's frame, template metres (the mount: head_motion)
        self.lens_point = EYE_IN_HEAD + np.array((0.0, -st.rig_height, -st.rig_forward - IN_FRONT_OF_LENS)) / self.scale[P]
        self.props = HeldProps(level, self)
        self.mocap = MocapBodies(level, self)
        self._cache: OrderedDict[int, np.ndarray] = OrderedDict()
        self._ahead: tuple[int, object] | None = None  # (block, its stages not yet run)
        self._root_reach = self._root_rise = None  # per clip, metres (template): see pelvis_bounds

    def _facing_targets(self) -> np.ndarray:
        """(F, A) facing: the simulation's, or toward the target of the clip playing."""
        face = self.sched.face
        to = self.xz[np.arange(self.F)[:, None], np.maximum(face, 0)] - self.xz
        ok = (face >= 0) & (np.hypot(to[..., 0], to[..., 1]) > 1e-6)
        return np.where(ok, yaw_of(to[..., 0], to[..., 1]), self.facing)

    def at(self, frame: int) -> FramePoses:
        """The bodies at ``frame`` (clamped into ``[0, frames)``)."""
        f = min(max(int(frame), 0), self.F - 1)
        w = self.world_at(f)
        names, prop_world = self.props.at(f, w)
        return FramePoses(world=w, prop_names=names, prop_world=prop_world)

    def prefetch(self, frame: int) -> None:
        """Evaluate the block holding ``frame`` now if it is not cached (a player calls it for
        the frame ``BLOCK`` ahead after drawing, to keep block costs off the frame it needs)."""
        f = min(max(int(frame), 0), self.F - 1)
        self._world_block(f // BLOCK)

    def work_ahead(self, frame: int) -> None:
        """Run one stage of the block after the one holding ``frame`` (when not cached yet):
        called once per drawn frame, the next block is ready before it is needed and no
        frame pays more than a stage."""
        f = min(max(int(frame), 0), self.F - 1)
        b = min(f // BLOCK + 1, (self.F - 1) // BLOCK)
        if b in self._cache:
            return
        if self._ahead is None or self._ahead[0] != b:
            self._ahead = (b, self._block_stages(b))
        try:
            next(self._ahead[1])
        except StopIteration as done:
            self._ahead = None
            self._keep(b, done.value)

    def _keep(self, b: int, world: np.ndarray) -> None:
        self._cache[b] = world
        if len(self._cache) > CACHE_BLOCKS:
            self._cache.popitem(last=False)

    def _world_block(self, b: int) -> np.ndarray:
        world = self._cache.get(b)
        if world is None:
            # Needed before work_ahead finished it (just after a seek): its stages already
            # run are kept, the rest run now.
            stages = self._ahead[1] if self._ahead is not None and self._ahead[0] == b else None
            world = self._block(b, stages)
            self._ahead = None if stages is not None else self._ahead
            self._keep(b, world)
        return world

    def world_at(self, f: int) -> np.ndarray:
        """Joint matrices (A, J, 4, 4) of frame ``f`` in ``[0, frames)`` (a copy)."""
        b = f // BLOCK
        return self._world_block(b)[f - b * BLOCK].copy()

    def _block(self, b: int, stages=None) -> np.ndarray:
        """World matrices (n, A, J, 4, 4) of frames ``[b * BLOCK, ...)`` (n <= BLOCK);
        ``stages``: that block's :meth:`_block_stages`, partly run."""
        stages = stages if stages is not None else self._block_stages(b)
        while True:
            try:
                next(stages)
            except StopIteration as done:
                return done.value

    def _block_stages(self, b: int):
        """:meth:`_block` as a generator that yields between its stages and returns the
        matrices (the window runs one stage a frame, see :meth:`work_ahead`)."""
        fr = np.arange(b * BLOCK, min((b + 1) * BLOCK, self.F))
        return (yield from self._stages(fr, None))

    def _stages(self, fr: np.ndarray, rows: np.ndarray | None):
        """World matrices (n, R, J, 4, 4) of frames ``fr`` (n,) and bodies ``rows`` (R,),
        ascending with Henry (row P) last, every strike target of theirs among them (None:
        all A bodies); a generator yielding between stages. Every step is per body and
        frame, so a body's matrices are those of the same body evaluated with all others."""
        n = len(fr)
        every = rows is None
        rows = np.arange(self.A) if every else rows
        A, P = len(rows), len(rows) - 1  # P: Henry's column here

        def sel(x):  # (F, A) -> (n, R)
            return x[fr] if every else x[fr[:, None], rows[None, :]]

        g, s = gait_at(self.steps, fr, None if every else rows), self.sched
        t = self.times[fr][:, None]
        own = self.scale if every else self.scale[rows]
        scale = np.broadcast_to(own, (n, A)).reshape(-1)
        cid = sel(s.clip)
        active = cid >= 0
        s_end, s_start, s_rate = sel(s.end), sel(s.start), sel(s.rate)
        fade_out = np.where(np.isfinite(s_end), (s_end - t) / FADE_OUT, 1.0)
        wc = np.where(active, np.clip(np.minimum((t - s_start) / FADE_IN, fade_out), 0.0, 1.0), 0.0)
        yaw = sel(self.body_yaw)
        guard = sel(s.guard)
        yield
        # 1. local rotations.
        sw = walk_weight(g.speed)
        pitch = np.zeros((n, A))
        pitch[:, P] = self.motion.track.pitch[fr]
        local = upper_body(g.phase.reshape(-1), sw.reshape(-1), g.run.reshape(-1),
                           guard.reshape(-1), pitch.reshape(-1),
                           np.tile(np.arange(A) == P, n)).reshape(n, A, J, 3, 3)
        pelvis = g.pelvis.copy()
        pelvis[..., 1] -= GUARD_CROUCH * guard * own
        ankle = g.ankle
        if self.floor_y is not None:  # every body stands on its floor: hips and feet go up
            fy = sel(self.floor_y)
            pelvis[..., 1] += fy
            ankle = ankle + np.stack([np.zeros_like(fy), fy, np.zeros_like(fy)], axis=-1)[:, :, None, :]
        legw = np.ones((n, A))
        yield
        if active.any():
            fi, ai = np.nonzero(active)
            c = cid[fi, ai]
            tau = (t[fi, 0] - s_start[fi, ai]) * s_rate[fi, ai]
            rot, root = self.lib.sample(c, tau)
            hr = np.flatnonzero(ai == P)
            if len(hr):  # Henry's arms: the clip's moves, from his own guard
                rot[hr[:, None], ARM_JOINTS] = rot[hr[:, None], ARM_JOINTS] @ self.henry_arms
            w = wc[fi, ai]
            mask = np.where((ai == P)[:, None], self.henry_mask[c], self.lib.mask[c]) * w[:, None]
            cur = local[fi, ai]
            mixed = cur + (rot - cur) * mask[..., None, None]
            local[fi, ai] = orthonormal(mixed)
            off = np.einsum("kij,kj->ki", rot_y(yaw[fi, ai]), root) * (own[ai] * w)[:, None]
            pelvis[fi, ai] += np.where((ai == P)[:, None], 0.0, off)
            legw[fi, ai] = 1.0 - w * self.lib.legs[c]
        yield
        self.mocap.henry_arms(local, fr, P)
        # 2. forward kinematics, all bodies of all frames of the block at once.
        world = forward_kinematics(local.reshape(n * A, J, 3, 3), pelvis.reshape(-1, 3),
                                   rot_y(yaw.reshape(-1)), scale).reshape(n, A, J, 4, 4)
        yield
        # 3. Henry: his eye where the mount puts it, behind and above the lens.
        eye = point_in(world[:, P], INDEX["head"], EYE_IN_HEAD)
        world[:, P, :, :3, 3] += (eye_behind_lens(self.level.settings, self.motion.track, fr) - eye)[:, None, :]
        flat = world.reshape(n * A, J, 4, 4)
        # 4. planted legs.
        plant_legs(flat, ankle.reshape(-1, 2, 3), g.foot_rot.reshape(-1, 2, 3, 3), legw.reshape(-1), scale)
        yield
        lifted = np.flatnonzero(legw.reshape(-1) < 1.0)
        fy = None if self.floor_y is None else sel(self.floor_y).reshape(-1)[lifted, None]
        if fy is not None:  # keep_above_floor's floor is y = 0: measure from each body's own
            flat[lifted, :, 1, 3] -= fy
        keep_above_floor(flat, lifted, scale)
        if fy is not None:
            flat[lifted, :, 1, 3] += fy
        # 5. strikes land on the target's head or chest.
        self._strikes(flat, fr, cid, scale, sel, None if every else rows)
        yield
        world = flat.reshape(n, A, J, 4, 4)
        self.mocap.apply(world, fr, None if every else rows)
        return world

    def pelvis_bounds(self, frame: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Where every body's pelvis joint can be at ``frame``, before posing anyone:
        ``(xz (A, 2), slack (A,), base (A,))`` metres: horizontally within ``slack`` of
        ``xz`` (the gait's ground point, a strike's step in included; slack is the playing
        clip's largest root move, scaled; infinite for a mocap-driven body and for Henry,
        whose eye the camera mount places), at most ``PELVIS_HEIGHT * scale`` above ``base``
        (the floor under it plus the clip's largest rise) unless a clip's pose was lifted
        so its lowest foot is on the floor. A renderer culls with these and a
        reach from the pelvis joint (bones keep their lengths under IK)."""
        f = min(max(int(frame), 0), self.F - 1)
        if self._root_reach is None:
            lib = self.lib
            h = np.hypot(lib.root[:, 0], lib.root[:, 2])
            self._root_reach = np.array([h[o: o + n].max(initial=0.0) for o, n in zip(lib.offset, lib.length)])
            self._root_rise = np.array([lib.root[o: o + n, 1].max(initial=0.0) for o, n in zip(lib.offset, lib.length)])
        c = self.sched.clip[f]
        on = c >= 0
        slack = np.where(on, self._root_reach[np.maximum(c, 0)], 0.0) * self.scale
        slack[self.P] = np.inf
        for row, _, _ in self.mocap.bodies:
            slack[row] = np.inf
        floor = np.zeros(self.A) if self.floor_y is None else self.floor_y[f].copy()
        rise = np.where(on, self._root_rise[np.maximum(c, 0)], 0.0) * self.scale
        return self.steps.xz[f], slack, floor + rise

    def rows_at(self, frame: int, rows) -> FramePoses:
        """The bodies ``rows`` (global rows, any order) and Henry at ``frame`` alone, without
        evaluating the others (a player that draws a few of a crowd: the window culls before
        posing). ``world`` holds them ascending, Henry last (``FramePoses.rows``); props of
        holders among them, and every thrown one. From the cached block when there is one."""
        f = min(max(int(frame), 0), self.F - 1)
        want = np.union1d(np.asarray(rows, np.int64), [self.P])
        b = f // BLOCK
        if b in self._cache:
            world = self._cache[b][f - b * BLOCK][want]
        else:
            aim = self.sched.aim[f, want]
            every = np.union1d(want, aim[aim >= 0])  # strikes read their targets' heads
            fr = np.array([f])
            stages = self._stages(fr, every)
            while True:
                try:
                    next(stages)
                except StopIteration as done:
                    world = done.value[0]
                    break
            if len(every) != len(want):
                world = world[np.isin(every, want)]
        names, prop_world = self.props.at(f, world, want)
        return FramePoses(world=world, prop_names=names, prop_world=prop_world, rows=want)

    def _strikes(self, flat, fr, cid, scale, sel, cols=None) -> None:
        """``cols``: the global rows of ``flat``'s bodies (None: all); a target not among
        them (of a body evaluated only as someone's target) is not reached for."""
        s = self.sched
        A = self.A if cols is None else len(cols)
        aim = sel(s.aim)
        here = aim
        if cols is not None:
            col = np.full(self.A, -1)
            col[cols] = np.arange(len(cols))
            here = np.where(aim >= 0, col[aim], -1)
        df = np.abs(fr[:, None] - sel(s.contact)) / self.fps
        wik = np.where((here >= 0) & (cid >= 0), smoothstep(1.0 - df / IK_RAMP), 0.0)
        if not (wik > 0).any():
            return
        fi, ai = np.nonzero(wik > 0)
        c = cid[fi, ai]
        rows = fi * A + ai
        trow = fi * A + here[fi, ai]
        at_henry = (aim[fi, ai] == self.P)[:, None]
        head = np.where(at_henry, point_in(flat[trow], INDEX["head"], self.lens_point),
                        point_in(flat[trow], INDEX["head"], HEAD_POINT))
        chest = point_in(flat[trow], INDEX["chest"], CHEST_POINT)
        kinds = np.array([cl.target for cl in self.lib.clips])[c]
        effs = np.array([cl.effector for cl in self.lib.clips])[c]
        point = np.where((kinds == "head")[:, None], head, chest)
        w = wik[fi, ai][:, None]
        for end in ("r_hand", "l_hand", "r_foot", "l_foot"):
            sel = effs == end
            if not sel.any():
                continue
            r = rows[sel]
            cur = fist(flat[r], end)
            place_limb(flat, r, end, cur + (point[sel] - cur) * w[sel], scale[r])

    def hand_point(self, frame: int, row: int, end: str = "r_hand") -> np.ndarray:
        """World point (3,) of body ``row``'s fist (or ankle) at ``frame``."""
        return fist(self.at(frame).world[row:row + 1], end)[0]
