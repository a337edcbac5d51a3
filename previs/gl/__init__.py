"""The GL core: context, shaders, meshes and a renderer that draws a frame description."""
