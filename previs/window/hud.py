"""What the HUD says, as plain data (no pygame, no GL): testable.

- :class:`HudState`: everything drawn over one frame (timecode, shot, cut countdown and
  flash, beat captions, safety warnings, mode, speed, REC, errors, help).
- :func:`hud_from_truth`: builds it from a :class:`~previs.plan.frame_truth.FrameTruth`,
  the core's one answer to "what is true at frame f" (the animatic's burn-ins and the
  report read the same answer); :func:`hud_state` for a frame of a replay and its plan.

Times are seconds, frames are 0-based track frames at the level's fps.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..level.model import Level
from ..plan.frame_truth import FrameTruth, FrameTruths, Timeline

__all__ = ["HudState", "Timeline", "fmt_seconds", "hud_from_truth", "hud_state", "speed_label"]

@dataclass(frozen=True)
class HudState:
    """Everything the window's HUD draws over one frame; empty/None fields are not drawn."""

    timecode: str = ""
    frame: int = 0
    frames: int = 0
    fps: float = 24.0
    title: str = ""
    shot: int = 0  # 1-based; 0 = no shot information
    shots: int = 0
    next_cut_in: float | None = None  # seconds until the next turn cut
    cut_note: str | None = None  # shown instead of the countdown (walk mode: how to cut)
    flash: bool = False  # this frame is a turn cut
    captions: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    mode: str = ""
    speed: float = 1.0
    playing: bool = True
    rec: str | None = None  # e.g. "REC 00:12" while recording a take
    errors: tuple[str, ...] = ()  # a broken level save: shown in a red panel
    toast: str | None = None  # a passing message (take saved, level reloaded, ...)
    help: tuple[tuple[str, str], ...] = ()  # (keys, what) rows of the F1 help
    minimap: bool = False
    timeline: Timeline | None = None  # drawn as the scrub bar at the bottom
    trail: tuple[tuple[float, float], ...] = field(default=())  # walked path, for the minimap


def hud_from_truth(truth: FrameTruth, level: Level, timeline: Timeline | None, **app) -> HudState:
    """The HUD of one frame: what ``truth`` says is true there, plus the window's own
    fields ``app`` (mode, speed, playing, rec, errors, toast, help, minimap, trail, frames,
    and ``warnings`` shown before the frame's own).
    ``timeline``: the cuts and shots drawn as the scrub bar (None: no shot information)."""
    st = level.settings
    fps = float(st.fps)
    frame = truth.frame
    shot = shots = 0
    next_in = None
    flash = False
    if timeline is not None:
        shot, shots = truth.shot, truth.shots
        next_in = None if truth.next_cut is None else (truth.next_cut - frame) / fps
        flash = truth.on_cut
    frames = timeline.frames if timeline is not None else app.pop("frames", st.frames)
    app.pop("frames", None)
    warnings = tuple(dict.fromkeys((*app.pop("warnings", ()), *truth.warnings)))
    return HudState(
        timecode=truth.timecode, frame=frame, frames=int(frames), fps=fps, title=st.title,
        shot=shot, shots=shots, next_cut_in=next_in, flash=flash, captions=truth.captions,
        warnings=warnings, timeline=timeline, **app,
    )


def hud_state(level: Level, fs, timeline: Timeline | None = None, plan=None, **app) -> HudState:
    """The HUD of frame ``fs`` (a FrameState) of a replay of ``level``: ``timeline`` its
    cuts and shots (None: none known), ``plan`` the ShotPlan whose beats and safety
    findings are shown (None: none). ``app`` as in :func:`hud_from_truth`."""
    st = level.settings
    truths = FrameTruths(plan, timeline=timeline, fps=st.fps, start_tc=st.start_tc)
    return hud_from_truth(truths.at(fs.frame), level, timeline, **app)


def fmt_seconds(s: float) -> str:
    """``"1:02.5"`` for 62.5 s; ``"4.2 s"`` under a minute."""
    if s < 60:
        return f"{s:.1f} s"
    m = int(s // 60)
    return f"{m}:{s - 60 * m:04.1f}"


def speed_label(speed: float) -> str:
    """``"x0.25"``, ``"x1"``, ``"x4"``."""
    if math.isclose(speed, round(speed)):
        return f"\u00d7{int(round(speed))}"
    return f"\u00d7{speed:g}"
