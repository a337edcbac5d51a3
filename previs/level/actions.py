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
    - ``reach``: metres of air between the two bodies (centre distance minus both radii)
      across which a contact action can land: an arm 0.7 m, a leg 0.9 m, a diving tackle
      1.5 m (see :data:`ARM`). 0 for actions without contact.
    - ``lands``: who of the beat hits the floor, a stunt that belongs on a ``crash-mat``:
      ``"actor"`` (a fall), ``"target"`` (a throw), ``""`` nobody (see
      :mod:`previs.plan.safety_bodies`).
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
    reach: float = 0.0
    lands: str = ""
    who: str = HENRY_OR_PERFORMER

    def beyond_reach(self, centre_distance: float, r_actor: float, r_target: float) -> float:
        """Metres by which two bodies ``centre_distance`` m apart (radii ``r_actor``,
        ``r_target``) are out of this action's reach; 0 or less: in reach. The one reach
        rule: the level check and the plan's safety findings both ask it."""
        return centre_distance - r_actor - r_target - self.reach


# Reach of a blow beyond the body's surface, from segment lengths as fractions of height H
# (Drillis & Contini 1966, as tabulated in D. A. Winter, "Biomechanics and Motor Control of
# Human Movement", 4th ed. 2009, fig. 4.1): arm, shoulder to fingertip, 0.44 H = 0.79 m for
# a 1.8 m performer, less the ~0.1 m from the body circle's edge to the shoulder joint:
# 0.7 m. Leg, hip to sole, 0.53 H = 0.95 m: 0.9 m. A tackle is a diving lunge: one step
# (~0.8 m) plus the arms: 1.5 m.
ARM = 0.7
LEG = 0.9
LUNGE = 1.5


def _contact(name: str, does: str, reach: float = ARM, lands: str = "") -> Action:
    return Action(name, does, contact=True, reach=reach, lands=lands)


ACTIONS: dict[str, Action] = {
    a.name: a
    for a in (
        # 0.25 s: a whip (peak 1.5 x mean speed: 90 deg in 0.25 s peaks at 540 deg/s).
        Action("look", "turns to face the target and keeps tracking it", duration=0.25, aims=True),
        _contact("punch", "may touch the target"),
        _contact("kick", "may touch the target", LEG),
        _contact("grab", "may touch the target"),
        _contact("throw", "may touch the target", lands="target"),
        _contact("hit", "may touch the target"),
        _contact("tackle", "may touch the target", LUNGE),
        # 0.6 m: from arm's length (0.6 m centre to centre for two 0.3 m bodies) to 1.2 m,
        # clear of the 1.1 m that the 0.5 m default safety distance asks of them.
        Action("shove", "is pushed 0.6 m straight away from the actor", contact=True, push=0.6, reach=ARM),
        Action("fall", "is down from t + duration", downs_actor=True, lands="actor", who=PERFORMER),
        Action("down", "is down from t + duration", downs_actor=True, who=PERFORMER),
    )
}
"""Every action with a meaning, by name, in the order the docs list them."""

LABEL = Action("", "a label: shows in the shot it falls in")
"""What any word outside :data:`ACTIONS` means (its ``name`` is left empty)."""

TYPO_CUTOFF = 0.8
"""How alike (``difflib`` ratio, 0..1) a word must be to an action to be taken for a typo
of it: ``lok``/``look`` 0.86, ``punh``/``punch`` 0.89, ``kicks``/``kick`` 0.89 warn; a
word one letter off a 4-letter action scores 0.75 and stays a label (``lock``, ``cook``,
``town``: real words a coordinator may mean)."""


def close_action(word: str) -> str | None:
    """The action ``word`` (not itself an action) is most likely a typo of, or None if it
    is not close enough to any (:data:`TYPO_CUTOFF`): then it is a label."""
    import difflib

    if word in ACTIONS:
        return None
    hits = difflib.get_close_matches(word, list(ACTIONS), n=1, cutoff=TYPO_CUTOFF)
    return hits[0] if hits else None


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
