"""The reel (tape) name of a fight's media: what the animatic, the EDL and the OTIO agree on.

An editor relinks an EDL event to a source by reel name and source timecode, so the
animatic's MP4 carries both (:mod:`previs.animatic.encoder`: a ``tmcd`` timecode track
from ``start_tc`` and the ``reel_name`` tag), and ``shotplan.edl`` / ``shotplan.otio`` name
the same reel.

**The rule**: the level file's name without ``.tmx``, accents dropped (NFKD), only ``A-Z``,
``0-9`` and ``_`` kept, upper-cased and cut to :data:`REEL_LENGTH` characters, CMX 3600's
reel field: ``corridor.tmx`` -> ``CORRIDOR``, ``stairwell.tmx`` -> ``STAIRWEL``,
``fight-2 b.tmx`` -> ``FIGHT2B``. A plan with no level (``previs plan TRACK.csv``) or a
name with nothing left is reel :data:`DEFAULT_REEL`. The file name, not the title: it is
what a project already keeps unique per fight, and it does not change when a title is
reworded.

Pure: no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePosixPath

REEL_LENGTH = 8
"""Characters in a CMX 3600 reel name."""

DEFAULT_REEL = "PREVIS"
"""The reel of a plan without a level file."""


def reel_name(level: str | None) -> str:
    """The reel of the level at project path ``level`` (``levels/corridor.tmx``), or
    :data:`DEFAULT_REEL` for None (see the module doc)."""
    if not level:
        return DEFAULT_REEL
    stem = PurePosixPath(str(level).replace("\\", "/")).name
    if stem.lower().endswith(".tmx"):
        stem = stem[:-4]
    ascii_ = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    reel = re.sub(r"[^A-Z0-9_]", "", ascii_.upper())[:REEL_LENGTH]
    return reel or DEFAULT_REEL
