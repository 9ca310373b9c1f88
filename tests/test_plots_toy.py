"""The toy plot builders put the snapshot's own numbers into the right traces."""

import math

import numpy as np
import pytest

from gan_core.config import DataConfig, ModelConfig, RunConfig, TrainConfig
from gan_core.plots import charts
from gan_core.plots import toy as plots
from gan_core.training import Trainer
from gan_core.views.toy import take_snapshot

SMALL_MODEL = ModelConfig(g_layers=1, g_width=16, d_layers=1, d_width=16)


def snapshot_of(data="ring", noise_dim=2, loss="nsgan", iterations=3):
    trainer = Trainer(
        RunConfig(
            data=DataConfig(name=data),
            model=SMALL_MODEL.__class__(**{**SMALL_MODEL.__dict__, "noise_dim": noise_dim}),
            train=TrainConfig(batch_size=32, loss=loss),
        )
    )
    trainer.train(iterations)
    return take_snapshot(trainer, n_points=100, heat_resolution=20, manifold_resolution=6), trainer


def traces(figure):
    return {trace.name: trace for trace in figure.data}


def test_main_figure_2d_layers_hold_the_snapshot():
    snapshot, _ = snapshot_of()
    figure = plots.main_figure(snapshot, gradients=True)
    by_name = traces(figure)
    assert list(by_name) == [
        "Discriminator",
        "Generator manifold",
        "Generator gradients",
        "Real samples",
        "Generated samples",
    ]
    np.testing.assert_allclose(by_name["Real samples"].x, snapshot.real[:, 0], rtol=1e-6)
    np.testing.assert_allclose(by_name["Generated samples"].y, snapshot.fake[:, 1], rtol=1e-6)
    heat = by_name["Discriminator"]
    np.testing.assert_allclose(heat.z, snapshot.d_grid, rtol=1e-6)
    assert heat.zmid == 0.5 and (heat.zmin, heat.zmax) == (0, 1)
    assert heat.colorscale[len(heat.colorscale) // 2][1].lower() == "#ffffff"  # white at the middle
    # Equal aspect ratio over the data's square.
    assert figure.layout.yaxis.scaleanchor == "x" and figure.layout.yaxis.scaleratio == 1
    assert tuple(figure.layout.xaxis.range) == pytest.approx(snapshot.bounds)


def test_layers_switch_off():
    snapshot, _ = snapshot_of()
    figure = plots.main_figure(snapshot, real=False, heatmap=False, manifold=False, gradients=False)
    assert [t.name for t in figure.data] == ["Generated samples"]


def test_manifold_is_a_mesh_of_rows_and_columns():
    snapshot, _ = snapshot_of()
    g = snapshot.manifold.shape[0]
    x, y = plots.mesh_lines(snapshot.manifold)
    assert len(x) == 2 * g * (g + 1)  # g rows and g columns of g points, each ended by a gap
    assert np.isnan(x[g]) and x[0] == pytest.approx(snapshot.manifold[0, 0, 0])
    np.testing.assert_allclose(x[g + 1 : 2 * g + 1], snapshot.manifold[1, :, 0], rtol=1e-6)  # second row
    column_start = g * (g + 1)
    np.testing.assert_allclose(y[column_start : column_start + g], snapshot.manifold[:, 0, 1], rtol=1e-6)


def test_gradient_arrows_start_at_samples_and_follow_the_gradient():
    start = np.array([[0.0, 0.0], [1.0, 1.0]])
    vectors = np.array([[2.0, 0.0], [0.0, -1.0]])
    x, y = plots.arrow_segments(start, vectors, length=0.5)
    np.testing.assert_allclose(x[:2], [0.0, 0.5])  # longest arrow scaled to the length
    np.testing.assert_allclose(y[3:5], [1.0, 0.75])
    assert np.isnan(x[2]) and np.isnan(y[5])


def test_critic_colour_range_is_symmetric_around_zero():
    snapshot, _ = snapshot_of(loss="wgan_gp")
    low, high = plots.d_colour_range(snapshot)
    assert snapshot.d_neutral == 0.0 and low == pytest.approx(-high)
    assert high >= np.abs(snapshot.d_grid).max() - 1e-6


def test_main_figure_1d_has_histograms_d_curve_and_generator_curve():
    snapshot, _ = snapshot_of(data="mixture1d", noise_dim=1)
    by_name = traces(plots.main_figure(snapshot))
    np.testing.assert_allclose(by_name["Real samples"].x, snapshot.real[:, 0], rtol=1e-6)
    np.testing.assert_allclose(by_name["Generated samples"].x, snapshot.fake[:, 0], rtol=1e-6)
    np.testing.assert_allclose(by_name["Discriminator D(x)"].y, snapshot.d_grid, rtol=1e-6)
    np.testing.assert_allclose(by_name["Generator G(z)"].x, snapshot.manifold[:, 0], rtol=1e-6)
    np.testing.assert_allclose(by_name["Generator G(z)"].y, snapshot.manifold_noise, rtol=1e-6)


def test_loss_and_metric_charts_and_d_histogram():
    snapshot, trainer = snapshot_of(iterations=20)
    history = trainer.history.columns()
    loss = traces(charts.loss_figure(history))
    np.testing.assert_allclose(loss["Discriminator loss"].y, history["d_loss"], rtol=1e-6)
    np.testing.assert_allclose(loss["Generator loss"].x, history["iteration"])
    metrics = {
        "iteration": [0, 100],
        "modes_covered": [2, 5],
        "high_quality": [0.25, 0.5],
        "kl": [3.0, 1.0],
        "js": [0.6, 0.2],
    }
    modes = traces(plots.modes_figure(metrics, n_modes=8))
    np.testing.assert_allclose(modes["Modes covered"].y, [2, 5])
    np.testing.assert_allclose(modes["High-quality samples %"].y, [25, 50])
    divergence = plots.divergence_figure(metrics)
    np.testing.assert_allclose(traces(divergence)["JS divergence"].y, [0.6, 0.2])
    assert divergence.layout.shapes[0].y0 == pytest.approx(math.log(2))
    d_hist = traces(plots.d_output_figure(snapshot))
    np.testing.assert_allclose(d_hist["D on real"].x, snapshot.d_real, rtol=1e-6)
    np.testing.assert_allclose(d_hist["D on generated"].x, snapshot.d_fake, rtol=1e-6)


def test_history_csv_merges_losses_and_metrics():
    text = charts.history_csv(
        {"iteration": [1, 2], "d_loss": [0.5, 0.25], "g_loss": [1.0, None]}, {"iteration": [2], "modes_covered": [7.0]}
    )
    assert text.splitlines() == ["iteration,d_loss,g_loss,modes_covered", "1,0.5,1,", "2,0.25,,7"]


def test_png_download_is_offered_by_the_modebar():
    assert charts.PNG_DOWNLOAD_CONFIG["toImageButtonOptions"]["format"] == "png"


def test_metric_charts_with_one_evaluation_show_the_iterations_ahead():
    from gan_core.plots.toy import divergence_figure, modes_figure

    one = {"iteration": [0], "modes_covered": [1], "high_quality": [0.0], "kl": [3.0], "js": [0.6]}
    for figure in (modes_figure(one, 8), divergence_figure(one)):
        assert tuple(figure.layout.xaxis.range) == (0, 1000)
    two = {
        **one,
        "iteration": [0, 1000],
        "modes_covered": [1, 5],
        "high_quality": [0, 0.5],
        "kl": [3, 1],
        "js": [0.6, 0.3],
    }
    assert modes_figure(two, 8).layout.xaxis.range is None  # plotly's own autorange from then on


def test_samples_outside_the_view_are_counted():
    import dataclasses

    from gan_core.plots.toy import samples_outside_view

    config = RunConfig(model=SMALL_MODEL)
    snapshot = take_snapshot(Trainer(config, device="cpu"), n_points=50, heat_resolution=8, manifold_resolution=4)
    assert samples_outside_view(snapshot) == 0
    far = snapshot.fake.copy()
    far[:3] = 100.0
    assert samples_outside_view(dataclasses.replace(snapshot, fake=far)) == 3


def test_the_first_picture_is_the_main_view_drawn_as_a_png():
    """What a page shows at once on its first load (issue 13): D's heatmap and both sample sets."""
    import io

    from PIL import Image

    from gan_core.plots.toy import FAKE_COLOUR, main_view_picture

    trainer = Trainer(RunConfig(model=SMALL_MODEL), device="cpu")
    snapshot = take_snapshot(trainer, n_points=200, heat_resolution=16, manifold_resolution=4)
    png = main_view_picture(snapshot, size=300)
    with Image.open(io.BytesIO(png)) as picture:
        assert picture.width >= 300
        colours = {tuple(c) for _, c in picture.convert("RGB").getcolors(1 << 16)}
    purple = tuple(int(FAKE_COLOUR[i : i + 2], 16) for i in (1, 3, 5))
    assert any(sum(abs(a - b) for a, b in zip(c, purple)) < 30 for c in colours)  # generated samples drawn
    one_d_config = RunConfig(
        data=DataConfig(name="mixture1d"),
        model=ModelConfig(noise_dim=1, g_layers=1, g_width=16, d_layers=1, d_width=16),
    )
    one_d = take_snapshot(Trainer(one_d_config, device="cpu"), n_points=50, heat_resolution=8, manifold_resolution=4)
    assert main_view_picture(one_d) is None  # 1D: the chart itself
