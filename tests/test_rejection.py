"""Discriminator rejection sampling on cases whose answer is known."""

import math
from types import SimpleNamespace

import pytest
import torch

from gan_core.sampling.rejection import RejectionUnavailableError, rejection_sample, shifted_scores

P_DATA = torch.distributions.Normal(1.0, 0.5)
P_G = torch.distributions.Normal(0.0, 1.0)


class OptimalLogit(torch.nn.Module):
    """The logit of D*(x) = p_data / (p_data + p_g): log p_data(x) - log p_g(x)."""

    def forward(self, x, labels=None):
        x = x.view(len(x))
        return P_DATA.log_prob(x) - P_G.log_prob(x)


def _trainer(loss="nsgan"):
    return SimpleNamespace(
        objective=SimpleNamespace(discriminator=OptimalLogit()),
        device=torch.device("cpu"),
        config=SimpleNamespace(train=SimpleNamespace(loss=loss, batch_size=256)),
    )


def _propose(count, seed):
    return torch.randn(count, 1, generator=torch.Generator().manual_seed(seed)), None


def test_with_the_optimal_discriminator_and_gamma_zero_it_samples_the_data_distribution():
    """G proposes N(0, 1), D* knows N(1, 0.5): the accepted samples follow N(1, 0.5)."""
    accepted, labels, rate = rejection_sample(
        _trainer(), 4000, seed=0, percentile=None, burn_in=20_000, propose=_propose
    )
    assert accepted.shape == (4000, 1) and labels is None
    assert abs(accepted.mean().item() - 1.0) < 0.03
    assert abs(accepted.std().item() - 0.5) < 0.03
    # Acceptance of plain rejection sampling is 1 / M, M = max p_data / p_g over the proposals.
    assert 0.1 < rate < 0.6


def test_a_higher_percentile_keeps_fewer_and_better_rated_samples():
    loose = rejection_sample(_trainer(), 1000, seed=1, percentile=10, burn_in=5000, propose=_propose)
    strict = rejection_sample(_trainer(), 1000, seed=1, percentile=95, burn_in=5000, propose=_propose)
    assert strict[2] < loose[2]
    logit = OptimalLogit()
    assert logit(strict[0]).mean() > logit(loose[0]).mean()


def test_shifted_scores_turn_gamma_zero_into_plain_rejection_sampling():
    logits = torch.tensor([-3.0, -1.0, 0.0, 2.0])
    acceptance = torch.sigmoid(shifted_scores(logits, 2.0))
    assert torch.allclose(acceptance[:3], torch.exp(logits[:3] - 2.0).double(), atol=1e-4)
    assert math.isfinite(shifted_scores(logits, 2.0)[-1].item())


def test_it_refuses_losses_without_a_density_ratio_and_bad_percentiles():
    with pytest.raises(RejectionUnavailableError, match="probabilistic loss"):
        rejection_sample(_trainer("wgan_gp"), 10, propose=_propose)
    with pytest.raises(ValueError, match="percentile"):
        rejection_sample(_trainer(), 10, percentile=100, propose=_propose)
