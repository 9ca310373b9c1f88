"""The arguments of the original GAN paper as numbers (the theory page, issue 14).

- The generator's loss and its gradient as functions of D's output on a fake, for the minimax
  (saturating), non-saturating, least-squares and Wasserstein losses, computed with autograd
  through the very loss functions training uses (gan_core.objectives.losses). The notes' point:
  early on, when D rejects fakes easily (D(G(z)) near 0), the minimax loss gives almost no
  gradient, the non-saturating one a strong one.
- On a 1D grid: the optimal discriminator D* = p_data / (p_data + p_g), the value function at it,
  V(G, D*) = E_data[log D*] + E_g[log(1 - D*)], and the Jensen-Shannon divergence; Goodfellow et
  al. (2014, Theorem 1) show V(G, D*) = -log 4 + 2 JSD(p_data || p_g).
"""

from __future__ import annotations

import math

import numpy as np
import torch

from ..objectives import losses

GENERATOR_LOSSES = {
    "minimax": losses.generator_minimax,
    "nsgan": losses.generator_nonsaturating,
    "lsgan": losses.generator_least_squares,
    "wgan": losses.generator_critic,
}
EPSILON = 1e-12


def generator_loss_curve(loss: str, outputs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(loss, dloss/d(D's raw output)) per generated sample. `outputs`: D(G(z)) in (0, 1) for the
    probabilistic losses (minimax, nsgan; their raw output is the logit), the raw output itself
    for lsgan and wgan. The gradient is what flows back through D into the generator."""
    values = np.asarray(outputs, dtype=np.float64)
    if loss in losses.PROBABILISTIC_LOSSES:
        values = np.clip(values, 1e-9, 1 - 1e-9)
        raw = np.log(values) - np.log1p(-values)  # the logit
    else:
        raw = values
    f = torch.tensor(raw, dtype=torch.float64, requires_grad=True)
    per_sample = torch.stack([GENERATOR_LOSSES[loss](f[i : i + 1]) for i in range(len(f))])
    per_sample.sum().backward()
    return per_sample.detach().numpy(), f.grad.numpy()


def jensen_shannon(p: np.ndarray, q: np.ndarray, dx: float) -> float:
    """JSD(p || q) in nats for two densities sampled on a regular grid of spacing dx."""
    p, q = np.asarray(p, dtype=np.float64), np.asarray(q, dtype=np.float64)
    m = 0.5 * (p + q)

    def kl(a: np.ndarray) -> float:
        mask = a > 0
        return float(np.sum(a[mask] * np.log(a[mask] / np.maximum(m[mask], EPSILON))) * dx)

    return 0.5 * kl(p) + 0.5 * kl(q)


def value_at_optimum(p_data: np.ndarray, p_g: np.ndarray, dx: float) -> float:
    """V(G, D*) = E_data[log D*(x)] + E_g[log(1 - D*(x))], integrated on the grid."""
    p_data, p_g = np.asarray(p_data, dtype=np.float64), np.asarray(p_g, dtype=np.float64)
    d_star = losses.optimal_discriminator(torch.as_tensor(p_data), torch.as_tensor(p_g + EPSILON)).numpy()
    real = p_data > 0
    fake = p_g > 0
    return float(
        np.sum(p_data[real] * np.log(np.maximum(d_star[real], EPSILON))) * dx
        + np.sum(p_g[fake] * np.log(np.maximum(1 - d_star[fake], EPSILON))) * dx
    )


def value_lower_bound() -> float:
    """-log 4: V(G, D*) at p_g = p_data, its global minimum."""
    return -math.log(4)
