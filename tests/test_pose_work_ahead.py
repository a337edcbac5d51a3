"""BodyPoses.work_ahead: the next block a stage per call, same bytes, no block on a frame."""

from __future__ import annotations

from posekit import duel
from previs.pose.evaluate import BLOCK, BodyPoses


def test_worked_ahead_block_is_the_same_bytes_and_takes_seven_calls():
    _, m, ref = duel("punch", 1.0)
    bp = BodyPoses(m)
    f = BLOCK + 3  # block 1; work_ahead builds block 2
    calls = 0
    while 2 not in bp._cache:
        bp.work_ahead(f)
        calls += 1
        assert calls <= 7
    assert calls == 7
    assert 1 not in bp._cache  # only the block after the asked frame's
    for g in range(2 * BLOCK, 3 * BLOCK):
        assert bp.at(g).world.tobytes() == ref.at(g).world.tobytes()


def test_playing_forward_with_work_ahead_never_evaluates_a_block_on_the_frame_asked():
    _, m, _ = duel("punch", 1.0)
    bp = BodyPoses(m)
    bp.at(0)  # a seek: the first block is evaluated on the spot
    whole = []
    orig = bp._block
    bp._block = lambda b: whole.append(b) or orig(b)
    for f in range(0, min(m.frames, 6 * BLOCK)):
        bp.at(f)
        bp.work_ahead(f)
    assert whole == []


def test_work_ahead_at_the_last_block_does_nothing():
    _, m, _ = duel("punch", 1.0)
    bp = BodyPoses(m)
    last = m.frames - 1
    bp.at(last)
    cached = dict(bp._cache)
    bp.work_ahead(last)
    assert bp._ahead is None and bp._cache.keys() == cached.keys()


def test_a_block_needed_before_work_ahead_finished_it_keeps_the_stages_run():
    _, m, ref = duel("punch", 1.0)
    bp = BodyPoses(m)
    for _ in range(3):
        bp.work_ahead(0)  # 3 of block 1's 7 stages
    stages = bp._ahead[1]
    ran = []
    orig = bp._block_stages
    bp._block_stages = lambda b: ran.append(b) or orig(b)
    assert bp.at(BLOCK).world.tobytes() == ref.at(BLOCK).world.tobytes()
    assert ran == [] and bp._ahead is None and stages.gi_frame is None  # finished, not restarted
