"""The CLI end to end on image runs: train a few iterations, sample arrays and PNG grids,
evaluate with the real-data ceiling."""

import json
import math

import numpy as np
import pytest
from PIL import Image

from gan_core.cli import main


@pytest.fixture(scope="session")  # not module: a worker may run other modules between its tests
def runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("runs")
    paths = {}
    for name, preset in (("cgan", "digits-cgan"), ("dcgan", "digits-dcgan")):
        paths[name] = folder / f"{name}.pt"
        assert (
            main(
                [
                    "train",
                    "--preset",
                    preset,
                    "--iterations",
                    "5",
                    "--batch-size",
                    "16",
                    "--device",
                    "cpu",
                    "--quiet",
                    "--out",
                    str(paths[name]),
                ]
            )
            == 0
        )
    return paths


def test_sample_arrays_and_labels(runs, tmp_path):
    out, labels_out = tmp_path / "s.npy", tmp_path / "l.npy"
    assert (
        main(
            [
                "sample",
                "--checkpoint",
                str(runs["cgan"]),
                "--n",
                "30",
                "--out",
                str(out),
                "--labels-out",
                str(labels_out),
            ]
        )
        == 0
    )
    samples, labels = np.load(out), np.load(labels_out)
    assert samples.shape == (30, 1, 8, 8) and samples.min() >= -1 and samples.max() <= 1
    assert labels.shape == (30,) and set(labels.tolist()) <= set(range(10))
    assert (
        main(
            [
                "sample",
                "--checkpoint",
                str(runs["cgan"]),
                "--n",
                "12",
                "--label",
                "3",
                "--out",
                str(out),
                "--labels-out",
                str(labels_out),
            ]
        )
        == 0
    )
    assert np.load(out).shape == (12, 1, 8, 8) and (np.load(labels_out) == 3).all()


def test_sample_png_grid(runs, tmp_path):
    png = tmp_path / "grid.png"
    assert main(["sample", "--checkpoint", str(runs["dcgan"]), "--n", "16", "--png", str(png)]) == 0
    with Image.open(png) as image:
        assert image.size == (4 * 8 + 5 * 2, 4 * 8 + 5 * 2)  # make_grid: 4 x 4 images, 2-pixel padding


def test_sample_errors_are_one_line(runs, tmp_path, capsys):
    assert (
        main(
            ["sample", "--checkpoint", str(runs["dcgan"]), "--n", "4", "--label", "1", "--out", str(tmp_path / "x.npy")]
        )
        == 2
    )
    assert "conditional" in capsys.readouterr().err
    assert (
        main(
            ["sample", "--checkpoint", str(runs["cgan"]), "--n", "4", "--label", "12", "--out", str(tmp_path / "x.npy")]
        )
        == 2
    )


def test_sample_given_codes_walks_them_in_order_and_bad_codes_end_in_one_line(runs, tmp_path, capsys):
    """`sample --codes`: anyone can walk a latent direction with their own tools (issue 25)."""
    rng = np.random.default_rng(0)
    codes = rng.standard_normal((6, 64)).astype(np.float32)
    codes[3] = codes[0]  # the same code twice gives the same image
    path, out = tmp_path / "codes.npy", tmp_path / "images.npy"
    np.save(path, codes)
    assert main(["sample", "--checkpoint", str(runs["dcgan"]), "--codes", str(path), "--out", str(out)]) == 0
    images = np.load(out)
    assert images.shape == (6, 1, 8, 8) and np.array_equal(images[3], images[0])
    assert not np.array_equal(images[1], images[0])
    np.save(path, codes[:2])  # a subset gives the same images: codes are decoded one by one
    assert main(["sample", "--checkpoint", str(runs["dcgan"]), "--codes", str(path), "--out", str(out)]) == 0
    np.testing.assert_allclose(np.load(out), images[:2], atol=1e-5)
    capsys.readouterr()
    for bad in (np.zeros((3, 5), np.float32), np.array([["a"] * 64]), np.full((2, 64), np.nan, np.float32)):
        np.save(path, bad)
        assert main(["sample", "--checkpoint", str(runs["dcgan"]), "--codes", str(path), "--out", str(out)]) == 2
    errors = capsys.readouterr().err
    assert "(3, 5)" in errors and "finite" in errors and "Traceback" not in errors
    np.save(path, np.array([object()], dtype=object), allow_pickle=True)  # a pickle is never loaded
    assert main(["sample", "--checkpoint", str(runs["dcgan"]), "--codes", str(path), "--out", str(out)]) == 2
    np.save(path, rng.standard_normal((2, 100)).astype(np.float32))  # the conditional GAN's 100-d noise
    assert main(["sample", "--checkpoint", str(runs["cgan"]), "--codes", str(path), "--out", str(out)]) == 2
    assert "needs --label" in capsys.readouterr().err
    args = ["sample", "--checkpoint", str(runs["cgan"]), "--codes", str(path), "--label", "7", "--out", str(out)]
    assert main(args) == 0 and np.load(out).shape == (2, 1, 8, 8)


def test_evaluate_prints_metrics_and_ceiling(runs, capsys):
    assert main(["evaluate", "--checkpoint", str(runs["cgan"]), "--n", "200"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["generated"]["sample_count"] == 200
    assert report["real_ceiling"]["classes_present"] == 10
    assert "label_agreement" in report["generated"]
    assert set(report["ratios"]) == {"fid_vs_real", "inception_score_vs_real"}


def test_missing_mnist_and_folder_end_in_one_line(tmp_path, capsys):
    assert (
        main(
            [
                "train",
                "--data",
                "mnist",
                "--image-size",
                "28",
                "--root",
                str(tmp_path),
                "--quiet",
                "--out",
                str(tmp_path / "x.pt"),
            ]
        )
        == 2
    )
    assert "MNIST" in capsys.readouterr().err
    assert (
        main(
            [
                "train",
                "--data",
                "folder",
                "--root",
                str(tmp_path / "missing"),
                "--quiet",
                "--out",
                str(tmp_path / "x.pt"),
            ]
        )
        == 2
    )
    assert "does not exist" in capsys.readouterr().err


def test_discriminator_rejection_sampling_from_the_cli(runs, tmp_path, capsys):
    out, labels_out = tmp_path / "s.npy", tmp_path / "l.npy"
    assert (
        main(
            [
                "sample",
                "--checkpoint",
                str(runs["cgan"]),
                "--n",
                "20",
                "--drs",
                "--label",
                "4",
                "--out",
                str(out),
                "--labels-out",
                str(labels_out),
            ]
        )
        == 0
    )
    assert "discriminator rejection sampling kept" in capsys.readouterr().err
    assert np.load(out).shape == (20, 1, 8, 8) and (np.load(labels_out) == 4).all()
    assert main(["evaluate", "--checkpoint", str(runs["dcgan"]), "--n", "50", "--drs", "exact"]) == 0
    metrics = json.loads(capsys.readouterr().out)
    assert metrics["sampling"]["gamma_percentile"] is None and 0 < metrics["sampling"]["acceptance_rate"] <= 1
    assert metrics["generated"]["sample_count"] == 50
    with pytest.raises(SystemExit):
        main(["evaluate", "--checkpoint", str(runs["dcgan"]), "--drs", "100"])
    hinge = tmp_path / "hinge.pt"
    assert (
        main(
            [
                "train",
                "--preset",
                "digits-dcgan",
                "--loss",
                "hinge",
                "--iterations",
                "2",
                "--batch-size",
                "16",
                "--device",
                "cpu",
                "--quiet",
                "--out",
                str(hinge),
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["evaluate", "--checkpoint", str(hinge), "--drs"]) == 2
    assert "probabilistic loss" in capsys.readouterr().err


def test_evaluate_over_several_draws_reports_mean_and_spread(runs, capsys):
    assert main(["evaluate", "--checkpoint", str(runs["dcgan"]), "--n", "40", "--draws", "3"]) == 0
    metrics = json.loads(capsys.readouterr().out)
    summary = metrics["ratios_over_draws"]
    assert summary["seeds"] == [0, 1, 2]
    values = summary["fid_vs_real"]["values"]
    assert len(values) == 3 and values[0] == metrics["ratios"]["fid_vs_real"] and len(set(values)) == 3
    assert math.isclose(summary["fid_vs_real"]["mean"], sum(values) / 3)
    assert main(["evaluate", "--checkpoint", str(runs["dcgan"]), "--draws", "0"]) == 2
