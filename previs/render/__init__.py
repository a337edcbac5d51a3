"""Rendering side: OpenGL renderer, window app, animatic and report (imports pygame/OpenGL)."""
