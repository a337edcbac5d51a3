"""Action clips: BVH files in ``assets/clips/`` named by ``clips.toml``, packed for sampling.

A clip is a short keyframed motion of the whole skeleton (or part of it) with one named
**contact** frame. The sidecar ``clips.toml`` has one table per clip; its name is the
action word that plays it (any beat word, so a label like ``dodge`` plays ``dodge``)::

    [punch]
    file = "punch.bvh"     # in the same folder: previs's joint names (used as written) or a
                           # CMU / Mixamo / Rokoko skeleton (retargeted, previs.pose.retarget)
    contact = 9            # BVH frame (0-based) at which the blow lands
    contact_name = "impact"
    timing = "contact"     # "contact": the contact frame lands on the beat's t;
                           # "span": the clip is stretched over [t, t + duration)
    target = "head"        # where on the target it lands: "head", "chest" or "" (none)
    effector = "r_hand"    # what lands there: r_hand, l_hand, r_foot, l_foot or ""
    reaction = "recoil"    # the clip the target plays from contact ("" none)
    joints = "upper"       # which joints it drives: all, upper, legs, head (head + chest)
    hold = false           # keep the last frame after the clip (fall, down)
    reach = 0.75           # m between body centres at which it lands without stepping in

Root motion: the BVH root's position (centimetres, in the body frame at the clip's start:
+X right, +Y up, -Z forward) minus its rest place ``(0, PELVIS_HEIGHT, 0)`` moves the pelvis
(a retargeted file: its pelvis's motion from its first frame).
"""

from __future__ import annotations

import importlib.resources
import os
import tomllib
from dataclasses import dataclass, field

import numpy as np

from ..errors import PrevisError
from ..level.bvh_file import read_bvh
from ..level.bvh_rest import metres_per_unit
from .retarget import retarget
from .skeleton import INDEX, JOINTS, PELVIS_HEIGHT

CLIPS_DIR = str(importlib.resources.files("previs.assets") / "clips")
"""The bundled clips: ``assets/clips`` of the repository, installed with ``previs.assets``."""

TARGETS = ("head", "chest", "")
TIMINGS = ("contact", "span")
EFFECTORS = ("r_hand", "l_hand", "r_foot", "l_foot", "")
JOINT_SETS: dict[str, tuple[str, ...]] = {
    "all": JOINTS,
    "upper": ("spine", "chest", "neck", "head", "l_upperarm", "l_forearm", "l_hand",
              "r_upperarm", "r_forearm", "r_hand"),
    "legs": ("pelvis", "l_thigh", "l_shin", "l_foot", "r_thigh", "r_shin", "r_foot"),
    "head": ("chest", "neck", "head"),
}
"""The joints a clip drives, by the sidecar's ``joints`` word (the rest follow the gait)."""


class ClipError(PrevisError):
    """A clip file or the sidecar cannot be used."""


@dataclass(frozen=True, eq=False)
class Clip:
    """One clip: ``local`` (N, J, 3, 3) rotations per frame, ``root`` (N, 3) pelvis offset
    from rest in metres (body frame), ``fps``, ``contact`` (frame index) and the sidecar's
    fields (see the module)."""

    name: str
    local: np.ndarray
    root: np.ndarray
    fps: float
    contact: int
    contact_name: str = "contact"
    timing: str = "contact"
    target: str = ""
    effector: str = ""
    reaction: str = ""
    joints: str = "all"
    hold: bool = False
    reach: float = 0.75
    file: str = ""

    @property
    def duration(self) -> float:
        """Seconds from the first frame to the last."""
        return (len(self.local) - 1) / self.fps

    @property
    def contact_time(self) -> float:
        """Seconds from the clip's start to its contact frame."""
        return self.contact / self.fps


@dataclass(frozen=True, eq=False)
class ClipLibrary:
    """Every clip, packed: clip ``i`` is frames ``offset[i] .. offset[i] + length[i]`` of
    ``local`` (T, J, 3, 3) and ``root`` (T, 3); ``mask`` (C, J) 1 where it drives a joint;
    ``legs`` (C,) 1 where it drives the legs (the gait's leg IK steps aside)."""

    clips: tuple[Clip, ...]
    local: np.ndarray = field(repr=False)
    root: np.ndarray = field(repr=False)
    offset: np.ndarray = field(repr=False)
    length: np.ndarray = field(repr=False)
    fps: np.ndarray = field(repr=False)
    mask: np.ndarray = field(repr=False)
    legs: np.ndarray = field(repr=False)

    def index(self, name: str) -> int:
        """Row of clip ``name``, -1 if there is none."""
        for i, c in enumerate(self.clips):
            if c.name == name:
                return i
        return -1

    def get(self, name: str) -> Clip | None:
        i = self.index(name)
        return self.clips[i] if i >= 0 else None

    def sample(self, ids: np.ndarray, tau: np.ndarray):
        """Rotations (..., J, 3, 3) and root offsets (..., 3) of clips ``ids`` (...) at
        ``tau`` (...) seconds into them (clamped to the clip), linear between frames."""
        ids = np.maximum(ids, 0)
        x = np.clip(tau * self.fps[ids], 0.0, self.length[ids] - 1.0)
        i0 = np.floor(x).astype(np.int64)
        i1 = np.minimum(i0 + 1, self.length[ids] - 1)
        w = x - i0
        a, b = self.offset[ids] + i0, self.offset[ids] + i1
        rot = self.local[a] + (self.local[b] - self.local[a]) * w[..., None, None, None]
        root = self.root[a] + (self.root[b] - self.root[a]) * w[..., None]
        return rot, root


def pack(clips) -> ClipLibrary:
    """A :class:`ClipLibrary` of ``clips`` (in the given order)."""
    clips = tuple(clips)
    length = np.array([len(c.local) for c in clips], np.int64)
    offset = np.concatenate([[0], np.cumsum(length)[:-1]]).astype(np.int64) if clips else np.zeros(0, np.int64)
    mask = np.zeros((len(clips), len(JOINTS)))
    for i, c in enumerate(clips):
        mask[i, [INDEX[j] for j in JOINT_SETS[c.joints]]] = 1.0
    local = np.concatenate([c.local for c in clips]) if clips else np.zeros((0, len(JOINTS), 3, 3))
    root = np.concatenate([c.root for c in clips]) if clips else np.zeros((0, 3))
    return ClipLibrary(clips, local, root, offset, length, np.array([c.fps for c in clips], float), mask,
                       mask[:, INDEX["l_thigh"]].copy())


def _field(table: dict, key: str, kind, default, where: str, choices=None):
    v = table.get(key, default)
    if not isinstance(v, kind) or isinstance(v, bool) and kind is not bool:
        raise ClipError(f"{where}: {key} = {v!r} is not a {kind.__name__}; fix the sidecar")
    if choices is not None and v not in choices:
        raise ClipError(f"{where}: {key} = {v!r} is not one of {', '.join(repr(c) for c in choices)}; "
                        "fix the sidecar")
    return v


def clip_from_bvh(name: str, path: str, table: dict, where: str) -> Clip:
    """Read one clip's BVH (see the module for the two kinds of file)."""
    bvh = read_bvh(path)
    if all(j in bvh.names for j in JOINTS):  # previs's own joints: the rotations as written
        cols = [bvh.names.index(j) for j in JOINTS]
        local = np.ascontiguousarray(bvh.local_rotations()[:, cols])
        unit = metres_per_unit(bvh, dict(zip(JOINTS, cols)))  # ours are written in cm; a file in m too
        root = np.asarray(bvh.root_positions(), np.float64) * unit - np.array((0.0, PELVIS_HEIGHT, 0.0))
    else:  # a CMU, Mixamo or Rokoko file: retargeted, root motion from its first frame
        rt = retarget(bvh)
        local, root = rt.local, rt.root - rt.root[0]
    contact = _field(table, "contact", int, 0, where)
    if not 0 <= contact < len(local):
        raise ClipError(f"{where}: contact = {contact} is outside the clip's frames 0..{len(local) - 1}; "
                        "fix the sidecar")
    return Clip(
        name=name, local=local, root=root, fps=1.0 / float(bvh.frame_time), contact=contact,
        contact_name=_field(table, "contact_name", str, "contact", where),
        timing=_field(table, "timing", str, "contact", where, TIMINGS),
        target=_field(table, "target", str, "", where, TARGETS),
        effector=_field(table, "effector", str, "", where, EFFECTORS),
        reaction=_field(table, "reaction", str, "", where),
        joints=_field(table, "joints", str, "all", where, tuple(JOINT_SETS)),
        hold=_field(table, "hold", bool, False, where),
        reach=float(_field(table, "reach", (int, float), 0.75, where)),
        file=os.path.basename(path),
    )


def load_library(directory: str = CLIPS_DIR) -> ClipLibrary:
    """Every clip the sidecar ``clips.toml`` of ``directory`` names, packed."""
    side = os.path.join(directory, "clips.toml")
    from ..safe_paths import Unreadable, read_bounded

    try:
        doc = tomllib.loads(read_bounded(side, 1024 * 1024).decode("utf-8"))
    except Unreadable as e:
        raise ClipError(f"{side}: {e.reason}; restore assets/clips") from None
    except UnicodeDecodeError:
        raise ClipError(f"{side}: not UTF-8 text; restore assets/clips") from None
    except tomllib.TOMLDecodeError as e:
        raise ClipError(f"{side}: {e}; fix the TOML") from None
    clips = []
    for name in sorted(doc):
        table = doc[name]
        where = f"{side} [{name}]"
        if not isinstance(table, dict):
            raise ClipError(f"{where}: is not a table; write [{name}] with file = \"{name}.bvh\"")
        file = _field(table, "file", str, f"{name}.bvh", where)
        clips.append(clip_from_bvh(name, os.path.join(directory, file), table, where))
    lib = pack(clips)
    for c in lib.clips:
        if c.reaction and lib.get(c.reaction) is None:
            raise ClipError(f"{side} [{c.name}]: reaction = {c.reaction!r} names no clip; add [{c.reaction}] "
                            "or clear it")
    return lib
