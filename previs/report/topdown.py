"""Top-down plan of a level: pure matplotlib (Agg), no OpenGL.

Drawn as the stunt team reads the Tiled map: **x (east) to the right, z (south) down the
page**, one unit = one metre, so the picture matches the level in the editor. It shows

- the walls (each block in its tile colour) on a light floor grid,
- every path (thin dashed grey, arrow at its end; loops closed),
- zones filled and labelled by kind (no-go red, pyro orange, rig violet, crash-mat blue,
  set green),
- each performer's start position, labelled with its name, with a tick the way it faces
  (Henry's too: the way his camera looks at frame 0),
- Henry's route (from the replay when a motion is given: the scripted or walked route;
  otherwise his path), start marked, with the turn cuts numbered along it when a plan is
  given,
- optionally, safety findings as numbered red crosses at where they happen (a crowd: its
  thickest 2 m square outlined too).

:func:`plan_png` returns deterministic PNG bytes (no timestamp or software metadata), so a
report that embeds it is byte-identical run to run. Command line, for docs::

    python tools/docs_pictures.py --plans-only levels/*.tmx -o docs/img   # <level>-plan.png
"""

from __future__ import annotations

import io
import os

import numpy as np

ZONE_STYLE = {
    "no-go": dict(face="#e53935", alpha=0.28, edge="#b71c1c", hatch="///"),
    "pyro": dict(face="#fb8c00", alpha=0.32, edge="#e65100", hatch="xx"),
    "rig": dict(face="#8e24aa", alpha=0.22, edge="#4a148c", hatch=None),
    "crash-mat": dict(face="#1e88e5", alpha=0.25, edge="#0d47a1", hatch=None),
    "set": dict(face="#43a047", alpha=0.20, edge="#1b5e20", hatch=None),
}
HENRY_COLOR = "#1565c0"
PATH_COLOR = "#8d8d8d"
FINDING_COLOR = "#d50000"
FLOOR_COLOR = (0.97, 0.97, 0.95)


def _figure(width_in: float, height_in: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_in, height_in))
    FigureCanvasAgg(fig)
    return fig


def png_bytes(fig, dpi: float, tight: bool = False) -> bytes:
    """Deterministic PNG of a matplotlib figure (no Software/date metadata); ``tight``
    crops the white margin."""
    buf = io.BytesIO()
    extra = {"bbox_inches": "tight", "pad_inches": 0.08} if tight else {}
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None}, facecolor="white", **extra)
    return buf.getvalue()


def _label_size(n: int) -> float:
    return 7.0 if n <= 20 else 5.5 if n <= 50 else 4.0


LABEL_SPOTS = ((3, 2, "left"), (3, -7, "left"), (-3, 2, "right"), (-3, -7, "right"))
"""Where a performer's name may go, tried in order: (dx, dy) points from the dot and the
text's horizontal alignment: above right, below right, above left, below left."""


CUT_SPOTS = ((3, -7, "left"), (3, 2, "left"), (-3, -7, "right"), (-3, 2, "right"),
             (3, -13, "left"), (3, 8, "left"), (-3, -13, "right"), (-3, 8, "right"))
"""Where a cut number may go: below or above the diamond, right then left, then a row
further out (Henry passes a corner of a circling route several times)."""


def place_labels(ax, names, xy, fontsize: float, *, color: str = "#202020", taken: list | None = None,
                 spots=LABEL_SPOTS) -> list:
    """Label the points ``xy`` ((N, 2) data coordinates) with ``names`` without overlaps:
    each name goes in the first of ``spots`` (default :data:`LABEL_SPOTS`) whose box
    (measured by the figure's renderer) touches no box in ``taken`` (boxes of labels
    placed before, shared between calls; placed boxes are added to it), and is left out
    where none is free (a row of goons 1.35 m apart on a 50 m plan gets every name,
    alternately above and below). Points are taken left to right, then top to bottom, so
    the result does not depend on the level's object order. The axes' limits must be
    final. Returns the Text objects placed."""
    renderer = ax.figure.canvas.get_renderer()
    ax.apply_aspect()
    boxes = taken if taken is not None else []
    order = sorted(range(len(names)), key=lambda i: (round(float(xy[i][0]), 6), round(float(xy[i][1]), 6), i))
    placed = []
    for i in order:
        x, z = float(xy[i][0]), float(xy[i][1])
        text = ax.annotate(names[i], (x, z), xytext=spots[0][:2], textcoords="offset points",
                           fontsize=fontsize, color=color, zorder=8, ha=spots[0][2])
        for dx, dy, ha in spots:
            text.set_position((dx, dy))
            text.set_horizontalalignment(ha)
            box = text.get_window_extent(renderer).expanded(1.04, 1.0)
            if not any(box.overlaps(b) for b in boxes):
                boxes.append(box)
                placed.append(text)
                break
        else:
            text.remove()
    return placed


FACING_TICK_PT = 11.0
"""Length in points of the tick showing which way a body faces (~4 mm on the page: reads
at a glance, shorter than a name label)."""


def _facing_ticks(ax, xz: np.ndarray, yaw_deg: np.ndarray, color, zorder: float) -> None:
    """A tick from each ground point ``xz`` (N, 2) the way yaw ``yaw_deg`` (N,) faces
    (contract yaw: 0 = north = -z, up the page; +90 = west = -x, left), in points so it
    keeps its length on a big map."""
    a = np.radians(yaw_deg)
    ax.quiver(xz[:, 0], xz[:, 1], -np.sin(a), np.cos(a), color=color, angles="uv",
              scale_units="inches", scale=72.0 / FACING_TICK_PT, width=0.0035, headwidth=3.5,
              headlength=3.5, headaxislength=3.0, pivot="tail", zorder=zorder)


def finding_position(level, motion, finding) -> tuple[float, float] | None:
    """Ground position ``(x, z)`` of a safety finding: its own ``x``, ``z`` when it has
    them (a zone entry; a lying-body finding: the body on its feet; a landing: the feet;
    a reach finding: the actor), else the midpoint of the two bodies at the finding's
    frame (a clearance finding)."""
    x, z = getattr(finding, "x", None), getattr(finding, "z", None)
    if x is not None and z is not None:
        return float(x), float(z)
    if motion is None:
        return None
    f = min(max(int(finding.frame), 0), motion.frames - 1)
    pts = []
    for name in finding.who:
        if name == (level.henry.name or "Henry"):
            pts.append(motion.henry_xz[f])
            continue
        for i, p in enumerate(level.performers):
            if p.name == name:
                pts.append(motion.perf_xz[f, i])
                break
    if not pts:
        return None
    m = np.mean(np.asarray(pts, dtype=float), axis=0)
    return float(m[0]), float(m[1])


def draw_plan(ax, level, *, motion=None, plan=None, findings=(), labels: bool = True,
              paths: bool = True, title: str | None = None) -> None:
    """Draw the plan of ``level`` into matplotlib axes ``ax`` (see the module doc)."""
    from matplotlib.patches import Polygon, Rectangle

    w = level.walls
    width = max(level.width, w.cols * w.cell) or 1.0
    depth = max(level.depth, w.rows * w.cell) or 1.0
    ax.set_facecolor(FLOOR_COLOR)
    # Walls: an RGBA image, transparent floor.
    img = np.zeros((w.rows, w.cols, 4), np.float32)
    img[..., :3] = np.asarray(w.color, np.float32) / 255.0
    img[..., 3] = w.solid.astype(np.float32)
    dark = w.solid & (img[..., :3].sum(axis=-1) > 2.7)  # near-white walls: darken to show
    img[dark, :3] = 0.55
    ax.imshow(img, extent=(0, w.cols * w.cell, w.rows * w.cell, 0), interpolation="nearest",
              zorder=2)
    # Floor grid every metre-ish tile (light), every 5 tiles darker.
    step = w.cell
    if max(width, depth) / step <= 200:
        xs = np.arange(0, width + 1e-9, step)
        zs = np.arange(0, depth + 1e-9, step)
        ax.vlines(xs, 0, depth, colors="#e4e4e0", linewidth=0.3, zorder=0)
        ax.hlines(zs, 0, width, colors="#e4e4e0", linewidth=0.3, zorder=0)
    # Zones.
    for zn in level.zones:
        st = ZONE_STYLE.get(zn.kind, ZONE_STYLE["set"])
        poly = np.asarray(zn.polygon, float)
        ax.add_patch(Polygon(poly, closed=True, facecolor=st["face"], alpha=st["alpha"],
                             edgecolor="none", zorder=1))
        ax.add_patch(Polygon(poly, closed=True, fill=False, edgecolor=st["edge"], linewidth=0.8,
                             hatch=st["hatch"], zorder=1.1))
        if labels:
            cx, cz = poly.mean(axis=0)
            text = zn.kind if not zn.name or zn.name == zn.kind else f"{zn.kind}: {zn.name}"
            ax.text(cx, cz, text, ha="center", va="center", fontsize=6, color=st["edge"],
                    fontweight="bold", zorder=6,
                    bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.8))
    # Every path.
    if paths:
        for p in level.paths:
            pts = np.asarray(p.points, float)
            if p.closed:
                pts = np.vstack([pts, pts[:1]])
            ax.plot(pts[:, 0], pts[:, 1], color=PATH_COLOR, linewidth=0.7, linestyle=(0, (3, 2)),
                    zorder=3)
            if len(pts) >= 2 and not p.closed:
                ax.annotate("", xy=pts[-1], xytext=pts[-2],
                            arrowprops=dict(arrowstyle="-|>", color=PATH_COLOR, lw=0.7,
                                            shrinkA=0, shrinkB=0, mutation_scale=6), zorder=3)
    # Henry's route.
    h = level.henry
    if motion is not None:
        route = np.asarray(motion.henry_xz, float)
    elif h.path is not None:
        route = np.asarray(h.path.points, float)
        if h.path.closed:
            route = np.vstack([route, route[:1]])
    else:
        route = np.asarray([h.position], float)
    ax.plot(route[:, 0], route[:, 1], color=HENRY_COLOR, linewidth=2.0, alpha=0.85, zorder=4,
            solid_capstyle="round")
    ax.plot(route[0, 0], route[0, 1], marker="o", markersize=7, color=HENRY_COLOR,
            markeredgecolor="white", zorder=7)
    henry_yaw = float(motion.track.yaw[0]) if motion is not None else h.heading
    _facing_ticks(ax, route[:1], np.asarray([henry_yaw]), HENRY_COLOR, zorder=7.5)
    if len(route) >= 2 and np.hypot(*(route[-1] - route[0])) > 1e-6:
        ax.plot(route[-1, 0], route[-1, 1], marker="s", markersize=5, color=HENRY_COLOR,
                markeredgecolor="white", zorder=7)
    henry_label = None
    if labels:
        henry_label = ax.annotate(h.name or "Henry", route[0], xytext=(5, 5), textcoords="offset points",
                                  fontsize=7.5, color=HENRY_COLOR, fontweight="bold", zorder=8)
    if labels:
        ax.set_xlim(0, width)  # the final view, so label boxes can be measured
        ax.set_ylim(depth, 0)
        ax.set_aspect("equal")
    taken: list = []  # label boxes so far: Henry's name, cut numbers, performers' names
    if henry_label is not None:
        ax.apply_aspect()
        taken.append(henry_label.get_window_extent(ax.figure.canvas.get_renderer()))
    # Turn cuts along the route.
    if plan is not None and motion is not None and plan.cuts:
        n = len(plan.cuts)
        every = 1 if n <= 40 else int(np.ceil(n / 40))
        at = np.asarray([motion.henry_xz[min(c.frame, motion.frames - 1)] for c in plan.cuts], float)
        ax.scatter(at[:, 0], at[:, 1], marker="D", s=10, c="#ffb300", edgecolors="black", linewidths=0.4,
                   zorder=8)
        if labels:
            shown = [k for k, c in enumerate(plan.cuts) if (c.index - 1) % every == 0]
            place_labels(ax, [str(plan.cuts[k].index) for k in shown], at[shown], 5, color="#6d4c00",
                         taken=taken, spots=CUT_SPOTS)
    # Performers' start positions.
    P = len(level.performers)
    if P:
        if motion is not None:
            start = np.asarray(motion.perf_xz[0], float)
        else:
            start = np.asarray([p.path.points[0] if p.path is not None else p.position
                                for p in level.performers], float)
        cols = np.asarray([p.color for p in level.performers], float) / 255.0
        size = 30 if P <= 20 else 16 if P <= 60 else 9
        if motion is not None:
            _facing_ticks(ax, start, np.asarray(motion.perf_facing[0], float), cols, zorder=6.9)
        ax.scatter(start[:, 0], start[:, 1], s=size, c=cols, edgecolors="black", linewidths=0.4,
                   zorder=7)
        if labels:
            place_labels(ax, [p.name for p in level.performers], start, _label_size(P), taken=taken)
    # A crowd: its thickest square (previs.plan.crowd), outlined in the findings' red.
    for fnd in findings:
        if fnd.kind == "crowd":
            from ..plan.crowd import CROWD_CELL

            h = CROWD_CELL / 2
            ax.add_patch(Rectangle((fnd.x - h, fnd.z - h), CROWD_CELL, CROWD_CELL, fill=False,
                                   edgecolor=FINDING_COLOR, linewidth=1.2, zorder=9))
    # Safety findings: one scatter of crosses; numbers grouped per square metre so a
    # crowded fight (hundreds of findings) stays legible and quick to draw.
    pts, nums = [], []
    for k, fnd in enumerate(findings, start=1):
        pos = finding_position(level, motion, fnd)
        if pos is not None:
            pts.append(pos)
            nums.append(k)
    if pts:
        arr = np.asarray(pts, float)
        ax.scatter(arr[:, 0], arr[:, 1], marker="X", s=60 if len(pts) <= 40 else 28, c=FINDING_COLOR,
                   edgecolors="white", linewidths=0.5, zorder=9)
        cells: dict[tuple[int, int], list[int]] = {}
        where: dict[tuple[int, int], tuple[float, float]] = {}
        for (x, z), k in zip(pts, nums):
            key = (int(np.floor(x)), int(np.floor(z)))
            cells.setdefault(key, []).append(k)
            where.setdefault(key, (x, z))
        fs = 7 if len(cells) <= 40 else 5
        for key, ks in cells.items():
            text = ", ".join(str(k) for k in ks[:3]) + (f" +{len(ks) - 3}" if len(ks) > 3 else "")
            ax.annotate(text, where[key], xytext=(5, -9), textcoords="offset points", fontsize=fs,
                        color=FINDING_COLOR, fontweight="bold", zorder=9)
    ax.set_xlim(0, width)
    ax.set_ylim(depth, 0)  # z grows down the page, as in Tiled
    ax.set_aspect("equal")
    ax.tick_params(labelsize=6, length=2)
    ax.set_xlabel("x (m, east)", fontsize=7)
    ax.set_ylabel("z (m, south)", fontsize=7)
    if title:
        ax.set_title(title, fontsize=9)


def plan_figure(level, *, motion=None, plan=None, findings=(), width_in: float = 8.0,
                max_height_in: float = 10.0, title: str | None = None, labels: bool = True):
    """A matplotlib Figure with the plan of ``level`` sized to its aspect."""
    w = level.walls
    width = max(level.width, w.cols * w.cell) or 1.0
    depth = max(level.depth, w.rows * w.cell) or 1.0
    h_in = min(max_height_in, max(2.5, width_in * depth / width + 0.6))
    fig = _figure(width_in, h_in)
    ax = fig.add_axes((0.07, 0.07, 0.9, 0.86 if title else 0.9))
    draw_plan(ax, level, motion=motion, plan=plan, findings=findings, title=title, labels=labels)
    return fig


def plan_png(level, *, motion=None, plan=None, findings=(), width_in: float = 8.0,
             dpi: float = 150, title: str | None = None, labels: bool = True) -> bytes:
    """Deterministic PNG bytes of the level's plan."""
    fig = plan_figure(level, motion=motion, plan=plan, findings=findings, width_in=width_in,
                      title=title, labels=labels)
    return png_bytes(fig, dpi, tight=True)


def level_stem(level_path: str) -> str:
    base = os.path.basename(os.fspath(level_path))
    return base[:-4] if base.lower().endswith(".tmx") else os.path.splitext(base)[0]
