"""The person mesh, drawn instanced for every body (numpy, no GL here).

:func:`body_template` is one standing person for a 1.8 m, 0.3 m radius performer, in two
levels of detail (:func:`body_template_far` beyond :data:`BODY_LOD_DISTANCE`); see
``assets/shaders/body.vert`` for how an instance is scaled, turned and laid down. Metres,
x east, y up, z south; faces wind counter-clockwise seen from outside.
"""

from __future__ import annotations

import math

import numpy as np

BODY_VERTEX = 7  # floats: position 3, normal 3, part 1
INSTANCE_FLOATS = 10  # per body: x, z, facing, down, r, g, b, 0, radius, height

TEMPLATE_HEIGHT = 1.8  # metres: the template person (body.vert scales by height / 1.8)
HENRY_COLOR = (70, 150, 235)  # blue: Henry's own body, seen from the free camera

PART_TORSO, PART_HEAD, PART_NOSE, PART_CHEST, PART_VISOR = 0.0, 1.0, 2.0, 3.0, 4.0


def _lathe(profile, segments: int, part: float, cy: float = 0.0, phase: float = 0.0) -> np.ndarray:
    """Triangles (T*3, 7) of a surface of revolution about +Y.

    ``profile`` is [(radius, y), ...] from bottom to top; radius 0 closes a cap. Normals
    are smooth around the axis and follow the profile's slope."""
    prof = np.asarray(profile, np.float64)
    ang = phase + np.arange(segments + 1) * 2 * math.pi / segments
    ca, sa = np.cos(ang), np.sin(ang)
    tris = []
    for i in range(len(prof) - 1):
        (r0, y0), (r1, y1) = prof[i], prof[i + 1]
        # Slope normal in the (radial, y) plane: perpendicular to (dr, dy), pointing out.
        dr, dy = r1 - r0, y1 - y0
        nl = math.hypot(dr, dy) or 1.0
        nr, ny = dy / nl, -dr / nl
        for s in range(segments):
            p = []
            for rr, yy, a in ((r0, y0, s), (r0, y0, s + 1), (r1, y1, s + 1), (r1, y1, s)):
                # x = r sin, z = r cos: counter-clockwise seen from outside for rising y.
                p.append(((rr * sa[a], yy + cy, rr * ca[a]), (nr * sa[a], ny, nr * ca[a])))
            for tri in ((p[0], p[1], p[2]), (p[0], p[2], p[3])):
                pos = [t[0] for t in tri]
                if np.linalg.norm(np.cross(np.subtract(pos[1], pos[0]), np.subtract(pos[2], pos[0]))) < 1e-12:
                    continue  # degenerate at a cap
                for t in tri:
                    tris.append((*t[0], *t[1], part))
    return np.asarray(tris, np.float32)


def _box(x0, x1, y0, y1, z0, z1, part: float, skip=()) -> np.ndarray:
    """Triangles (up to 36, 7) of an axis-aligned box with flat normals (bounds in any
    order). ``skip`` names faces to leave out: front (-Z), back (+Z), left, right, top,
    bottom."""
    x0, x1 = sorted((x0, x1))
    y0, y1 = sorted((y0, y1))
    z0, z1 = sorted((z0, z1))
    P = np.array([[x0, y0, z0], [x1, y0, z0], [x1, y1, z0], [x0, y1, z0],
                  [x0, y0, z1], [x1, y0, z1], [x1, y1, z1], [x0, y1, z1]], np.float64)
    faces = (  # name, corner indices counter-clockwise seen from outside, normal
        ("back", (4, 5, 6, 7), (0, 0, 1)), ("front", (1, 0, 3, 2), (0, 0, -1)),
        ("right", (5, 1, 2, 6), (1, 0, 0)), ("left", (0, 4, 7, 3), (-1, 0, 0)),
        ("top", (7, 6, 2, 3), (0, 1, 0)), ("bottom", (0, 1, 5, 4), (0, -1, 0)))
    out = []
    for name, (a, b, c, d), n in faces:
        if name in skip:
            continue
        for i in (a, b, c, a, c, d):
            out.append((*P[i], *n, part))
    return np.asarray(out, np.float32)


def body_template() -> np.ndarray:
    """The instanced person: triangles (T*3, 7) as position, normal, part.

    Legs, torso, arms (part 0) and chest plate (part 3): x, z in units of the radius, y in
    units of the height. Head (1), nose (2) and visor (4): metres for a 1.8 m person.
    The body keeps inside its clearance circle (shoulders at 0.95 radius) so what you
    see touching is what the safety check calls touching. Octagons with a flat side
    facing front (-Z) read as round; faces that are always hidden (box bottoms, the
    backs of the nose and visor inside the head) are left out. ~180 triangles: a
    software rasteriser shades every vertex of every body in view on one thread, so the
    count is the cost of a crowd."""
    legs = [_box(sx * 0.55, sx * 0.07, 0.0, 0.48, -0.32, 0.32, PART_TORSO, skip=("bottom", "top"))
            for sx in (-1, 1)]
    torso = _lathe([(0.60, 0.45), (0.74, 0.64), (0.76, 0.76), (0.50, 0.82), (0.20, 0.85), (0.0, 0.87)], 8, PART_TORSO,
                   phase=math.pi / 8)
    arms = [_box(sx * 0.74, sx * 0.95, 0.42, 0.77, -0.16, 0.16, PART_TORSO, skip=("bottom",)) for sx in (-1, 1)]
    head_r, head_y = 0.12, 1.68
    rings = 4
    prof = [(head_r * math.sin(math.pi * i / rings), head_y - head_r * math.cos(math.pi * i / rings))
            for i in range(rings + 1)]
    head = _lathe(prof, 8, PART_HEAD, phase=math.pi / 8)
    # A small nose and a thin band over the eyes: enough to read the facing across a room
    # without turning a close-up into a mask.
    nose = _box(-0.022, 0.022, 1.625, 1.66, -0.16, -0.10, PART_NOSE, skip=("back",))
    visor = _box(-0.075, 0.075, 1.678, 1.706, -0.128, -0.07, PART_VISOR, skip=("back", "bottom"))
    chest = _box(-0.40, 0.40, 0.58, 0.72, -0.72, -0.64, PART_CHEST, skip=("back",))
    parts = [*legs, torso, *arms, head, nose, visor, chest]
    return np.concatenate(parts).astype(np.float32)


def body_template_far() -> np.ndarray:
    """The same person with less detail (~80 triangles), for bodies more than
    :data:`BODY_LOD_DISTANCE` away: square torso, box head and legs, same colours, nose
    and chest plate. At 10 m a body is ~110 px tall at 720p: the silhouette reads the
    same; the vertex work halves."""
    legs = _box(-0.55, 0.55, 0.0, 0.48, -0.32, 0.32, PART_TORSO, skip=("bottom", "top"))
    torso = _lathe([(0.62, 0.45), (0.80, 0.76), (0.30, 0.84), (0.0, 0.87)], 4, PART_TORSO, phase=math.pi / 4)
    arms = [_box(sx * 0.70, sx * 0.95, 0.42, 0.77, -0.16, 0.16, PART_TORSO, skip=("bottom",)) for sx in (-1, 1)]
    head = _box(-0.11, 0.11, 1.56, 1.80, -0.11, 0.11, PART_HEAD, skip=("bottom",))
    nose = _box(-0.03, 0.03, 1.62, 1.665, -0.17, -0.10, PART_NOSE, skip=("back",))  # bigger: seen far away
    visor = _box(-0.08, 0.08, 1.675, 1.71, -0.125, -0.10, PART_VISOR, skip=("back", "bottom"))
    chest = _box(-0.40, 0.40, 0.58, 0.72, -0.72, -0.60, PART_CHEST, skip=("back",))
    return np.concatenate([legs, torso, *arms, head, nose, visor, chest]).astype(np.float32)


BODY_LOD_DISTANCE = 10.0
"""Metres from the camera beyond which bodies are drawn with :func:`body_template_far`."""


def indexed(tris: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Triangles (T*3, K) with shared vertices merged: (V, K) float32, (I,) uint32.
    Indexed drawing lets the rasteriser's vertex cache shade each corner once (a body:
    ~250 vertices instead of ~500)."""
    uniq, inv = np.unique(tris, axis=0, return_inverse=True)
    return np.ascontiguousarray(uniq, np.float32), inv.reshape(-1).astype(np.uint32)
