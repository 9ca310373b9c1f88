import math

import numpy as np
import pytest
import torch

from gan_core.config import DataConfig
from gan_core.data.toy import make_toy_distribution
from gan_core.evaluation import mixture


def _ring():
    return make_toy_distribution(DataConfig(name="ring"))


def test_perfect_samples_cover_every_mode_with_about_99_percent_high_quality():
    data = _ring()
    samples = data.sample(2500, torch.Generator().manual_seed(0)).numpy()
    stats = mixture.mode_statistics(samples, data.centers.numpy(), data.std)
    assert stats["modes_covered"] == 8
    # within 3 std in 2D: P(chi2_2 <= 9) = 1 - exp(-4.5) = 0.989
    assert abs(stats["high_quality"] - (1 - math.exp(-4.5))) < 0.006
    assert stats["reverse_kl"] < 0.01


def test_samples_on_one_mode_cover_one_mode():
    data = _ring()
    samples = np.tile(data.centers[3].numpy(), (2500, 1))
    stats = mixture.mode_statistics(samples, data.centers.numpy(), data.std)
    assert stats["modes_covered"] == 1
    assert stats["high_quality"] == 1.0
    assert stats["mode_counts"][3] == 2500
    assert math.isclose(stats["reverse_kl"], math.log(8))


def test_samples_between_modes_are_low_quality_and_cover_nothing():
    data = _ring()
    samples = np.zeros((2500, 2))  # the centre of the ring
    stats = mixture.mode_statistics(samples, data.centers.numpy(), data.std)
    assert stats == {**stats, "modes_covered": 0, "high_quality": 0.0}
    assert math.isclose(stats["reverse_kl"], math.log(8))


def test_three_std_boundary_is_inclusive():
    centers = np.array([[0.0, 0.0]])
    stats = mixture.mode_statistics(np.array([[0.3, 0.0], [0.30001, 0.0]]), centers, std=0.1)
    assert stats["high_quality"] == 0.5


def test_reverse_kl_of_a_known_histogram():
    # two of four modes, evenly: KL(q || uniform) = log 2
    assert math.isclose(mixture.reverse_kl_to_uniform(np.array([5, 5, 0, 0])), math.log(2))


def test_histogram_divergences_identical_and_disjoint():
    rng = np.random.default_rng(0)
    a = rng.uniform(-1, 0, size=(5000, 2))
    b = rng.uniform(0.01, 1, size=(5000, 2))
    same = mixture.histogram_divergences(a, a, (-1, 1))
    assert same["kl"] == pytest.approx(0, abs=1e-6) and same["js"] == pytest.approx(0, abs=1e-9)
    apart = mixture.histogram_divergences(a, b, (-1, 1))
    assert apart["js"] == pytest.approx(math.log(2), rel=1e-6)
    assert apart["kl"] > 10  # p puts mass where q has (almost) none


def test_wasserstein1_of_a_shift_is_the_shift():
    rng = np.random.default_rng(1)
    a = rng.normal(size=(300, 2))
    assert mixture.wasserstein1(a, a + np.array([0.3, 0.4])) == pytest.approx(0.5, rel=1e-6)
    one_d = rng.normal(size=(300, 1))
    assert mixture.wasserstein1(one_d, one_d - 2) == pytest.approx(2.0, rel=1e-9)
