"""Do two pieces of an edit match at their cut? One answer per cut, for the plan, the
report, the window and the replay tests.

At a cut on frame ``c`` the outgoing piece ends (it fills frames ``< c``) and the incoming
piece begins (frames ``>= c``). Both are compared **on frame c**: the incoming piece's
own frame ``c``, and the outgoing piece's frame ``c`` where it has one (the script always
does; a take recorded in the window runs a few frames past its cut, see
:mod:`previs.sim.shot_take`), else its last frame ``c - 1``.

- **Camera**: the lens position difference (metres, 3D distance), heading (yaw, degrees
  wrapped to (-180, 180], incoming minus outgoing) and pitch (degrees) differences. The
  cut matches if the distance is at most ``cut_match_distance`` (0.1 m) and both angles at
  most ``cut_match_angle`` (5 degrees) in size.
- **Performers**: each performer's floor position outgoing against incoming (metres);
  a performer further than ``cut_match_performer`` (0.25 m) jumps at the cut. Who is in
  frame on each side (:func:`previs.plan.visibility.visible_frames` on that one frame).
- **Hide**: a cut hides in a head turn only if the turn is fast on both sides of the
  splice: the largest yaw speed on the outgoing piece's own frames ``[c - w, c)`` and on
  the incoming piece's own frames ``[c, c + w)`` must each reach ``turn_cut_speed``
  (``w`` = ``cut_hide_window`` (0.125 s) in frames, at least 1: 3 frames at 24 fps).
  Speeds are central differences of the piece's own yaw (:func:`previs.plan.cuts.yaw_speed`
  on the frames the piece made itself, so a take's speed never counts the script before it).

Values are rounded as the plan rounds (positions 0.001 m, angles 0.1 degree, speeds
0.1 deg/s). The thresholds are level properties (docs/level-format.md).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

import numpy as np

from .cuts import yaw_speed
from .rounding import rounded


@dataclass(frozen=True)
class MatchSettings:
    """Thresholds: metres, degrees, metres, seconds; ``turn_cut_speed`` deg/s."""

    distance: float = 0.1
    angle: float = 5.0
    performer: float = 0.25
    hide_window: float = 0.125
    turn_cut_speed: float = 150.0

    @classmethod
    def from_level(cls, settings, turn_cut_speed: float | None = None) -> "MatchSettings":
        return cls(settings.cut_match_distance, settings.cut_match_angle, settings.cut_match_performer,
                   settings.cut_hide_window, settings.turn_cut_speed if turn_cut_speed is None else turn_cut_speed)

    def window_frames(self, fps: float) -> int:
        """``hide_window`` in whole frames, at least 1 (0.125 s at 24 fps: 3)."""
        return max(1, int(round(self.hide_window * float(fps))))

    def to_dict(self) -> dict:
        return {"cut_match_distance": self.distance, "cut_match_angle": self.angle,
                "cut_match_performer": self.performer, "cut_hide_window": self.hide_window}


@dataclass(frozen=True)
class PerformerJump:
    """A performer who is elsewhere in the incoming piece: ``distance`` metres."""

    name: str
    distance: float

    def to_dict(self) -> dict:
        return {"name": self.name, "distance": self.distance}


@dataclass(frozen=True)
class CutMatch:
    """One cut of an edit (``index`` 1-based; ``frame`` the first frame of shot index + 1)."""

    index: int
    frame: int
    outgoing: str  # the piece's source name ("script" or a take's stem)
    incoming: str
    position: float  # m
    heading: float  # deg, incoming - outgoing, (-180, 180]
    pitch: float  # deg
    performers: tuple[PerformerJump, ...]  # only those over cut_match_performer
    performer_max: float  # m, the largest jump of any performer (0 without performers)
    in_frame_out: tuple[str, ...]
    in_frame_in: tuple[str, ...]
    speed_out: float  # deg/s, the largest |yaw speed| on the outgoing side's window
    speed_in: float
    hides: bool
    matches: bool
    problems: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"index": self.index, "frame": self.frame, "outgoing": self.outgoing, "incoming": self.incoming,
                "position": self.position, "heading": self.heading, "pitch": self.pitch,
                "performers": [p.to_dict() for p in self.performers], "performer_max": self.performer_max,
                "in_frame_outgoing": list(self.in_frame_out), "in_frame_incoming": list(self.in_frame_in),
                "speed_outgoing": self.speed_out, "speed_incoming": self.speed_in,
                "hides": self.hides, "matches": self.matches, "problems": list(self.problems)}


def wrap180(a: float) -> float:
    """Degrees into (-180, 180]."""
    a = math.fmod(float(a), 360.0)
    if a > 180.0:
        a -= 360.0
    elif a <= -180.0:
        a += 360.0
    return a


def side_speed(piece, lo: int, hi: int) -> float:
    """Largest |yaw speed| (deg/s) of ``piece`` on frames ``[lo, hi)`` that it made itself."""
    a, b = max(lo, piece.own_start), min(hi, piece.own_end)
    if b <= a:
        return 0.0
    own = np.asarray(piece.motion.track.yaw[piece.own_start:piece.own_end])
    speed = yaw_speed(own, piece.motion.track.fps)
    return float(np.max(np.abs(speed[a - piece.own_start:b - piece.own_start])))


def one_frame(level, fs):
    """A one-frame Motion of a :class:`~previs.sim.motion.FrameState` (for the visibility rule)."""
    from ..sim.motion import Motion
    from ..sim.track import CameraTrack

    one = np.ones(1)
    tr = CameraTrack(fps=float(level.settings.fps), pos=np.asarray([fs.eye], float), yaw=fs.yaw * one,
                     pitch=fs.pitch * one, roll=fs.roll * one, hfov=fs.hfov * one)
    return Motion(level=level, track=tr, henry_xz=np.asarray([fs.henry_xz], float), perf_xz=np.asarray(fs.perf_xz)[None],
                  perf_facing=np.asarray(fs.perf_facing)[None], perf_down=np.asarray(fs.perf_down)[None])


def in_frame(level, fs) -> tuple[str, ...]:
    """Performers in frame in the FrameState ``fs`` (the plan's visibility rule)."""
    if not level.performers:
        return ()
    from .visibility import visible_frames

    vis = visible_frames(level, one_frame(level, fs))[0]
    return tuple(p.name for p, v in zip(level.performers, vis) if v)


def _visible_names(level, motion, frame: int) -> tuple[str, ...]:
    return in_frame(level, motion.snapshot(frame))


@dataclass(frozen=True)
class MeterReading:
    """The window's match meter: the live frame against the outgoing frame at the cut
    (``position`` m, ``heading``/``pitch`` deg, incoming minus outgoing; who is in frame
    then and now; ``ok`` per quantity at the level's thresholds)."""

    position: float
    heading: float
    pitch: float
    then: tuple[str, ...]
    now: tuple[str, ...]
    position_ok: bool
    heading_ok: bool
    pitch_ok: bool

    @property
    def ok(self) -> bool:
        return self.position_ok and self.heading_ok and self.pitch_ok and set(self.then) == set(self.now)


def meter(level, outgoing_fs, live_fs, settings: MatchSettings) -> MeterReading:
    """How far the live frame (``live_fs``) is from the outgoing one (``outgoing_fs``)."""
    pos = float(np.linalg.norm(np.asarray(live_fs.eye) - np.asarray(outgoing_fs.eye)))
    heading = wrap180(live_fs.yaw - outgoing_fs.yaw)
    pitch = float(live_fs.pitch - outgoing_fs.pitch)
    return MeterReading(pos, heading, pitch, in_frame(level, outgoing_fs), in_frame(level, live_fs),
                        pos <= settings.distance + 1e-9, abs(heading) <= settings.angle + 1e-9,
                        abs(pitch) <= settings.angle + 1e-9)


def compare_frames(level, out_motion, out_frame: int, in_motion, in_frame: int, settings: MatchSettings):
    """Camera and performer differences between two frames (incoming minus outgoing):
    ``(position m, heading deg, pitch deg, [(name, metres)...])``, unrounded. The window's
    match meter asks this too, of the live frame against the outgoing one."""
    po, pi = out_motion.track.pos[out_frame], in_motion.track.pos[in_frame]
    pos = float(np.linalg.norm(np.asarray(pi) - np.asarray(po)))
    heading = wrap180(in_motion.track.yaw[in_frame] - out_motion.track.yaw[out_frame])
    pitch = float(in_motion.track.pitch[in_frame] - out_motion.track.pitch[out_frame])
    d = np.linalg.norm(np.asarray(in_motion.perf_xz[in_frame]) - np.asarray(out_motion.perf_xz[out_frame]), axis=-1)
    return pos, heading, pitch, [(p.name, float(x)) for p, x in zip(level.performers, d)]


def match_cut(level, index: int, out_piece, in_piece, settings: MatchSettings) -> CutMatch:
    """The match at the cut between ``out_piece`` and ``in_piece`` (:class:`previs.sim.edit.Piece`)."""
    c = in_piece.start
    fo = c if c < out_piece.own_end and c < out_piece.motion.frames else c - 1
    pos, heading, pitch, perf = compare_frames(level, out_piece.motion, fo, in_piece.motion, c, settings)
    fps = in_piece.motion.track.fps
    w = settings.window_frames(fps)
    s_out = side_speed(out_piece, c - w, c)
    s_in = side_speed(in_piece, c, c + w)
    jumps = tuple(PerformerJump(n, rounded(d, 3)) for n, d in perf if d > settings.performer + 1e-9)
    problems = []
    if pos > settings.distance + 1e-9:
        problems.append(f"camera {pos:.3f} m off (over {settings.distance:g} m)")
    for what, v in (("heading", heading), ("pitch", pitch)):
        if abs(v) > settings.angle + 1e-9:
            problems.append(f"{what} {v:+.1f}\u00b0 off (over {settings.angle:g}\u00b0)")
    for j in jumps:
        problems.append(f"{j.name} {j.distance:.2f} m elsewhere (over {settings.performer:g} m)")
    hides = True
    for side, s in (("outgoing", s_out), ("incoming", s_in)):
        if s < settings.turn_cut_speed:
            hides = False
            problems.append(f"{side} turn {s:.0f}\u00b0/s within {w} frames of the cut, under "
                            f"{settings.turn_cut_speed:g}\u00b0/s: the cut no longer hides")
    return CutMatch(
        index=index, frame=c, outgoing=out_piece.name, incoming=in_piece.name,
        position=rounded(pos, 3), heading=rounded(heading, 1), pitch=rounded(pitch, 1), performers=jumps,
        performer_max=rounded(max((d for _, d in perf), default=0.0), 3),
        in_frame_out=_visible_names(level, out_piece.motion, fo), in_frame_in=_visible_names(level, in_piece.motion, c),
        speed_out=rounded(s_out, 1), speed_in=rounded(s_in, 1), hides=hides, matches=not problems,
        problems=tuple(problems))


def match_cuts(level, pieces, settings: MatchSettings) -> tuple[CutMatch, ...]:
    """Every cut of an edit, in order (``pieces`` as :func:`previs.sim.edit.assemble` gives)."""
    return tuple(match_cut(level, i, a, b, settings) for i, (a, b) in enumerate(zip(pieces, pieces[1:]), start=1))


@dataclass(frozen=True)
class EditReport:
    """What the plan says about an edit: the file, its pieces and its cuts."""

    path: str
    pieces: tuple[tuple[int, int, int, str], ...]  # (shot, start, end, source name)
    cuts: tuple[CutMatch, ...]
    settings: MatchSettings

    @property
    def findings(self) -> tuple[CutMatch, ...]:
        """The cuts that do not match."""
        return tuple(c for c in self.cuts if not c.matches)

    def source_at(self, frame: int) -> str:
        """The source name of the piece filling ``frame``."""
        for shot, a, b, name in self.pieces:
            if a <= frame < b:
                return name
        return "script"

    def sources_in(self, start: int, end: int) -> tuple[str, ...]:
        """Source names of the pieces that overlap frames ``[start, end)``, in order."""
        out = []
        for shot, a, b, name in self.pieces:
            if a < end and start < b and name not in out:
                out.append(name)
        return tuple(out)

    def to_dict(self) -> dict:
        return {"file": self.path, "settings": self.settings.to_dict(),
                "pieces": [{"shot": s, "start_frame": a, "end_frame": b, "source": n} for s, a, b, n in self.pieces],
                "cuts": [c.to_dict() for c in self.cuts]}


def edit_report(level, assembly, settings: MatchSettings) -> EditReport:
    """The plan's edit section for an :class:`previs.sim.edit.Assembly`."""
    pieces = tuple((p.shot, p.start, p.end, p.name) for p in assembly.pieces)
    # The file's name only: shotplan.json must not depend on where the run was started.
    return EditReport(os.path.basename(assembly.edit.path), pieces, match_cuts(level, assembly.pieces, settings),
                      settings)
