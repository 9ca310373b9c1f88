"""What a live view of a 2D/1D run needs at one iteration, computed without training gradients.

A `Snapshot` is immutable, detached and on the CPU (numpy arrays), so a worker thread can hand
it to the page while training goes on. Points come from a fixed noise batch and a fixed real
batch, so from one snapshot to the next a person sees the same samples move.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from . import losses
from .metrics.mixture import STANDARD_SAMPLE_COUNT, evaluate_samples
from .models import sample_noise


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


def fixed_noise(trainer, n: int) -> torch.Tensor:
    """The same n noise vectors for a run every time (seeded from the run's seed)."""
    model = trainer.config.model
    rng = torch.Generator().manual_seed(trainer.config.train.seed + 10_000)
    return sample_noise(n, model.noise_dim, model.noise_prior, rng).to(trainer.device)


def fixed_real(trainer, n: int) -> torch.Tensor:
    rng = torch.Generator().manual_seed(trainer.config.train.seed + 20_000)
    return trainer.data.sample_batch(n, rng)[0]


def noise_grid(trainer, resolution: int) -> tuple[np.ndarray, torch.Tensor]:
    """A regular grid over the first (up to) two noise dimensions, the others held at 0. It spans
    [-1, 1] for a uniform prior and +-2 std for a normal one."""
    model = trainer.config.model
    extent = 1.0 if model.noise_prior == "uniform" else 2.0
    axis = np.linspace(-extent, extent, resolution, dtype=np.float32)
    if model.noise_dim == 1:
        z = torch.from_numpy(axis).unsqueeze(1)
    else:
        zx, zy = np.meshgrid(axis, axis)
        z = torch.zeros(resolution * resolution, model.noise_dim)
        z[:, 0] = torch.from_numpy(zx.ravel())
        z[:, 1] = torch.from_numpy(zy.ravel())
    return axis, z.to(trainer.device)


def _eval_mode(*modules):
    class _Context:
        def __enter__(self):
            self.modes = [m.training for m in modules]
            for m in modules:
                m.eval()

        def __exit__(self, *exc):
            for m, mode in zip(modules, self.modes):
                m.train(mode)
    return _Context()


def take_snapshot(trainer, n_points: int = 500, heat_resolution: int = 60, manifold_resolution: int = 20,
                  with_metrics: bool = False) -> Snapshot:
    """The state of a toy-data run for a live view; `with_metrics` adds the mixture metrics on
    the standard 2,500 samples (a few milliseconds more).

    The view shows the generator being trained, whose samples the heatmap judges and the arrows
    push; the metrics score the generator samples are drawn from (its weight average when EMA
    is on, which trails the trained one by about 1 / (1 - ema) iterations)."""
    generator, discriminator = trainer.generator, trainer.discriminator
    loss_name = trainer.config.train.loss
    dim = trainer.data.dim
    low, high = trainer.data.bounds
    with _eval_mode(generator, discriminator):
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
    metrics = evaluate(trainer) if with_metrics else {}
    d_loss, g_loss = trainer.last_losses
    return Snapshot(
        iteration=trainer.iteration, d_updates=trainer.d_updates, g_updates=trainer.g_updates,
        dim=dim, bounds=(float(low), float(high)),
        real=real.cpu().numpy(), fake=fake.cpu().numpy(),
        grid_axis=axis, d_grid=d_grid.reshape(shape),
        d_neutral=0.5 if loss_name not in losses.CRITIC_LOSSES else 0.0,
        d_is_probability=loss_name in losses.PROBABILISTIC_LOSSES,
        manifold=manifold, manifold_noise=manifold_axis, gradients=gradients,
        d_real=d_real, d_fake=d_fake, d_loss=d_loss, g_loss=g_loss,
        metrics=metrics, diverged=trainer.diverged,
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
    discriminator = trainer.discriminator
    pack = getattr(discriminator, "pack", 1)
    x = fake.detach().clone().requires_grad_(True)
    with _eval_mode(discriminator):
        inputs = x.repeat_interleave(pack, dim=0) if pack > 1 else x
        loss = losses.GENERATOR_LOSSES[loss_name](discriminator(inputs))
        (grad,) = torch.autograd.grad(loss, x)
    return (-grad * len(x)).cpu().numpy()


@torch.no_grad()
def sample(trainer, n: int, seed: int = 0) -> np.ndarray:
    """n samples from the run's (averaged) generator, from noise seeded by `seed`."""
    model = trainer.config.model
    rng = torch.Generator().manual_seed(seed)
    generator = trainer.sampling_generator
    with _eval_mode(generator):
        z = sample_noise(n, model.noise_dim, model.noise_prior, rng).to(trainer.device)
        labels = None
        if trainer.conditional:
            labels = torch.randint(model.n_classes, (n,), generator=rng).to(trainer.device)
        return generator(z, labels).cpu().numpy()


def evaluate(trainer, n: int = STANDARD_SAMPLE_COUNT, seed: int = 0) -> dict:
    """The mixture metrics on n generated samples against n real ones (fixed seeds, so two
    evaluations of the same weights agree)."""
    fake = sample(trainer, n, seed)
    real = trainer.data.sample_batch(n, torch.Generator().manual_seed(seed + 1))[0].numpy()
    data = trainer.data
    centers = data.centers.numpy() if data.is_mixture else None
    return evaluate_samples(fake, real, data.bounds, centers, data.std)
