"""A worker process of a parallel animatic: ``python -m previs.animatic.worker JOB``.

Started by :func:`previs.animatic.render.render_animatic` (one per worker, in a new
session so a Ctrl-C at the terminal reaches only the parent, which stops the workers
itself). ``JOB`` is a pickled :class:`~previs.animatic.chunks.ChunkJob` the parent
wrote into the private chunk folder. The worker opens its own hidden GL context, then
draws and encodes the chunks the parent hands it, one at a time, so the work shares out
evenly however uneven the chunks are.

Protocol, one line each (UTF-8):

- parent -> worker (stdin): ``chunk INDEX START STOP`` (frames ``[START, STOP)`` into
  ``chunk_name(INDEX)`` in the folder of ``JOB``; no path crosses the pipe, so no file
  name can break a line) or ``stop``;
- worker -> parent (its original stdout; anything else printed goes to stderr):
  ``ready``; ``f`` per frame queued for encoding; ``alive`` every
  :data:`HEARTBEAT_SECONDS` while the process is using CPU (a slow encoder flushing a
  chunk says nothing else for minutes; a hung or stopped worker uses no CPU, so falls
  silent); ``done INDEX``; ``timings JSON`` just before a clean exit; ``error KIND<TAB>
  MESSAGE`` and exit status 1 on failure, KIND being ``previs`` (a user-facing
  PrevisError), ``interrupt``, or ``internal`` (a bug: MESSAGE is ``Type: text``, and with
  ``PREVIS_DEBUG=1`` the traceback goes to stderr).
"""

from __future__ import annotations

import json
import os
import pickle
import signal
import sys
import threading
import time
import traceback

from ..errors import PrevisError

HEARTBEAT_SECONDS = float(os.environ.get("PREVIS_HEARTBEAT_SECONDS", "5"))
"""Seconds between ``alive`` lines (the environment variable is for tests)."""


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # The protocol gets the real stdout; stray prints (pygame, drivers) go to stderr.
    proto = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    lock = threading.Lock()
    finished = threading.Event()

    def say(line: str) -> None:
        with lock:
            proto.write(line + "\n")

    def heartbeat() -> None:
        cpu = time.process_time()
        while not finished.wait(HEARTBEAT_SECONDS):
            now = time.process_time()
            if now > cpu:
                try:
                    say("alive")
                except OSError:
                    return
            cpu = now

    threading.Thread(target=heartbeat, name="previs-heartbeat", daemon=True).start()
    try:
        from .render import animatic_renderer
        from .chunks import Timings, chunk_name, new_body_poses, new_burnin, render_chunk

        folder = os.path.dirname(os.path.abspath(argv[0]))
        with open(argv[0], "rb") as fh:
            job = pickle.load(fh)
        timings = Timings()
        with animatic_renderer(job.level, job.size) as renderer:
            burn = new_burnin(job)
            bodies = new_body_poses(job)
            say("ready")
            for line in sys.stdin:
                words = line.split()
                if not words or words[0] == "stop":
                    break
                if words[0] != "chunk" or len(words) != 4:
                    raise ValueError(f"unexpected command {line.strip()!r}")
                index, start, stop = (int(v) for v in words[1:4])
                render_chunk(renderer, job, start, stop, os.path.join(folder, chunk_name(index)), burn=burn,
                             bodies=bodies, on_frame=lambda: say("f"), timings=timings)
                say(f"done {index}")
        say("timings " + json.dumps(timings.as_dict()))
        return 0
    except BaseException as e:  # noqa: BLE001 - reported to the parent, which explains it
        if isinstance(e, KeyboardInterrupt):
            kind, msg = "interrupt", "interrupted"
        elif isinstance(e, PrevisError):
            kind, msg = "previs", " ".join(str(e).split())
        else:
            kind, msg = "internal", f"{type(e).__name__}: {' '.join(str(e).split())}"
            if os.environ.get("PREVIS_DEBUG"):
                traceback.print_exc()
        try:
            say(f"error {kind}\t{msg}")
        except OSError:
            pass
        return 1
    finally:
        finished.set()
        try:
            proto.flush()
        except OSError:
            pass


if __name__ == "__main__":
    raise SystemExit(main())
