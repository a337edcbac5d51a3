"""Plots for the report (matplotlib, Agg, deterministic PNG bytes).

:func:`yaw_speed_png`: Henry's yaw speed over time (deg/s, + = turning left), with the cut
threshold (``turn_cut_speed``) and the comfort threshold (``comfort_speed``) drawn both
ways, the frames over comfort the audience sees shaded (not those of a whip that carries a
cut: :attr:`previs.plan.comfort.Comfort.hidden`), every turn cut marked and numbered, suggested cuts of
over-long takes dotted, and over-long shots tinted along the bottom.
"""

from __future__ import annotations

import numpy as np

from .topdown import _figure, png_bytes

CUT_COLOR = "#e65100"
CUT_LINE_COLOR = "#d84315"
COMFORT_COLOR = "#f9a825"
SPEED_COLOR = "#1565c0"
SUGGEST_COLOR = "#00838f"
OVER_TAKE_COLOR = "#e53935"


def _mmss(t, _pos=None) -> str:
    t = max(0.0, float(t))
    return f"{int(t // 60)}:{int(t % 60):02d}"


def yaw_speed_figure(plan, *, width_in: float = 10.0, height_in: float = 3.4, t0: float | None = None,
                     t1: float | None = None, title: str | None = None):
    """The yaw-speed figure of a :class:`~previs.plan.shotplan.ShotPlan` (optionally only
    the time window ``[t0, t1]``)."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    st = plan.settings
    fps = float(plan.fps)
    speed = np.asarray(plan.yaw_speed, float)
    t = np.arange(len(speed)) / fps
    fig = _figure(width_in, height_in)
    ax = fig.add_axes((0.065, 0.16, 0.92, 0.72 if title else 0.78))
    cut_v, comf_v = float(st.turn_cut_speed), float(st.comfort_speed)
    peak = float(np.abs(speed).max()) if speed.size else 0.0
    lim = max(cut_v * 1.25, peak * 1.08, 1.0)
    # Over-comfort spans the audience sees shaded (a whip that carries a cut is hidden by it).
    over = (np.abs(speed) > comf_v) & ~plan.comfort.hidden
    ax.fill_between(t, -lim, lim, where=over, color=COMFORT_COLOR, alpha=0.13, linewidth=0,
                    step="mid", zorder=0)
    ax.plot(t, speed, color=SPEED_COLOR, linewidth=0.8, zorder=3, label="yaw speed")
    for sgn in (1, -1):
        ax.axhline(sgn * cut_v, color=CUT_LINE_COLOR, linewidth=0.9, linestyle="--", zorder=2,
                   label=f"cut threshold \u00b1{cut_v:g}\u00b0/s" if sgn > 0 else None)
        ax.axhline(sgn * comf_v, color=COMFORT_COLOR, linewidth=0.9, linestyle=":", zorder=2,
                   label=f"comfort \u00b1{comf_v:g}\u00b0/s" if sgn > 0 else None)
    ax.axhline(0, color="#9e9e9e", linewidth=0.4, zorder=1)
    # Over-long shots: a red band along the bottom.
    for s in plan.shots:
        if s.over_max_take:
            ax.axvspan(s.start_frame / fps, s.end_frame / fps, ymin=0, ymax=0.025,
                       color=OVER_TAKE_COLOR, alpha=0.8, linewidth=0, zorder=4)
    lo = 0.0 if t0 is None else float(t0)
    hi = (len(speed) / fps if len(speed) else 1.0) if t1 is None else float(t1)

    def inside(frame: int) -> bool:
        return lo - 1e-9 <= frame / fps <= hi + 1e-9

    # Cuts.
    n = len(plan.cuts)
    every = 1 if n <= 50 else int(np.ceil(n / 50))
    for c in plan.cuts:
        if not inside(c.frame):
            continue
        x = c.frame / fps
        ax.axvline(x, color=CUT_COLOR, linewidth=0.7, alpha=0.75, zorder=2.5)
        y = speed[c.frame] if c.frame < len(speed) else 0.0
        ax.plot(x, y, marker="v" if y < 0 else "^", markersize=4, color=CUT_COLOR, zorder=5)
        if (c.index - 1) % every == 0:
            ax.text(x, lim * 1.01, str(c.index), ha="center", va="bottom", fontsize=5.5,
                    color=CUT_COLOR, clip_on=False)
    first_suggest = True
    for s in plan.shots:
        sc = s.suggested_cut
        if sc is not None and hasattr(sc, "frame") and inside(sc.frame):
            ax.axvline(sc.frame / fps, color=SUGGEST_COLOR, linewidth=0.9, linestyle=(0, (1, 1.5)),
                       zorder=2.5, label="suggested cut" if first_suggest else None)
            first_suggest = False
    if n:
        ax.plot([], [], color=CUT_COLOR, linewidth=0.7, label=f"turn cut ({n})")
    ax.set_ylim(-lim, lim)
    ax.set_xlim(lo, hi)
    ax.xaxis.set_major_formatter(FuncFormatter(_mmss))
    ax.xaxis.set_major_locator(MaxNLocator(nbins=12, steps=[1, 2, 3, 5, 6, 10]))
    ax.set_xlabel("time (m:ss)", fontsize=7)
    ax.set_ylabel("yaw speed (\u00b0/s, + left)", fontsize=7)
    ax.tick_params(labelsize=6.5, length=2)
    ax.grid(axis="y", color="#eeeeee", linewidth=0.5)
    ax.legend(loc="upper right", fontsize=6, ncol=5, frameon=True, framealpha=0.9,
              bbox_to_anchor=(1.0, -0.13), borderaxespad=0.0)
    if title:
        ax.set_title(title, fontsize=9, pad=12)
    return fig


def yaw_speed_png(plan, *, dpi: float = 150, width_in: float = 10.0, height_in: float = 3.4,
                  title: str | None = None) -> bytes:
    """Deterministic PNG bytes of :func:`yaw_speed_figure`."""
    return png_bytes(yaw_speed_figure(plan, width_in=width_in, height_in=height_in, title=title), dpi)
