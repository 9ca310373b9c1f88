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

from ..networks import eval_mode
from ..objectives import losses
from ..sampling.sampler import fixed_image_inputs

GRID_COLUMNS = 8  # images per row; a conditional grid has one row per class
GRID_ROWS = 8  # rows of an unconditional grid
# Faces (32 pixels and up) are shown larger, so fewer fit: each at least 64 px on screen at 1280x720.
LARGE_IMAGE_GRID = (5, 4)  # (columns, rows)


def grid_shape(image_size: int) -> tuple[int, int]:
    """(columns, rows) of a run's grids: 8 x 8 small images, 5 x 4 faces."""
    return LARGE_IMAGE_GRID if image_size >= 32 else (GRID_COLUMNS, GRID_ROWS)


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


def fixed_real_images(trainer, columns: int = GRID_COLUMNS) -> tuple[torch.Tensor, torch.Tensor]:
    """`columns` training images of each class (at most 10 classes shown), one row per class."""
    images, labels = trainer.data.class_batch(columns)
    keep = labels < 10
    return images[keep], labels[keep]


@torch.no_grad()
def take_image_snapshot(trainer, metrics: dict | None = None, columns: int | None = None) -> ImageSnapshot:
    """The state of an image run for a live view (a few milliseconds for small models).
    `metrics`, when given, are attached (they are computed separately: gan_core.evaluation).

    As in the 2D lab, the grid shows the generator being trained, the one D's scores judge; the
    metrics score the generator samples are drawn from (its weight average when EMA is on, which
    trails the trained one by about 1 / (1 - ema) iterations)."""
    generator, discriminator = trainer.objective.generator, trainer.objective.discriminator
    loss_name = trainer.config.train.loss
    default_columns, rows = grid_shape(trainer.config.data.image_size)
    columns = columns or default_columns
    z, labels = fixed_image_inputs(trainer, columns, rows)
    real, real_labels = fixed_real_images(trainer, columns)
    with eval_mode(generator, discriminator):
        fake = generator(z, labels)
        d_fake = losses.discriminator_output(loss_name, discriminator(fake, labels))
        real_device = real.to(trainer.device)
        d_labels = real_labels.to(trainer.device) if trainer.objective.conditional else None
        d_real = losses.discriminator_output(loss_name, discriminator(real_device, d_labels))
    losses_now = trainer.last_losses
    return ImageSnapshot(
        iteration=trainer.iteration,
        d_updates=trainer.updates["discriminator"],
        g_updates=trainer.updates["generator"],
        fake=fake.cpu().numpy(),
        fake_labels=None if labels is None else labels.cpu().numpy(),
        real=real.numpy(),
        real_labels=real_labels.numpy(),
        d_fake=d_fake.cpu().numpy(),
        d_real=d_real.cpu().numpy(),
        d_is_probability=loss_name in losses.PROBABILISTIC_LOSSES,
        columns=columns,
        class_names=tuple(trainer.data.class_names),
        d_loss=losses_now["d_loss"],
        g_loss=losses_now["g_loss"],
        metrics=dict(metrics or {}),
        diverged=trainer.diverged,
    )
