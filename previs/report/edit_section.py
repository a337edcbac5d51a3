"""The report's *Edit* section (issue 19): which take fills each shot, and the match at
every cut (:mod:`previs.plan.cut_match`); only for a plan of an edit."""

from __future__ import annotations

from .formatting import esc, num


def section_edit(plan) -> str:
    """The section's HTML ('' for a plan that is not an edit)."""
    ed = plan.edit
    if ed is None:
        return ""
    st = ed.settings
    pieces = "".join(f"<tr><td class=\"num\">{s}</td><td>{esc(plan.timecode(a))}</td><td class=\"num\">{b - a}</td>"
                     f"<td>{esc(n)}</td></tr>" for s, a, b, n in ed.pieces)
    rows = []
    for c in ed.cuts:
        verdict = "matches" if c.matches else "; ".join(c.problems)
        who_out = ", ".join(c.in_frame_out) or "nobody"
        who_in = ", ".join(c.in_frame_in) or "nobody"
        rows.append(
            f'<tr class="{"ok" if c.matches else "bad"}"><td class="num">{c.index}</td>'
            f"<td>{esc(plan.timecode(c.frame))}<br><span class=\"small\">frame {c.frame}</span></td>"
            f"<td>{esc(c.outgoing)} \u2192 {esc(c.incoming)}</td>"
            f'<td class="num">{c.position:.3f} m</td><td class="num">{c.heading:+.1f}\u00b0 / {c.pitch:+.1f}\u00b0</td>'
            f'<td class="num">{c.performer_max:.2f} m</td>'
            f'<td class="num">{num(c.speed_out)} / {num(c.speed_in)}\u00b0/s</td>'
            f"<td>{esc(who_out)} / {esc(who_in)}</td><td>{esc(verdict)}</td></tr>")
    bad = len(ed.findings)
    summary = (f'<p class="ok">All {len(ed.cuts)} cuts match.</p>' if not bad else
               f'<p class="warn-box">{bad} of {len(ed.cuts)} cut(s) do not match.</p>')
    return (
        f'<section id="edit"><h2>Edit</h2><p>Assembled from <code>{esc(ed.path)}</code>: each shot from the '
        "take that fills it (or the script), cut at the script's turn cuts.</p>"
        '<table class="edit"><thead><tr><th class="num">Shot</th><th>Starts</th><th class="num">Frames</th>'
        f"<th>Source</th></tr></thead><tbody>{pieces}</tbody></table>"
        f"{summary}"
        '<table class="cutmatch"><thead><tr><th class="num">Cut</th><th>At</th><th>Out \u2192 in</th>'
        '<th class="num">Camera</th><th class="num">Heading / pitch</th><th class="num">Performers</th>'
        '<th class="num">Turn out / in</th><th>In frame out / in</th><th>Verdict</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
        f'<p class="small">A cut matches when the camera is within {num(st.distance)} m and '
        f"{num(st.angle)}\u00b0 (heading and pitch) of the outgoing piece on the cut's frame, no performer "
        f"is more than {num(st.performer)} m elsewhere, and the head turns at least "
        f"{num(st.turn_cut_speed)}\u00b0/s within {num(st.hide_window)} s of the cut on both sides "
        "(level properties cut_match_distance, cut_match_angle, cut_match_performer, cut_hide_window).</p>"
        "</section>")
