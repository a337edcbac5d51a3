"""The table of beat actions: every action word the engine gives a meaning to, in one place.

A beat's ``action`` is a free word (lower-cased by the loader). A word in :data:`ACTIONS`
has the effects its row gives; any other word ("dodge", "shout") is a label that only shows
in the shot it falls in (:data:`LABEL`). The simulation, the safety checks, the exports and
the expectation checks ask this table, never a spelled-out word, so adding an action is one
row here plus its line in ``docs/level-format.md`` and its tests.

Times are seconds; a beat covers ``[t, t + duration)`` (contact windows include both ends,
see :mod:`previs.plan.safety`). Distances are metres on the ground plane.
"""

from __future__ import annotations

from dataclasses import dataclass

HENRY_OR_PERFORMER = "henry or performer"
PERFORMER = "performer"


@dataclass(frozen=True)
class Action:
    """One row of the table.

    - ``contact``: actor and target may touch during ``[t, t + duration]`` (no clearance
      finding between them then).
    - ``aims``: the actor turns to face the target: Henry's head turns the short way over
      ``duration`` and then tracks it until his next aiming beat; a performer faces it
      (drawing only). Such a beat without a target is an error.
    - ``downs_actor``: from ``t + duration`` the actor (a performer) is down: it stops where
      it is, lies on the floor and no longer counts for clearance.
    - ``push``: metres the target (a performer) is moved away from the actor over
      ``[t, t + duration]``, eased in and out; it stays displaced afterwards. 0: none.
    - ``who``: who may do it (:data:`HENRY_OR_PERFORMER` or :data:`PERFORMER`).
    - ``duration``: the default duration in seconds when the beat gives none.
    - ``does``: what it does, one line for ``previs check`` and the docs.
    """

    name: str
    does: str
    duration: float = 0.5
    contact: bool = False
    aims: bool = False
    downs_actor: bool = False
    push: float = 0.0
    who: str = HENRY_OR_PERFORMER


def _contact(name: str, does: str) -> Action:
    return Action(name, does, contact=True)


ACTIONS: dict[str, Action] = {
    a.name: a
    for a in (
        # 0.25 s: a whip (peak 1.5 x mean speed: 90 deg in 0.25 s peaks at 540 deg/s).
        Action("look", "turns to face the target and keeps tracking it", duration=0.25, aims=True),
        _contact("punch", "may touch the target"),
        _contact("kick", "may touch the target"),
        _contact("grab", "may touch the target"),
        _contact("throw", "may touch the target"),
        _contact("hit", "may touch the target"),
        _contact("tackle", "may touch the target"),
        # 0.6 m: from arm's length (0.6 m centre to centre for two 0.3 m bodies) to 1.2 m,
        # clear of the 1.1 m that the 0.5 m default safety distance asks of them.
        Action("shove", "is pushed 0.6 m straight away from the actor", contact=True, push=0.6),
        Action("fall", "is down from t + duration", downs_actor=True, who=PERFORMER),
        Action("down", "is down from t + duration", downs_actor=True, who=PERFORMER),
    )
}
"""Every action with a meaning, by name, in the order the docs list them."""

LABEL = Action("", "a label: shows in the shot it falls in")
"""What any word outside :data:`ACTIONS` means (its ``name`` is left empty)."""

def action(name: str) -> Action:
    """The row for action word ``name`` (lower-case), or :data:`LABEL` for any other word."""
    return ACTIONS.get(name, LABEL)


def default_duration(name: str) -> float:
    """Seconds a beat of action ``name`` lasts when it gives no ``duration``."""
    return action(name).duration


CONTACT_ACTIONS = frozenset(a.name for a in ACTIONS.values() if a.contact)
"""Actions during whose window ``[t, t + duration]`` actor and target may touch."""

DOWN_ACTIONS = frozenset(a.name for a in ACTIONS.values() if a.downs_actor)
"""Actions after whose end (``t + duration``) the actor is down."""

AIM_ACTIONS = frozenset(a.name for a in ACTIONS.values() if a.aims)
"""Actions that turn the actor (Henry's head) to the target."""
