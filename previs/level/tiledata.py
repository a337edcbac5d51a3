"""Decoding a tile layer's ``<data>``: CSV, base64, base64+zlib, base64+gzip (and the old
XML ``<tile gid>`` form), with every size checked against the layer's ``width * height``.

Compressed data is inflated with ``zlib.decompressobj(...).decompress(..., max_length)``,
so a "zip bomb" is cut off after ``4 * width * height + 1`` bytes instead of expanding.
Returns raw Tiled gids (flip flags included) as a ``(rows, cols)`` uint32 array:
row = Tiled tile y (south), col = tile x (east).
"""

from __future__ import annotations

import base64
import binascii
import re
import zlib
from xml.etree.ElementTree import Element

import numpy as np

GID_FLAGS = 0xF0000000
"""Tiled's flip/rotate bits (h, v, diagonal, hex-120) in the top four bits of a gid."""

_CSV_CHARS = re.compile(r"[0-9,\s]*")


class DataError(ValueError):
    """The layer's data cannot be used; ``str(e)`` says why and what to do."""


_FORMAT_FIX = (
    "in Tiled, Map > Map Properties > Tile Layer Format: choose CSV, Base64 (uncompressed), "
    "Base64 (zlib) or Base64 (gzip), and save"
)


def _inflate(raw: bytes, wbits: int, limit: int, kind: str) -> bytes:
    d = zlib.decompressobj(wbits)
    try:
        out = d.decompress(raw, limit + 1)
        if len(out) <= limit and not d.eof and d.unconsumed_tail:
            out += d.decompress(d.unconsumed_tail, 1)
    except zlib.error as e:
        raise DataError(f"holds corrupt {kind} data ({e}); re-save the map from Tiled") from None
    if len(out) > limit:
        raise DataError(
            f"inflates to more than the {limit} bytes its width x height needs "
            f"(a compression bomb or a damaged file); re-save the map from Tiled"
        )
    if not d.eof:
        raise DataError(f"holds truncated {kind} data; re-save the map from Tiled")
    return out


def decode_layer_data(data: Element | None, width: int, height: int) -> np.ndarray:
    """Raw gids of one finite layer as uint32 ``(height, width)``."""
    n = width * height
    if data is None:
        raise DataError("has no <data>; re-save the map from Tiled")
    if data.find("chunk") is not None:
        raise DataError("holds chunks, which only infinite maps have; re-save the map from Tiled")
    encoding = data.get("encoding")
    compression = data.get("compression") or None
    if encoding is None:
        if compression:
            raise DataError(f"is XML tile data with compression {compression!r}; {_FORMAT_FIX}")
        tiles = data.findall("tile")
        if len(tiles) != n:
            raise DataError(f"holds {len(tiles)} <tile> elements but is {width}x{height} = {n} cells; re-save the map from Tiled")
        try:
            gids = [int(t.get("gid", "0")) for t in tiles]
        except ValueError:
            raise DataError("holds a <tile> whose gid is not a whole number; re-save the map from Tiled") from None
        if gids and (min(gids) < 0 or max(gids) > 0xFFFFFFFF):  # before numpy: int64 overflows
            raise DataError("holds a gid outside 0..4294967295; re-save the map from Tiled")
        values = np.array(gids, dtype=np.int64)
    elif encoding == "csv":
        if compression:
            raise DataError(f"is CSV with compression {compression!r}, which Tiled never writes; {_FORMAT_FIX}")
        text = data.text or ""
        if not _CSV_CHARS.fullmatch(text):
            raise DataError("holds CSV with something other than numbers and commas; re-save the map from Tiled")
        try:
            values = np.fromstring(text, dtype=np.int64, sep=",")
        except ValueError:
            raise DataError("holds malformed CSV (an empty entry?); re-save the map from Tiled") from None
    elif encoding == "base64":
        text = "".join((data.text or "").split())
        # base64 of 4n bytes is at most 4 * ceil(4n / 3) characters: refuse more unread.
        if len(text) > 4 * (-(-4 * n // 3)) + 4 and compression is None:
            raise DataError(f"holds more base64 than {width}x{height} cells need; re-save the map from Tiled")
        try:
            raw = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise DataError("holds invalid base64; re-save the map from Tiled") from None
        if compression is None:
            blob = raw
        elif compression == "zlib":
            blob = _inflate(raw, zlib.MAX_WBITS, 4 * n, "zlib")
        elif compression == "gzip":
            blob = _inflate(raw, 16 + zlib.MAX_WBITS, 4 * n, "gzip")
        elif compression == "zstd":
            raise DataError(f"is zstd-compressed, which previs does not read; {_FORMAT_FIX}")
        else:
            raise DataError(f"uses unknown compression {compression!r}; {_FORMAT_FIX}")
        if len(blob) != 4 * n:
            raise DataError(
                f"decodes to {len(blob) // 4} cells but the layer is {width}x{height} = {n}; "
                f"the file is damaged or truncated: re-save it from Tiled"
            )
        values = np.frombuffer(blob, dtype="<u4").astype(np.int64)
    else:
        raise DataError(f"uses unknown encoding {encoding!r}; {_FORMAT_FIX}")
    if values.size != n:
        raise DataError(
            f"holds {values.size} cells but the layer is {width}x{height} = {n}; "
            f"the file is damaged or truncated: re-save it from Tiled"
        )
    if values.size and (values.min() < 0 or values.max() > 0xFFFFFFFF):
        raise DataError("holds a gid outside 0..4294967295; re-save the map from Tiled")
    return values.astype(np.uint32).reshape(height, width)
