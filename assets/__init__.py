"""Shaders and fonts, installed as the package ``previs.assets`` (see pyproject.toml).

Read them with ``importlib.resources.files("previs.assets") / "shaders" / "world.vert"``;
they live at the top of the repository so that they are easy to find and edit.
"""
