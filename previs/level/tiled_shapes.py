"""Object geometry in Tiled pixels: anchors, outlines and routes with rotation applied.

Tiled rotates an object by ``rotation`` degrees clockwise *on screen* (y down) about its
origin: the top-left corner of a rectangle or ellipse, the bottom-left of a tile object,
the object position of a polyline/polygon. In y-down coordinates that is the ordinary
matrix ``[[cos, -sin], [sin, cos]]``.
"""

from __future__ import annotations

import math

from .tmx import RawObject

Px = tuple[float, float]


def _turn(dx: float, dy: float, deg: float) -> Px:
    if deg == 0.0:
        return dx, dy
    a = math.radians(deg)
    c, s = math.cos(a), math.sin(a)
    return dx * c - dy * s, dx * s + dy * c


def anchor(o: RawObject) -> Px:
    """Where an actor/beat object stands: a point's position, else the centre of its
    rectangle/ellipse/tile footprint (rotation applied)."""
    if o.shape == "point" or (o.width == 0 and o.height == 0):
        return o.x, o.y
    if o.shape == "tile":
        dx, dy = _turn(o.width / 2, -o.height / 2, o.rotation)
    else:
        dx, dy = _turn(o.width / 2, o.height / 2, o.rotation)
    return o.x + dx, o.y + dy


def vertices(o: RawObject) -> list[Px]:
    """Polyline/polygon vertices with rotation applied."""
    if o.rotation == 0.0:
        return list(o.points)
    out = []
    for px, py in o.points:
        dx, dy = _turn(px - o.x, py - o.y, o.rotation)
        out.append((o.x + dx, o.y + dy))
    return out


def rectangle(o: RawObject) -> list[Px]:
    """The four corners of a rectangle object, clockwise on screen from its origin."""
    corners = [(0.0, 0.0), (o.width, 0.0), (o.width, o.height), (0.0, o.height)]
    out = []
    for cx, cy in corners:
        dx, dy = _turn(cx, cy, o.rotation)
        out.append((o.x + dx, o.y + dy))
    return out
