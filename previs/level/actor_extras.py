"""An actor's ``prop``, ``mocap`` and ``mocap_start`` properties: checked, the BVH file read.

- ``prop``: one of :data:`~.model.PROP_KINDS`, on a performer or on Henry (his right hand).
  Anything else is a warning (with "did you mean" when a name is close: ``knfie`` -> knife)
  and the actor loads holding nothing: a wrong prop changes the picture, never the plan.
- ``mocap``: a BVH file's path relative to the map, inside the level's project (the folder
  of the ``.tiled-project`` file, else the map's folder), read and validated at load
  (:func:`~.bvh_file.read_bvh`); a bad file refuses the level with the file, line and fix.
  A file used by several actors is read once. Its bytes join the level's content hash
  (:func:`~.external_files.with_files`), so a take recorded against one take of a file is
  refused after the file changes.
- ``mocap_start``: seconds of the fight at which the BVH's first frame plays (default 0).
"""

from __future__ import annotations

from pathlib import Path

from .. import safe_paths
from ..safe_paths import Unreadable
from .bvh_file import MAX_BVH_BYTES, Bvh, BvhError, parse_bvh
from .diagnostics import Problems
from .model import PROP_KINDS
from .props import Props
from .schema import OBJECTS, default
from .slips import SUGGEST_CUTOFF, suggest

MAX_MOCAP_BYTES = 256 * 1024 * 1024
"""Bytes of all the BVH files one level uses together (two 100 000-frame CMU takes)."""


class MocapFiles:
    """The BVH files one level uses: read once each, by real path; ``used`` maps each
    file's path relative to the project to its bytes (for the content hash)."""

    def __init__(self, map_path: Path, project: Path):
        self.base = map_path.parent
        self.project = project
        self.parsed: dict[Path, Bvh | None] = {}
        self.used: dict[str, bytes] = {}
        self.total = 0

    def read(self, ref: str, problems: Problems, where: str) -> Bvh | None:
        """The parsed file ``ref`` (relative to the map), or None after a problem."""
        fix = "keep mocap files inside the project (the folder holding the .tiled-project file, else the map's folder)"
        try:
            path = safe_paths.resolve_inside(ref, self.base, self.project)
        except Unreadable as e:
            problems.error(where, f"mocap = {ref!r} {e.reason}", fix)
            return None
        if path in self.parsed:
            return self.parsed[path]
        rel = path.relative_to(self.project).as_posix()
        self.parsed[path] = None
        try:
            data = safe_paths.read_bounded(path, MAX_BVH_BYTES)
        except Unreadable as e:
            problems.error(where, f"mocap = {ref!r} ({rel}) {e.reason}",
                           f"give a BVH file under {MAX_BVH_BYTES // (1024 * 1024)} MB inside the project")
            return None
        self.total += len(data)
        if self.total > MAX_MOCAP_BYTES:
            problems.error(where, f"mocap = {ref!r} brings the level's BVH files to more than "
                           f"{MAX_MOCAP_BYTES // (1024 * 1024)} MB", "trim the takes to the frames the fight uses")
            return None
        try:
            bvh = parse_bvh(data, rel)
        except BvhError as e:
            problems.error(where, f"mocap = {ref!r}: {e.problems[0]}")
            return None
        self.used[rel] = data
        self.parsed[path] = bvh
        return bvh


def prop_of(p: Props, problems: Problems, where: str) -> str:
    """The actor's ``prop``, or "" after a notice if it is not one previs draws."""
    name = p.string("prop", "").lower()
    if not name or name in PROP_KINDS:
        return name
    close = suggest(name, PROP_KINDS, SUGGEST_CUTOFF)
    problems.notice(where, f"prop = {name!r} is not a prop previs draws, so it holds nothing",
                    f"did you mean '{close}'?" if close else f"pick one of {', '.join(PROP_KINDS)}")
    return ""


def actor_extras(p: Props, problems: Problems, where: str, files: MocapFiles) -> dict:
    """``prop``, ``mocap`` and ``mocap_start`` of one actor's properties ``p`` as Actor
    fields (``mocap`` None when absent or after a problem, then ``ok`` is False)."""
    ref = p.string("mocap", "")
    mocap = files.read(ref, problems, where) if ref else None
    start = p.time("mocap_start", default(OBJECTS["performer"], "mocap_start"))
    return {"prop": prop_of(p, problems, where), "mocap": mocap, "mocap_start": start,
            "ok": (mocap is not None or not ref) and start is not None}


def late_mocap(problems: Problems, where_of, actors, duration: float) -> None:
    """A notice per actor whose ``mocap_start`` is at or after the replay's end
    (``duration`` s): its take would never play. ``where_of(actor)`` names the object."""
    for a in actors:
        if a.mocap is not None and a.mocap_start >= duration:
            problems.notice(where_of(a), f"mocap_start = {a.mocap_start:g} s is not before the end of the replay "
                            f"({duration:g} s), so its take never plays",
                            "start the take earlier, or make the map's duration longer")
