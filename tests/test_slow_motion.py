"""Slow motion (issue 15): one iteration walked through as its sub-steps. Each sub-step changes
exactly what it says (D's weights only at D's update, G's only at G's), the whole walk leaves the
trainer exactly where Trainer.step() would, the numbers are right, Next past the end starts the
next iteration; the live command and the lab page's Slow motion tab."""

import math
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from conftest import open_lab

from gan_core.live import LiveRunner
from gan_core.objectives import losses
from gan_core.plots.slow_motion import slow_motion_figure
from gan_core.presets import get_preset
from gan_core.training import Trainer
from gan_core.training.slow_motion import SHOWN_POINTS, SlowMotion, plan_titles, walk_plan
from gan_core.views.slow_motion import SlowMotionView
from gan_core.views.toy import take_snapshot


def config(**train):
    settings = dict(batch_size=64, seed=3, d_steps=1, g_steps=1, ema=0.99, lr_decay=True, lr_decay_iterations=50)
    return get_preset("ring").replace(train={**settings, **train})


def copies(module) -> list[torch.Tensor]:
    return [p.detach().clone() for p in module.parameters()]


def same(before: list[torch.Tensor], module) -> bool:
    return all(torch.equal(a, b) for a, b in zip(before, module.parameters()))


def walk_one_iteration(walk: SlowMotion) -> list:
    steps = [walk.next()]
    while not steps[-1].finished:
        steps.append(walk.next())
    return steps


@pytest.mark.parametrize("k, m", [(1, 1), (2, 3)])
def test_each_sub_step_changes_only_what_it_says(k, m):
    trainer = Trainer(config(d_steps=k, g_steps=m), device="cpu")
    trainer.step()  # not at iteration 0: the optimisers have state
    walk = SlowMotion(trainer)
    generator, discriminator = trainer.objective.generator, trainer.objective.discriminator
    kinds = []
    for _ in range(len(walk_plan(trainer.config))):
        g_before, d_before = copies(generator), copies(discriminator)
        iteration_before, updates_before = trainer.iteration, dict(trainer.updates)
        step = walk.next()
        kinds.append(step.kind)
        d_same, g_same = same(d_before, discriminator), same(g_before, generator)
        if step.kind == "d_update":
            assert not d_same and g_same and step.changed == "discriminator"
            assert trainer.updates == {**updates_before, "discriminator": updates_before["discriminator"] + 1}
        elif step.kind == "g_update":
            assert d_same and not g_same and step.changed == "generator"
            assert trainer.updates == {**updates_before, "generator": updates_before["generator"] + 1}
        else:
            assert d_same and g_same and step.changed is None
            assert trainer.updates == updates_before
        assert trainer.iteration == iteration_before + (1 if step.finished else 0)
    assert kinds == ["real", "fake", "d_update"] * k + ["g_gradients", "g_update"] * m
    assert step.finished and not walk.in_progress


@pytest.mark.parametrize("loss", ["nsgan", "minimax", "lsgan", "hinge", "wgan", "wgan_gp"])
def test_the_walk_leaves_the_trainer_exactly_where_step_does(loss):
    settings = dict(loss=loss, d_steps=2, g_steps=2)
    walked, stepped = Trainer(config(**settings), device="cpu"), Trainer(config(**settings), device="cpu")
    walk = SlowMotion(walked)
    for _ in range(3):
        walk_one_iteration(walk)
        stepped.step()
    assert walked.iteration == stepped.iteration == 3
    assert walked.updates == stepped.updates
    for a, b in zip(walked.objective.parameters(), stepped.objective.parameters()):
        assert torch.allclose(a, b, rtol=0, atol=1e-7)
    for a, b in zip(walked.average.parameters(), stepped.average.parameters()):
        assert torch.allclose(a, b, rtol=0, atol=1e-7)
    one, other = walked.state_dict(), stepped.state_dict()
    assert torch.equal(one["rngs"]["data"], other["rngs"]["data"])
    assert torch.equal(one["rngs"]["noise"], other["rngs"]["noise"])
    assert one["history"] == other["history"]
    for name in ("discriminator", "generator"):
        assert one["optimizers"][name]["param_groups"][0]["lr"] == other["optimizers"][name]["param_groups"][0]["lr"]
    # And they go on alike: the next iterations, stepped normally, stay equal.
    walked.step(), stepped.step()
    assert all(torch.equal(a, b) for a, b in zip(walked.objective.parameters(), stepped.objective.parameters()))


def test_the_numbers_are_right():
    trainer = Trainer(config(loss="nsgan"), device="cpu")
    twin = Trainer(config(loss="nsgan"), device="cpu")
    walk = SlowMotion(trainer)
    real_step = walk.next()
    # the real batch is the one step() would draw, and D's mean output on it is recomputed here
    real, _ = twin.objective.sources.real_batch(64)
    assert np.array_equal(real_step.real, real[:SHOWN_POINTS].numpy())
    with torch.no_grad():
        expected = torch.sigmoid(twin.objective.discriminator(real)).mean().item()
    assert real_step.d_real == pytest.approx(expected, abs=1e-6)
    assert real_step.d_is_probability
    assert math.isnan(real_step.d_loss) and math.isnan(real_step.g_loss) and math.isnan(real_step.d_fake)
    fake_step = walk.next()
    noise = twin.objective.noise(64)
    with torch.no_grad():
        fake = twin.objective.generator(noise)
        expected_fake = torch.sigmoid(twin.objective.discriminator(fake)).mean().item()
    assert np.allclose(fake_step.fake, fake[:SHOWN_POINTS].numpy())
    assert fake_step.d_fake == pytest.approx(expected_fake, abs=1e-6)
    d_step = walk.next()
    with torch.no_grad():
        r, f = twin.objective.discriminator(real), twin.objective.discriminator(fake)
    assert d_step.d_loss == pytest.approx(losses.discriminator_bce(r, f).item(), abs=1e-5)
    g_step = walk.next()
    assert g_step.gradients.shape == g_step.fake.shape == (SHOWN_POINTS, 2)
    assert math.isfinite(g_step.g_loss) and g_step.d_loss == d_step.d_loss
    # the arrows are -dL_G/dx (times the batch size) at the shown points
    x = torch.from_numpy(g_step.fake[:1].copy()).requires_grad_(True)
    loss = losses.generator_nonsaturating(trainer.objective.discriminator(x))
    (grad,) = torch.autograd.grad(loss, x)
    assert np.allclose(g_step.gradients[0], -grad[0].numpy(), rtol=1e-4, atol=1e-6)
    last = walk.next()
    assert last.kind == "g_update" and last.finished and np.array_equal(last.previous_fake, g_step.fake)
    assert last.g_loss == pytest.approx(trainer.last_losses["g_loss"], abs=1e-6)
    assert last.d_loss == pytest.approx(trainer.last_losses["d_loss"], abs=1e-6)
    for step in (real_step, fake_step, d_step, g_step, last):
        assert step.sentence and step.plan == plan_titles(trainer.config)


def test_a_critic_shows_raw_scores():
    trainer = Trainer(config(loss="wgan_gp"), device="cpu")
    step = SlowMotion(trainer).next()
    real, _ = Trainer(config(loss="wgan_gp"), device="cpu").objective.sources.real_batch(64)
    with torch.no_grad():
        expected = trainer.objective.discriminator(real).mean().item()
    assert not step.d_is_probability and step.d_real == pytest.approx(expected, abs=1e-6)


def test_next_past_the_end_starts_the_next_iteration():
    trainer = Trainer(config(d_steps=1, g_steps=1), device="cpu")
    walk = SlowMotion(trainer)
    first = walk_one_iteration(walk)
    assert [s.iteration for s in first] == [0] * 5 and first[-1].run_iteration == 1
    following = walk.next()
    assert following.kind == "real" and following.index == 0 and following.iteration == 1
    assert walk.in_progress


def test_finish_completes_a_half_walked_iteration():
    walked, stepped = Trainer(config(), device="cpu"), Trainer(config(), device="cpu")
    walk = SlowMotion(walked)
    walk.next(), walk.next()
    walk.finish()
    stepped.step()
    assert walked.iteration == 1 and not walk.in_progress
    assert all(torch.equal(a, b) for a, b in zip(walked.objective.parameters(), stepped.objective.parameters()))


def test_runs_it_cannot_walk_are_refused_with_a_reason():
    vae = Trainer(get_preset("ring").replace(model=dict(model_kind="vae")), device="cpu")
    with pytest.raises(ValueError, match="no discriminator"):
        SlowMotion(vae)
    # a conditional GAN (image data only, never in the 2D lab): a stand-in with its flag
    gan = Trainer(config(), device="cpu")
    stand_in = SimpleNamespace(
        objective=SimpleNamespace(generator=1, discriminator=1, conditional=True), config=gan.config
    )
    with pytest.raises(ValueError, match="conditional"):
        SlowMotion(stand_in)


def test_every_sub_step_draws():
    trainer = Trainer(config(d_steps=1, g_steps=1), device="cpu")
    walk = SlowMotion(trainer)
    before = take_snapshot(trainer, n_points=50, heat_resolution=16, manifold_resolution=6)
    for _ in range(5):
        step = walk.next()
        snapshot = take_snapshot(trainer, n_points=50, heat_resolution=16, manifold_resolution=6)
        previous = before.d_grid if step.kind == "d_update" else None
        figure = slow_motion_figure(SlowMotionView(step, snapshot, previous))
        assert f"Step {step.index + 1} of 5" in figure.layout.title.text
        names = {trace.name for trace in figure.data}
        if step.kind == "d_update":
            assert {"D could not tell, before", "D cannot tell, now"} <= names
        if step.kind == "g_gradients":
            assert "Generator gradients" in names
        if step.kind == "g_update":
            assert "Generated, before" in names
        before = snapshot


def test_the_live_command_walks_the_training_process_and_pauses_it():
    runner = LiveRunner(config(), snapshot_options=dict(n_points=50, heat_resolution=16, manifold_resolution=6))
    try:
        runner.play()
        views = [runner.slow_motion_next() for _ in range(5)]
        assert not runner.playing
        assert [v.step.kind for v in views] == ["real", "fake", "d_update", "g_gradients", "g_update"]
        assert views[2].previous_d_grid is not None and views[2].snapshot.d_updates == views[1].snapshot.d_updates + 1
        assert views[-1].step.finished and runner.iteration == views[-1].step.run_iteration
        # a half-walked iteration is finished before the run steps on by itself
        runner.slow_motion_next()
        runner.step_iteration()
        assert runner.iteration == views[-1].step.run_iteration + 2
        assert runner.updates == views[-1].step.updates | {
            "discriminator": views[-1].step.updates["discriminator"] + 2,
            "generator": views[-1].step.updates["generator"] + 2,
        }
    finally:
        runner.stop()


# ----- the lab page ------------------------------------------------------------------------------
@pytest.fixture
def lab():
    return open_lab()


def test_the_lab_page_walks_through_one_iteration(lab):
    assert not lab.exception
    lab.toggle(key="lab_slow_mode").set_value(True).run()  # the walk takes the main view's place
    texts = lambda: " ".join(m.value for m in lab.markdown)  # noqa: E731
    assert "not started" in texts()
    lab.button(key="lab_slow_next").click().run()
    assert not lab.exception
    said = " ".join(i.value for i in lab.info)
    assert "real points is drawn from the data" in said
    numbers = {m.label: m.value for m in lab.metric}
    assert numbers["D on real (mean)"] not in ("—", "") and float(numbers["D on real (mean)"]) > 0
    assert numbers["D's loss"] == "—"
    assert ":orange-background[**Sample real points**]" in texts()
    for _ in range(4):
        lab.button(key="lab_slow_next").click().run()
    assert not lab.exception
    assert ":orange-background[**G's update**]" in texts()
    said = " ".join(i.value for i in lab.info)
    assert "the generated points move" in said
    numbers = {m.label: m.value for m in lab.metric}
    assert numbers["G's loss"] != "—" and numbers["D's loss"] != "—"
    assert "**Iteration 0** · sub-step 5 of 5 (done: Next starts the next iteration)" in texts()
    lab.button(key="lab_slow_play").click().run()  # Play walks on: the first sub-step at once
    assert lab.session_state["lab_slow_playing"] and "**Iteration 1** · sub-step 1 of 5" in texts()
    assert ":orange-background[**Sample real points**]" in texts()
    lab.button(key="lab_slow_pause").click().run()
    assert not lab.session_state["lab_slow_playing"]
    lab.button(key="lab_play").click().run()  # the live Play ends slow motion: the live view returns
    assert lab.button(key="lab_pause") and lab.session_state["lab_slow_mode"] is False
    assert not lab.exception
