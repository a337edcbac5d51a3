"""Everything previs prints to a terminal passes through here, so that text from a file
(a level title, a performer's name, a take header, an expectation file, a path) can
neither send escape codes to the terminal nor make one line look like two.

:func:`printable` shows every character that is not printable as its Python escape, so
the reader sees what is in the file: C0 controls and DEL (``\\x1b``, ``\\r``, ``\\x07``,
``\\x7f``), C1 controls (``\\x9b``, an 8-bit CSI), bidirectional overrides and isolates
(``\\u202e``, ``\\u2066``), zero-width and other format characters (``\\u200b``), line
and paragraph separators (``\\u2028``) and unassigned code points: exactly the
characters for which ``str.isprintable()`` is false (the rule ``previs check`` already
applies to level names). A backslash is printable and stays as it is.

:class:`TerminalStream` wraps ``sys.stdout``/``sys.stderr`` for the whole of a ``previs``
command (:func:`previs.cli.main`): each write is passed through :func:`printable`,
keeping newlines and tabs (previs's own multi-line output, e.g. ``previs test``'s
report). A newline inside one problem or warning is escaped where that line is printed
(``one_line``). The progress bar's own redraw (carriage return, erase line) goes through
:meth:`TerminalStream.redraw_line`, the one control sequence previs sends on purpose.
"""

from __future__ import annotations

ERASE_LINE = "\r\x1b[2K"
"""Carriage return + CSI 2K: what :meth:`TerminalStream.redraw_line` sends before a line."""


def printable(text: str, *, keep: str = "") -> str:
    """``text`` with every non-printable character except those in ``keep`` shown as its
    escape (``\\x1b``, ``\\u202e``, ``\\n``)."""
    if text.isprintable():
        return text  # the usual case: no copy
    return "".join(ch if ch.isprintable() or ch in keep else repr(ch)[1:-1] for ch in text)


def one_line(text: str) -> str:
    """``text`` as a single terminal line: newlines escaped too."""
    return printable(text)


class TerminalStream:
    """A text stream that writes through :func:`printable` (newlines and tabs kept);
    everything else (``isatty``, ``flush``, ``fileno``, ``encoding``) is the wrapped
    stream's."""

    def __init__(self, raw):
        self.raw = raw

    def write(self, text: str) -> int:
        self.raw.write(printable(text, keep="\n\t"))
        return len(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def redraw_line(self, text: str) -> None:
        """Overwrite the current terminal line with ``text`` (one line, escaped)."""
        self.raw.write(ERASE_LINE + one_line(text))

    def __getattr__(self, name):
        return getattr(self.raw, name)


def warner(command: str):
    """``warn(sentence)`` for ``previs COMMAND``: prints ``previs COMMAND: warning: ...`` on
    stderr as one line (a newline from a file shown as ``\\n``)."""
    import sys

    def warn(sentence: str) -> None:
        print(f"previs {command}: warning: {one_line(sentence)}", file=sys.stderr)

    return warn
