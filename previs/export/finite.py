"""Numbers a camera file may hold: finite, or the export is refused before it is written.

``camera.chan`` and ``camera.usda`` are read by tools that take ``inf`` or ``nan`` at face
value (Nuke keys an infinite focal length; USD writes ``inf`` into a time sample). Tracks
from levels and from ``previs plan`` are checked on the way in (finite, hfov in (0, 180)
degrees), so this is the last guard for a plan built in code: one line per column, naming
the file, the first bad frame and the fix.
"""

from __future__ import annotations

import numpy as np

from ..errors import PrevisError


def require_finite(file: str, columns: dict) -> None:
    """Raise :class:`PrevisError` if any of ``columns`` (name -> per-frame array, (N,) or
    (N, k)) holds a value that is not finite; frames are the first axis's indices
    (0-based, like the file)."""
    problems = []
    for name, values in columns.items():
        ok = np.isfinite(np.asarray(values, dtype=np.float64))
        bad = np.flatnonzero(ok.reshape(len(ok), -1).all(axis=1) == 0)
        if bad.size:
            problems.append(f"{file}: {name} is not finite on {bad.size} frame(s) from frame {int(bad[0])}; "
                            "give the track finite values (hfov strictly between 0 and 180 degrees).")
    if problems:
        raise PrevisError(problems)
