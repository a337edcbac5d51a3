"""Expectations on an edit (issue 19): ``[[edit]]`` tables in ``LEVEL.expect.toml`` name an
edit file to assemble (``pipeline.replay_edit``) and carry the usual nested expectations,
plus ``[edit.matches]``: every cut of the edit matches (:mod:`previs.plan.cut_match`)::

    [[edit]]
    file = "corridor.edit.toml"
    [edit.matches]            # every cut: camera, performers, the turn on both sides
    [edit.shots]
    count = 5
"""

from __future__ import annotations

from .check_base import Failure, Replay
from .expect import Expectation, ExpectSet, _EXPECTATION_TABLES, _inside, _parse_set, _table, _tables
from .expect_schema import _validate


def parse_edit_sets(doc: dict, name: str, probs, project) -> list[ExpectSet]:
    """The ``[[edit]]`` tables of a parsed expectation file, one ExpectSet each."""
    sets = []
    for i, t in enumerate(_tables(doc, "edit"), 1):
        wh = f"[[edit]] #{i}"
        tv = _validate(t, "edit", wh, name, probs)
        settings, exps = _parse_set(t, wh, f"edit[{i}].", name, probs, project)
        if (m := _table(t, "matches")) is not None:
            mv = _validate(m, "matches", f"{wh}: [edit.matches]", name, probs)
            hide_only = bool(mv.get("hide_only", False))
            exps.append(Expectation(
                "edit.matches", f"edit[{i}].matches", f"{wh}: [edit.matches]",
                "every cut of the edit hides in a fast turn" if hide_only else "every cut of the edit matches",
                {"hide_only": hide_only}, mv.get("note", "")))
        edit = _inside(tv["file"], name, wh, "file", project, probs) if "file" in tv else None
        if edit is not None:
            if not exps and not any(k.name in t for k in _EXPECTATION_TABLES if k.name != "settings"):
                probs.add(name, wh, "has no expectations: add e.g. [edit.matches] below it.")
            sets.append(ExpectSet(None, f"edit[{i}].", wh, settings, tuple(exps), tv.get("note", ""), edit=edit))
    return sets


def check_edit_matches(e: Expectation, r: Replay) -> list[Failure]:
    """One failure per cut of the edit that does not match (or, ``hide_only``, does not hide)."""
    ed = r.plan.edit
    if ed is None:
        return [Failure(e.label, "the replay is not an edit")]
    out = []
    for c in ed.cuts:
        bad = (not c.hides) if e.spec["hide_only"] else (not c.matches)
        if not bad:
            continue
        problems = [p for p in c.problems if not e.spec["hide_only"] or "no longer hides" in p]
        out.append(Failure(
            f"cut {c.index} at frame {c.frame} ({r.plan.timecode(c.frame)}) matches",
            f"{c.outgoing} -> {c.incoming}: camera {c.position:.3f} m, heading {c.heading:+.1f} deg, pitch "
            f"{c.pitch:+.1f} deg, turn {c.speed_out:g} / {c.speed_in:g} deg/s",
            tuple(problems)))
    return out
