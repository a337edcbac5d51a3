"""A worker process of a parallel animatic: ``python -m previs.render.animatic_worker JOB``.

Started by :func:`previs.render.animatic.render_animatic` (one per worker, in a new
session so a Ctrl-C at the terminal reaches only the parent, which stops the workers
itself). ``JOB`` is a pickled :class:`~previs.render.animatic_chunks.ChunkJob` the parent
wrote into the private chunk folder. The worker opens its own hidden GL context, then
draws and encodes the chunks the parent hands it, one at a time, so the work shares out
evenly however uneven the chunks are.

Protocol, one line each (UTF-8):

- parent -> worker (stdin): ``chunk INDEX START STOP PATH`` (frames ``[START, STOP)``
  into the MP4 ``PATH``) or ``stop``;
- worker -> parent (its original stdout; anything else printed goes to stderr):
  ``ready``; ``f`` per frame queued for encoding; ``done INDEX``; ``timings JSON`` just
  before a clean exit; ``error KIND<TAB>MESSAGE`` and exit status 1 on failure.
"""

from __future__ import annotations

import json
import os
import pickle
import signal
import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # The protocol gets the real stdout; stray prints (pygame, drivers) go to stderr.
    proto = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop

    def say(line: str) -> None:
        proto.write(line + "\n")

    try:
        from .animatic import OffscreenRenderer
        from .animatic_chunks import Timings, new_burnin, render_chunk

        with open(argv[0], "rb") as fh:
            job = pickle.load(fh)
        timings = Timings()
        with OffscreenRenderer(job.level, job.size, targets=2) as renderer:
            burn = new_burnin(job)
            say("ready")
            for line in sys.stdin:
                words = line.split(maxsplit=4)
                if not words or words[0] == "stop":
                    break
                if words[0] != "chunk" or len(words) != 5:
                    raise ValueError(f"unexpected command {line.strip()!r}")
                index, start, stop = (int(v) for v in words[1:4])
                render_chunk(renderer, job, start, stop, words[4].rstrip("\n"), burn=burn,
                             on_frame=lambda: say("f"), timings=timings)
                say(f"done {index}")
        say("timings " + json.dumps(timings.as_dict()))
        proto.flush()
        return 0
    except BaseException as e:  # noqa: BLE001 - reported to the parent, which explains it
        kind = type(e).__name__
        msg = " ".join(str(e).split()) or kind
        try:
            say(f"error {kind}\t{msg}")
            proto.flush()
        except OSError:
            pass
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
