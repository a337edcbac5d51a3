"""Small text helpers of the report: HTML escaping, data URIs, JPEG bytes, clocks,
durations, turn arrows, numbers and compacted name lists (no HTML structure here)."""

from __future__ import annotations

import base64
import html
import io

import numpy as np


JPEG_QUALITY = 80


def esc(v) -> str:
    return html.escape("" if v is None else str(v), quote=True)


def data_uri(data: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def jpeg_bytes(rgb: np.ndarray, quality: int = JPEG_QUALITY) -> bytes:
    """Deterministic baseline JPEG of an (H, W, 3) uint8 array."""
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(rgb, dtype=np.uint8), "RGB").save(
        buf, format="JPEG", quality=int(quality), optimize=True)
    return buf.getvalue()


def fmt_duration(t: float) -> str:
    t = float(t)
    if t < 60:
        return f"{t:.2f} s"
    return f"{int(t // 60)} min {t % 60:04.1f} s"


def num(v) -> str:
    v = float(v)
    return f"{int(v)}" if v.is_integer() else f"{v:g}"


def compact_names(names) -> str:
    """``Goon 1, Goon 2, Goon 3, Goon 7, Boss`` -> ``Goon 1–3, 7; Boss``: names that end in
    a number are grouped by what precedes it and runs are collapsed, so a crowd of 60
    goons in view stays one readable line. Groups keep the order of first appearance."""
    import re

    groups: dict[str, list[int]] = {}
    order: list[tuple[str, str | None]] = []
    for n in names:
        m = re.fullmatch(r"(.*?)(\d+)", n)
        if m and not m.group(2).startswith("0"):
            pre = m.group(1)
            if pre not in groups:
                groups[pre] = []
                order.append(("g", pre))
            groups[pre].append(int(m.group(2)))
        else:
            order.append(("n", n))
    out = []
    for kind, v in order:
        if kind == "n":
            out.append(v)
            continue
        nums = sorted(set(groups[v]))
        runs, i = [], 0
        while i < len(nums):
            j = i
            while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
                j += 1
            runs.append(str(nums[i]) if j == i else
                        f"{nums[i]}, {nums[j]}" if j == i + 1 else f"{nums[i]}–{nums[j]}")
            i = j + 1
        out.append(v + ", ".join(runs))
    return "; ".join(out)
