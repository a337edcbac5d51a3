"""Shared test set-up: headless SDL/GL for every test process (also under pytest-xdist)."""

import os
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
os.environ.setdefault("MPLBACKEND", "Agg")

import pytest

ROOT = Path(__file__).resolve().parent.parent
LEVELS = ROOT / "levels"


@pytest.fixture
def root() -> Path:
    return ROOT


@pytest.fixture
def levels_dir() -> Path:
    return LEVELS


def pytest_collection_modifyitems(config, items):
    """Mark the tests listed in ``slowtests.SLOW`` as ``slow`` (see ``make check``)."""
    from slowtests import SLOW

    for item in items:
        if getattr(item, "originalname", item.name) in SLOW.get(item.path.name, ()):
            item.add_marker(pytest.mark.slow)
