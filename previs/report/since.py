"""The report's "Changes since" section (``previs report --since OLD``): what changed in the
level since OLD and what that did to the fight, the lines ``previs diff OLD LEVEL`` prints
(:mod:`previs.testing.choreo_diff`), for a printout that goes to review."""

from __future__ import annotations

from .formatting import esc


def section_since(since) -> str:
    """``<section id="since">`` from ``since`` = (OLD as given, level lines, fight lines);
    "" without ``--since``."""
    if since is None:
        return ""
    old, level_lines, fight_lines = since

    def items(lines, none: str) -> str:
        if not lines:
            return f'<p class="ok">{esc(none)}</p>'
        return "<ul>" + "".join(f"<li>{esc(x)}</li>" for x in lines) + "</ul>"

    return (f'<section id="since"><h2>Changes since {esc(old)}</h2>'
            "<h3>In the level</h3>" + items(level_lines, "No changes to the choreography.")
            + "<h3>In the fight (both versions replayed and planned)</h3>"
            + items(fight_lines, "The same cuts, shots, framing, safety and comfort.") + "</section>")
