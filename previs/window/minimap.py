"""The top-down minimap (pygame surfaces; the HUD layer uploads them).

North (-Z) is up, east (+X) right, as in Tiled. Walls in their colours, zones outlined by
kind, performers as dots in their colours (grey once down), Henry as a blue dot with his
view cone (the level's hfov), and the walked trail when there is one.
"""

from __future__ import annotations

import math

import numpy as np
import pygame

from ..level.model import Level
from ..gl.body_mesh import HENRY_COLOR
from ..gl.overlay_mesh import ZONE_STYLE

DOWN_GREY = (130, 130, 130)
FLOOR = (46, 48, 52)
BACKGROUND_ALPHA = 215
CONE_METERS = 6.0  # length of the drawn view cone: a fight's working distance


class Minimap:
    """A minimap of ``level`` whose longer side is ``max_px`` pixels."""

    def __init__(self, level: Level, max_px: int = 220):
        self.level = level
        w = max(level.width, level.walls.cols * level.walls.cell, 1.0)
        d = max(level.depth, level.walls.rows * level.walls.cell, 1.0)
        self.scale = max_px / max(w, d)  # pixels per metre
        self.pad = 6
        self.size = (int(round(w * self.scale)) + 2 * self.pad, int(round(d * self.scale)) + 2 * self.pad)
        self._bg = self._background(w, d)

    def to_px(self, x: float, z: float) -> tuple[int, int]:
        return (int(round(self.pad + x * self.scale)), int(round(self.pad + z * self.scale)))

    def _background(self, w: float, d: float) -> pygame.Surface:
        lv = self.level
        surf = pygame.Surface(self.size, pygame.SRCALPHA)
        surf.fill((20, 22, 26, BACKGROUND_ALPHA))
        walls = lv.walls
        rows, cols = walls.solid.shape
        if rows and cols:
            img = np.empty((cols, rows, 3), np.uint8)  # pygame arrays are (x, y)
            img[:] = FLOOR
            solid = np.asarray(walls.solid, bool).T
            col = np.asarray(walls.color, np.uint8).transpose(1, 0, 2)
            # Walls a little brighter than their 3D colour so that dark walls still show.
            img[solid] = np.minimum(255, col[solid].astype(np.int32) + 50).astype(np.uint8)
            cells = pygame.surfarray.make_surface(img)
            wpx = max(1, int(round(cols * walls.cell * self.scale)))
            hpx = max(1, int(round(rows * walls.cell * self.scale)))
            surf.blit(pygame.transform.scale(cells, (wpx, hpx)), (self.pad, self.pad))
        for z in lv.zones:
            r, g, b, _, _ = ZONE_STYLE.get(z.kind, (0.8, 0.8, 0.8, 0.3, False))
            pts = [self.to_px(x, zz) for x, zz in z.polygon]
            if len(pts) >= 3:
                fill = pygame.Surface(self.size, pygame.SRCALPHA)
                pygame.draw.polygon(fill, (int(r * 255), int(g * 255), int(b * 255), 70), pts)
                surf.blit(fill, (0, 0))
                pygame.draw.polygon(surf, (int(r * 255), int(g * 255), int(b * 255), 255), pts, 1)
        return surf

    def render(self, fs, trail=()) -> pygame.Surface:
        """The minimap for FrameState ``fs`` (``trail``: walked (x, z) points)."""
        lv = self.level
        surf = self._bg.copy()
        hx, hz = fs.henry_xz
        hp = self.to_px(hx, hz)
        # View cone: from Henry along yaw +- hfov/2.
        cone = pygame.Surface(self.size, pygame.SRCALPHA)
        half = math.radians(fs.hfov) / 2.0
        yaw = math.radians(fs.yaw)
        pts = [hp]
        for k in range(9):
            a = yaw - half + 2 * half * k / 8
            pts.append(self.to_px(hx - math.sin(a) * CONE_METERS, hz - math.cos(a) * CONE_METERS))
        pygame.draw.polygon(cone, (255, 240, 150, 70), pts)
        pygame.draw.lines(cone, (255, 240, 150, 160), True, pts, 1)
        surf.blit(cone, (0, 0))
        if len(trail) >= 2:
            # One array step for up to TRAIL_MAX points (np.rint rounds halves to even, as
            # round() in to_px does): 5.8 ms a frame as a Python loop over 4000 points.
            px = np.rint(self.pad + np.asarray(trail, np.float64) * self.scale).astype(int).tolist()
            pygame.draw.lines(surf, (*HENRY_COLOR, 255), False, px, 1)
        rad = max(2, int(round(0.3 * self.scale)))
        xz = np.asarray(fs.perf_xz)
        down = np.asarray(fs.perf_down, bool)
        for i, p in enumerate(lv.performers):
            c = DOWN_GREY if down[i] else tuple(p.color)
            pos = self.to_px(float(xz[i, 0]), float(xz[i, 1]))
            pygame.draw.circle(surf, (*c, 255), pos, rad)
            if not down[i]:
                a = math.radians(float(fs.perf_facing[i]))
                tip = (pos[0] - math.sin(a) * (rad + 2), pos[1] - math.cos(a) * (rad + 2))
                pygame.draw.line(surf, (255, 255, 255, 255), pos, tip, 1)
        pygame.draw.circle(surf, (*HENRY_COLOR, 255), hp, rad + 1)
        pygame.draw.circle(surf, (255, 255, 255, 255), hp, rad + 1, 1)
        return surf
