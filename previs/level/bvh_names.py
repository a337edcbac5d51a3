"""Which joint of a BVH skeleton is which joint of ours: name tables for CMU, Mixamo, Rokoko
and previs's own names, plus the structure where names differ between conventions.

Names are compared after :func:`normal_name`: the part after the last ``:`` (Mixamo's
``mixamorig:`` namespace, any exporter's), lower case, letters and digits only, so
``mixamorig:LeftArm``, ``Left_Arm`` and ``leftarm`` are one name. The chest is where the two
arm chains branch (CMU ``Spine1``, Mixamo ``Spine2``, Rokoko ``Spine2``/``Spine3``, ours
``chest``); the spine and the neck are found between the hips and the chest and between the
chest and the head, and may be absent (:data:`OPTIONAL`). A skeleton lacking any of
:data:`REQUIRED` is refused (:func:`missing_fix` says what to rename).

Pure data and a few lines of logic: the level layer (the BVH reader's check), the sim layer
(Henry's head, ``previs.sim.mocap_head``) and the pose layer (``previs.pose.retarget``) share it.
"""

from __future__ import annotations

import re

_SIDES = {"l": ("left", "l"), "r": ("right", "r")}


def _sided(side: str, stems: tuple[str, ...]) -> tuple[str, ...]:
    """``left<stem>``, ``l<stem>`` and ``<stem>l``/``<stem>left`` for each stem."""
    out: list[str] = []
    for stem in stems:
        for word in _SIDES[side]:
            out += [word + stem, stem + word]
    return tuple(out)


NAMES: dict[str, tuple[str, ...]] = {
    "pelvis": ("hips", "pelvis", "hip"),
    "head": ("head",),
    **{f"{s}_upperarm": _sided(s, ("arm", "upperarm", "shldr", "uparm")) for s in "lr"},
    **{f"{s}_forearm": _sided(s, ("forearm", "lowerarm", "elbow")) for s in "lr"},
    **{f"{s}_hand": _sided(s, ("hand", "wrist")) for s in "lr"},
    **{f"{s}_thigh": _sided(s, ("upleg", "thigh", "upperleg")) for s in "lr"},
    **{f"{s}_shin": _sided(s, ("leg", "shin", "lowerleg", "knee", "calf")) for s in "lr"},
    **{f"{s}_foot": _sided(s, ("foot", "ankle")) for s in "lr"},
}
"""Normalised names each of our joints answers to, first match wins. CMU, Mixamo and Rokoko
all call the upper arm ``LeftArm``, the shin ``LeftLeg`` and the thigh ``LeftUpLeg``; their
``LeftShoulder`` is the collar bone, which we do not have (our ``l_upperarm`` is the
shoulder joint), so ``shoulder`` is deliberately not in the table."""

SPINE_NAMES = ("spine", "lowerback", "spine1", "abdomen", "waist", "torso")
"""Preferred names for our ``spine`` among the joints between the hips and the chest."""
NECK_NAMES = ("neck", "neck1", "neck01")
"""Preferred names for our ``neck`` among the joints between the chest and the head."""

REQUIRED = ("pelvis", "head", "l_upperarm", "l_forearm", "l_hand", "r_upperarm", "r_forearm", "r_hand",
            "l_thigh", "l_shin", "l_foot", "r_thigh", "r_shin", "r_foot")
"""Joints a BVH must name for previs to drive a body with it (14 of our 17)."""
OPTIONAL = ("spine", "chest", "neck")
"""Found by structure when present; the retarget places a missing one on the line between
its neighbours."""

EXAMPLE_NAMES = ("Hips, Spine, Spine1, Neck, Head, LeftArm, LeftForeArm, LeftHand, "
                 "LeftUpLeg, LeftLeg, LeftFoot and the same with Right")


def normal_name(name: str) -> str:
    """``mixamorig:Left_Arm`` -> ``leftarm``: after the last ``:``, lower case, [a-z0-9] only."""
    return re.sub(r"[^a-z0-9]", "", name.rsplit(":", 1)[-1].lower())


def _chain(parents, top: int, bottom: int) -> list[int] | None:
    """Joints strictly between ancestor ``top`` and ``bottom`` (top down), or None if
    ``top`` is not an ancestor of ``bottom``."""
    out, j = [], parents[bottom]
    while j >= 0 and j != top:
        out.append(j)
        j = parents[j]
    return out[::-1] if j == top else None


def _pick(names: list[str], chain: list[int], preferred: tuple[str, ...]) -> int | None:
    for want in preferred:
        for j in chain:
            if names[j] == want:
                return j
    return chain[0] if chain else None


def _ancestors(parents, j: int) -> list[int]:
    out = []
    while j >= 0:
        out.append(j)
        j = parents[j]
    return out


def match_joints(names, parents) -> dict[str, int]:
    """Our joint name -> index into ``names`` for each of our joints found in a skeleton
    (``parents``: index of each joint's parent, -1 for the root). Missing joints are absent."""
    norm = [normal_name(n) for n in names]
    first: dict[str, int] = {}
    for j, n in enumerate(norm):
        first.setdefault(n, j)
    found: dict[str, int] = {}
    for ours, table in NAMES.items():
        hit = next((first[n] for n in (ours.replace("_", ""), *table) if n in first), None)
        if hit is not None:
            found[ours] = hit
    if "l_upperarm" in found and "r_upperarm" in found:
        right = set(_ancestors(parents, found["r_upperarm"]))
        chest = next((j for j in _ancestors(parents, parents[found["l_upperarm"]]) if j in right), None)
        if chest is not None and "pelvis" in found and _chain(parents, found["pelvis"], chest) is not None:
            found["chest"] = chest
            spine = _pick(norm, _chain(parents, found["pelvis"], chest), SPINE_NAMES)
            if spine is not None:
                found["spine"] = spine
            neck = _chain(parents, chest, found["head"]) if "head" in found else None
            if neck:
                found["neck"] = _pick(norm, neck, NECK_NAMES)
    return found


def missing_fix(missing) -> str:
    """The fix for a skeleton lacking ``missing`` of our joints."""
    return (f"rename the joints to CMU, Mixamo or Rokoko names ({EXAMPLE_NAMES}) or to previs's "
            f"own (pelvis, head, l_upperarm ...); previs needs hips, head, both arms (upper arm, forearm, "
            f"hand) and both legs (thigh, shin, foot)")
