"""Budgets on what a replay of a level will cost, checked when the level is loaded (before
any frame is simulated): products of frames, actors and hazard zones.

The safety plan tests every body on every frame against every ``no-go``/``pyro`` zone:
its cost is hazard zones x frames x actors (the per-zone work: bounding box, entries,
runs) plus zone vertices x frames x actors (the even-odd test). Measured on the 2-core
test machine, worst case (every zone covering the whole arena, so the bounding-box
shortcut saves nothing): 100 zones x 14 401 frames x 101 actors (145 million) took 30 s
and 4 x 145 million vertex tests 4.8 s of it (41 zones: 26 s on a busy machine). Each
budget below keeps the worst case near 10 s.
"""

from __future__ import annotations

from .limits import MAX_ZONE_FRAMES, MAX_ZONE_VERTEX_FRAMES
from .model import Level


def zone_budget_problem(level: Level, frames: int) -> str | None:
    """Why a replay of ``level`` over ``frames`` frames is refused, or None if it fits."""
    zones = [z for z in level.zones if z.hazardous and len(z.polygon) >= 3]
    actors = 1 + len(level.performers)
    tests = len(zones) * frames * actors
    if tests > MAX_ZONE_FRAMES:
        return (f"would test {len(zones)} hazard zones x {frames} frames x {actors} actors = {tests} body "
                f"positions against zones, more than the {MAX_ZONE_FRAMES} a replay may test (about 10 s); "
                f"merge hazard zones, shorten the fight or use fewer performers")
    vertices = sum(len(z.polygon) for z in zones)
    edge_tests = vertices * frames * actors
    if edge_tests > MAX_ZONE_VERTEX_FRAMES:
        return (f"would test {vertices} hazard-zone vertices x {frames} frames x {actors} actors = {edge_tests} "
                f"polygon edges, more than the {MAX_ZONE_VERTEX_FRAMES} a replay may test (about 10 s); "
                f"simplify the hazard zones' outlines, shorten the fight or use fewer performers")
    return None
