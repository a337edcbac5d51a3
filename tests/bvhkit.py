"""Building BVH skeletons and motion in code for tests: previs's own names and proportions,
a CMU-named one and a Mixamo-named T-pose one (centimetres), all with our segment lengths
so a retarget onto previs's skeleton can be compared joint for joint."""

from __future__ import annotations

import numpy as np

from previs.level.bvh_file import Bvh, write_bvh
from previs.pose.skeleton import JOINTS, PARENT, REST_OFFSET, SHIN, THIGH, UPPER_ARM, FOREARM

ROOT_CH = ("Xposition", "Yposition", "Zposition", "Zrotation", "Xrotation", "Yrotation")
ROT_CH = ("Zrotation", "Xrotation", "Yrotation")


def build(spec, frames: int, *, seed: int = 0, still=(), amplitude: float = 40.0, scale: float = 1.0,
          frame_time: float = 1 / 120, path: str = "test.bvh", ends=()) -> Bvh:
    """A Bvh from ``spec`` rows ``(name, parent name or None, offset metres)``; every joint
    rotates (ZXY) with smooth random angles up to ``amplitude`` degrees except those named
    in ``still`` (kept at zero); the root also moves. Offsets and root motion are multiplied
    by ``scale`` (100 for centimetres). ``ends``: (joint name, offset metres) End Sites."""
    names = [r[0] for r in spec]
    parents = tuple(-1 if r[1] is None else names.index(r[1]) for r in spec)
    offsets = np.array([r[2] for r in spec], np.float64) * scale
    channels = tuple(ROOT_CH if p < 0 else ROT_CH for p in parents)
    rng = np.random.default_rng(seed)
    t = np.arange(frames) / 30.0
    cols = []
    for j, ch in enumerate(channels):
        for c in ch:
            if c.endswith("position"):
                base = offsets[j]["XYZ".index(c[0])]
                cols.append(base + scale * 0.3 * np.sin(t * rng.uniform(0.5, 2) + rng.uniform(0, 6)))
            elif names[j] in still:
                cols.append(np.zeros(frames))
            else:
                cols.append(amplitude * np.sin(t * rng.uniform(0.5, 3) + rng.uniform(0, 6)))
    motion = np.column_stack(cols)
    end_rows = tuple((names.index(n), tuple(float(v) * scale for v in xyz)) for n, xyz in ends)
    return Bvh(path, tuple(names), parents, offsets, channels, motion, frame_time, end_rows)


def ours_spec():
    """Our 17 joints with our names and rest offsets (pelvis at its standing height)."""
    return [(n, None if p < 0 else JOINTS[p], tuple(REST_OFFSET[j])) for j, (n, p) in enumerate(zip(JOINTS, PARENT))]


def cmu_spec():
    """CMU's hierarchy (cgspeed's BVH conversion) with our proportions, facing +Z with the
    performer's left at +X (as CMU files do), arms hanging. Extra joints (LHipJoint,
    LowerBack, Neck1, LeftShoulder, toes) sit where ours have none."""
    o = {n: REST_OFFSET[j] * (-1, 1, -1) for j, n in enumerate(JOINTS)}  # turned 180 degrees
    return [
        ("Hips", None, o["pelvis"]),
        ("LHipJoint", "Hips", (0.0, -0.04, 0.0)), ("LeftUpLeg", "LHipJoint", o["l_thigh"] + (0, 0.04, 0)),
        ("LeftLeg", "LeftUpLeg", o["l_shin"]), ("LeftFoot", "LeftLeg", o["l_foot"]),
        ("LeftToeBase", "LeftFoot", (0.0, -0.05, 0.15)),
        ("RHipJoint", "Hips", (0.0, -0.04, 0.0)), ("RightUpLeg", "RHipJoint", o["r_thigh"] + (0, 0.04, 0)),
        ("RightLeg", "RightUpLeg", o["r_shin"]), ("RightFoot", "RightLeg", o["r_foot"]),
        ("RightToeBase", "RightFoot", (0.0, -0.05, 0.15)),
        ("LowerBack", "Hips", (0.0, 0.0, 0.0)), ("Spine", "LowerBack", o["spine"]),
        ("Spine1", "Spine", o["chest"]), ("Neck", "Spine1", o["neck"]), ("Neck1", "Neck", (0.0, 0.06, 0.0)),
        ("Head", "Neck1", o["head"] - (0, 0.06, 0)),
        ("LeftShoulder", "Spine1", (0.0, 0.18, 0.0)), ("LeftArm", "LeftShoulder", o["l_upperarm"] - (0, 0.18, 0)),
        ("LeftForeArm", "LeftArm", o["l_forearm"]), ("LeftHand", "LeftForeArm", o["l_hand"]),
        ("RightShoulder", "Spine1", (0.0, 0.18, 0.0)), ("RightArm", "RightShoulder", o["r_upperarm"] - (0, 0.18, 0)),
        ("RightForeArm", "RightArm", o["r_forearm"]), ("RightHand", "RightForeArm", o["r_hand"]),
    ]


CMU_STILL = ("LHipJoint", "RHipJoint", "LowerBack", "Neck1", "LeftShoulder", "RightShoulder")


def mixamo_spec():
    """Mixamo's names (``mixamorig:``) in a T-pose, facing +Z, left at +X, our proportions."""
    o = {n: REST_OFFSET[j] * (-1, 1, -1) for j, n in enumerate(JOINTS)}
    sh = o["l_upperarm"]
    m = "mixamorig:"
    return [
        (m + "Hips", None, o["pelvis"]),
        (m + "Spine", m + "Hips", o["spine"]), (m + "Spine1", m + "Spine", (0.0, 0.09, 0.0)),
        (m + "Spine2", m + "Spine1", o["chest"] - (0, 0.09, 0)), (m + "Neck", m + "Spine2", o["neck"]),
        (m + "Head", m + "Neck", o["head"]),
        (m + "LeftShoulder", m + "Spine2", (0.05, sh[1], 0.0)), (m + "LeftArm", m + "LeftShoulder", (sh[0] - 0.05, 0.0, 0.0)),
        (m + "LeftForeArm", m + "LeftArm", (UPPER_ARM, 0.0, 0.0)), (m + "LeftHand", m + "LeftForeArm", (FOREARM, 0.0, 0.0)),
        (m + "RightShoulder", m + "Spine2", (-0.05, sh[1], 0.0)), (m + "RightArm", m + "RightShoulder", (-sh[0] + 0.05, 0.0, 0.0)),
        (m + "RightForeArm", m + "RightArm", (-UPPER_ARM, 0.0, 0.0)), (m + "RightHand", m + "RightForeArm", (-FOREARM, 0.0, 0.0)),
        (m + "LeftUpLeg", m + "Hips", o["l_thigh"]), (m + "LeftLeg", m + "LeftUpLeg", (0.0, -THIGH, 0.0)),
        (m + "LeftFoot", m + "LeftLeg", (0.0, -SHIN, 0.0)), (m + "LeftToeBase", m + "LeftFoot", (0.0, -0.05, 0.15)),
        (m + "RightUpLeg", m + "Hips", o["r_thigh"]), (m + "RightLeg", m + "RightUpLeg", (0.0, -THIGH, 0.0)),
        (m + "RightFoot", m + "RightLeg", (0.0, -SHIN, 0.0)), (m + "RightToeBase", m + "RightFoot", (0.0, -0.05, 0.15)),
    ]


MIXAMO_STILL = ("mixamorig:Spine1", "mixamorig:LeftShoulder", "mixamorig:RightShoulder")


def ours_text(frames: int = 3, **kw) -> str:
    """The file text of a small BVH with our joints (for breaking it in tests)."""
    from previs.level.bvh_file import bvh_text

    return bvh_text(build(ours_spec(), frames, **kw))


def write(path, bvh: Bvh) -> str:
    write_bvh(path, bvh)
    return str(path)
