"""Errors a user can act on.

Every error that reaches the command line is a :class:`PrevisError`: the CLI prints its
``problems`` (one readable line each) to stderr and exits non-zero, never with a traceback.
"""

from __future__ import annotations


class PrevisError(Exception):
    """A user-facing failure. ``problems`` are complete sentences naming file, object and fix."""

    def __init__(self, problems: str | list[str]):
        if isinstance(problems, str):
            problems = [problems]
        self.problems: list[str] = list(problems)
        super().__init__("\n".join(self.problems))


class LevelError(PrevisError):
    """A level breaks the level contract. Lists *every* problem found, not only the first."""


class TakeError(PrevisError):
    """A take file cannot be replayed (unreadable, or recorded on a different level version)."""


class ExpectationError(PrevisError):
    """An expectation file (``LEVEL.expect.toml``) is malformed."""
