"""The first-person renderer: draws one :class:`~previs.sim.motion.FrameState` with OpenGL
3.3 core (shaders, VBOs, VAOs, instancing; no fixed function).

Usage (the GL context must be current, see :mod:`previs.render.context`)::

    ctx = create_offscreen_context((1280, 720))
    r = Renderer(level, (1280, 720))
    r.draw(motion.snapshot(120), overlays=Overlays(zones=True), hud=hud_state)
    rgb = r.read_pixels()          # (720, 1280, 3) uint8, top row first

What is uploaded once per level (``set_level`` again on hot reload): the walls merged into
one indexed mesh, the floor quad and its tile-colour texture, the person template, the
performers' colours and sizes, the overlay triangles. Per frame: a few uniforms and one
``glBufferSubData`` of ``(P + 1) x 4`` floats (x, z, facing, down) for the bodies, drawn
with one instanced call. The renderer draws what the FrameState says; it never moves
anything.

Draw order: bodies, walls, then the floor (big, often hidden behind walls: drawn last so
early depth rejection skips its shading), then translucent overlays, then the HUD.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..level.model import Level
from . import geometry
from .camera import NEAR, Camera, view_projection
from .gl import GL, Program, RenderError, attrib, delete_buffers, delete_vertex_arrays, make_buffer, set_mat4

SKY = (0.50, 0.56, 0.63)  # dusk blue-grey: walls (mid tones) and red/orange bodies stand out
FOG_START = 30.0  # metres: beyond this, things fade toward the sky colour (depth cue)


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


class Renderer:
    """Draws a level's frames into an offscreen framebuffer (default) or the window.

    ``size`` is (width, height) pixels. ``offscreen=True`` renders into an FBO of that
    size (``read_pixels`` reads it; ``present`` blits it to the window); ``False`` draws
    straight into the current window's back buffer. Needs a current OpenGL 3.3 context.
    """

    def __init__(self, level: Level, size: tuple[int, int], offscreen: bool = True):
        self.size = (int(size[0]), int(size[1]))
        if self.size[0] < 1 or self.size[1] < 1:
            raise RenderError(f"render size {self.size[0]}x{self.size[1]} has no pixels.")
        self.offscreen = offscreen
        self._programs = {n: Program(n) for n in ("world", "floor", "body", "overlay")}
        self._vaos: list[int] = []
        self._bufs: list[int] = []
        self._tex: list[int] = []
        self._fbo = 0
        self._rbo: list[int] = []
        self._hud = None
        if offscreen:
            self._make_fbo()
        self._build_body_template()
        self.level: Level | None = None
        self.set_level(level)

    # -- set-up ----------------------------------------------------------------------------

    def _make_fbo(self) -> None:
        w, h = self.size
        self._fbo = int(GL.glGenFramebuffers(1))
        GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, self._fbo)
        color, depth = (int(x) for x in GL.glGenRenderbuffers(2))
        GL.glBindRenderbuffer(GL.GL_RENDERBUFFER, color)
        GL.glRenderbufferStorage(GL.GL_RENDERBUFFER, GL.GL_RGBA8, w, h)
        GL.glFramebufferRenderbuffer(GL.GL_FRAMEBUFFER, GL.GL_COLOR_ATTACHMENT0, GL.GL_RENDERBUFFER, color)
        GL.glBindRenderbuffer(GL.GL_RENDERBUFFER, depth)
        GL.glRenderbufferStorage(GL.GL_RENDERBUFFER, GL.GL_DEPTH_COMPONENT24, w, h)
        GL.glFramebufferRenderbuffer(GL.GL_FRAMEBUFFER, GL.GL_DEPTH_ATTACHMENT, GL.GL_RENDERBUFFER, depth)
        status = GL.glCheckFramebufferStatus(GL.GL_FRAMEBUFFER)
        if status != GL.GL_FRAMEBUFFER_COMPLETE:
            raise RenderError(f"cannot make a {w}x{h} offscreen framebuffer (status 0x{int(status):x}); "
                              "try a smaller --size.")
        self._rbo = [color, depth]

    def _build_body_template(self) -> None:
        tmpl = geometry.body_template()
        self._body_count = len(tmpl)
        self._body_vao = int(GL.glGenVertexArrays(1))
        GL.glBindVertexArray(self._body_vao)
        stride = geometry.BODY_VERTEX * 4
        self._body_vbo = make_buffer(tmpl)
        attrib(0, 3, stride, 0)
        attrib(1, 3, stride, 12)
        attrib(2, 1, stride, 24)
        # Instance buffers are (re)made per level in _build_instances.
        self._inst_pose = 0
        self._inst_static = 0
        GL.glBindVertexArray(0)
        self._vaos.append(self._body_vao)
        self._bufs.append(self._body_vbo)

    def set_level(self, level: Level) -> None:
        """Upload a level's static geometry (first use, or a hot reload)."""
        self._free_level()
        self.level = level
        diag = math.hypot(max(level.width, 1.0), max(level.depth, 1.0))
        self.far = max(200.0, 2.5 * diag)
        self.fog = (FOG_START, max(90.0, 1.3 * diag))
        self._level_vaos: list[int] = []
        self._level_bufs: list[int] = []
        self._level_tex: list[int] = []
        self._build_walls(level)
        self._build_floor(level)
        self._build_instances(level)
        self._overlay_cache: dict[Overlays, tuple[int, int, int, int]] = {}

    def _free_level(self) -> None:
        if self.level is None:
            return
        for vao, buf, _, _ in getattr(self, "_overlay_cache", {}).values():
            delete_vertex_arrays(vao)
            delete_buffers(buf)
        delete_vertex_arrays(*self._level_vaos)
        delete_buffers(*self._level_bufs)
        if self._level_tex:
            GL.glDeleteTextures(len(self._level_tex), self._level_tex)

    def _build_walls(self, level: Level) -> None:
        verts, idx = geometry.wall_mesh(level.walls)
        self._wall_count = len(idx)
        self._wall_vao = int(GL.glGenVertexArrays(1))
        GL.glBindVertexArray(self._wall_vao)
        vbo = make_buffer(verts if len(verts) else np.zeros((1, geometry.WALL_VERTEX), np.float32))
        stride = geometry.WALL_VERTEX * 4
        attrib(0, 3, stride, 0)
        attrib(1, 3, stride, 12)
        attrib(2, 3, stride, 24)
        ebo = make_buffer(idx if len(idx) else np.zeros(3, np.uint32), GL.GL_ELEMENT_ARRAY_BUFFER)
        GL.glBindVertexArray(0)
        self._level_vaos.append(self._wall_vao)
        self._level_bufs += [vbo, ebo]

    def _build_floor(self, level: Level) -> None:
        x0, z0, x1, z1 = geometry.floor_extent(level)
        quad = np.array([[x0, z0], [x0, z1], [x1, z1], [x0, z0], [x1, z1], [x1, z0]], np.float32)
        self._floor_vao = int(GL.glGenVertexArrays(1))
        GL.glBindVertexArray(self._floor_vao)
        vbo = make_buffer(quad)
        attrib(0, 2, 8, 0)
        GL.glBindVertexArray(0)
        tiles = geometry.floor_tiles(level)
        tex = int(GL.glGenTextures(1))
        GL.glBindTexture(GL.GL_TEXTURE_2D, tex)
        GL.glPixelStorei(GL.GL_UNPACK_ALIGNMENT, 1)
        GL.glTexImage2D(GL.GL_TEXTURE_2D, 0, GL.GL_RGB8, tiles.shape[1], tiles.shape[0], 0,
                        GL.GL_RGB, GL.GL_UNSIGNED_BYTE, np.ascontiguousarray(tiles))
        for p, v in ((GL.GL_TEXTURE_MIN_FILTER, GL.GL_NEAREST), (GL.GL_TEXTURE_MAG_FILTER, GL.GL_NEAREST),
                     (GL.GL_TEXTURE_WRAP_S, GL.GL_CLAMP_TO_EDGE), (GL.GL_TEXTURE_WRAP_T, GL.GL_CLAMP_TO_EDGE)):
            GL.glTexParameteri(GL.GL_TEXTURE_2D, p, v)
        self._floor_tex = tex
        self._extent = (float(level.walls.cols * level.walls.cell) or 1.0,
                        float(level.walls.rows * level.walls.cell) or 1.0)
        self._level_vaos.append(self._floor_vao)
        self._level_bufs.append(vbo)
        self._level_tex.append(tex)

    def _build_instances(self, level: Level) -> None:
        """Per-instance buffers: pose (dynamic) and colour + size (static). Instance
        ``P`` (after the performers) is Henry's own body, drawn only from a free camera."""
        P = len(level.performers)
        self._P = P
        static = np.zeros((P + 1, 6), np.float32)
        for i, p in enumerate(level.performers):
            static[i, 0:3] = np.asarray(p.color, np.float32) / 255.0
            static[i, 4:6] = (p.radius, p.height)
        h = level.henry
        static[P, 0:3] = np.asarray(geometry.HENRY_COLOR, np.float32) / 255.0
        static[P, 4:6] = (h.radius, h.height)
        self._pose = np.zeros((P + 1, 4), np.float32)
        GL.glBindVertexArray(self._body_vao)
        self._inst_pose = make_buffer(self._pose, usage=GL.GL_DYNAMIC_DRAW)
        attrib(3, 4, 16, 0, divisor=1)
        self._inst_static = make_buffer(static)
        attrib(4, 4, 24, 0, divisor=1)
        attrib(5, 2, 24, 16, divisor=1)
        GL.glBindVertexArray(0)
        self._level_bufs += [self._inst_pose, self._inst_static]

    def _overlay(self, ov: Overlays) -> tuple[int, int, int, int]:
        """(vao, vbo, zone vertex count, total vertex count), built on first use."""
        got = self._overlay_cache.get(ov)
        if got is None:
            verts, nzone = geometry.overlay_mesh(self.level, zones=ov.zones, paths=ov.paths)
            vao = int(GL.glGenVertexArrays(1))
            GL.glBindVertexArray(vao)
            vbo = make_buffer(verts if len(verts) else np.zeros((1, geometry.OVERLAY_VERTEX), np.float32))
            stride = geometry.OVERLAY_VERTEX * 4
            attrib(0, 3, stride, 0)
            attrib(1, 4, stride, 12)
            attrib(2, 1, stride, 28)
            GL.glBindVertexArray(0)
            got = (vao, vbo, nzone, len(verts))
            self._overlay_cache[ov] = got
        return got

    @property
    def hud(self):
        """The HUD layer (created on first use: it needs pygame.font)."""
        if self._hud is None:
            from .hudlayer import HudLayer

            self._hud = HudLayer(self.size)
        return self._hud

    # -- per frame -------------------------------------------------------------------------

    def draw(self, state, overlays: Overlays = NO_OVERLAYS, hud=None, camera: Camera | None = None,
             show_henry: bool = False) -> None:
        """Draw one frame.

        ``state``: the FrameState to show. ``camera``: draw from this camera instead of
        Henry's eyes (the free camera); ``show_henry`` then draws his body too. ``hud``: a
        :class:`previs.render.hud.HudState` to draw on top, or None."""
        cam = camera if camera is not None else Camera.from_frame(state)
        w, h = self.size
        GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, self._fbo)
        GL.glViewport(0, 0, w, h)
        GL.glClearColor(SKY[0], SKY[1], SKY[2], 1.0)
        GL.glClear(GL.GL_COLOR_BUFFER_BIT | GL.GL_DEPTH_BUFFER_BIT)
        GL.glEnable(GL.GL_DEPTH_TEST)
        GL.glDepthFunc(GL.GL_LESS)
        GL.glDepthMask(GL.GL_TRUE)
        GL.glDisable(GL.GL_BLEND)
        GL.glEnable(GL.GL_CULL_FACE)
        vp = view_projection(cam, w / h, NEAR, self.far)
        eye = tuple(float(v) for v in cam.eye)

        # Bodies: one instanced draw.
        P = self._P
        pose = self._pose
        if P:
            pose[:P, 0:2] = state.perf_xz
            np.radians(state.perf_facing, out=pose[:P, 2], casting="unsafe")
            pose[:P, 3] = state.perf_down
        pose[P] = (state.henry_xz[0], state.henry_xz[1], math.radians(state.yaw), 0.0)
        count = P + 1 if show_henry else P
        if count:
            prog = self._programs["body"]
            prog.use()
            set_mat4(prog, "u_viewproj", vp)
            self._common_uniforms(prog, eye)
            GL.glBindBuffer(GL.GL_ARRAY_BUFFER, self._inst_pose)
            GL.glBufferSubData(GL.GL_ARRAY_BUFFER, 0, pose.nbytes, pose)
            GL.glBindVertexArray(self._body_vao)
            GL.glDrawArraysInstanced(GL.GL_TRIANGLES, 0, self._body_count, count)

        if self._wall_count:
            prog = self._programs["world"]
            prog.use()
            set_mat4(prog, "u_viewproj", vp)
            self._common_uniforms(prog, eye)
            GL.glBindVertexArray(self._wall_vao)
            GL.glDrawElements(GL.GL_TRIANGLES, self._wall_count, GL.GL_UNSIGNED_INT, None)

        prog = self._programs["floor"]
        prog.use()
        set_mat4(prog, "u_viewproj", vp)
        self._common_uniforms(prog, eye)
        GL.glUniform2f(prog.loc("u_extent"), *self._extent)
        GL.glUniform1i(prog.loc("u_tiles"), 0)
        GL.glActiveTexture(GL.GL_TEXTURE0)
        GL.glBindTexture(GL.GL_TEXTURE_2D, self._floor_tex)
        GL.glBindVertexArray(self._floor_vao)
        GL.glDisable(GL.GL_CULL_FACE)  # seen from below when a free camera dips under it
        GL.glDrawArrays(GL.GL_TRIANGLES, 0, 6)

        if overlays.any:
            vao, _, _, n = self._overlay(overlays)
            if n:
                prog = self._programs["overlay"]
                prog.use()
                set_mat4(prog, "u_viewproj", vp)
                GL.glEnable(GL.GL_BLEND)
                GL.glBlendFunc(GL.GL_SRC_ALPHA, GL.GL_ONE_MINUS_SRC_ALPHA)
                GL.glDepthMask(GL.GL_FALSE)
                GL.glEnable(GL.GL_POLYGON_OFFSET_FILL)
                GL.glPolygonOffset(-1.0, -4.0)
                GL.glBindVertexArray(vao)
                GL.glDrawArrays(GL.GL_TRIANGLES, 0, n)
                GL.glDisable(GL.GL_POLYGON_OFFSET_FILL)
                GL.glDepthMask(GL.GL_TRUE)

        GL.glBindVertexArray(0)
        if hud is not None:
            self.hud.draw(hud, self.level, state)

    def _common_uniforms(self, prog: Program, eye) -> None:
        GL.glUniform3f(prog.loc("u_eye"), *eye)
        GL.glUniform3f(prog.loc("u_fog_color"), *SKY)
        GL.glUniform2f(prog.loc("u_fog"), *self.fog)

    def read_pixels(self) -> np.ndarray:
        """The last drawn frame as (height, width, 3) uint8 RGB, top row first."""
        w, h = self.size
        GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, self._fbo)
        if not self._fbo:
            GL.glReadBuffer(GL.GL_BACK)
        GL.glPixelStorei(GL.GL_PACK_ALIGNMENT, 1)
        raw = GL.glReadPixels(0, 0, w, h, GL.GL_RGB, GL.GL_UNSIGNED_BYTE)
        img = np.frombuffer(raw, np.uint8).reshape(h, w, 3)
        return np.ascontiguousarray(img[::-1])

    def present(self) -> None:
        """Copy the offscreen frame to the window's back buffer (then flip the display)."""
        if not self._fbo:
            return
        w, h = self.size
        GL.glBindFramebuffer(GL.GL_READ_FRAMEBUFFER, self._fbo)
        GL.glBindFramebuffer(GL.GL_DRAW_FRAMEBUFFER, 0)
        GL.glBlitFramebuffer(0, 0, w, h, 0, 0, w, h, GL.GL_COLOR_BUFFER_BIT, GL.GL_NEAREST)
        GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, self._fbo)

    def close(self) -> None:
        """Free every GL object (the context itself belongs to the caller)."""
        self._free_level()
        self.level = None
        if self._hud is not None:
            self._hud.close()
            self._hud = None
        delete_vertex_arrays(*self._vaos)
        delete_buffers(*self._bufs)
        self._vaos, self._bufs = [], []
        for p in self._programs.values():
            p.delete()
        if self._fbo:
            GL.glDeleteFramebuffers(1, [self._fbo])
            GL.glDeleteRenderbuffers(len(self._rbo), self._rbo)
            self._fbo = 0
