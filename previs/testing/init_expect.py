"""``previs test --init LEVEL``: a starter ``LEVEL.expect.toml`` written from the current
replay, for the author to prune (the finale's 62 cuts no longer need a script).

It pins what the replay does now: the start timecode; every turn cut (time and direction,
``[cuts] exact``); the shot count and longest take (rounded up to the next second); who is
in view in each shot, by the shot's opening cut (``shot_from``); Henry's position at a few
moments while he is moving (his path timing); every safety finding as an accepted
``[[safety.allow]]`` with ``findings = 0``; the comfort budget a little above today's
figures; and both goldens (camera track and shot plan), which it records. The result passes
at once; every entry says where it came from in a comment.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np

from ..errors import PrevisError
from .expect import SUFFIX

HENRY_SAMPLES = 4
"""Moments of Henry's walk pinned (evenly spread over the frames where he moves)."""
MOVING = 0.2
"""m/s: Henry counts as moving above this (his path timing is checked only then)."""


def _q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _t(frame: int, fps: float) -> str:
    return f"{frame / fps:.3f}".rstrip("0").rstrip(".") if frame else "0"


def starter_text(r, level_name: str) -> str:
    """The starter expectation file for replay ``r`` (a :class:`~.check_base.Replay`)."""
    pl, fps = r.plan, r.fps
    out = [f"# Starter expectations for {level_name}, written by `previs test --init` from its replay",
           f"# (level revision {pl.revision}). Prune what does not matter to the fight, say why in",
           "# the notes, then commit this file with the two goldens. See docs/testing.md.", ""]
    out += ["[timecode]", f"start = {_q(r.tc(0))}", ""]
    out += ["[cuts]", "exact = true       # no cuts but these", "tolerance = 0.1", ""]
    for c in pl.cuts:
        out += ["[[cut]]", f"time = {_t(c.frame, fps)}", f"direction = {_q(c.direction)}",
                f"# {c.angle:.0f} deg at {c.peak_speed:.0f} deg/s, {c.timecode}", ""]
    longest = max((s.end_frame - s.start_frame) / fps for s in pl.shots)
    out += ["[shots]", f"count = {len(pl.shots)}", f"longest_max = {math.ceil(longest + 1e-9)}   "
            f"# the longest take now: {longest:.3f} s", ""]
    for s in pl.shots:
        label = "the first shot" if s.start_frame == 0 else f"the shot from {_t(s.start_frame, fps)} s"
        for name in s.performers_in_view:
            out += ["[[in_view]]", f"performer = {_q(name)}", f"shot_from = {_t(s.start_frame, fps)}   # {label}", ""]
    xz = np.asarray(r.motion.henry_xz, dtype=float)
    if len(xz) > 2:
        speed = np.hypot(*np.diff(xz, axis=0).T) * fps
        moving = np.flatnonzero(speed > MOVING)
        if moving.size:
            picks = sorted({int(moving[int(k)]) for k in np.linspace(0, moving.size - 1, HENRY_SAMPLES + 2)[1:-1]})
            for f in picks:
                out += ["[[position]]", f"who = {_q(r.henry_name())}", f"time = {_t(f, fps)}   # walking, "
                        f"{speed[f]:.2f} m/s", f"x = {xz[f, 0]:.3f}", f"z = {xz[f, 1]:.3f}", ""]
    out += ["[safety]", "findings = 0       # besides the accepted ones below", ""]
    for fd in pl.safety:
        who = ", ".join(_q(w) for w in fd.who)
        out += ["[[safety.allow]]", f"kind = {_q(fd.kind)}", f"who = [{who}]", f"time = {_t(fd.frame, fps)}"]
        if getattr(fd, "zone", None):
            out.append(f"zone = {_q(fd.zone)}")
        out += ["note = \"accepted when the expectations were started; say why, or fix it\"", ""]
    c = pl.comfort
    out += ["[comfort]", f"peak_yaw_speed_max = {math.ceil(c.peak_yaw_speed * 1.05 + 1e-9)}   "
            f"# now {c.peak_yaw_speed:.1f} deg/s", f"seconds_over_comfort_max = "
            f"{math.ceil((c.seconds_over_comfort * 1.1 + 0.1) * 10) / 10:g}   # now {c.seconds_over_comfort:.3f} s", ""]
    stem = level_name[:-4] if level_name.lower().endswith(".tmx") else level_name
    out += ["[golden]", f"track = {_q(stem + '.golden.csv')}",
            f"plan = {_q(stem + '.golden.plan.json')}   # cuts, shots, who is in frame, safety, comfort", ""]
    return "\n".join(out)


def init_command(level_arg: str, args) -> int:
    """``previs test --init LEVEL``: write the starter file and its goldens; exit status."""
    from .. import pipeline
    from ..fsutil import atomic_write_text
    from .check_base import Replay
    from .runner import Session, run_file

    level_path = Path(level_arg)
    if level_path.suffix.lower() != ".tmx":
        print(f"previs test: --init takes a level (.tmx), not {level_arg}.", file=sys.stderr)
        return 2
    exp = level_path.with_name(level_path.stem + SUFFIX)
    if exp.exists():
        print(f"previs test: {exp} already exists; --init never overwrites expectations (edit it, or delete it "
              f"first).", file=sys.stderr)
        return 1
    try:
        level = pipeline.load(level_path)
        motion = pipeline.replay(level)
        r = Replay(level=level, motion=motion, plan=pipeline.plan(motion), expect_path=exp)
    except PrevisError as e:
        for line in e.problems:
            print(f"previs test: {line}", file=sys.stderr)
        return 1
    atomic_write_text(exp, starter_text(r, level_path.name))
    session = Session()
    session.seed(level_path, level, r)  # the replay above: the file pins it, not a second one
    rep = run_file(session, exp, update=True)
    n = len(rep.results)
    if not rep.ok:  # would be a bug: the starter pins what the replay does
        print(f"previs test: wrote {exp}, but {sum(not x.ok for x in rep.results)} of its {n} expectations fail; "
              "check it with previs test.", file=sys.stderr)
        return 1
    print(f"wrote {exp}: {n} expectations from the replay, all passing; recorded "
          + ", ".join(Path(x.expectation.spec["track"]).name for x in rep.results if x.updated) + ".")
    print("prune it to what matters to the fight, add notes, then commit it with its goldens.")
    return 0
