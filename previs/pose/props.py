"""The props a performer can hold (``prop`` on a performer): shapes and how they are held.

A prop's frame has its origin at the grip (the centre of the closed fist,
:data:`~previs.pose.skeleton.HAND_GRIP`), its long axis along local -Z (the way a blade or a
muzzle points when the forearm points forward) and +Y up. Lengths are metres, measured from
common real objects (a kitchen knife 0.30 m overall, a baseball bat 0.84 m (33 in), a
scaffold pipe offcut 0.60 m, a wine bottle 0.30 m, a meat cleaver 0.32 m, a pistol 0.19 m
muzzle to grip).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Prop:
    """One row: ``length`` from the grip forward (m), ``back`` behind the grip (m, the
    handle's end), ``width`` and ``thickness`` of the business end (m), ``color`` RGB 0..255."""

    name: str
    length: float
    back: float
    width: float
    thickness: float
    color: tuple[int, int, int]


PROPS: dict[str, Prop] = {p.name: p for p in (
    Prop("knife", 0.20, 0.06, 0.030, 0.004, (205, 210, 215)),
    Prop("bat", 0.70, 0.10, 0.065, 0.065, (170, 120, 70)),
    Prop("pipe", 0.50, 0.08, 0.034, 0.034, (120, 125, 130)),
    Prop("bottle", 0.22, 0.06, 0.075, 0.075, (40, 110, 60)),
    Prop("cleaver", 0.22, 0.06, 0.090, 0.005, (190, 195, 200)),
    Prop("pistol", 0.15, 0.04, 0.030, 0.025, (35, 35, 40)),
)}
"""Every prop kind, by the name the level's ``prop`` property takes."""
