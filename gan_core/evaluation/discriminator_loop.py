"""Scoring "can the discriminator generate?": the loop's ascended points and, on the same data
with the same D, a GAN's samples, both by the mixture metrics (modes covered, high-quality share
as the 2D lab scores them), against D updates and seconds, so a page or a bench can put the two
on one axis."""

from __future__ import annotations

import dataclasses
import time

import numpy as np

from ..config import RunConfig
from ..presets import PRESETS
from ..sampling import sample_numpy
from ..training import Trainer
from ..training.discriminator_loop import DiscriminatorLoop, DiscriminatorLoopConfig
from .mixture import mode_statistics

GAN_SAMPLE_SEED = 0  # the GAN is scored on the same noise at every evaluation


def mode_numbers(points: np.ndarray, data) -> dict:
    """modes_covered, n_modes and high_quality of `points` (n, 2) against a toy distribution's
    modes (3 std, as the 2D lab); None each for a shape without modes."""
    if not data.is_mixture:
        return {"modes_covered": None, "n_modes": None, "high_quality": None}
    stats = mode_statistics(points, data.centers.numpy(), data.std)
    return {key: stats[key] for key in ("modes_covered", "n_modes", "high_quality")}


def loop_records(loop: DiscriminatorLoop) -> list[dict]:
    """One row of numbers per finished round: the loop's record (round, d_updates, seconds,
    d_ascended, d_far, far_share) with the mode metrics of that round's ascended points."""
    rows = []
    for record in loop.history:
        numbers = {key: value for key, value in record.items() if key != "points"}
        rows.append({**numbers, **mode_numbers(record["points"], loop.data)})
    return rows


def gan_baseline_config(config: DiscriminatorLoopConfig, iterations: int) -> RunConfig:
    """The ring preset's GAN on the loop's data with the loop's D (shape, learning rate, batch,
    seed). No learning-rate decay: it matters only late, and without it a curve does not depend
    on how long it is drawn."""
    base = PRESETS["ring"].config
    return dataclasses.replace(base, data=config.data).replace(
        model=dict(d_layers=config.d_layers, d_width=config.d_width),
        train=dict(
            d_lr=config.lr,
            batch_size=config.batch_size,
            seed=config.seed,
            iterations=iterations,
            lr_decay=False,
            device="cpu",
        ),
    )


def run_gan_baseline(
    config: DiscriminatorLoopConfig | None = None,
    *,
    iterations: int = 3000,
    every: int = 250,
    n_samples: int | None = None,
) -> list[dict]:
    """Train the GAN of `gan_baseline_config` and score its samples (the weight average's, as
    the lab shows them) every `every` iterations: iteration, d_updates, seconds (in training
    steps only), modes_covered, n_modes, high_quality. `n_samples` defaults to the loop's
    points per round, so both sides are scored on as many points."""
    config = config or DiscriminatorLoopConfig()
    trainer = Trainer(gan_baseline_config(config, iterations))
    n_samples = n_samples or config.n_ascent
    rows, seconds = [], 0.0
    while trainer.iteration < iterations:
        started = time.perf_counter()
        trainer.train(min(every, iterations - trainer.iteration))
        seconds += time.perf_counter() - started
        samples = sample_numpy(trainer, n_samples, GAN_SAMPLE_SEED)
        rows.append(
            {
                "iteration": trainer.iteration,
                "d_updates": trainer.updates["discriminator"],
                "seconds": seconds,
                **mode_numbers(samples, trainer.data),
            }
        )
    return rows


def first_reaching(records: list[dict], *, modes: int, high_quality: float) -> dict | None:
    """The first record with at least `modes` modes covered and that high-quality share."""
    for record in records:
        if (record["modes_covered"] or 0) >= modes and (record["high_quality"] or 0) >= high_quality:
            return record
    return None
