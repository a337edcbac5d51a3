"""Hot reload: watch the level file and reload it when it is saved (e.g. from Tiled).

The window polls the map file's modification time and size (twice a second by default:
cheap, a ``stat`` call, and quick enough that a save shows up before you alt-tab back).
A changed file is loaded through :func:`previs.level.loader.load_level`; a broken save
is reported with the loader's problems and the caller keeps the last good level until
the next save that loads. Only the map file itself is watched, not external tilesets or
templates it uses (save the map to pick those up).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from ..errors import PrevisError

POLL_SECONDS = 0.5


@dataclass(frozen=True)
class Reloaded:
    """A new version loaded fine."""

    level: object


@dataclass(frozen=True)
class Broken:
    """A new version does not load: ``problems`` as the loader listed them."""

    problems: tuple[str, ...]


def _stamp(path: str):
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


class LevelWatcher:
    """Polls ``path``; :meth:`poll` returns None (nothing new), :class:`Reloaded` or
    :class:`Broken`. ``loader`` defaults to :func:`previs.level.loader.load_level`."""

    def __init__(self, path: str | os.PathLike, loader=None, interval: float = POLL_SECONDS):
        self.path = os.fspath(path)
        self.interval = float(interval)
        self._loader = loader
        self._stamp = _stamp(self.path)
        self._next = None

    def _load(self, path):
        if self._loader is None:
            from ..level.loader import load_level

            self._loader = load_level
        return self._loader(path)

    def poll(self, now: float):
        """Check the file if ``interval`` seconds passed since the last check."""
        if self._next is not None and now < self._next:
            return None
        self._next = now + self.interval
        stamp = _stamp(self.path)
        if stamp == self._stamp:
            return None
        self._stamp = stamp
        if stamp is None:
            return Broken((f"{self.path}: the file is gone (renamed or deleted?); "
                           "save it again to reload.",))
        try:
            return Reloaded(self._load(self.path))
        except PrevisError as e:
            return Broken(tuple(e.problems))
        except Exception as e:  # noqa: BLE001 - a half-written save must not kill the window
            return Broken((f"{self.path}: cannot be loaded ({type(e).__name__}: {e}).",))
