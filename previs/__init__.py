"""previs: first-person previsualisation of fight choreography.

Package map (pure = imports neither pygame nor OpenGL, never reads the wall clock):

- ``previs.level``   (pure) Tiled map -> immutable :class:`previs.level.model.Level`.
- ``previs.sim``     (pure) deterministic tick simulation -> camera track + actor motion.
- ``previs.plan``    (pure) camera track (+ motion) -> one in-memory shot plan.
- ``previs.export``  (pure) one small writer per output file (json, otio, edl, usd, chan, csv).
- ``previs.gl``      the GL core: context, shaders, meshes, a renderer of frame descriptions.
- ``previs.window``  the first-person window (modes, controls, HUD, recorder, reload).
- ``previs.animatic`` the MP4 animatic (chunks, workers, encoder, burn-ins).
- ``previs.report``  the printable report (HTML page, plots, top-down plan).
- ``previs.testing`` expectation files (``LEVEL.expect.toml``) and the pytest plugin.
- ``previs.cli``     the ``previs`` command; one module per sub-command.
"""

import os as _os
import sys as _sys

if "numpy" not in _sys.modules:
    # numpy asks the kernel for huge pages for every array of 4 MB or more; where
    # transparent huge pages are "madvise" (Ubuntu's and Debian's default) each such array
    # is compacted for on first touch: evaluating the poses of a 1000-performer battle
    # spent 3.3-5.5 s of system time that way, 1.1 s without (user time +0.4 s). A user's
    # own NUMPY_MADVISE_HUGEPAGE wins (docs/limits.md).
    _os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")

__version__ = "0.1.0"
