"""Levels: the Tiled map contract (``shared/design/level-format.md``) and the level model."""
