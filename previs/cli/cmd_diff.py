"""``previs diff OLD NEW``: what changed between two versions of a fight, and what that does
to it (:mod:`previs.testing.choreo_diff`)."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

HELP = "semantic diff of two versions of a level: objects, beats, and the cuts, shots and framing they change"
DESCRIPTION = """\
Compare two versions of a fight the way a reviewer reads them, not as XML: what changed
in the level (settings, wall cells, Henry, performers, marks, zones, paths, moved by how
much; beats added, removed or retimed by how much) and what that does to the fight (both
versions replayed and planned: turn cuts added, removed or moved by how much, shots
changed, performers newly in or out of frame with their first and last frames, safety
findings new or gone, comfort figures).

OLD and NEW are .tmx files. Either may be LEVEL@REV: the level as it was at git revision
REV (read with git archive from the repository holding LEVEL, with its tilesets and
templates). --rev REV with a single LEVEL compares LEVEL@REV with LEVEL as it is now.

Exit status: 0 the two versions play the same fight (no differences); 1 they differ;
2 a level cannot be loaded or a revision cannot be read.
"""
EPILOG = """\
examples:
  previs diff levels/corridor.tmx /tmp/corridor-edit.tmx
  previs diff levels/corridor.tmx --rev HEAD~1     # what the last commit did to the fight
  previs diff levels/corridor.tmx@main levels/corridor.tmx
"""


def add_arguments(p) -> None:
    p.add_argument("old", metavar="OLD", help="the old level (.tmx, or LEVEL@REV)")
    p.add_argument("new", metavar="NEW", nargs="?", help="the new level (.tmx, or LEVEL@REV)")
    p.add_argument("--rev", metavar="REV", help="with one LEVEL: compare LEVEL@REV with LEVEL now")


def _at_revision(spec: str, tmp: Path) -> Path:
    """``LEVEL@REV`` -> the level extracted from git at REV into ``tmp`` (its folder too, so
    tilesets and templates come along)."""
    from ..errors import PrevisError

    level, rev = spec.rsplit("@", 1)
    lp = Path(level).resolve()
    try:
        top = subprocess.run(["git", "-C", str(lp.parent), "rev-parse", "--show-toplevel"], check=True,
                             capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        raise PrevisError(f"{spec}: {lp.parent} is not in a git repository; give two .tmx files.") from None
    rel = lp.parent.relative_to(Path(top).resolve()).as_posix()
    proc = subprocess.run(["git", "-C", top, "archive", "--format=tar", rev, rel or "."], capture_output=True)
    if proc.returncode != 0:
        why = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise PrevisError(f"{spec}: git cannot read {rel or '.'} at {rev!r} ({why[-1] if why else 'unknown error'}).")
    tmp.mkdir(parents=True, exist_ok=True)
    tar_path = tmp / "rev.tar"
    tar_path.write_bytes(proc.stdout)
    with tarfile.open(tar_path) as tf:
        tf.extractall(tmp / "rev", filter="data")
    out = tmp / "rev" / rel / lp.name
    if not out.is_file():
        raise PrevisError(f"{spec}: {rel}/{lp.name} does not exist at {rev!r}.")
    return out


def _load(spec: str, tmp: Path):
    from .. import pipeline

    path = _at_revision(spec, tmp) if "@" in os.path.basename(spec) else Path(spec)
    return pipeline.load(path)


def _replay(level):
    from .. import pipeline
    from ..testing.check_base import Replay

    motion = pipeline.replay(level)
    return Replay(level=level, motion=motion, plan=pipeline.plan(motion), expect_path=Path(level.source))


def changes_since(old_spec: str, level, scripted=None) -> tuple[str, list[str], list[str]]:
    """``previs report --since OLD``: (OLD, level lines, fight lines) from OLD to ``level``
    (the scripted fights compared; raises PrevisError if OLD cannot be loaded).
    ``scripted``: ``(motion, plan)`` of ``level``'s script at its own thresholds when the
    caller has them (the report's, with no take, edit or override), not replayed again."""
    from ..testing.check_base import Replay
    from ..testing.choreo_diff import consequences, level_changes

    with tempfile.TemporaryDirectory(prefix="previs-since-") as td:
        old = _load(old_spec, Path(td))
        new = (_replay(level) if scripted is None else
               Replay(level=level, motion=scripted[0], plan=scripted[1], expect_path=Path(level.source)))
        return old_spec, level_changes(old, level), consequences(_replay(old), new)


def run(args) -> int:
    from ..errors import PrevisError
    from ..testing.choreo_diff import consequences, level_changes

    if args.new is None and args.rev is None:
        print("previs diff: give OLD and NEW, or one LEVEL and --rev REV.", file=sys.stderr)
        return 2
    old_spec, new_spec = (f"{args.old}@{args.rev}", args.old) if args.new is None else (args.old, args.new)
    with tempfile.TemporaryDirectory(prefix="previs-diff-") as td:
        try:
            old = _load(old_spec, Path(td) / "old")
            new = _load(new_spec, Path(td) / "new")
        except PrevisError as e:
            for line in e.problems:
                print(f"previs diff: {line}", file=sys.stderr)
            return 2
        changes = level_changes(old, new)
        effects = consequences(_replay(old), _replay(new))
    print(f"--- {old_spec}")
    print(f"+++ {new_spec}")
    print("level:")
    print("\n".join(f"  {c}" for c in changes) if changes else "  no changes to the choreography")
    print("fight (both replayed and planned):")
    print("\n".join(f"  {c}" for c in effects) if effects else "  the same cuts, shots, framing, safety and comfort")
    return 1 if changes or effects else 0
