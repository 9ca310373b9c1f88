"""GAN objectives as pure functions of discriminator logits.

`r` is the discriminator's raw output on real samples, `f` on generated ones, D(x) = sigmoid(r)
where the loss is probabilistic. Every function returns a scalar to minimise, or with `dim` the
means over that dimension only: Compare's stacked engine (gan_core.training.compare_trainer) passes its
variants' logits as (V, B) and takes one loss per variant with dim=1.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F

PROBABILISTIC_LOSSES = ("minimax", "nsgan")  # D's output is a probability sigmoid(logit)
CRITIC_LOSSES = ("hinge", "wgan", "wgan_gp")  # an unbounded score: higher means more real


def _mean(x: torch.Tensor, dim: int | None) -> torch.Tensor:
    return x.mean() if dim is None else x.mean(dim)


def discriminator_bce(
    r: torch.Tensor, f: torch.Tensor, real_target: float | torch.Tensor = 1.0, dim: int | None = None
) -> torch.Tensor:
    """-E[log D(x)] - E[log(1 - D(G(z)))]; the same D objective for minimax and non-saturating.
    `real_target` < 1 is one-sided label smoothing (Salimans et al. 2016): real samples are
    labelled e.g. 0.9, so D gains nothing from growing ever more certain on them (a tensor: one
    target per variant)."""
    real_term = F.softplus(-r)
    if isinstance(real_target, torch.Tensor):  # where the target is 1, softplus(r) may be inf: keep it out
        smoothed = real_target * real_term + (1 - real_target) * F.softplus(r)
        real_term = torch.where(real_target == 1, real_term, smoothed)
    elif real_target != 1.0:
        real_term = real_target * real_term + (1 - real_target) * F.softplus(r)
    return _mean(real_term, dim) + _mean(F.softplus(f), dim)


def generator_minimax(f: torch.Tensor, dim: int | None = None) -> torch.Tensor:
    """E[log(1 - D(G(z)))]: the original saturating objective; its gradient vanishes when D
    rejects the fakes confidently, which is why the paper suggests the non-saturating one."""
    return -_mean(F.softplus(f), dim)


def generator_nonsaturating(f: torch.Tensor, dim: int | None = None) -> torch.Tensor:
    """-E[log D(G(z))]: same fixed point as minimax, strong gradients early in training."""
    return _mean(F.softplus(-f), dim)


def discriminator_least_squares(r: torch.Tensor, f: torch.Tensor, dim: int | None = None) -> torch.Tensor:
    """LSGAN (Mao et al. 2017): 1/2 E[(D(x) - 1)^2] + 1/2 E[D(G(z))^2]."""
    return 0.5 * _mean((r - 1) ** 2, dim) + 0.5 * _mean(f**2, dim)


def generator_least_squares(f: torch.Tensor, dim: int | None = None) -> torch.Tensor:
    """LSGAN generator: 1/2 E[(D(G(z)) - 1)^2]."""
    return 0.5 * _mean((f - 1) ** 2, dim)


def discriminator_hinge(r: torch.Tensor, f: torch.Tensor, dim: int | None = None) -> torch.Tensor:
    """Hinge (Lim & Ye 2017; Miyato et al. 2018): E[max(0, 1 - D(x))] + E[max(0, 1 + D(G(z)))]."""
    return _mean(F.relu(1 - r), dim) + _mean(F.relu(1 + f), dim)


def critic_wasserstein(r: torch.Tensor, f: torch.Tensor, dim: int | None = None) -> torch.Tensor:
    """WGAN critic (Arjovsky et al. 2017): E[D(G(z))] - E[D(x)], the negated estimate of W1
    under a Lipschitz constraint (weight clipping or a gradient penalty)."""
    return _mean(f, dim) - _mean(r, dim)


def generator_critic(f: torch.Tensor, dim: int | None = None) -> torch.Tensor:
    """-E[D(G(z))]: the generator of WGAN and hinge GANs raises the critic's score."""
    return -_mean(f, dim)


def slope_penalty(slopes: torch.Tensor, one_sided: bool = False) -> torch.Tensor:
    """WGAN-GP's term per sample, (|grad D| - 1)^2. One-sided, only slopes steeper than 1 pay:
    max(0, |grad D| - 1)^2 (Gulrajani et al. 2017 mention it; Petzka et al. 2018 argue for it). The
    two-sided term has a second valley at slope -1: a 1D critic that starts with the wrong sign
    can be held there, the penalty's barrier at slope 0 higher than what the critic's loss gains
    by crossing it."""
    excess = slopes - 1
    return (excess.clamp(min=0) if one_sided else excess) ** 2


def gradient_penalty(
    critic: Callable[[torch.Tensor], torch.Tensor],
    real: torch.Tensor,
    fake: torch.Tensor,
    generator: torch.Generator | None = None,
    one_sided: bool = False,
) -> torch.Tensor:
    """WGAN-GP (Gulrajani et al. 2017): E[(||grad_x D(x_hat)||_2 - 1)^2], x_hat drawn uniformly on
    lines between real and generated samples. The caller multiplies by lambda."""
    shape = (len(real),) + (1,) * (real.dim() - 1)
    alpha = torch.rand(shape, generator=generator, device=real.device)
    mixed = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(mixed).sum(), mixed, create_graph=True)
    return slope_penalty(grad.flatten(1).norm(2, dim=1), one_sided).mean()


def r1_penalty(discriminator_on: Callable[[torch.Tensor], torch.Tensor], real: torch.Tensor) -> torch.Tensor:
    """R1 (Mescheder et al. 2018): E[||grad_x D(x)||^2] on real samples only. It flattens D around
    the data, which keeps a discriminator from learning a small training set by heart. The
    caller multiplies by gamma / 2."""
    real = real.detach().requires_grad_(True)
    (grad,) = torch.autograd.grad(discriminator_on(real).sum(), real, create_graph=True)
    return grad.pow(2).flatten(1).sum(dim=1).mean()


DISCRIMINATOR_LOSSES = {
    "minimax": discriminator_bce,
    "nsgan": discriminator_bce,
    "lsgan": discriminator_least_squares,
    "hinge": discriminator_hinge,
    "wgan": critic_wasserstein,
    "wgan_gp": critic_wasserstein,
}

GENERATOR_LOSSES = {
    "minimax": generator_minimax,
    "nsgan": generator_nonsaturating,
    "lsgan": generator_least_squares,
    "hinge": generator_critic,
    "wgan": generator_critic,
    "wgan_gp": generator_critic,
}


def discriminator_output(loss: str, logits: torch.Tensor) -> torch.Tensor:
    """What a person reads as "D(x)": a probability for the probabilistic losses, the raw
    output otherwise (LSGAN's lies near [0, 1]; a critic's is an unbounded score)."""
    return torch.sigmoid(logits) if loss in PROBABILISTIC_LOSSES else logits


def optimal_discriminator(p_data: torch.Tensor, p_generator: torch.Tensor) -> torch.Tensor:
    """D*(x) = p_data(x) / (p_data(x) + p_g(x)) (Goodfellow et al. 2014, Proposition 1)."""
    return p_data / (p_data + p_generator)


# ----- the image-to-image terms (gan_core.objectives.translation) ------------------------------
def pixel_l1(output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """E|output - target|: pix2pix's L1 term (Isola et al. 2017, eq. 3). Alone it is minimised by
    the per-pixel median of the plausible outputs, a blur where the input leaves colours open."""
    return (output - target).abs().mean()


def cycle_consistency(back_from_a: torch.Tensor, a: torch.Tensor, back_from_b: torch.Tensor, b: torch.Tensor):
    """E|F(G(a)) - a| + E|G(F(b)) - b| (Zhu et al. 2017, eq. 2): a translation there and back
    must return the input, so G cannot forget what it does not change."""
    return pixel_l1(back_from_a, a) + pixel_l1(back_from_b, b)
