"""The animatic's per-frame CPU breakdown (what benchmarks/animatic.py prints for the real
run): every term measured, in worker processes too, and the terms no more than the CPU
the processes used."""

import pytest

from test_animatic import SIZE, fight

pytest.importorskip("av")

TERMS = ("pose", "submit", "rasterise", "readback", "burnin", "convert", "encode")


@pytest.mark.parametrize("workers", [1, 2])
def test_every_term_of_a_frame_is_timed_and_they_add_up_to_no_more_than_the_cpu(tmp_path, workers):
    from previs.animatic.chunks import Timings
    from previs.animatic.render import render_animatic

    lv, motion, plan = fight(duration=2.0)
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
