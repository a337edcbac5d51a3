"""Write the heaviest exports on the second core while the main process does the rest.

Importing usd-core's ``pxr`` costs ~0.25 s of CPU and authoring 2 x 4320 time samples
another ~0.1 s: a fifth of the 1.8 s that ``previs replay --no-report`` may take for a
3-minute fight (the 100x-real-time target); OpenTimelineIO's Final Cut Pro 7 XML adapter
(``shotplan.xml``) builds and pretty-prints a DOM, 1.5 s of a 30-minute fight's 10 s.
:class:`ForkedWriter` forks a child at start-up that loads those writers (the USD one:
:func:`previs.export.usd.warm_up` imports ``pxr``; the XML one only when it is sent a plan) while the parent loads and simulates
the level; the parent then hands it the finished shot plan and goes on with the other
exports, and the child writes its files one after the other.

The child runs each registered writer's own ``write(plan, path)`` on the very plan the
parent built (sent over a pipe), so the bytes do not depend on which path ran; a writer
with a ``reads(plan)`` gets the plan cut down to what it reads (the USD one: the track and
the level facts, a third of the pickle). The rest of a plan goes as a parcel
(:func:`parcel`): its safety findings and continuity poses, tens of thousands of small
dataclasses, travel as columns of their fields and are rebuilt equal in the child (a
1000-performer battle's 21 000 findings and 48 000 poses: 0.39 s of pickling and
unpickling one object at a time, 0.21 s so), and only up to :data:`MAX_SENT_FINDINGS` of
them: a crowd's shotplan.xml costs less CPU written here than sent. Where
``fork`` is not available (Windows, or a caller that opts out) :func:`start` returns None
and every export runs in-process as usual.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import signal
import sys
from collections import deque
from functools import lru_cache
from itertools import groupby, repeat
from operator import attrgetter
from types import MemberDescriptorType

from ..errors import PrevisError

FORKED = ("usd", "fcp_xml")
"""The registered exports worth a second core, written in this order (see the module doc
for the numbers)."""

MAX_SENT_FINDINGS = 20_000
"""Safety findings and continuity poses (the records :func:`parcel` packs) in a whole plan
sent to the child (:meth:`ForkedWriter.worth`): above, that export is written in this
process. Sending saves wall time but costs CPU on both ends, ~2.5 µs a record packed:
the finale's 7 000 records ~20 ms against ~30 ms for its shotplan.xml; a 1000-performer
battle's 21 000 findings and 48 000 poses 0.21 s against 0.15 s for the file written here
(one object at a time it was ~12 µs a finding: 0.39 s)."""


@lru_cache(maxsize=None)
def _fields(cls) -> tuple[str, ...] | None:
    """The field names of dataclass ``cls`` when its instances can be rebuilt field by
    field as pickle rebuilds an object (``object.__new__``, then each field's value set
    into its slot or the instance dict, no ``__init__``): every field a slot and no
    instance dict, or no slot at all; else None."""
    if not dataclasses.is_dataclass(cls) or cls.__new__ is not object.__new__:
        return None
    names = tuple(f.name for f in dataclasses.fields(cls))
    slots = [isinstance(getattr(cls, n, None), MemberDescriptorType) for n in names]
    if (all(slots) and cls.__dictoffset__ == 0) or (not any(slots) and cls.__dictoffset__ != 0
                                                    and not hasattr(cls, "__slots__")):
        return names
    return None


def _columns(objs) -> list:
    """``objs`` as runs of one type: ``(cls, [column of each field])`` for a run of a
    dataclass :func:`_fields` can rebuild (whose instances hold nothing but their fields),
    ``(None, [the objects])`` for the rest."""
    runs = []
    for cls, run in groupby(objs, key=type):
        run = list(run)
        names = _fields(cls)
        if names is not None and cls.__dictoffset__ and set(map(len, map(vars, run))) != {len(names)}:
            names = None  # something besides the fields in an instance dict (a cached value)
        if names is None:
            runs.append((None, run))
        else:
            runs.append((cls, [list(map(attrgetter(n), run)) for n in names]))
    return runs


def _rows(runs) -> tuple:
    """The objects :func:`_columns` took apart, rebuilt equal, in their order: a column at
    a time, every call in C (48 000 frozen poses through ``__init__`` took 0.1 s)."""
    out: list = []
    for cls, cols in runs:
        if cls is None:
            out.extend(cols)
            continue
        names = _fields(cls)
        objs = list(map(object.__new__, repeat(cls, len(cols[0]) if cols else 0)))
        if names and isinstance(getattr(cls, names[0], None), MemberDescriptorType):
            for name, col in zip(names, cols):
                deque(map(getattr(cls, name).__set__, objs, col), maxlen=0)
        else:
            dicts = list(map(vars, objs))
            for name, col in zip(names, cols):
                deque(map(dict.__setitem__, dicts, repeat(name), col), maxlen=0)
        out.extend(objs)
    return tuple(out)


def _unparcel(plan, safety, performers):
    """The plan :func:`parcel` packed: its findings and every cut's continuity poses back."""
    cuts = tuple(dataclasses.replace(c, continuity=dataclasses.replace(c.continuity, performers=_rows(p)))
                 for c, p in zip(plan.cuts, performers))
    return dataclasses.replace(plan, safety=_rows(safety), cuts=cuts)


class _Parcel:
    """A shot plan that pickles as :func:`parcel` says."""

    def __init__(self, plan):
        self.plan = plan

    def __reduce__(self):
        plan = self.plan
        bare = tuple(dataclasses.replace(c, continuity=dataclasses.replace(c.continuity, performers=()))
                     for c in plan.cuts)
        return (_unparcel, (dataclasses.replace(plan, safety=(), cuts=bare), _columns(plan.safety),
                            [_columns(c.continuity.performers) for c in plan.cuts]))


def sent_records(plan) -> int:
    """The records :func:`parcel` packs: the plan's safety findings and continuity poses."""
    return len(plan.safety) + sum(len(c.continuity.performers) for c in plan.cuts)


def parcel(plan):
    """``plan`` as it goes to the child: pickled, it is the plan with its safety findings
    and continuity poses as columns of their fields (:func:`_columns`), and unpickles as a
    plan equal to it (every finding and pose rebuilt with the same values)."""
    return _Parcel(plan)


def job(plan, paths: dict, names=FORKED) -> list:
    """What :meth:`ForkedWriter.submit` sends: ``(name, plan, path)`` for each export of
    ``names`` in ``paths`` (``name -> path``), the plan cut down by the writer's ``reads``,
    else the whole plan as a :func:`parcel`."""
    from . import export

    out = []
    for name in names:
        if name in paths:
            reads = getattr(export(name).writer, "reads", None)  # only the part it writes from
            out.append((name, parcel(plan) if reads is None else reads(plan), os.fspath(paths[name])))
    return out


def _child(conn, names: tuple[str, ...]) -> None:  # pragma: no cover - runs in the forked child (covered via its output)
    # The parent's handlers came with the fork: the CLI's SIGTERM handler would raise in
    # here and print a traceback when close() terminates a child still importing pxr
    # (a loaded machine takes over close()'s 1 s). The parent owns Ctrl-C and clean-up.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    writers = {}
    name = names[0]  # named in the message if even the import fails
    try:
        from . import export

        for name in names:
            writers[name] = export(name).writer
            warm_up = getattr(writers[name], "warm_up", None)
            # The point: pay the heavy import now, while the parent simulates; but only for
            # a writer that is always sent its part (``reads``): a crowd's shotplan.xml is
            # written in the parent (MAX_SENT_FINDINGS), and importing OpenTimelineIO here
            # for nothing cost ~0.1 s of CPU. Its write imports it when it comes.
            if warm_up is not None and getattr(writers[name], "reads", None) is not None:
                warm_up()
    except Exception as e:  # report, do not die silently
        conn.send(("error", [f"cannot load the {name} writer ({e}); reinstall with 'make venv'."]))
        return
    try:
        job = conn.recv()
    except EOFError:  # the parent finished or died without a job
        return
    if job is None:
        return
    for name, plan, path in job:
        try:
            writers[name].write(plan, path)
        except PrevisError as e:
            conn.send(("error", e.problems))
            return
        except Exception as e:  # never a traceback in the parent: one readable line
            conn.send(("error", [f"{path}: writing {export(name).file} failed ({type(e).__name__}: {e})."]))
            return
    conn.send(("ok", None))


class ForkedWriter:
    """A forked child that has loaded the writers of exports ``names`` and waits for one plan."""

    def __init__(self, *names: str):
        self.names = tuple(names) or FORKED
        ctx = multiprocessing.get_context("fork")
        self._conn, child_conn = ctx.Pipe()
        self._proc = ctx.Process(target=_child, args=(child_conn, self.names), daemon=True, name="previs-exports")
        self._proc.start()
        child_conn.close()
        self._submitted = False

    @property
    def name(self) -> str:
        """The exports it writes, for messages (``usd, fcp_xml``)."""
        return ", ".join(self.names)

    def worth(self, plan, name: str) -> bool:
        """Whether export ``name`` of ``plan`` goes to the child: one it writes, and either
        cut down by its writer's ``reads`` or from a plan small enough to send
        (:data:`MAX_SENT_FINDINGS`): a crowd's findings and poses cost more CPU to send than
        shotplan.xml costs to write here."""
        from . import export

        if name not in self.names:
            return False
        return (getattr(export(name).writer, "reads", None) is not None
                or sent_records(plan) <= MAX_SENT_FINDINGS)

    def submit(self, plan, paths: dict) -> None:
        """Hand over the shot plan and, for each export it writes (``name -> path``), where
        the file goes (returns at once)."""
        self._conn.send(job(plan, paths, self.names))
        self._submitted = True

    def wait(self) -> None:
        """Wait for the child's answer; raise :class:`PrevisError` if it failed."""
        try:
            status, problems = self._conn.recv()
        except EOFError:
            raise PrevisError(f"the writer process of {self.name} ended without an answer; re-run 'previs replay'.") from None
        finally:
            self._proc.join(timeout=5)
        if status != "ok":
            raise PrevisError(problems)

    def stop(self) -> None:
        """End the child now, whatever it is doing (its output is being discarded), and
        wait until it is gone, so it writes nothing more."""
        if self._proc.is_alive():
            self._proc.terminate()
        self._proc.join(timeout=5)

    def close(self) -> None:
        """End the child if it is still waiting (e.g. the replay failed before exports)."""
        if self._proc.is_alive():
            if not self._submitted:
                try:
                    self._conn.send(None)
                except OSError:
                    pass
            self._proc.join(timeout=1)
            if self._proc.is_alive():
                self._proc.terminate()
        self._conn.close()


def start() -> ForkedWriter | None:
    """Start the :data:`FORKED` writer's child, or None where ``fork`` is unavailable or disabled
    (environment ``PREVIS_NO_FORK=1``), or where this process has already run USD (its
    thread pool would be forked without its threads)."""
    if os.environ.get("PREVIS_NO_FORK") or sys.platform == "win32" or not hasattr(os, "fork"):
        return None
    if "pxr" in sys.modules:
        # USD already ran here and started its thread pool (TBB): a child forked now
        # inherits its locks without its threads and can hang in Usd.Stage.CreateInMemory
        # (seen in the test suite, where one process replays many levels). The CLI forks
        # at start-up, before anything imports pxr.
        return None
    try:
        return ForkedWriter(*FORKED)
    except (OSError, ValueError):
        return None
