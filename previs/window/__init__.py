"""The first-person window: one object per mode, controls, HUD layers, minimap, recorder, reload."""
