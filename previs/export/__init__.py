"""One small writer per output file; each writes the one in-memory shot plan / track.

=================  ==========================  =====================================
file               module                      for
=================  ==========================  =====================================
``track.csv``      :mod:`.track_csv`           anyone (the camera, frame by frame)
``shotplan.json``  :mod:`.shotplan_json`       scripts, tests
``shotplan.otio``  :mod:`.otio`                editors (Resolve, Premiere, Hiero)
``shotplan.edl``   :mod:`.edl`                 any NLE (CMX 3600)
``camera.usda``    :mod:`.usd`                 Blender, Maya, Houdini, Unreal
``camera.chan``    :mod:`.chan`                Nuke, Maya
=================  ==========================  =====================================

Pure: no pygame or OpenGL; OpenTimelineIO and USD are imported inside their writers, so
importing this package costs nothing. ``report.html`` is written elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path

FILES = ("track.csv", "shotplan.json", "shotplan.otio", "shotplan.edl", "camera.usda", "camera.chan")


def write_outputs(stage_dir: str | os.PathLike, plan, track, motion=None, usd_writer=None,
                  warn=None) -> list[Path]:
    """Write every plan and camera export into ``stage_dir`` and return their paths, in
    :data:`FILES` order. The caller stages the folder atomically
    (:func:`previs.fsutil.staged_output_dir`). ``motion`` is accepted for symmetry with
    the report writer; the plan already holds everything the files need.

    ``usd_writer``: a started :class:`previs.export.prefork.UsdWriterProcess`, which then
    writes ``camera.usda`` on the other core while this process writes the rest.
    ``warn`` is called with a sentence for each file that cannot be written for this plan
    (an EDL at a frame rate CMX 3600 cannot carry); that file is left out of the list."""
    from . import chan, edl, otio, shotplan_json, track_csv, usd

    d = Path(stage_dir)
    paths = [d / name for name in FILES]
    if usd_writer is not None:
        usd_writer.submit(paths[4], track, plan.title if plan is not None else "")
    track_csv.write(track, paths[0])
    shotplan_json.write(plan, paths[1])
    otio.write(plan, paths[2])
    if edl.supported(plan):
        edl.write(plan, paths[3])
    else:
        if warn is not None:
            warn(edl.skipped_reason(plan))
        paths[3] = None
    chan.write(plan, paths[5], track)
    if usd_writer is not None:
        usd_writer.wait()
    else:
        usd.write(plan, paths[4], track)
    return [p for p in paths if p is not None]
