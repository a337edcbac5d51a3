"""How the shot plan rounds what it reports (one rule for every finding, cut and card).

Positions 0.001 m, angles 0.1 degree, times 0.001 s, speeds 0.1 deg/s, clearances 0.01 m
(see :mod:`previs.plan.shotplan`): values are rounded once, as they are built, so the JSON
is stable and readable.
"""

from __future__ import annotations


def rounded(v: float, nd: int) -> float:
    """``v`` rounded to ``nd`` decimals as the plan reports it; ``+ 0.0`` turns -0.0 into
    0.0 so the text never shows ``-0.0``."""
    return float(round(float(v), nd)) + 0.0
