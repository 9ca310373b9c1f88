"""Low-dimensional toy distributions, generated on the fly (no files, no downloads).

Every distribution is sampled with a caller's seeded `torch.Generator`, so a run is repeatable.
Gaussian mixtures also carry their mode centres and std, which the mixture metrics need.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import torch

from ..config import DataConfig


@dataclass(frozen=True)
class ToyDistribution:
    """A sampler for one 2D (or 1D) distribution.

    `centers`/`std` are set for Gaussian mixtures (what mode metrics score against), `None` for
    shapes without modes. `bounds` is the square a view should show: (low, high) on every axis.
    """

    name: str
    dim: int
    bounds: tuple[float, float]
    centers: torch.Tensor | None = None  # (M, dim)
    std: float | None = None
    shape_sampler: object = None  # callable(n, generator) -> (n, dim) for non-mixtures

    @property
    def is_mixture(self) -> bool:
        return self.centers is not None

    def sample(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """(n, dim) float32 samples on the CPU."""
        if self.is_mixture:
            modes = torch.randint(len(self.centers), (n,), generator=generator)
            noise = torch.randn(n, self.dim, generator=generator)
            return self.centers[modes] + self.std * noise
        return self.shape_sampler(n, generator)

    def sample_batch(self, n: int, generator: torch.Generator | None = None):
        """(samples, labels) as the trainer takes them; toy data has no labels."""
        return self.sample(n, generator), None

    def density(self, x: torch.Tensor) -> torch.Tensor:
        """Mixture density at x (n, dim): the mean of isotropic Gaussians at the centres."""
        if not self.is_mixture:
            raise ValueError(f"{self.name} has no closed-form density")
        sq = torch.cdist(x.double(), self.centers.double()) ** 2  # (n, M)
        norm = (2 * math.pi * self.std**2) ** (self.dim / 2)
        return (torch.exp(-sq / (2 * self.std**2)) / norm).mean(dim=1)


def ring_centers(n_modes: int, radius: float) -> torch.Tensor:
    # endpoint=False: the last angle must not repeat the first, or one mode would be doubled.
    angles = torch.arange(n_modes, dtype=torch.float64) * (2 * math.pi / n_modes)
    return torch.stack([radius * torch.cos(angles), radius * torch.sin(angles)], dim=1).float()


def grid_centers(n_modes: int, spacing: float) -> torch.Tensor:
    side = math.isqrt(n_modes)
    if side * side != n_modes:
        raise ValueError(f"grid needs a square number of modes (4, 9, 16, 25, ...), got {n_modes}")
    ticks = (torch.arange(side, dtype=torch.float32) - (side - 1) / 2) * spacing  # 5 -> -4..4 step 2
    xs, ys = torch.meshgrid(ticks, ticks, indexing="ij")
    return torch.stack([xs.reshape(-1), ys.reshape(-1)], dim=1)


def _uniform(n, generator, low, high, dim=1):
    return low + (high - low) * torch.rand(n, dim, generator=generator)


def _spiral(scale, std):
    def sample(n, generator):
        t = _uniform(n, generator, 0.25, 1.0)[:, 0]  # position along the arm
        angle = 3 * math.pi * t
        points = torch.stack([t * torch.cos(angle), t * torch.sin(angle)], dim=1) * scale
        return points + std * torch.randn(n, 2, generator=generator)

    return sample


def _moons(scale, std):
    def sample(n, generator):
        upper = torch.rand(n, generator=generator) < 0.5
        angle = math.pi * torch.rand(n, generator=generator)
        x = torch.where(upper, torch.cos(angle), 1 - torch.cos(angle)) - 0.5
        y = torch.where(upper, torch.sin(angle), 0.5 - torch.sin(angle)) - 0.25
        return torch.stack([x, y], dim=1) * scale + std * torch.randn(n, 2, generator=generator)

    return sample


def _circles(scale, std):
    def sample(n, generator):
        radius = torch.where(torch.rand(n, generator=generator) < 0.5, 1.0, 0.5) * scale
        angle = 2 * math.pi * torch.rand(n, generator=generator)
        points = torch.stack([radius * torch.cos(angle), radius * torch.sin(angle)], dim=1)
        return points + std * torch.randn(n, 2, generator=generator)

    return sample


def _line(scale, std):
    def sample(n, generator):
        t = _uniform(n, generator, -1.0, 1.0)[:, 0] * scale
        points = torch.stack([t, 0.5 * t], dim=1)
        return points + std * torch.randn(n, 2, generator=generator)

    return sample


def _three_regions(scale):
    # Three disjoint squares: a shape GAN Lab uses to show a generator tearing its manifold.
    corners = torch.tensor([[-0.9, 0.3], [0.3, 0.3], [-0.3, -0.9]]) * scale
    side = 0.6 * scale

    def sample(n, generator):
        which = torch.randint(3, (n,), generator=generator)
        return corners[which] + side * torch.rand(n, 2, generator=generator)

    return sample


def _points(points: torch.Tensor):
    def sample(n, generator):
        return points[torch.randint(len(points), (n,), generator=generator)]

    return sample


def _square_bounds(values: torch.Tensor, margin: float = 0.25) -> tuple[float, float]:
    extent = float(values.abs().max()) if values.numel() else 1.0
    extent = max(extent, 1e-3)
    return (-extent * (1 + margin), extent * (1 + margin))


# name -> (number of modes, radius or spacing, std): what an unset parameter means. Ring and grid
# follow PacGAN (std 0.01 and 0.05); shapes have no modes.
MIXTURE_DEFAULTS = {"ring": (8, 1.0, 0.01), "grid": (25, 2.0, 0.05), "mixture1d": (3, 2.0, 0.25)}
SHAPE_DEFAULTS = (None, 1.0, 0.02)
MIXTURES = tuple(MIXTURE_DEFAULTS)  # the data sets with a number of modes
WITHOUT_STD = ("points", "three_regions")  # shapes whose spread is not a noise std


def data_defaults(name: str) -> tuple:
    """(number of modes or None, radius / spacing, std) used for `name` when unset."""
    return MIXTURE_DEFAULTS.get(name, SHAPE_DEFAULTS)


def resolved(config: DataConfig) -> DataConfig:
    """`config` with every unset toy parameter filled in with the value used for it, and the ones
    its data set ignores cleared: two configs that train the same compare equal."""
    n_modes, radius, std = data_defaults(config.name)
    if config.name in MIXTURES:
        n_modes = config.n_modes or n_modes
    return dataclasses.replace(
        config,
        n_modes=n_modes,
        radius=config.radius or radius,
        std=std if config.name in WITHOUT_STD else (config.std or std),
    )


def make_toy_distribution(config: DataConfig) -> ToyDistribution:
    """The distribution `config` names, with the data set's defaults for unset parameters."""
    name = config.name
    config = resolved(config)
    if name == "ring":
        centers = ring_centers(config.n_modes, config.radius)
        return ToyDistribution(name, 2, _square_bounds(centers, 0.5), centers, config.std)
    if name == "grid":
        centers = grid_centers(config.n_modes, config.radius)
        return ToyDistribution(name, 2, _square_bounds(centers, 0.3), centers, config.std)
    if name == "mixture1d":
        n, scale, std = config.n_modes, config.radius, config.std
        # n modes evenly from -radius to radius; a single mode sits at x = radius (the theory page's
        # Gaussian away from where an untrained generator puts its samples).
        centers = torch.linspace(-scale, scale, n).unsqueeze(1) if n > 1 else torch.full((1, 1), float(scale))
        return ToyDistribution(name, 1, _square_bounds(centers + 3 * std * torch.sign(centers), 0.2), centers, std)
    scale, std = config.radius, config.std
    if name == "points":
        points = torch.tensor(config.points, dtype=torch.float32)
        return ToyDistribution(name, 2, _square_bounds(points, 0.2), shape_sampler=_points(points))
    samplers = {
        "spiral": _spiral(scale, std),
        "moons": _moons(scale, std),
        "circles": _circles(scale, std),
        "line": _line(scale, std),
        "three_regions": _three_regions(scale),
    }
    return ToyDistribution(name, 2, (-1.5 * scale, 1.5 * scale), shape_sampler=samplers[name])
