"""Shot planning: turn cuts, shots, in-view performers, safety and comfort findings.

Pure numpy (no pygame, OpenGL, OTIO or USD). One module per concern:

- :mod:`.cuts`       head-turn swings and turn cuts on any camera track
- :mod:`.timecode`   SMPTE timecode from ``start_tc`` (a façade over :mod:`previs.timebase`)
- :mod:`.shots`      shots between cuts, suggestions for over-long takes
- :mod:`.visibility` performers in the camera's frustum and not behind walls
- :mod:`.safety`     clearance between bodies, bodies in no-go / pyro zones
- :mod:`.safety_bodies` bodies lying on the floor, falls and throws off the crash mats,
  contact beats out of reach
- :mod:`.comfort`    yaw-speed comfort figures
- :mod:`.camera`     the camera's rotation matrices and field-of-view conversions
- :mod:`.shotplan`   :class:`ShotPlan`, :class:`PlanSettings` and :func:`build_plan`
"""

from .shotplan import PlanSettings, ShotPlan, build_plan

__all__ = ["PlanSettings", "ShotPlan", "build_plan"]
