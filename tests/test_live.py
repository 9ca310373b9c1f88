"""The live runner: manual steps, play/pause on its thread, live changes, timeline, metrics,
divergence, checkpoints and a clean stop. Small networks keep each test well under a second."""

import time

import pytest

from gan_core.config import ConfigError, KindError, ModelConfig, RunConfig, TrainConfig
from gan_core.live import TIMELINE_MILESTONES, LiveRunner, LiveRunnerError, Timeline
from gan_core.training.checkpoint import CheckpointError

SMALL = RunConfig(model=ModelConfig(g_layers=2, g_width=32, d_layers=2, d_width=32), train=TrainConfig(batch_size=64))


@pytest.fixture(scope="module")
def shared_runner():
    runner = LiveRunner(SMALL, publish_every=0.05, metrics_every=50)
    yield runner
    runner.stop()


@pytest.fixture
def runner(shared_runner):
    """One training process for the module (starting one costs a second or two), reset per test."""
    if shared_runner.playing:
        shared_runner.pause()
    shared_runner.reset(SMALL)
    return shared_runner


def wait_for(condition, timeout=60.0):
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.02)


def test_manual_steps_count_updates_and_publish(runner):
    assert runner.snapshot.iteration == 0
    runner.update("discriminator")
    assert runner.updates == {"discriminator": 1, "generator": 0} and runner.iteration == 0
    runner.update("generator")
    assert runner.updates == {"discriminator": 1, "generator": 1} and runner.iteration == 0
    snapshot = runner.step_iteration()
    assert runner.iteration == 1 and snapshot.iteration == 1 and runner.snapshot is snapshot
    assert snapshot.g_updates == 2


def test_play_trains_on_the_thread_and_pause_stops_it(runner):
    runner.play()
    wait_for(lambda: runner.snapshot.iteration >= 20)
    assert runner.iterations_per_second > 0
    runner.pause()
    stopped_at = runner.iteration
    time.sleep(0.2)
    assert runner.iteration == stopped_at
    assert runner.snapshot.iteration == stopped_at  # pause publishes the final state
    assert runner.history_columns()["iteration"][-1] == stopped_at
    assert runner.iterations_per_second == 0.0


def test_live_change_applies_while_playing_and_others_need_reset(runner):
    runner.play()
    runner.apply_train_changes(SMALL.train.__class__(**{**SMALL.train.__dict__, "loss": "lsgan", "g_lr": 1e-4}))
    before = runner.iteration
    wait_for(lambda: runner.iteration > before + 5)
    assert runner.config.train.loss == "lsgan" and runner.config.train.g_lr == 1e-4
    assert runner.snapshot.d_is_probability is False  # snapshots now come from the new loss
    with pytest.raises(ConfigError, match="needs a reset"):
        runner.apply_train_changes(TrainConfig(batch_size=32))


def test_metrics_every_n_iterations_go_into_metric_history(runner):
    for _ in range(50):
        runner.step_iteration()
    columns = runner.metric_columns()
    assert columns["iteration"] == [0.0, 50.0]
    assert runner.latest_metrics["iteration"] == 50
    assert 0 <= runner.latest_metrics["modes_covered"] <= 8
    assert len(runner.latest_metrics["mode_counts"]) == 8
    assert runner.snapshot.metrics["n_modes"] == 8


def test_timeline_milestones_then_every_n_and_bounded():
    timeline = Timeline(every=1000, capacity=12)
    assert [i for i in range(0, 25_001) if timeline.wants(i)] == list(TIMELINE_MILESTONES) + [
        21_000,
        22_000,
        23_000,
        24_000,
        25_000,
    ]

    class Fake:
        def __init__(self, iteration):
            self.iteration = iteration

    for iteration in list(TIMELINE_MILESTONES) + list(range(21_000, 40_001, 1000)):
        if timeline.wants(iteration):
            timeline.add(Fake(iteration))
    assert len(timeline) <= 12
    assert set(TIMELINE_MILESTONES) <= set(timeline.iterations())
    assert timeline.get(20_500).iteration == 20_000  # the nearest kept one before


def test_timeline_records_iteration_100(runner):
    for _ in range(100):
        runner.step_iteration()
    assert runner.timeline_iterations() == [0, 100]
    assert runner.timeline_snapshot(100).iteration == 100
    assert runner.timeline_snapshot(0).iteration == 0


def test_the_config_goes_to_the_page_once_not_with_every_snapshot(runner):
    from gan_core.data.points import DEFAULT_POINTS

    config = SMALL.replace(data=dict(name="points", points=DEFAULT_POINTS * 50))
    runner.reset(config)
    assert runner.config.data.points == config.data.points
    runner.play()
    wait_for(lambda: runner.iteration > 20)
    runner.pause()
    assert "config" not in runner._status  # the 6,000 points came once, with the reset
    assert runner.config == config
    runner.reset(SMALL)


def test_divergence_stops_the_runner_with_the_trainers_message(runner):
    runner.reset(SMALL.replace(train=dict(d_optimizer="sgd", g_optimizer="sgd", d_lr=1e12, g_lr=1e12)))
    runner.play()
    wait_for(lambda: not runner.playing)
    assert runner.diverged and "diverged" in runner.diverged
    assert runner.snapshot.diverged == runner.diverged
    runner.play()  # refuses: a diverged run needs a reset
    assert not runner.playing
    runner.reset(SMALL)
    assert runner.diverged is None and runner.iteration == 0


def test_checkpoint_round_trip_and_bad_file_keeps_run(runner):
    for _ in range(3):
        runner.step_iteration()
    data = runner.checkpoint_bytes()
    other = LiveRunner(SMALL)
    try:
        other.load_checkpoint(data)
        assert other.iteration == 3 and other.snapshot.iteration == 3
        with pytest.raises(CheckpointError):
            other.load_checkpoint(b"not a checkpoint")
        assert other.iteration == 3
    finally:
        other.stop()


def test_checkpoint_while_playing_is_consistent(runner):
    runner.play()
    wait_for(lambda: runner.iteration > 5)
    data = runner.checkpoint_bytes()
    other = LiveRunner(SMALL)
    try:
        other.load_checkpoint(data)
        assert other.iteration > 5
    finally:
        other.stop()


def test_a_run_of_the_other_kind_is_refused_and_the_current_one_kept(runner):
    from gan_core.presets import get_preset
    from gan_core.training import Trainer, checkpoint

    runner.step_iteration()
    with pytest.raises(KindError, match="is an image run, not a 2D/1D run"):
        runner.reset(get_preset("digits-mlp"))
    image = checkpoint.to_bytes(Trainer(get_preset("digits-mlp").replace(train=dict(device="cpu"))))
    with pytest.raises(KindError, match="is an image run"):
        runner.load_checkpoint(image)
    assert runner.iteration == 1 and runner.config.kind == "toy"


def test_reset_with_new_config(runner):
    runner.step_iteration()
    runner.reset(SMALL.replace(data=dict(name="grid")))
    assert runner.iteration == 0 and runner.config.data.name == "grid"
    assert runner.timeline_iterations() == [0]


def test_stop_ends_the_process_while_playing():
    runner = LiveRunner(SMALL)
    runner.play()
    wait_for(lambda: runner.iteration > 0)
    process = runner._process
    runner.stop(timeout=5)
    assert not runner.alive and not process.is_alive()
    runner.stop()  # idempotent
    with pytest.raises(LiveRunnerError):
        runner.step_iteration()
