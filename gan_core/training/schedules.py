"""Learning-rate schedules: pure functions of the iteration."""

from __future__ import annotations


def linear_decay(iteration: int, length: int) -> float:
    """1 at iteration 0, falling linearly to 0 at `length` and staying there."""
    return max(0.0, 1 - iteration / length)
