"""Scoring a 2D/1D run: the mixture metrics (gan_core/evaluation/mixture.py) on samples of its
generator against samples of its data, at fixed seeds so two evaluations of the same weights
agree."""

from __future__ import annotations

import torch

from ..sampling import sample_numpy
from .mixture import STANDARD_SAMPLE_COUNT, evaluate_samples

REAL_SEED_OFFSET = 1  # real samples are drawn with seed + 1, generated ones with the seed


def evaluate_toy_run(trainer, n: int = STANDARD_SAMPLE_COUNT, seed: int = 0, live: bool = False) -> dict:
    """The mixture metrics on n generated samples against n real ones. `live`: score the
    generator being trained instead of its weight average."""
    fake = sample_numpy(trainer, n, seed, live=live)
    real = trainer.data.sample_batch(n, torch.Generator().manual_seed(seed + REAL_SEED_OFFSET))[0].numpy()
    data = trainer.data
    centers = data.centers.numpy() if data.is_mixture else None
    return evaluate_samples(fake, real, data.bounds, centers, data.std)


def metric_row(metrics: dict) -> dict[str, float]:
    """One metric-history row from an evaluate_toy_run result: its numbers (the mode_counts list
    and flags left out)."""
    return {k: float(v) for k, v in metrics.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
