"""Shared fuzz settings for the fuzz modules: ``fuzz`` (hypothesis settings, bounded and
reproducible), ``examples`` and ``bounded`` (the 2 s CPU-time bound on one case).

Bounded for ``make test``: ``PREVIS_FUZZ_EXAMPLES`` cases per target (default 100),
derandomized (the same cases every run); ``PREVIS_FUZZ_SEED=N`` explores other cases."""

from __future__ import annotations

import os
import time

from hypothesis import HealthCheck, settings
from hypothesis import seed as hyp_seed

TIME_LIMIT = 2.0


def examples(scale: float = 1.0) -> int:
    """Cases per fuzz target: ``PREVIS_FUZZ_EXAMPLES`` (default 100) times ``scale``."""
    n = int(os.environ.get("PREVIS_FUZZ_EXAMPLES", "100") or 100)
    return max(1, int(n * scale))


def fuzz(scale: float = 1.0):
    """Decorator: hypothesis settings for one fuzz target (bounded, reproducible)."""
    seed_env = os.environ.get("PREVIS_FUZZ_SEED")
    s = settings(
        max_examples=examples(scale),
        # The 2 s bound is asserted on the process's CPU time by bounded() (a busy 2-core
        # machine makes wall-clock deadlines flaky); hypothesis' wall-clock deadline is off.
        deadline=None,
        derandomize=seed_env is None,
        database=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
                               HealthCheck.function_scoped_fixture],
    )

    def wrap(fn):
        fn = s(fn)
        if seed_env is not None:
            fn = hyp_seed(int(seed_env))(fn)
        return fn

    return wrap

def bounded(fn, *args, expected: tuple = (), limit: float = TIME_LIMIT):
    """``fn(*args)``, or the ``expected`` exception it raised (anything else propagates),
    asserting it took under ``limit`` seconds of this process's CPU time. A first run over
    the limit is run again, and the better of the two counts: the bound is on the work,
    not on what else a busy machine is doing."""
    for _ in range(2):
        t0 = time.process_time()
        try:
            out = fn(*args)
        except expected as e:
            out = e
        elapsed = time.process_time() - t0
        if elapsed < limit:
            return out
    raise AssertionError(f"{getattr(fn, '__name__', fn)} took {elapsed:.2f} s of CPU, over the {limit} s bound")
