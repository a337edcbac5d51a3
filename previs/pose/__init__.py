"""Bodies in motion: the skeleton, locomotion, action clips, props and mocap (numpy, no GL)."""
