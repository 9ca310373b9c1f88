"""A live run's timeline: snapshots kept at milestone iterations and periodically after, bounded."""

from __future__ import annotations

import bisect

TIMELINE_MILESTONES = (0, 100, 1000, 2000, 5000, 10_000, 20_000)


class Timeline:
    """Snapshots at the milestone iterations and every `every` iterations after the last one,
    at most `capacity`: when full, every second periodic snapshot goes and the period doubles,
    so a long run keeps an even spread (milestones are always kept)."""

    def __init__(self, every: int = 5000, capacity: int = 40, milestones=TIMELINE_MILESTONES):
        self.every = every
        self.capacity = max(capacity, len(milestones) + 2)
        self.milestones = tuple(sorted(milestones))
        self._snapshots: dict = {}

    def wants(self, iteration: int) -> bool:
        if iteration in self.milestones:
            return True
        last = self.milestones[-1] if self.milestones else 0
        return iteration > last and (iteration - last) % self.every == 0

    def add(self, snapshot) -> None:
        self._snapshots[snapshot.iteration] = snapshot
        if len(self._snapshots) > self.capacity:
            self.every *= 2
            last = self.milestones[-1] if self.milestones else 0
            self._snapshots = {
                i: s
                for i, s in self._snapshots.items()
                if i in self.milestones or i <= last or (i - last) % self.every == 0
            }

    def iterations(self) -> list[int]:
        return sorted(self._snapshots)

    def get(self, iteration: int):
        """The kept snapshot at `iteration`, or the nearest one before it."""
        kept = self.iterations()
        index = max(bisect.bisect_right(kept, iteration) - 1, 0)
        return self._snapshots[kept[index]]

    def __len__(self) -> int:
        return len(self._snapshots)

    def describe(self) -> str:
        """When snapshots are kept, in words (for the page's caption)."""
        milestones = ", ".join(f"{m:,}" for m in self.milestones)
        return f"at iterations {milestones} and every {self.every:,} after that"
