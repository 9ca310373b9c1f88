"""The generic trainer running the GAN objective: seeding, the update schedule, manual updates,
learned behaviour per loss, divergence, live changes, learning-rate decay, the weight average,
PacGAN packing and the bounded history."""

import dataclasses
import math

import pytest
import torch
from conftest import run_cli

from gan_core.config import ConfigError, RunConfig
from gan_core.evaluation.toy_run import evaluate_toy_run
from gan_core.objectives import losses
from gan_core.presets import get_preset
from gan_core.training import DivergedError, Trainer
from gan_core.views.toy import take_snapshot

SMALL = RunConfig().replace(model=dict(g_width=32, d_width=32, g_layers=2, d_layers=2), train=dict(batch_size=64))


def _weights(module):
    return torch.cat([p.detach().flatten() for p in module.parameters()])


def _generator(trainer):
    return trainer.objective.generator


def _discriminator(trainer):
    return trainer.objective.discriminator


def test_same_seed_same_run_on_the_cpu():
    a, b = Trainer(SMALL, device="cpu"), Trainer(SMALL, device="cpu")
    a.train(30)
    b.train(30)
    assert torch.equal(_weights(_generator(a)), _weights(_generator(b)))
    assert a.history.rows == b.history.rows
    c = Trainer(SMALL.replace(train=dict(seed=1)), device="cpu")
    c.train(30)
    assert not torch.equal(_weights(_generator(a)), _weights(_generator(c)))


def test_dropout_runs_repeat_for_their_seed_and_leave_the_global_stream_alone():
    config = SMALL.replace(model=dict(d_dropout=0.3))
    torch.manual_seed(123)
    before = torch.get_rng_state()
    a = Trainer(config, device="cpu")
    a.train(20)
    assert torch.equal(torch.get_rng_state(), before)  # the run drew from its own global stream
    torch.manual_seed(999)  # whatever the global state, the run is the same
    b = Trainer(config, device="cpu")
    b.train(20)
    assert torch.equal(_weights(_discriminator(a)), _weights(_discriminator(b)))


def test_an_iteration_is_k_discriminator_then_m_generator_updates():
    trainer = Trainer(SMALL.replace(train=dict(d_steps=3, g_steps=2)), device="cpu")
    trainer.train(4)
    assert trainer.iteration == 4 and trainer.updates == {"discriminator": 12, "generator": 8}


def test_manual_updates_touch_only_their_network():
    trainer = Trainer(SMALL, device="cpu")
    g_before, d_before = _weights(_generator(trainer)), _weights(_discriminator(trainer))
    trainer.update("discriminator")
    assert torch.equal(_weights(_generator(trainer)), g_before)
    assert not torch.equal(_weights(_discriminator(trainer)), d_before)
    d_after = _weights(_discriminator(trainer))
    trainer.update("generator")
    assert torch.equal(_weights(_discriminator(trainer)), d_after)
    assert not torch.equal(_weights(_generator(trainer)), g_before)
    assert trainer.iteration == 0 and trainer.updates == {"discriminator": 1, "generator": 1}
    with pytest.raises(ValueError, match="unknown update 'critic'"):
        trainer.update("critic")


@pytest.mark.statistical
@pytest.mark.parametrize("loss", ["minimax", "nsgan", "lsgan", "hinge", "wgan", "wgan_gp"])
def test_every_loss_teaches_the_discriminator_to_tell_real_from_generated(loss, seed):
    """With G frozen (m = 0), 150 D updates must make D score real samples above generated ones,
    and lower D's own loss on fixed batches: the loss pushes D the right way. (On fixed batches:
    a clipped critic's losses are ~1e-4, below the noise of fresh batches.)"""
    config = SMALL.replace(
        train=dict(loss=loss, g_steps=0, d_steps=1, d_lr=5e-3 if loss != "wgan" else 5e-2, seed=seed)
    )
    trainer = Trainer(config, device="cpu")
    real = trainer.data.sample(512, torch.Generator().manual_seed(5))
    with torch.no_grad():
        fake = _generator(trainer)(torch.randn(512, 2, generator=torch.Generator().manual_seed(6)))

    def fixed_batch_loss() -> float:
        with torch.no_grad():
            scores = _discriminator(trainer)(real), _discriminator(trainer)(fake)
        return losses.DISCRIMINATOR_LOSSES[loss](*scores).item()

    trainer.train(3)  # a clipped critic's first updates clip its initial weights: start from there
    first_loss = fixed_batch_loss()
    trainer.train(150)
    with torch.no_grad():
        gap = (_discriminator(trainer)(real).mean() - _discriminator(trainer)(fake).mean()).item()
    assert gap > (0.5 if loss != "wgan" else 0.0), gap  # a clipped critic's scores are tiny
    assert fixed_batch_loss() < first_loss
    if loss == "wgan":  # weight clipping holds the critic in [-c, c]
        assert max(p.abs().max().item() for p in _discriminator(trainer).parameters()) <= 0.01 + 1e-7


@pytest.mark.statistical
def test_r1_and_gradient_penalty_flatten_the_discriminator_at_the_data(seed):
    """The same D training with R1 (gamma 10) must end with smaller input gradients on real data."""

    def gradient_norm(config):
        trainer = Trainer(config, device="cpu")
        trainer.train(100)
        x = trainer.data.sample(256, torch.Generator().manual_seed(1)).requires_grad_(True)
        (grad,) = torch.autograd.grad(_discriminator(trainer)(x).sum(), x)
        return grad.norm(dim=1).mean().item()

    plain = SMALL.replace(train=dict(g_steps=0, d_lr=5e-3, seed=seed))
    assert gradient_norm(plain.replace(train=dict(r1_gamma=10.0))) < 0.5 * gradient_norm(plain)


def test_a_diverging_run_stops_with_a_reason_and_keeps_finite_weights():
    config = SMALL.replace(train=dict(d_optimizer="sgd", g_optimizer="sgd", d_lr=1e12, g_lr=1e12))
    trainer = Trainer(config, device="cpu")
    with pytest.raises(DivergedError, match="diverged at iteration"):
        trainer.train(200)
    assert "restored to iteration 0" in trainer.diverged and "lower learning rates" in trainer.diverged
    assert "wgan_gp" in trainer.diverged and "e.g. nsgan" not in trainer.diverged  # not the loss in use
    assert torch.isfinite(_weights(_generator(trainer))).all()
    assert torch.isfinite(_weights(_discriminator(trainer))).all()
    assert trainer.step() is False  # a diverged run does nothing more


def test_a_divergence_keeps_the_history_up_to_the_blow_up_until_rolled_back():
    config = SMALL.replace(train=dict(d_optimizer="sgd", g_optimizer="sgd", d_lr=0.01, g_lr=0.01))
    trainer = Trainer(config, device="cpu")
    trainer.train(250)  # a good copy is kept every 200 iterations
    trainer.apply_train_changes(config.train.__class__(**{**config.train.__dict__, "d_lr": 1e12, "g_lr": 1e12}))
    with pytest.raises(DivergedError):
        trainer.train(200)
    assert trainer.iteration == 200 and trainer.diverged_at > 250
    kept = trainer.history.columns()["iteration"]
    assert kept[-1] == trainer.diverged_at - 1  # every finite iteration up to the blow-up is still there
    trainer.roll_back()
    assert trainer.diverged is None and trainer.diverged_at is None
    assert trainer.history.columns()["iteration"][-1] == 200
    trainer.apply_train_changes(config.train)
    assert trainer.step() and trainer.iteration == 201


def test_live_settings_change_without_a_reset_and_others_refuse():
    trainer = Trainer(SMALL, device="cpu")
    trainer.train(5)
    trainer.apply_train_changes(dataclasses.replace(SMALL.train, loss="hinge", g_lr=5e-4))
    assert trainer.config.train.loss == "hinge" and trainer.objective.config.train.loss == "hinge"
    assert trainer.optimizers["generator"].param_groups[0]["lr"] == 5e-4
    trainer.train(5)
    with pytest.raises(ConfigError, match="batch_size needs a reset"):
        trainer.apply_train_changes(dataclasses.replace(trainer.config.train, batch_size=8))


def test_dcgan_loss_change_into_wgan_gp_needs_a_reset():
    config = get_preset("digits-dcgan").replace(train=dict(device="cpu", batch_size=8))
    trainer = Trainer(config)
    with pytest.raises(ConfigError, match="loss needs a reset"):
        trainer.apply_train_changes(dataclasses.replace(config.train, loss="wgan_gp"))
    trainer.apply_train_changes(dataclasses.replace(config.train, loss="hinge"))  # same norm: live
    assert trainer.config.train.loss == "hinge"


def test_learning_rates_decay_linearly_over_their_own_length():
    config = SMALL.replace(train=dict(lr_decay=True, iterations=1000, lr_decay_iterations=40, d_lr=1e-3, g_lr=2e-3))
    trainer = Trainer(config, device="cpu")
    trainer.train(10)  # the 10th iteration ran at factor 1 - 9/40
    assert trainer.optimizers["discriminator"].param_groups[0]["lr"] == pytest.approx(1e-3 * (1 - 9 / 40))
    assert trainer.optimizers["generator"].param_groups[0]["lr"] == pytest.approx(2e-3 * (1 - 9 / 40))
    assert trainer.learning_rate_factor == pytest.approx(1 - 10 / 40)
    trainer.train(40)
    assert trainer.learning_rate_factor == 0.0
    g_before = _weights(_generator(trainer))
    trainer.train(3)  # at learning rate 0 Adam leaves the weights where they are
    assert torch.equal(_weights(_generator(trainer)), g_before)
    unset = SMALL.replace(train=dict(lr_decay=True, iterations=80))
    assert unset.train.decay_length == 80 and unset.train.noise_length == 80


def test_the_weight_average_follows_the_ema_formula_with_a_warm_up():
    trainer = Trainer(SMALL.replace(train=dict(ema=0.9)), device="cpu")
    trainer.train(3)
    average_before = _weights(trainer.average)
    trainer.update("discriminator")
    assert torch.equal(_weights(trainer.average), average_before)  # only generator updates move it
    assert trainer.average_decay("generator") == (1 + 3) / (10 + 3)  # warming up: 3 updates so far
    trainer.update("generator")
    expected = (4 / 13) * average_before + (9 / 13) * _weights(_generator(trainer))
    assert torch.allclose(_weights(trainer.average), expected, atol=1e-7)
    trainer.train(100)
    assert trainer.average_decay("generator") == 0.9  # (1 + n) / (10 + n) passed 0.9 at n = 80
    average_before = _weights(trainer.average)
    trainer.update("generator")
    expected = 0.9 * average_before + 0.1 * _weights(_generator(trainer))
    assert torch.allclose(_weights(trainer.average), expected, atol=1e-7)
    assert trainer.sampling_network is trainer.average
    plain = Trainer(SMALL, device="cpu")
    assert plain.average is None and plain.sampling_network is plain.live_network


def test_pack_joins_samples_for_the_discriminator():
    config = SMALL.replace(model=dict(pack=4))
    trainer = Trainer(config, device="cpu")
    discriminator = _discriminator(trainer)
    assert discriminator.net[0].in_features == 2 * 4
    assert discriminator(torch.zeros(64, 2)).shape == (16,)  # one logit per pack of 4
    trainer.train(20)
    assert math.isfinite(trainer.last_losses["d_loss"])
    snap = take_snapshot(trainer, n_points=50, heat_resolution=10, manifold_resolution=5)
    assert snap.d_fake.shape == (50,) and snap.d_grid.shape == (10, 10)  # each point scored on its own
    with pytest.raises(ConfigError, match="multiple of pack"):
        SMALL.replace(model=dict(pack=3))


def test_history_stays_bounded_over_a_long_run():
    trainer = Trainer(
        SMALL.replace(model=dict(g_width=8, d_width=8, g_layers=1, d_layers=1), train=dict(batch_size=8)), device="cpu"
    )
    trainer.history.capacity = 64
    trainer.train(1000)
    rows = trainer.history.rows
    assert len(rows) < 64
    assert rows[0]["iteration"] == 1 and rows[-1]["iteration"] > 900  # still spans the run


def test_snapshot_has_what_a_live_view_draws():
    trainer = Trainer(SMALL, device="cpu")
    trainer.train(10)
    snap = take_snapshot(trainer, n_points=100, heat_resolution=30, manifold_resolution=10, with_metrics=True)
    assert snap.iteration == 10 and snap.real.shape == (100, 2) and snap.fake.shape == (100, 2)
    assert snap.d_grid.shape == (30, 30) and ((snap.d_grid > 0) & (snap.d_grid < 1)).all()
    assert snap.manifold.shape == (10, 10, 2) and snap.gradients.shape == (100, 2)
    assert snap.metrics["n_modes"] == 8 and 0 <= snap.metrics["high_quality"] <= 1
    # the generator's gradient points up the discriminator's slope: moving along it raises D
    fake = torch.from_numpy(snap.fake)
    step = torch.from_numpy(snap.gradients)
    step = 1e-3 * step / step.norm(dim=1, keepdim=True).clamp_min(1e-12)
    with torch.no_grad():
        before = _discriminator(trainer)(fake)
        after = _discriminator(trainer)(fake + step)
    assert (after > before).float().mean() > 0.9


@pytest.fixture(scope="session")  # not module: a worker may run other modules between its tests
def ring_4000(seed):
    """The ring preset as shipped (its rates decaying over 20,000 iterations), trained 4,000
    iterations: shared by the tests that look at a ring run part way."""
    trainer = Trainer(get_preset("ring").replace(train=dict(device="cpu", seed=seed)))
    trainer.train(4000)
    return trainer


@pytest.mark.statistical
def test_ring_preset_learns_the_modes(ring_4000, seed):
    """From a collapsed start to most of the ring."""
    start = evaluate_toy_run(Trainer(get_preset("ring").replace(train=dict(device="cpu", seed=seed))))
    end = evaluate_toy_run(ring_4000)
    assert start["modes_covered"] <= 1  # an untrained generator puts everything in one place
    # Seeds 0-4 at 1 and 2 threads, after 4,000 iterations: 7-8 of 8 modes, high quality 0.47-0.97
    # (seed 4 found its last modes late; with the rates decaying to 0 over a 4,000-iteration run
    # every seed had 8 modes and 0.90-0.93).
    assert end["modes_covered"] >= 6
    assert end["high_quality"] >= 0.35


def test_instance_noise_fades_over_its_own_length_and_reaches_d_only():
    config = RunConfig().replace(
        train=dict(iterations=1000, instance_noise_iterations=100, instance_noise=0.5, batch_size=32)
    )
    trainer = Trainer(config, device="cpu")
    objective = trainer.objective
    x = torch.zeros(1000, 2)
    assert objective.instance_noise_std(0) == 0.5
    assert math.isclose(objective.with_instance_noise(x, 0).std().item(), 0.5, rel_tol=0.1)
    assert math.isclose(objective.instance_noise_std(50), 0.25)
    assert objective.instance_noise_std(100) == 0.0
    assert objective.with_instance_noise(x, 100) is x
    plain = Trainer(RunConfig().replace(train=dict(iterations=100)), device="cpu").objective
    assert plain.instance_noise_std(0) == 0.0


def test_instance_noise_and_label_smoothing_change_live_and_refuse_bad_values():
    trainer = Trainer(RunConfig().replace(train=dict(batch_size=32)), device="cpu")
    trainer.train(5)
    trainer.apply_train_changes(dataclasses.replace(trainer.config.train, instance_noise=0.1, label_smoothing=0.1))
    trainer.train(5)
    assert trainer.config.train.instance_noise == 0.1 and math.isfinite(trainer.last_losses["d_loss"])
    with pytest.raises(ConfigError, match="label smoothing needs a probabilistic loss"):
        RunConfig().replace(train=dict(loss="wgan_gp", label_smoothing=0.1))
    with pytest.raises(ConfigError, match="instance noise"):
        RunConfig().replace(train=dict(instance_noise=-1.0))


@pytest.mark.statistical
def test_early_in_a_run_the_weight_average_scores_like_the_generator_drawn(ring_4000):
    """Issue 13: on the ring at iteration ~2,900 the plot showed 8 modes while the average (EMA
    0.999 from the random initial weights) scored 0 of 8. With the warm-up the two agree once the
    generator has settled on the modes: at iteration 4,000 at seeds 0-4 (modes within 1, high
    quality within 0.10). At 2,000 a seed whose generator was still moving between modes had an
    average of 0-1 modes: an average of moving weights is no generator."""
    trainer = ring_4000
    average, drawn = evaluate_toy_run(trainer), evaluate_toy_run(trainer, live=True)
    assert drawn["modes_covered"] >= 6
    assert average["modes_covered"] >= drawn["modes_covered"] - 1
    assert abs(average["high_quality"] - drawn["high_quality"]) < 0.25


def test_networks_too_big_for_a_laptop_are_refused_before_any_memory_is_taken(root, tmp_path):
    from gan_core.presets import PRESETS
    from gan_core.training.memory import MAX_TRAINING_BYTES, training_bytes

    for name in PRESETS:  # every preset fits, with room
        assert training_bytes(get_preset(name)) < MAX_TRAINING_BYTES / 10, name
    # A link's settings within the widgets' ranges: 64x64 faces, widths 1,024 (over 20 GB).
    huge = get_preset("faces-dcgan").replace(data={"image_size": 64}, model={"g_width": 1024, "d_width": 1024})
    with pytest.raises(ConfigError, match=r"about [\d.,]+ GB to train .* lower the widths"):
        Trainer(huge)
    result = run_cli(root, "train", "--preset", "faces-dcgan", "--g-width", "2000", "--out", str(tmp_path / "x.pt"))
    assert result.returncode == 2 and "GB to train" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "x.pt").exists()
