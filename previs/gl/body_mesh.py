"""The articulated person mesh, drawn instanced for every body (numpy, no GL here).

One mesh for the whole body: each of the 17 segments of :mod:`previs.pose.skeleton` is a
few tapered boxes (a lathe for the head) written in its joint's frame at template scale
(1.8 m; +X right, +Y up, -Z forward, limbs running down -Y from the joint), and every
vertex carries the index of the joint it is bound to. ``assets/shaders/body.vert`` fetches
that joint's world matrix (pose, scale and position included) and draws the segment there,
so one instanced call draws every body in any pose. Two levels of detail
(:func:`body_template`, :func:`body_template_far` beyond :data:`BODY_LOD_DISTANCE`);
:func:`arms_template` is Henry's own arms, all of him that first person shows; :func:`prop_mesh`
is one held prop in its grip frame. Faces wind counter-clockwise seen from outside.
"""

from __future__ import annotations

import math

import numpy as np

from ..pose.props import PROPS, Prop
from ..pose.skeleton import ANKLE_HEIGHT, FOREARM, INDEX, SHIN, THIGH, UPPER_ARM

BODY_VERTEX = 8  # floats: position 3, normal 3, part 1, bone 1

HENRY_COLOR = (70, 150, 235)  # blue: Henry's own body (his sleeves in first person)

# Parts: how body.vert colours a face (see the shader for the colours).
PART_CLOTH, PART_SKIN, PART_NOSE, PART_CHEST, PART_VISOR, PART_TROUSERS, PART_SHOE, PART_PROP = (
    0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0)

_FACES = (  # name, corner indices counter-clockwise seen from outside (0-3 bottom, 4-7 top)
    ("back", (4, 5, 6, 7)), ("front", (1, 0, 3, 2)), ("right", (5, 1, 2, 6)),
    ("left", (0, 4, 7, 3)), ("top", (7, 6, 2, 3)), ("bottom", (0, 1, 5, 4)))


def _cross(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cross products of (..., 3) vectors: np.cross's axis handling costs ~100 us a call,
    which made building the meshes the slow part of starting a renderer."""
    a, b = np.asarray(a), np.asarray(b)
    return np.stack([a[..., 1] * b[..., 2] - a[..., 2] * b[..., 1], a[..., 2] * b[..., 0] - a[..., 0] * b[..., 2],
                     a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]], axis=-1)


def _tbox(bone: str | int, y0: float, y1: float, bottom, top=None, part: float = PART_CLOTH,
          skip=(), smooth: bool = True, parts: dict | None = None) -> np.ndarray:
    """Triangles (T*3, 8) of a tapered box from ``y0`` (bottom) to ``y1`` (top), metres in
    the joint's frame. ``bottom`` and ``top`` are (x0, x1, z0, z1) rectangles (``top``
    defaults to ``bottom``). ``skip`` names faces to leave out (front is -Z, back +Z, left
    -X, right +X, top, bottom). ``smooth``: one normal per corner (the mean of its faces:
    8 vertices, shaded round, for limbs) or flat faces (24 vertices, for the chest and face).
    ``parts`` overrides the part of named faces (the chest's lighter front)."""
    bone_i = float(INDEX[bone] if isinstance(bone, str) else bone)
    top = bottom if top is None else top
    (bx0, bx1, bz0, bz1), (tx0, tx1, tz0, tz1) = bottom, top
    # Corners in _FACES order: 0-3 on the z0 side, 4-7 on the z1 side, each x0/x1 at y0
    # then x1/x0 at y1. Every face is a planar trapezoid (two of its edges horizontal).
    P = np.array([[bx0, y0, bz0], [bx1, y0, bz0], [tx1, y1, tz0], [tx0, y1, tz0],
                  [bx0, y0, bz1], [bx1, y0, bz1], [tx1, y1, tz1], [tx0, y1, tz1]], np.float64)
    quads = np.array([idx for _, idx in _FACES])  # (6, 4) corners of each face
    qa, qb, qc, qd = (P[quads[:, i]] for i in range(4))
    face_n = _cross(qb - qa, qd - qa) + _cross(qd - qc, qb - qc)  # (6, 3): both halves of a trapezoid
    face_n /= np.linalg.norm(face_n, axis=1, keepdims=True)
    corner_n = np.zeros((8, 3))
    np.add.at(corner_n, quads.ravel(), np.repeat(face_n, 4, axis=0))
    corner_n /= np.linalg.norm(corner_n, axis=1, keepdims=True)
    keep = [k for k, (name, _) in enumerate(_FACES) if name not in skip]
    corners = quads[keep][:, [0, 1, 2, 0, 2, 3]].ravel()  # two triangles a face
    normals = corner_n[corners] if smooth else np.repeat(face_n[keep], 6, axis=0)
    part_of = np.repeat([(parts or {}).get(_FACES[k][0], part) for k in keep], 6)
    return np.column_stack([P[corners], normals, part_of, np.full(len(corners), bone_i)]).astype(np.float32)


def _lathe(bone: str, profile, segments: int, part: float, cy: float = 0.0) -> np.ndarray:
    """Triangles (T*3, 8) of a surface of revolution about the joint's +Y (the head).

    ``profile`` is [(radius, y), ...] from bottom to top; radius 0 closes a cap. A flat
    side faces front (-Z). Normals are smooth around the axis and follow the slope."""
    prof = np.asarray(profile, np.float64)
    ang = math.pi / segments + np.arange(segments + 1) * 2 * math.pi / segments
    ca, sa = np.cos(ang), np.sin(ang)
    bone_i = float(INDEX[bone])
    tris = []
    for i in range(len(prof) - 1):
        (r0, y0), (r1, y1) = prof[i], prof[i + 1]
        dr, dy = r1 - r0, y1 - y0
        nl = math.hypot(dr, dy) or 1.0
        nr, ny = dy / nl, -dr / nl  # perpendicular to the profile's slope, pointing out
        for s in range(segments):
            p = []
            for rr, yy, a in ((r0, y0, s), (r0, y0, s + 1), (r1, y1, s + 1), (r1, y1, s)):
                # x = r sin, z = r cos: counter-clockwise seen from outside for rising y.
                p.append(((rr * sa[a], yy + cy, rr * ca[a]), (nr * sa[a], ny, nr * ca[a])))
            for tri in ((p[0], p[1], p[2]), (p[0], p[2], p[3])):
                pos = [t[0] for t in tri]
                if np.linalg.norm(_cross(np.subtract(pos[1], pos[0]), np.subtract(pos[2], pos[0]))) < 1e-12:
                    continue  # degenerate at a cap
                for t in tri:
                    tris.append((*t[0], *t[1], part, bone_i))
    return np.asarray(tris, np.float32)


def _sym(x: float, z0: float, z1: float) -> tuple[float, float, float, float]:
    """A rectangle (x0, x1, z0, z1) centred on the joint's axis, ``x`` either side."""
    return (-x, x, z0, z1)


def _limbs(side: str, far: bool) -> list[np.ndarray]:
    """One arm and one leg (``side`` "l" or "r"): upper arm, forearm, fist, thigh, shin,
    foot. Each segment overlaps the next by 2-5 cm so a bent joint shows no gap; near
    bodies keep the end caps (Henry looks down his own forearms at their elbow ends)."""
    caps = ("top", "bottom") if far else ()
    return [
        _tbox(f"{side}_upperarm", -UPPER_ARM - 0.02, 0.05, _sym(0.042, -0.042, 0.042), _sym(0.052, -0.055, 0.055),
              skip=caps),
        _tbox(f"{side}_forearm", -FOREARM - 0.01, 0.03, _sym(0.033, -0.03, 0.03), _sym(0.044, -0.045, 0.045),
              skip=caps),
        # The fist: thin across (x), deep front to back (z), skin; HAND_GRIP (0, -0.085,
        # -0.01) is inside it.
        # Flat faces: seen from behind in Henry's guard, 25 cm from his eye, a fist is a
        # block whose faces must differ in light to read as a solid.
        _tbox(f"{side}_hand", -0.13, 0.01, _sym(0.032, -0.06, 0.035), part=PART_SKIN, skip=("top",) if far else (),
              smooth=far),
        _tbox(f"{side}_thigh", -THIGH - 0.02, 0.04, _sym(0.062, -0.062, 0.062), _sym(0.085, -0.085, 0.085),
              part=PART_TROUSERS, skip=caps),
        _tbox(f"{side}_shin", -SHIN - 0.01, 0.02, _sym(0.045, -0.048, 0.045), _sym(0.06, -0.062, 0.06),
              part=PART_TROUSERS, skip=caps),
        _tbox(f"{side}_foot", -ANKLE_HEIGHT, 0.03, _sym(0.048, -0.21, 0.06), _sym(0.045, -0.06, 0.05), part=PART_SHOE,
              skip=("top",)),
    ]


def _trunk(far: bool) -> list[np.ndarray]:
    """Pelvis, belly, chest (its front face lighter: the facing cue from behind a
    crowd), neck."""
    out = [
        _tbox("pelvis", -0.13, 0.10, _sym(0.15, -0.10, 0.10), _sym(0.16, -0.10, 0.10), part=PART_TROUSERS),
        _tbox("spine", -0.02, 0.21, _sym(0.145, -0.095, 0.095), _sym(0.16, -0.10, 0.10), skip=("top", "bottom")),
        _tbox("chest", -0.02, 0.22, _sym(0.16, -0.10, 0.10), _sym(0.235, -0.11, 0.10), skip=("bottom",),
              smooth=False, parts={"front": PART_CHEST}),
    ]
    if not far:
        out.append(_tbox("neck", -0.02, 0.13, _sym(0.05, -0.05, 0.05), part=PART_SKIN, skip=("top", "bottom")))
    return out


def _head(far: bool) -> list[np.ndarray]:
    """Head with the two facing cues of the old mannequin: a bright nose and a dark band
    over the eyes (eyes at EYE_IN_HEAD (0, 0.09, -0.08), inside the head)."""
    r, cy = 0.115, 0.09
    if far:
        head = _tbox("head", cy - r, cy + r, _sym(0.095, -0.10, 0.10), part=PART_SKIN, skip=("bottom",))
        nose = _tbox("head", 0.025, 0.075, _sym(0.03, -0.165, -0.09), part=PART_NOSE, skip=("back",), smooth=False)
        return [head, nose]
    rings = 4
    prof = [(r * math.sin(math.pi * i / rings), cy - r * math.cos(math.pi * i / rings)) for i in range(rings + 1)]
    head = _lathe("head", prof, 6, PART_SKIN)
    nose = _tbox("head", 0.032, 0.067, _sym(0.022, -0.155, -0.09), part=PART_NOSE, skip=("back",), smooth=False)
    visor = _tbox("head", 0.085, 0.113, _sym(0.07, -0.122, -0.06), part=PART_VISOR, skip=("back", "bottom"),
                  smooth=False)
    return [head, nose, visor]


def body_template() -> np.ndarray:
    """The instanced person, near level of detail: triangles (T*3, 8) as position
    (template metres in the bone's frame), normal, part, bone. 232 triangles on 256
    shared vertices (limbs shaded smooth: 8 vertices a box): a software rasteriser shades
    every vertex of every body in view on one thread, so the vertex count is the cost of
    a crowd."""
    return np.concatenate([*_trunk(False), *_head(False), *_limbs("l", False), *_limbs("r", False)])


def body_template_far() -> np.ndarray:
    """The same person with less detail, for bodies more than :data:`BODY_LOD_DISTANCE`
    away: box head, no neck or eye band, open-ended limbs. At 10 m a body is ~110 px tall
    at 720p: the silhouette reads the same."""
    return np.concatenate([*_trunk(True), *_head(True), *_limbs("l", True), *_limbs("r", True)])


ARM_BONES = tuple(INDEX[n] for n in ("l_upperarm", "l_forearm", "l_hand", "r_upperarm", "r_forearm", "r_hand"))


def arms_template() -> np.ndarray:
    """Henry in first person: his upper arms, forearms and fists only (the near template's
    triangles bound to the arm joints). The camera sits inside his head, so head and
    chest would fill the view from inside."""
    t = body_template()
    tri_bone = t[0::3, 7].astype(int)
    keep = np.repeat(np.isin(tri_bone, ARM_BONES), 3)
    return t[keep]


def bone_reach() -> np.ndarray:
    """(J,) template metres: the farthest any vertex bound to each joint lies from it, in
    the near or the far template (a body's world matrices scale it by height / 1.8)."""
    reach = np.zeros(len(INDEX))
    for t in (body_template(), body_template_far()):
        np.maximum.at(reach, t[:, 7].astype(int), np.linalg.norm(t[:, :3], axis=1))
    return reach


BODY_LOD_DISTANCE = 10.0
"""Metres from the camera beyond which bodies are drawn with :func:`body_template_far`."""


def _rod(z_near: float, z_far: float, near, far, y: float = 0.0, smooth: bool = False) -> np.ndarray:
    """Triangles of a box along a prop's long axis, from ``z_near`` back to ``z_far``
    (``z_far`` < ``z_near``: forward is -Z), tapering from half-sizes ``near`` (x, y) to
    ``far``, centred ``y`` above the grip; bound to bone 0 (the prop's matrix). Built as a
    box along +Y, turned by -90 deg about X (+Y to -Z; local z to +Y; windings kept)."""
    t = _tbox(0, -z_near, -z_far, (-near[0], near[0], -near[1], near[1]), (-far[0], far[0], -far[1], far[1]),
              part=PART_PROP, smooth=smooth)
    for c in (0, 3):  # position, normal: (x, y, z) -> (x, z, -y)
        yy, zz = t[:, c + 1].copy(), t[:, c + 2].copy()
        t[:, c + 1], t[:, c + 2] = zz, -yy
    t[:, 1] += y
    return t


BLADE_MIN = 0.012
"""Metres: the least thickness a blade is drawn with (see :func:`prop_mesh`)."""


def prop_mesh(prop: Prop) -> np.ndarray:
    """Triangles (T*3, 8) of one prop in its grip frame (origin at the grip, long axis
    -Z, +Y up; bone 0 is the prop's own matrix): a handle through the fist and the business
    end ahead of it, sized from :data:`~previs.pose.props.PROPS`. Blades stand on edge
    (width along Y) and narrow to their tip; a pistol's slide sits above the fist."""
    w, t, L, back = prop.width, prop.thickness, prop.length, prop.back
    r = 0.5 * max(w, t)
    if t < 0.5 * w:  # knife, cleaver: a 2.2 x 2.8 cm handle, then the blade on edge
        # Drawn BLADE_MIN thick, not 4-5 mm: seen edge-on from 2 m a true blade is under a
        # pixel wide at 720p, and previs must show who holds a knife (as the nose shows facing).
        t = max(t, BLADE_MIN)
        tip = (t / 2, w * (0.12 if prop.name == "knife" else 0.5))
        return np.concatenate([_rod(back, -0.05, (0.011, 0.014), (0.011, 0.014)),
                               _rod(-0.05, -L, (t / 2, w / 2), tip)])
    if prop.name == "pistol":  # slide above the fist, the grip inside it
        return np.concatenate([_rod(back, -L, (w / 2, t / 2), (w / 2, t / 2), y=0.035),
                               _rod(0.015, -0.015, (0.012, 0.04), (0.012, 0.04), y=0.0)])
    if prop.name == "bottle":  # held by the neck
        return np.concatenate([_rod(back, -0.07, (0.013, 0.013), (0.015, 0.015), smooth=True),
                               _rod(-0.07, -L, (0.6 * r, 0.6 * r), (r, r), smooth=True)])
    if prop.name == "bat":  # a thin handle swelling to the barrel
        return np.concatenate([_rod(back, -0.12, (0.014, 0.014), (0.016, 0.016), smooth=True),
                               _rod(-0.12, -L, (0.016, 0.016), (r, r), smooth=True)])
    return _rod(back, -L, (r, r), (r, r), smooth=True)  # pipe: one straight rod


def prop_meshes() -> dict[str, np.ndarray]:
    """Every :data:`~previs.pose.props.PROPS` kind's mesh, by name."""
    return {name: prop_mesh(p) for name, p in PROPS.items()}


def indexed(tris: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Triangles (T*3, K) with shared vertices merged: (V, K) float32, (I,) uint32.
    Indexed drawing lets the rasteriser's vertex cache shade each corner once."""
    uniq, inv = np.unique(tris, axis=0, return_inverse=True)
    return np.ascontiguousarray(uniq, np.float32), inv.reshape(-1).astype(np.uint32)
