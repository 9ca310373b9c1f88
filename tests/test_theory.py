"""The theory behind the page (issue 14): the udlbook toy GAN's numbers through our own losses,
the loss-gradient curves against their closed forms, and V(G, D*) = -log 4 + 2 JSD."""

import math

import numpy as np
import pytest
import torch

from gan_core.evaluation.theory import (
    generator_loss_curve,
    jensen_shannon,
    value_at_optimum,
    value_lower_bound,
)
from gan_core.objectives import losses


def test_the_udlbook_toy_gan_losses_come_out_of_our_loss_functions():
    """udlbook Notebook 15.1: real N(7.5, 1) from seed 0, G(z) = z + 3 from seed 1, D = sigmoid(-2 + x),
    10 samples; its losses are sums over the samples."""
    np.random.seed(0)
    real = np.random.normal(size=10) + 7.5
    np.random.seed(1)
    fake = np.random.normal(size=10) + 3.0
    logits = lambda x: torch.tensor(-2.0 + 1.0 * x)  # noqa: E731
    d_loss = 10 * float(losses.discriminator_bce(logits(real), logits(fake)))
    g_loss = -10 * float(losses.generator_minimax(logits(fake)))  # the notebook's G maximises -sum log(1 - D)
    assert d_loss == pytest.approx(13.814757170851447, abs=1e-9)
    assert g_loss == pytest.approx(13.78437035945412, abs=1e-9)


def test_generator_gradients_match_their_closed_forms_and_the_minimax_one_vanishes_early():
    d = np.array([0.001, 0.01, 0.1, 0.5, 0.9])
    minimax_loss, minimax_grad = generator_loss_curve("minimax", d)
    ns_loss, ns_grad = generator_loss_curve("nsgan", d)
    np.testing.assert_allclose(minimax_loss, np.log(1 - d), rtol=1e-9)
    np.testing.assert_allclose(minimax_grad, -d, rtol=1e-6)  # d/da log(1 - sigmoid(a)) = -sigmoid(a)
    np.testing.assert_allclose(ns_loss, -np.log(d), rtol=1e-9)
    np.testing.assert_allclose(ns_grad, -(1 - d), rtol=1e-6)
    assert abs(minimax_grad[0]) < 0.002 < 0.99 < abs(ns_grad[0])  # D rejects the fake: only nsgan still pushes
    raw = np.array([-2.0, 0.0, 1.0, 3.0])
    _, ls_grad = generator_loss_curve("lsgan", raw)
    _, w_grad = generator_loss_curve("wgan", raw)
    np.testing.assert_allclose(ls_grad, raw - 1)
    np.testing.assert_allclose(w_grad, -np.ones(4))


def gaussian(x, mean, std):
    return np.exp(-0.5 * ((x - mean) / std) ** 2) / (std * math.sqrt(2 * math.pi))


@pytest.mark.parametrize("shift", [0.0, 0.5, 2.0, 8.0])
def test_the_value_at_the_optimal_discriminator_is_minus_log_4_plus_twice_the_jsd(shift):
    x = np.linspace(-12, 20, 20001)
    dx = x[1] - x[0]
    p_data = 0.3 * gaussian(x, -1, 0.5) + 0.7 * gaussian(x, 2, 1.0)
    p_g = gaussian(x, 1 + shift, 1.5)
    jsd = jensen_shannon(p_data, p_g, dx)
    assert value_at_optimum(p_data, p_g, dx) == pytest.approx(value_lower_bound() + 2 * jsd, abs=1e-6)
    assert 0 <= jsd <= math.log(2) + 1e-9
    assert value_at_optimum(p_data, p_data, dx) == pytest.approx(-math.log(4), abs=1e-6)  # p_g = p_data


def test_the_theory_page_shows_the_gradients_and_its_slider_changes_the_numbers():
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app_pages" / "theory.py"), default_timeout=60)
    at.run()
    assert not at.exception and len(at.get("plotly_chart")) == 2
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Gradient, minimax": "0.010", "Gradient, non-saturating": "0.990"}
    at.slider(key="theory_early").set_value(0.5).run()
    assert {m.label: m.value for m in at.metric} == {"Gradient, minimax": "0.500", "Gradient, non-saturating": "0.500"}
