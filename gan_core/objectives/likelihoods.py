"""A decoder's log-likelihood log p(x | z) and the Gaussian KL term: pure functions, per sample.

`x` is data and `output` the decoder's (the generator network's) output for it, both (B, ...).
Images lie in [-1, 1]; for the Bernoulli decoder the generator's tanh output is read as the
probability p = (output + 1) / 2 of each pixel being on, and the target as t = (x + 1) / 2 (the
usual cross-entropy for grey digits; a true likelihood for binary ones).
"""

from __future__ import annotations

import math

import torch

from ..data.images import to_unit

LOG_2PI = math.log(2 * math.pi)
BERNOULLI_EPS = 1e-6  # keeps log p finite where tanh saturates


def gaussian_log_likelihood(x: torch.Tensor, mean: torch.Tensor, log_std: torch.Tensor | float) -> torch.Tensor:
    """sum_i log N(x_i; mean_i, std_i^2) = -1/2 sum_i [((x_i - mean_i) / std_i)^2 + 2 log std_i + log 2 pi]  (B,)."""
    log_std = torch.as_tensor(log_std, dtype=x.dtype, device=x.device)
    flat_x, flat_mean = x.reshape(len(x), -1), mean.reshape(len(mean), -1)
    log_std = log_std.reshape(1, -1) if log_std.dim() else log_std
    z = (flat_x - flat_mean) * torch.exp(-log_std)
    per_dim = -0.5 * (z**2 + LOG_2PI) - log_std
    return per_dim.sum(dim=1) if per_dim.dim() == 2 else per_dim


def bernoulli_log_likelihood(x: torch.Tensor, output: torch.Tensor) -> torch.Tensor:
    """sum_i [t_i log p_i + (1 - t_i) log(1 - p_i)], t = (x + 1) / 2, p = (output + 1) / 2  (B,)."""
    t = to_unit(x).reshape(len(x), -1)
    p = to_unit(output).reshape(len(output), -1).clamp(BERNOULLI_EPS, 1 - BERNOULLI_EPS)
    return (t * torch.log(p) + (1 - t) * torch.log1p(-p)).sum(dim=1)


def gaussian_kl_to_standard(mean: torch.Tensor, log_var: torch.Tensor) -> torch.Tensor:
    """KL(N(mean, diag exp(log_var)) || N(0, I)) = 1/2 sum_j [mean_j^2 + exp(log_var_j) - 1 - log_var_j]  (B,)
    (Kingma & Welling 2014, Appendix B)."""
    return 0.5 * (mean**2 + torch.exp(log_var) - 1 - log_var).sum(dim=1)


def diagonal_gaussian_log_density(z: torch.Tensor, mean: torch.Tensor, log_var: torch.Tensor) -> torch.Tensor:
    """log N(z; mean, diag exp(log_var)) summed over the code's dimensions (...,)."""
    return -0.5 * (((z - mean) ** 2) * torch.exp(-log_var) + log_var + LOG_2PI).sum(dim=-1)
