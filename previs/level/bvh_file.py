"""BVH motion capture files: read (validated, line-numbered refusals), write, and pose as numbers.

Our own reader rather than ``bvhio`` 1.5.4 or ``bvh`` 0.3 from PyPI (``docs/limits.md`` has
the measurements): on a 31-joint, 96-channel, 10 000-frame file (8 MB) ``bvhio.readAsBvh``
is 4.4x slower than this reader (6.5 s against 1.48 s side by side on a loaded 2-core
machine) and its ``readAsHierarchy`` builds a Python object per joint per frame (55 s);
``bvh`` keeps every value as a Python string. Neither names the line of a bad row: both
load a NaN silently, ``bvh`` loads a short row or a cut-off file, ``bvhio`` raises
``IndexError`` on the first and never returns on the second. This reader converts the
rows straight into one float64 array (:data:`CHUNK_ROWS` rows at a time, so memory stays
near the array's own size) and refuses a bad file with ``file:line: what; fix.``

Format (as BVH means it): ``HIERARCHY``, one ``ROOT`` with nested ``JOINT`` and ``End Site``
blocks in braces, each with ``OFFSET x y z`` (the joint in its parent's frame, file units) and
``CHANNELS n ...`` (position and rotation channels, in the order the motion rows give them);
then ``MOTION``, ``Frames: N``, ``Frame Time: t`` (seconds) and N rows of numbers, one per
channel, joints in hierarchy order. Rotations are degrees, applied in the channel order as
intrinsic rotations (``Zrotation Xrotation Yrotation`` means ``Rz @ Rx @ Ry``). Position
channels, on the root or on any joint, replace that axis of the joint's ``OFFSET`` (the
convention of Blender's and Autodesk's readers; CMU's roots have zero offsets either way).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from itertools import chain

import numpy as np

from ..errors import PrevisError
from ..fsutil import atomic_write_text
from ..safe_paths import Unreadable, read_bounded
from .bvh_names import REQUIRED, match_joints, missing_fix

MAX_BVH_BYTES = 128 * 1024 * 1024
"""Largest BVH file read (bytes). 100 000 frames of a 31-joint CMU skeleton (96 channels at
4 decimals) are about 80 MB."""
MAX_BVH_JOINTS = 256
"""Joints with channels, at most (CMU 31, Mixamo 65 with fingers, Rokoko 60)."""
MAX_BVH_FRAMES = 200_000
"""Motion rows, at most: 27 minutes at CMU's 120 fps."""
MAX_BVH_VALUES = 16_000_000
"""Frames x channels, at most: 128 MB of float64 (100 000 frames x 96 channels is 9.6 M)."""
MAX_ABS_VALUE = 1e6
"""Largest magnitude of a motion value (file units or degrees); beyond is a broken export."""
CHUNK_ROWS = 4096
"""Motion rows converted to numbers at a time (bounds the Python strings alive at once)."""

AXES = "XYZ"
POSITION = tuple(a + "position" for a in AXES)
ROTATION = tuple(a + "rotation" for a in AXES)
_CANONICAL = {c.lower(): c for c in POSITION + ROTATION}
KEYWORDS = ("HIERARCHY", "ROOT", "JOINT", "End", "OFFSET", "CHANNELS", "{", "}", "MOTION")


class BvhError(PrevisError):
    """A BVH file that cannot be used: one sentence ``file:line: what; fix.``"""

    def __init__(self, path: str, line: int, what: str, fix: str):
        self.path, self.line = path, line
        super().__init__(f"{path}:{line}: {what}; {fix}.")


@dataclass(frozen=True, eq=False)
class Bvh:
    """One BVH file: ``B`` joints (End Sites are not joints) in hierarchy order (parents first).

    - ``offsets`` (B, 3): each joint in its parent's frame at rest, file units.
    - ``channels``: each joint's channel names in file order (``Xposition`` ... ``Zrotation``).
    - ``motion`` (N, C) float64: the rows as in the file, C = all channels, joints in order.
    - ``frame_time``: seconds per row; row ``i`` is at ``i * frame_time``.
    - ``ends``: ``(joint, (x, y, z))`` for each End Site, its offset in that joint's frame."""

    path: str
    names: tuple[str, ...]
    parents: tuple[int, ...]
    offsets: np.ndarray
    channels: tuple[tuple[str, ...], ...]
    motion: np.ndarray
    frame_time: float
    ends: tuple[tuple[int, tuple[float, float, float]], ...] = ()

    def __post_init__(self):
        for name in ("offsets", "motion"):  # read-only float64, like every array of the level model
            a = np.array(getattr(self, name), np.float64)
            a.flags.writeable = False
            object.__setattr__(self, name, a)

    @property
    def frames(self) -> int:
        return int(self.motion.shape[0])

    @property
    def fps(self) -> float:
        return 1.0 / self.frame_time

    def _column(self, joint: int, channel: str) -> int | None:
        """The motion column of ``joint``'s ``channel``, or None."""
        start = sum(len(c) for c in self.channels[:joint])
        ch = self.channels[joint]
        return start + ch.index(channel) if channel in ch else None

    def local_rotations(self, frames=None) -> np.ndarray:
        """(N, B, 3, 3) each joint's rotation in its parent's frame: its rotation channels
        (degrees) applied in file order as intrinsic rotations (``Z X Y`` -> ``Rz Rx Ry``).
        ``frames``: optional row indices (default every row)."""
        m = self.motion if frames is None else self.motion[np.asarray(frames)]
        out = np.broadcast_to(np.eye(3), (len(m), len(self.names), 3, 3)).copy()
        for j, ch in enumerate(self.channels):
            for name in ch:
                if name in ROTATION:
                    out[:, j] = out[:, j] @ axis_rotation(AXES.index(name[0]), m[:, self._column(j, name)])
        return out

    def local_translations(self, frames=None) -> np.ndarray:
        """(N, B, 3) each joint's position in its parent's frame, file units: its OFFSET with
        each position channel replacing its axis."""
        m = self.motion if frames is None else self.motion[np.asarray(frames)]
        out = np.broadcast_to(self.offsets, (len(m), len(self.names), 3)).copy()
        for j, ch in enumerate(self.channels):
            for name in ch:
                if name in POSITION:
                    out[:, j, AXES.index(name[0])] = m[:, self._column(j, name)]
        return out

    def root_positions(self, frames=None) -> np.ndarray:
        """(N, 3) the root joint's position, file units (its offset if it has no position channels)."""
        return self.local_translations(frames)[:, 0]

    def world(self, frames=None) -> np.ndarray:
        """(N, B, 4, 4) forward kinematics in the file's own frame and units: ``M[..., :3, 3]``
        is a joint's position, ``M[..., :3, :3]`` its rotation. 128 bytes per joint-frame:
        pass ``frames`` (row indices) for long files."""
        rot = self.local_rotations(frames)
        pos = self.local_translations(frames)
        out = np.zeros(rot.shape[:2] + (4, 4))
        out[..., 3, 3] = 1.0
        for j, p in enumerate(self.parents):
            if p >= 0:
                pos[:, j] = out[:, p, :3, 3] + np.einsum("nik,nk->ni", out[:, p, :3, :3], pos[:, j])
                rot[:, j] = out[:, p, :3, :3] @ rot[:, j]
            out[:, j, :3, :3] = rot[:, j]
            out[:, j, :3, 3] = pos[:, j]
        return out


def axis_rotation(axis: int, deg) -> np.ndarray:
    """(..., 3, 3) right-handed rotations by ``deg`` degrees about axis 0 (X), 1 (Y) or 2 (Z)."""
    a = np.radians(np.asarray(deg, np.float64))
    c, s = np.cos(a), np.sin(a)
    i, k = (axis + 1) % 3, (axis + 2) % 3  # the plane turned: +i toward +k
    m = np.zeros(a.shape + (3, 3))
    m[..., axis, axis] = 1.0
    m[..., i, i], m[..., i, k], m[..., k, i], m[..., k, k] = c, -s, s, c
    return m


class _Lines:
    """The file's lines with 1-based numbers, and the refusal that names one."""

    def __init__(self, path: str, text: str):
        self.path = path
        self.lines = text.split("\n")
        self.at = 0  # index of the next line to read

    def refuse(self, line: int, what: str, fix: str) -> BvhError:
        return BvhError(self.path, line, what, fix)

    def next_tokens(self) -> tuple[int, list[str]] | None:
        """(line number, tokens) of the next non-blank line, or None at the end."""
        while self.at < len(self.lines):
            self.at += 1
            toks = self.lines[self.at - 1].split()
            if toks:
                return self.at, toks
        return None


def _number(lx: _Lines, line: int, tok: str, what: str) -> float:
    try:
        v = float(tok)
    except ValueError:
        raise lx.refuse(line, f"{what} {tok!r} is not a number", "write a decimal number such as 12.5") from None
    if not math.isfinite(v) or abs(v) > MAX_ABS_VALUE:
        raise lx.refuse(line, f"{what} is {tok}", f"write a finite number within ±{MAX_ABS_VALUE:g}")
    return v


def _hierarchy(lx: _Lines):
    """Parse up to and including ``MOTION``: names, parents, offsets, channels, ends."""
    cut = "re-export it, or restore the file's end (a HIERARCHY closes every '{' and is followed by MOTION)"
    first = lx.next_tokens()
    if first is None or first[1][0] != "HIERARCHY":
        raise lx.refuse(first[0] if first else 1, "does not start with HIERARCHY, so it is not a BVH file",
                        "export the motion as BVH (Biovision Hierarchy)")
    names, parents, offsets, channels, ends = [], [], [], [], []
    stack: list[int] = []  # open blocks: joint index, or -2 for an End Site
    pending: int | None = None  # a ROOT/JOINT/End Site waiting for its '{'
    has_offset: list[bool] = []
    while True:
        got = lx.next_tokens()
        if got is None:
            raise lx.refuse(len(lx.lines), f"ends inside its HIERARCHY ({len(stack)} '{{' still open)", cut)
        line, toks = got
        key = toks[0]
        if key in ("ROOT", "JOINT", "End"):
            if pending is not None:
                raise lx.refuse(line, f"has {key} where a '{{' should open the block above", "add the missing '{'")
            if key == "ROOT" and (names or stack):
                raise lx.refuse(line, "has a second ROOT", "keep one skeleton per file (one ROOT)")
            if key != "ROOT" and (not stack or stack[-1] < 0):
                raise lx.refuse(line, f"has {key} outside a joint's braces", "balance the '{' and '}' above it")
            brace = toks[-1] == "{"
            body = toks[1:-1] if brace else toks[1:]
            if key == "End":
                if body != ["Site"]:
                    raise lx.refuse(line, f"has {' '.join(toks)!r} where 'End Site' was expected", "write 'End Site'")
                ends.append((stack[-1], (0.0, 0.0, 0.0)))
                pending = -2
            else:
                if not body:
                    raise lx.refuse(line, f"has a {key} with no name", f"name it, e.g. '{key} Hips'")
                if len(names) >= MAX_BVH_JOINTS:
                    raise lx.refuse(line, f"has more than {MAX_BVH_JOINTS} joints", "export the body only (no fingers or props)")
                names.append(" ".join(body))
                parents.append(stack[-1] if stack else -1)
                offsets.append((0.0, 0.0, 0.0))
                channels.append(())
                has_offset.append(False)
                pending = len(names) - 1
            if brace:
                stack.append(pending)
                pending = None
        elif key == "{":
            if pending is None:
                raise lx.refuse(line, "has a '{' that opens no ROOT, JOINT or End Site", "delete it or name the joint before it")
            stack.append(pending)
            pending = None
        elif key == "}":
            if not stack:
                raise lx.refuse(line, "has a '}' that closes nothing", "delete it (the braces are unbalanced)")
            j = stack.pop()
            if j >= 0 and not has_offset[j]:
                raise lx.refuse(line, f"joint {names[j]!r} has no OFFSET", "give every joint an 'OFFSET x y z' line")
        elif key in ("OFFSET", "CHANNELS"):
            if pending is not None or not stack:
                raise lx.refuse(line, f"has {key} outside a joint's braces", "put it inside the joint's '{ }'")
            if key == "OFFSET":
                if len(toks) != 4:
                    raise lx.refuse(line, f"has an OFFSET with {len(toks) - 1} numbers", "write 'OFFSET x y z'")
                xyz = tuple(_number(lx, line, t, "OFFSET value") for t in toks[1:])
                if stack[-1] >= 0:
                    offsets[stack[-1]], has_offset[stack[-1]] = xyz, True
                else:
                    ends[-1] = (ends[-1][0], xyz)
            else:
                channels[stack[-1]] = _channels(lx, line, toks, stack[-1])
        elif key == "MOTION":
            if stack or pending is not None or not names:
                raise lx.refuse(line, f"reaches MOTION with {len(stack)} '{{' still open" if names else
                                "has MOTION before any ROOT", "balance the '{' and '}' of the HIERARCHY")
            return names, parents, offsets, channels, ends
        else:
            raise lx.refuse(line, f"has the unknown keyword {key!r} in its HIERARCHY",
                            "use only ROOT, JOINT, End Site, OFFSET, CHANNELS, '{', '}' and MOTION")
        if not stack and names and pending is None and key == "}":
            nxt = lx.next_tokens()
            if nxt is not None and nxt[1][0] == "}":
                raise lx.refuse(nxt[0], "has a '}' that closes nothing", "delete it (the braces are unbalanced)")
            if nxt is None or nxt[1][0] != "MOTION":
                raise lx.refuse(nxt[0] if nxt else len(lx.lines), "has no MOTION after its HIERARCHY", cut)
            return names, parents, offsets, channels, ends


def _channels(lx: _Lines, line: int, toks: list[str], joint: int) -> tuple[str, ...]:
    fix = "write 'CHANNELS n' then n of Xposition Yposition Zposition Xrotation Yrotation Zrotation"
    if joint < 0:
        raise lx.refuse(line, "has CHANNELS in an End Site", "delete the line (an End Site does not move)")
    if len(toks) < 2 or not toks[1].isdigit() or int(toks[1]) != len(toks) - 2 or int(toks[1]) > 6:
        raise lx.refuse(line, f"has {' '.join(toks)!r}: the count does not match the names", fix)
    names = tuple(_CANONICAL.get(t.lower(), "") for t in toks[2:])
    if "" in names or len(set(names)) != len(names):
        raise lx.refuse(line, f"has {' '.join(toks)!r}: an unknown or repeated channel", fix)
    return names


def _header(lx: _Lines, word: str, example: str) -> tuple[int, str]:
    got = lx.next_tokens()
    line = got[0] if got else len(lx.lines)
    text = " ".join(got[1]) if got else ""
    if not text.startswith(word) or not text[len(word):].strip():
        raise lx.refuse(line, f"has {text!r} where '{word} ...' was expected" if got else f"ends before '{word}'",
                        f"write '{example}' after MOTION")
    return line, text[len(word):].strip()


def _motion(lx: _Lines, width: int) -> tuple[np.ndarray, float]:
    """The ``Frames:``/``Frame Time:`` header and the rows, checked row by row."""
    line, n = _header(lx, "Frames:", "Frames: 120")
    if not n.isdigit() or not 0 < int(n) <= MAX_BVH_FRAMES:
        raise lx.refuse(line, f"says 'Frames: {n}'", f"give the row count, from 1 to {MAX_BVH_FRAMES}")
    frames = int(n)
    if frames * max(width, 1) > MAX_BVH_VALUES:
        raise lx.refuse(line, f"has {frames} frames of {width} channels, more than {MAX_BVH_VALUES} numbers",
                        "split the take into shorter files or export fewer joints")
    line, t = _header(lx, "Frame Time:", "Frame Time: 0.0083333")
    ft = _number(lx, line, t, "Frame Time")
    if not 1e-4 <= ft <= 1.0:
        raise lx.refuse(line, f"says 'Frame Time: {t}' seconds (from 1 to 10 000 fps is usable)",
                        "write seconds per frame, e.g. 0.0083333 for 120 fps")
    rows = [(i + 1, s) for i, s in enumerate(lx.lines[lx.at:], lx.at) if not s.isspace() and s]
    if len(rows) < frames:
        raise lx.refuse(len(lx.lines), f"ends after {len(rows)} motion rows, but 'Frames:' says {frames}: the file is cut off",
                        f"re-export it, or set 'Frames: {len(rows)}' to keep the rows it has")
    if len(rows) > frames:
        raise lx.refuse(rows[frames][0], f"has {len(rows)} motion rows, but 'Frames:' says {frames}",
                        f"set 'Frames: {len(rows)}' or delete the rows from this line on")
    motion = np.empty((frames, width))
    for c0 in range(0, frames, CHUNK_ROWS):
        chunk = [s.split() for _, s in rows[c0:c0 + CHUNK_ROWS]]
        sizes = np.fromiter(map(len, chunk), np.int64, len(chunk))
        bad = np.flatnonzero(sizes != width)
        if len(bad):
            k = int(bad[0])
            raise lx.refuse(rows[c0 + k][0], f"motion row {c0 + k + 1} has {sizes[k]} numbers, but the HIERARCHY's CHANNELS add up to {width}",
                            "re-export the file, or fix the CHANNELS lines to match the rows")
        try:
            block = np.array(list(chain.from_iterable(chunk)), np.float64).reshape(len(chunk), width)
        except ValueError:
            for k, toks in enumerate(chunk):
                for tok in toks:
                    _number(lx, rows[c0 + k][0], tok, f"motion row {c0 + k + 1}'s value")
            raise
        bad = np.flatnonzero(~(np.abs(block) <= MAX_ABS_VALUE).all(axis=1))
        if len(bad):
            k = int(bad[0])
            col = int(np.flatnonzero(~(np.abs(block[k]) <= MAX_ABS_VALUE))[0])
            raise lx.refuse(rows[c0 + k][0], f"motion row {c0 + k + 1} has {chunk[k][col]} in channel {col + 1}",
                            f"re-export it: every value must be a finite number within ±{MAX_ABS_VALUE:g}")
        motion[c0:c0 + len(chunk)] = block
    return motion, ft


def read_bvh(path, *, where: str | None = None) -> Bvh:
    """Read and validate the BVH file at ``path``: hierarchy, channels, every motion row, and
    a skeleton whose joints :func:`~.bvh_names.match_joints` recognises. ``where``: how to
    name the file in messages (default ``path``). Raises :class:`BvhError`, never a traceback."""
    shown = where or str(path)
    try:
        data = read_bounded(path, MAX_BVH_BYTES)
    except Unreadable as e:
        raise BvhError(shown, 1, e.reason, "give a BVH file inside the project, under "
                       f"{MAX_BVH_BYTES // (1024 * 1024)} MB") from None
    return parse_bvh(data, shown)


def parse_bvh(data: bytes, shown: str) -> Bvh:
    """:func:`read_bvh` of a file's bytes already read; ``shown`` names it in messages."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise BvhError(shown, data.count(b"\n", 0, e.start) + 1, "has bytes that are not text (UTF-8)",
                       "export the motion as a text BVH file") from None
    lx = _Lines(shown, text.replace("\r", "") if "\r" in text else text)  # no 60 MB copy for \n files
    names, parents, offsets, channels, ends = _hierarchy(lx)
    root_line = next(i + 1 for i, s in enumerate(lx.lines) if s.split()[:1] == ["ROOT"])
    found = match_joints(names, parents)
    missing = [j for j in REQUIRED if j not in found]
    if missing:
        shown_names = ", ".join(names[:12]) + (" ..." if len(names) > 12 else "")
        raise lx.refuse(root_line, f"has no joints previs recognises as {', '.join(missing)} (its joints: {shown_names})",
                        missing_fix(missing))
    motion, ft = _motion(lx, sum(map(len, channels)))
    return Bvh(shown, tuple(names), tuple(parents), np.array(offsets, np.float64).reshape(-1, 3),
               tuple(channels), motion, ft, tuple(ends))


def _fmt(values) -> str:
    return " ".join(map(repr, np.asarray(values, np.float64).tolist()))


def bvh_text(bvh: Bvh) -> str:
    """The file text of ``bvh``: tabs for nesting, numbers as Python's shortest round-trip
    ``repr`` (so :func:`read_bvh` gives back the same float64 values), ``\\n`` line ends."""
    kids: dict[int, list[int]] = {}
    for j, p in enumerate(bvh.parents):
        kids.setdefault(p, []).append(j)
    ends: dict[int, list] = {}
    for j, xyz in bvh.ends:
        ends.setdefault(j, []).append(xyz)
    out = ["HIERARCHY"]

    def joint(j: int, depth: int) -> None:
        tab = "\t" * depth
        out.append(f"{tab}{'ROOT' if bvh.parents[j] < 0 else 'JOINT'} {bvh.names[j]}")
        out.append(tab + "{")
        out.append(f"{tab}\tOFFSET {_fmt(bvh.offsets[j])}")
        if bvh.channels[j]:
            out.append(f"{tab}\tCHANNELS {len(bvh.channels[j])} {' '.join(bvh.channels[j])}")
        for k in kids.get(j, []):
            joint(k, depth + 1)
        for xyz in ends.get(j, []):
            out.extend([f"{tab}\tEnd Site", tab + "\t{", f"{tab}\t\tOFFSET {_fmt(xyz)}", tab + "\t}"])
        out.append(tab + "}")

    joint(kids[-1][0], 0)
    out += ["MOTION", f"Frames: {bvh.frames}", f"Frame Time: {bvh.frame_time!r}"]
    out += [_fmt(row) for row in bvh.motion]
    return "\n".join(out) + "\n"


def _depth_first(parents) -> list[int]:
    kids: dict[int, list[int]] = {}
    for j, p in enumerate(parents):
        kids.setdefault(p, []).append(j)
    order, todo = [], list(reversed(kids.get(-1, [])))
    while todo:
        j = todo.pop()
        order.append(j)
        todo += reversed(kids.get(j, []))
    return order


def write_bvh(path, bvh: Bvh) -> None:
    """Write ``bvh`` to ``path`` (atomically: a reader never sees half a file). Deterministic:
    the same Bvh gives the same bytes, and :func:`read_bvh` reads back equal arrays. The
    joints must be in hierarchy order (every parent before its children), as read."""
    if _depth_first(bvh.parents) != list(range(len(bvh.parents))):
        raise ValueError("write_bvh: joints must be in depth-first order from one root at index 0, as read_bvh gives them")
    atomic_write_text(os.fspath(path), bvh_text(bvh))
