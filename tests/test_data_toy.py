import math

import torch

from gan_core.config import DataConfig
from gan_core.data.toy import make_toy_distribution, ring_centers


def test_ring_has_eight_distinct_modes_on_the_unit_circle():
    centers = ring_centers(8, 1.0)
    assert centers.shape == (8, 2)
    assert torch.allclose(centers.norm(dim=1), torch.ones(8), atol=1e-6)
    # endpoint=False: the smallest distance between two centres is the chord of 45 degrees
    gaps = torch.cdist(centers, centers) + torch.eye(8) * 10
    assert math.isclose(gaps.min().item(), 2 * math.sin(math.pi / 8), rel_tol=1e-5)


def test_grid_centres_are_the_5x5_lattice():
    data = make_toy_distribution(DataConfig(name="grid"))
    assert data.std == 0.05
    assert sorted(set(data.centers[:, 0].tolist())) == [-4.0, -2.0, 0.0, 2.0, 4.0]
    assert len({tuple(c) for c in data.centers.tolist()}) == 25


def test_mixture_samples_have_the_configured_spread():
    data = make_toy_distribution(DataConfig(name="ring", std=0.05))
    x = data.sample(20_000, torch.Generator().manual_seed(0))
    nearest = torch.cdist(x, data.centers).argmin(dim=1)
    residual = x - data.centers[nearest]
    assert abs(residual.std().item() - 0.05) < 0.003
    assert torch.bincount(nearest, minlength=8).min() > 2000  # every mode is drawn


def test_sampling_is_repeatable_for_a_seed():
    for name in ("ring", "grid", "spiral", "moons", "circles", "line", "three_regions", "mixture1d"):
        data = make_toy_distribution(DataConfig(name=name))
        a = data.sample(64, torch.Generator().manual_seed(3))
        b = data.sample(64, torch.Generator().manual_seed(3))
        assert torch.equal(a, b), name
        assert a.shape == (64, data.dim)
        assert torch.isfinite(a).all()
        low, high = data.bounds
        assert ((a > low) & (a < high)).float().mean() > 0.99, name  # the view shows the data


def test_user_points_are_resampled_exactly():
    data = make_toy_distribution(DataConfig(name="points", points=((1, 2), (3, 4), (5, 6))))
    x = data.sample(300, torch.Generator().manual_seed(0))
    assert {tuple(p) for p in x.tolist()} == {(1.0, 2.0), (3.0, 4.0), (5.0, 6.0)}


def test_mixture_density_integrates_to_one_in_1d():
    data = make_toy_distribution(DataConfig(name="mixture1d", n_modes=3, std=0.3))
    x = torch.linspace(-6, 6, 20_001).unsqueeze(1)
    integral = torch.trapezoid(data.density(x), x[:, 0]).item()
    assert abs(integral - 1.0) < 1e-4
