"""gridgov (网格治理): grassroots governance for a county."""
