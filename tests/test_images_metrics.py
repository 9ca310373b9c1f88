"""Image metrics on constructed cases whose answers are known, and the shipped classifier."""

import numpy as np
import pytest

from gan_core.evaluation.images import (
    class_histogram,
    density_coverage,
    frechet_distance,
    frechet_distance_of_features,
    inception_score,
    label_agreement,
    precision_recall,
    score_samples,
)

CLASSIFIER_ACCURACY_BOUND = 0.97  # the shipped digits classifier scores 0.9916 on the held-out split


def _one_hot(labels, k=10):
    return np.eye(k)[labels]


def test_inception_score_bounds():
    balanced_confident = _one_hot(np.arange(1000) % 10)
    assert inception_score(balanced_confident) == pytest.approx(10.0, rel=1e-6)
    one_class = _one_hot(np.full(1000, 3))
    assert inception_score(one_class) == pytest.approx(1.0)
    uncertain = np.full((100, 10), 0.1)
    assert inception_score(uncertain) == pytest.approx(1.0)
    two_classes = _one_hot(np.arange(100) % 2)
    assert inception_score(two_classes) == pytest.approx(2.0, rel=1e-6)


def test_frechet_distance_known_answers():
    rng = np.random.default_rng(0)
    features = rng.normal(size=(500, 8))
    assert frechet_distance_of_features(features, features) == pytest.approx(0.0, abs=1e-6)
    # Same covariance, means apart by a vector of norm 5: d^2 = 25.
    shift = np.zeros(8)
    shift[0] = 5.0
    assert frechet_distance_of_features(features, features + shift) == pytest.approx(25.0, rel=1e-6)
    # N(0, I) vs N(0, 4 I) in d dims: Tr(I + 4I - 2 * 2I) = d.
    eye = np.eye(3)
    assert frechet_distance(np.zeros(3), eye, np.zeros(3), 4 * eye) == pytest.approx(3.0)


def test_precision_recall_density_coverage_identical_and_disjoint():
    rng = np.random.default_rng(1)
    real = rng.normal(size=(300, 4))
    same = precision_recall(real, real.copy())
    assert same == {"precision": 1.0, "recall": 1.0}
    dc = density_coverage(real, real.copy())
    assert dc["coverage"] == 1.0 and 0.8 < dc["density"] < 1.5
    far = real + 100.0
    assert precision_recall(real, far) == {"precision": 0.0, "recall": 0.0}
    assert density_coverage(real, far) == {"density": 0.0, "coverage": 0.0}


def test_half_of_the_real_data_gives_full_precision_partial_recall():
    rng = np.random.default_rng(2)
    left = rng.normal(size=(300, 2)) + [-20, 0]
    right = rng.normal(size=(300, 2)) + [20, 0]
    real = np.concatenate([left, right])
    fake = rng.normal(size=(300, 2)) + [-20, 0]  # only the left cluster: mode dropping
    result = precision_recall(real, fake)
    assert result["precision"] > 0.9 and 0.4 < result["recall"] <= 0.5
    assert 0.4 < density_coverage(real, fake)["coverage"] <= 0.5


def test_histogram_and_label_agreement():
    counts = class_histogram(np.array([0, 0, 3, 9]), 10)
    assert counts.tolist() == [2, 0, 0, 1, 0, 0, 0, 0, 0, 1]
    assert label_agreement(np.array([1, 2, 3, 4]), np.array([1, 2, 0, 0])) == 0.5
    probs = _one_hot(np.full(50, 7))
    result = score_samples(
        probs,
        np.random.default_rng(0).normal(size=(50, 3)),
        np.random.default_rng(1).normal(size=(60, 3)),
        requested_labels=np.full(50, 7),
    )
    assert result["classes_present"] == 1 and result["label_agreement"] == 1.0
    assert result["inception_score"] == pytest.approx(1.0)


def test_shipped_classifier_accuracy_and_size():
    from gan_core.config import DataConfig
    from gan_core.data import make_data
    from gan_core.networks.classifier import checkpoint_path, shipped_classifier
    from gan_core.training.classifier import accuracy

    assert checkpoint_path("digits").stat().st_size < 400_000
    classifier, info = shipped_classifier("digits")
    data = make_data(DataConfig(name="digits"))
    measured = accuracy(classifier, data.held_out_images, data.held_out_labels)
    assert measured > CLASSIFIER_ACCURACY_BOUND
    assert measured == pytest.approx(info["held_out_accuracy"])
    # It scores resized digits too (they are brought back to 8x8 first).
    data16 = make_data(DataConfig(name="digits", image_size=16))
    assert accuracy(classifier, data16.held_out_images, data16.held_out_labels) > 0.9


def test_real_data_ceiling_is_near_perfect():
    from gan_core.config import DataConfig
    from gan_core.data import make_data
    from gan_core.evaluation.image_run import reference_for

    ceiling = reference_for(make_data(DataConfig(name="digits"))).ceiling
    assert ceiling["classes_present"] == 10 and ceiling["label_agreement"] > CLASSIFIER_ACCURACY_BOUND
    assert ceiling["inception_score"] > 6 and ceiling["fid"] < 1.0 and ceiling["precision"] > 0.7


def test_laplacian_variance_ranks_sharp_above_blurred():
    from gan_core.evaluation.images import laplacian_variance

    rng = np.random.default_rng(0)
    sharp = np.where(rng.random((20, 1, 8, 8)) > 0.5, 1.0, -1.0)
    blurred = (sharp + np.roll(sharp, 1, axis=2) + np.roll(sharp, 1, axis=3) + np.roll(sharp, (1, 1), axis=(2, 3))) / 4
    assert laplacian_variance(np.zeros((3, 1, 8, 8))) == 0.0
    assert laplacian_variance(sharp) > 2 * laplacian_variance(blurred) > 0
