"""Image snapshots (fixed noise, one row per class for the conditional GAN), the pure figure
builders, the GIF timeline, and the live runner publishing image snapshots."""

import io

import numpy as np
from PIL import Image

from gan_core.plots import images as plots
from gan_core.presets import get_preset
from gan_core.training import Trainer
from gan_core.views.images import take_image_snapshot


def _trainer(preset, **train):
    return Trainer(get_preset(preset).replace(train=dict(device="cpu", batch_size=16, **train)))


def test_snapshot_uses_fixed_noise_and_one_row_per_class():
    trainer = _trainer("digits-cgan")
    first = take_image_snapshot(trainer)
    assert first.fake.shape == (80, 1, 8, 8) and first.real.shape == (80, 1, 8, 8)
    assert (first.fake_labels.reshape(10, 8) == np.arange(10)[:, None]).all()
    assert (first.real_labels.reshape(10, 8) == np.arange(10)[:, None]).all()
    assert first.d_fake.shape == (80,) and first.d_is_probability
    assert np.array_equal(take_image_snapshot(trainer).fake, first.fake)  # same noise, same weights
    trainer.train(3)
    later = take_image_snapshot(trainer)
    assert later.iteration == 3 and not np.array_equal(later.fake, first.fake)


def test_snapshot_of_dcgan_with_ema_and_batchnorm():
    trainer = _trainer("digits-dcgan")
    trainer.train(2)
    snapshot = take_image_snapshot(trainer)
    assert snapshot.fake.shape == (64, 1, 8, 8) and snapshot.fake_labels is None
    assert np.abs(snapshot.fake).max() <= 1


def test_montage_and_figures():
    images = np.linspace(-1, 1, 6 * 64).reshape(6, 1, 8, 8)
    picture = plots.montage(images, columns=4, padding=1)
    assert picture.shape == (2 * 9 + 1, 4 * 9 + 1, 3) and picture.dtype == np.uint8
    assert picture[1, 1, 0] == 0 and picture[0, 0, 0] == 255  # the first pixel is -1 (black); padding white
    figure = plots.image_grid_figure(images, 3, scores=np.arange(6) / 6, row_labels=["a", "b"])
    assert len(figure.layout.annotations) == 6 + 2
    histogram = plots.class_histogram_figure([5, 0, 3], ["0", "1", "2"], ceiling_counts=[1, 1, 1])
    assert len(histogram.data) == 2 and sum(histogram.data[1].y) == 8
    snapshot = take_image_snapshot(_trainer("digits-cgan"))
    assert plots.fake_grid_figure(snapshot, show_scores=True).layout.annotations[-1].text == "9"


def test_timeline_gif_has_one_frame_per_snapshot():
    frames = [(i, np.full((4, 1, 8, 8), value)) for i, value in ((0, -1.0), (100, 0.0), (1000, 1.0))]
    data = plots.timeline_gif(frames, columns=2)
    assert data[:4] == b"GIF8"
    with Image.open(io.BytesIO(data)) as gif:
        assert gif.n_frames == 3
        assert gif.width >= 512  # readable on a projector


def test_image_live_runner_publishes_image_snapshots_and_metrics():
    from gan_core.live import LiveRunner

    runner = LiveRunner(get_preset("digits-mlp").replace(train=dict(device="cpu", batch_size=16)), metrics_every=20)
    try:
        assert runner.latest_metrics["generated"]["sample_count"] == 1000
        assert "real_ceiling" in runner.latest_metrics
        for _ in range(20):
            runner.step_iteration()
        assert runner.snapshot.iteration == 20 and runner.latest_metrics["iteration"] == 20
        assert runner.metric_columns()["iteration"] == [0, 20]
        assert runner.timeline_iterations() == [0]
        assert runner.timeline_snapshot(0).fake.shape == (64, 1, 8, 8)
    finally:
        runner.stop()


def test_a_chart_with_one_scoring_or_none_has_readable_axes():
    """At iteration 0 plotly zoomed onto a lone zero (ticks of "200μ", iterations -1 to 1)."""
    from gan_core.plots.charts import line_chart

    series = [("precision", "precision", "#333"), ("density", "density", "#666")]
    one = line_chart({"iteration": [0], "precision": [0.0], "density": [0.0004]}, series, y_title="score", height=200)
    assert list(one.layout.yaxis.range) == [0.0, 1.05] and list(one.layout.xaxis.range) == [-1, 100]
    assert one.data[0].mode == "lines+markers"  # one point draws no line
    none = line_chart({"iteration": [], "precision": [], "density": []}, series, y_title="score", height=200)
    assert none.layout.annotations[0].text == "no points yet"
    two = line_chart({"iteration": [0, 500], "precision": [0.1, 0.2], "density": [0.3, 0.4]}, series, y_title="score",
                     height=200)  # fmt: skip
    assert two.layout.yaxis.range is None  # plotly's own range once there is a curve
