"""Replay tests: ``LEVEL.expect.toml`` expectation files and the pytest plugin."""
