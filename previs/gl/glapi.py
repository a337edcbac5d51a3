"""Thin OpenGL 3.3 core helpers: shaders from ``previs.assets``, buffers, vertex arrays.

Import this module (not ``OpenGL.GL`` directly) everywhere in the rendering side (``previs.gl``, ``window``, ``animatic``, ``report``): it turns
PyOpenGL's per-call ``glGetError`` checking off before ``OpenGL.GL`` is first imported.
That check adds a ``glGetError`` round trip to every GL call. A frame makes only ~40 calls
(instancing, merged meshes), so it costs little: benchmarks/render.py on the finale,
quiet machine, main thread 1.07 ms a frame with it off, 1.22 ms on. Set
``PREVIS_GL_DEBUG=1`` to turn it on while debugging (tests/test_render_gl_errors.py runs a
frame of everything that way).
"""

from __future__ import annotations

import ctypes
import importlib.resources
import os

import sys


def _has_display() -> bool:
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def use_offscreen_driver_if_headless() -> None:
    """Pick SDL's ``offscreen`` video driver when there is no display and none was chosen,
    and tell PyOpenGL to talk EGL to it (SDL's offscreen driver makes EGL contexts; PyOpenGL
    would otherwise assume GLX and find no current context)."""
    if not os.environ.get("SDL_VIDEODRIVER") and not _has_display():
        os.environ["SDL_VIDEODRIVER"] = "offscreen"
    if os.environ.get("SDL_VIDEODRIVER") == "offscreen":
        os.environ.setdefault("PYOPENGL_PLATFORM", "egl")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")  # previs makes no sound
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")


# Must run before OpenGL is imported: PyOpenGL fixes its platform (GLX/EGL) on import.
use_offscreen_driver_if_headless()

import OpenGL  # noqa: E402

if os.environ.get("PREVIS_GL_DEBUG", "") in ("", "0"):
    OpenGL.ERROR_CHECKING = False
OpenGL.ERROR_LOGGING = False

import numpy as np  # noqa: E402
from OpenGL import GL  # noqa: E402,F401  (re-exported for the rendering side)

from ..errors import PrevisError  # noqa: E402


class RenderError(PrevisError):
    """The renderer cannot work (no OpenGL 3.3, a shader that does not compile, ...)."""


def asset_text(*parts: str) -> str:
    """Text of an asset file, e.g. ``asset_text("shaders", "world.vert")``."""
    node = importlib.resources.files("previs.assets")
    for p in parts:
        node = node / p
    try:
        return node.read_text(encoding="utf-8")
    except OSError as e:
        raise RenderError(f"previs asset {'/'.join(parts)} is missing ({e.strerror}); "
                          "reinstall previs (pip install -e .).") from None


def asset_path(*parts: str) -> str:
    """Filesystem path of an asset (fonts are opened by path)."""
    node = importlib.resources.files("previs.assets")
    for p in parts:
        node = node / p
    return os.fspath(node)


def _compile(kind, source: str, name: str) -> int:
    sh = GL.glCreateShader(kind)
    GL.glShaderSource(sh, source)
    GL.glCompileShader(sh)
    if not GL.glGetShaderiv(sh, GL.GL_COMPILE_STATUS):
        log = GL.glGetShaderInfoLog(sh)
        log = log.decode(errors="replace") if isinstance(log, bytes) else str(log)
        GL.glDeleteShader(sh)
        raise RenderError(f"shader {name} does not compile: {log.strip()}")
    return sh


def _define(source: str, defines: tuple[str, ...]) -> str:
    """``source`` with ``#define NAME`` lines inserted after its ``#version`` line."""
    if not defines:
        return source
    head, _, rest = source.partition("\n")
    return head + "\n" + "".join(f"#define {d}\n" for d in defines) + rest


class Program:
    """A linked shader program from ``assets/shaders/<name>.vert`` and ``<frag>.frag``
    (``frag`` defaults to ``name``) compiled with ``defines``, with uniform locations
    looked up once."""

    def __init__(self, name: str, frag: str | None = None, defines: tuple[str, ...] = ()):
        self.name = name
        frag = frag or name
        vs = _compile(GL.GL_VERTEX_SHADER, _define(asset_text("shaders", f"{name}.vert"), defines), f"{name}.vert")
        fs = _compile(GL.GL_FRAGMENT_SHADER, _define(asset_text("shaders", f"{frag}.frag"), defines), f"{frag}.frag")
        prog = GL.glCreateProgram()
        GL.glAttachShader(prog, vs)
        GL.glAttachShader(prog, fs)
        GL.glLinkProgram(prog)
        GL.glDeleteShader(vs)
        GL.glDeleteShader(fs)
        if not GL.glGetProgramiv(prog, GL.GL_LINK_STATUS):
            log = GL.glGetProgramInfoLog(prog)
            log = log.decode(errors="replace") if isinstance(log, bytes) else str(log)
            raise RenderError(f"shader program {name} does not link: {log.strip()}")
        self.id = prog
        self._loc: dict[str, int] = {}

    def loc(self, uniform: str) -> int:
        loc = self._loc.get(uniform)
        if loc is None:
            loc = GL.glGetUniformLocation(self.id, uniform)
            self._loc[uniform] = loc
        return loc

    def use(self) -> None:
        GL.glUseProgram(self.id)

    def delete(self) -> None:
        if self.id:
            GL.glDeleteProgram(self.id)
            self.id = 0


def set_mat4(prog: Program, name: str, m: np.ndarray) -> None:
    """Upload a row-major float32 4x4 (numpy) as a GLSL ``mat4`` (transposed on upload)."""
    GL.glUniformMatrix4fv(prog.loc(name), 1, GL.GL_TRUE, m)


def make_buffer(data: np.ndarray | None, target=None, usage=None, nbytes: int | None = None) -> int:
    """A new buffer object filled with ``data`` (or ``nbytes`` uninitialised)."""
    target = GL.GL_ARRAY_BUFFER if target is None else target
    usage = GL.GL_STATIC_DRAW if usage is None else usage
    buf = GL.glGenBuffers(1)
    GL.glBindBuffer(target, buf)
    if data is not None:
        data = np.ascontiguousarray(data)
        GL.glBufferData(target, data.nbytes, data, usage)
    else:
        GL.glBufferData(target, int(nbytes or 0), None, usage)
    return int(buf)


def attrib(index: int, size: int, stride: int, offset: int, divisor: int = 0,
           gltype=None, normalized: bool = False) -> None:
    """Describe vertex attribute ``index`` of the bound ARRAY_BUFFER (float32 by default)."""
    gltype = GL.GL_FLOAT if gltype is None else gltype
    GL.glEnableVertexAttribArray(index)
    GL.glVertexAttribPointer(index, size, gltype, GL.GL_TRUE if normalized else GL.GL_FALSE,
                             stride, ctypes.c_void_p(offset))
    if divisor:
        GL.glVertexAttribDivisor(index, divisor)


def delete_buffers(*bufs: int) -> None:
    ids = [b for b in bufs if b]
    if ids:
        GL.glDeleteBuffers(len(ids), ids)


def delete_vertex_arrays(*vaos: int) -> None:
    ids = [v for v in vaos if v]
    if ids:
        GL.glDeleteVertexArrays(len(ids), ids)


def has_clip_control() -> bool:
    """Whether the current context has ``glClipControl`` (OpenGL 4.5 or ARB_clip_control)."""
    version = GL.glGetString(GL.GL_VERSION) or b""
    major_minor = version.split()[0].split(b".")[:2] if version else [b"0", b"0"]
    try:
        if tuple(int(v) for v in major_minor) >= (4, 5):
            return True
    except ValueError:
        pass
    n = int(GL.glGetIntegerv(GL.GL_NUM_EXTENSIONS))
    return any(GL.glGetStringi(GL.GL_EXTENSIONS, i) == b"GL_ARB_clip_control" for i in range(n))


def rows_run_down(clip_control: bool | None = None) -> bool:
    """Whether the current context draws with the window origin at the top left
    (``glClipControl(GL_UPPER_LEFT)``, which holds for the whole context once set); False
    without clip control (asked only where it exists: no GL error is left behind).
    ``clip_control``: :func:`has_clip_control` of this context, if already known."""
    if not (has_clip_control() if clip_control is None else clip_control):
        return False
    return int(np.ravel(GL.glGetIntegerv(GL.GL_CLIP_ORIGIN))[0]) == int(GL.GL_UPPER_LEFT)
