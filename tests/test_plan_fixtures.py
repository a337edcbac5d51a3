"""Sanity checks of the synthetic track, level and motion builders in ``plankit.py``."""

import numpy as np

from plankit import EYE, crowd, make_track


# -- the builders themselves --------------------------------------------------------------

def test_make_track_shapes():
    tr = make_track(np.zeros(48))
    assert len(tr) == 48 and tr.fps == 24.0 and np.all(tr.pos[:, 1] == EYE)


def test_make_motion_and_crowd():
    level, motion = crowd(frames=240, performers=10)
    assert motion.perf_xz.shape == (240, 10, 2)
    assert motion.frames == 240 and len(level.performers) == 10
