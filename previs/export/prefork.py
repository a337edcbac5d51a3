"""Write ``camera.usda`` on the second core while the main process does everything else.

Importing usd-core's ``pxr`` costs ~0.25 s of CPU and authoring 2 x 4320 time samples
another ~0.1 s: a fifth of the 1.8 s that ``previs replay --no-report`` may take for a
3-minute fight (the 100x-real-time target). :class:`UsdWriterProcess` forks a child at
start-up that imports ``pxr`` while the parent loads and simulates the level; the parent
then hands it the finished track and goes on with the shot plan and the other exports.

The child writes exactly what :func:`previs.export.usd.write` writes in-process (it *is*
that function), so the bytes do not depend on which path ran. Where ``fork`` is not
available (Windows, or a caller that opts out) :func:`start` returns None and the export
runs in-process as usual.
"""

from __future__ import annotations

import multiprocessing
import os
import sys

from ..errors import PrevisError


def _child(conn) -> None:  # pragma: no cover - runs in the forked child (covered via its output)
    try:
        from pxr import Usd, UsdGeom  # noqa: F401  (the point: pay the import now)

        from . import usd
    except Exception as e:  # report, do not die silently
        conn.send(("error", [f"cannot load usd-core ({e}); reinstall with 'make venv'."]))
        return
    try:
        job = conn.recv()
    except EOFError:  # the parent finished or died without a job
        return
    if job is None:
        return
    path, track, title = job
    try:
        usd.write(_Titled(title), path, track)
        conn.send(("ok", None))
    except PrevisError as e:
        conn.send(("error", e.problems))
    except Exception as e:  # never a traceback in the parent: one readable line
        conn.send(("error", [f"{path}: writing the USD camera failed ({type(e).__name__}: {e})."]))


class _Titled:
    def __init__(self, title: str):
        self.title = title


class UsdWriterProcess:
    """A forked child that has imported ``pxr`` and waits for one camera to write."""

    def __init__(self):
        ctx = multiprocessing.get_context("fork")
        self._conn, child_conn = ctx.Pipe()
        self._proc = ctx.Process(target=_child, args=(child_conn,), daemon=True, name="previs-usd")
        self._proc.start()
        child_conn.close()
        self._submitted = False

    def submit(self, path: str | os.PathLike, track, title: str) -> None:
        """Hand over the camera to write to ``path`` (returns at once)."""
        self._conn.send((os.fspath(path), track, title))
        self._submitted = True

    def wait(self) -> None:
        """Wait for the child's answer; raise :class:`PrevisError` if it failed."""
        try:
            status, problems = self._conn.recv()
        except EOFError:
            raise PrevisError("the USD writer process ended without an answer; re-run 'previs replay'.") from None
        finally:
            self._proc.join(timeout=5)
        if status != "ok":
            raise PrevisError(problems)

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


def start() -> UsdWriterProcess | None:
    """Start the USD writer child, or None where ``fork`` is unavailable or disabled
    (environment ``PREVIS_NO_FORK=1``)."""
    if os.environ.get("PREVIS_NO_FORK") or sys.platform == "win32" or not hasattr(os, "fork"):
        return None
    try:
        return UsdWriterProcess()
    except (OSError, ValueError):
        return None
