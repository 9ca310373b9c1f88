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

from ..networks import sample_noise
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


# ----- measuring a 1D run (the live sections) ---------------------------------------------------
PROBE_SIZE = 2_000  # real samples and noise draws a run is measured on, the same at every look
GRADIENT_PROBE_SIZE = 512
MAPPING_LINES = 25  # z values drawn as lines from the z axis to x = G(z)
MEASURE_GRID = 600  # grid points the divergences are integrated on
DENSITY_SAMPLES = 600  # generated samples behind the kernel estimate of p_g
PROBE_SEED_OFFSET = 7919  # the probe's own stream: measuring never moves the training streams


def wasserstein_1d(a: np.ndarray, b: np.ndarray) -> float:
    """The exact W1 between two 1D samples of equal size: the mean distance between their sorted
    values (the optimal transport plan in 1D pairs the order statistics)."""
    a, b = np.sort(np.ravel(a)), np.sort(np.ravel(b))
    if len(a) != len(b):
        raise ValueError(f"wasserstein_1d needs equal sample sizes, got {len(a)} and {len(b)}")
    return float(np.mean(np.abs(a - b)))


def wasserstein_1d_densities(p: np.ndarray, q: np.ndarray, dx: float) -> float:
    """W1 between two densities on a regular grid: the integral of |F_p - F_q|."""
    return float(np.sum(np.abs(np.cumsum(p) - np.cumsum(q)) * dx) * dx)


def bandwidth(samples: np.ndarray) -> float:
    """Silverman's rule of thumb, floored so a collapsed generator still has a density."""
    samples = np.ravel(samples)
    spread = min(np.std(samples), (np.quantile(samples, 0.75) - np.quantile(samples, 0.25)) / 1.34)
    return max(0.9 * spread * len(samples) ** -0.2, 0.02)


def kde(samples: np.ndarray, points: np.ndarray, width: float | None = None) -> np.ndarray:
    """A Gaussian kernel density estimate of 1D `samples` at `points`: p_g, which a generator
    does not give in closed form."""
    samples = np.ravel(samples).astype(np.float64)
    width = bandwidth(samples) if width is None else width
    points = np.ravel(points).astype(np.float64)
    out = np.empty(len(points))
    for start in range(0, len(points), 256):
        chunk = points[start : start + 256, None] - samples[None, :]
        out[start : start + 256] = np.exp(-0.5 * (chunk / width) ** 2).mean(axis=1)
    return out / (width * math.sqrt(2 * math.pi))


def gaussian_mixture_density(centers: np.ndarray, std: float, points: np.ndarray) -> np.ndarray:
    """The density of equal-weight 1D Gaussians at `centers` (the data's, in closed form)."""
    points = np.ravel(points)[:, None]
    centers = np.ravel(centers)[None, :]
    return (np.exp(-0.5 * ((points - centers) / std) ** 2) / (std * math.sqrt(2 * math.pi))).mean(axis=1)


class LineProbe:
    """Fixed real samples and noise draws a 1D run is measured on at every look, so a curve over
    iterations moves because the networks moved, not because the samples did."""

    def __init__(self, trainer, size: int = PROBE_SIZE):
        data = trainer.data
        rng = torch.Generator().manual_seed(trainer.config.train.seed + PROBE_SEED_OFFSET)
        model = trainer.config.model
        self.real = data.sample(size, rng).to(trainer.device)
        self.z = sample_noise(size, model.noise_dim, model.noise_prior, rng).to(trainer.device)
        self.centers = data.centers.double().numpy().ravel()
        self.std = float(data.std)
        low, high = data.bounds
        self.view = (min(low, -1.5), max(high, 1.5))
        if model.noise_prior == "uniform":
            self.lines_z = torch.linspace(-1, 1, MAPPING_LINES).unsqueeze(1)
        else:  # the normal's quantiles: equal probability between two lines, as with the uniform
            levels = torch.linspace(0.02, 0.98, MAPPING_LINES, dtype=torch.float64)
            self.lines_z = (math.sqrt(2) * torch.erfinv(2 * levels - 1)).float().unsqueeze(1)

    def data_density(self, points: np.ndarray) -> np.ndarray:
        return gaussian_mixture_density(self.centers, self.std, points)


@torch.no_grad()
def generated(trainer, probe: LineProbe) -> np.ndarray:
    """G(z) on the probe's noise, as float64 numbers."""
    return trainer.sampling_network(probe.z).double().cpu().numpy().ravel()


def measure_line_run(trainer, probe: LineProbe) -> dict[str, float]:
    """Everything the theory sections plot over iterations, for one 1D GAN.

    - w1: the exact W1 between the probe's real and generated samples;
    - jsd: JSD(p_data || p_g) with p_data in closed form and p_g a kernel estimate;
    - value_optimal: V(G, D*) estimated from the samples, with D* = p_data / (p_data + p_g);
      Theorem 1 says it equals `bound` = -log 4 + 2 JSD;
    - value_learned: V(G, D) with the trained D (probabilistic losses), at most V(G, D*);
    - d_accuracy: D's accuracy on the probe (probabilistic losses: D(x) > 1/2 means "real");
    - critic_estimate: E_real[f] - E_fake[f], a critic's estimate of W1 (critic losses);
    - g_gradient_norm: the norm of the gradient of G's own loss on its parameters;
    - d_slope_at_fakes: the mean |dD(x)/dx| where the fakes are: what G has to follow.
    """
    loss = trainer.config.train.loss
    discriminator = trainer.objective.discriminator
    fake = generated(trainer, probe)
    real = probe.real.double().cpu().numpy().ravel()
    width = bandwidth(fake)
    margin = 4 * max(width, probe.std)
    grid = np.linspace(min(real.min(), fake.min()) - margin, max(real.max(), fake.max()) + margin, MEASURE_GRID)
    dx = float(grid[1] - grid[0])
    p_data, p_g = probe.data_density(grid), kde(fake[:DENSITY_SAMPLES], grid, width)
    jsd = jensen_shannon(p_data, p_g, dx)

    def d_star(points: np.ndarray) -> np.ndarray:  # p_g between grid points by interpolation
        density = probe.data_density(points)
        return density / (density + np.interp(points, grid, p_g) + EPSILON)

    value_optimal = float(
        np.mean(np.log(np.maximum(d_star(real), EPSILON))) + np.mean(np.log(np.maximum(1 - d_star(fake), EPSILON)))
    )
    with torch.no_grad():
        r = discriminator(probe.real).double().ravel()
        f = discriminator(torch.as_tensor(fake, dtype=probe.real.dtype).unsqueeze(1)).double().ravel()
    measured = {
        "w1": wasserstein_1d(real, fake),
        "jsd": jsd,
        "value_optimal": value_optimal,
        "bound": value_lower_bound() + 2 * jsd,
        "g_gradient_norm": generator_gradient_norm(trainer, probe),
        "d_slope_at_fakes": float(np.mean(np.abs(discriminator_slope(trainer, fake[:GRADIENT_PROBE_SIZE])))),
    }
    if loss in losses.PROBABILISTIC_LOSSES:
        measured["value_learned"] = float(
            -torch.nn.functional.softplus(-r).mean() - torch.nn.functional.softplus(f).mean()
        )
        measured["d_accuracy"] = float(0.5 * ((r > 0).double().mean() + (f < 0).double().mean()))
    else:
        measured["critic_estimate"] = float(r.mean() - f.mean())
    return measured


def generator_gradient_norm(trainer, probe: LineProbe) -> float:
    """||d L_G / d theta_G|| for the run's own generator loss on the probe's noise: the size of
    what the generator is told (the saturating loss's vanishes when D rejects the fakes)."""
    generator, discriminator = trainer.live_network, trainer.objective.discriminator
    parameters = [p for p in generator.parameters() if p.requires_grad]
    loss = losses.GENERATOR_LOSSES[trainer.config.train.loss](discriminator(generator(probe.z[:GRADIENT_PROBE_SIZE])))
    gradients = torch.autograd.grad(loss, parameters)
    return float(torch.sqrt(sum((g.double() ** 2).sum() for g in gradients)))


def discriminator_slope(trainer, points: np.ndarray) -> np.ndarray:
    """dD(x)/dx at `points`, D as a person reads it (a probability, or a critic's raw score)."""
    discriminator = trainer.objective.discriminator
    x = torch.as_tensor(np.ravel(points), dtype=torch.float32).unsqueeze(1).requires_grad_(True)
    shown = losses.discriminator_output(trainer.config.train.loss, discriminator(x))
    (gradient,) = torch.autograd.grad(shown.sum(), x)
    return gradient.double().numpy().ravel()


def interpolate_gradient_norms(trainer, probe: LineProbe, n: int = 1_000) -> np.ndarray:
    """|grad_x f(x_hat)| of the raw output at points drawn uniformly between real and generated
    samples: where WGAN-GP puts its penalty (clipping piles them low, the penalty near 1)."""
    fake = generated(trainer, probe)[:n]
    real = probe.real.double().cpu().numpy().ravel()[:n]
    alpha = np.random.default_rng(trainer.config.train.seed).uniform(size=len(fake))
    mixed = torch.as_tensor(alpha * real + (1 - alpha) * fake, dtype=torch.float32).unsqueeze(1).requires_grad_(True)
    (gradient,) = torch.autograd.grad(trainer.objective.discriminator(mixed).sum(), mixed)
    return np.abs(gradient.double().numpy().ravel())


def js_and_w1_sweep(data, fake_std: float, positions: np.ndarray) -> dict[str, np.ndarray]:
    """JSD and W1 between a 1D Gaussian-mixture distribution `data` (a ToyDistribution) and a
    Gaussian N(position, fake_std) as it slides towards it: JS sits at log 2 while the two do not
    overlap and tells G nothing about how far apart they are; W1 falls with the distance
    (Arjovsky et al. 2017, Example 1)."""
    centers, std = data.centers.double().numpy().ravel(), float(data.std)
    low = min(data.bounds[0], float(np.min(positions))) - 5 * max(fake_std, std)
    high = max(data.bounds[1], float(np.max(positions))) + 5 * max(fake_std, std)
    grid = np.linspace(low, high, 4_000)
    dx = float(grid[1] - grid[0])
    p_data = gaussian_mixture_density(centers, std, grid)
    jsd, w1 = [], []
    for position in positions:
        p_g = gaussian_mixture_density(np.array([position]), fake_std, grid)
        jsd.append(jensen_shannon(p_data, p_g, dx))
        w1.append(wasserstein_1d_densities(p_data, p_g, dx))
    return {"position": np.asarray(positions, dtype=float), "jsd": np.array(jsd), "w1": np.array(w1)}
