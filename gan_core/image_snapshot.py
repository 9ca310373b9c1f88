"""What a live view of an image run needs at one iteration, computed without training gradients.

An `ImageSnapshot` is immutable, detached and on the CPU (numpy arrays), like the 2D
`Snapshot`. Generated images come from a fixed noise batch (for the conditional GAN: one row per
class, the same noise down each column), so from one snapshot to the next a person watches the
same cells change; real images are a fixed batch ordered by class.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from . import losses
from .models import sample_noise

GRID_COLUMNS = 8  # images per row; a conditional grid has one row per class
GRID_ROWS = 8  # rows of an unconditional grid


@dataclass(frozen=True)
class ImageSnapshot:
    iteration: int
    d_updates: int
    g_updates: int
    fake: np.ndarray  # (n, C, H, W) in [-1, 1], from the fixed noise batch
    fake_labels: np.ndarray | None  # (n,) the class asked for (conditional), else None
    real: np.ndarray  # (n, C, H, W) a fixed batch of training images
    real_labels: np.ndarray  # (n,)
    d_fake: np.ndarray  # (n,) D output on each generated image
    d_real: np.ndarray  # (n,) D output on each real image
    d_is_probability: bool  # D output is a probability (else a raw score)
    columns: int  # images per grid row
    class_names: tuple[str, ...]
    d_loss: float
    g_loss: float
    metrics: dict = field(default_factory=dict)
    diverged: str | None = None


def fixed_inputs(trainer, columns: int = GRID_COLUMNS,
                 rows: int = GRID_ROWS) -> tuple[torch.Tensor, torch.Tensor | None]:
    """The same noise (and labels) for a run every time, seeded from the run's seed. For a
    conditional model: n_classes rows, the label fixed along a row, the noise along a column."""
    model = trainer.config.model
    rng = torch.Generator().manual_seed(trainer.config.train.seed + 10_000)
    if trainer.conditional:
        z = sample_noise(columns, model.noise_dim, model.noise_prior, rng).repeat(model.n_classes, 1)  # (K*cols, d)
        labels = torch.arange(model.n_classes).repeat_interleave(columns)  # (K*cols,)
        return z.to(trainer.device), labels.to(trainer.device)
    z = sample_noise(rows * columns, model.noise_dim, model.noise_prior, rng)
    return z.to(trainer.device), None


def fixed_real(trainer, columns: int = GRID_COLUMNS) -> tuple[torch.Tensor, torch.Tensor]:
    """`columns` training images of each class (at most 10 classes shown), one row per class."""
    images, labels = trainer.data.class_batch(columns)
    keep = labels < 10
    return images[keep], labels[keep]


class _EvalMode:
    def __init__(self, *modules):
        self.modules = modules

    def __enter__(self):
        self.modes = [m.training for m in self.modules]
        for m in self.modules:
            m.eval()

    def __exit__(self, *exc):
        for m, mode in zip(self.modules, self.modes):
            m.train(mode)


@torch.no_grad()
def take_image_snapshot(trainer, metrics: dict | None = None, columns: int = GRID_COLUMNS) -> ImageSnapshot:
    """The state of an image run for a live view (a few milliseconds for small models).
    `metrics`, when given, are attached (they are computed separately: see image_eval).

    As in the 2D lab, the grid shows the generator being trained, the one D's scores judge; the
    metrics score the generator samples are drawn from (its weight average when EMA is on, which
    trails the trained one by about 1 / (1 - ema) iterations)."""
    generator, discriminator = trainer.generator, trainer.discriminator
    loss_name = trainer.config.train.loss
    z, labels = fixed_inputs(trainer, columns)
    real, real_labels = fixed_real(trainer, columns)
    with _EvalMode(generator, discriminator):
        fake = generator(z, labels)
        d_fake = losses.discriminator_output(loss_name, discriminator(fake, labels))
        real_device = real.to(trainer.device)
        d_labels = real_labels.to(trainer.device) if trainer.conditional else None
        d_real = losses.discriminator_output(loss_name, discriminator(real_device, d_labels))
    d_loss, g_loss = trainer.last_losses
    return ImageSnapshot(
        iteration=trainer.iteration, d_updates=trainer.d_updates, g_updates=trainer.g_updates,
        fake=fake.cpu().numpy(), fake_labels=None if labels is None else labels.cpu().numpy(),
        real=real.numpy(), real_labels=real_labels.numpy(),
        d_fake=d_fake.cpu().numpy(), d_real=d_real.cpu().numpy(),
        d_is_probability=loss_name in losses.PROBABILISTIC_LOSSES, columns=columns,
        class_names=tuple(trainer.data.class_names), d_loss=d_loss, g_loss=g_loss,
        metrics=dict(metrics or {}), diverged=trainer.diverged,
    )


def scalar_image_metrics(metrics: dict) -> dict[str, float]:
    """One metric-history row from an evaluate_image_run result: generated scores and ratios."""
    row = {}
    generated = metrics.get("generated", {})
    for key in ("inception_score", "fid", "precision", "recall", "density", "coverage", "classes_present",
                "label_agreement"):
        if key in generated:
            row[key] = float(generated[key])
    return row
