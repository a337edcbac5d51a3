"""report.html: self-contained (inline images, no script, no request), deterministic, every
section present, and really rendered by a browser (headless Chromium: images decode, the
storyboard and plot show up in a screenshot, nothing overflows a printed page, no network
request, page breaks between sections)."""

import base64
import dataclasses
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

from levelkit import beat, henry, level, path, performer, walls
from previs.level.model import Zone
from previs.plan.shot_list import shot_rows
from previs.plan.shotplan import PlanSettings, build_plan
from previs.report.page import build_report
from previs.sim.script import simulate

TESTS = Path(__file__).resolve().parent
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
SKY = (0.50, 0.56, 0.63)  # the renderer's sky colour: every storyboard frame shows some


def report_fight():
    """Henry in a walled room: whips left to Goon 1 (cut 1) and right to Goon 2 (cut 2),
    then slowly follows Goon 3 (a turn too slow to cut: the suggested cut of shot 3, which
    is over the 1.5 s max take) as Goon 3 walks into a pyro zone; Goon 1 walks right up
    to Henry (a clearance finding)."""
    ring = ([(0, c) for c in range(20)] + [(19, c) for c in range(20)]
            + [(r, 0) for r in range(20)] + [(r, 19) for r in range(20)] + [(5, c) for c in range(6, 14)])
    g1 = path(41, (4.0, 10.0), (9.4, 10.0))
    g3 = path(40, (14.0, 15.0), (17.0, 15.0))
    lv = level(henry(position=(10.0, 10.0)),
               performers=[performer(2, "Goon 1", (4.0, 10.0), path=g1, start=3.0, speed=2.0),
                           performer(3, "Goon 2", (16.0, 10.0), color=(230, 140, 30)),
                           performer(4, "Goon 3", (14.0, 15.0), path=g3, start=3.0, speed=1.0, color=(120, 40, 160))],
               beats=[beat(10, 1.0, 1, "look", 2), beat(11, 2.0, 1, "look", 3), beat(12, 4.5, 1, "look", 4, duration=1.0)],
               zones=[Zone(50, "fire pit", "pyro", ((15.5, 14.0), (18.0, 14.0), (18.0, 16.5), (15.5, 16.5))),
                      Zone(51, "mats", "crash-mat", ((2.0, 12.0), (5.0, 12.0), (5.0, 14.0), (2.0, 14.0)))],
               walls_=walls(solid_cells=ring), duration=6.0, max_take=1.5)
    lv = dataclasses.replace(lv, paths=(g1, g3))
    motion = simulate(lv)
    plan = build_plan(motion.track, settings=PlanSettings.from_level(lv.settings), motion=motion)
    return lv, motion, plan


@pytest.fixture(scope="module")
def fight():
    return report_fight()


@pytest.fixture(scope="module")
def report(fight, tmp_path_factory):
    from previs.report.page import write_report

    lv, motion, plan = fight
    out = tmp_path_factory.mktemp("report") / "report.html"
    res = write_report(out, level=lv, motion=motion, plan=plan, progress=False)
    return out, res, out.read_text(encoding="utf-8")


class Doc(HTMLParser):
    """Every tag with its attributes, in order."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def find(self, tag, cls=None):
        return [a for t, a in self.tags if t == tag and (cls is None or cls in (a.get("class") or "").split())]


def parse(text):
    d = Doc()
    d.feed(text)
    return d


def decode_img(src):
    from PIL import Image

    m = re.fullmatch(r"data:(image/(?:png|jpeg));base64,([A-Za-z0-9+/=]+)", src)
    assert m, src[:60]
    im = Image.open(io.BytesIO(base64.b64decode(m.group(2), validate=True)))
    im.load()
    return m.group(1), im


def test_fixture_has_what_the_report_shows(fight):
    _, _, plan = fight
    assert len(plan.cuts) == 2 and len(plan.shots) == 3
    assert plan.shots[2].over_max_take and hasattr(plan.shots[2].suggested_cut, "frame")
    assert sorted(f.kind for f in plan.safety) == ["clearance", "pyro"]


def test_report_is_self_contained(report):
    _, _, text = report
    doc = parse(text)
    assert not doc.find("script") and not doc.find("link") and not doc.find("iframe")
    for tag, attrs in doc.tags:
        for k in ("src", "href", "srcset", "poster", "data"):
            v = attrs.get(k)
            if v is None:
                continue
            assert v.startswith("data:image/") or v.startswith("#"), f"<{tag} {k}={v[:60]!r}>"
    # Nothing in the CSS (or anywhere) that could be fetched.
    assert "@import" not in text and "@font-face" not in text
    assert not re.search(r"url\(\s*['\"]?(?!data:)", text)
    assert not re.search(r"(?i)\b(?:https?|ftp):/", text)


def test_every_section_and_image_is_there(report, fight):
    _, res, text = report
    _, _, plan = fight
    doc = parse(text)
    for sid in ("title", "shots", "yaw", "cuts", "safety", "comfort"):
        assert doc.find("section") or sid == "title"
        assert f'id="{sid}"' in text
    assert len([a for a in doc.find("tr") if (a.get("id") or "").startswith("shot-")]) == len(plan.shots)
    assert text.count('class="cut"') == len(plan.cuts)
    stills = doc.find("img", "still")
    assert len(stills) == 2 * len(plan.shots) + 2 * len(plan.cuts)
    assert not doc.find("div", "noimg")
    assert res.frames_rendered == len(set(a["src"] for a in stills)) or res.frames_rendered >= 6
    for a in stills:
        mime, im = decode_img(a["src"])
        assert mime == "image/jpeg" and im.size == (480, 270)
    (plot,) = doc.find("img", "plot")
    mime, im = decode_img(plot["src"])
    assert mime == "image/png" and im.width > 1000
    (plan_map,) = doc.find("img", "map")
    assert decode_img(plan_map["src"])[0] == "image/png"
    # Title block: the facts, and no wall-clock date.
    for want in ("test.tmx", "24 fps", "144 (0\u2013143)", "previs 0.1.0", "1.5 s"):
        assert want in text, want
    assert not re.search(r"20\d\d-\d\d-\d\d", text)
    # Shot table flags and suggestion; safety rows; cut continuity.
    assert "OVER TAKE" in text and "Suggested cut: 00:00:04:23" in text
    assert "fire pit" in text and "clearance 0.00 m" in text
    assert "Cut 1 \u25c0 left 90\u00b0" in text and "Cut 2 \u25b6 right" in text


def test_report_bytes_are_identical_on_a_second_run(report, fight, tmp_path):
    from previs.report.page import write_report

    out, _, _ = report
    lv, motion, plan = fight
    again = tmp_path / "again.html"
    write_report(again, level=lv, motion=motion, plan=plan, progress=False)
    assert again.read_bytes() == out.read_bytes()


def test_cli_report_is_deterministic_across_processes(tmp_path):
    level_file = TESTS / "data" / "expect" / "duel.tmx"
    env = dict(os.environ, SDL_VIDEODRIVER="offscreen", SDL_AUDIODRIVER="dummy")
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / f"r{seed}.html"
        r = subprocess.run([sys.executable, "-m", "previs", "report", str(level_file), "-o", str(out)],
                           capture_output=True, text=True, env=dict(env, PYTHONHASHSEED=seed), cwd=tmp_path,
                           timeout=300)
        assert r.returncode == 0, r.stderr
        assert r.stderr == ""  # quiet when piped
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    assert b"Duel (expectation test fixture)" in outs[0]


def test_without_opengl_the_report_still_comes_with_a_warning(fight, tmp_path):
    from previs.gl.glapi import RenderError
    from previs.report.page import write_report

    def no_gl(level, size):
        raise RenderError("cannot open an OpenGL 3.3 core context (test)")

    lv, motion, plan = fight
    res = write_report(tmp_path / "r.html", level=lv, motion=motion, plan=plan, renderer_factory=no_gl,
                       progress=False)
    text = (tmp_path / "r.html").read_text()
    assert res.frames_rendered == 0 and res.warnings and "OpenGL" in res.warnings[0]
    assert "warn-box" in text and text.count('class="noimg"') == 2 * len(plan.shots) + 2 * len(plan.cuts)
    assert 'class="plot"' in text  # the plot and map need no OpenGL


def test_compact_names():
    from previs.report.formatting import compact_names

    assert compact_names(["Goon 3", "Goon 1", "Goon 2", "Boss", "Goon 7", "Goon 8", "Goon 10"]) == \
        "Goon 1\u20133, 7, 8, 10; Boss"


def test_topdown_plan_names_do_not_overlap_in_the_finale():
    """103 performers, rows of goons 1.35 m apart, and 31 shown cut numbers on Henry's
    route (62 cuts, every second one): no two labels' boxes overlap, and nearly all are
    placed."""
    from previs import pipeline
    from previs.report.topdown import plan_figure

    lv = pipeline.load(TESTS.parent / "levels" / "finale.tmx")
    motion = pipeline.replay(lv)
    plan = pipeline.plan(motion)
    fig = plan_figure(lv, motion=motion, plan=plan)
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    names = {p.name for p in lv.performers}
    cut_numbers = {str(c.index) for c in plan.cuts}
    texts = [t for t in ax.texts if t.get_text() in names | cut_numbers]
    boxes = [t.get_window_extent(renderer) for t in texts]
    clashes = [(texts[i].get_text(), texts[j].get_text()) for i in range(len(boxes))
               for j in range(i + 1, len(boxes)) if boxes[i].overlaps(boxes[j])]
    assert clashes == []
    named = {t.get_text() for t in texts} & names
    assert len(named) >= 0.95 * len(names), sorted(names - named)
    assert len({t.get_text() for t in texts} & cut_numbers) >= 28


def test_topdown_plan_png_is_deterministic_and_pure_matplotlib(fight):
    from PIL import Image

    from previs.report.topdown import plan_png

    lv, motion, plan = fight
    a = plan_png(lv, motion=motion, plan=plan, findings=plan.safety)
    b = plan_png(lv, motion=motion, plan=plan, findings=plan.safety)
    assert a == b and a.startswith(b"\x89PNG")
    im = np.asarray(Image.open(io.BytesIO(a)).convert("RGB")).astype(int)
    # Henry (blue start marker and name; he stands still here) and the finding crosses (red).
    def near(rgb, tol=40):
        return int((np.abs(im - np.array(rgb)).sum(axis=-1) < tol).sum())
    assert near((0x15, 0x65, 0xC0)) > 100
    assert near((0xD5, 0x00, 0x00)) > 20
    assert b"Software" not in a[:200]


# -- in a real browser --------------------------------------------------------------------------

needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium (/usr/bin/chromium) is not installed")

PROBE = """<script>
window.addEventListener('load', function () {
  var imgs = Array.prototype.map.call(document.images, function (i) {
    return {cls: i.className, w: i.naturalWidth, h: i.naturalHeight, done: i.complete}; });
  var vw = document.documentElement.clientWidth, wide = [];
  document.querySelectorAll('body *').forEach(function (e) {
    var r = e.getBoundingClientRect(); if (r.width && r.right > vw + 1) wide.push(e.tagName + '.' + e.className); });
  var pre = document.createElement('pre'); pre.id = 'probe';
  pre.textContent = JSON.stringify({imgs: imgs, scrollWidth: document.documentElement.scrollWidth,
                                    clientWidth: vw, wide: wide.slice(0, 20)});
  document.body.appendChild(pre);
});
</script>"""


def chromium(*args, timeout=120):
    profile = tempfile.mkdtemp(prefix="previs-chromium-")
    try:
        cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--disable-extensions", "--mute-audio", f"--user-data-dir={profile}", *args]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


@needs_chromium
def test_chromium_decodes_every_image_and_nothing_overflows_a_printed_page(report, fight, tmp_path):
    out, _, text = report
    _, _, plan = fight
    probe = tmp_path / "probe.html"  # a copy with a test-only probe script; the report has none
    probe.write_text(text.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    # 718 px: an A4 page's printable width (210 mm - 2 x 11 mm margins) at 96 dpi, plus a scrollbar.
    r = chromium("--virtual-time-budget=10000", "--window-size=718,1000", "--dump-dom", probe.as_uri())
    m = re.search(r'<pre id="probe">(.*?)</pre>', r.stdout, re.S)
    assert m, r.stderr[-2000:]
    got = json.loads(m.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    imgs = got["imgs"]
    assert len(imgs) == 2 * len(plan.shots) + 2 * len(plan.cuts) + 2  # + plot + map
    broken = [i for i in imgs if not (i["done"] and i["w"] > 0 and i["h"] > 0)]
    assert not broken, broken
    assert [(i["w"], i["h"]) for i in imgs if i["cls"] == "still"] == [(480, 270)] * (len(imgs) - 2)
    assert got["scrollWidth"] <= got["clientWidth"], got["wide"]
    assert not got["wide"]


@needs_chromium
def test_screenshot_shows_the_storyboard_and_the_plot(report, tmp_path):
    from PIL import Image

    out, _, _ = report
    shot = tmp_path / "shot.png"
    r = chromium(f"--screenshot={shot}", "--window-size=1200,4000", "--hide-scrollbars", out.as_uri())
    assert shot.exists(), r.stderr[-2000:]
    im = np.asarray(Image.open(shot).convert("RGB")).astype(int)
    sky = np.array(SKY) * 255
    sky_px = (np.abs(im - sky).max(axis=-1) <= 14).sum()
    # 10 storyboard frames of ~215 x 121 px, each with some sky: far more than 5000 px.
    assert sky_px > 5000, sky_px
    # The yaw-speed curve (#1565c0) and the orange cut lines are drawn.
    curve = (np.abs(im - np.array((0x15, 0x65, 0xC0))).max(axis=-1) <= 40).sum()
    assert curve > 300, curve
    rows = np.nonzero((np.abs(im - sky).max(axis=-1) <= 14).any(axis=1))[0]
    assert rows.min() < 1500  # the storyboard is near the top, under the title block


def page_requests(page: Path, tmp_path: Path) -> list[str]:
    """URLs the page itself asked the network for while Chromium loaded it (DNS is mapped to
    nowhere so nothing leaves the machine). Chromium's own background requests (time sync,
    updates: initiator "not an origin") are not the page's and are left out."""
    netlog = tmp_path / f"{page.stem}.netlog.json"
    shot = tmp_path / f"{page.stem}.png"
    r = chromium("--host-resolver-rules=MAP * ~NOTFOUND", f"--log-net-log={netlog}",
                 "--virtual-time-budget=5000", f"--screenshot={shot}", "--window-size=800,600", page.as_uri())
    assert shot.exists(), r.stderr[-2000:]
    log = json.loads(netlog.read_text(encoding="utf-8", errors="replace"))
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    urls = []
    for e in log["events"]:
        p = e.get("params") or {}
        url = p.get("url") or ""
        if e["type"] == start and p.get("initiator") != "not an origin" and re.match(r"(?i)(https?|wss?|ftp)://", url):
            urls.append(url)
    return sorted(urls)


@needs_chromium
def test_report_makes_no_network_request(report, tmp_path):
    out, _, _ = report
    # The check itself works: a page with a remote image, stylesheet and CSS background is caught.
    control = tmp_path / "control.html"
    control.write_text('<!DOCTYPE html><html><head><style>body{background:url(https://example.com/bg.png)}</style>'
                       '<link rel="stylesheet" href="https://fonts.example.com/css"></head><body>'
                       '<img src="http://example.invalid/x.png"></body></html>')
    assert len(page_requests(control, tmp_path)) == 3
    assert page_requests(out, tmp_path) == []


@needs_chromium
def test_prints_with_a_page_break_between_sections(report, tmp_path):
    out, _, _ = report
    pdf = tmp_path / "r.pdf"
    r = chromium("--no-pdf-header-footer", f"--print-to-pdf={pdf}", out.as_uri())
    assert pdf.exists(), r.stderr[-2000:]
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))
    assert pages >= 6  # title, shots, plot, cuts, safety, comfort each start a page


def test_readme_pictures_cli(tmp_path, capsys):
    from PIL import Image

    import importlib.util

    def tool(name):
        spec = importlib.util.spec_from_file_location(name, TESTS.parent / "tools" / f"{name}.py")
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        return mod

    pictures = tool("docs_pictures")
    duel = TESTS / "data" / "expect" / "duel.tmx"
    assert pictures.main([str(duel), "-o", str(tmp_path)]) == 0
    assert pictures.main([str(duel), "-o", str(tmp_path / "plans"), "--plans-only"]) == 0
    names = sorted(p.name for p in tmp_path.rglob("*.png"))
    assert names == ["duel-plan.png", "duel-plan.png", "storyboard-duel.png", "yawspeed-duel.png"]
    sheet = Image.open(tmp_path / "storyboard-duel.png")
    assert sheet.width > 1000 and sheet.height > 200  # three shots side by side, captioned
    assert pictures.main([str(tmp_path / "missing.tmx"), "-o", str(tmp_path)]) == 1
    assert "missing.tmx" in capsys.readouterr().err


# -- the Shot list page: the rows of shotlist.csv, printed on landscape pages ----------------


class ShotListRows(HTMLParser):
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


def test_shot_list_page_has_a_row_per_shot_with_the_shot_lists_cells(fight):
    lv, motion, plan = fight
    text = build_report(level=lv, motion=motion, plan=plan)
    assert '<section id="shotlist">' in text and '<a href="#shotlist">Shot list</a>' in text
    p = ShotListRows()
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
