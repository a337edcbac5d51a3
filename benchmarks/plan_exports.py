"""Plan building and export cost of a crowd: what ``previs replay`` spends after the fight is simulated.

Two plans:

- **spread 1000**: a generated 1000-performer, 3-minute battle at 24 fps
  (``tools/make_battle.py --layout spread``, ~21 000 safety findings), simulated once;
- **1 M findings**: the same plan with its safety findings replaced by 1 000 000
  synthetic clearance findings (random pairs of its cast, random frames, sorted as
  ``build_plan`` sorts them): the size of a 1000-performer melee's
  (``--layout dense``: 1.3 million), without the ~100 s it takes to simulate one.

For each, CPU seconds (``time.process_time``, best of ``--repeat``) of: ``build_plan``
without the clearance check (that one is timed on its own: it is previs/plan/safety.py's),
the visibility part of it, every writer of ``previs.export.EXPORTS`` run in this process
(as ``PREVIS_NO_FORK=1`` runs them), the pickle that :mod:`previs.export.prefork` sends the
forked writer (and its unpickling in the child), and the whole ``write_outputs`` with and
without the fork (this process's CPU only). The 1 M plan's writers print microseconds per
finding (target: about 1).

    .venv/bin/python benchmarks/plan_exports.py              # both plans
    .venv/bin/python benchmarks/plan_exports.py --findings 0 # spread 1000 only
"""

from __future__ import annotations

import argparse
import dataclasses
import pickle
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from make_battle import battle  # noqa: E402

from previs import pipeline  # noqa: E402
from previs.export import EXPORTS, prefork, write_outputs  # noqa: E402
from previs.plan import shotplan as _shotplan  # noqa: E402
from previs.plan.safety import ClearanceFinding, clearance_findings  # noqa: E402


def cpu(fn, repeat: int) -> float:
    """Best CPU seconds of ``repeat`` calls of ``fn``."""
    best = float("inf")
    for _ in range(repeat):
        t = time.process_time()
        fn()
        best = min(best, time.process_time() - t)
    return best


def synthetic_findings(plan, n: int, seed: int = 1) -> tuple:
    """``n`` clearance findings between random pairs of the plan's cast on random frames,
    in ``build_plan``'s order (frame, kind, who)."""
    rnd = random.Random(seed)
    names = [name for name, _ in plan.cast]
    tb = plan.time_base
    out = []
    for _ in range(n):
        a, b = rnd.sample(names, 2)
        f = rnd.randrange(plan.frames)
        out.append(ClearanceFinding(who=(a, b) if a <= b else (b, a), frame=f, time=round(tb.time_of(f), 3),
                                    distance=round(rnd.uniform(-0.6, 0.5), 2)))
    out.sort(key=lambda s: (s.frame, s.kind, s.who))
    return tuple(out)


def sent_to_child(plan) -> bytes:
    """The pickle :meth:`previs.export.prefork.ForkedWriter.submit` would send for ``plan``
    if the plan were small enough to send whole (``prefork.MAX_SENT_FINDINGS``)."""
    job = getattr(prefork, "job", None)
    paths = {name: f"/x/{name}" for name in prefork.FORKED}
    if job is not None:
        return pickle.dumps(job(plan, paths), protocol=pickle.HIGHEST_PROTOCOL)
    from previs.export import export  # before issue 20: the plan itself, or what ``reads`` keeps

    items = []
    for name in prefork.FORKED:
        reads = getattr(export(name).writer, "reads", None)
        if reads is None and len(plan.safety) > prefork.MAX_SENT_FINDINGS:
            continue
        items.append((name, plan if reads is None else reads(plan), paths[name]))
    return pickle.dumps(items, protocol=pickle.HIGHEST_PROTOCOL)


def writers(plan, repeat: int, per: int = 0) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for e in EXPORTS:
            if hasattr(e.writer, "warm_up"):
                e.writer.warm_up()  # the import is paid once, not per plan
            s = cpu(lambda: e.writer.write(plan, Path(tmp) / e.file), repeat)
            extra = f"  {1e6 * s / per:6.2f} us/finding" if per else ""
            print(f"  {e.file:<16} {s:7.3f} s{extra}")
        blob = sent_to_child(plan)
        s = cpu(lambda: sent_to_child(plan), repeat)
        u = cpu(lambda: pickle.loads(blob), repeat)
        extra = f"  {1e6 * (s + u) / per:6.2f} us/finding" if per else ""
        records = getattr(prefork, "sent_records", lambda p: len(p.safety))(plan)  # before issue 20: findings
        sent = "sent" if records <= prefork.MAX_SENT_FINDINGS else "not sent: xml written here"
        print(f"  {'to the fork':<16} {s:7.3f} s pickle + {u:.3f} s unpickle, {len(blob) / 1e6:.1f} MB ({sent}){extra}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--performers", type=int, default=1000)
    ap.add_argument("--seconds", type=float, default=180.0)
    ap.add_argument("--findings", type=int, default=1_000_000, help="synthetic findings of the big plan (0: skip)")
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    forked = prefork.start()  # before anything here imports pxr, as the CLI does
    with tempfile.TemporaryDirectory() as tmp:
        path = battle(Path(tmp) / "spread.tmx", performers=a.performers, layout="spread", seconds=a.seconds)
        level = pipeline.load(path)
        motion = pipeline.replay(level)
        found = []
        t_clear = cpu(lambda: found.append(clearance_findings(level, motion, level.settings.safety_distance)),
                      a.repeat)
        real = _shotplan.clearance_findings
        _shotplan.clearance_findings = lambda *args, **kw: found[0]  # its own time is t_clear
        try:
            plans = []
            t_plan = cpu(lambda: plans.append(pipeline.plan(motion)), a.repeat)
        finally:
            _shotplan.clearance_findings = real
        plan = plans[0]
        from previs.plan.visibility import visible_frames

        t_vis = cpu(lambda: visible_frames(level, motion), a.repeat)
        print(f"spread {a.performers}, {a.seconds:g} s: {plan.frames} frames, {len(plan.safety)} safety findings, "
              f"{len(plan.shots)} shots")
        print(f"  clearance check  {t_clear:7.3f} s  (previs/plan/safety.py, not counted below)")
        print(f"  build_plan       {t_plan:7.3f} s  without the clearance check; of it visible_frames {t_vis:.3f} s")
        writers(plan, a.repeat)
        with tempfile.TemporaryDirectory() as out:
            t_all = cpu(lambda: write_outputs(out, plan), a.repeat)
            if forked is not None:
                sent = "shotplan.xml and camera.usda" if forked.worth(plan, "fcp_xml") else "camera.usda"
                t = time.process_time()
                write_outputs(out, plan, forked=forked)
                t_fork = time.process_time() - t
                forked.close()
                print(f"  write_outputs    {t_all:7.3f} s in process; {t_fork:.3f} s of this process with the fork "
                      f"writing {sent}")
            else:
                print(f"  write_outputs    {t_all:7.3f} s in process (no fork here)")
        if a.findings:
            big = dataclasses.replace(plan, safety=synthetic_findings(plan, a.findings))
            n = len(big.safety)
            print(f"\n{n} synthetic clearance findings on the same plan:")
            writers(big, 1, per=n)


if __name__ == "__main__":
    main()
