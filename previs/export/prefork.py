"""Write the heaviest exports on the second core while the main process does the rest.

Importing usd-core's ``pxr`` costs ~0.25 s of CPU and authoring 2 x 4320 time samples
another ~0.1 s: a fifth of the 1.8 s that ``previs replay --no-report`` may take for a
3-minute fight (the 100x-real-time target); OpenTimelineIO's Final Cut Pro 7 XML adapter
(``shotplan.xml``) builds and pretty-prints a DOM, 1.5 s of a 30-minute fight's 10 s.
:class:`ForkedWriter` forks a child at start-up that loads those writers (the USD one:
:func:`previs.export.usd.warm_up` imports ``pxr``) while the parent loads and simulates
the level; the parent then hands it the finished shot plan and goes on with the other
exports, and the child writes its files one after the other.

The child runs each registered writer's own ``write(plan, path)`` on the very plan the
parent built (sent over a pipe), so the bytes do not depend on which path ran; a writer
with a ``reads(plan)`` gets the plan cut down to what it reads (the USD one: the track and
the level facts, a third of the pickle). Where
``fork`` is not available (Windows, or a caller that opts out) :func:`start` returns None
and every export runs in-process as usual.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys

from ..errors import PrevisError

FORKED = ("usd", "fcp_xml")
"""The registered exports worth a second core, written in this order (see the module doc
for the numbers)."""

MAX_SENT_FINDINGS = 50_000
"""Safety findings in a whole plan sent to the child (:meth:`ForkedWriter.worth`): above,
that export is written in this process. Pickling costs ~12 µs a finding: 25 000 (a
generated 30-minute brawl) 0.3 s against 1.5 s for the file; 112 000 1.3 s against ~0.5 s."""


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
            if warm_up is not None:
                warm_up()  # the point: pay the heavy import now, while the parent simulates
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
        cut down by its writer's ``reads`` or from a plan small enough to send. The plan goes
        over a pipe as a pickle: a crowd's safety findings (112 000 in a 500-performer
        melee's minute) take 1.3 s to send, more than shotplan.xml takes to write here."""
        from . import export

        if name not in self.names:
            return False
        return (getattr(export(name).writer, "reads", None) is not None
                or len(plan.safety) <= MAX_SENT_FINDINGS)

    def submit(self, plan, paths: dict) -> None:
        """Hand over the shot plan and, for each export it writes (``name -> path``), where
        the file goes (returns at once)."""
        from . import export

        job = []
        for name in self.names:
            if name in paths:
                reads = getattr(export(name).writer, "reads", None)  # only the part it writes from
                job.append((name, plan if reads is None else reads(plan), os.fspath(paths[name])))
        self._conn.send(job)
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
