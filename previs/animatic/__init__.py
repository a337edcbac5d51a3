"""The POV animatic: chunks drawn by worker processes, H.264 encoding, burn-ins, progress."""
