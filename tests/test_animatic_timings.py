"""The animatic's per-frame CPU breakdown (what benchmarks/animatic.py prints for the real
run): every term measured, in worker processes too, and the terms no more than the CPU
the processes used."""

import pytest

from levelkit import beat, henry, level, performer, walls
from previs.plan.shotplan import PlanSettings, build_plan
from previs.sim.script import simulate

pytest.importorskip("av")

SIZE = (320, 180)

TERMS = ("pose", "submit", "rasterise", "readback", "burnin", "convert", "encode")


@pytest.mark.parametrize("workers", [1, 2])
def test_every_term_of_a_frame_is_timed_and_they_add_up_to_no_more_than_the_cpu(tmp_path, workers):
    from previs.animatic.chunks import Timings
    from previs.animatic.render import render_animatic

    # Two seconds: Henry turns to the Cook, who punches him (a cut, burn-ins, a posed body).
    lv = level(henry(position=(10.0, 10.0)), performers=[performer(2, "Cook", (8.8, 10.0))],
               beats=[beat(10, 0.5, 1, "look", 2), beat(11, 1.2, 2, "punch", 1)], walls_=walls(), fps=24,
               duration=2.0)
    motion = simulate(lv)
    plan = build_plan(motion.track, settings=PlanSettings.from_level(lv.settings), motion=motion)
    st = render_animatic(tmp_path / "a.mp4", level=lv, motion=motion, plan=plan, size=SIZE, progress=False,
                         workers=workers, chunk_seconds=1.0)
    t = Timings()
    t.add(st.timings)
    terms = t.cpu_terms()
    assert tuple(terms) == TERMS
    for k in TERMS:
        assert terms[k] > 0, k  # each step ran, and its thread's clock saw it
    assert sum(terms.values()) == pytest.approx(t.cpu_process)  # rasterise is the rest
    # The named threads' CPU cannot exceed the process's (they are part of it).
    assert sum(v for k, v in terms.items() if k != "rasterise") < t.cpu_process
    # Encoding 48 frames of 320x180 costs far less than a second of CPU.
    assert 0 < t.cpu_encode + t.cpu_convert < 1.0
