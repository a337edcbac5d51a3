"""The report's Shot list page: the rows of shotlist.csv, one per shot, and printed on
landscape pages (headless Chromium's PDF)."""

import re
from html.parser import HTMLParser

import pytest

from previs.plan.shot_list import shot_rows
from previs.report.page import build_report
from test_report import chromium, needs_chromium, report_fight


class Rows(HTMLParser):
    """The text of every cell of the rows whose id starts with ``shotlist-``."""

    def __init__(self):
        super().__init__()
        self.rows, self._in, self._cell = [], False, None

    def handle_starttag(self, tag, attrs):
        if tag == "tr" and (dict(attrs).get("id") or "").startswith("shotlist-"):
            self._in = True
            self.rows.append([])
        elif self._in and tag == "td":
            self._cell = []
        elif self._in and tag in ("li", "br", "div") and self._cell is not None:
            self._cell.append("|")

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip("|"))
            self._cell = None
        elif tag == "tr":
            self._in = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


@pytest.fixture(scope="module")
def fight():
    return report_fight()


def test_a_row_per_shot_with_the_shot_lists_cells(fight):
    lv, motion, plan = fight
    text = build_report(level=lv, motion=motion, plan=plan)
    assert '<section id="shotlist">' in text and '<a href="#shotlist">Shot list</a>' in text
    p = Rows()
    p.feed(text)
    want = shot_rows(plan)
    assert len(p.rows) == len(plan.shots) == len(want) == 3
    for cells, r in zip(p.rows, want):
        assert cells[0] == r["shot"][-3:]
        assert cells[1] == f'{r["in"]}|{r["out"]}'
        assert cells[2].startswith(f'{r["duration"]:.2f} s|of 1.5 s max')
        assert ("OVER" in cells[2]) == (r["take"] == "OVER")
        for i, key in enumerate(("in_frame", "in_scene", "props"), start=3):
            assert cells[i] == ", ".join(r[key]), key
        for i, key in enumerate(("zones", "safety", "beats"), start=6):
            assert cells[i] == "|".join(r[key]), key
    three = want[2]
    assert three["take"] == "OVER" and three["zones"] == ["pyro 'fire pit': Goon 3 from " + three["zones"][0][-11:]]
    assert any("too close: Goon 1 \u2194 Henry" in s for r in want for s in r["safety"])


@needs_chromium
@pytest.mark.slow
def test_the_shot_list_prints_on_landscape_pages(fight, tmp_path):
    lv, motion, plan = fight
    page = tmp_path / "report.html"
    page.write_text(build_report(level=lv, motion=motion, plan=plan), encoding="utf-8")
    pdf = tmp_path / "r.pdf"
    r = chromium("--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    assert pdf.exists(), r.stderr[-2000:]
    boxes = [tuple(float(v) for v in m) for m in
             re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf.read_bytes())]
    landscape = [w > h for w, h in boxes]
    assert any(landscape) and not all(landscape), boxes  # the shot list turned, the rest upright
