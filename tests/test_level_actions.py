"""The table of beat actions: one row per action, and every consumer reads the row."""

import re
from pathlib import Path

import pytest

from previs.level import actions
from previs.level.actions import ACTIONS, LABEL, action, default_duration
from previs.level.model import Beat

DOC = Path(__file__).resolve().parent.parent / "docs" / "level-format.md"


def _doc_action_rows() -> dict[str, list[str]]:
    """The contract's action table: each action word -> its row's cells."""
    text = DOC.read_text(encoding="utf-8")
    table = text[text.index("| action | who | target |"):]
    table = table[: table.index("\n\n")]
    rows = {}
    for line in table.splitlines()[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        for word in re.findall(r"`([a-z-]+)`", cells[0]):
            rows[word] = cells
    return rows


def test_every_action_is_in_the_contract_with_its_duration_and_contact():
    rows = _doc_action_rows()
    assert sorted(rows) == sorted(ACTIONS)
    for name, spec in ACTIONS.items():
        cells = rows[name]
        assert cells[3] == f"{spec.duration:g} s", name
        assert cells[4] == ("yes" if spec.contact else "no"), name
        assert cells[1].startswith("a performer" if spec.who == actions.PERFORMER else "Henry or a performer"), name


def test_derived_sets_follow_the_rows():
    assert actions.CONTACT_ACTIONS == {n for n, a in ACTIONS.items() if a.contact}
    assert {"punch", "kick", "grab", "throw", "hit", "tackle"} <= actions.CONTACT_ACTIONS
    assert actions.DOWN_ACTIONS == {"fall", "down"}
    assert actions.AIM_ACTIONS == {"look"}


@pytest.mark.parametrize("word", ["dodge", "shout", "", "LOOK"])
def test_any_other_word_is_a_label(word):
    # The loader lower-cases; the table itself is exact, so "LOOK" is only a label here.
    assert action(word) is LABEL
    b = Beat(id=1, t=0.0, actor=1, action=word, target=2)
    assert (b.is_contact, b.aims, b.downs_actor, b.spec.push) == (False, False, False, 0.0)
    assert default_duration(word) == 0.5


def test_beat_reads_its_row():
    look = Beat(id=1, t=0.0, actor=1, action="look", target=2, duration=default_duration("look"))
    assert (look.aims, look.is_contact, look.duration) == (True, False, 0.25)
    kick = Beat(id=2, t=0.0, actor=1, action="kick", target=2)
    assert (kick.aims, kick.is_contact, kick.spec.name) == (False, True, "kick")
    fall = Beat(id=3, t=0.0, actor=2, action="down")
    assert fall.downs_actor and not fall.is_contact
