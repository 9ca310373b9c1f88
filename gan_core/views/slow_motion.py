"""What the slow-motion view draws after one sub-step: the sub-step itself
(gan_core.training.slow_motion.SubStep), the run's snapshot after it (heatmap, mesh) and, after
D's update, D's heatmap from before it, so the change can be shown."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..training.slow_motion import SubStep
from .toy import Snapshot


@dataclass(frozen=True)
class SlowMotionView:
    step: SubStep
    snapshot: Snapshot  # the run after the sub-step
    previous_d_grid: np.ndarray | None = None  # D's heatmap before a D update (same cells); None otherwise


def slow_motion_view(step: SubStep, snapshot: Snapshot, before: Snapshot | None) -> SlowMotionView:
    """The view of `step`; `before` is the snapshot taken before it (only its heatmap is kept, and
    only when the sub-step changed D)."""
    previous = None
    grid, now = getattr(before, "d_grid", None), getattr(snapshot, "d_grid", None)
    if step.changed == "discriminator" and grid is not None and now is not None and grid.shape == now.shape:
        previous = grid
    return SlowMotionView(step=step, snapshot=snapshot, previous_d_grid=previous)
