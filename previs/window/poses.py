"""The bodies' poses the window draws (numpy; evaluated by :mod:`previs.pose.evaluate`).

Watch and free modes draw the poses of the motion being watched at the playhead. Walk mode
has no motion to evaluate: the performers follow the script's paths (their facing follows
the walked Henry) and Henry goes where you walk him, while the take grows tick by tick. So
the script's poses at that frame (its last one past the end) are moved, body by body,
from where the script has each actor to where the live :class:`~previs.sim.motion.FrameState`
has it: a rigid move in the floor plane, ``live @ inverse(scripted)`` with each made of the
actor's (x, z) and facing. Clips, gait and Henry's guard keep their shape; a held prop moves
with the hand that holds it (within :data:`HELD` of its grip).
"""

from __future__ import annotations

import numpy as np

from ..gl.body_cull import CULL_FROM, CulledPoses
from ..gl.body_draw import floor_moves
from ..pose.frame import FramePoses
from ..pose.skeleton import HAND_GRIP, INDEX, point_in

HELD = 0.05
"""Metres: a prop whose grip is this close to an actor's right fist moves with that actor."""


def _places(fs) -> tuple[np.ndarray, np.ndarray]:
    """(x, z) (A, 2) and facing (A,) of every actor in a FrameState, Henry last."""
    xz = np.vstack([np.asarray(fs.perf_xz, np.float64).reshape(-1, 2), np.asarray(fs.henry_xz, np.float64)])
    return xz, np.append(np.asarray(fs.perf_facing, np.float64), fs.yaw)


def moved(poses: FramePoses, scripted, live) -> FramePoses:
    """``poses`` (evaluated where the FrameState ``scripted`` has every actor) moved to where
    ``live`` has them, each actor rigidly in the floor plane; held props go with their hands."""
    move = floor_moves(*_places(live)) @ np.linalg.inv(floor_moves(*_places(scripted)))  # (A, 4, 4)
    if poses.rows is not None:  # some bodies only (posed per view): their moves
        move = move[poses.rows]
    world = move[:, None] @ poses.world
    if not len(poses.prop_names):
        return FramePoses(world, rows=poses.rows)
    fists = point_in(poses.world, INDEX["r_hand"], HAND_GRIP)  # (A, 3)
    grips = poses.prop_world[:, :3, 3]
    d = np.linalg.norm(grips[:, None] - fists[None], axis=-1)  # (K, A)
    owner = d.argmin(axis=1)
    held = d[np.arange(len(owner)), owner] < HELD
    pw = poses.prop_world.copy()
    pw[held] = move[owner[held]] @ poses.prop_world[held]
    return FramePoses(world, poses.prop_names, pw, rows=poses.rows)


class MovedCulledPoses(CulledPoses):
    """Walk mode's crowd: the script's poses at ``frame`` of the bodies the view may show,
    moved (:func:`moved`) from the FrameState ``scripted`` to ``live``. A move turns each
    body about its place and carries it to its live place, so a bound is re-made about the
    live place, wide enough for any turn: every point of the script's box is within
    (its centre's distance from the place + half its width x sqrt 2) of the place."""

    def __init__(self, body_poses, frame: int, scripted, live):
        super().__init__(body_poses, frame)
        self.scripted, self.live = scripted, live

    def boxes(self) -> np.ndarray:
        b = super().boxes()
        here, _ = _places(self.scripted)
        there, _ = _places(self.live)
        ok = np.isfinite(b).all(axis=(1, 2))  # an unbounded box stays as it is: always in view
        centre = (b[ok, 0, ::2] + b[ok, 1, ::2]) / 2.0
        r = np.linalg.norm(centre - here[ok], axis=1) + (b[ok, 1, 0] - b[ok, 0, 0]) / 2.0 * np.sqrt(2.0)
        out = b.copy()
        out[ok, 0, 0], out[ok, 0, 2] = there[ok, 0] - r, there[ok, 1] - r
        out[ok, 1, 0], out[ok, 1, 2] = there[ok, 0] + r, there[ok, 1] + r
        return out

    def whole(self):
        return self._guarded(lambda: moved(self.body_poses.at(self.frame), self.scripted, self.live))

    def _for_view(self, vp, planes, eye, size, near):
        return moved(super()._for_view(vp, planes, eye, size, near), self.scripted, self.live)


class WindowPoses:
    """Evaluates poses for the window: one :class:`~previs.pose.evaluate.BodyPoses` per
    watched motion (made on first use, again after a hot reload or a new take)."""

    def __init__(self):
        self._motion = None
        self._bodies = None
        self.failed = False  # evaluating failed on this level: rest poses until it reloads

    def of_view(self, app, fs) -> FramePoses | None:
        """``app.view.poses(app, fs)``, or None (rest poses) once that has failed: a pose
        bug must not close the window; it is said once per level."""
        if self.failed:
            return None
        try:
            got = app.view.poses(app, fs)
        except Exception as e:  # noqa: BLE001 - see above
            self._fail(app, e)
            return None
        if isinstance(got, CulledPoses):  # posed inside the draw: failing there is caught too
            got.on_error = lambda e: self._fail(app, e)
        return got

    def _fail(self, app, e: Exception) -> None:
        self.failed = True
        app.say(f"body poses failed ({type(e).__name__}: {e}); bodies stand in the rest pose")

    def _of(self, motion):
        if motion is not self._motion:
            from ..pose.evaluate import BodyPoses

            self._motion, self._bodies = motion, BodyPoses(motion)
        return self._bodies

    def watched(self, motion, frame: int) -> FramePoses | CulledPoses:
        """The poses of ``motion`` at ``frame`` (clamped to its frames): all of them, or for
        a crowd of :data:`~previs.gl.body_cull.CULL_FROM` bodies or more a CulledPoses (the
        renderer poses only the bodies the view shows: in a melee of 1001 the few in front)."""
        f = min(max(int(frame), 0), motion.frames - 1)
        if len(motion.level.performers) + 1 >= CULL_FROM:
            return CulledPoses(self._of(motion), f)
        return self._of(motion).at(f)

    def work_ahead(self, motion, frame: int) -> None:
        """One stage of the block of poses after ``frame``'s (BodyPoses.work_ahead); nothing
        once evaluating has failed on this level, nor for a crowd posed per view (no blocks)."""
        if not self.failed and len(motion.level.performers) + 1 < CULL_FROM:
            self._of(motion).work_ahead(min(max(int(frame), 0), motion.frames - 1))

    def walked(self, script, live) -> FramePoses | MovedCulledPoses:
        """Walk mode: the script's poses at the live frame (its last past the end), moved to
        where the live FrameState ``live`` has every actor; for a crowd of
        :data:`~previs.gl.body_cull.CULL_FROM` bodies or more, only those the view may show
        (:class:`MovedCulledPoses`: no block of 1001 bodies every 8th frame, ~100 ms)."""
        f = min(max(int(live.frame), 0), script.frames - 1)
        if len(script.level.performers) + 1 >= CULL_FROM:
            return MovedCulledPoses(self._of(script), f, script.snapshot(f), live)
        return moved(self._of(script).at(f), script.snapshot(f), live)
