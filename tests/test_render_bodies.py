"""The articulated bodies: the mesh as numbers, and posed bodies, Henry's arms and props as
pixels (headless GL: SDL offscreen + Mesa llvmpipe).

The pixel scene: an open 20 x 20 m floor; Henry at (10, 15) facing north (-Z), eye 1.7 m;
a red performer 1.1 m in front of him at (10, 13.9) facing south, toward him. Poses are
built here with :func:`previs.pose.skeleton.forward_kinematics`, so these tests check the
renderer alone (what the pose layer computes is tested in tests/test_pose_*.py).
"""

import dataclasses

import numpy as np
import pytest

from levelkit import henry, level, performer
from previs.gl import body_mesh
from previs.pose.props import PROPS
from previs.pose.skeleton import (HAND_GRIP, INDEX as I, J, PELVIS_HEIGHT, forward_kinematics, point_in, rest_local,
                                  rest_world, rot_x, rot_y, rot_z)
from previs.sim.script import simulate

SIZE = (320, 180)
RED = (220, 30, 30)
GOON_XZ, HENRY_XZ = (10.0, 13.9), (10.0, 15.0)


# -- the mesh as numbers ---------------------------------------------------------------------


def tri_bones(t):
    return t[0::3, 7].astype(int)


def test_every_segment_is_in_the_near_mesh_and_bone_indices_are_joints():
    near, far = body_mesh.body_template(), body_mesh.body_template_far()
    assert set(tri_bones(near)) == set(range(J))
    # Far bodies drop only the neck (hidden under the head and collar at 10 m+).
    assert set(tri_bones(far)) == set(range(J)) - {I["neck"]}
    # Each triangle's three corners share one bone (segments are rigid).
    for t in (near, far):
        b = t[:, 7].reshape(-1, 3)
        assert np.all(b == b[:, :1])


def test_triangle_budget_near_and_far():
    near, far = body_mesh.body_template(), body_mesh.body_template_far()
    vn, _ = body_mesh.indexed(near)
    vf, _ = body_mesh.indexed(far)
    assert len(near) // 3 == 232 and len(vn) == 256
    assert len(far) // 3 == 154 and len(vf) == 160


def test_henrys_first_person_mesh_is_arms_only():
    arms = body_mesh.arms_template()
    assert set(tri_bones(arms)) == {I[n] for n in ("l_upperarm", "l_forearm", "l_hand",
                                                   "r_upperarm", "r_forearm", "r_hand")}
    assert len(arms) // 3 == 72


@pytest.mark.parametrize("name", ["near", "far", "arms", *PROPS])
def test_faces_wind_outwards_and_normals_agree(name):
    t = {"near": body_mesh.body_template, "far": body_mesh.body_template_far,
         "arms": body_mesh.arms_template}.get(name, lambda: body_mesh.prop_mesh(PROPS[name]))()
    pos = t[:, 0:3].reshape(-1, 3, 3).astype(np.float64)
    n = np.cross(pos[:, 1] - pos[:, 0], pos[:, 2] - pos[:, 0])
    assert np.all(np.linalg.norm(n, axis=1) > 1e-9)  # no degenerate triangles
    n /= np.linalg.norm(n, axis=1, keepdims=True)
    stored = t[:, 3:6].reshape(-1, 3, 3)
    # Every corner's normal leans the way its triangle faces (smooth corners are the mean
    # of their faces' normals: outward, if less than a flat face's).
    assert np.einsum("tj,tcj->tc", n, stored).min() > 0.1


def test_rest_body_stands_on_the_floor_at_its_height():
    t = body_mesh.body_template()
    for height in (1.8, 1.5):
        w = rest_world(1, height)[0]
        bone = t[:, 7].astype(int)
        p = np.einsum("vij,vj->vi", w[bone, :3, :3], t[:, 0:3]) + w[bone, :3, 3]
        assert p[:, 1].min() == pytest.approx(0.0, abs=1e-6)  # soles on the floor
        # The crown: 0.09 + 0.115 m (template) above the head joint (skull base).
        assert p[:, 1].max() == pytest.approx(w[I["head"], 1, 3] + 0.205 * height / 1.8, abs=1e-6)
        # Hanging fists beside the thighs, within the 0.3 m clearance radius of a 1.8 m body.
        assert np.abs(p[:, 0]).max() < 0.3 * height / 1.8


@pytest.mark.parametrize("name", list(PROPS))
def test_prop_mesh_spans_the_table_from_the_grip(name):
    p = PROPS[name]
    z = body_mesh.prop_mesh(p)[:, 2]
    assert z.min() == pytest.approx(-p.length, abs=1e-6)
    assert z.max() == pytest.approx(p.back, abs=1e-6)
    assert set(tri_bones(body_mesh.prop_mesh(p))) == {0}


# -- poses as pixels -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def gl():
    from previs.gl.context import create_offscreen_context

    ctx = create_offscreen_context()
    yield ctx
    ctx.close()


@pytest.fixture(scope="module")
def scene(gl):
    from previs.gl.renderer import Renderer

    lv = level(henry(position=HENRY_XZ, heading=0.0), performers=[performer(2, "Goon", GOON_XZ, color=RED)])
    fs = dataclasses.replace(simulate(lv).snapshot(0), perf_facing=np.array([180.0]), pitch=0.0)
    r = Renderer(lv, SIZE)
    yield lv, fs, r
    r.close()


def red_mask(img):
    r, g, b = (img[..., i].astype(int) for i in range(3))
    return (r > 70) & (r - np.maximum(g, b) > 0.3 * r)


def punch(extension: float) -> np.ndarray:
    """A right cross, 0 chambered at the chin .. 1 arm straight ahead at shoulder height."""
    L = rest_local(1)[0]
    L[I["r_upperarm"]] = rot_x(90 * extension) @ rot_y(-10 * extension)
    L[I["r_forearm"]] = rot_x(110 * (1 - extension))
    L[I["l_upperarm"]], L[I["l_forearm"]] = rot_x(40), rot_x(110)
    return L


def guard() -> np.ndarray:
    """Fists up in front of the face, elbows in."""
    L = rest_local(1)[0]
    for s, sg in (("l", 1), ("r", -1)):
        L[I[f"{s}_upperarm"]] = rot_x(60) @ rot_z(sg * -12)
        L[I[f"{s}_forearm"]] = rot_x(70) @ rot_y(sg * 25)
    return L


def walking() -> np.ndarray:
    """Arms swinging 20 deg either way (mid-stride)."""
    L = rest_local(1)[0]
    L[I["l_upperarm"]], L[I["r_upperarm"]] = rot_x(20), rot_x(-20)
    L[I["l_forearm"]] = L[I["r_forearm"]] = rot_x(15)
    return L


def poses(goon: np.ndarray, henry_: np.ndarray, knife: bool = False, goon_xz=GOON_XZ):
    """FramePoses of the goon (row 0, at ``goon_xz``) and Henry (row 1); the knife in the
    goon's right fist."""
    from previs.pose.frame import FramePoses

    root = np.array([[goon_xz[0], PELVIS_HEIGHT, goon_xz[1]], [HENRY_XZ[0], PELVIS_HEIGHT, HENRY_XZ[1]]])
    w = forward_kinematics(np.stack([goon, henry_]), root, rot_y(np.array([180.0, 0.0])), np.ones(2))
    if not knife:
        return FramePoses(w)
    grip = np.eye(4)
    grip[:3, :3] = rot_x(-90)  # the blade along the hand's -Y: forward when the forearm points forward
    grip[:3, 3] = HAND_GRIP
    return FramePoses(w, ("knife",), (w[0, I["r_hand"]] @ grip)[None])


def draw(scene, p=None, **kw):
    lv, fs, r = scene
    r.draw(fs, poses=p, **kw)
    return r.read_pixels()


def to_pixel(fs, points):
    from previs.gl.view_camera import Camera, project

    ndc = project(Camera.from_frame(fs), SIZE[0] / SIZE[1], points)
    return np.column_stack([(ndc[:, 0] + 1) / 2 * SIZE[0], (1 - ndc[:, 1]) / 2 * SIZE[1]])


def test_rest_poses_draw_what_no_poses_draw(scene):
    # poses=None stands every body in the rest pose at its FrameState position and facing.
    plain = draw(scene)
    rest = draw(scene, poses(rest_local(1)[0], rest_local(1)[0]))
    assert red_mask(plain).sum() > 2000
    assert (np.abs(plain.astype(int) - rest.astype(int)).max(axis=-1) > 8).mean() < 0.002


def test_a_straight_punch_reaches_toward_the_camera(scene):
    lv, fs, r = scene
    chambered = red_mask(draw(scene, poses(punch(0.0), rest_local(1)[0])))
    contact = red_mask(draw(scene, poses(punch(1.0), rest_local(1)[0])))
    p = poses(punch(1.0), rest_local(1)[0])
    fist = point_in(p.world, I["r_hand"], HAND_GRIP)[0]
    # The fist is 1.1 - 0.62 = ~0.45 m from Henry's eye, drawn big and low-left of centre
    # (the goon's right is Henry's left).
    x, y = to_pixel(fs, fist[None])[0].round().astype(int)
    assert x < SIZE[0] // 2 and contact[y, x] and not chambered[y, x]
    assert contact.sum() > chambered.sum() + 800


def test_henrys_guard_shows_his_fists_in_the_lower_third_and_walking_does_not(scene):
    bare = draw(scene, poses(rest_local(1)[0], rest_local(1)[0]))

    def henry_pixels(L):
        img = draw(scene, poses(rest_local(1)[0], L))
        return np.abs(img.astype(int) - bare.astype(int)).max(axis=-1) > 20

    up = henry_pixels(guard())
    h = SIZE[1]
    assert up[2 * h // 3:].sum() > 600
    assert henry_pixels(walking()).sum() == 0


def test_first_person_never_draws_henrys_head_or_torso(scene):
    from previs.gl.view_camera import Camera

    # Henry alone (the goon far off the view): rest pose from his own eyes draws nothing of him...
    from previs.pose.skeleton import EYE_IN_HEAD

    lv, fs, r = scene
    p = poses(rest_local(1)[0], rest_local(1)[0])
    eye = point_in(p.world[1:2], I["head"], EYE_IN_HEAD)[0]  # his eye, not the lens on his mouth mount
    fs_away = dataclasses.replace(fs, yaw=180.0, eye=tuple(eye))
    r.draw(fs_away, poses=p)
    img = r.read_pixels()
    blue = lambda im: ((im[..., 2].astype(int) > 120) & (im[..., 2].astype(int) > im[..., 0].astype(int) + 60)).sum()
    assert blue(img) == 0
    # ... and the free camera, 4 m behind him, sees all of him.
    r.draw(fs_away, poses=poses(rest_local(1)[0], rest_local(1)[0]), camera=Camera((10.0, 1.6, 19.0), 0.0, -5.0),
           show_henry=True)
    assert blue(r.read_pixels()) > 300


def test_a_held_knife_is_drawn_in_the_hand(scene):
    lv, fs, r = scene
    # 2.5 m away, the forearm level and swung across his body: the blade shows its side.
    L = rest_local(1)[0]
    L[I["r_upperarm"]], L[I["r_forearm"]] = rot_y(-60) @ rot_x(20), rot_x(90)
    xz = (10.0, 12.5)
    without = draw(scene, poses(L, rest_local(1)[0], goon_xz=xz))
    p = poses(L, rest_local(1)[0], knife=True, goon_xz=xz)
    with_knife = draw(scene, p)
    changed = np.abs(with_knife.astype(int) - without.astype(int)).max(axis=-1) > 20
    assert changed.sum() > 12  # 0.2 x 0.03 m at 2.1 m: ~15 x 2 px at this size
    # Where it changed: the blade's steel grey (205, 210, 215 shaded: channels within 25).
    c = with_knife[changed].astype(int)
    assert np.median(c.max(axis=1) - c.min(axis=1)) < 25
    # ... around the fist: the changed pixels' centre within 25 px of the blade's middle.
    mid = (p.prop_world[0] @ np.array([0.0, 0.0, -0.5 * PROPS["knife"].length, 1.0]))[:3]
    want = to_pixel(fs, mid[None])[0]
    ys, xs = np.nonzero(changed)
    assert np.hypot(xs.mean() - want[0], ys.mean() - want[1]) < 25


# -- the fight as BodyPoses poses it ---------------------------------------------------------


def collapsed(p, row: int, joints):
    """``p`` with ``joints`` of body ``row`` squashed to points (zero matrices): the pixels
    that change are exactly those segments'."""
    from previs.pose.frame import FramePoses

    w = p.world.copy()
    for j in joints:
        w[row, I[j], :3, :3] = 0.0
    return FramePoses(w, p.prop_names, p.prop_world)


def segment_pixels(r, fs, p, row: int, joints) -> np.ndarray:
    r.draw(fs, poses=p)
    full = r.read_pixels().astype(int)
    r.draw(fs, poses=collapsed(p, row, joints))
    return np.abs(full - r.read_pixels().astype(int)).max(axis=-1) > 12


def arm(side: str):
    return [f"{side}_upperarm", f"{side}_forearm", f"{side}_hand"]


@pytest.fixture(scope="module")
def fight(gl):
    """The goon 1 m in front of Henry hits him at 2.0 s (frame 48); Henry punches back at
    3.0 s (frame 72). Henry looks at him from the start."""
    from levelkit import beat
    from previs.gl.renderer import Renderer
    from previs.pose.evaluate import BodyPoses

    lv = level(henry(position=HENRY_XZ, heading=0.0), performers=[performer(2, "Goon", (10.0, 14.0), color=RED)],
               beats=[beat(20, 0.0, 1, "look", 2), beat(21, 2.0, 2, "hit", 1), beat(22, 3.0, 1, "punch", 2)],
               duration=4.0)
    m = simulate(lv)
    r = Renderer(lv, SIZE)
    yield lv, m, BodyPoses(m), r
    r.close()


def test_a_still_at_a_punch_contact_shows_the_arm_reaching_toward_henry(fight):
    lv, m, bodies, r = fight
    hand = bodies.lib.get("hit").effector  # the clip's striking fist, e.g. "r_hand"
    side = hand[0]
    contact, before = 48, 48 - 12  # the beat's frame, and 0.5 s before it
    px = {f: segment_pixels(r, m.snapshot(f), bodies.at(f), 0, arm(side)) for f in (contact, before)}
    # Nearer the lens the arm covers more of the frame.
    assert px[contact].sum() > 1.5 * px[before].sum(), (px[contact].sum(), px[before].sum())
    # And the fist itself is in the picture, drawn where the pose puts it.
    p = bodies.at(contact)
    fist = point_in(p.world, I[hand], HAND_GRIP)[0]
    x, y = to_pixel(m.snapshot(contact), fist[None])[0]
    assert 0 <= x < SIZE[0] and 0 <= y < SIZE[1], (x, y)
    assert px[contact][int(y), int(x)]


def test_henrys_hands_are_in_the_lower_third_in_his_punch_and_not_while_he_walks(fight, gl):
    from levelkit import path
    from previs.gl.renderer import Renderer
    from previs.pose.evaluate import BodyPoses

    lv, m, bodies, r = fight
    both = arm("l") + arm("r")
    h = SIZE[1]
    contact = 72
    punching = segment_pixels(r, m.snapshot(contact), bodies.at(contact), 1, both)
    assert punching[2 * h // 3:].sum() > 300
    # Henry walking down an empty floor at 1.4 m/s (the goon 15 m behind him).
    walk = level(henry(position=(10.0, 18.0), heading=0.0, path=path(9, (10.0, 18.0), (10.0, 2.0))),
                 performers=[performer(2, "Goon", (10.0, 19.5), color=RED)], duration=6.0)
    wm = simulate(walk)
    wb = BodyPoses(wm)
    wr = Renderer(walk, SIZE)
    try:
        for f in (24, 36, 48, 60):  # mid-walk, both arms' swings
            assert segment_pixels(wr, wm.snapshot(f), wb.at(f), 1, both).sum() == 0, f
    finally:
        wr.close()


def test_poses_of_another_level_are_refused_in_words(scene):
    from previs.gl.glapi import RenderError
    from previs.pose.frame import FramePoses

    with pytest.raises(RenderError, match="poses of 3 bodies for a level of 1 performers and Henry"):
        draw(scene, FramePoses(rest_world(3)))


def test_a_performers_knife_is_drawn_in_his_hand(gl):
    """A level performer with ``prop = "knife"`` 2 m in front of Henry, as BodyPoses holds it."""
    from previs.gl.renderer import Renderer
    from previs.pose.evaluate import BodyPoses
    from previs.pose.frame import FramePoses

    from levelkit import beat

    goon = dataclasses.replace(performer(2, "Cook", (10.0, 13.0), color=RED), prop="knife")
    lv = level(henry(position=HENRY_XZ, heading=0.0), performers=[goon], beats=[beat(20, 0.0, 1, "look", 2)],
               duration=2.0)
    m = simulate(lv)
    f = 24
    fs, p = m.snapshot(f), BodyPoses(m).at(f)
    assert p.prop_names == ("knife",)
    size = (640, 360)  # a knife at his side from 2 m: ~2 x 30 px here
    r = Renderer(lv, size)
    try:
        r.draw(fs, poses=p)
        held = r.read_pixels().astype(int)
        r.draw(fs, poses=FramePoses(p.world))
        bare = r.read_pixels().astype(int)
    finally:
        r.close()
    changed = np.abs(held - bare).max(axis=-1) > 20
    assert changed.sum() > 30
    c = held[changed]
    assert np.median(c.max(axis=1) - c.min(axis=1)) < 30  # steel grey, not the cook's red
    # In his fist: every changed pixel within 0.25 m (projected) of the grip.
    grip = p.prop_world[0, :3, 3]
    fist = point_in(p.world, I["r_hand"], HAND_GRIP)[0]
    assert np.linalg.norm(grip - fist) < 1e-6
    tip = (p.prop_world[0] @ np.array([0.0, 0.0, -PROPS["knife"].length, 1.0]))[:3]
    gx, gy = (to_pixel(fs, np.vstack([grip, tip])) * 2).T
    ys, xs = np.nonzero(changed)
    reach = np.hypot(gx[1] - gx[0], gy[1] - gy[0]) + 6
    assert np.hypot(xs - gx[0], ys - gy[0]).max() < reach, (reach, np.hypot(xs - gx[0], ys - gy[0]).max())
