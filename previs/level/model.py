"""The engine's level model: what a Tiled map means, in metres and the contract's axes.

Pure and immutable: no pytmx, pygame or OpenGL here. The loader (``previs.level.loader``)
parses the map with pytmx at the boundary and builds these objects; everything downstream
(simulation, planning, rendering) reads only these.

Units and axes (``docs/level-format.md``, section 2):

- Positions are metres on the ground plane as ``(x, z)``: **x = east** (Tiled x),
  **z = south** (Tiled y, down the screen). Height is **y = up**, floor at y = 0 unless
  floor tiles raise it (:class:`~.floors.Floors`, ``Walls.floors``).
- Angles are degrees. **yaw** turns about +Y: 0 looks north (-Z), +90 looks west (a left
  turn is positive). A unit direction for yaw ``a`` is ``(dx, dz) = (-sin a, -cos a)``.
- Times are seconds from the start of the fight (frame 0).
- Colours are ``(r, g, b)`` with components 0..255.

Arrays held by these dataclasses are made read-only (``flags.writeable = False``) so that
the model really is immutable.
"""

from __future__ import annotations

import math
from fractions import Fraction
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from .actions import LABEL, Action, action
from .bvh_file import Bvh
from .floors import Floors

Vec2 = tuple[float, float]
"""A ground-plane point ``(x, z)`` in metres."""

Color = tuple[int, int, int]
"""An ``(r, g, b)`` colour, components 0..255."""

ZONE_KINDS = ("no-go", "pyro", "rig", "crash-mat", "set")
"""Every allowed ``zone.kind``; ``no-go`` and ``pyro`` are the hazardous ones."""

HAZARD_ZONE_KINDS = frozenset({"no-go", "pyro"})

SINCE_REVISION_1 = {"omit_default_from_revision": True}
"""Metadata of model fields added after levels had revisions (``previs.level.revision``):
a level that leaves them at their defaults can keep the revision it had before them."""

PROP_KINDS = ("knife", "bat", "pipe", "bottle", "cleaver", "pistol")
"""Every allowed ``prop`` (the shapes are ``previs.pose.props.PROPS``, one row per name)."""


def dir_to_yaw(dx: float, dz: float) -> float:
    """Yaw in degrees, in (-180, 180], that looks along ground direction ``(dx, dz)``."""
    return math.degrees(math.atan2(-dx, -dz))


@dataclass(frozen=True)
class Settings:
    """Map properties, defaults applied, units resolved (see the contract's table)."""

    title: str
    # An exact rate from previs.timebase.LEVEL_RATES (24, or Fraction(24000, 1001) for 23.976);
    # ints compare and hash equal to their Fraction, so revisions of whole rates are unchanged.
    fps: Fraction = Fraction(24)
    duration: float = 0.0  # seconds; always resolved by the loader (explicit or derived)
    start_tc: str = "00:00:00:00"
    tile_meters: float = 1.0
    eye_height: float = 1.7
    hfov: float = 90.0
    max_take: float = 60.0
    turn_cut_speed: float = 150.0
    turn_cut_angle: float = 40.0
    safety_distance: float = 0.5
    # lens (issue 14): a name in previs.lens.LENS_MODELS; left out of the revision at its default
    lens: str = field(default="rectilinear", metadata=SINCE_REVISION_1)
    # The camera rig (issue 14; previs.sim.head_motion): metres below and ahead of the eyes, 0..1.
    rig_height: float = field(default=0.1, metadata=SINCE_REVISION_1)
    rig_forward: float = field(default=0.08, metadata=SINCE_REVISION_1)
    stabilise: float = field(default=1.0, metadata=SINCE_REVISION_1)
    # Matching the pieces of an edit at its cuts (issue 19; previs.plan.cut_match).
    cut_match_distance: float = field(default=0.1, metadata=SINCE_REVISION_1)  # m of lens position
    cut_match_angle: float = field(default=5.0, metadata=SINCE_REVISION_1)  # degrees of heading or pitch
    cut_match_performer: float = field(default=0.25, metadata=SINCE_REVISION_1)  # m a performer may move
    cut_hide_window: float = field(default=0.125, metadata=SINCE_REVISION_1)  # s each side of a cut

    @property
    def frames(self) -> int:
        """Number of frames in the replay: frames ``[0, frames)`` at times ``frame / fps``."""
        from ..timebase import TimeBase  # imported here: previs.timebase is the one time rule

        return max(1, TimeBase(self.fps).frames_in(self.duration))

    @property
    def drop_frame(self) -> bool:
        """True when ``start_tc`` is written with ``;`` (drop-frame, 29.97 and 59.94 only)."""
        return ";" in self.start_tc


@dataclass(frozen=True)
class Walls:
    """Solid blocks on the tile grid.

    ``solid[row, col]`` is True for a wall cell; row = Tiled tile y (south), col = tile x
    (east). Cell ``(row, col)`` covers x in ``[col*cell, (col+1)*cell)`` and z in
    ``[row*cell, (row+1)*cell)`` metres, with ``cell = tile_meters``. ``height`` is metres
    (0 where not solid) and ``color`` is uint8 ``(rows, cols, 3)``. ``floors`` is the
    floor's height (:class:`~.floors.Floors`), None on a flat level (floor at y = 0): a
    block stands on its cell's floor (its base is ``floors.low``, its top that plus
    ``height``: :attr:`base` and :attr:`top`).
    """

    solid: np.ndarray  # bool (rows, cols)
    height: np.ndarray  # float64 (rows, cols), metres
    color: np.ndarray  # uint8 (rows, cols, 3)
    cell: float  # metres per cell edge
    floors: Floors | None = field(default=None, metadata=SINCE_REVISION_1)

    @cached_property
    def base(self) -> np.ndarray:
        """(rows, cols) m: the floor each cell's block (or open floor) stands on: 0 on a
        flat level, else the cell's lowest floor point (:attr:`~.floors.Floors.low`)."""
        return np.zeros(self.solid.shape) if self.floors is None else self.floors.low

    @cached_property
    def top(self) -> np.ndarray:
        """(rows, cols) m: the top of what fills each cell: a block's ``base + height``,
        open floor's ``base``. A sight line passing below it is blocked."""
        return self.base + np.where(self.solid, self.height, 0.0)

    @property
    def rows(self) -> int:
        return int(self.solid.shape[0])

    @property
    def cols(self) -> int:
        return int(self.solid.shape[1])

    @cached_property
    def solid_area(self) -> np.ndarray:
        """Summed-area table of ``solid``, (rows + 1, cols + 1) int64: built once per level,
        so the sight-line and path checks count wall cells in any box in O(1)."""
        area = np.zeros((self.rows + 1, self.cols + 1), np.int64)
        area[1:, 1:] = np.cumsum(np.cumsum(self.solid, axis=0, dtype=np.int64), axis=1)
        return area

    def solid_in_boxes(self, r0, c0, r1, c1) -> np.ndarray:
        """Wall cells in each box of rows ``[r0, r1)`` and columns ``[c0, c1)`` (arrays of
        in-grid indices, ``r1``/``c1`` at most ``rows``/``cols``)."""
        a = self.solid_area
        return a[r1, c1] - a[r0, c1] - a[r1, c0] + a[r0, c0]

    def cell_of(self, x: float, z: float) -> tuple[int, int]:
        """``(row, col)`` of the cell containing ground point ``(x, z)`` (may be off-grid)."""
        return (int(math.floor(z / self.cell)), int(math.floor(x / self.cell)))

    def is_solid(self, x: float, z: float) -> bool:
        """True if ``(x, z)`` lies in a wall cell; points off the grid are open floor."""
        r, c = self.cell_of(x, z)
        return 0 <= r < self.rows and 0 <= c < self.cols and bool(self.solid[r, c])


@dataclass(frozen=True)
class Path:
    """A route an actor walks: a polyline, or a closed loop from a Tiled polygon.

    ``points`` are ``(x, z)`` metres, at least two. ``holds`` maps a 0-based vertex index to
    seconds of standing still there (from the ``holds = "2=1.5, 4=0.8"`` property).
    """

    id: int
    name: str
    points: tuple[Vec2, ...]
    closed: bool = False
    holds: tuple[tuple[int, float], ...] = ()

    def hold_at(self, index: int) -> float:
        """Seconds held at vertex ``index`` (0 if none)."""
        return sum(s for i, s in self.holds if i == index)


@dataclass(frozen=True)
class Actor:
    """Henry (``kind == "henry"``) or a performer (``kind == "performer"``).

    ``position`` is where it is placed, ``(x, z)`` metres. With a ``path`` it stands on the
    path's first vertex until ``start`` seconds, then walks at ``speed`` m/s. ``heading``
    (degrees, contract yaw) is Henry's facing while he stands before walking or looking.
    ``prop`` is what it holds in its right hand (one of :data:`PROP_KINDS`, "" for none);
    ``mocap`` the parsed BVH take (:class:`~.bvh_file.Bvh`, validated at load) that drives
    its body from ``mocap_start`` seconds of the fight on (Henry's: his head and arms).
    """

    id: int
    name: str
    kind: str  # "henry" | "performer"
    position: Vec2
    path: Path | None = None
    speed: float = 1.4
    start: float = 0.0
    radius: float = 0.3
    height: float = 1.8
    heading: float = 0.0
    color: Color = (200, 60, 50)
    role: str = ""
    prop: str = field(default="", metadata=SINCE_REVISION_1)
    mocap: Bvh | None = field(default=None, metadata=SINCE_REVISION_1)
    mocap_start: float = field(default=0.0, metadata=SINCE_REVISION_1)


@dataclass(frozen=True)
class Beat:
    """A timed piece of choreography: ``actor`` does ``action`` to ``target`` at ``t`` s.

    ``actor``/``target`` are object ids (Henry's or a performer's; the target may also be a
    :class:`Mark`, except for a contact beat's).
    The beat covers the half-open interval ``[t, t + duration)`` seconds.
    """

    id: int
    t: float
    actor: int
    action: str
    target: int | None = None
    duration: float = LABEL.duration
    note: str = ""
    position: Vec2 = (0.0, 0.0)  # only a marker for the author

    @property
    def end(self) -> float:
        return self.t + self.duration

    @property
    def spec(self) -> Action:
        """The action table's row for this beat's action (:data:`~previs.level.actions.LABEL`
        for a word with no meaning)."""
        return action(self.action)

    @property
    def is_contact(self) -> bool:
        """Actor and target may touch during ``[t, t + duration]``."""
        return self.spec.contact

    @property
    def aims(self) -> bool:
        """The actor turns to face the target (Henry's head; a performer's facing)."""
        return self.spec.aims

    @property
    def downs_actor(self) -> bool:
        """The actor is down from ``t + duration`` on."""
        return self.spec.downs_actor


@dataclass(frozen=True)
class Zone:
    """A marked area: ``polygon`` is ``(x, z)`` metres (a rectangle becomes 4 points)."""

    id: int
    name: str
    kind: str  # one of ZONE_KINDS
    polygon: tuple[Vec2, ...]

    @property
    def hazardous(self) -> bool:
        return self.kind in HAZARD_ZONE_KINDS


@dataclass(frozen=True)
class Mark:
    """A point a beat may target without a body: a door, a window, where a sound comes
    from. ``position`` is ``(x, z)`` metres; a look aims ``height`` metres above the floor."""

    id: int
    name: str
    position: Vec2
    height: float = 1.5


@dataclass(frozen=True)
class Level:
    """A loaded, validated level. Never partly loaded: the loader returns this or raises.

    ``source`` is the map path as given; ``content_hash`` is the sha256 (hex) of the map
    and every external file it uses, so a take can tell if its level changed.
    ``performers`` keep the map's object order. ``width``/``depth`` are the map's extent in
    metres along x and z. ``floor_color`` is an optional per-cell floor tint taken from art
    layers (uint8 ``(rows, cols, 3)``), or None.
    """

    source: str
    content_hash: str
    settings: Settings
    walls: Walls
    henry: Actor
    performers: tuple[Actor, ...]
    beats: tuple[Beat, ...]  # sorted by (t, id)
    zones: tuple[Zone, ...] = ()
    paths: tuple[Path, ...] = ()
    floor_color: np.ndarray | None = None
    notices: tuple[str, ...] = ()  # non-fatal: ignored objects, scripted paths through walls
    width: float = field(default=0.0)
    depth: float = field(default=0.0)
    marks: tuple[Mark, ...] = ()  # in map order

    @cached_property
    def _marks(self) -> dict[int, Mark]:
        return {m.id: m for m in self.marks}

    def mark(self, object_id: int | None) -> Mark | None:
        """The mark with that Tiled object id, or None (an actor's id, or none)."""
        return self._marks.get(object_id)

    @cached_property
    def _performer_index(self) -> dict[int, int]:
        # Built once: the simulation and plan look performers up per beat (400 in the finale).
        return {p.id: i for i, p in enumerate(self.performers)}

    def actor(self, object_id: int) -> Actor:
        """Henry or the performer with that Tiled object id (KeyError if none)."""
        if object_id == self.henry.id:
            return self.henry
        return self.performers[self._performer_index[object_id]]

    def performer_index(self, object_id: int) -> int:
        """Index into ``performers`` of the performer with that object id (KeyError if none)."""
        return self._performer_index[object_id]

    def actor_name(self, object_id: int | None) -> str:
        """Report name of an actor's or a mark's id (Henry's object name or "Henry")."""
        if object_id is None:
            return ""
        if (m := self.mark(object_id)) is not None:
            return m.name
        a = self.actor(object_id)
        return a.name
