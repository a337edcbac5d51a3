"""Wide lenses on the GPU: the scene drawn onto prism faces, then warped into the frame.

:class:`LensWarp` owns an atlas (one RGBA8 texture and a 24-bit depth renderbuffer in a
framebuffer) holding the face rectangles of :func:`previs.gl.prism_faces.face_layout`
side by side. :meth:`LensWarp.faces` binds and clears it and gives each rectangle with its
view-projection matrix; the renderer draws its scene once per rectangle (own viewport, own
frustum culling). :meth:`LensWarp.warp` then fills the frame with one triangle whose
fragment shader (``assets/shaders/lens_warp.frag``) reads the pixel's atlas point from a
**map** and samples the atlas there, bilinear.

The map (one RG16 texel a frame pixel: atlas texture coordinates, in 65 535ths of the
atlas: 0.02 texel of a 1 300-texel atlas) is drawn once per
layout (lens, hfov, frame size, row order) by ``assets/shaders/lens_map.frag``: each
pixel's normalised frame point ``(u, v)`` through the lens model's inverse (the GLSL form
of :meth:`previs.lens.Lens.theta`: 6 Newton steps for the Kannala-Brandt polynomial) to a
camera-space direction, the prism face it belongs to (:func:`~previs.gl.prism_faces.face_of`)
and the point on that face's rectangle.
The warp reads the map at its texel centres through an interpolated coordinate (window
rows, which run down when the frame is drawn top row first).
Why a map: on llvmpipe the same maths run every frame cost ~10 ms a 1280x720 frame (the
whole pinhole frame costs about that); a mesh carrying the mapping per vertex costs more
than the map once it is accurate (uniform 8 to 32 px cells 17 to 22 ms; an adaptive mesh
within 0.2 texel, ~3 200 triangles, 7.4 ms wall against the map's 6.0 in the same process:
llvmpipe's set-up of small triangles, ~1 us each); reading the map is one nearest read a
pixel at an interpolated coordinate (~11 ms CPU with the bilinear atlas read, measured on
the finale).

The faces are drawn at :data:`QUALITY` times the frame centre's own density.

Needs a current OpenGL 3.3 context.
"""

from __future__ import annotations

import numpy as np

from .prism_faces import FACE_ROT, FACES, UP_RATIO, FaceRect, face_layout, face_projection, face_view
from .glapi import GL, Program, RenderError, delete_vertex_arrays

QUALITY = 0.7
"""Face pixels per tangent unit, as a share of the frame's focal length in pixels (1: the
frame centre's own density). Below 1 the frame is slightly soft at its centre and still
sharp toward its edges, where a face holds up to 1.33 times its centre's density (1/cos²
of its 30° seam); the cost of the faces goes with its square (benchmarks/render.py)."""

_MODEL_CODE = {"equidistant": 1, "actioncam": 2}
"""``u_model`` of the map shader per wide model (the Kannala-Brandt code runs any k)."""

_LAYOUTS_KEPT = 4
"""Layouts (each with a map of a frame's size) kept per renderer: a track whose hfov
moves makes one per value."""


class LensWarp:
    """The atlas, maps and programs of one renderer's wide lens (see the module doc)."""

    def __init__(self):
        self._map_prog = Program("lens_warp", frag="lens_map")
        self._warp_prog = Program("lens_warp")
        self._vao = int(GL.glGenVertexArrays(1))  # core profile draws need a bound array
        self._fbo = self._tex = self._depth = 0
        self.atlas_size = (0, 0)
        # (lens, hfov, size, top_first) -> (face rectangles, map texture, its framebuffer)
        self._layouts: dict[tuple, tuple[tuple[FaceRect, ...], int, int]] = {}
        self._rects: dict[tuple, tuple[FaceRect, ...]] = {}  # (lens, hfov, size) -> rectangles

    def rects(self, lens, hfov: float, size: tuple[int, int]) -> tuple[FaceRect, ...]:
        """The face rectangles of a frame (:func:`~previs.gl.prism_faces.face_layout`,
        cached)."""
        key = (lens, float(hfov), tuple(size))
        got = self._rects.get(key)
        if got is None:
            if len(self._rects) >= _LAYOUTS_KEPT:
                self._rects.pop(next(iter(self._rects)))
            got = self._rects[key] = face_layout(lens, float(hfov), tuple(size), QUALITY)
        return got

    def faces(self, lens, cam, size: tuple[int, int], near: float, far: float, clear_rgb) -> list:
        """Bind the atlas, clear it to ``clear_rgb`` and return ``[(FaceRect, view-projection
        float32 4x4), ...]`` for a ``cam`` (:class:`~previs.gl.view_camera.Camera`: eye,
        orientation, hfov) through ``lens`` at frame ``size``."""
        rects = self.rects(lens, cam.hfov, size)
        self._ensure_atlas((rects[-1].x + rects[-1].w, max(r.h for r in rects)))
        GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, self._fbo)
        GL.glViewport(0, 0, *self.atlas_size)
        GL.glClearColor(clear_rgb[0], clear_rgb[1], clear_rgb[2], 1.0)
        GL.glClear(GL.GL_COLOR_BUFFER_BIT | GL.GL_DEPTH_BUFFER_BIT)
        R = cam.rotation()
        return [(r, (face_projection(r, near, far) @ face_view(R, cam.eye, r.face)).astype(np.float32))
                for r in rects]

    def warp(self, lens, hfov: float, size: tuple[int, int], target_fbo: int, top_first: bool) -> None:
        """Fill the frame in ``target_fbo`` (0: the window) from the atlas drawn by
        :meth:`faces` for ``lens`` at ``hfov`` degrees and ``size``; ``top_first``: the
        atlas and the frame are drawn with the origin at the top left (clip control)."""
        _, map_tex, _ = self._map(lens, hfov, size, top_first)
        p = _full_frame_pass(self._warp_prog, target_fbo, size)
        GL.glActiveTexture(GL.GL_TEXTURE1)
        GL.glBindTexture(GL.GL_TEXTURE_2D, map_tex)
        GL.glActiveTexture(GL.GL_TEXTURE0)
        GL.glBindTexture(GL.GL_TEXTURE_2D, self._tex)
        GL.glUniform1i(p.loc("u_atlas"), 0)
        GL.glUniform1i(p.loc("u_map"), 1)
        # The map was drawn in window rows: top row first when the frame is (the layout's key
        # holds top_first, which the renderer takes from the context each frame).
        GL.glUniform1i(p.loc("u_rows_down"), 1 if top_first else 0)
        GL.glBindVertexArray(self._vao)
        GL.glDrawArrays(GL.GL_TRIANGLES, 0, 3)
        GL.glBindTexture(GL.GL_TEXTURE_2D, 0)
        GL.glEnable(GL.GL_DEPTH_TEST)

    # -- the map ---------------------------------------------------------------------------

    def _map(self, lens, hfov: float, size: tuple[int, int], top_first: bool):
        """(rects, map texture, map framebuffer) of a layout, the map drawn on first use."""
        key = (lens, float(hfov), tuple(size), bool(top_first))
        got = self._layouts.get(key)
        if got is not None:
            return got
        rects = self.rects(lens, hfov, size)
        if len(self._layouts) >= _LAYOUTS_KEPT:
            _, tex, fbo = self._layouts.pop(next(iter(self._layouts)))
            GL.glDeleteFramebuffers(1, [fbo])
            GL.glDeleteTextures(1, [tex])
        w, h = size
        # RG16: half RG32F's bytes a pixel. Neither is faster in the whole wide frame (RG32F
        # 1.01x, 31 alternated passes); the warp alone measured 3% faster with RG16 in one
        # stop and 7.5% slower in another (docs/lenses.md).
        tex = _texture(GL.GL_RG16, w, h, GL.GL_RG, GL.GL_UNSIGNED_SHORT, GL.GL_NEAREST)
        fbo = int(GL.glGenFramebuffers(1))
        GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, fbo)
        GL.glFramebufferTexture2D(GL.GL_FRAMEBUFFER, GL.GL_COLOR_ATTACHMENT0, GL.GL_TEXTURE_2D, tex, 0)
        _check_complete(f"the {w}x{h} wide-lens map")
        p = _full_frame_pass(self._map_prog, fbo, size)
        GL.glUniform2f(p.loc("u_atlas_size"), float(self.atlas_size[0]), float(self.atlas_size[1]))
        GL.glUniform1f(p.loc("u_aspect"), w / h)
        GL.glUniform1f(p.loc("u_focal"), float(lens.focal(hfov)))
        GL.glUniform1i(p.loc("u_model"), _MODEL_CODE.get(lens.model, 2))
        GL.glUniform4f(p.loc("u_k"), *(float(k) for k in lens.k))
        GL.glUniformMatrix3fv(p.loc("u_face_rot"), FACES, GL.GL_TRUE, FACE_ROT.astype(np.float32))
        # Faces not drawn are never looked up (no frame direction lies on them).
        bounds = np.tile(np.float32([-1, 1, -1, 1]), (FACES, 1))
        place = np.tile(np.float32([rects[0].x, rects[0].y, rects[0].w, rects[0].h]), (FACES, 1))
        for r in rects:
            bounds[r.face] = (r.a0, r.a1, r.b0, r.b1)
            place[r.face] = (r.x, r.y, r.w, r.h)
        GL.glUniform4fv(p.loc("u_bounds"), FACES, bounds)
        GL.glUniform4fv(p.loc("u_rect"), FACES, place)
        GL.glUniform1i(p.loc("u_flip"), 1 if top_first else 0)
        GL.glUniform1f(p.loc("u_up_ratio"), UP_RATIO)
        GL.glBindVertexArray(self._vao)
        GL.glDrawArrays(GL.GL_TRIANGLES, 0, 3)
        got = self._layouts[key] = (rects, tex, fbo)
        return got

    # -- the atlas -------------------------------------------------------------------------

    def _ensure_atlas(self, need: tuple[int, int]) -> None:
        """Grow the atlas (never shrink) to at least ``need`` (width, height) pixels. The
        maps hold atlas texture coordinates, so they are drawn again for the new size."""
        if need[0] <= self.atlas_size[0] and need[1] <= self.atlas_size[1]:
            return
        w, h = max(need[0], self.atlas_size[0]), max(need[1], self.atlas_size[1])
        self._free_atlas()
        self._free_maps()
        self._tex = _texture(GL.GL_RGBA8, w, h, GL.GL_RGBA, GL.GL_UNSIGNED_BYTE, GL.GL_LINEAR)
        self._depth = int(GL.glGenRenderbuffers(1))
        GL.glBindRenderbuffer(GL.GL_RENDERBUFFER, self._depth)
        GL.glRenderbufferStorage(GL.GL_RENDERBUFFER, GL.GL_DEPTH_COMPONENT24, w, h)
        self._fbo = int(GL.glGenFramebuffers(1))
        GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, self._fbo)
        GL.glFramebufferTexture2D(GL.GL_FRAMEBUFFER, GL.GL_COLOR_ATTACHMENT0, GL.GL_TEXTURE_2D, self._tex, 0)
        GL.glFramebufferRenderbuffer(GL.GL_FRAMEBUFFER, GL.GL_DEPTH_ATTACHMENT, GL.GL_RENDERBUFFER, self._depth)
        _check_complete(f"the {w}x{h} wide-lens atlas")
        self.atlas_size = (w, h)

    def _free_atlas(self) -> None:
        if self._fbo:
            GL.glDeleteFramebuffers(1, [self._fbo])
            GL.glDeleteRenderbuffers(1, [self._depth])
            GL.glDeleteTextures(1, [self._tex])
        self._fbo = self._tex = self._depth = 0
        self.atlas_size = (0, 0)

    def _free_maps(self) -> None:
        for _, tex, fbo in self._layouts.values():
            GL.glDeleteFramebuffers(1, [fbo])
            GL.glDeleteTextures(1, [tex])
        self._layouts.clear()

    def close(self) -> None:
        """Free the atlas, the maps, the programs and the vertex array."""
        self._free_atlas()
        self._free_maps()
        self._map_prog.delete()
        self._warp_prog.delete()
        delete_vertex_arrays(self._vao)
        self._vao = 0


def _texture(internal, w: int, h: int, fmt, gltype, filt) -> int:
    """A new ``w`` x ``h`` 2D texture, uninitialised, clamped at its edges."""
    tex = int(GL.glGenTextures(1))
    GL.glBindTexture(GL.GL_TEXTURE_2D, tex)
    GL.glTexImage2D(GL.GL_TEXTURE_2D, 0, internal, w, h, 0, fmt, gltype, None)
    for pname, val in ((GL.GL_TEXTURE_MIN_FILTER, filt), (GL.GL_TEXTURE_MAG_FILTER, filt),
                       (GL.GL_TEXTURE_WRAP_S, GL.GL_CLAMP_TO_EDGE), (GL.GL_TEXTURE_WRAP_T, GL.GL_CLAMP_TO_EDGE)):
        GL.glTexParameteri(GL.GL_TEXTURE_2D, pname, val)
    GL.glBindTexture(GL.GL_TEXTURE_2D, 0)
    return tex


def _full_frame_pass(prog: Program, fbo: int, size: tuple[int, int]) -> Program:
    """Bind ``fbo`` at ``size`` for one triangle over all of it (no depth, blending or
    culling) with ``prog`` in use; returns ``prog``."""
    GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, fbo)
    GL.glViewport(0, 0, int(size[0]), int(size[1]))
    GL.glDisable(GL.GL_DEPTH_TEST)
    GL.glDisable(GL.GL_BLEND)
    GL.glDisable(GL.GL_CULL_FACE)
    prog.use()
    return prog


def _check_complete(what: str) -> None:
    status = GL.glCheckFramebufferStatus(GL.GL_FRAMEBUFFER)
    if status != GL.GL_FRAMEBUFFER_COMPLETE:
        raise RenderError(f"cannot make {what} (status 0x{int(status):x}); "
                          "try a smaller --size or the rectilinear lens.")
