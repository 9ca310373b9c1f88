"""Image-quality metrics from a domain classifier: pure functions of its outputs.

`probs` are class probabilities p(y|x) (n, K); `features` are penultimate activations (n, d).
With the small digits classifier we ship instead of Inception-v3, the Frechet distance is "FID
with a domain classifier": comparable between runs here, not with published FID figures.
Every metric depends on the sample count, so runs are scored on a fixed count
(STANDARD_IMAGE_SAMPLE_COUNT) and real data is scored the same way as the ceiling.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial.distance import cdist

STANDARD_IMAGE_SAMPLE_COUNT = 1000
PRECISION_RECALL_K = 3  # Kynkaanniemi et al. 2019
DENSITY_COVERAGE_K = 5  # Naeem et al. 2020


def inception_score(probs: np.ndarray, eps: float = 1e-12) -> float:
    """IS = exp(E_x KL(p(y|x) || p(y))), p(y) = E_x p(y|x) (Salimans et al. 2016). It is 1 when
    every sample gets the same class distribution and at most K (confident and balanced)."""
    probs = np.asarray(probs, dtype=np.float64)
    marginal = probs.mean(axis=0, keepdims=True)
    kl = (probs * (np.log(probs + eps) - np.log(marginal + eps))).sum(axis=1)
    return float(np.exp(kl.mean()))


def gaussian_statistics(features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(mean (d,), covariance (d, d)) of features (n, d)."""
    features = np.asarray(features, dtype=np.float64)
    return features.mean(axis=0), np.cov(features, rowvar=False)


def _psd_sqrt(matrix: np.ndarray) -> np.ndarray:
    values, vectors = np.linalg.eigh((matrix + matrix.T) / 2)
    return (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T


def frechet_distance(mu1: np.ndarray, sigma1: np.ndarray, mu2: np.ndarray, sigma2: np.ndarray) -> float:
    """d^2 = ||mu1 - mu2||^2 + Tr(S1 + S2 - 2 (S1 S2)^(1/2)) between two Gaussians (Heusel et al.
    2017). Tr (S1 S2)^(1/2) is taken as Tr (S1^(1/2) S2 S1^(1/2))^(1/2), which is symmetric and so
    stays real where sqrtm(S1 S2) picks up rounding-error imaginary parts."""
    root1 = _psd_sqrt(np.asarray(sigma1, dtype=np.float64))
    middle = root1 @ np.asarray(sigma2, dtype=np.float64) @ root1
    trace_sqrt = np.sqrt(np.clip(np.linalg.eigvalsh((middle + middle.T) / 2), 0, None)).sum()
    diff = np.asarray(mu1, dtype=np.float64) - np.asarray(mu2, dtype=np.float64)
    value = diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2 * trace_sqrt
    return float(max(value, 0.0))


def frechet_distance_of_features(features_a: np.ndarray, features_b: np.ndarray) -> float:
    return frechet_distance(*gaussian_statistics(features_a), *gaussian_statistics(features_b))


def kth_neighbour_radii(features: np.ndarray, k: int) -> np.ndarray:
    """Distance from each point to its k-th nearest other point in the same set (n,)."""
    distances = cdist(features, features)
    return np.sort(distances, axis=1)[:, k]  # column 0 is the point itself


def precision_recall(real: np.ndarray, fake: np.ndarray, k: int = PRECISION_RECALL_K) -> dict:
    """Improved precision and recall (Kynkaanniemi et al. 2019). Each set's manifold is the union
    of balls around its points with radius the distance to their k-th nearest neighbour.
    precision = share of fake samples inside the real manifold (quality);
    recall = share of real samples inside the fake manifold (diversity)."""
    real, fake = np.asarray(real, np.float64), np.asarray(fake, np.float64)
    real_radii, fake_radii = kth_neighbour_radii(real, k), kth_neighbour_radii(fake, k)
    distances = cdist(fake, real)  # (n_fake, n_real)
    precision = (distances <= real_radii[None, :]).any(axis=1).mean()
    recall = (distances <= fake_radii[:, None]).any(axis=0).mean()
    return {"precision": float(precision), "recall": float(recall)}


def density_coverage(real: np.ndarray, fake: np.ndarray, k: int = DENSITY_COVERAGE_K) -> dict:
    """Density and coverage (Naeem et al. 2020), with B(x, r) the ball of radius r = distance to
    x's k-th nearest real neighbour around each real sample x_i:
    density = 1/(k M) sum_j sum_i 1[y_j in B(x_i)] (about 1 when fake matches real; can exceed 1);
    coverage = 1/N sum_i 1[some y_j in B(x_i)] (share of real neighbourhoods a fake sample hits)."""
    real, fake = np.asarray(real, np.float64), np.asarray(fake, np.float64)
    radii = kth_neighbour_radii(real, k)
    inside = cdist(fake, real) <= radii[None, :]  # (M, N)
    return {"density": float(inside.sum() / (k * len(fake))), "coverage": float(inside.any(axis=0).mean())}


def class_histogram(predicted: np.ndarray, n_classes: int) -> np.ndarray:
    """How many samples the classifier puts in each class (n_classes,). Mode dropping shows as
    empty classes."""
    return np.bincount(np.asarray(predicted, dtype=np.int64), minlength=n_classes)[:n_classes]


def label_agreement(predicted: np.ndarray, requested: np.ndarray) -> float:
    """Share of conditional samples that the classifier assigns to the label they were asked for."""
    predicted, requested = np.asarray(predicted), np.asarray(requested)
    return float((predicted == requested).mean()) if len(predicted) else 0.0


def score_samples(
    probs: np.ndarray,
    features: np.ndarray,
    reference_features: np.ndarray,
    reference_stats: tuple[np.ndarray, np.ndarray] | None = None,
    requested_labels: np.ndarray | None = None,
) -> dict:
    """All the metrics for one set of samples against the reference (training) features."""
    n_classes = probs.shape[1]
    predicted = probs.argmax(axis=1)
    counts = class_histogram(predicted, n_classes)
    stats = reference_stats if reference_stats is not None else gaussian_statistics(reference_features)
    result = {
        "sample_count": int(len(probs)),
        "inception_score": inception_score(probs),
        "fid": frechet_distance(*gaussian_statistics(features), *stats),
        **precision_recall(reference_features, features),
        **density_coverage(reference_features, features),
        "class_counts": counts.tolist(),
        "classes_present": int((counts > 0).sum()),
        "min_class_share": float(counts.min() / max(len(probs), 1)),
    }
    if requested_labels is not None:
        result["label_agreement"] = label_agreement(predicted, requested_labels)
    return result


def laplacian_variance(images: np.ndarray) -> float:
    """Sharpness: the variance of the 4-neighbour Laplacian of each grey image, averaged over
    images (n, C, H, W) in [-1, 1] (colour is averaged to grey first; borders are left out).
    Blurred images score low; the real data's value is the ceiling to compare with."""
    grey = np.asarray(images, dtype=np.float64).mean(axis=1)  # (n, H, W)
    laplacian = (
        grey[:, :-2, 1:-1] + grey[:, 2:, 1:-1] + grey[:, 1:-1, :-2] + grey[:, 1:-1, 2:] - 4 * grey[:, 1:-1, 1:-1]
    )
    return float(laplacian.reshape(len(grey), -1).var(axis=1).mean()) if len(grey) else 0.0
