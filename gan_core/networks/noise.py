"""The generator's input prior: what a noise vector z is drawn from."""

from __future__ import annotations

import torch


def sample_noise(
    n: int, noise_dim: int, prior: str, generator: torch.Generator | None = None, device: torch.device | str = "cpu"
) -> torch.Tensor:
    """z ~ U[-1, 1]^d or N(0, I), (n, noise_dim)."""
    if prior == "uniform":
        return torch.rand(n, noise_dim, generator=generator, device=device) * 2 - 1
    return torch.randn(n, noise_dim, generator=generator, device=device)
