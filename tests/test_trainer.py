import dataclasses
import math

import pytest
import torch

from gan_core.config import ConfigError, RunConfig
from gan_core.presets import get_preset
from gan_core.snapshot import evaluate, take_snapshot
from gan_core.trainer import DivergedError, Trainer

SMALL = RunConfig().replace(model=dict(g_width=32, d_width=32, g_layers=2, d_layers=2),
                            train=dict(batch_size=64))


def _weights(module):
    return torch.cat([p.detach().flatten() for p in module.parameters()])


def test_same_seed_same_run_on_the_cpu():
    a, b = Trainer(SMALL, device="cpu"), Trainer(SMALL, device="cpu")
    a.train(30)
    b.train(30)
    assert torch.equal(_weights(a.generator), _weights(b.generator))
    assert a.history.rows == b.history.rows
    c = Trainer(SMALL.replace(train=dict(seed=1)), device="cpu")
    c.train(30)
    assert not torch.equal(_weights(a.generator), _weights(c.generator))


def test_an_iteration_is_k_discriminator_then_m_generator_updates():
    trainer = Trainer(SMALL.replace(train=dict(d_steps=3, g_steps=2)), device="cpu")
    trainer.train(4)
    assert (trainer.iteration, trainer.d_updates, trainer.g_updates) == (4, 12, 8)


def test_manual_updates_touch_only_their_network():
    trainer = Trainer(SMALL, device="cpu")
    g_before, d_before = _weights(trainer.generator), _weights(trainer.discriminator)
    trainer.step_discriminator()
    assert torch.equal(_weights(trainer.generator), g_before)
    assert not torch.equal(_weights(trainer.discriminator), d_before)
    d_after = _weights(trainer.discriminator)
    trainer.step_generator()
    assert torch.equal(_weights(trainer.discriminator), d_after)
    assert not torch.equal(_weights(trainer.generator), g_before)
    assert (trainer.iteration, trainer.d_updates, trainer.g_updates) == (0, 1, 1)


@pytest.mark.parametrize("loss", ["minimax", "nsgan", "lsgan", "hinge", "wgan", "wgan_gp"])
def test_every_loss_trains_with_finite_losses(loss):
    trainer = Trainer(SMALL.replace(train=dict(loss=loss)), device="cpu")
    trainer.train(20)
    assert all(math.isfinite(v) for v in trainer.last_losses)
    penalised = Trainer(SMALL.replace(train=dict(loss=loss, r1_gamma=1.0)), device="cpu")
    penalised.train(5)
    assert all(math.isfinite(v) for v in penalised.last_losses)
    if loss == "wgan":  # weight clipping holds the critic in [-c, c]
        assert max(p.abs().max().item() for p in trainer.discriminator.parameters()) <= 0.01 + 1e-7


def test_a_diverging_run_stops_with_a_reason_and_keeps_finite_weights():
    config = SMALL.replace(train=dict(d_optimizer="sgd", g_optimizer="sgd", d_lr=1e12, g_lr=1e12))
    trainer = Trainer(config, device="cpu")
    with pytest.raises(DivergedError, match="diverged at iteration"):
        trainer.train(200)
    assert "restored" in trainer.diverged and "lower learning rates" in trainer.diverged
    assert torch.isfinite(_weights(trainer.generator)).all()
    assert torch.isfinite(_weights(trainer.discriminator)).all()
    assert trainer.step() is False  # a diverged run does nothing more


def test_live_settings_change_without_a_reset_and_others_refuse():
    trainer = Trainer(SMALL, device="cpu")
    trainer.train(5)
    trainer.apply_train_changes(SMALL.train.__class__(**{**SMALL.train.__dict__, "loss": "hinge", "g_lr": 5e-4}))
    assert trainer.config.train.loss == "hinge"
    assert trainer.g_optimizer.param_groups[0]["lr"] == 5e-4
    trainer.train(5)
    with pytest.raises(ConfigError, match="batch_size needs a reset"):
        trainer.apply_train_changes(trainer.config.train.__class__(**{**trainer.config.train.__dict__, "batch_size": 8}))


def test_history_stays_bounded_over_a_long_run():
    trainer = Trainer(SMALL.replace(model=dict(g_width=8, d_width=8, g_layers=1, d_layers=1),
                                    train=dict(batch_size=8)), device="cpu")
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
        before = trainer.discriminator(fake)
        after = trainer.discriminator(fake + step)
    assert (after > before).float().mean() > 0.9


def test_ring_preset_learns_the_modes():
    """Seeded, shortened ring preset: from a collapsed start to most of the ring."""
    config = get_preset("ring").replace(train=dict(iterations=6000))
    trainer = Trainer(config, device="cpu")
    start = evaluate(trainer)
    trainer.train(6000)
    end = evaluate(trainer)
    assert start["modes_covered"] <= 1  # an untrained generator puts everything in one place
    assert end["modes_covered"] >= 6  # seen: 7 of 8 after 6,000 iterations (8 after 20,000)
    assert end["high_quality"] >= 0.7  # seen: 0.91


def test_instance_noise_anneals_to_zero_and_reaches_d_only():
    config = RunConfig().replace(train=dict(iterations=100, instance_noise=0.5, batch_size=32))
    trainer = Trainer(config, device="cpu")
    x = torch.zeros(1000, 2)
    assert trainer.instance_noise_std() == 0.5
    assert math.isclose(trainer.with_instance_noise(x).std().item(), 0.5, rel_tol=0.1)
    trainer.train(50)
    assert math.isclose(trainer.instance_noise_std(), 0.25)
    trainer.train(50)
    assert trainer.instance_noise_std() == 0.0
    assert trainer.with_instance_noise(x) is x
    plain = Trainer(RunConfig().replace(train=dict(iterations=100)), device="cpu")
    assert plain.instance_noise_std() == 0.0


def test_instance_noise_and_label_smoothing_change_live_and_refuse_bad_values():
    trainer = Trainer(RunConfig().replace(train=dict(batch_size=32)), device="cpu")
    trainer.train(5)
    trainer.apply_train_changes(dataclasses.replace(trainer.config.train, instance_noise=0.1, label_smoothing=0.1))
    trainer.train(5)
    assert trainer.config.train.instance_noise == 0.1 and math.isfinite(trainer.last_losses[0])
    with pytest.raises(ConfigError, match="label smoothing needs a probabilistic loss"):
        RunConfig().replace(train=dict(loss="wgan_gp", label_smoothing=0.1))
    with pytest.raises(ConfigError, match="instance noise"):
        RunConfig().replace(train=dict(instance_noise=-1.0))
