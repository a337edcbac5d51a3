"""Levels: the Tiled map contract (``docs/level-format.md``), the level model and the action table."""
