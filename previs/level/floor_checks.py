"""The level check's warning for a path that climbs or drops a step too high to walk.

A scripted path is followed wherever it is drawn; on floors with height
(:mod:`.floors`) the body rides the floor, so a path drawn straight up the face of a
landing would lift its walker by the landing's full height in a stride. Every route is
sampled every :data:`SAMPLES_PER_CELL`-th of a cell along its length, and where the floor
under two neighbouring samples differs by more than :data:`MAX_STEP` the path gets a
notice naming it and the cell it steps into. Stairs drawn as one cell per step (0.18 m
risers) and ramp tiles (a rise spread over the cell: up to ``MAX_STEP *
SAMPLES_PER_CELL`` = 4 m per cell) pass.
"""

from __future__ import annotations

import numpy as np

from .diagnostics import Problems, describe
from .route import route as walked_route

MAX_STEP = 0.5
"""Metres: the highest step a path may climb or drop between neighbouring cells without
stairs or a ramp (a stair's riser is 0.15-0.2 m; 0.5 m is a stage's edge a stunt
performer climbs on purpose, and more is a wall)."""
SAMPLES_PER_CELL = 8
"""Floor samples per cell length along a route."""


def path_climb_notices(level_paths, walls, by_id: dict, problems: Problems) -> None:
    """A notice per scripted path whose floor steps by more than :data:`MAX_STEP` between
    neighbouring samples (see the module), naming the path and the first such cell."""
    floors = walls.floors
    if floors is None:
        return
    step = walls.cell / SAMPLES_PER_CELL
    for path in level_paths:
        route = np.asarray(walked_route(path), np.float64)
        if len(route) < 2:
            continue
        seg = np.diff(route, axis=0)
        n = np.maximum(1, np.ceil(np.hypot(seg[:, 0], seg[:, 1]) / step)).astype(np.int64)
        which = np.repeat(np.arange(len(seg)), n)
        frac = (np.arange(which.size) - np.repeat(np.cumsum(n) - n, n)) / np.repeat(n, n)
        pts = np.concatenate([route[which] + frac[:, None] * seg[which], route[-1:]])
        h = floors.height_at(pts[:, 0], pts[:, 1])
        jump = np.flatnonzero(np.abs(np.diff(h)) > MAX_STEP)
        if jump.size == 0:
            continue
        k = int(jump[0])
        (r0, r1), (c0, c1), _ = floors.cells(pts[k:k + 2, 0], pts[k:k + 2, 1])
        d = float(h[k + 1] - h[k])
        more = f" ({jump.size - 1} more step{'s' * (jump.size > 2)} like it further on)" if jump.size > 1 else ""
        o = by_id[path.id]
        problems.notice(
            describe(o.id, o.name, o.kind),
            f"{'climbs' if d > 0 else 'drops'} {abs(d):.2f} m from column {int(c0)}, row {int(r0)} into column "
            f"{int(c1)}, row {int(r1)} (x {int(c1) * walls.cell:g}-{(int(c1) + 1) * walls.cell:g} m, "
            f"z {int(r1) * walls.cell:g}-{(int(r1) + 1) * walls.cell:g} m) with no stairs, a step over "
            f"{MAX_STEP:g} m{more}; it will be followed as scripted, the walker lifted in one stride",
            "paint stair or ramp tiles (`rise`, `rise_to`) between the two floors, or draw the path round the step",
        )
