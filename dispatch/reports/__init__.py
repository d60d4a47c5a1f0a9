"""The network's numbers: rollups kept by jobs and the reports read from them (issue 21)."""
