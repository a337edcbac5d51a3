"""Henry's camera driven by a BVH take's head (``mocap`` on Henry, from ``mocap_start`` on).

The head joint is found by the shared name tables (:mod:`previs.level.bvh_names`) and the
file turned to previs's axes (:mod:`previs.level.bvh_rest`: rest pose facing -Z, +Y up).
The head's look direction is its rest forward (-Z) carried by its world rotation; from it:

- **yaw** (deg, contract sense: +90 turns from -Z toward -X, a left turn), unwrapped;
- **pitch** (deg, + looks up): the look direction's elevation;
- **roll** (deg): the head's tilt about the look direction once yaw and pitch are taken
  out, + turning the head's +X (right ear) toward +Y (up).

Each is an **offset from the take's first frame** added to the scripted camera: the take
moves Henry's head, the script still walks and aims him. Level frame ``f`` (at ``f / fps``
s) reads the take at ``f / fps - mocap_start`` s, linearly between its rows (row ``i`` at
``i * frame_time``); before ``mocap_start`` the offsets are 0, after the take's last row
they hold its last value. Only the rows the level's frames fall between are posed (at
most two per frame), so a 100 000-row take costs what the level's length costs.
"""

from __future__ import annotations

import numpy as np

from ..level.bvh_file import Bvh
from ..level.bvh_names import match_joints
from ..level.bvh_rest import facing_rotation


def _head_angles(bvh: Bvh, rows: np.ndarray) -> np.ndarray:
    """(len(rows), 3) yaw, pitch, roll (deg, yaw not yet unwrapped) of the head on ``rows``."""
    found = match_joints(bvh.names, bvh.parents)
    turn = facing_rotation(bvh, found)
    head = turn @ bvh.world(rows)[:, found["head"], :3, :3] @ turn.T
    fwd = -head[:, :, 2]  # the head's -Z (its look) in previs's axes
    yaw = np.degrees(np.arctan2(-fwd[:, 0], -fwd[:, 2]))
    pitch = np.degrees(np.arcsin(np.clip(fwd[:, 1], -1.0, 1.0)))
    # Roll: the right ear's height against the horizontal right of the look direction.
    right = head[:, :, 0]
    flat_right = np.stack([np.cos(np.radians(yaw)), np.zeros(len(yaw)), -np.sin(np.radians(yaw))], axis=1)
    up = np.cross(flat_right, fwd)  # the look's own up (no roll)
    roll = np.degrees(np.arctan2(np.einsum("ni,ni->n", right, up), np.einsum("ni,ni->n", right, flat_right)))
    return np.column_stack([yaw, pitch, roll])


def head_offsets(bvh: Bvh, start: float, fps: float, frames: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Yaw, pitch and roll offsets (deg, each (frames,)) of the take's head from its first
    frame, on level frames ``[0, frames)`` at ``fps``, the take starting at ``start`` s."""
    t = np.arange(frames) / float(fps) - start
    pos = np.clip(t / bvh.frame_time, 0.0, bvh.frames - 1)
    lo = np.floor(pos).astype(np.int64)
    hi = np.minimum(lo + 1, bvh.frames - 1)
    rows, inv = np.unique(np.concatenate([[0], lo, hi]), return_inverse=True)
    ang = _head_angles(bvh, rows)
    ang[:, 0] = np.degrees(np.unwrap(np.radians(ang[:, 0])))  # rows are in order: no jump between them
    ang -= ang[0]  # row 0 is always among the rows
    a, b = ang[inv[1:frames + 1]], ang[inv[frames + 1:]]
    w = (pos - lo)[:, None]
    out = np.where((t >= 0)[:, None], a + w * (b - a), 0.0)
    return out[:, 0], out[:, 1], out[:, 2]
