"""OpenGL contexts through pygame/SDL: a visible window, or a hidden one for offscreen work.

previs asks for OpenGL **3.3 core**. With no display (a server, CI) SDL's ``offscreen``
video driver still gives a real context through EGL on Mesa's llvmpipe software
rasteriser, so stills, animatics and the tests run anywhere Mesa is installed.

pygame has one window per process, so there is one context at a time: a second call
closes the first.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass

from .glapi import RenderError, use_offscreen_driver_if_headless

GL_PACKAGES = "libegl1 libgl1-mesa-dri"
"""Debian/Ubuntu packages that provide OpenGL (EGL + Mesa's software driver)."""


@dataclass
class GLContext:
    """An open context. ``size`` is the window's (width, height); ``offscreen`` is True
    for hidden windows; ``version`` and ``renderer`` are the driver's strings."""

    size: tuple[int, int]
    offscreen: bool
    version: str
    renderer: str
    surface: object = None

    def close(self) -> None:
        import pygame

        pygame.display.quit()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _open(size, flags_extra: int, title: str, offscreen: bool, vsync: bool = False) -> GLContext:
    use_offscreen_driver_if_headless()
    try:
        import pygame
    except ImportError as e:  # pragma: no cover - pygame is a dependency
        raise RenderError(f"pygame is not installed ({e}); run: pip install -e .") from None
    w, h = int(size[0]), int(size[1])
    try:
        pygame.display.init()
        pygame.display.gl_set_attribute(pygame.GL_CONTEXT_MAJOR_VERSION, 3)
        pygame.display.gl_set_attribute(pygame.GL_CONTEXT_MINOR_VERSION, 3)
        pygame.display.gl_set_attribute(pygame.GL_CONTEXT_PROFILE_MASK, pygame.GL_CONTEXT_PROFILE_CORE)
        pygame.display.gl_set_attribute(pygame.GL_DEPTH_SIZE, 24)
        pygame.display.gl_set_attribute(pygame.GL_DOUBLEBUFFER, 1)
        flags = pygame.OPENGL | pygame.DOUBLEBUF | flags_extra
        with warnings.catch_warnings():
            # pygame warns when the driver cannot sync to the display (Xvfb, offscreen);
            # the window then just runs unsynced, capped by the app's clock.
            warnings.simplefilter("ignore")
            surface = pygame.display.set_mode((w, h), flags, vsync=1 if vsync else 0)
        pygame.display.set_caption(title)
    except pygame.error as e:
        driver = os.environ.get("SDL_VIDEODRIVER", "")
        hint = ""
        if driver != "offscreen" and not offscreen:
            hint = " With no screen, set SDL_VIDEODRIVER=offscreen (or run under xvfb-run)."
        raise RenderError(
            f"cannot open an OpenGL 3.3 core context ({e}). Install Mesa's OpenGL drivers: "
            f"sudo apt-get install {GL_PACKAGES}.{hint}") from None
    from .glapi import GL

    try:
        version = GL.glGetString(GL.GL_VERSION)
        renderer = GL.glGetString(GL.GL_RENDERER)
    except Exception as e:  # noqa: BLE001 - any GL failure here means no usable context
        pygame.display.quit()
        raise RenderError(f"OpenGL is not usable ({e}); install: sudo apt-get install {GL_PACKAGES}.") from None
    version = version.decode() if isinstance(version, bytes) else str(version or "")
    renderer = renderer.decode() if isinstance(renderer, bytes) else str(renderer or "")
    try:
        major, minor = (int(x) for x in version.split()[0].split(".")[:2])
    except ValueError:
        major, minor = 0, 0
    if (major, minor) < (3, 3):
        pygame.display.quit()
        raise RenderError(f"OpenGL {version} on {renderer} is older than the 3.3 previs needs; "
                          f"install Mesa's drivers: sudo apt-get install {GL_PACKAGES}.")
    return GLContext((w, h), offscreen, version, renderer, surface)


def create_offscreen_context(size: tuple[int, int] = (64, 64)) -> GLContext:
    """A hidden window whose context renders into FBOs (stills, animatic, tests).

    The window's own size hardly matters (the Renderer draws into its own framebuffer of
    any size); it defaults small."""
    use_offscreen_driver_if_headless()
    import pygame

    return _open(size, pygame.HIDDEN, "previs (offscreen)", True)


def create_window(size: tuple[int, int], title: str = "previs", fullscreen: bool = False,
                  vsync: bool = True) -> GLContext:
    """A visible window with a current context (``previs walk``)."""
    import pygame

    use_offscreen_driver_if_headless()
    flags = pygame.FULLSCREEN if fullscreen else pygame.RESIZABLE
    offscreen = os.environ.get("SDL_VIDEODRIVER") == "offscreen"
    return _open(size, flags, title, offscreen, vsync=vsync and not offscreen)
