"""previs: first-person previsualisation of fight choreography.

Package map (pure = imports neither pygame nor OpenGL, never reads the wall clock):

- ``previs.level``   (pure) Tiled map -> immutable :class:`previs.level.model.Level`.
- ``previs.sim``     (pure) deterministic tick simulation -> camera track + actor motion.
- ``previs.plan``    (pure) camera track (+ motion) -> one in-memory shot plan.
- ``previs.export``  (pure) one small writer per output file (json, otio, edl, usd, chan, csv).
- ``previs.render``  OpenGL renderer, window app, animatic and report rendering.
- ``previs.testing`` expectation files (``LEVEL.expect.toml``) and the pytest plugin.
- ``previs.cli``     the ``previs`` command; one module per sub-command.
"""

__version__ = "0.1.0"
