import math

import pytest
import torch

from gan_core.config import DataConfig
from gan_core.data.toy import make_toy_distribution
from gan_core.objectives import losses


def test_losses_at_a_discriminator_that_cannot_tell():
    zero = torch.zeros(16)
    assert math.isclose(losses.discriminator_bce(zero, zero).item(), 2 * math.log(2), rel_tol=1e-6)
    assert math.isclose(losses.generator_nonsaturating(zero).item(), math.log(2), rel_tol=1e-6)
    assert math.isclose(losses.generator_minimax(zero).item(), -math.log(2), rel_tol=1e-6)
    half = torch.full((16,), 0.5)
    assert math.isclose(losses.discriminator_least_squares(half, half).item(), 0.25, rel_tol=1e-6)
    assert losses.discriminator_hinge(zero, zero).item() == 2.0
    assert losses.critic_wasserstein(torch.full((4,), 3.0), torch.full((4,), 1.0)).item() == -2.0


def test_minimax_generator_gradient_saturates_where_nonsaturating_does_not():
    """When D confidently rejects fakes (logit -8), log(1 - D) barely moves G; -log D does."""
    f = torch.full((1,), -8.0, requires_grad=True)
    (g_minimax,) = torch.autograd.grad(losses.generator_minimax(f), f)
    (g_nonsat,) = torch.autograd.grad(losses.generator_nonsaturating(f), f)
    assert abs(g_minimax.item()) < 1e-3
    assert abs(g_nonsat.item()) > 0.99


def test_trained_discriminator_reaches_the_optimal_discriminator():
    """Minimising the discriminator loss over a flexible D recovers D*(x) = p_data/(p_data+p_g)
    (Goodfellow et al. 2014, Proposition 1). Data: a 1D mixture; "generator": N(0, 1)."""
    torch.manual_seed(0)
    data = make_toy_distribution(DataConfig(name="mixture1d", n_modes=2, radius=1.5, std=0.5))
    net = torch.nn.Sequential(
        torch.nn.Linear(1, 64), torch.nn.Tanh(), torch.nn.Linear(64, 64), torch.nn.Tanh(), torch.nn.Linear(64, 1)
    )
    optimizer = torch.optim.Adam(net.parameters(), lr=3e-3)
    rng = torch.Generator().manual_seed(0)
    for _ in range(1500):
        real = data.sample(512, rng)
        fake = torch.randn(512, 1, generator=rng)
        loss = losses.discriminator_bce(net(real).squeeze(1), net(fake).squeeze(1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    x = torch.linspace(-2.0, 2.0, 41).unsqueeze(1)
    p_g = torch.exp(-(x[:, 0].double() ** 2) / 2) / math.sqrt(2 * math.pi)
    expected = losses.optimal_discriminator(data.density(x), p_g)
    learned = torch.sigmoid(net(x).squeeze(1)).double().detach()
    assert (learned - expected).abs().max().item() < 0.06


def test_gradient_penalty_of_a_linear_critic():
    """D(x) = w.x has gradient w everywhere, so the penalty is (|w| - 1)^2 exactly."""
    w = torch.tensor([3.0, 4.0])
    critic = lambda x: x @ w  # noqa: E731
    real, fake = torch.randn(32, 2), torch.randn(32, 2)
    assert math.isclose(losses.gradient_penalty(critic, real, fake).item(), 16.0, rel_tol=1e-6)
    unit = lambda x: x @ (w / 5)  # noqa: E731
    assert losses.gradient_penalty(unit, real, fake).item() < 1e-10


def test_the_one_sided_penalty_has_no_valley_at_slope_minus_one():
    """Two-sided, slopes -1 and 1 both cost nothing and slope 0 costs 1 (the barrier that held a 1D
    critic at -1); one-sided, only slopes steeper than 1 pay."""
    slopes = torch.tensor([0.0, 0.5, 1.0, 2.0])
    assert losses.slope_penalty(slopes).tolist() == [1.0, 0.25, 0.0, 1.0]
    assert losses.slope_penalty(slopes, one_sided=True).tolist() == [0.0, 0.0, 0.0, 1.0]
    w = torch.tensor([0.3, 0.4])  # a linear critic with slope 0.5
    real, fake = torch.randn(16, 2), torch.randn(16, 2)
    assert math.isclose(losses.gradient_penalty(lambda x: x @ w, real, fake).item(), 0.25, rel_tol=1e-6)
    assert losses.gradient_penalty(lambda x: x @ w, real, fake, one_sided=True).item() == 0.0


def test_losses_reduce_over_one_dimension_for_stacked_variants():
    """With dim, a loss gives one value per row: each row's own loss (Compare's stacked engine)."""
    r, f = torch.randn(3, 16), torch.randn(3, 16)
    for name, loss in losses.DISCRIMINATOR_LOSSES.items():
        rows = loss(r, f, dim=1)
        assert rows.shape == (3,), name
        assert torch.allclose(rows, torch.stack([loss(r[i], f[i]) for i in range(3)])), name
    for name, loss in losses.GENERATOR_LOSSES.items():
        assert torch.allclose(loss(f, dim=1), torch.stack([loss(f[i]) for i in range(3)])), name
    target = torch.tensor([[1.0], [0.9], [1.0]])  # one-sided label smoothing per variant
    smoothed = losses.discriminator_bce(r, f, real_target=target, dim=1)
    assert torch.allclose(smoothed[1], losses.discriminator_bce(r[1], f[1], real_target=0.9))
    assert torch.allclose(smoothed[0], losses.discriminator_bce(r[0], f[0]))


def test_gradient_penalty_of_a_quadratic_critic():
    """D(x) = |x|^2 / 2 has gradient x; with real = fake = c the mixed point is c itself."""
    critic = lambda x: 0.5 * (x**2).sum(dim=1)  # noqa: E731
    point = torch.tensor([[0.6, 0.8]]).repeat(8, 1) * 2  # norm 2
    assert math.isclose(losses.gradient_penalty(critic, point, point).item(), 1.0, rel_tol=1e-6)


@pytest.mark.parametrize("name", ["minimax", "nsgan", "lsgan", "hinge", "wgan", "wgan_gp"])
def test_every_loss_has_both_sides_and_prefers_real_over_fake(name):
    strong = torch.full((8,), 2.0)
    weak = torch.full((8,), -2.0)
    d_loss = losses.DISCRIMINATOR_LOSSES[name]
    # D scores lower loss when it ranks real above fake than the other way round
    assert d_loss(strong, weak) < d_loss(weak, strong)
    # G scores lower loss when D rates its samples as real
    assert losses.GENERATOR_LOSSES[name](strong) < losses.GENERATOR_LOSSES[name](weak)


def test_r1_penalty_of_a_linear_discriminator():
    """D(x) = w.x has gradient w at every real sample: the penalty is |w|^2 exactly."""
    w = torch.tensor([3.0, 4.0])
    assert math.isclose(losses.r1_penalty(lambda x: x @ w, torch.randn(16, 2)).item(), 25.0, rel_tol=1e-6)


def test_one_sided_label_smoothing_makes_d_settle_at_the_target_on_real_samples():
    """With real samples labelled 0.9 (Salimans et al. 2016), the loss on a real logit is lowest
    where D(x) = 0.9, not at ever larger logits; generated samples keep the target 0."""
    r = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([r], lr=1.0)
    for _ in range(500):
        loss = losses.discriminator_bce(r, torch.full((1,), -20.0), real_target=0.9)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert math.isclose(torch.sigmoid(r).item(), 0.9, abs_tol=1e-3)
    plain = losses.discriminator_bce(torch.full((4,), 2.0), torch.zeros(4))
    assert losses.discriminator_bce(torch.full((4,), 2.0), torch.zeros(4), real_target=1.0).item() == plain.item()
