"""Paths between two codes: linear (the notes' 0.5a + 0.5b) and spherical.

Under a Gaussian prior almost every code has a norm near sqrt(d); the straight line between two
such codes passes closer to the origin (its midpoint has norm about 0.71 sqrt(d) for independent
a and b), where the generator saw few codes in training. Spherical interpolation (Shoemake 1985;
White 2016 for GANs) turns the direction along the great circle and moves the norm linearly, so
every point of the path has a typical norm.
"""

from __future__ import annotations

import torch

METHODS = ("linear", "spherical")


def lerp(a: torch.Tensor, b: torch.Tensor, t: float) -> torch.Tensor:
    """(1 - t) a + t b."""
    return (1 - t) * a + t * b


def slerp(a: torch.Tensor, b: torch.Tensor, t: float, eps: float = 1e-7) -> torch.Tensor:
    """The direction moves along the great circle from a/|a| to b/|b| at constant angular speed,
    the norm goes linearly from |a| to |b|: endpoints are a and b exactly, and two codes of
    the same norm keep it all the way."""
    a, b = a.double(), b.double()
    norm_a, norm_b = a.norm(), b.norm()
    if norm_a < eps or norm_b < eps:
        return lerp(a, b, t).float()
    unit_a, unit_b = a / norm_a, b / norm_b
    omega = torch.arccos((unit_a @ unit_b).clamp(-1.0, 1.0))
    if omega < eps:  # the same direction: only the norm moves
        direction = unit_a
    else:
        direction = (torch.sin((1 - t) * omega) * unit_a + torch.sin(t * omega) * unit_b) / torch.sin(omega)
    return (direction * ((1 - t) * norm_a + t * norm_b)).float()


def path(a: torch.Tensor, b: torch.Tensor, steps: int, method: str = "linear") -> torch.Tensor:
    """`steps` codes from a to b inclusive (steps, d)."""
    if method not in METHODS:
        raise ValueError(f"interpolation must be one of {', '.join(METHODS)}, got {method!r}")
    if steps < 2:
        raise ValueError(f"a path needs at least 2 steps, got {steps}")
    a, b = a.reshape(-1), b.reshape(-1)
    step = lerp if method == "linear" else slerp
    points = [a.clone()] + [step(a, b, i / (steps - 1)) for i in range(1, steps - 1)] + [b.clone()]
    return torch.stack([p.float() for p in points])
