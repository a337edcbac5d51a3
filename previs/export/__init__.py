"""One small writer per output file; each writes the one in-memory shot plan / track."""
