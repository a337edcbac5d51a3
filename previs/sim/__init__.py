"""Deterministic simulation: integer ticks, one command per tick, no wall clock."""
