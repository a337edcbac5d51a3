"""What Henry's own eyes see of the fight: his guard through his clips, and strikers that
stay out of his lens (issue 13, judged frame by frame on the corridor animatic)."""

from __future__ import annotations

import numpy as np

import levelkit as lk
from posekit import HENRY
from previs.pose.evaluate import BodyPoses
from previs.pose.limbs import fist
from previs.pose.skeleton import HEAD_POINT, INDEX, point_in
from previs.sim.script import simulate


def test_henrys_free_fist_keeps_his_own_guard_through_his_punch():
    # The punch clip is keyed from the performers' guard (fists 22 cm from the eye); on
    # Henry the left (free) fist must stay in his guard, 39 cm ahead of the eye.
    a = lk.performer(2, "A", (10.0, 17.0))
    level = lk.level(lk.henry(position=(10.0, 18.0)), [a],
                     beats=[lk.beat(9, 0.5, HENRY, "look", 2), lk.beat(10, 2.0, HENRY, "punch", 2)], duration=4.0)
    m = simulate(level)
    bp = BodyPoses(m)
    clip = bp.lib.get("punch")
    for f in range(bp.tb.frame_at(2.0 - clip.contact_time), bp.tb.frame_at(2.0) + 1):
        left = fist(bp.at(f).world[1:2], "l_hand")[0]
        assert 0.33 < np.linalg.norm(left - m.track.pos[f]) < 0.45, f


def test_a_striker_still_walking_in_after_contact_stays_at_reach():
    # Goon walks at Henry and hits him at 1.5 s while still 1.6 m away; his path goes on
    # to 0.9 m from Henry. The step in must not add to the walk: his head stays at least
    # 0.4 m from the lens (it went to 0.11 m in the corridor's 9.0 s hit; 0.58 m with the
    # lens at the eye, 0.44 m on the mouth mount, 0.16 m ahead of his neck).
    g = lk.performer(2, "Goon", (10.0, 14.3), path=lk.path(20, (10.0, 14.3), (10.0, 17.1)), speed=1.4)
    level = lk.level(lk.henry(position=(10.0, 18.0)), [g],
                     beats=[lk.beat(9, 0.2, HENRY, "look", 2), lk.beat(10, 1.5, 2, "hit", HENRY)], duration=5.0)
    m = simulate(level)
    bp = BodyPoses(m)
    near = min(np.linalg.norm(point_in(bp.at(f).world[0:1], INDEX["head"], HEAD_POINT)[0] - m.track.pos[f])
               for f in range(m.frames))
    assert near > 0.4
