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

__version__ = "0.1.0"
