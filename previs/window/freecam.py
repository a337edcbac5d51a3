"""The free camera: a fly camera for checking blocking from anywhere. It moves in real
time (metres per second of wall clock), never touches the simulation, and records
nothing. Axes as everywhere: x east, y up, z south; yaw 0 north, +90 west."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..gl.view_camera import Camera

FLY_SPEED = 4.0  # m/s; Shift x3: crosses a 60 m arena in 5 s
PITCH_LIMIT = 89.0


@dataclass
class FreeCam:
    x: float
    y: float
    z: float
    yaw: float
    pitch: float = -20.0

    @classmethod
    def behind(cls, fs, back: float = 3.0, up: float = 1.3) -> "FreeCam":
        """Just behind and above Henry at a frame, looking where he looks (tilted down)."""
        a = math.radians(fs.yaw)
        fx, fz = -math.sin(a), -math.cos(a)
        hx, hz = fs.henry_xz
        return cls(hx - fx * back, fs.eye[1] + up, hz - fz * back, fs.yaw, -20.0)

    def update(self, dt: float, forward: int, strafe: int, rise: int, fast: bool,
               turn_deg: float, look_deg: float) -> None:
        self.yaw += turn_deg
        self.pitch = max(-PITCH_LIMIT, min(PITCH_LIMIT, self.pitch + look_deg))
        v = FLY_SPEED * (3.0 if fast else 1.0) * dt
        a, p = math.radians(self.yaw), math.radians(self.pitch)
        # Fly where you look (pitch included), strafe level.
        fx, fy, fz = -math.sin(a) * math.cos(p), math.sin(p), -math.cos(a) * math.cos(p)
        rx, rz = math.cos(a), -math.sin(a)
        self.x += (forward * fx + strafe * rx) * v
        self.y += (forward * fy + rise) * v
        self.z += (forward * fz + strafe * rz) * v
        self.y = max(0.1, self.y)

    def camera(self, hfov: float) -> Camera:
        return Camera((self.x, self.y, self.z), self.yaw, self.pitch, 0.0, hfov)
