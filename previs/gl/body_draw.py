"""Draws posed bodies and held props: the meshes of :mod:`previs.gl.body_mesh`, skinned
rigidly on the GPU from a buffer texture of bone matrices (``assets/shaders/body.vert``).

Per frame (:meth:`BodyDrawer.draw`): the bodies inside the view are sorted nearest first
(so the depth test rejects what they hide before it is shaded), their colour and 17 bone
matrices (3 rows each: 52 RGBA32F texels, 832 bytes a body) are written into one buffer
with Henry's arms and the props in view after them, uploaded with one
``glBufferSubData``, and drawn with one instanced call per mesh: near bodies, far bodies
(beyond :data:`~previs.gl.body_mesh.BODY_LOD_DISTANCE`), Henry's arms (first person) or his
whole body (free camera), then one call per prop kind in view.

Without :class:`~previs.pose.frame.FramePoses` every body stands in the rest pose at its
FrameState position and facing (lying on its back when down): what the renderer showed
before poses existed.
"""

from __future__ import annotations

import ctypes

import numpy as np

from ..pose.props import PROPS
from ..pose.skeleton import J, PELVIS_HEIGHT, TEMPLATE_HEIGHT, rest_world, rot_x, rot_y
from . import body_mesh
from .glapi import GL, Program, RenderError, attrib, delete_buffers, delete_vertex_arrays, make_buffer

BODY_BLOCK = 1 + 3 * J  # texels a body: colour, then 3 matrix rows per bone
PROP_BLOCK = 4  # texels a prop: colour, then its matrix's 3 rows
DOWN_DIM = 0.7  # a downed body's colour is darkened by this (reads as "out" across a room)
LIE_LIFT = 0.12  # metres (template): a body on its back rests on its shoulder blades, 0.11 m behind the spine joints
_PROP_NAMES = tuple(PROPS)
_BONE_REACH = body_mesh.bone_reach()  # (J,) template metres of mesh about each joint


def floor_moves(xz: np.ndarray, facing_deg: np.ndarray) -> np.ndarray:
    """(A, 4, 4) world matrices of a move to ``xz`` (A, 2) metres turned by ``facing_deg``
    (A,) degrees about +Y (the contract's yaw: +90 turns north to west)."""
    xz = np.asarray(xz, np.float64)
    m = np.zeros((len(xz), 4, 4))
    m[:, :3, :3] = rot_y(np.asarray(facing_deg, np.float64))
    m[:, 0, 3], m[:, 2, 3] = xz[:, 0], xz[:, 1]
    m[:, 3, 3] = 1.0
    return m


class BodyDrawer:
    """GL objects for bodies and props of one level (current context needed)."""

    def __init__(self):
        self._vaos: list[int] = []
        self._bufs: list[int] = []
        self.meshes = {}  # name -> (vao, index count, first index)
        for name, tris in (("near", body_mesh.body_template()), ("far", body_mesh.body_template_far()),
                           ("arms", body_mesh.arms_template())):
            self.meshes[name] = self._upload([tris])[0]
        props = body_mesh.prop_meshes()
        for name, m in zip(props, self._upload(list(props.values()))):
            self.meshes[name] = m
        self._tbo = make_buffer(None, GL.GL_TEXTURE_BUFFER, GL.GL_STREAM_DRAW, nbytes=16)
        self._bufs.append(self._tbo)
        self._tex = int(GL.glGenTextures(1))
        GL.glBindTexture(GL.GL_TEXTURE_BUFFER, self._tex)
        GL.glTexBuffer(GL.GL_TEXTURE_BUFFER, GL.GL_RGBA32F, self._tbo)
        GL.glBindTexture(GL.GL_TEXTURE_BUFFER, 0)
        self._tbo_bytes = 16
        self._P = 0
        # The rest poses of the last state drawn without poses: a wide lens draws a frame's
        # scene once per face (three times), 0.2 ms each for the finale's 104 bodies.
        self._rest_of = None
        self._rest_world = None
        self._radius_of = None  # the world matrices self._radius was made from
        self._radius = np.zeros((0, 1))

    def _upload(self, meshes) -> list[tuple[int, int, int]]:
        """One vertex array holding ``meshes`` (triangle lists) back to back, indexed:
        (vao, index count, first index) of each."""
        parts = [body_mesh.indexed(t) for t in meshes]
        offs = np.cumsum([0] + [len(v) for v, _ in parts])
        verts = np.concatenate([v for v, _ in parts])
        idx = np.concatenate([i + np.uint32(o) for (_, i), o in zip(parts, offs)])
        vao = int(GL.glGenVertexArrays(1))
        GL.glBindVertexArray(vao)
        vbo = make_buffer(verts)
        stride = body_mesh.BODY_VERTEX * 4
        attrib(0, 3, stride, 0)
        attrib(1, 3, stride, 12)
        attrib(2, 1, stride, 24)
        attrib(3, 1, stride, 28)
        ebo = make_buffer(idx, GL.GL_ELEMENT_ARRAY_BUFFER)
        GL.glBindVertexArray(0)
        self._vaos.append(vao)
        self._bufs += [vbo, ebo]
        firsts = np.cumsum([0] + [len(i) for _, i in parts])
        return [(vao, len(i), int(f)) for (_, i), f in zip(parts, firsts)]

    def set_level(self, level) -> None:
        """Colours and sizes of ``level``'s bodies: rows 0..P-1 its performers, row P Henry."""
        actors = (*level.performers, level.henry)
        P = len(level.performers)
        self._P = P
        col = np.ones((P + 1, 4), np.float32)
        for i, a in enumerate(level.performers):
            col[i, :3] = np.asarray(a.color, np.float32) / 255.0
        col[P, :3] = np.asarray(body_mesh.HENRY_COLOR, np.float32) / 255.0
        self._color = col
        self._rest_of = self._rest_world = None
        h = np.array([a.height for a in actors], np.float64)
        # Rest pose at the origin facing north, one per actor (its own height): the bodies
        # drawn when no poses are given, moved to each FrameState's position and facing.
        self._rest = np.concatenate([rest_world(1, float(hh)) for hh in h]) if len(h) else np.zeros((0, J, 4, 4))
        self._rest_cols = np.ascontiguousarray(self._rest.transpose(0, 2, 1, 3).reshape(len(h), 4, 4 * J))
        self._scale = h / TEMPLATE_HEIGHT
        self._prop_color = np.array([[*(np.asarray(PROPS[n].color) / 255.0), 1.0] for n in _PROP_NAMES], np.float32)

    def rest_poses(self, state) -> np.ndarray:
        """World matrices (P+1, J, 4, 4) of every body in the rest pose where ``state``
        puts it: performers at ``perf_xz`` facing ``perf_facing`` (on their back, head
        away from the facing, when down), Henry at ``henry_xz`` facing his yaw."""
        P = self._P
        facing = np.append(np.asarray(state.perf_facing, np.float64), state.yaw)
        down = np.append(np.asarray(state.perf_down, bool), False)
        xz = np.vstack([np.asarray(state.perf_xz, np.float64).reshape(P, 2), state.henry_xz])
        root = floor_moves(xz, facing)
        k = np.nonzero(down)[0]
        if len(k):
            # Fallen backwards: +90 deg about the body's X (up turns to back, front to up)
            # about the pelvis joint, which drops to LIE_LIFT above the floor.
            sc = self._scale[k, None]
            lie = np.zeros((len(k), 4, 4))
            lie[:, :3, :3] = rot_x(90.0)
            lie[:, :3, 3] = (rot_x(90.0) @ (0.0, -PELVIS_HEIGHT, 0.0)) * sc + np.array([0.0, LIE_LIFT, 0.0]) * sc
            lie[:, 3, 3] = 1.0
            root[k] = root[k] @ lie
        # One (4 x 4) @ (4 x 4J) product per body (16 us for the finale's 104 bodies, where
        # 17 separate 4 x 4 products each take 12 times as long).
        A = len(root)
        return (root @ self._rest_cols).reshape(A, 4, J, 4).transpose(0, 2, 1, 3)

    def draw(self, prog: Program, state, poses, planes: np.ndarray, eye: np.ndarray,
             show_henry: bool, first_person: bool) -> None:
        """Draw the bodies (and props) of one frame with ``prog`` (the body program, its
        view-projection already set). ``poses``: a FramePoses (all bodies, or some:
        ``poses.rows``, the others are not drawn) or None (rest poses).
        ``show_henry``: his whole body (free camera); ``first_person``: only his arms and
        his prop (the camera is inside his head)."""
        P = self._P
        ids = None if poses is None else poses.rows  # the bodies world holds (None: all, in order)
        if poses is not None and (len(poses.world) if ids is None else int(ids[-1]) + 1) != P + 1:
            raise RenderError(f"poses of {len(poses.world)} bodies for a level of {P} performers and Henry: "
                              "evaluate BodyPoses on this level's replay.")
        if poses is not None:
            world = poses.world
        elif self._rest_of is state:  # the same frame's next wide-lens face
            world = self._rest_world
        else:
            world = self._rest_world = self.rest_poses(state)
            self._rest_of = state
        if ids is None:
            ids = np.arange(len(world))
        m = len(world) if show_henry else len(world) - 1  # Henry is the last row
        pelvis = world[:m, 0, :3, 3]
        centre = np.column_stack([pelvis, np.ones(m)])
        if self._radius_of is not world or len(self._radius) != m:  # a wide lens: once a frame
            self._radius, self._radius_of = self._bound_radius(world[:m]), world
        keep = np.nonzero(np.all(centre @ planes.T > -self._radius, axis=1))[0]
        d2 = (pelvis[keep, 0] - eye[0]) ** 2 + (pelvis[keep, 2] - eye[2]) ** 2
        order = np.argsort(d2, kind="stable")
        keep = keep[order]
        n = len(keep)
        near = int(np.searchsorted(d2[order], body_mesh.BODY_LOD_DISTANCE ** 2))
        arms = first_person and poses is not None
        rows = np.append(keep, len(world) - 1) if arms else keep  # rows of world
        # Props in view: by kind, each within 1 m of its grip (a bat is 0.84 m long).
        if poses is not None and len(poses.prop_names):
            pw = poses.prop_world
            pc = np.column_stack([pw[:, :3, 3], np.ones(len(pw))])
            vis = np.all(pc @ planes.T > -1.0, axis=1)
            kinds = np.array([_PROP_NAMES.index(k) for k in poses.prop_names])
            pk = np.nonzero(vis)[0]
            pk = pk[np.argsort(kinds[pk], kind="stable")]
        else:
            pk = np.zeros(0, int)
        nb = len(rows)
        total = nb * BODY_BLOCK + len(pk) * PROP_BLOCK
        if total == 0:
            return
        buf = np.empty((total, 4), np.float32)
        blocks = buf[: nb * BODY_BLOCK].reshape(nb, BODY_BLOCK, 4)
        blocks[:, 0] = self._color[ids[rows]]
        down = np.append(np.asarray(state.perf_down, bool), False)[ids[rows]]
        blocks[down, 0, :3] *= DOWN_DIM
        blocks[:, 1:] = world[rows, :, :3, :].reshape(nb, 3 * J, 4)
        if len(pk):
            pb = buf[nb * BODY_BLOCK:].reshape(len(pk), PROP_BLOCK, 4)
            pb[:, 0] = self._prop_color[kinds[pk]]
            pb[:, 1:] = poses.prop_world[pk, :3, :]
        self._upload_blocks(buf)
        prog.use()
        GL.glActiveTexture(GL.GL_TEXTURE0)
        GL.glBindTexture(GL.GL_TEXTURE_BUFFER, self._tex)
        GL.glUniform1i(prog.loc("u_bones"), 0)
        GL.glUniform1i(prog.loc("u_block"), BODY_BLOCK)
        draws = [("near", 0, near), ("far", near, n)]
        if arms:
            draws.append(("arms", n, n + 1))
        for mesh, a, b in draws:
            self._draw(prog, mesh, a * BODY_BLOCK, b - a)
        if len(pk):
            GL.glUniform1i(prog.loc("u_block"), PROP_BLOCK)
            base = nb * BODY_BLOCK
            k = kinds[pk]
            for kind in np.unique(k):
                i0, i1 = np.searchsorted(k, kind), np.searchsorted(k, kind, side="right")
                self._draw(prog, _PROP_NAMES[kind], base + int(i0) * PROP_BLOCK, int(i1 - i0))

    @staticmethod
    def _bound_radius(world: np.ndarray) -> np.ndarray:
        """(A, 1) metres: a sphere about each posed body's pelvis joint holding all of its
        mesh (each joint's distance from the pelvis plus how far its bone's mesh reaches,
        scaled). 1.155 m for a 1.8 m body standing, where a sphere for any pose needs 2.02 m:
        a wide lens draws each body in every prism face its sphere touches (measured on the
        finale at 121.3°: 48 body draws a frame, 57 with the 2.02 m sphere, 24 and 27
        through the 90° pinhole)."""
        joints = world[:, :, :3, 3]
        scale = np.linalg.norm(world[:, 0, :3, 0], axis=1)
        off = np.linalg.norm(joints - joints[:, :1], axis=2)  # (A, J)
        return (off + _BONE_REACH[None, :] * scale[:, None]).max(axis=1, keepdims=True)

    def _draw(self, prog: Program, mesh: str, first: int, count: int) -> None:
        if count <= 0:
            return
        vao, n_idx, first_idx = self.meshes[mesh]
        GL.glUniform1i(prog.loc("u_first"), first)
        GL.glBindVertexArray(vao)
        GL.glDrawElementsInstanced(GL.GL_TRIANGLES, n_idx, GL.GL_UNSIGNED_INT, ctypes.c_void_p(4 * first_idx), count)

    def _upload_blocks(self, buf: np.ndarray) -> None:
        GL.glBindBuffer(GL.GL_TEXTURE_BUFFER, self._tbo)
        # Orphan, then fill: new storage for this frame, so the driver need not wait for the
        # previous frame (still rasterising) to stop reading it.
        self._tbo_bytes = max(self._tbo_bytes, buf.nbytes)
        GL.glBufferData(GL.GL_TEXTURE_BUFFER, self._tbo_bytes, None, GL.GL_STREAM_DRAW)
        GL.glBufferSubData(GL.GL_TEXTURE_BUFFER, 0, buf.nbytes, buf)
        GL.glBindBuffer(GL.GL_TEXTURE_BUFFER, 0)

    def close(self) -> None:
        delete_vertex_arrays(*self._vaos)
        delete_buffers(*self._bufs)
        if self._tex:
            GL.glDeleteTextures(1, [self._tex])
        self._vaos, self._bufs, self._tex = [], [], 0

