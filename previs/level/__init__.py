"""Levels: the Tiled map contract (``docs/level-format.md``) and the level model."""
