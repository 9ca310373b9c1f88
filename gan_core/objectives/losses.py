"""GAN objectives as pure functions of discriminator logits.

`r` is the discriminator's raw output on real samples, `f` on generated ones, D(x) = sigmoid(r)
where the loss is probabilistic. Every function returns a scalar to minimise.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F

PROBABILISTIC_LOSSES = ("minimax", "nsgan")  # D's output is a probability sigmoid(logit)
CRITIC_LOSSES = ("hinge", "wgan", "wgan_gp")  # an unbounded score: higher means more real


def discriminator_bce(r: torch.Tensor, f: torch.Tensor, real_target: float = 1.0) -> torch.Tensor:
    """-E[log D(x)] - E[log(1 - D(G(z)))]; the same D objective for minimax and non-saturating.
    `real_target` < 1 is one-sided label smoothing (Salimans et al. 2016): real samples are
    labelled e.g. 0.9, so D gains nothing from growing ever more certain on them."""
    real_term = (
        F.softplus(-r) if real_target == 1.0 else real_target * F.softplus(-r) + (1 - real_target) * F.softplus(r)
    )
    return real_term.mean() + F.softplus(f).mean()


def generator_minimax(f: torch.Tensor) -> torch.Tensor:
    """E[log(1 - D(G(z)))]: the original saturating objective; its gradient vanishes when D
    rejects the fakes confidently, which is why the paper suggests the non-saturating one."""
    return -F.softplus(f).mean()


def generator_nonsaturating(f: torch.Tensor) -> torch.Tensor:
    """-E[log D(G(z))]: same fixed point as minimax, strong gradients early in training."""
    return F.softplus(-f).mean()


def discriminator_least_squares(r: torch.Tensor, f: torch.Tensor) -> torch.Tensor:
    """LSGAN (Mao et al. 2017): 1/2 E[(D(x) - 1)^2] + 1/2 E[D(G(z))^2]."""
    return 0.5 * ((r - 1) ** 2).mean() + 0.5 * (f**2).mean()


def generator_least_squares(f: torch.Tensor) -> torch.Tensor:
    """LSGAN generator: 1/2 E[(D(G(z)) - 1)^2]."""
    return 0.5 * ((f - 1) ** 2).mean()


def discriminator_hinge(r: torch.Tensor, f: torch.Tensor) -> torch.Tensor:
    """Hinge (Lim & Ye 2017; Miyato et al. 2018): E[max(0, 1 - D(x))] + E[max(0, 1 + D(G(z)))]."""
    return F.relu(1 - r).mean() + F.relu(1 + f).mean()


def critic_wasserstein(r: torch.Tensor, f: torch.Tensor) -> torch.Tensor:
    """WGAN critic (Arjovsky et al. 2017): E[D(G(z))] - E[D(x)], the negated estimate of W1
    under a Lipschitz constraint (weight clipping or a gradient penalty)."""
    return f.mean() - r.mean()


def generator_critic(f: torch.Tensor) -> torch.Tensor:
    """-E[D(G(z))]: the generator of WGAN and hinge GANs raises the critic's score."""
    return -f.mean()


def gradient_penalty(
    critic: Callable[[torch.Tensor], torch.Tensor],
    real: torch.Tensor,
    fake: torch.Tensor,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """WGAN-GP (Gulrajani et al. 2017): E[(||grad_x D(x_hat)||_2 - 1)^2], x_hat drawn uniformly on
    lines between real and generated samples. The caller multiplies by lambda."""
    shape = (len(real),) + (1,) * (real.dim() - 1)
    alpha = torch.rand(shape, generator=generator, device=real.device)
    mixed = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(mixed).sum(), mixed, create_graph=True)
    return ((grad.flatten(1).norm(2, dim=1) - 1) ** 2).mean()


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
