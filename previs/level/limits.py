"""Hard limits the loader enforces before (and while) reading a level.

A level file is untrusted input: it may come from anyone on the crew, or be truncated,
corrupt or hostile. Every limit here is checked *before* the work it protects, so that
refusing any file takes well under 2 s and 200 MB (``tests/test_level_refusals.py``).
Each limit is far above what a real fight needs; the numbers say why.
"""

from __future__ import annotations

# --- Files -------------------------------------------------------------------------------
MAX_MAP_BYTES = 32 * 1024 * 1024
"""A ``.tmx`` file. A full 1024x1024 map as CSV with 4-digit gids is ~5 MB per layer."""

MAX_AUX_BYTES = 4 * 1024 * 1024
"""A ``.tsx`` tileset or ``.tx`` template: a few KB in practice."""

MAX_EXTERNAL_FILES = 256
"""Distinct tilesets + templates one map may use."""

MAX_EXTERNAL_BYTES = 16 * 1024 * 1024
"""All distinct tilesets and templates of one map together, each counted once however often
it is referenced (each is read once and shared): four files at ``MAX_AUX_BYTES``."""

MAX_EXTERNAL_ELEMENTS = 200_000
"""XML elements of all distinct tilesets and templates together (bounded before parsing
each): twice one file's ``MAX_XML_ELEMENTS``, ~120 MB and ~1 s at most."""

MAX_TILESET_TILES = 65_536
"""Tiles with a class or custom properties, summed over every ``<tileset>`` reference of the
map: a tileset referenced twice numbers its tiles twice (gid -> tile table). A real set
has tens. 1000 references to one 20 000-tile tileset would otherwise build 20 million."""

MAX_EXPANDED_TEMPLATE_BYTES = 32 * 1024 * 1024
"""Sum over template instances of their template file's size: what expanding the templates
copies. A real template is ~500 bytes (5000 instances: 2.5 MB); 100 instances of a 3.4 MB
template (340 MB) are refused before any is expanded."""

MAX_PROPERTIES = 100_000
"""Custom properties over all objects after template expansion and tile inheritance (each
instance copies its template's properties; a tile object inherits its tile's). A big
fight has a few thousand."""

MAX_XML_ELEMENTS = 100_000
"""Elements in one XML file, bounded before parsing (by counting ``<``). ElementTree and
pytmx spend ~600 bytes per element, so this bounds a load to ~60 MB and ~0.6 s. A
1000-object fight with a few properties each is ~10 000 elements."""

MAX_XML_DEPTH = 64
"""Nesting depth (group layers nest; everything else is 4-5 deep)."""

# --- Names and text ----------------------------------------------------------------------
MAX_NAME_CHARS = 100
"""Characters in an object's name or the level's title. Names go into every message, report,
burn-in, EDL and USD prim; a real one is a few words ("Goon 3 (knife)"). A 1 MB Henry name
replayed for 87 s and ended in an internal error before this limit."""

MAX_TEXT_CHARS = 1000
"""Characters in any other text property (a beat's note, a role, a file name): a sentence
or a path, not a document."""

# --- Tile grid -----------------------------------------------------------------------------
MAX_MAP_TILES = 1024 * 1024
"""``width * height`` of a map, checked before any tile data is decoded (a map that
claims 10^12 tiles is refused without reading them). One layer of 1024x1024 gids is 4 MB."""

MAX_TOTAL_CELLS = 4 * 1024 * 1024
"""Cells over all tile layers together: four full 1024x1024 layers (16 MB of decoded
gids, ~0.6 s to decode and turn into walls and floor)."""

MAX_TILE_PIXELS = 4096
"""``tilewidth``/``tileheight`` in pixels."""

MIN_TILE_METERS = 0.01
"""Smallest ``tile_meters`` (1 cm; the largest is 100 m). Bodies are ~0.6 m across and the
report draws the set at a scale fitted to the map, so a set of 1e-16 m tiles drew each body
~10^16 pixels wide (over 5 minutes and 3.4 GB before it was killed) and 1e-300 m overflowed
the drawing (an internal error)."""

# --- Objects -------------------------------------------------------------------------------
MAX_OBJECTS = 5_000
"""Objects in one map (all layers); a big fight has a few hundred."""

MAX_POINTS_PER_OBJECT = 5_000
"""Vertices of one polyline/polygon (a hand-drawn route has tens)."""

MAX_POINTS = 20_000
"""Vertices over all polylines/polygons. Each path segment is traversed against the wall
grid (~50 us), so this keeps the wall check of a full level under a second."""

MAX_COORD_M = 100_000.0
"""Any object coordinate, metres from the map origin (100 km: far off any set)."""

MAX_PATH_LENGTH_M = 1_000_000.0
"""Length of one path (a loop counts its closing segment). The simulation interpolates
every actor on one axis in windows of 1e7 m (``previs.sim.paths.ARC_STRIDE``)."""

# --- Time ------------------------------------------------------------------------------------
MAX_FPS = 240
"""Frame rate of a track or a take: 240 covers every capture rate in use
(24/25/30/48/50/60/120/240). A level runs at a production rate, at most 60
(:data:`previs.timebase.LEVEL_RATES`)."""

MAX_DURATION = 3600.0
"""Length of one replay in seconds (a fight scene, not a feature): 864 000 frames at 240."""

MAX_TIME = 86_400.0
"""Any single time value (t, start, duration, hold) and any one actor's walking time, s.
The simulation interpolates every actor on one axis in windows of 1e6 s
(``previs.sim.paths.TIME_STRIDE``)."""

MAX_PROBLEMS = 1000
"""Problems listed for one level before the rest are summarised as a count."""

# --- Choreography and replay size ----------------------------------------------------------
MAX_PERFORMERS = 1000
"""Performers in one level: a battle's extras (issue 20). The clearance check streams
blocks of frames and sweeps each frame's bodies sorted along one axis, so its work follows
how many pairs are close, not the square of the crowd; the cost that remains is the
findings themselves, which in a melee where everyone overlaps are many (1000 performers
within 10 m of Henry for 3 minutes: 1.3 million encounters). ``benchmarks/battle.py``
measures 100-1000 performers dense and spread (docs/limits.md)."""

MAX_CLEARANCE_FINDINGS = 1_500_000
"""Clearance encounters one replay may find (each a finding in the shot plan, ~1 KB through
the plan, its JSON and the report). Counted while the check streams blocks of frames, and
the replay stops with a message as soon as it is passed: crowding cannot be known before
the fight is simulated, and a melee where everyone overlaps has encounters in the square of
the crowd (1000 performers within 10 m of Henry for 3 minutes: 1.33 million, 1.4 GB). At
the limit a replay peaks near 1.6 GB; one past it is refused instead of running on."""

MAX_BEATS = 4000
"""Beats in one level: a dense fight has one every second or two (4000 is over an hour of
that). Beats are cheap: 4000 add ~2 s to a replay."""

MAX_ACTOR_FRAMES = 8_000_000
"""Frames x actors (Henry + performers) of one replay, scripted or walked. The simulation
and the shot plan keep per-frame state for every actor (~200 bytes each), so this bounds a
replay to ~1.5 GB and about a minute: one hour at 24 fps with 91 performers, 22 minutes
with 250, or one hour at 60 fps with 36."""

MAX_ZONE_FRAMES = 30_000_000
"""Hazard (``no-go``/``pyro``) zones x frames x actors of one replay: the safety plan tests
every body on every frame against every zone. Worst case (every zone covering the arena)
200-450 ns each on the 2-core test machine: 6-13 s at the budget. 20 zones with 100
performers for 10 minutes at 24 fps (29 million) fit; 1000 zones with 100 performers for 10 minutes (1.45 billion, ~5 minutes)
are refused when the level is loaded. See :mod:`previs.level.replay_budget`."""

MAX_ZONE_VERTEX_FRAMES = 600_000_000
"""Hazard-zone vertices x frames x actors: the even-odd test costs ~8 ns per point and
edge, so ~5 s at the budget. One 5000-vertex zone with 10 performers for 10 minutes
(792 million) is refused; draw zones with few vertices."""
