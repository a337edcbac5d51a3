"""Collecting every problem with a level, each a sentence a user can act on.

A :class:`Problems` gathers errors (the level is refused) and notices (warnings: the level
loads). Each message reads ``<file>: <where>: <what>; <fix>.``, for example
``levels/roof.tmx: object 12 'Goon 3' (performer): path points to object 99, which does
not exist; pick a path object in Tiled's object picker.``
"""

from __future__ import annotations

from ..terminal import printable  # the one escaping rule (cmd_check and plan.schedule import it from here)

from ..errors import LevelError
from .limits import MAX_PROBLEMS


def describe(obj_id: int, name: str, kind: str) -> str:
    """``object 12 'Goon 3' (performer)``: how every message names an object (a name or
    kind over 60 characters is cut, so one line stays one readable line)."""
    name = name if len(name) <= 60 else f"{name[:57]}..."
    kind = kind if len(kind) <= 60 else f"{kind[:57]}..."
    return f"object {obj_id} '{name}' ({kind or 'no type'})"


def _sentence(file: str, where: str | None, what: str, fix: str | None) -> str:
    msg = f"{file}: " + (f"{where}: " if where else "") + what
    if fix:
        msg += f"; {fix}"
    msg = printable(msg)
    return msg if msg.endswith((".", "?", "!")) else msg + "."


class Notice(str):
    """A warning's sentence (it is a ``str``) and its ``cause``: ``(finding kind, beat id)``
    when a plan's safety finding of that kind for that beat reports the same cause
    (``("reach", 3)``: a contact beat out of reach), else None. A command that plans prints
    the finding instead (:func:`left_to_print`): one message per cause."""

    cause: tuple[str, int] | None = None


def left_to_print(notices, plans) -> tuple[str, ...]:
    """The ``notices`` a command that planned still prints: all but those whose
    :attr:`Notice.cause` every one of ``plans`` reports as a safety finding (same kind,
    same beat). With no plan (``previs check``, or a replay that failed) every notice."""
    plans = list(plans)
    if not plans:
        return tuple(notices)
    reported = set.intersection(*({(f.kind, getattr(f, "beat", None)) for f in p.safety} for p in plans))
    return tuple(n for n in notices if getattr(n, "cause", None) not in reported)


class Problems:
    """Errors and notices for one level file (``file`` is the path as the user gave it)."""

    def __init__(self, file: str):
        self.file = file
        self.errors: list[str] = []
        self.notices: list[Notice] = []
        self._dropped = 0

    def error(self, where: str | None, what: str, fix: str | None = None) -> None:
        """Record a problem that refuses the level."""
        if len(self.errors) >= MAX_PROBLEMS:
            self._dropped += 1
            return
        self.errors.append(_sentence(self.file, where, what, fix))

    def notice(self, where: str | None, what: str, fix: str | None = None,
               cause: tuple[str, int] | None = None) -> None:
        """Record a warning: the level still loads. ``cause``: :attr:`Notice.cause`."""
        if len(self.notices) < MAX_PROBLEMS:
            n = Notice(_sentence(self.file, where, what, fix))
            n.cause = cause
            self.notices.append(n)

    def refuse(self, what: str, fix: str | None = None) -> LevelError:
        """A single fatal problem with the file as a whole (plus any already collected)."""
        self.error(None, what, fix)
        return self.as_error()

    def as_error(self) -> LevelError:
        lines = list(self.errors)
        if self._dropped:
            lines.append(f"{self.file}: ... and {self._dropped} more problems (fix the ones above first).")
        return LevelError(lines)

    def raise_if_errors(self) -> None:
        if self.errors:
            raise self.as_error()
