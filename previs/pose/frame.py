"""What every body looks like at one frame: the pose layer's answer, the renderer's input.

:class:`FramePoses` is to bodies what :class:`~previs.sim.motion.FrameState` is to the
camera: the core computes it (numpy, deterministic), the window, stills, animatic and
report only draw it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True, eq=False)
class FramePoses:
    """Posed bodies and held props at one frame.

    - ``world`` (A, J, 4, 4) float64: joint matrices from
      :func:`~previs.pose.skeleton.forward_kinematics` (scale included). Rows ``0 .. P-1``
      are ``level.performers`` in order; row ``P`` (the last) is Henry.
    - ``prop_names`` (K,): the kind of each prop in view (a key of
      :data:`~previs.pose.props.PROPS`).
    - ``prop_world`` (K, 4, 4) float64: each prop's frame in world metres (origin at the
      grip, the prop's long axis along its local -Z; see :mod:`previs.pose.props`).
    - ``rows`` (R,) int or None: which bodies ``world`` holds when it holds some only
      (ascending global rows, Henry's ``P`` last; :meth:`~previs.pose.evaluate.BodyPoses.rows_at`,
      for a renderer that culls before posing); None: all of them, in order.
    """

    world: np.ndarray
    prop_names: tuple[str, ...] = ()
    prop_world: np.ndarray = field(default_factory=lambda: np.zeros((0, 4, 4)))
    rows: np.ndarray | None = None

    @property
    def henry(self) -> int:
        """Row of Henry in ``world``."""
        return self.world.shape[0] - 1
