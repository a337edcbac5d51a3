"""The joint name tables: CMU, Mixamo, Rokoko and previs's own names find the same joints."""

from __future__ import annotations

from previs.level.bvh_names import match_joints, normal_name


def _skeleton(rows):
    names = [r[0] for r in rows]
    return names, [-1 if p is None else names.index(p) for _, p in rows]


def _limbs(prefix: str, chest: str, hips: str):
    out = []
    for side in ("Left", "Right"):
        out += [(f"{prefix}{side}Shoulder", chest), (f"{prefix}{side}Arm", f"{prefix}{side}Shoulder"),
                (f"{prefix}{side}ForeArm", f"{prefix}{side}Arm"), (f"{prefix}{side}Hand", f"{prefix}{side}ForeArm"),
                (f"{prefix}{side}UpLeg", hips), (f"{prefix}{side}Leg", f"{prefix}{side}UpLeg"),
                (f"{prefix}{side}Foot", f"{prefix}{side}Leg"), (f"{prefix}{side}ToeBase", f"{prefix}{side}Foot")]
    return out


def test_rokoko_chest_is_where_the_arms_branch():
    rows = [("Hips", None), ("Spine", "Hips"), ("Spine1", "Spine"), ("Spine2", "Spine1"), ("Spine3", "Spine2"),
            ("Neck", "Spine3"), ("Head", "Neck")] + _limbs("", "Spine3", "Hips")
    names, parents = _skeleton(rows)
    found = {k: names[v] for k, v in match_joints(names, parents).items()}
    assert found == {"pelvis": "Hips", "spine": "Spine", "chest": "Spine3", "neck": "Neck", "head": "Head",
                     "l_upperarm": "LeftArm", "l_forearm": "LeftForeArm", "l_hand": "LeftHand",
                     "r_upperarm": "RightArm", "r_forearm": "RightForeArm", "r_hand": "RightHand",
                     "l_thigh": "LeftUpLeg", "l_shin": "LeftLeg", "l_foot": "LeftFoot",
                     "r_thigh": "RightUpLeg", "r_shin": "RightLeg", "r_foot": "RightFoot"}


def test_mixamo_namespace_and_spelling_variants():
    assert normal_name("mixamorig:Left_Fore Arm") == "leftforearm" == normal_name("LEFTFOREARM")
    rows = [("mixamorig1:Hips", None), ("mixamorig1:Spine", "mixamorig1:Hips"), ("mixamorig1:Spine1", "mixamorig1:Spine"),
            ("mixamorig1:Spine2", "mixamorig1:Spine1"), ("mixamorig1:Neck", "mixamorig1:Spine2"),
            ("mixamorig1:Head", "mixamorig1:Neck")] + _limbs("mixamorig1:", "mixamorig1:Spine2", "mixamorig1:Hips")
    names, parents = _skeleton(rows)
    found = match_joints(names, parents)
    assert len(found) == 17 and names[found["chest"]] == "mixamorig1:Spine2"
    assert names[found["l_upperarm"]] == "mixamorig1:LeftArm"  # not the collar bone (LeftShoulder)
