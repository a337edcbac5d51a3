"""``alignment.png``: the plan's and the rehearsal's yaw speed on the plan's time axis.

Drawn for ``previs plan REHEARSAL --against LEVEL`` beside ``alignment.json``: the plan's
yaw speed (deg/s, + = turning left) and the rehearsal's, warped onto the plan's axis by the
tempo map (:class:`previs.rehearsal.align.Alignment`), so a beat the performer hit on time
sits on top of its planned peak. Every planned cut is a vertical line coloured by its
status (on time, early, late, missed) and numbered; matplotlib, Agg, deterministic bytes
(:func:`previs.report.topdown.png_bytes`), in the style of :mod:`previs.report.plots`.
"""

from __future__ import annotations

import numpy as np

from .plots import CUT_COLOR, SPEED_COLOR, _mmss
from .topdown import _figure, png_bytes

REHEARSAL_COLOR = "#6a1b9a"
STATUS_COLOR = {"on time": "#2e7d32", "early": CUT_COLOR, "late": CUT_COLOR, "missed": "#c62828"}


def alignment_png(al, *, width_in: float = 12.0, height_in: float = 3.6, dpi: float = 130) -> bytes:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    fps = float(al.fps)
    p = np.asarray(al.plan_speed, float)
    r = np.asarray(al.rehearsal_speed, float)
    t = np.arange(len(p)) / fps
    fig = _figure(width_in, height_in)
    ax = fig.add_axes((0.06, 0.15, 0.925, 0.70))
    lim = max(float(np.abs(p).max(initial=0.0)), float(np.abs(r).max(initial=0.0)), 1.0) * 1.08
    ax.plot(t, p, color=SPEED_COLOR, linewidth=1.4, zorder=3, label="plan")  # wider: shows round the rehearsal
    ax.plot(t, r, color=REHEARSAL_COLOR, linewidth=0.7, zorder=4, label="rehearsal (tempo-mapped)")
    ax.axhline(0, color="#9e9e9e", linewidth=0.4, zorder=1)
    n = len(al.cuts)
    every = 1 if n <= 50 else int(np.ceil(n / 50))
    for c in al.cuts:
        col = STATUS_COLOR[c.status]
        ax.axvline(c.time, color=col, linewidth=0.8 if c.status == "on time" else 1.4, alpha=0.7, zorder=2)
        if (c.index - 1) % every == 0 or c.status != "on time":
            label = str(c.index) if c.status == "on time" else (
                f"{c.index} missed" if c.status == "missed" else f"{c.index} {c.late_by:+.2f}s")
            y = lim * (1.01 if c.status == "on time" else 1.08)  # off beats on a row of their own
            ax.text(c.time, y, label, ha="center", va="bottom", fontsize=5.5, color=col, clip_on=False)
    ax.set_xlim(0, len(p) / fps if len(p) else 1.0)
    ax.set_ylim(-lim, lim)
    ax.set_ylabel("yaw speed (\u00b0/s)", fontsize=8)
    ax.xaxis.set_major_formatter(FuncFormatter(_mmss))
    ax.xaxis.set_major_locator(MaxNLocator(nbins=12, steps=[1, 2, 5, 10]))
    ax.tick_params(labelsize=7)
    ax.legend(loc="lower right", fontsize=6.5, frameon=False, ncol=2)
    missed = sum(c.status == "missed" for c in al.cuts)
    off = sum(c.status in ("early", "late") for c in al.cuts)
    fig.text(0.06, 0.955, f"{al.rehearsal_title} against {al.plan_title}: offset {al.offset:+.3f} s, "
             f"{len(al.cuts) - missed} of {len(al.cuts)} cuts matched, {off} early or late, {missed} missed, "
             f"{len(al.extra_cuts)} extra", fontsize=8.5, va="top")
    return png_bytes(fig, dpi)
