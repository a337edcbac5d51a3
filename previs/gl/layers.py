"""What the renderer is asked to draw besides the scene: floor overlays and layers on top.

A frame description for :meth:`previs.gl.renderer.Renderer.draw` is a
:class:`~previs.sim.motion.FrameState` (the scene), an :class:`Overlays` choice (zones and
paths drawn on the floor) and any number of :class:`OverlayLayer` objects drawn over the
finished scene, in order. The GL core defines only this protocol: the window's HUD is a
layer it hands in (:class:`previs.window.hudlayer.HudOverlay`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Overlays:
    """Optional floor overlays: ``zones`` (translucent, by kind) and ``paths`` (ribbons)."""

    zones: bool = False
    paths: bool = False

    @classmethod
    def all(cls) -> "Overlays":
        return cls(zones=True, paths=True)

    @property
    def any(self) -> bool:
        return self.zones or self.paths


NO_OVERLAYS = Overlays()


class OverlayLayer(Protocol):
    """Something drawn over the scene into the current framebuffer: ``size`` is the
    framebuffer's (width, height) in pixels, ``state`` the FrameState just drawn. The
    layer leaves depth test, blending and the bound vertex array as it found them."""

    def draw_over(self, size: tuple[int, int], state) -> None: ...
