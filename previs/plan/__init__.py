"""Shot planning: turn cuts, shots, in-view performers, safety and comfort findings."""
