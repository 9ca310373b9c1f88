"""GAN vs VAE vs auto-encoder (issue 12): the comparison's configs share one network, seeded runs
show the notes' claims (the VAE covers the ring where the AE's random codes fall in holes; on
digits the AE reconstructs best and samples worst, the VAE blurs), the snapshot's views have the
shapes the page draws, the reading follows the numbers, the L2-versus-D ranking, and the live
runner plays, stops at its iteration count, extends and refuses a bad reset."""

import json
import time

import numpy as np
import pytest
import torch

from gan_core.config import ConfigError
from gan_core.evaluation.gan_vs_vae import (
    evaluate_gan_vs_vae,
    mean_rank,
    nearest_l2,
    reading,
    shifted_and_dotted,
)
from gan_core.live import GanVsVaeRunner
from gan_core.plots.gan_vs_vae import table_rows
from gan_core.training.gan_vs_vae import GAN_VS_VAE_PRESETS, GanVsVae, GanVsVaeConfig, member_configs
from gan_core.views.gan_vs_vae import project_codes, take_gan_vs_vae_snapshot

# The trained comparisons' length. Seeds 0-4 at 1 and 2 threads (the same figures at both), at
# 1,000 iterations: the VAE's high-quality share on the ring 0.18-0.27 (the test asks > 0.05; at 600
# it was 0.07-0.12), the AE's 0.002-0.006 (< 0.05); on the digits the VAE's sharpness 1.44-1.49
# against 0.75 of the real digits' 3.11 and the GAN's 5.7-8.2, FID VAE 15-17 against AE 96-118.
TRAINED = 1000


@pytest.fixture(scope="session")  # not module: a worker may run other modules between its tests
def ring_comparison(seed):
    comparison = GanVsVae(GanVsVaeConfig(widths=(64,), iterations=TRAINED, seed=seed), device="cpu")
    comparison.train(TRAINED)
    return comparison, evaluate_gan_vs_vae(comparison)


@pytest.fixture(scope="session")  # not module: a worker may run other modules between its tests
def digits_comparison(seed):
    config = GanVsVaeConfig(data="digits", code_size=16, widths=(128,), iterations=TRAINED, seed=seed)
    comparison = GanVsVae(config, "cpu")
    comparison.train(TRAINED)
    return comparison, evaluate_gan_vs_vae(comparison)


def rows_of(result) -> dict:
    return {row["model"]: row for row in result["table"]}


def test_bad_settings_are_refused_with_a_message():
    with pytest.raises(ConfigError, match="1 to 3 network widths"):
        GanVsVaeConfig(widths=())
    with pytest.raises(ConfigError, match="each width once"):
        GanVsVaeConfig(widths=(64, 64))
    with pytest.raises(ConfigError, match="data must be one of"):
        GanVsVaeConfig(data="mnist")
    with pytest.raises(ConfigError, match="unknown GAN vs VAE setting.*colour"):
        GanVsVaeConfig.from_json(json.dumps({"colour": "red"}))
    with pytest.raises(ConfigError, match="GAN vs VAE config is not valid JSON"):
        GanVsVaeConfig.from_json("{broken")
    with pytest.raises(ConfigError, match="bad GAN vs VAE setting"):
        GanVsVaeConfig.from_json(json.dumps({"widths": 3}))
    config = GanVsVaeConfig(data="digits", widths=(64, 32))
    assert GanVsVaeConfig.from_json(config.to_json()) == config


def test_every_member_has_the_same_network_run_length_and_starting_weights():
    for _, config in GAN_VS_VAE_PRESETS.values():
        members = member_configs(config)
        assert len(members) == len(config.kinds) * len(config.widths)
        for run in members.values():
            assert run.train.iterations == config.iterations and run.train.ema == 0
            assert run.model.noise_dim == config.code_size and run.model.g_width in config.widths
    comparison = GanVsVae(GanVsVaeConfig(data="digits", widths=(32,), iterations=10), device="cpu")
    decoders = [t.objective.generator.state_dict() for t in comparison.trainers.values()]
    for decoder in decoders[1:]:
        assert all(torch.equal(decoder[name], decoders[0][name]) for name in decoder)
    assert [comparison.kind_of(n) for n in comparison.trainers] == ["gan", "vae", "ae"]


@pytest.mark.statistical
def test_on_the_ring_the_vae_covers_the_modes_and_the_autoencoders_random_codes_miss_them(ring_comparison):
    comparison, result = ring_comparison
    rows = rows_of(result)
    assert comparison.iteration == TRAINED and all(t.iteration == TRAINED for t in comparison.trainers.values())
    assert rows["VAE"]["modes_covered"] >= 6
    # (No claim on the GAN's modes here: at 1,500 iterations a GAN could still be collapsed, 1 mode
    # at seed 4 of 0-4; the page's default runs 5,000.)
    assert rows["AE"]["high_quality"] < 0.05 < rows["VAE"]["high_quality"]
    assert rows["VAE"]["wasserstein1"] < rows["AE"]["wasserstein1"]
    assert rows["VAE"]["elbo"] <= rows["VAE"]["iw_bound"]
    assert rows["GAN"]["elbo"] is None and rows["AE"]["reconstruction"] is not None
    assert all(rows[n]["seconds"] > 0 for n in ("GAN", "VAE", "AE"))


@pytest.mark.statistical
def test_on_digits_the_autoencoder_reconstructs_best_samples_worst_and_the_vae_blurs(digits_comparison):
    _, result = digits_comparison
    rows = rows_of(result)
    real = rows["real held-out"]
    assert rows["AE"]["reconstruction"] < rows["VAE"]["reconstruction"]
    assert rows["VAE"]["fid"] < rows["AE"]["fid"]
    assert rows["VAE"]["sharpness"] < 0.75 * real["sharpness"] < rows["GAN"]["sharpness"]
    text = " ".join(result["reading"])
    lowest = min(("GAN", "VAE", "AE"), key=lambda name: rows[name]["fid"])
    assert result["reading"][0].startswith(f"Lowest FID (closest to real digits): **{lowest}**")
    assert "blurred" in text and "holes" in text


def test_the_snapshot_holds_every_view_the_page_draws(ring_comparison, digits_comparison):
    ring = take_gan_vs_vae_snapshot(ring_comparison[0], ring_comparison[1])
    assert ring.kind == "toy" and ring.scored_at == TRAINED and len(ring.table) == 3
    vae, ae, gan = ring.member("VAE"), ring.member("AE"), ring.member("GAN")
    assert vae.codes.shape == (300, 2) and vae.code_axes == "code" and vae.ellipses.shape == (8, 4)
    assert ae.codes.shape == (300, 2) and ae.ellipses is None and gan.codes is None
    assert gan.samples.shape == (300, 2) and set(np.unique(ring.real_colour)) <= set(range(8))
    digits = take_gan_vs_vae_snapshot(digits_comparison[0], digits_comparison[1])
    vae, gan = digits.member("VAE"), digits.member("GAN")
    assert vae.code_grid.shape == (144, 1, 8, 8) and vae.reconstructions.shape == (10, 1, 8, 8)
    assert vae.code_axes == "first two principal axes of the 16-d code" and vae.codes.shape == (359, 2)
    assert gan.probes.shape == (4, 1, 8, 8) and gan.interpolation.shape == (8, 1, 8, 8)
    assert sorted(digits.real_colour[:10].tolist()) == list(range(10))  # one reconstructed digit per class
    ranking = digits.ranking
    assert ranking["judge"] == "GAN" and len(ranking["models"]) == 48 == len(ranking["l2"]) == len(ranking["d"])


def test_codes_are_projected_on_their_principal_axes():
    rng = np.random.default_rng(0)
    codes = rng.normal(size=(500, 5)) * np.array([5.0, 0.1, 2.0, 0.1, 0.1])
    points, origin, axes, label = project_codes(codes)
    assert label == "first two principal axes of the 5-d code"
    assert abs(abs(axes[0, 0]) - 1) < 0.01 and abs(abs(axes[1, 2]) - 1) < 0.01
    assert points[:, 0].std() > points[:, 1].std() > 1
    same, _, _, label = project_codes(codes[:, :2])
    assert label == "code" and np.array_equal(same, codes[:, :2])


def test_the_reading_follows_the_numbers():
    def row(model, kind, width, fid, sharpness):
        return dict(
            model=model, kind=kind, width=width, fid=fid, sharpness=sharpness, inception_score=5.0, precision=0.5,
            reconstruction=10.0, max_class_share=0.12, classes=10, elbo=-20.0, iw_bound=-19.0, seconds=1.0,
        )  # fmt: skip

    real = {"model": "real held-out", "kind": "real", "width": None, "sharpness": 4.0, "seconds": None}
    table = [
        row("GAN · 32", "gan", 32, 1.5, 4.0),
        row("VAE · 32", "vae", 32, 4.0, 2.0),
        row("AE · 32", "ae", 32, 20.0, 4.5),
        row("GAN · 64", "gan", 64, 0.8, 4.1),
        row("VAE · 64", "vae", 64, 2.9, 2.2),
        row("AE · 64", "ae", 64, 21.0, 4.3),
        real,
    ]
    sentences = reading(table, "image")
    assert sentences[0].startswith("Lowest FID (closest to real digits): **GAN · 64**")
    assert any(
        "the GAN beats the VAE at every width, and even the VAE at width 64 does not reach the GAN at width 32" in s
        for s in sentences
    )
    assert any("blurred" in s for s in sentences)
    table[4] = row("VAE · 64", "vae", 64, 0.7, 2.2)
    assert any(
        "the better of the two changes with width (width 32: GAN, width 64: VAE)" in s for s in reading(table, "image")
    )
    table[1] = row("VAE · 32", "vae", 32, 1.4, 2.0)
    assert any("the VAE beats the GAN at every width here" in s for s in reading(table, "image"))
    table[1], table[4] = row("VAE · 32", "vae", 32, 4.0, 2.0), row("VAE · 64", "vae", 64, 1.4, 2.2)
    table[3] = row("GAN · 64", "gan", 64, 0.8, 5.5)
    sentences = reading(table, "image")
    assert any(
        "the VAE at width 64 matches or beats the GAN at width 32: here a VAE needs a bigger" in s for s in sentences
    )
    assert any(s.startswith("GAN · 64 is sharper than real digits") for s in sentences)


def test_pixel_l2_prefers_a_stray_dot_to_a_shifted_digit():
    digit = -torch.ones(1, 8, 8)
    digit[0, 1:7, 3] = 1.0  # a "1"
    shifted, dotted = shifted_and_dotted(digit)
    assert int((dotted != digit).sum()) == 1
    assert torch.equal(shifted[0, :, 4], digit[0, :, 3])
    train = torch.stack([digit])
    distances = nearest_l2(torch.stack([digit, shifted, dotted]), train)
    assert distances[0] == 0 and distances[2] < distances[1]
    ranks = mean_rank({"models": ["a", "a", "b", "b"], "l2": [0.1, 0.2, 0.3, 0.4]}, "l2", descending=False)
    assert ranks == {"a": 1.5, "b": 3.5}


def test_the_live_comparison_plays_stops_at_its_length_extends_and_keeps_going_after_a_bad_reset():
    runner = GanVsVaeRunner(GanVsVaeConfig(widths=(16,), iterations=60), publish_every=0.1)
    try:
        assert runner.snapshot.iteration == 0 and runner.kind == "toy"
        runner.step_iteration()
        assert runner.snapshot.iteration == 1
        runner.play()
        for _ in range(300):
            if runner.finished and not runner.playing:
                break
            time.sleep(0.05)
        assert runner.finished and not runner.playing and runner.snapshot.iteration == 60
        assert runner.snapshot.scored_at == 60  # scored when it finished
        runner.extend(120)
        assert runner.config.iterations == 120 and not runner.finished
        histories = runner.histories()
        assert set(histories) == {"GAN", "VAE", "AE"}
        assert len(histories["VAE"]["losses"]["kl"]) > 0 and histories["VAE"]["metrics"]["iteration"][-1] == 60
        with pytest.raises(ConfigError):
            runner._request("reset", json.dumps({"widths": []}))
        assert runner.snapshot.iteration == 60 and runner.alive
        runner.reset(GanVsVaeConfig(data="digits", widths=(16,), iterations=20))
        assert runner.kind == "image" and runner.snapshot.member("VAE").code_grid is not None
    finally:
        runner.stop()


def test_on_faces_a_beta_vae_joins_as_a_fourth_model_and_the_reading_speaks_of_faces():
    config = GanVsVaeConfig(data="faces", architecture="dcgan", code_size=4, widths=(8,), iterations=10, beta_vae=4.0)
    members = member_configs(config)
    assert list(members) == ["GAN", "VAE", "AE", "β-VAE"]
    assert members["β-VAE"].model.model_kind == "vae" and members["β-VAE"].train.beta == 4.0
    assert members["VAE"].train.beta == 1.0 and members["GAN"].data.name == "faces"
    assert "β-VAE" not in member_configs(config.replace(beta_vae=0.0))
    with pytest.raises(ConfigError, match="beta-VAE"):
        config.replace(beta_vae=-1.0)
    comparison = GanVsVae(config, device="cpu")
    comparison.step()
    assert comparison.kind_of("β-VAE") == "beta_vae" and comparison.kind_of("VAE") == "vae"
    snapshot = take_gan_vs_vae_snapshot(comparison)
    assert snapshot.noun == "faces" and snapshot.member("β-VAE").reconstructions.shape[1:] == (3, 32, 32)
    face = snapshot.real[0]
    shifted, dotted = shifted_and_dotted(torch.as_tensor(face))
    assert int((dotted != torch.as_tensor(face)).any(dim=0).sum()) == 1  # one pixel of a colour face

    def row(model, kind, tv, factor, dropped="", axes=0.1):
        return dict(
            model=model, kind=kind, width=8, fid=5.0, sharpness=0.08, inception_score=4.0, precision=0.5,
            reconstruction=10.0, max_class_share=0.2, classes=5, seconds=1.0, worst_factor_tv=tv,
            worst_factor=factor, dropped=dropped, axes_score=axes,
        )  # fmt: skip

    table = [row("GAN", "gan", 0.12, "smile", axes=0.02), row("β-VAE", "beta_vae", 0.4, "hair_length", "no glasses")]
    sentences = reading(table, "image", "faces")
    assert sentences[0].startswith("Lowest FID (closest to real faces)")
    assert any(
        "**GAN** keeps the real spread best (GAN 0.12 (smile), β-VAE 0.40 (hair length))" in s for s in sentences
    )
    assert "β-VAE: no glasses." in sentences
    assert any("axis by axis" in s and "GAN 0.02, β-VAE 0.10; **β-VAE** highest" in s for s in sentences)
    assert "axis disentanglement" in table_rows(table, "image")[0]


def test_the_faces_setup_opens_on_its_shipped_trained_models_and_other_settings_are_refused():
    _, config = GAN_VS_VAE_PRESETS["faces"]
    assert config.shipped
    comparison = GanVsVae(config, device="cpu")
    assert comparison.iteration == config.iterations == 3_000 and comparison.finished
    assert all(seconds > 10 for seconds in comparison.seconds.values())  # their own training times, kept
    assert len(comparison.trainers["GAN"].history.columns()["iteration"]) > 10  # and their loss histories
    fresh = GanVsVae(config.replace(shipped=False), device="cpu")
    assert fresh.iteration == 0
    trained = comparison.trainers["VAE"].objective.generator.state_dict()
    untrained = fresh.trainers["VAE"].objective.generator.state_dict()
    assert not all(torch.equal(trained[name], untrained[name]) for name in trained)
    with pytest.raises(ConfigError, match="trained with other settings"):
        GanVsVae(config.replace(beta_vae=2.0), device="cpu")
    with pytest.raises(ConfigError, match="no trained models are shipped for this setup"):
        GanVsVae(config.replace(code_size=8), device="cpu")


def test_a_comparison_saves_to_one_file_and_loads_back():
    from gan_core.live.gan_vs_vae import GanVsVaeSession

    session = GanVsVaeSession(GAN_VS_VAE_PRESETS["ring"][1].replace(iterations=50), device="cpu")
    session.step()
    data = session.to_bytes()
    session.step()
    session.install(session.from_bytes(data))
    assert session.iteration == 1 and session.comparison.config.iterations == 50
