"""The live speed a page shows: iterations per second between two looks, smoothed."""

from __future__ import annotations

import time


class RateMeter:
    """Iterations per second, measured each time a snapshot goes out (about 4 times a second)
    and smoothed over the last few; `restart` when training starts again after a pause."""

    def __init__(self, iteration: int = 0):
        self.rate = 0.0
        self.restart(iteration)

    def restart(self, iteration: int) -> None:
        self.mark = (time.perf_counter(), iteration)

    def measure(self, iteration: int) -> float:
        now = time.perf_counter()
        mark_time, mark_iteration = self.mark
        if now > mark_time and iteration >= mark_iteration:
            rate = (iteration - mark_iteration) / (now - mark_time)
            self.rate = rate if self.rate == 0 else 0.5 * self.rate + 0.5 * rate
        self.mark = (now, iteration)
        return self.rate
