"""Write one export (``camera.usda``) on the second core while the main process does the rest.

Importing usd-core's ``pxr`` costs ~0.25 s of CPU and authoring 2 x 4320 time samples
another ~0.1 s: a fifth of the 1.8 s that ``previs replay --no-report`` may take for a
3-minute fight (the 100x-real-time target). :class:`ForkedWriter` forks a child at
start-up that loads the writer (the USD one: :func:`previs.export.usd.warm_up` imports
``pxr``) while the parent loads and simulates the level; the parent then hands it the
finished shot plan and goes on with the other exports.

The child runs the registered writer's own ``write(plan, path)`` on the very plan the
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

FORKED = "usd"
"""The registered export worth a second core (see the module doc for the numbers)."""


def _child(conn, name: str) -> None:  # pragma: no cover - runs in the forked child (covered via its output)
    # The parent's handlers came with the fork: the CLI's SIGTERM handler would raise in
    # here and print a traceback when close() terminates a child still importing pxr
    # (a loaded machine takes over close()'s 1 s). The parent owns Ctrl-C and clean-up.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        from . import export

        writer = export(name).writer
        warm_up = getattr(writer, "warm_up", None)
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
    plan, path = job
    try:
        writer.write(plan, path)
        conn.send(("ok", None))
    except PrevisError as e:
        conn.send(("error", e.problems))
    except Exception as e:  # never a traceback in the parent: one readable line
        conn.send(("error", [f"{path}: writing {export(name).file} failed ({type(e).__name__}: {e})."]))


class ForkedWriter:
    """A forked child that has loaded the writer of export ``name`` and waits for one plan."""

    def __init__(self, name: str = FORKED):
        self.name = name
        ctx = multiprocessing.get_context("fork")
        self._conn, child_conn = ctx.Pipe()
        self._proc = ctx.Process(target=_child, args=(child_conn, name), daemon=True, name=f"previs-{name}")
        self._proc.start()
        child_conn.close()
        self._submitted = False

    def submit(self, plan, path: str | os.PathLike) -> None:
        """Hand over the shot plan whose export goes to ``path`` (returns at once)."""
        from . import export

        reads = getattr(export(self.name).writer, "reads", None)  # only the part it writes from
        self._conn.send((plan if reads is None else reads(plan), os.fspath(path)))
        self._submitted = True

    def wait(self) -> None:
        """Wait for the child's answer; raise :class:`PrevisError` if it failed."""
        try:
            status, problems = self._conn.recv()
        except EOFError:
            raise PrevisError(f"the {self.name} writer process ended without an answer; re-run 'previs replay'.") from None
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
    (environment ``PREVIS_NO_FORK=1``)."""
    if os.environ.get("PREVIS_NO_FORK") or sys.platform == "win32" or not hasattr(os, "fork"):
        return None
    try:
        return ForkedWriter()
    except (OSError, ValueError):
        return None
