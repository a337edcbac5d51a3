"""Floor overlays (numpy, no GL here): zones as translucent floor polygons (hatched when
no-go) and paths as ribbons with direction arrows, just above the floor.

Metres, x east, y up, z south; polygons are ``[(x, z), ...]`` in either winding.
"""

from __future__ import annotations

import math

import numpy as np

from ..level.model import Level
from .body_mesh import HENRY_COLOR

OVERLAY_VERTEX = 8  # floats: position 3, rgba 4, stripe 1

ZONE_STYLE = {
    # kind: (r, g, b, alpha, hatched). Hazards are warm and strong; the rest cool and faint.
    "no-go": (0.92, 0.10, 0.10, 0.45, True),
    "pyro": (1.00, 0.45, 0.05, 0.50, False),
    "rig": (0.25, 0.55, 1.00, 0.30, False),
    "crash-mat": (0.20, 0.80, 0.45, 0.30, False),
    "set": (0.65, 0.55, 0.85, 0.25, False),
}
ZONE_Y = 0.006  # metres above the floor: clear of it in a 24-bit depth buffer at ~30 m
PATH_Y = 0.012
PATH_HALF_WIDTH = 0.04  # metres: 8 cm ribbons read at 20 m without hiding the grid


def _signed_area(pts: np.ndarray) -> float:
    x, z = pts[:, 0], pts[:, 1]
    return 0.5 * float(np.dot(x, np.roll(z, -1)) - np.dot(np.roll(x, -1), z))


def triangulate(polygon) -> list[tuple[int, int, int]]:
    """Ear-clipping triangulation of a simple polygon [(x, z), ...] (either winding).

    Zones are hand-drawn polygons of a few to a few dozen points, so O(n^3) is fine. A
    self-intersecting polygon falls back to a fan (drawn, if oddly, rather than lost)."""
    pts = np.asarray(polygon, np.float64)
    n = len(pts)
    if n < 3:
        return []
    order = list(range(n))
    if _signed_area(pts) < 0:
        order.reverse()
    tris = []

    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    guard = 0
    while len(order) > 3 and guard < 10 * n * n:
        guard += 1
        m = len(order)
        for i in range(m):
            ia, ib, ic = order[i - 1], order[i], order[(i + 1) % m]
            a, b, c = pts[ia], pts[ib], pts[ic]
            if cross(a, b, c) <= 1e-12:
                continue  # reflex or flat: not an ear
            inside = False
            for j in order:
                if j in (ia, ib, ic):
                    continue
                p = pts[j]
                if cross(a, b, p) >= 0 and cross(b, c, p) >= 0 and cross(c, a, p) >= 0:
                    inside = True
                    break
            if not inside:
                tris.append((ia, ib, ic))
                order.pop(i)
                break
        else:
            break
    if len(order) == 3:
        tris.append(tuple(order))
    elif len(order) > 3:  # not simple: fan what is left
        tris.extend((order[0], order[k], order[k + 1]) for k in range(1, len(order) - 1))
    return tris


def _ribbon(points, closed: bool, y: float, half: float, rgba, arrows: bool) -> list[tuple]:
    """Triangles of a flat ribbon along a polyline, with a square on each joint and an
    arrowhead at each segment's middle pointing the way the actor walks."""
    out = []
    pts = [tuple(map(float, p)) for p in points]
    segs = list(zip(pts, pts[1:] + ([pts[0]] if closed else [])))
    if not closed:
        segs = list(zip(pts[:-1], pts[1:]))
    col = tuple(rgba)

    def v(x, z):
        return (x, y, z, *col, 0.0)

    for (ax, az), (bx, bz) in segs:
        dx, dz = bx - ax, bz - az
        ln = math.hypot(dx, dz)
        if ln < 1e-9:
            continue
        ux, uz = dx / ln, dz / ln
        nx, nz = -uz * half, ux * half
        a0, a1, b0, b1 = v(ax + nx, az + nz), v(ax - nx, az - nz), v(bx + nx, bz + nz), v(bx - nx, bz - nz)
        out += [a0, a1, b1, a0, b1, b0]
        if arrows and ln > 0.6:
            mx, mz = ax + dx * 0.5, az + dz * 0.5
            s = half * 4.0
            tip = v(mx + ux * s, mz + uz * s)
            l, r = v(mx - ux * s + nx * 3.0, mz - uz * s + nz * 3.0), v(mx - ux * s - nx * 3.0, mz - uz * s - nz * 3.0)
            out += [l, r, tip]
    for x, z in pts:
        out += [v(x - half, z - half), v(x + half, z - half), v(x + half, z + half),
                v(x - half, z - half), v(x + half, z + half), v(x - half, z + half)]
    return out


def path_owner_colors(level: Level) -> dict[int, tuple[int, int, int]]:
    """Path id -> colour of the first actor that walks it (Henry blue)."""
    out: dict[int, tuple[int, int, int]] = {}
    for a in (level.henry, *level.performers):
        if a.path is not None and a.path.id not in out:
            out[a.path.id] = HENRY_COLOR if a.kind == "henry" else tuple(a.color)
    return out


def overlay_mesh(level: Level, zones: bool = True, paths: bool = True) -> tuple[np.ndarray, int]:
    """Translucent overlay triangles (T*3, 8) and how many of the first vertices are zones
    (the rest are path ribbons)."""
    tris: list[tuple] = []
    if zones:
        for z in level.zones:
            r, g, b, a, hatch = ZONE_STYLE.get(z.kind, (0.8, 0.8, 0.8, 0.3, False))
            pts = list(z.polygon)
            for i, j, k in triangulate(pts):
                for p in (pts[i], pts[j], pts[k]):
                    tris.append((p[0], ZONE_Y, p[1], r, g, b, a, 1.0 if hatch else 0.0))
            tris += _ribbon(pts, True, ZONE_Y + 0.001, 0.03, (r, g, b, min(1.0, a + 0.4)), False)
    nzone = len(tris)
    if paths:
        owners = path_owner_colors(level)
        all_paths = {p.id: p for p in level.paths}
        for a in (level.henry, *level.performers):
            if a.path is not None:
                all_paths.setdefault(a.path.id, a.path)
        for pid, p in all_paths.items():
            c = owners.get(pid, (230, 230, 230))
            rgba = (c[0] / 255.0, c[1] / 255.0, c[2] / 255.0, 0.85)
            tris += _ribbon(p.points, p.closed, PATH_Y, PATH_HALF_WIDTH, rgba, True)
    arr = np.asarray(tris, np.float32).reshape(-1, OVERLAY_VERTEX)
    return arr, nzone
