"""The export registry: every file ``previs replay`` and ``previs plan`` write, by name.

Every writer is a module of this package with one face::

    write(plan, path)          # the plan carries its track and level facts (fps, title, start_tc)
    supported(plan) -> bool    # optional: False when this plan cannot have the file
    skipped_reason(plan) -> str  # optional, with supported: the warning, naming the fix

:data:`EXPORTS` registers them by name, as OpenTimelineIO registers adapters: name ->
file name -> writer module (imported only when it writes, so importing this package costs
nothing). ``previs replay``, ``previs plan`` and :func:`previs.pipeline.write` iterate it;
adding an export is its module plus one line in :data:`EXPORTS` (and its row in
docs/exports.md, whose table lists exactly this registry). ``report.html`` is written
elsewhere (it needs OpenGL for its pictures).

Pure: no pygame or OpenGL; OpenTimelineIO and USD are imported inside their writers.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Export:
    """One registered export: ``name`` (the writer's module in this package), the ``file``
    it writes, who it is ``for`` (the docs table's column) and a one-line ``summary`` (the
    ``previs replay``/``plan`` help)."""

    name: str
    file: str
    for_: str
    summary: str

    @property
    def writer(self):
        """The writer module (``write(plan, path)``; maybe ``supported``/``skipped_reason``)."""
        return importlib.import_module(f"{__name__}.{self.name}")

    def supported(self, plan) -> bool:
        check = getattr(self.writer, "supported", None)
        return True if check is None else bool(check(plan))


EXPORTS: tuple[Export, ...] = (
    Export("track_csv", "track.csv", "anyone (the camera, frame by frame)",
           "the POV camera per frame (metres, degrees, Y-up, yaw unwrapped)"),
    Export("shotplan_json", "shotplan.json", "scripts, tests, the report",
           "turn cuts, shots, who is in frame, safety and comfort findings"),
    Export("otio", "shotplan.otio", "Resolve, Premiere (via OTIO), Hiero / Nuke Studio",
           "OpenTimelineIO timeline: a clip per shot, markers at cuts and beats"),
    Export("edl", "shotplan.edl", "any NLE (CMX 3600)", "CMX 3600 EDL, one event per shot"),
    Export("fcp_xml", "shotplan.xml", "Premiere, Resolve, Avid (Final Cut Pro 7 XML)",
           "Final Cut Pro 7 XML: a clip per shot, markers with notes on their clips"),
    Export("usd", "camera.usda", "Blender, Maya, Houdini, Unreal",
           "USD camera, time-sampled at the plan's fps (Blender/Maya/Houdini/Unreal)"),
    Export("chan", "camera.chan", "Nuke, Maya", "Nuke/Maya .chan, rotation order ZXY, with vertical fov"),
    Export("nuke", "camera.nk", "Nuke", "Nuke Camera node: film back, focal length, animated translate/rotate"),
    Export("shotlist", "shotlist.csv", "the assistant director (a spreadsheet)",
           "shot list: in/out, take vs max_take, who, props, zones, safety, beats"),
)
"""The registry, in the order the files are written and listed."""

FILES = tuple(e.file for e in EXPORTS)


def files_help() -> str:
    """The registered files, one ``  file  summary`` line each, for command help."""
    return "\n".join(f"  {e.file:<15} {e.summary}" for e in EXPORTS)


def export(name: str) -> Export:
    """The registered export called ``name`` (``KeyError`` if there is none)."""
    for e in EXPORTS:
        if e.name == name:
            return e
    raise KeyError(name)


def write_outputs(stage_dir: str | os.PathLike, plan, forked=None, warn=None) -> list[Path]:
    """Write every registered export of ``plan`` into ``stage_dir`` and return their paths,
    in :data:`EXPORTS` order. The caller stages the folder atomically
    (:func:`previs.fsutil.staged_output_dir`).

    ``forked``: a started :class:`previs.export.prefork.ForkedWriter`; the exports it
    serves are handed to it first and written on the other core while this process writes
    the rest. ``warn`` is called with a sentence for each export this plan cannot have
    (its ``skipped_reason``: an EDL at a frame rate CMX 3600 cannot carry); that file is
    left out of the list."""
    d = Path(stage_dir)
    todo = []
    for e in EXPORTS:
        if not e.supported(plan):
            if warn is not None:
                warn(e.writer.skipped_reason(plan))
            continue
        todo.append(e)
    child = {e.name: d / e.file for e in todo if forked is not None and forked.worth(plan, e.name)}
    in_child = bool(child)
    if in_child:
        forked.submit(plan, child)
    try:
        for e in todo:
            if e.name not in child:
                e.writer.write(plan, d / e.file)
    except BaseException:
        if in_child:  # the caller discards the folder: the child must not write into it after
            forked.stop()
        raise
    if in_child:
        forked.wait()
    return [d / e.file for e in todo]

