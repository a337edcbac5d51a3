"""PNG files of rendered frames (pygame's encoder), written atomically."""

from __future__ import annotations


def save_png(path: str, rgb) -> None:
    """Write an (H, W, 3) uint8 image as PNG, atomically (no half-written file on failure)."""
    import io
    from pathlib import Path

    import pygame

    from ..fsutil import atomic_write_bytes

    h, w = rgb.shape[:2]
    surf = pygame.image.frombuffer(rgb.tobytes(), (w, h), "RGB")
    buf = io.BytesIO()
    pygame.image.save(surf, buf, "frame.png")
    out = Path(path)
    if out.parent and not out.parent.exists():
        from ..errors import PrevisError

        try:
            out.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise PrevisError(f"{out.parent}: cannot create the folder ({e.strerror}).") from None
    atomic_write_bytes(out, buf.getvalue())
