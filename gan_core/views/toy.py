"""What a live view of a 2D/1D run needs at one iteration, computed without training gradients.

A `Snapshot` is immutable, detached and on the CPU (numpy arrays), so a worker thread can hand
it to the page while training goes on. Points come from a fixed noise batch and a fixed real
batch, so from one snapshot to the next a person sees the same samples move.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
import torch

from ..evaluation.toy_run import evaluate_toy_run
from ..networks import eval_mode
from ..objectives import losses
from ..sampling.sampler import fixed_noise, fixed_real, noise_grid

VIEW_POINTS = 500  # real and generated points drawn
HEAT_RESOLUTION = 60  # heatmap cells per axis
MANIFOLD_RESOLUTION = 20  # noise grid lines per axis


@dataclass(frozen=True)
class Snapshot:
    iteration: int
    d_updates: int
    g_updates: int
    dim: int  # 1 or 2
    bounds: tuple[float, float]  # the view square on every axis
    real: np.ndarray  # (n, dim)
    fake: np.ndarray  # (n, dim), from the fixed noise batch
    grid_axis: np.ndarray  # (res,) coordinates of the heatmap cells along each axis
    d_grid: np.ndarray  # (res, res) D output at (y = axis[i], x = axis[j]); (res,) in 1D
    d_neutral: float  # the output that means "cannot tell" (0.5, or 0 for a critic)
    d_is_probability: bool
    manifold: np.ndarray  # (g, g, dim) image of a regular noise grid; (g, dim) for 1-d noise
    manifold_noise: np.ndarray  # (g,) the noise coordinates of that grid along each axis
    gradients: np.ndarray  # (n, dim) -dL_G/dx per generated sample: where G is pushed
    d_real: np.ndarray  # (n,) D output on the real samples
    d_fake: np.ndarray  # (n,) D output on the generated samples
    d_loss: float
    g_loss: float
    metrics: dict = field(default_factory=dict)
    diverged: str | None = None

    def with_metrics(self, metrics: dict) -> Snapshot:
        return dataclasses.replace(self, metrics=dict(metrics))


def take_snapshot(
    trainer,
    n_points: int = VIEW_POINTS,
    heat_resolution: int = HEAT_RESOLUTION,
    manifold_resolution: int = MANIFOLD_RESOLUTION,
    with_metrics: bool = False,
) -> Snapshot:
    """The state of a toy-data run for a live view; `with_metrics` adds the mixture metrics on
    the standard 2,500 samples (a few milliseconds more).

    The view shows the generator being trained, whose samples the heatmap judges and the arrows
    push; the metrics score the generator samples are drawn from (its weight average when EMA
    is on, which trails the trained one by about 1 / (1 - ema) iterations)."""
    generator, discriminator = trainer.objective.generator, trainer.objective.discriminator
    loss_name = trainer.config.train.loss
    dim = trainer.data.dim
    low, high = trainer.data.bounds
    with eval_mode(generator, discriminator):
        with torch.no_grad():
            fake = generator(fixed_noise(trainer, n_points))
            real = fixed_real(trainer, n_points).to(trainer.device)
            axis = np.linspace(low, high, heat_resolution, dtype=np.float32)
            if dim == 1:
                cells = torch.from_numpy(axis).unsqueeze(1)
            else:
                gx, gy = np.meshgrid(axis, axis)
                cells = torch.from_numpy(np.stack([gx.ravel(), gy.ravel()], axis=1))
            d_grid = _d_output(discriminator, cells.to(trainer.device), loss_name)
            shape = (heat_resolution,) if dim == 1 else (heat_resolution, heat_resolution)
            manifold_axis, z_grid = noise_grid(trainer, manifold_resolution)
            manifold = generator(z_grid).cpu().numpy()
            if trainer.config.model.noise_dim > 1:
                manifold = manifold.reshape(manifold_resolution, manifold_resolution, dim)
            d_real = _d_output(discriminator, real, loss_name)
            d_fake = _d_output(discriminator, fake, loss_name)
        gradients = _generator_gradients(trainer, fake, loss_name)
    metrics = evaluate_toy_run(trainer) if with_metrics else {}
    losses_now = trainer.last_losses
    return Snapshot(
        iteration=trainer.iteration,
        d_updates=trainer.updates["discriminator"],
        g_updates=trainer.updates["generator"],
        dim=dim,
        bounds=(float(low), float(high)),
        real=real.cpu().numpy(),
        fake=fake.cpu().numpy(),
        grid_axis=axis,
        d_grid=d_grid.reshape(shape),
        d_neutral=0.5 if loss_name not in losses.CRITIC_LOSSES else 0.0,
        d_is_probability=loss_name in losses.PROBABILISTIC_LOSSES,
        manifold=manifold,
        manifold_noise=manifold_axis,
        gradients=gradients,
        d_real=d_real,
        d_fake=d_fake,
        d_loss=losses_now["d_loss"],
        g_loss=losses_now["g_loss"],
        metrics=metrics,
        diverged=trainer.diverged,
    )


def _d_output(discriminator, x: torch.Tensor, loss_name: str) -> np.ndarray:
    """D's output per sample. A packed discriminator (PacGAN) judges each point repeated `pack`
    times, so the heatmap still reads as "how real does this point look"."""
    pack = getattr(discriminator, "pack", 1)
    if pack > 1:
        x = x.repeat_interleave(pack, dim=0)
    return losses.discriminator_output(loss_name, discriminator(x)).cpu().numpy()


def _generator_gradients(trainer, fake: torch.Tensor, loss_name: str) -> np.ndarray:
    """-dL_G/dx for each generated sample, times the batch size (undoing the mean), i.e. the
    direction and strength with which the generator's loss moves each sample."""
    discriminator = trainer.objective.discriminator
    pack = getattr(discriminator, "pack", 1)
    x = fake.detach().clone().requires_grad_(True)
    with eval_mode(discriminator):
        inputs = x.repeat_interleave(pack, dim=0) if pack > 1 else x
        loss = losses.GENERATOR_LOSSES[loss_name](discriminator(inputs))
        (grad,) = torch.autograd.grad(loss, x)
    return (-grad * len(x)).cpu().numpy()
