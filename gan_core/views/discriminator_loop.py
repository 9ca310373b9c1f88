"""What a live view of the discriminator loop needs at one moment, detached, on the CPU, plain
numpy and numbers (picklable): D's heat map, the real points, the negatives, the latest (or
current) ascent with its paths, and the scored per-round records."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ..evaluation.discriminator_loop import loop_records
from ..training.discriminator_loop import DiscriminatorLoop

HEAT_RESOLUTION = 60  # heat map cells per axis, as the 2D lab's
VIEW_POINTS = 500  # real points drawn
MAX_NEGATIVES = 1000  # negatives drawn: the random ones and the newest ascended ones
MAX_PATHS = 40  # ascent paths drawn; more is a tangle


@dataclass(frozen=True)
class DiscriminatorLoopSnapshot:
    round: int  # the round in progress (1-based)
    phase: str  # "training D" or "ascending"
    d_updates: int
    seconds: float  # spent training D and ascending
    bounds: tuple[float, float]  # the view square on both axes
    grid_axis: np.ndarray  # (res,) coordinates of the heat map's cells along each axis
    d_grid: np.ndarray  # (res, res) D(x), a probability, at (y = axis[i], x = axis[j])
    real: np.ndarray  # (n, 2) fixed real points
    negatives: np.ndarray  # (m, 2) what D is trained against (random ones first)
    ascended: np.ndarray  # (k, 2) the latest ascent's points (where it has got to while ascending)
    trajectories: np.ndarray  # (paths, kept, 2) the paths of the first ascended points, from their starts
    history: tuple[dict, ...]  # one row of numbers per finished round (evaluation.loop_records)


@torch.no_grad()
def take_loop_snapshot(
    loop: DiscriminatorLoop,
    *,
    heat_resolution: int = HEAT_RESOLUTION,
    n_points: int = VIEW_POINTS,
    max_negatives: int = MAX_NEGATIVES,
    max_paths: int = MAX_PATHS,
) -> DiscriminatorLoopSnapshot:
    low, high = loop.bounds
    axis = np.linspace(low, high, heat_resolution, dtype=np.float32)
    xs, ys = np.meshgrid(axis, axis)  # rows follow y, columns x
    cells = torch.from_numpy(np.stack([xs.ravel(), ys.ravel()], axis=1))  # (res*res, 2)
    d_grid = torch.sigmoid(loop.discriminator(cells)).reshape(heat_resolution, heat_resolution)
    random, ascended = loop.random_negatives, loop.ascended_negatives
    room = max(max_negatives - len(random), 0)
    negatives = torch.cat([random[:max_negatives], ascended[-room:] if room else ascended[:0]])
    paths = loop.latest_trajectories[:, :max_paths].transpose(0, 1)  # (paths, kept, 2)
    return DiscriminatorLoopSnapshot(
        round=loop.round,
        phase=loop.phase,
        d_updates=loop.d_updates,
        seconds=loop.seconds,
        bounds=(float(low), float(high)),
        grid_axis=axis,
        d_grid=d_grid.numpy(),
        real=loop.reference[:n_points].numpy().copy(),
        negatives=negatives.numpy().copy(),
        ascended=loop.latest_points.numpy().copy(),
        trajectories=paths.numpy().copy(),
        history=tuple(loop_records(loop)),
    )
