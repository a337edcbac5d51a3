"""Which bodies a view can show, decided before any is posed (numpy, no GL).

Posing a crowd of a thousand costs the window ~12 ms a frame (1001 bodies,
:mod:`previs.pose.evaluate`, a block of 8 frames at a time), more than half of a 60 fps
frame on its own, while about half of them are behind the camera. :class:`CulledPoses`
poses only the bodies the view can show, one frame at a time
(:meth:`~previs.pose.evaluate.BodyPoses.rows_at`: ~2 ms plus ~0.011 ms a body):

1. every body's **bound** before posing: where its pelvis joint can be
   (:meth:`~previs.pose.evaluate.BodyPoses.pelvis_bounds`: the gait's ground point, a
   strike's step in, the playing clip's largest root move) widened by :data:`REACH` (no
   point of the mesh is farther from the pelvis joint than the chain of bones to it plus
   the mesh around its joint, whatever the pose) and the length of a prop in its hand
   (the prop's grip is inside the fist): an upright box from the floor up;
2. boxes wholly behind one of the view's planes are dropped, the rest are posed with
   Henry, and the renderer culls those again on their real pelvis (:mod:`previs.gl.body_draw`).

The bound errs toward drawing (a body is only dropped when no pose could bring any of it
into view). Occlusion (the melee's front rank hides the rest) was tried and dropped: at
eye height a melee leaves gaps between heads, so nearly every bound still shows through
one (0 to 9 of 300-450 bodies hidden in issue 20's dense battle) for ~12 ms of numpy.
``last`` keeps the counts of the last view (tests and the benchmark print them).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..pose.props import PROPS
from ..pose.skeleton import J, PARENT, PELVIS_HEIGHT, REST_OFFSET
from . import body_mesh
from .body_mesh import BLADE_MIN

SINK = 0.1
"""Metres: how far below its floor a box reaches (a foot's sole in a gait's heel strike
dips ~1.5 mm below; whatever is under the floor is hidden by it anyway)."""
CULL_FROM = 250
"""Bodies (performers and Henry): from this many on the window culls before posing; a
smaller crowd is posed whole, a block of frames at a time (cheaper there)."""


def _reach() -> float:
    """Template metres: the farthest any vertex of the near or far mesh can be from the
    pelvis joint in any pose (chain of bone offsets to its joint + its distance from it)."""
    chain = np.zeros(J)
    for j in range(1, J):
        chain[j] = chain[PARENT[j]] + float(np.linalg.norm(REST_OFFSET[j]))
    far = 0.0
    for t in (body_mesh.body_template(), body_mesh.body_template_far()):
        bone = t[:, 7].astype(int)
        ext = np.linalg.norm(t[:, :3], axis=1)
        far = max(far, float((chain[bone] + ext).max()))
    return far


REACH = _reach()
"""Template metres (scaled by height / 1.8): no point of a body is farther from its pelvis
joint (bones keep their lengths under IK)."""

def body_boxes(xz: np.ndarray, slack: np.ndarray, base: np.ndarray, floor: np.ndarray,
               scale: np.ndarray, held: np.ndarray | float = 0.0) -> np.ndarray:
    """(A, 2, 3) lowest and highest corners, metres, of upright boxes holding every body
    (see :meth:`~previs.pose.evaluate.BodyPoses.pelvis_bounds` for the arguments; ``floor``
    (A,) the floor under each; ``held`` (A,) metres the prop in its hand reaches beyond the
    grip). The top: the pelvis at most ``base + PELVIS_HEIGHT * s`` (or lifted so its
    lowest foot is on the floor), plus :data:`REACH` and the prop."""
    r = slack + REACH * scale + held
    top = np.maximum(base + PELVIS_HEIGHT * scale, floor + REACH * scale) + REACH * scale + held
    lo = np.column_stack([xz[:, 0] - r, floor - SINK, xz[:, 1] - r])
    hi = np.column_stack([xz[:, 0] + r, top, xz[:, 1] + r])
    return np.stack([lo, hi], axis=1)


def boxes_in_view(boxes: np.ndarray, planes: np.ndarray) -> np.ndarray:
    """(A,) bool: the box is not wholly behind any of ``planes`` (P, 4) (positive inside).
    A box with infinite sides is always in view."""
    n = planes[:, :3]
    pv = np.where(n[None] > 0, boxes[:, None, 1], boxes[:, None, 0])  # (A, P, 3) the most-inside corner
    with np.errstate(invalid="ignore"):
        d = np.einsum("apk,pk->ap", pv, n) + planes[None, :, 3]
    return np.all(~(d < 0), axis=1) | ~np.isfinite(boxes).all(axis=(1, 2))


@dataclass
class CullCounts:
    """The last view of a :class:`CulledPoses`: performers whose bound is in the view, and
    bodies posed (those and Henry)."""

    in_view: int = 0
    posed: int = 0


class CulledPoses:
    """The poses of frame ``frame`` of ``body_poses`` (a BodyPoses) for what a view shows:
    :meth:`for_view` (one rectilinear view), :meth:`whole` (every body)."""

    def __init__(self, body_poses, frame: int):
        self.body_poses = body_poses
        self.frame = int(frame)
        self.last = CullCounts()
        self.on_error = None  # called with the exception, then None (rest poses) is returned

    def whole(self):
        """FramePoses of every body (None if posing failed and ``on_error`` took it)."""
        return self._guarded(lambda: self.body_poses.at(self.frame))

    def _guarded(self, fn):
        if self.on_error is None:
            return fn()
        try:
            return fn()
        except Exception as e:  # noqa: BLE001 - the window must not close over a pose bug
            self.on_error(e)
            return None

    def boxes(self) -> np.ndarray:
        """(A, 2, 3) every body's bound (:func:`body_boxes`)."""
        bp = self.body_poses
        xz, slack, base = bp.pelvis_bounds(self.frame)
        floor = np.zeros(bp.A) if bp.floor_y is None else bp.floor_y[min(max(self.frame, 0), bp.F - 1)]
        held = np.zeros(bp.A)
        for row, name, *_ in bp.props.holders:  # a bat held out pokes 0.9 m past the fist
            p = PROPS[name]
            held[row] = float(np.hypot(max(p.length, p.back), max(p.width, p.thickness, BLADE_MIN)))
        return body_boxes(xz, slack, base, floor, bp.scale, held)

    def for_view(self, vp: np.ndarray, planes: np.ndarray, eye: np.ndarray, size: tuple[int, int], near: float):
        """FramePoses of the bodies the view ``vp`` (its ``planes``, ``eye``, ``size``
        pixels, ``near`` plane) may show, Henry always among them (None as :meth:`whole`)."""
        return self._guarded(lambda: self._for_view(vp, planes, eye, size, near))

    def _for_view(self, vp, planes, eye, size, near):
        bp = self.body_poses
        boxes = self.boxes()[: bp.P]
        cand = np.flatnonzero(boxes_in_view(boxes, planes))
        poses = bp.rows_at(self.frame, cand)
        self.last = CullCounts(len(cand), len(poses.world))
        return poses
