"""A bound on the frames the GL driver may queue ahead of the one on screen.

Nothing in OpenGL makes ``SwapBuffers`` wait: Mesa's llvmpipe (the software rasteriser of
CI and headless runs) queues every submitted frame with its command buffers and textures
until its threads have drawn it. While the window's Python work per frame was heavier
than the rasterising (playing: poses, HUD) the queue stayed short; paused at the end of
the corridor fight, a frame is submitted in ~2 ms and the queue grew by ~240 KB a frame
(``previs walk levels/corridor.tmx --headless --mode watch --frames 2400`` peaked at
495 MB, 2800 frames at 569 MB). A fence after each frame, and a wait on the fence of the
frame :data:`MAX_IN_FLIGHT` frames back, keeps at most that many frames queued: Python
still prepares the next frame while the last one rasterises, and memory stays flat.
"""

from __future__ import annotations

from collections import deque

from OpenGL import GL

MAX_IN_FLIGHT = 2
"""Frames submitted but possibly not yet drawn: 2 keeps Python and the rasteriser busy at
once (one frame in each) without letting the queue grow."""

WAIT_NS = 5_000_000_000
"""Longest wait for one old frame (5 s): a frame takes milliseconds; a driver that never
signals must not hang the window forever."""


class FramesInFlight:
    """Call :meth:`submitted` once after each frame is handed to the driver (after the flip)."""

    def __init__(self, limit: int = MAX_IN_FLIGHT):
        self.limit = int(limit)
        self._fences: deque = deque()

    def submitted(self) -> None:
        self._fences.append(GL.glFenceSync(GL.GL_SYNC_GPU_COMMANDS_COMPLETE, 0))
        while len(self._fences) > self.limit:
            fence = self._fences.popleft()
            GL.glClientWaitSync(fence, GL.GL_SYNC_FLUSH_COMMANDS_BIT, WAIT_NS)
            GL.glDeleteSync(fence)

    def release(self) -> None:
        """Delete the fences still held (before the GL context goes)."""
        while self._fences:
            GL.glDeleteSync(self._fences.popleft())

    def __len__(self) -> int:
        return len(self._fences)
