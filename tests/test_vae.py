"""The VAE and the plain auto-encoder in the engine: the KL term and the likelihoods against
their closed forms, gradients through the reparameterisation, the ELBO below an importance-
weighted bound that rises with k, seeded runs that learn, checkpoints of each kind, and the
refusals (a GAN checkpoint where a VAE is expected; settings a kind does not use)."""

import json

import pytest
import torch
import torch.nn.functional as F
from conftest import run_cli

from gan_core.config import ConfigError, ModelConfig, RunConfig
from gan_core.evaluation import evaluate_run
from gan_core.evaluation.likelihood import likelihood_bounds
from gan_core.objectives import likelihoods
from gan_core.presets import get_preset, presets_for
from gan_core.sampling import sample
from gan_core.training import Trainer, checkpoint

SMALL_DIGITS_VAE = get_preset("digits-vae").replace(
    model=dict(architecture="mlp", g_extra_layers=0, g_layers=1, g_width=64, d_layers=1, d_width=64, noise_dim=8),
    train=dict(batch_size=64, device="cpu"),
)


def test_kl_and_likelihoods_match_their_closed_forms():
    torch.manual_seed(0)
    mean, log_var = torch.randn(5, 3), torch.randn(5, 3)
    expected = torch.distributions.kl_divergence(
        torch.distributions.Normal(mean, torch.exp(0.5 * log_var)), torch.distributions.Normal(0.0, 1.0)
    ).sum(dim=1)
    torch.testing.assert_close(likelihoods.gaussian_kl_to_standard(mean, log_var), expected)
    x, centre = torch.randn(4, 6), torch.randn(4, 6)
    normal = torch.distributions.Normal(centre, 0.3).log_prob(x).sum(dim=1)
    torch.testing.assert_close(likelihoods.gaussian_log_likelihood(x, centre, torch.log(torch.tensor(0.3))), normal)
    images, outputs = torch.rand(4, 1, 8, 8) * 2 - 1, torch.rand(4, 1, 8, 8) * 1.8 - 0.9
    bce = -F.binary_cross_entropy((outputs + 1) / 2, (images + 1) / 2, reduction="none").sum(dim=(1, 2, 3))
    torch.testing.assert_close(likelihoods.bernoulli_log_likelihood(images, outputs), bce)
    z = torch.randn(7, 3)
    torch.testing.assert_close(
        likelihoods.diagonal_gaussian_log_density(z, mean[:1], log_var[:1]),
        torch.distributions.Normal(mean[:1], torch.exp(0.5 * log_var[:1])).log_prob(z).sum(dim=1),
    )


@pytest.mark.parametrize("kind", ["vae", "ae"])
def test_gradients_reach_the_encoder_through_the_code(kind):
    trainer = Trainer(SMALL_DIGITS_VAE.replace(model=dict(model_kind=kind)))
    objective = trainer.objective
    objective.loss("autoencoder", 0).backward()
    encoder_grads = [p.grad for p in objective.encoder.parameters()]
    assert all(g is not None and torch.isfinite(g).all() for g in encoder_grads)
    assert sum(float(g.abs().sum()) for g in encoder_grads) > 0
    assert set(trainer.groups) == {"autoencoder"}
    trained = {id(p) for group in trainer.optimizers["autoencoder"].param_groups for p in group["params"]}
    assert {id(p) for p in objective.encoder.parameters()} <= trained  # one optimiser, both networks


@pytest.fixture(scope="session")  # not module: a worker may run other modules between its tests
def ring_vae(seed):
    trainer = Trainer(get_preset("ring-vae").replace(train=dict(iterations=3000, device="cpu", seed=seed)))
    trainer.train(3000)
    return trainer


@pytest.mark.statistical
def test_a_seeded_vae_covers_the_ring_and_its_elbo_is_below_a_bound_rising_with_k(ring_vae):
    metrics = evaluate_run(ring_vae)
    assert metrics["modes_covered"] >= 7, metrics["modes_covered"]
    history = ring_vae.history.columns()
    assert {"loss", "recon", "kl", "elbo"} <= set(history)
    bounds = {k: likelihood_bounds(ring_vae, k=k, limit=1000) for k in (10, 100)}
    elbo = bounds[100]["elbo_nats"]
    # k = 1 is a one-sample ELBO estimate: on the same points and codes the two differ only by
    # log p(z) - log q(z|x) + KL, zero on average (8,000 points: a standard error near 0.01).
    one = likelihood_bounds(ring_vae, k=1, limit=8000)
    assert abs(one["iw_bound_nats"] - one["elbo_nats"]) < 0.1
    assert elbo < bounds[10]["iw_bound_nats"] < bounds[100]["iw_bound_nats"]
    assert metrics["likelihood"]["iw_k"] == 128 and metrics["likelihood"]["iw_bound_nats"] > elbo


@pytest.mark.statistical
def test_a_seeded_autoencoder_lowers_its_reconstruction_error(seed):
    trainer = Trainer(SMALL_DIGITS_VAE.replace(model=dict(model_kind="ae"), train=dict(seed=seed)))
    before = likelihood_bounds(trainer)["reconstruction_nats"]
    trainer.train(400)
    after = likelihood_bounds(trainer)["reconstruction_nats"]
    assert after < 0.8 * before, (before, after)
    assert "elbo_nats" not in likelihood_bounds(trainer)


@pytest.mark.parametrize("kind", ["vae", "ae"])
def test_checkpoints_of_each_kind_round_trip_and_resume_exactly(kind, tmp_path):
    config = SMALL_DIGITS_VAE.replace(model=dict(model_kind=kind))
    straight = Trainer(config)
    straight.train(20)
    first = Trainer(config)
    first.train(10)
    path = checkpoint.save(first, tmp_path / "run.pt")
    resumed = checkpoint.load_trainer(path, model_kinds=(kind,))
    resumed.train(10)
    for a, b in zip(straight.objective.parameters(), resumed.objective.parameters()):
        torch.testing.assert_close(a, b, rtol=0, atol=0)
    torch.testing.assert_close(sample(straight, 16, seed=3)[0], sample(resumed, 16, seed=3)[0])


def test_a_gan_checkpoint_where_a_vae_is_expected_is_refused(tmp_path):
    gan = Trainer(get_preset("ring").replace(train=dict(device="cpu")))
    path = checkpoint.save(gan, tmp_path / "gan.pt")
    with pytest.raises(checkpoint.CheckpointError, match="is a GAN; a VAE is expected"):
        checkpoint.read(path, model_kinds=("vae",))
    vae = checkpoint.save(Trainer(SMALL_DIGITS_VAE), tmp_path / "vae.pt")
    with pytest.raises(checkpoint.CheckpointError, match="is a VAE, not a GAN; the labs train GANs"):
        checkpoint.read(vae, kind="image")  # what the image lab asks


def test_the_labs_offer_gan_presets_only_and_kinds_refuse_what_they_do_not_use():
    assert "ring-vae" not in presets_for("toy") and "digits-vae" not in presets_for("image")
    assert "digits-vae" in presets_for("image", ("vae", "ae"))
    with pytest.raises(ConfigError, match="does not use pack"):
        RunConfig(model=ModelConfig(model_kind="vae", pack=2))
    with pytest.raises(ConfigError, match="does not use likelihood"):
        RunConfig(model=ModelConfig(likelihood="bernoulli"))
    with pytest.raises(ConfigError, match="Bernoulli decoder needs image data"):
        RunConfig(model=ModelConfig(model_kind="vae", likelihood="bernoulli"))
    with pytest.raises(ConfigError, match="noise prior must be normal"):
        RunConfig(model=ModelConfig(model_kind="ae", noise_prior="uniform"))


def test_the_cli_trains_samples_and_evaluates_a_vae(root, tmp_path):
    run = tmp_path / "vae.pt"

    def cli(*args):
        return run_cli(root, *args)

    trained = cli("train", "--preset", "ring-vae", "--iterations", "200", "--quiet", "--out", str(run))
    assert trained.returncode == 0, trained.stderr
    report = json.loads(trained.stdout)
    assert report["likelihood"]["iw_bound_nats"] >= report["likelihood"]["elbo_nats"]
    assert "modes_covered" in report
    samples = tmp_path / "s.npy"
    assert cli("sample", "--checkpoint", str(run), "--n", "50", "--out", str(samples)).returncode == 0
    image_vae = checkpoint.save(Trainer(SMALL_DIGITS_VAE), tmp_path / "digits-vae.pt")
    refused = cli("evaluate", "--checkpoint", str(image_vae), "--drs")
    assert refused.returncode == 2 and "needs a GAN" in refused.stderr
