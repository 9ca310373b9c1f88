"""Sample-quality metrics for Gaussian mixtures and other low-dimensional data.

Pure functions of arrays. The mode metrics follow VEEGAN / PacGAN (Lin et al. 2018, Table 1) so
figures compare: a generated sample is *high quality* when it lies within 3 std of its nearest
mode centre, and a mode is *covered* when at least one high-quality sample is nearest to it.
Those papers score 2,500 samples.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import cdist

STANDARD_SAMPLE_COUNT = 2500


def nearest_modes(samples: np.ndarray, centers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(index of the nearest centre, distance to it) for each sample."""
    distances = cdist(np.asarray(samples, dtype=np.float64), np.asarray(centers, dtype=np.float64))
    nearest = distances.argmin(axis=1)
    return nearest, distances[np.arange(len(samples)), nearest]


def mode_statistics(samples: np.ndarray, centers: np.ndarray, std: float, threshold: float = 3.0) -> dict:
    """modes_covered, high_quality share, per-mode counts of high-quality samples, and the
    reverse KL of that mode histogram against the uniform one (0 = balanced; log M = one mode);
    nearest_counts: every sample counted at its nearest mode, near it or not (a collapsed
    generator's pile sits by one mode without being on it)."""
    nearest, distance = nearest_modes(samples, centers)
    high_quality = distance <= threshold * std
    counts = np.bincount(nearest[high_quality], minlength=len(centers))
    return {
        "modes_covered": int((counts > 0).sum()),
        "n_modes": int(len(centers)),
        "high_quality": float(high_quality.mean()) if len(samples) else 0.0,
        "mode_counts": counts.tolist(),
        "nearest_counts": np.bincount(nearest, minlength=len(centers)).tolist(),
        "reverse_kl": reverse_kl_to_uniform(counts),
    }


def reverse_kl_to_uniform(counts: np.ndarray) -> float:
    """KL(q || uniform) = sum_i q_i log(q_i * M), q the normalised histogram of samples per mode.
    With no samples at all it returns log M, the value for all mass on one mode (the worst)."""
    counts = np.asarray(counts, dtype=np.float64)
    total = counts.sum()
    if total == 0:
        return math.log(len(counts))
    q = counts[counts > 0] / total
    return float((q * np.log(q * len(counts))).sum())


def histogram_2d(samples: np.ndarray, bounds: tuple[float, float], bins: int = 30) -> np.ndarray:
    """Normalised (bins, bins) histogram over the square bounds x bounds; samples outside are
    clipped onto the border cells so that none is lost."""
    low, high = bounds
    clipped = np.clip(np.asarray(samples, dtype=np.float64), low, high)
    hist, _, _ = np.histogram2d(clipped[:, 0], clipped[:, 1], bins=bins, range=[[low, high], [low, high]])
    return hist / max(hist.sum(), 1)


def kl_divergence(p: np.ndarray, q: np.ndarray, eps: float = 1e-10) -> float:
    """KL(p || q) = sum p log(p / q) in nats; eps keeps an empty cell of q finite."""
    p = np.asarray(p, dtype=np.float64).ravel()
    q = np.asarray(q, dtype=np.float64).ravel() + eps
    q = q / q.sum()
    mask = p > 0
    return float((p[mask] * np.log(p[mask] / q[mask])).sum())


def js_divergence(p: np.ndarray, q: np.ndarray) -> float:
    """JS(p, q) = KL(p || m)/2 + KL(q || m)/2 with m = (p + q)/2, in nats (at most log 2)."""
    p = np.asarray(p, dtype=np.float64).ravel()
    q = np.asarray(q, dtype=np.float64).ravel()
    m = (p + q) / 2
    return 0.5 * kl_divergence(p, m, eps=0) + 0.5 * kl_divergence(q, m, eps=0)


def histogram_divergences(real: np.ndarray, fake: np.ndarray, bounds: tuple[float, float], bins: int = 30) -> dict:
    """KL(real || fake) and JS on a bins x bins grid (2D) or bins cells (1D) over the view."""
    if np.asarray(real).shape[1] == 1:
        edges = np.linspace(bounds[0], bounds[1], bins + 1)
        p = np.histogram(np.clip(real[:, 0], *bounds), edges)[0].astype(float)
        q = np.histogram(np.clip(fake[:, 0], *bounds), edges)[0].astype(float)
        p, q = p / max(p.sum(), 1), q / max(q.sum(), 1)
    else:
        p, q = histogram_2d(real, bounds, bins), histogram_2d(fake, bounds, bins)
    return {"kl": kl_divergence(p, q), "js": js_divergence(p, q)}


def wasserstein1(real: np.ndarray, fake: np.ndarray) -> float:
    """W1 between two equally sized empirical distributions: the mean distance of the optimal
    one-to-one matching (exact for point clouds; sorted samples in 1D)."""
    real = np.asarray(real, dtype=np.float64)
    fake = np.asarray(fake, dtype=np.float64)
    n = min(len(real), len(fake))
    real, fake = real[:n], fake[:n]
    if real.shape[1] == 1:
        return float(np.abs(np.sort(real[:, 0]) - np.sort(fake[:, 0])).mean())
    cost = cdist(real, fake)
    rows, cols = linear_sum_assignment(cost)
    return float(cost[rows, cols].mean())


def evaluate_samples(
    fake: np.ndarray,
    real: np.ndarray,
    bounds: tuple[float, float],
    centers: np.ndarray | None = None,
    std: float | None = None,
    w1_samples: int = 500,
) -> dict:
    """All the metrics that apply: mode metrics for mixtures, histogram KL/JS and W1 always."""
    metrics: dict = {}
    if centers is not None:
        metrics.update(mode_statistics(fake, centers, std))
    metrics.update(histogram_divergences(real, fake, bounds))
    metrics["wasserstein1"] = wasserstein1(real[:w1_samples], fake[:w1_samples])
    return metrics
