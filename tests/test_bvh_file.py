"""The BVH reader: one refusal per kind of broken file (file, line, fix), round trips, and
the pose maths (Euler order, position channels, forward kinematics) as exact numbers."""

from __future__ import annotations

import numpy as np
import pytest

from bvhkit import CMU_STILL, build, cmu_spec, ours_spec, ours_text
from previs.level.bvh_file import Bvh, BvhError, bvh_text, read_bvh, write_bvh


def _lines(text: str) -> list[str]:
    return text.split("\n")


def _refusal(tmp_path, text: str) -> str:
    p = tmp_path / "bad.bvh"
    p.write_bytes(text.encode("utf-8", "surrogateescape"))
    with pytest.raises(BvhError) as e:
        read_bvh(p, where="mocap/bad.bvh")
    assert len(e.value.problems) == 1
    return e.value.problems[0]


def _motion_start(text: str) -> int:
    """0-based index of the first motion row."""
    return _lines(text).index("MOTION") + 3


def test_truncated_motion_names_the_last_line_and_the_row_count(tmp_path):
    text = ours_text(3)
    cut = "\n".join(_lines(text)[:-2]) + "\n"  # the last row gone
    n = len(_lines(cut))
    assert _refusal(tmp_path, cut) == (
        f"mocap/bad.bvh:{n}: ends after 2 motion rows, but 'Frames:' says 3: the file is cut off; "
        "re-export it, or set 'Frames: 2' to keep the rows it has.")


def test_hierarchy_cut_off(tmp_path):
    text = "\n".join(_lines(ours_text(3))[:20])
    assert _refusal(tmp_path, text) == (
        "mocap/bad.bvh:20: ends inside its HIERARCHY (5 '{' still open); re-export it, or restore the "
        "file's end (a HIERARCHY closes every '{' and is followed by MOTION).")


def test_wrong_channel_count_on_a_row(tmp_path):
    lines = _lines(ours_text(3))
    k = _motion_start("\n".join(lines)) + 1
    lines[k] += " 7.5"
    assert _refusal(tmp_path, "\n".join(lines)) == (
        f"mocap/bad.bvh:{k + 1}: motion row 2 has 55 numbers, but the HIERARCHY's CHANNELS add up to 54; "
        "re-export the file, or fix the CHANNELS lines to match the rows.")


@pytest.mark.parametrize("bad", ["nan", "inf", "-Infinity", "3e9"])
def test_nan_inf_and_absurd_values(tmp_path, bad):
    lines = _lines(ours_text(3))
    k = _motion_start("\n".join(lines)) + 2
    row = lines[k].split()
    row[7] = bad
    lines[k] = " ".join(row)
    assert _refusal(tmp_path, "\n".join(lines)) == (
        f"mocap/bad.bvh:{k + 1}: motion row 3 has {bad} in channel 8; re-export it: every value must be "
        "a finite number within ±1e+06.")


def test_a_word_in_a_motion_row(tmp_path):
    lines = _lines(ours_text(3))
    k = _motion_start("\n".join(lines))
    lines[k] = lines[k].replace(" ", " x ", 1).rsplit(" ", 1)[0]
    assert _refusal(tmp_path, "\n".join(lines)) == (
        f"mocap/bad.bvh:{k + 1}: motion row 1's value 'x' is not a number; write a decimal number such as 12.5.")


def test_unbalanced_brace(tmp_path):
    lines = _lines(ours_text(3))
    m = lines.index("MOTION")
    lines.insert(m, "}")
    assert _refusal(tmp_path, "\n".join(lines)) == (
        f"mocap/bad.bvh:{m + 1}: has a '}}' that closes nothing; delete it (the braces are unbalanced).")


def test_unknown_keyword(tmp_path):
    text = ours_text(3).replace("OFFSET", "OFSET", 1)
    assert _refusal(tmp_path, text) == (
        "mocap/bad.bvh:4: has the unknown keyword 'OFSET' in its HIERARCHY; use only ROOT, JOINT, End Site, "
        "OFFSET, CHANNELS, '{', '}' and MOTION.")


def test_skeleton_with_no_recognisable_joints(tmp_path):
    text = ours_text(3).replace("pelvis", "Bone0").replace("JOINT head", "JOINT Bone4")
    msg = _refusal(tmp_path, text)
    assert msg.startswith(
        "mocap/bad.bvh:2: has no joints previs recognises as pelvis, head (its joints: Bone0, spine, chest, "
        "neck, Bone4, l_upperarm,")
    assert "; rename the joints to CMU, Mixamo or Rokoko names (Hips, Spine, Spine1, Neck, Head, LeftArm" in msg


def test_not_a_bvh_and_not_text(tmp_path):
    assert _refusal(tmp_path, "<?xml version='1.0'?>\n") == (
        "mocap/bad.bvh:1: does not start with HIERARCHY, so it is not a BVH file; export the motion as BVH "
        "(Biovision Hierarchy).")
    assert _refusal(tmp_path, "HIERARCHY\nROOT \udcff\n") == (
        "mocap/bad.bvh:2: has bytes that are not text (UTF-8); export the motion as a text BVH file.")


def test_channel_line_and_frame_header(tmp_path):
    text = ours_text(3)
    assert _refusal(tmp_path, text.replace("CHANNELS 3 Zrotation", "CHANNELS 4 Zrotation", 1)).startswith(
        "mocap/bad.bvh:9: has 'CHANNELS 4 Zrotation Xrotation Yrotation': the count does not match the names;")
    assert _refusal(tmp_path, text.replace("Frame Time: ", "Frame Time: -", 1)).endswith(
        "(from 1 to 10 000 fps is usable); write seconds per frame, e.g. 0.0083333 for 120 fps.")


def test_limits_frames_and_size(tmp_path, monkeypatch):
    from previs.level import bvh_file

    text = ours_text(3)
    m = _lines(text).index("MOTION")
    assert _refusal(tmp_path, text.replace("Frames: 3", "Frames: 200001")) == (
        f"mocap/bad.bvh:{m + 2}: says 'Frames: 200001'; give the row count, from 1 to 200000.")
    monkeypatch.setattr(bvh_file, "MAX_BVH_BYTES", 1000)
    assert _refusal(tmp_path, text) == (
        "mocap/bad.bvh:1: is larger than the 1000 bytes limit for this kind of file; give a BVH file inside "
        "the project, under 0 MB.")


def test_round_trip_is_exact_and_deterministic(tmp_path):
    b = build(cmu_spec(), 40, still=CMU_STILL, scale=100.0, ends=(("Head", (0.0, 0.1, 0.0)),))
    write_bvh(tmp_path / "a.bvh", b)
    r = read_bvh(tmp_path / "a.bvh")
    assert r.names == b.names and r.parents == b.parents and r.channels == b.channels and r.ends == b.ends
    assert np.array_equal(r.motion, b.motion) and np.array_equal(r.offsets, b.offsets)
    assert r.frame_time == b.frame_time and r.frames == 40
    write_bvh(tmp_path / "b.bvh", r)
    assert (tmp_path / "a.bvh").read_bytes() == (tmp_path / "b.bvh").read_bytes()


def test_euler_order_position_channels_and_fk():
    # Root at (1, 2, 3) turned Z=90 then X=90 (intrinsic: Rz @ Rx); a child 1 unit up its +Y.
    b = Bvh("t.bvh", ("Hips", "Spine"), (-1, 0), np.array([[0.0, 0, 0], [0, 1, 0]]),
            (("Xposition", "Yposition", "Zposition", "Zrotation", "Xrotation", "Yrotation"), ("Xrotation",)),
            np.array([[1.0, 2, 3, 90, 90, 0, 0]]), 0.5)
    rot = b.local_rotations()[0, 0]
    # Rz(90) @ Rx(90): +Y -> (Rx: +Z) -> (Rz leaves Z) = +Z; +X -> +Y; +Z -> (Rx: -Y) -> (Rz: +X)
    assert np.allclose(rot, [[0, 0, 1], [1, 0, 0], [0, 1, 0]])
    w = b.world()
    assert np.allclose(w[0, 1, :3, 3], (1, 2, 4))  # the child's +Y offset became world +Z
    assert np.allclose(b.root_positions(), [[1, 2, 3]]) and b.fps == 2.0


def test_write_refuses_joints_out_of_order(tmp_path):
    b = build(ours_spec(), 2)
    shuffled = Bvh(b.path, b.names[::-1], tuple(-1 if p < 0 else p for p in b.parents[::-1]),
                   b.offsets, b.channels, b.motion, b.frame_time)
    with pytest.raises(ValueError):
        bvh_text(shuffled) and write_bvh(tmp_path / "x.bvh", shuffled)


def test_crlf_files_read_the_same(tmp_path):
    text = ours_text(4)
    (tmp_path / "unix.bvh").write_text(text, newline="\n")
    (tmp_path / "dos.bvh").write_bytes(text.replace("\n", "\r\n").encode())
    a, b = read_bvh(tmp_path / "unix.bvh"), read_bvh(tmp_path / "dos.bvh")
    assert np.array_equal(a.motion, b.motion) and a.names == b.names
    lines = text.replace("Frames: 4", "Frames: 5").replace("\n", "\r\n")
    assert _refusal(tmp_path, lines).startswith(f"mocap/bad.bvh:{len(text.split(chr(10)))}: ends after 4 motion rows")


def test_too_many_joints(tmp_path, monkeypatch):
    from previs.level import bvh_file

    monkeypatch.setattr(bvh_file, "MAX_BVH_JOINTS", 16)
    text = ours_text(3)
    seventeenth = next(i for i, s in enumerate(_lines(text)) if s.strip() == "JOINT r_foot") + 1
    assert _refusal(tmp_path, text) == (
        f"mocap/bad.bvh:{seventeenth}: has more than 16 joints; export the body only (no fingers or props).")
