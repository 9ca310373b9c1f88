"""Plot builders: pure functions from snapshots and histories to plotly figures."""
