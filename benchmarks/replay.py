"""Replay speed, end to end: ``previs replay --no-report``, process start to files written.

Prints, for ``levels/finale.tmx`` and for generated 100-performer fights of 3 and 30
minutes, the wall time and the ratio *fight duration / replay time* (target >= 100x real
time), and checks cost is linear in duration (30 minutes <= 11x the cost of 3 minutes).

    .venv/bin/python benchmarks/replay.py [--repeat 3]

Each figure is the best of ``--repeat`` runs in a fresh process (the first run also pays
for cold file caches). A generated fight is a 48 x 48 m arena with pillars; performers walk
looping paths and Henry whips his head to a new one every 2 s, so the shot plan has plenty
of cuts, in-view checks and clearance pairs to work on.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PREVIS = [sys.executable, "-m", "previs"]


def _prop(parent, name, value, typ=None):
    p = ET.SubElement(parent, "property", name=name, value=str(value))
    if typ:
        p.set("type", typ)
    return p


def generate_fight(path: Path, minutes: float, performers: int = 100, seed: int = 1) -> None:
    """Write a TMX fight of ``minutes`` with ``performers`` goons (deterministic)."""
    rnd = random.Random(seed)
    n = 48
    m = ET.Element("map", version="1.8", tiledversion="1.8.2", orientation="orthogonal",
                   renderorder="right-down", width=str(n), height=str(n), tilewidth="32",
                   tileheight="32", infinite="0", nextlayerid="4", nextobjectid="1")
    props = ET.SubElement(m, "properties")
    _prop(props, "title", f"Generated {minutes:g}-minute brawl")
    _prop(props, "duration", minutes * 60.0, "float")
    ET.SubElement(m, "tileset", firstgid="1", name="walls", tilewidth="32", tileheight="32",
                  tilecount="1", columns="1")
    layer = ET.SubElement(m, "layer", id="1", name="walls", width=str(n), height=str(n))
    cells = [[0] * n for _ in range(n)]
    for i in range(n):
        cells[0][i] = cells[n - 1][i] = cells[i][0] = cells[i][n - 1] = 1
    for r in range(6, n - 6, 8):
        for c in range(6, n - 6, 8):
            cells[r][c] = 1
    data = ET.SubElement(layer, "data", encoding="csv")
    data.text = "\n" + ",\n".join(",".join(map(str, row)) for row in cells) + "\n"
    og = ET.SubElement(m, "objectgroup", id="2", name="actors")
    oid = [1]

    def obj(**kw):
        o = ET.SubElement(og, "object", id=str(oid[0]), **{k: str(v) for k, v in kw.items()})
        oid[0] += 1
        return o

    def loop(cx, cz, r):
        o = obj(type="path", x=cx * 32, y=cz * 32)
        pts = " ".join(f"{dx * 32:g},{dz * 32:g}" for dx, dz in ((-r, -r), (r, -r), (r, r), (-r, r)))
        ET.SubElement(o, "polygon", points=pts)
        return o

    hp = loop(24.5, 24.5, 10)
    h = obj(type="henry", name="Henry", x=14.5 * 32, y=14.5 * 32)
    ET.SubElement(h, "point")
    _prop(ET.SubElement(h, "properties"), "path", hp.get("id"), "object")
    goons = []
    for i in range(performers):
        cx, cz = rnd.uniform(8, 40), rnd.uniform(8, 40)
        r = rnd.uniform(1.5, 5)
        p = loop(cx, cz, r)
        g = obj(type="performer", name=f"Goon {i + 1}", x=(cx - r) * 32, y=(cz - r) * 32)
        ET.SubElement(g, "point")
        gp = ET.SubElement(g, "properties")
        _prop(gp, "path", p.get("id"), "object")
        _prop(gp, "speed", round(rnd.uniform(0.8, 2.0), 2), "float")
        goons.append(g.get("id"))
    t = 1.0
    while t < minutes * 60 - 1:
        b = obj(type="beat", x=0, y=0)
        ET.SubElement(b, "point")
        bp = ET.SubElement(b, "properties")
        _prop(bp, "t", round(t, 3), "float")
        _prop(bp, "actor", h.get("id"), "object")
        _prop(bp, "action", "look")
        _prop(bp, "target", rnd.choice(goons), "object")
        t += 2.0
    m.set("nextobjectid", str(oid[0]))
    ET.ElementTree(m).write(path, encoding="UTF-8", xml_declaration=True)


def time_replay(level: Path, repeat: int) -> float:
    best = float("inf")
    with tempfile.TemporaryDirectory() as out:
        for _ in range(repeat):
            t0 = time.perf_counter()
            r = subprocess.run([*PREVIS, "replay", str(level), "-o", out, "--no-report"],
                               capture_output=True, text=True, cwd=ROOT)
            dt = time.perf_counter() - t0
            if r.returncode != 0:
                sys.exit(f"replay of {level} failed:\n{r.stderr}")
            best = min(best, dt)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from previs.level.loader import load_level

    print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}; best of {args.repeat} runs, "
          "process start to files written")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        levels = [("levels/finale.tmx", ROOT / "levels" / "finale.tmx")]
        for minutes in (3, 30):
            p = Path(tmp) / f"generated-{minutes}min.tmx"
            generate_fight(p, minutes)
            levels.append((f"generated {minutes} min, 100 performers", p))
        for label, p in levels:
            lv = load_level(p)
            dur = lv.settings.duration
            wall = time_replay(p, args.repeat)
            rows.append((label, dur, wall))
            print(f"{label:38s} fight {dur:7.1f} s  replay {wall:6.2f} s  = {dur / wall:6.1f}x real time "
                  f"({'ok' if dur / wall >= 100 else 'BELOW 100x'})")
    t3, t30 = rows[1][2], rows[2][2]
    print(f"linearity: 30 min costs {t30 / t3:.2f}x 3 min (target <= 11x: {'ok' if t30 / t3 <= 11 else 'FAIL'})")


if __name__ == "__main__":
    main()
