"""The first-person renderer: draws one :class:`~previs.sim.motion.FrameState` with OpenGL
3.3 core (shaders, VBOs, VAOs, instancing; no fixed function).

Usage (the GL context must be current, see :mod:`previs.gl.context`)::

    ctx = create_offscreen_context((1280, 720))
    r = Renderer(level, (1280, 720))
    r.draw(motion.snapshot(120), poses=BodyPoses(motion).at(120), overlays=Overlays(zones=True), layers=(hud_layer,))
    rgb = r.read_pixels()          # (720, 1280, 3) uint8, top row first

What is uploaded once per level (``set_level`` again on hot reload): the walls merged into
one indexed mesh (grouped in 16 x 16-cell chunks), the floor as rectangles of one tile
colour each, the overlay triangles; once per renderer, the articulated person (two
levels of detail, Henry's arms) and the props (:mod:`previs.gl.body_draw`). Per frame: a
few uniforms, one ``glBufferSubData`` of the bone matrices of the bodies in view, a few
instanced calls for bodies and props, and one ``glDrawElements`` per visible wall chunk.
The renderer draws what the FrameState and FramePoses say; it never moves anything.

Fill rate is the budget on a software rasteriser (Mesa llvmpipe), so: bodies and wall
chunks outside the view are culled on the CPU (numpy, a few microseconds); what is left
is drawn nearest first (bodies, wall chunks by distance, then the floor, which is big and
mostly hidden), so the depth test rejects hidden pixels before they are shaded; lighting
and colour are per vertex and fog comes from the view depth, leaving the floor's grid
lines as the only real per-pixel maths.
Then translucent overlays, then the layers handed to :meth:`Renderer.draw` (any object
with ``draw_over(size, state)``, :class:`OverlayLayer`; the window's HUD is one). The
renderer knows nothing of HUDs or apps.

**The lens** is the level's: :meth:`Renderer.set_level` sets :attr:`Renderer.lens` to
:func:`previs.lens.lens_named` of ``level.settings.lens``, so a command's ``--lens``
(:func:`previs.pipeline.load` with ``lens=``) reaches every renderer through the level; assign ``renderer.lens`` (a :class:`previs.lens.Lens`) to draw another. Its
field of view is the camera's ``hfov`` (the FrameState's, or the free camera's), the
frame's left and right edges being ``hfov / 2`` off axis. ``rectilinear`` is drawn as it
always was (one pinhole frustum straight into the target). A wide lens
(``equidistant``, ``actioncam``) draws the same scene pass once per prism face the frame
needs, into an atlas, and warps it into the target (:mod:`previs.gl.lens_warp`): bodies,
props, Henry's arms, walls, floor and floor overlays all go through the warp; the layers
are drawn after it, unwarped, in screen space.
"""

from __future__ import annotations

import ctypes
import math
from typing import TYPE_CHECKING

import numpy as np

from ..lens import Lens, lens_named
from ..level.model import Level
from . import level_meshes, overlay_mesh
from .body_draw import BodyDrawer
from .lens_warp import LensWarp
from .render_targets import RenderTargets
from .layers import NO_OVERLAYS, OverlayLayer, Overlays  # noqa: F401  (re-exported)
from .view_camera import NEAR, Camera, view_projection
from .glapi import GL, Program, RenderError, attrib, delete_buffers, delete_vertex_arrays, make_buffer, set_mat4

if TYPE_CHECKING:
    from ..pose.frame import FramePoses

RECTILINEAR = Lens()
SKY = (0.50, 0.56, 0.63)  # dusk blue-grey: walls (mid tones) and red/orange bodies stand out
FOG_START = 30.0  # metres: beyond this, things fade toward the sky colour (depth cue)




def _frustum_planes(vp: np.ndarray) -> np.ndarray:
    """The 5 planes (left, right, bottom, top, near) of a view-projection matrix as rows
    ``(a, b, c, d)``, normalised so ``p @ plane`` is metres, positive inside (Gribb and
    Hartmann's extraction). The far plane is left out: fog hides what it would cut."""
    m = vp.astype(np.float64)
    pl = np.stack([m[3] + m[0], m[3] - m[0], m[3] + m[1], m[3] - m[1], m[3] + m[2]])
    return pl / np.linalg.norm(pl[:, :3], axis=1, keepdims=True)


class Renderer(RenderTargets):
    """Draws a level's frames into an offscreen framebuffer (default) or the window.

    ``size`` is (width, height) pixels. ``offscreen=True`` renders into an FBO of that
    size (``read_pixels`` reads it; ``present`` blits it to the window); ``False`` draws
    straight into the current window's back buffer. ``targets``: how many offscreen FBOs
    (each with its own depth buffer) to draw into in turn, so batch work can read one
    frame back while the next is rasterised (the animatic uses 2). Needs a current
    OpenGL 3.3 context.
    """

    def __init__(self, level: Level, size: tuple[int, int], offscreen: bool = True, targets: int = 1):
        self.size = (int(size[0]), int(size[1]))
        if self.size[0] < 1 or self.size[1] < 1:
            raise RenderError(f"render size {self.size[0]}x{self.size[1]} has no pixels.")
        self.offscreen = offscreen
        self.targets = max(1, int(targets)) if offscreen else 1
        self._programs = {"world": Program("world"), "floor": Program("floor"),
                          "body": Program("body", frag="world"), "overlay": Program("overlay")}
        self._fbo = 0  # the framebuffer of the target drawn last (0: the window)
        self._fbos: list[int] = []
        self._rbo: list[int] = []
        if offscreen:
            for _ in range(self.targets):
                self._make_fbo()
            self._fbo = self._fbos[0]
        self._body = BodyDrawer()
        self._warp: LensWarp | None = None  # made on the first wide-lens frame
        self.lens: Lens = RECTILINEAR
        self.level: Level | None = None
        self.set_level(level)

    # -- set-up ----------------------------------------------------------------------------

    def set_level(self, level: Level) -> None:
        """Upload a level's static geometry (first use, or a hot reload)."""
        self._free_level()
        self.level = level
        self.lens = lens_named(level.settings.lens)
        diag = math.hypot(max(level.width, 1.0), max(level.depth, 1.0))
        self.far = max(200.0, 2.5 * diag)
        self.fog = (FOG_START, max(90.0, 1.3 * diag))
        self._level_vaos: list[int] = []
        self._level_bufs: list[int] = []
        self._level_tex: list[int] = []
        self._build_walls(level)
        self._build_floor(level)
        self._body.set_level(level)
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
        mesh = level_meshes.wall_mesh_chunked(level.walls)
        self._wall_chunks = mesh.chunks
        n = len(mesh.chunks)
        # Chunk corners (8 per box, as homogeneous points) for frustum tests each frame.
        if n:
            x0, z0, x1, z1, y1, y0 = (mesh.chunks[:, i] for i in (2, 3, 4, 5, 6, 7))
            cx = np.stack([x0, x1, x1, x0, x0, x1, x1, x0], 1)
            cy = np.stack([y0] * 4 + [y1] * 4, 1)
            cz = np.stack([z0, z0, z1, z1, z0, z0, z1, z1], 1)
            self._chunk_corners = np.stack([cx, cy, cz, np.ones_like(cx)], -1)  # (C, 8, 4)
            self._chunk_centres = np.stack([(x0 + x1) / 2, (y0 + y1) / 2, (z0 + z1) / 2], 1)
        self._wall_count = len(mesh.indices)
        self._wall_vao = int(GL.glGenVertexArrays(1))
        GL.glBindVertexArray(self._wall_vao)
        verts = mesh.vertices if len(mesh.vertices) else np.zeros((1, level_meshes.WALL_VERTEX), np.float32)
        vbo = make_buffer(verts)
        stride = level_meshes.WALL_VERTEX * 4
        attrib(0, 3, stride, 0)
        attrib(1, 3, stride, 12)
        attrib(2, 3, stride, 24)
        ebo = make_buffer(mesh.indices if len(mesh.indices) else np.zeros(3, np.uint32),
                          GL.GL_ELEMENT_ARRAY_BUFFER)
        GL.glBindVertexArray(0)
        self._level_vaos.append(self._wall_vao)
        self._level_bufs += [vbo, ebo]

    def _build_floor(self, level: Level) -> None:
        verts, idx = level_meshes.floor_mesh(level)
        self._floor_count = len(idx)
        self._floor_vao = int(GL.glGenVertexArrays(1))
        GL.glBindVertexArray(self._floor_vao)
        vbo = make_buffer(verts)
        stride = level_meshes.FLOOR_VERTEX * 4
        attrib(0, 2, stride, 0)
        attrib(1, 3, stride, 8)
        ebo = make_buffer(idx, GL.GL_ELEMENT_ARRAY_BUFFER)
        GL.glBindVertexArray(0)
        self._level_vaos.append(self._floor_vao)
        self._level_bufs += [vbo, ebo]

    def _overlay(self, ov: Overlays) -> tuple[int, int, int, int]:
        """(vao, vbo, zone vertex count, total vertex count), built on first use."""
        got = self._overlay_cache.get(ov)
        if got is None:
            verts, nzone = overlay_mesh.overlay_mesh(self.level, zones=ov.zones, paths=ov.paths)
            vao = int(GL.glGenVertexArrays(1))
            GL.glBindVertexArray(vao)
            vbo = make_buffer(verts if len(verts) else np.zeros((1, overlay_mesh.OVERLAY_VERTEX), np.float32))
            stride = overlay_mesh.OVERLAY_VERTEX * 4
            attrib(0, 3, stride, 0)
            attrib(1, 4, stride, 12)
            attrib(2, 1, stride, 28)
            GL.glBindVertexArray(0)
            got = (vao, vbo, nzone, len(verts))
            self._overlay_cache[ov] = got
        return got

    def resize(self, size: tuple[int, int]) -> None:
        """Draw at ``size`` (width, height) pixels from now on (a resized window): the
        offscreen targets are made again at the new size (layers drawn over the frame
        follow the size they are handed)."""
        w, h = max(1, int(size[0])), max(1, int(size[1]))
        if (w, h) == self.size:
            return
        self.size = (w, h)
        if self._fbos:
            self._free_targets()
            for _ in range(self.targets):
                self._make_fbo()
            self._fbo = self._fbos[0]
        self._rgb = self._rgba = None  # read-back buffers of the old size

    # -- per frame -------------------------------------------------------------------------

    def draw(self, state, overlays: Overlays = NO_OVERLAYS, layers=(), camera: Camera | None = None,
             show_henry: bool = False, target: int = 0, poses: FramePoses | None = None) -> None:
        """Draw one frame.

        ``state``: the FrameState to show. ``camera``: draw from this camera instead of
        Henry's eyes (the free camera); ``show_henry`` then draws his body too. ``layers``:
        :class:`OverlayLayer` objects drawn on top, in order, after the scene. ``target``: which
        offscreen framebuffer (0 .. ``targets`` - 1) to draw into; it becomes the one
        :meth:`read_pixels` and :meth:`present` use. ``poses``: the bodies' poses at this
        frame (:class:`~previs.pose.frame.FramePoses`, e.g. ``BodyPoses(motion).at(frame)``,
        or a :class:`~previs.gl.body_cull.CulledPoses`, which poses only the bodies this
        view can show); without, every body stands in the rest pose at the state's positions. From Henry's
        eyes only his arms and his prop are drawn (the camera is inside his head)."""
        if self.offscreen:
            self._fbo = self._fbos[target]
        self._follow_row_order()
        cam = camera if camera is not None else Camera.from_frame(state)
        w, h = self.size
        if poses is not None and hasattr(poses, "for_view"):  # a CulledPoses: posed per view
            if self.lens.wide:  # several prism faces: pose every body once
                poses = poses.whole()
            else:
                vp = view_projection(cam, w / h, NEAR, self.far)
                poses = poses.for_view(vp, _frustum_planes(vp), np.asarray(cam.eye, np.float64), self.size, NEAR)
        scene = (state, poses, overlays, show_henry, camera is None)
        if self.lens.wide:
            if self._warp is None:
                self._warp = LensWarp()
            faces = self._warp.faces(self.lens, cam, self.size, NEAR, self.far, SKY)
            for k, (rect, vp) in enumerate(faces):
                if k:
                    # Hand the faces drawn so far to the rasteriser (llvmpipe starts a queued
                    # scene on a flush) while this one is submitted: the submission of three
                    # scene passes (~1.5 ms each of Python and vertex work) no longer waits
                    # for the warp to flush them all.
                    GL.glFlush()
                GL.glViewport(rect.x, rect.y, rect.w, rect.h)
                self._scene_state()
                self._draw_scene(vp, cam, *scene)
            self._warp.warp(self.lens, cam.hfov, self.size, self._fbo, self._top_first)
        else:
            GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, self._fbo)
            GL.glViewport(0, 0, w, h)
            GL.glClearColor(SKY[0], SKY[1], SKY[2], 1.0)
            GL.glClear(GL.GL_COLOR_BUFFER_BIT | GL.GL_DEPTH_BUFFER_BIT)
            self._scene_state()
            self._draw_scene(view_projection(cam, w / h, NEAR, self.far), cam, *scene)
        GL.glBindVertexArray(0)
        for layer in layers:
            layer.draw_over(self.size, state)

    @staticmethod
    def _scene_state() -> None:
        GL.glEnable(GL.GL_DEPTH_TEST)
        GL.glDepthFunc(GL.GL_LESS)
        GL.glDepthMask(GL.GL_TRUE)
        GL.glDisable(GL.GL_BLEND)
        GL.glEnable(GL.GL_CULL_FACE)

    def _draw_scene(self, vp, cam: Camera, state, poses, overlays: Overlays, show_henry: bool,
                    first_person: bool) -> None:
        """The world through one view-projection ``vp`` (float32 4x4) into the bound
        framebuffer and viewport: bodies, walls, floor, floor overlays."""
        planes = _frustum_planes(vp)
        eye = tuple(float(v) for v in cam.eye)
        eye_a = np.asarray(eye)

        # Bodies in view, nearest first, posed (see body_draw): near and far levels of
        # detail, Henry's arms in first person, props.
        prog = self._programs["body"]
        prog.use()
        set_mat4(prog, "u_viewproj", vp)
        self._common_uniforms(prog, eye)
        self._body.draw(prog, state, poses, planes, eye_a, show_henry, first_person=first_person)

        # Wall chunks in view, nearest first.
        if self._wall_count:
            chunks = self._visible_chunks(planes, eye_a)
            if len(chunks):
                prog = self._programs["world"]
                prog.use()
                set_mat4(prog, "u_viewproj", vp)
                self._common_uniforms(prog, eye)
                GL.glBindVertexArray(self._wall_vao)
                for first, count in chunks:
                    GL.glDrawElements(GL.GL_TRIANGLES, count, GL.GL_UNSIGNED_INT, ctypes.c_void_p(4 * first))

        prog = self._programs["floor"]
        prog.use()
        set_mat4(prog, "u_viewproj", vp)
        self._common_uniforms(prog, eye)
        GL.glBindVertexArray(self._floor_vao)
        GL.glDisable(GL.GL_CULL_FACE)  # seen from below when a free camera dips under it
        # Nothing drawn later needs the floor's depth (the overlays lie on it, offset), so
        # it is tested but not written: half a frame of depth stores saved.
        GL.glDepthMask(GL.GL_FALSE)
        GL.glDrawElements(GL.GL_TRIANGLES, self._floor_count, GL.GL_UNSIGNED_INT, None)
        GL.glDepthMask(GL.GL_TRUE)

        if overlays.any:
            vao, _, _, nv = self._overlay(overlays)
            if nv:
                prog = self._programs["overlay"]
                prog.use()
                set_mat4(prog, "u_viewproj", vp)
                GL.glEnable(GL.GL_BLEND)
                GL.glBlendFunc(GL.GL_SRC_ALPHA, GL.GL_ONE_MINUS_SRC_ALPHA)
                GL.glDepthMask(GL.GL_FALSE)
                GL.glEnable(GL.GL_POLYGON_OFFSET_FILL)
                GL.glPolygonOffset(-1.0, -4.0)
                GL.glBindVertexArray(vao)
                GL.glDrawArrays(GL.GL_TRIANGLES, 0, nv)
                GL.glDisable(GL.GL_POLYGON_OFFSET_FILL)
                GL.glDepthMask(GL.GL_TRUE)

    def _visible_chunks(self, planes: np.ndarray, eye: np.ndarray) -> list[tuple[int, int]]:
        """(first index, count) of the wall chunks whose boxes touch the view, nearest first."""
        d = self._chunk_corners @ planes.T  # (C, 8, 5)
        # A box is out if all its 8 corners are behind one plane.
        inside = ~np.any(np.all(d < 0, axis=1), axis=1)
        idx = np.nonzero(inside)[0]
        if len(idx) == 0:
            return []
        c = self._chunk_centres[idx]
        idx = idx[np.argsort(((c - eye) ** 2).sum(1), kind="stable")]
        ch = self._wall_chunks
        return [(int(ch[i, 0]), int(ch[i, 1])) for i in idx]

    def _common_uniforms(self, prog: Program, eye) -> None:
        GL.glUniform3f(prog.loc("u_fog_color"), *SKY)
        GL.glUniform2f(prog.loc("u_fog"), *self.fog)

    def close(self) -> None:
        """Free every GL object (the context itself belongs to the caller)."""
        self._free_level()
        self.level = None
        self._body.close()
        if self._warp is not None:
            self._warp.close()
            self._warp = None
        for p in self._programs.values():
            p.delete()
        self._free_targets()
