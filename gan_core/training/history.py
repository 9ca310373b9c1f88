"""Bounded history of per-iteration scalars (losses, metrics) for charts.

However long a run goes, memory stays fixed: when a series fills up, every other point is
dropped and only every second iteration is kept from then on, so the series still spans the
whole run at an even spacing.
"""

from __future__ import annotations


class BoundedHistory:
    def __init__(self, capacity: int = 2000):
        if capacity < 4:
            raise ValueError("history capacity must be at least 4")
        self.capacity = capacity
        self.stride = 1  # keep one record every `stride` offers
        self._offered = 0
        self.rows: list[dict[str, float]] = []

    def offer(self, row: dict[str, float]) -> None:
        """Record `row` (it must hold an "iteration" key) if it falls on the current stride."""
        if self._offered % self.stride == 0:
            self.rows.append(dict(row))
            if len(self.rows) >= self.capacity:
                self.rows = self.rows[::2]
                self.stride *= 2
        self._offered += 1

    def columns(self) -> dict[str, list[float]]:
        """Series by name, aligned with "iteration"; a missing value is None."""
        names: list[str] = []
        for row in self.rows:
            names.extend(k for k in row if k not in names)
        return {name: [row.get(name) for row in self.rows] for name in names}

    def truncate(self, last_iteration: int) -> None:
        """Forget the rows after `last_iteration` (a run rolled back to an earlier copy)."""
        self.rows = [row for row in self.rows if row["iteration"] <= last_iteration]

    def state_dict(self) -> dict:
        return {
            "capacity": self.capacity,
            "stride": self.stride,
            "offered": self._offered,
            "rows": [dict(r) for r in self.rows],
        }

    def load_state_dict(self, state: dict) -> None:
        self.capacity = int(state["capacity"])
        self.stride = int(state["stride"])
        self._offered = int(state["offered"])
        self.rows = [{str(k): float(v) for k, v in row.items()} for row in state["rows"]]
