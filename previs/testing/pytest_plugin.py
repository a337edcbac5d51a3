"""pytest plugin: ``LEVEL.expect.toml`` files as test items.

Registered through the ``pytest11`` entry point (``previs = "previs.testing.pytest_plugin"``
in pyproject.toml), so an installed previs makes it load by itself (in an uninstalled
checkout: ``pytest -p previs.testing.pytest_plugin``; never both). Then::

    pytest levels/                       # every expectation of every level
    pytest levels/ -k "finale and cut"   # pick by name
    pytest levels/ -n auto               # in parallel (pytest-xdist)

**What is collected.** Each ``*.expect.toml`` becomes a file node and each expectation in it
an item named by its id (``levels/finale.expect.toml::in_view[2]``,
``::take[1].golden``), the same ids ``previs test`` prints. Expectation files are collected
only when pytest was **pointed at them**: a path on the command line (``pytest levels/``,
``pytest levels/corridor.expect.toml``, ``pytest .``). A bare ``pytest`` that runs the
project's ``testpaths`` never collects them, so the main suite does not replay the levels a
second time. Projects that do want them in a bare run set ``previs_expect = true`` in their
pytest ini options.

Checks run through :func:`previs.testing.runner.run_expectation`, exactly as in
``previs test``; each worker process replays a level once (a per-process cache) however
many of its expectations it runs. A malformed expectation file is a collection error
listing its problems; a level that does not load fails each of its items with the loader's
message. ``--previs-update-golden`` rewrites golden tracks like ``previs test
--update-golden``.
"""

from __future__ import annotations

import pytest

from .expect import SUFFIX

_SESSION = None


def _session():
    global _SESSION
    if _SESSION is None:
        from .runner import Session

        _SESSION = Session()
    return _SESSION


def pytest_addoption(parser):
    group = parser.getgroup("previs", "previs replay tests (LEVEL.expect.toml)")
    group.addoption("--previs-update-golden", action="store_true", default=False,
                    help="rewrite the goldens whose check fails (as previs test --update-golden); an updated "
                         "golden's item fails ('golden updated: review, then commit') unless --previs-accept")
    group.addoption("--previs-accept", action="store_true", default=False,
                    help="with --previs-update-golden: an updated golden's item passes")
    parser.addini("previs_expect", type="bool", default=False,
                  help="collect *.expect.toml even when pytest was not given paths (testpaths / bare run)")


def _wanted(config) -> bool:
    if config.getini("previs_expect"):
        return True
    return getattr(config, "args_source", None) == pytest.Config.ArgsSource.ARGS


def _named_levels(config) -> set:
    """The ``.tmx`` files named on the command line (``pytest levels/x.tmx``), resolved."""
    import os

    out = set()
    for a in config.invocation_params.args:
        a = str(a).split("::")[0]
        if a.lower().endswith(".tmx"):
            out.add(os.path.realpath(os.path.join(str(config.invocation_params.dir), a)))
    return out


def pytest_collect_file(file_path, parent):
    if file_path.name.endswith(SUFFIX) and _wanted(parent.config):
        return ExpectTomlFile.from_parent(parent, path=file_path)
    if file_path.suffix.lower() == ".tmx":
        # ``pytest levels/x.tmx``: the level's expectation file, when the level was named
        # itself (a folder walk collects the .expect.toml directly, not twice).
        import os

        beside = file_path.with_name(file_path.stem + SUFFIX)
        if beside.is_file() and os.path.realpath(file_path) in _named_levels(parent.config):
            node = ExpectTomlFile.from_parent(parent, path=file_path)  # pytest matches the node to the arg
            node.expect_path = beside
            return node
    return None



class ExpectationFailed(Exception):
    """Raised by an item whose expectation failed; carries the readable report."""


class ExpectTomlFile(pytest.File):
    expect_path = None  # the expectation file, when the node is its level (pytest levels/x.tmx)

    def collect(self):
        from ..errors import ExpectationError

        try:
            ef = _session().expect_file(self.expect_path or self.path)
        except ExpectationError as e:
            # One failing item for the file, not a collection error: a collection error
            # interrupts the whole session, and a malformed file must fail only itself.
            yield MalformedItem.from_parent(self, name="<file>", problems=list(e.problems))
            return
        self._ef = ef
        for s in ef.sets:
            for e in s.expectations:
                # The node id as a string, parsed the way pytest parses the ids it stored
                # (pytest 9 reads "cut[1]" as the name "cut" with parameters "1"): built with
                # parent.id.child("cut[1]") it would differ, and --lf would skip the item.
                yield ExpectItem.from_parent(self, name=e.id, nodeid=f"{self.nodeid}::{e.id}", expect_set=s,
                                             expectation=e)


class MalformedItem(pytest.Item):
    """The one item of a malformed expectation file: fails with its problems."""

    def __init__(self, *, problems, **kw):
        super().__init__(**kw)
        self.problems = problems

    def runtest(self):
        raise ExpectationFailed(f"{self.path.name}: the expectation file is malformed; nothing in it was checked\n"
                                + "\n".join(self.problems))

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, ExpectationFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self):
        return self.path, None, f"{self.path.name} (malformed)"


class ExpectItem(pytest.Item):
    def __init__(self, *, expect_set, expectation, **kw):
        super().__init__(**kw)
        self.expect_set = expect_set
        self.expectation = expectation
        self.user_properties.append(("expectation", expectation.label))

    def runtest(self):
        from .runner import run_expectation

        update = bool(self.config.getoption("previs_update_golden"))
        ef = _session().expect_file(self.parent.expect_path or self.path)
        res = run_expectation(_session(), ef, self.expect_set, self.expectation, update=update)
        if res.ok and res.updated in ("created", "updated") and not self.config.getoption("previs_accept"):
            changes = "\n".join(res.changes)
            raise ExpectationFailed(f"golden {res.updated}: {self.expectation.spec['track_text']}: review, then commit "
                                    f"(or pass --previs-accept)\n{changes}")
        if not res.ok:
            head = f"{self.expectation.label}: {res.failures[0].actual}"
            raise ExpectationFailed(f"{head}\n{self.path.name}: {self.expectation.where}\n{res.text()}")

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, ExpectationFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self):
        return self.path, None, f"{self.path.name}::{self.name} ({self.expectation.label})"
