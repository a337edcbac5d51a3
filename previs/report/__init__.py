"""The printable report: HTML page, plots and the top-down plan."""
