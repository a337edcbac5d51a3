"""Rehearsal motion in: a head-worn action camera's or phone's IMU log as a camera track.

``previs plan REHEARSAL`` plans real head motion as it plans any track (turn cuts, shots,
comfort, every export); ``--against LEVEL`` lines the rehearsal up with the plan
(:mod:`.align`). Pure and deterministic: numpy only, no pygame/OpenGL, no clock.

- :mod:`.imu` the in-memory log every reader returns (:class:`~.imu.ImuLog`: seconds,
  rad/s, m/s^2, the file's own timestamps) and its checks;
- readers, one per format: :mod:`.gcsv` (Gyroflow), :mod:`.sensor_logger` (Sensor Logger,
  Android/iOS), :mod:`.phyphox`, :mod:`.gopro` (GoPro MP4 with GPMF; needs the optional
  ``previs[rehearsal]`` extra, Gyroflow's ``telemetry-parser``), :mod:`.trackcsv` (previs's
  own track.csv); :mod:`.detect` picks the reader;
- :mod:`.imu_to_track` from IMU to head track; :mod:`.dtw` banded dynamic time warping;
  :mod:`.align` rehearsal against plan (``alignment.json``).

See docs/rehearsal.md.
"""

from __future__ import annotations

from .detect import read_rehearsal  # noqa: F401
