"""Can the discriminator generate? Gradient ascent on D's input, the loop of the lecture notes
(train D against negatives, add argmax D, repeat) on the ring, the GAN it is compared with, the
digits DCGAN's D ascended from noise, and the figures. Fixed seeds, CPU, a few seconds."""

import dataclasses
import pickle

import numpy as np
import pytest
import torch
from torch import nn

from gan_core.config import ConfigError, DataConfig
from gan_core.evaluation.digits_ascent import ascend_digits
from gan_core.evaluation.discriminator_loop import first_reaching, loop_records, run_gan_baseline
from gan_core.plots import discriminator_loop as plots
from gan_core.training.ascent import ascend
from gan_core.training.discriminator_loop import DiscriminatorLoop, DiscriminatorLoopConfig
from gan_core.views.discriminator_loop import take_loop_snapshot

SMALL = DiscriminatorLoopConfig(d_updates_per_round=20, n_ascent=32, ascent_steps=10, d_width=32, rounds=2)


@pytest.fixture(scope="session")  # not module: a worker may run other modules between its tests
def ring_loop(seed):
    """The default loop on the ring (8 rounds of 300 D updates; about 5 s)."""
    loop = DiscriminatorLoop(DiscriminatorLoopConfig(rounds=8, seed=seed))
    loop.run_rounds()
    return loop


# ----- the ascent ------------------------------------------------------------------------------
def test_ascent_climbs_to_the_peak_of_a_known_score():
    peak = torch.tensor([0.3, -0.2])
    score = lambda x: -((x - peak) ** 2).sum(dim=1)
    starts = torch.tensor([[1.0, 1.0], [-1.0, 0.5], [0.3, -0.2], [0.9, -0.9]])
    final, trajectories = ascend(score, starts, steps=60, step_size=0.1)
    assert trajectories.shape == (61, 4, 2)
    assert torch.equal(trajectories[0], starts) and torch.equal(trajectories[-1], final)
    assert (final - peak).norm(dim=1).max() < 0.01  # within the last steps' length


def test_ascent_raises_a_trained_discriminators_score_from_every_start(ring_loop):
    discriminator = ring_loop.discriminator
    starts = torch.rand(64, 2, generator=torch.Generator().manual_seed(5)) * 3 - 1.5
    grads = [p.grad.clone() for p in discriminator.parameters()]  # the last D update's
    final, trajectories = ascend(discriminator, starts, steps=40, step_size=0.09, bounds=(-1.5, 1.5), keep_every=10)
    with torch.no_grad():
        before, after = discriminator(starts), discriminator(final)
    assert (after > before).all()
    assert trajectories.shape == (5, 64, 2)  # the starts, steps 10, 20, 30 and 40
    assert torch.equal(trajectories[0], starts)
    assert final.abs().max() <= 1.5
    assert all(torch.equal(p.grad, g) for p, g in zip(discriminator.parameters(), grads))  # inputs only


def test_ascent_leaves_parameter_gradients_alone():
    net = nn.Linear(3, 1)
    net(torch.ones(1, 3)).sum().backward()
    grads = [p.grad.clone() for p in net.parameters()]
    ascend(lambda x: net(x).squeeze(1), torch.zeros(5, 3), steps=3, step_size=0.1)
    assert all(torch.equal(p.grad, g) for p, g in zip(net.parameters(), grads))


# ----- the loop -------------------------------------------------------------------------------
@pytest.mark.statistical
def test_round_one_fails_far_from_the_data_and_later_rounds_find_the_modes(ring_loop):
    rows = loop_records(ring_loop)
    first, last = rows[0], rows[-1]
    # Round 1: D has seen 8 random negatives; its argmax lies far from the data, and D is sure of it.
    assert first["far_share"] >= 0.8  # measured 1.0: every ascended point > 0.3 from any real point
    assert first["d_ascended"] >= 0.9  # measured 1.00
    assert first["d_far"] >= 0.3  # D's mean score on cells far from the data: measured 0.76
    assert first["modes_covered"] <= 1 and first["high_quality"] <= 0.1  # measured 0 and 0%
    # Round 8: the ascended negatives taught D where it was wrong; its peaks sit on the modes.
    assert last["modes_covered"] >= 7 and last["high_quality"] >= 0.7  # measured 8 and 99%
    assert last["far_share"] <= 0.05 and last["d_far"] <= 0.1  # measured 0 and 0.02
    assert [row["round"] for row in rows] == list(range(1, 9))
    assert [row["d_updates"] for row in rows] == [300 * r for r in range(1, 9)]
    assert np.all(np.diff([row["seconds"] for row in rows]) > 0)
    assert first_reaching(rows, modes=6, high_quality=0.5)["round"] < 8


def test_step_is_a_small_unit_and_the_phases_follow_each_other():
    loop = DiscriminatorLoop(dataclasses.replace(SMALL, updates_per_step=8, ascent_steps_per_step=4))
    phases, ended = [], []
    while loop.round == 1:
        phases.append(loop.phase)
        ended.append(loop.step())
    # 20 updates in chunks of 8 (8, 8, 4), then 10 ascent steps in chunks of 4 (4, 4, 2).
    assert phases == ["training D"] * 3 + ["ascending"] * 3
    assert ended == [False] * 5 + [True]
    assert loop.d_updates == 20 and loop.phase == "training D" and loop.round == 2
    assert len(loop.ascended_negatives) == 32 and len(loop.negatives) == 32 + SMALL.n_random_negatives
    assert loop.latest_trajectories.shape == (11, 32, 2)


def test_the_pool_keeps_the_random_negatives_and_the_newest_ascended_ones():
    loop = DiscriminatorLoop(dataclasses.replace(SMALL, pool_size=40))
    random = loop.random_negatives.clone()
    loop.run_rounds(2)
    assert len(loop.ascended_negatives) == 40
    assert torch.equal(loop.negatives[: len(random)], random)
    assert torch.equal(loop.ascended_negatives[-32:], torch.from_numpy(loop.history[-1]["points"]))


def test_the_loop_repeats_for_its_seed():
    def run(seed):
        loop = DiscriminatorLoop(dataclasses.replace(SMALL, seed=seed))
        loop.run_rounds()
        numbers = [{k: v for k, v in row.items() if k != "seconds"} for row in loop_records(loop)]
        return numbers, loop.negatives, next(loop.discriminator.parameters()).detach().clone()

    first, again, other = run(3), run(3), run(4)
    assert first[0] == again[0]
    assert torch.equal(first[1], again[1]) and torch.equal(first[2], again[2])
    assert not torch.equal(first[1], other[1])


def test_the_loop_leaves_the_global_random_stream_alone():
    torch.manual_seed(11)
    expected = torch.rand(3)
    torch.manual_seed(11)
    DiscriminatorLoop(SMALL).run_rounds(1)
    assert torch.equal(torch.rand(3), expected)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (dict(ascent_steps=0), "ascent steps must be between 1 and 1,000, got 0"),
        (dict(d_updates_per_round=0), "D updates per round must be between 1"),
        (dict(lr=0.0), "learning rate must be > 0"),
        (dict(ascent_step_size=2.0), "share of the view's width"),
        (dict(pool_size=100, n_ascent=256), "must hold at least one round's ascended points"),
        (dict(d_width=0), "discriminator width must be between 1 and 4096"),
        (dict(data=DataConfig(name="digits")), "2D data"),
        (dict(data=DataConfig(name="mixture1d")), "2D data"),
    ],
)
def test_bad_settings_are_refused_with_a_message(changes, message):
    with pytest.raises(ConfigError, match=message):
        DiscriminatorLoopConfig(**changes)


def test_a_shape_without_modes_runs_and_scores_none():
    loop = DiscriminatorLoop(dataclasses.replace(SMALL, data=DataConfig(name="spiral")))
    loop.run_rounds(1)
    row = loop_records(loop)[0]
    assert row["modes_covered"] is None and row["high_quality"] is None and 0 <= row["d_far"] <= 1


# ----- the GAN it is compared with ------------------------------------------------------------
def test_the_gan_baseline_records_quality_against_d_updates_and_seconds():
    rows = run_gan_baseline(SMALL, iterations=60, every=30)
    assert [row["d_updates"] for row in rows] == [30, 60]
    assert [row["iteration"] for row in rows] == [30, 60]
    assert rows[0]["n_modes"] == 8 and 0 <= rows[-1]["high_quality"] <= 1
    assert 0 < rows[0]["seconds"] < rows[1]["seconds"]


# ----- the digits -----------------------------------------------------------------------------
def test_ascending_the_digits_discriminator_raises_its_score():
    result = ascend_digits(n=6, steps=40)
    assert result.ascended.shape == result.starts.shape == result.generated.shape == (6, 1, 8, 8)
    assert result.ascended.min() >= -1 and result.ascended.max() <= 1
    assert (result.ascended_scores > result.start_scores).all()
    # D scores its own argmax above the generator's digits (measured: 0.99+ against 0.1-0.4).
    assert result.ascended_scores.min() > result.generated_scores.max()
    assert result.ascended_classes.shape == result.generated_classes.shape == (6,)
    assert ((result.ascended_confidence > 0) & (result.ascended_confidence <= 1)).all()


# ----- the view and its figures -----------------------------------------------------------------
def test_the_snapshot_is_plain_data_and_the_figures_build_from_it(ring_loop):
    snapshot = take_loop_snapshot(ring_loop, heat_resolution=30)
    pickle.loads(pickle.dumps(snapshot))
    assert snapshot.d_grid.shape == (30, 30) and 0 <= snapshot.d_grid.min() <= snapshot.d_grid.max() <= 1
    assert snapshot.round == 9 and snapshot.phase == "training D" and snapshot.d_updates == 2400
    assert snapshot.trajectories.shape == (40, 51, 2) and snapshot.ascended.shape == (256, 2)
    assert np.allclose(snapshot.trajectories[:, -1], snapshot.ascended[:40])
    assert len(snapshot.negatives) == 1000 and len(snapshot.history) == 8
    assert "points" not in snapshot.history[0]

    figure = plots.loop_figure(snapshot)
    assert [trace.type for trace in figure.data] == ["heatmap", "scatter", "scatter", "scatter", "scatter"]
    assert "Round 9" in figure.layout.title.text and "training D" in figure.layout.title.text
    paths = figure.data[3]
    assert len(paths.x) == 40 * 52 and np.isnan(np.asarray(paths.x, dtype=float)).sum() == 40

    gan_rows = [{"d_updates": 100, "seconds": 0.5, "modes_covered": 3, "n_modes": 8, "high_quality": 0.2}]
    for against in ("d_updates", "seconds"):
        quality = plots.quality_figure(list(snapshot.history), gan_rows, against=against)
        assert len(quality.data) == 4
        assert list(quality.data[0].x) == [row[against] for row in snapshot.history]


def test_a_snapshot_while_ascending_shows_the_paths_so_far():
    loop = DiscriminatorLoop(dataclasses.replace(SMALL, ascent_steps_per_step=4))
    while loop.phase == "training D":
        loop.step()
    loop.step()
    snapshot = take_loop_snapshot(loop)
    assert snapshot.phase == "ascending" and snapshot.trajectories.shape == (32, 5, 2)
    assert len(plots.loop_figure(snapshot).data) == 5
    empty = take_loop_snapshot(DiscriminatorLoop(SMALL))
    assert empty.ascended.shape == (0, 2) and len(plots.loop_figure(empty).data) == 5


def test_the_digits_figure_puts_two_grids_side_by_side():
    result = ascend_digits(n=4, steps=5)
    figure = plots.digits_figure(result, columns=2)
    assert [trace.type for trace in figure.data] == ["image", "image"]
    assert len(figure.layout.annotations) == 2 + 2 * 4  # two subplot titles, one label per image
