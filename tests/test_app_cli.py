"""``previs walk`` and ``previs still`` from the command line (headless)."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pygame
import pytest

from previs.cli import main

ARENA = Path(__file__).parent / "data" / "render" / "arena.tmx"


def png_size(path):
    return pygame.image.load(str(path)).get_size()


def test_still_writes_a_png_of_the_asked_size(tmp_path, capsys):
    out = tmp_path / "sub" / "frame.png"
    assert main(["still", str(ARENA), "--time", "2.5", "-o", str(out), "--size", "320x180", "--hud",
                 "--overlays"]) == 0
    assert png_size(out) == (320, 180)
    assert "frame 60" in capsys.readouterr().out
    assert not list(out.parent.glob(".*.part"))  # written atomically, nothing left behind


def test_still_of_a_take(tmp_path, capsys):
    from previs.level.loader import load_level
    from previs.sim.take import write_take
    from previs.sim.walker import TickCmd

    take = tmp_path / "t.take"
    write_take(take, load_level(ARENA), [TickCmd(forward=127)] * 30 + [TickCmd(turn=300)] * 10)
    out = tmp_path / "take.png"
    assert main(["still", str(ARENA), "--take", str(take), "--time", "1.5", "-o", str(out), "--size", "160x90"]) == 0
    assert png_size(out) == (160, 90)
    assert main(["still", str(ARENA), "--take", str(take), "--time", "2", "-o", str(out)]) == 1
    assert "past the end of the take" in capsys.readouterr().err


def test_still_refuses_a_time_past_the_end(tmp_path, capsys):
    assert main(["still", str(ARENA), "--time", "60", "-o", str(tmp_path / "x.png")]) == 1
    err = capsys.readouterr().err
    assert "past the end" in err and "7.958 s" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x.png").exists()


def test_walk_headless_runs_n_frames_and_saves_a_screenshot(tmp_path, capsys):
    shot = tmp_path / "walk.png"
    assert main(["walk", str(ARENA), "--headless", "--frames", "24", "--start", "2", "--size", "256x144",
                 "--screenshot", str(shot), "--takes", str(tmp_path / "takes")]) == 0
    assert png_size(shot) == (256, 144)
    assert "frame 71" in capsys.readouterr().out  # starts at 48, 23 ticks after the first frame


def test_walk_headless_needs_frames(capsys):
    assert main(["walk", str(ARENA), "--headless"]) == 1
    assert "--frames" in capsys.readouterr().err


@pytest.mark.parametrize("argv, status, words", [
    (["still", "nope.tmx", "--time", "1", "-o", "x.png"], 1, "does not exist"),
    (["still", str(ARENA), "--time", "-1", "-o", "x.png"], 2, "seconds 0-86400"),
    (["walk", str(ARENA), "--size", "1280by720"], 2, "WIDTHxHEIGHT"),
    (["walk", str(ARENA), "--size", "10x10"], 2, "out of range"),
    (["walk", str(ARENA), "--mode", "fly"], 2, "invalid choice"),
])
def test_errors_are_one_readable_line_without_traceback(argv, status, words, tmp_path):
    r = subprocess.run([sys.executable, "-m", "previs", *argv], capture_output=True, text=True, cwd=tmp_path,
                       env={**__import__("os").environ, "SDL_VIDEODRIVER": "offscreen"})
    assert r.returncode == status, r.stderr
    assert words in r.stderr
    assert "Traceback" not in r.stderr


def test_no_opengl_is_explained_with_the_packages_to_install(monkeypatch):
    from previs.errors import PrevisError
    from previs.gl import context

    def no_gl(*a, **k):
        raise pygame.error("Could not create EGL context")

    monkeypatch.setattr(pygame.display, "set_mode", no_gl)
    with pytest.raises(PrevisError) as e:
        context.create_offscreen_context()
    (msg,) = e.value.problems
    assert "OpenGL 3.3" in msg and "libegl1 libgl1-mesa-dri" in msg


def test_help_teaches(capsys):
    for cmd in ("walk", "still"):
        with pytest.raises(SystemExit):
            main([cmd, "--help"])
        out = capsys.readouterr().out
        assert "examples:" in out and f"previs {cmd} levels/" in out
