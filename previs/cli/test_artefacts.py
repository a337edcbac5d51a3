"""``previs test --artefacts DIR``: on failure, a folder per failing expectation file holding
what a reviewer needs to see the failing moment without re-running anything:

- ``failures.txt``: the file's report (every expectation, failures with expected/actual/why);
- per replay (``scripted``, ``take1``, ...): ``track.csv`` (the new camera track),
  ``plan.golden.plan.json`` (the new shot-plan golden, to diff against the committed one),
  and, when the set has a golden track, ``yaw_speed.csv`` (frame, time, old and new yaw
  speed, deg/s), ``yaw_speed.png`` (the two curves, the turn-cut threshold, the first
  diverging frame marked) and ``still-FRAME.png``: the new replay's POV frame where the
  track first diverges (640x360, drawn offscreen as ``previs still`` draws it; left out
  with a note in ``failures.txt`` when there is no OpenGL).

Lives in the CLI layer because it draws (matplotlib through the report's deterministic
figure helpers); the testing core stays free of plotting.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from ..errors import PrevisError
from ..fsutil import atomic_write_bytes, atomic_write_text


def _slug(path: Path) -> str:
    name = path.name[: -len(".expect.toml")] if path.name.endswith(".expect.toml") else path.stem
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name) or "level"


def write_artefacts(session, rep, base: Path) -> Path | None:
    """Write the artefacts of failing file report ``rep`` under ``base``; the folder."""
    from ..plan.cuts import yaw_speed
    from ..testing.golden import golden_diff, read_golden
    from ..testing.plan_golden import summarise, to_text
    from ..testing.runner import format_file

    folder = base / _slug(rep.path)
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write_text(folder / "failures.txt", format_file(rep) + "\n")
    ef = session.expect_file(rep.path)
    for k, s in enumerate(ef.sets):
        if all(r.ok for sr in rep.sets if sr.expect_set is s for r in sr.results):
            continue
        try:
            r = session.replay(ef, s)
        except PrevisError:
            continue
        sub = folder / ("scripted" if s.take is None else f"take{k}")
        sub.mkdir(exist_ok=True)
        atomic_write_text(sub / "track.csv", r.motion.track.to_csv_text())
        atomic_write_text(sub / "plan.golden.plan.json", to_text(summarise(r)))
        golden = [e for e in s.expectations if e.kind == "golden"]
        if not golden or not Path(golden[0].spec["track"]).is_file():
            continue
        try:
            old = read_golden(Path(golden[0].spec["track"]))
        except PrevisError:
            continue
        new_sp = np.asarray(r.plan.yaw_speed, dtype=float)
        old_sp = np.asarray(yaw_speed(old.yaw, old.fps), dtype=float)
        n = min(len(new_sp), len(old_sp))
        rows = ["frame,time,old_yaw_speed,new_yaw_speed"]
        rows += [f"{f},{f / r.fps:.4f},{old_sp[f]:.3f},{new_sp[f]:.3f}" for f in range(n)]
        atomic_write_text(sub / "yaw_speed.csv", "\n".join(rows) + "\n")
        d = golden_diff(r.motion.track, old, golden[0].spec["position_tolerance"], golden[0].spec["angle_tolerance"])
        first = None if d is None or d["first"] >= d["n"] else d["first"]
        atomic_write_bytes(sub / "yaw_speed.png", _plot(old_sp[:n], new_sp[:n], r.fps, first,
                                                       r.plan.settings.turn_cut_speed))
        if first is not None:
            try:
                _still(r, first, sub / f"still-{first}.png")
            except PrevisError as e:
                with open(folder / "failures.txt", "a", encoding="utf-8") as fh:
                    fh.write(f"no still of frame {first}: {e.problems[0]}\n")
    return folder


def _still(r, frame: int, path: Path, size=(640, 360)) -> None:
    """The replay's POV frame ``frame``, drawn offscreen (as ``previs still``)."""
    from ..gl.context import create_offscreen_context
    from ..gl.png import save_png
    from ..gl.renderer import NO_OVERLAYS, Renderer
    from ..pose.evaluate import BodyPoses

    fs = r.motion.snapshot(frame)
    poses = BodyPoses(r.motion).at(frame)
    with create_offscreen_context():
        rd = Renderer(r.level, size)
        try:
            rd.draw(fs, overlays=NO_OVERLAYS, poses=poses)
            rgb = rd.read_pixels()
        finally:
            rd.close()
    save_png(path, rgb)


def _plot(old: np.ndarray, new: np.ndarray, fps: float, first: int | None, threshold: float) -> bytes:
    from ..report.topdown import _figure, png_bytes

    fig = _figure(10.0, 3.4)
    ax = fig.add_subplot(1, 1, 1)
    t = np.arange(len(new)) / fps
    ax.plot(t, np.abs(old), color="#888888", lw=1.0, label="golden (old)")
    ax.plot(t, np.abs(new), color="#d62728", lw=1.0, label="replay (new)")
    ax.axhline(threshold, color="#1f77b4", ls="--", lw=0.8, label=f"turn cut {threshold:g} deg/s")
    if first is not None:
        ax.axvline(first / fps, color="black", lw=0.8, ls=":", label=f"first divergence {first / fps:.3f} s")
        lo, hi = max(0.0, first / fps - 5.0), min(len(new) / fps, first / fps + 5.0)
        ax.set_xlim(lo, hi)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("yaw speed (deg/s)")
    ax.legend(loc="upper right", fontsize=7)
    fig.tight_layout()
    return png_bytes(fig, dpi=110)
