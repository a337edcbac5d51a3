"""Reading Tiled custom properties into checked values, one problem per bad value.

Tiled types a property when it is created (``float``, ``int``, ``bool``, ``color``,
``object``, ``string``); people also type numbers into plain string properties. Numbers are
accepted from any numeric type or a string that reads as one; everything else, NaN and
infinities included, is a problem naming the property and the fix.
"""

from __future__ import annotations

import math
import re
from typing import Any

from .diagnostics import Problems
from .limits import MAX_TEXT_CHARS, MAX_TIME

_HEX = re.compile(r"#?([0-9A-Fa-f]{6}|[0-9A-Fa-f]{8})")
_HOLD = re.compile(r"(\d+)\s*[=:]\s*([^\s=:]+)")
HOLDS_FIX = 'write holds as "2=1.5, 4=0.8": 0-based vertex index = seconds held there'


def parse_color(value: Any) -> tuple[int, int, int] | None:
    """``(r, g, b)`` from Tiled's ``#AARRGGBB`` or ``#RRGGBB`` (alpha dropped); None if not
    a colour."""
    if not isinstance(value, str):
        return None
    m = _HEX.fullmatch(value.strip())
    if not m:
        return None
    digits = m.group(1)[-6:]  # #AARRGGBB: the colour is the last six digits
    return (int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16))


def _show(value: Any) -> str:
    """A value as a message shows it: a string quoted, at most 40 characters."""
    if isinstance(value, str):
        return repr(value) if len(value) <= 40 else repr(value[:40]) + f"... ({len(value)} characters)"
    return f"{value}"


class Props:
    """Checked access to one owner's properties; ``where`` names the owner in messages."""

    def __init__(self, problems: Problems, where: str, props: dict[str, Any]):
        self.problems = problems
        self.where = where
        self.props = props

    def has(self, name: str) -> bool:
        value = self.props.get(name)
        return value is not None and not (isinstance(value, str) and not value.strip())

    def error(self, what: str, fix: str | None = None) -> None:
        self.problems.error(self.where, what, fix)

    def number(
        self,
        name: str,
        default: float | None,
        unit: str = "",
        *,
        lo: float | None = None,
        lo_open: bool = False,
        hi: float | None = None,
        hi_open: bool = False,
        required: bool = False,
        integer: bool = False,
        hint: str = "",
    ) -> float | None:
        """A finite number in the given range, ``default`` if unset; None after a problem
        (or if unset and ``default`` is None). Range ends: ``lo < v`` if ``lo_open``, else
        ``lo <= v``; likewise ``hi``."""
        u = f" {unit}" if unit else ""
        if not self.has(name):
            if required:
                self.error(f"has no {name}{hint}", f"add a float property '{name}'")
            return default
        raw = self.props[name]
        if isinstance(raw, bool):
            value = None
        elif isinstance(raw, (int, float)):
            value = float(raw)
        else:
            try:
                value = float(str(raw).strip())
            except ValueError:
                value = None
        if value is None:
            self.error(f"{name} = {_show(raw)} is not a number", f"type a number{(' of ' + unit) if unit else ''}")
            return None
        if not math.isfinite(value):
            self.error(f"{name} = {raw} is not a finite number", f"type a number{(' of ' + unit) if unit else ''}")
            return None
        if integer and value != int(value):
            self.error(f"{name} = {value:g} is not a whole number", "type a whole number")
            return None
        bad_lo = lo is not None and (value <= lo if lo_open else value < lo)
        bad_hi = hi is not None and (value >= hi if hi_open else value > hi)
        if bad_lo or bad_hi:
            parts = []
            if lo is not None:
                parts.append(f"more than {lo:g}" if lo_open else f"at least {lo:g}")
            if hi is not None:
                parts.append(f"less than {hi:g}" if hi_open else f"at most {hi:g}")
            what = "is negative" if (bad_lo and lo == 0 and not lo_open and value < 0) else "is out of range"
            self.error(f"{name} = {value:g}{u} {what}", f"it must be {' and '.join(parts)}{u}")
            return None
        return value

    def time(self, name: str, default: float | None, *, required: bool = False, hint: str = "") -> float | None:
        """Seconds, 0 to ``MAX_TIME``."""
        return self.number(name, default, "s", lo=0.0, hi=MAX_TIME, required=required, hint=hint)

    def string(self, name: str, default: str = "", *, limit: int = MAX_TEXT_CHARS) -> str:
        """A text property, ``default`` if unset; at most ``limit`` characters (a problem past it)."""
        value = self.props.get(name)
        if value is None or isinstance(value, bool):
            return default
        text = str(value).strip()
        if len(text) > limit:
            self.error(f"{name} = {_show(text)} is longer than the {limit} characters a {name} may have",
                       "shorten it")
            return default
        return text or default

    def color(self, name: str, default: tuple[int, int, int]) -> tuple[int, int, int]:
        if not self.has(name):
            return default
        raw = self.props[name]
        rgb = parse_color(raw)
        if rgb is None:
            self.error(f"{name} = {_show(raw)} is not a colour", "pick one with Tiled's colour picker (#rrggbb or #aarrggbb)")
            return default
        return rgb

    def flag(self, name: str, default: bool = False) -> bool:
        raw = self.props.get(name)
        if raw is None:
            return default
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in ("true", "yes", "1"):
            return True
        if text in ("false", "no", "0", ""):
            return False
        self.error(f"{name} = {_show(raw)} is not true or false", "make it a bool property and tick or untick it")
        return default

    def ref(self, name: str, *, required: bool = False, fix: str = "pick an object in Tiled's object picker") -> int | None:
        """An object id from a Tiled object property (0 = unset)."""
        raw = self.props.get(name)
        if raw is None or raw == 0 or raw == "":
            if required:
                self.error(f"has no {name}", f"add an object property '{name}' and {fix}")
            return None
        if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
            self.error(
                f"{name} = {_show(raw)} is not an object reference",
                f"delete it, add '{name}' again as an object property, and {fix}",
            )
            return None
        return raw

    def holds(self, name: str, n: int) -> tuple[tuple[int, float], ...] | None:
        """A path's ``holds`` string (``"2=1.5, 4=0.8"``: seconds held at 0-based vertex
        indices of a path with ``n`` vertices) as ``(index, seconds)`` pairs; None after a
        problem. Items split on ``,`` or ``;``, index and seconds on ``=`` or ``:``."""
        text = self.string(name, "")
        out = []
        ok = True
        for item in filter(None, (s.strip() for s in re.split(r"[,;]", text))):
            m = _HOLD.fullmatch(item)
            secs = None
            if m:
                try:
                    secs = float(m[2])
                except ValueError:
                    pass
            if m is None or secs is None:
                self.error(f"holds = {text!r}: {item!r} is not VERTEX=SECONDS", HOLDS_FIX)
                ok = False
                continue
            idx = int(m[1])
            if not math.isfinite(secs) or secs < 0 or secs > MAX_TIME:
                self.error(f"holds = {text!r}: {item!r} holds for {m[2]} s", f"seconds must be from 0 to {MAX_TIME:g}")
                ok = False
            elif idx >= n:
                self.error(f"holds = {text!r}: {item!r} names vertex {idx}, but the path has {n} vertices (0 to {n - 1})", HOLDS_FIX)
                ok = False
            else:
                out.append((idx, secs))
        return tuple(out) if ok else None
