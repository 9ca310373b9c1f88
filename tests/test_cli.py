"""The command line end to end. The first train and the first bad input run as a person runs
them (`python -m gan_core` in a new process); the rest call the same entry point in this
process, which skips the seconds each new interpreter spends importing torch."""

import json

import numpy as np
import torch
from conftest import run_cli as _run
from conftest import run_cli_process


def test_train_sample_evaluate(root, tmp_path):
    run = tmp_path / "run.pt"
    result = run_cli_process(
        root,
        "train",
        "--preset",
        "ring",
        "--iterations",
        "300",
        "--g-width",
        "32",
        "--d-width",
        "32",
        "--loss",
        "hinge",
        "--out",
        str(run),
    )
    assert result.returncode == 0, result.stderr
    assert "300/300 iterations" in result.stderr and run.is_file()
    trained = json.loads(result.stdout)
    assert trained["n_modes"] == 8

    result = _run(root, "sample", "--checkpoint", str(run), "--n", "2500", "--out", str(tmp_path / "s.npy"))
    assert result.returncode == 0, result.stderr
    samples = np.load(tmp_path / "s.npy")
    assert samples.shape == (2500, 2) and np.isfinite(samples).all()

    result = _run(root, "evaluate", "--checkpoint", str(run))
    assert result.returncode == 0, result.stderr
    metrics = json.loads(result.stdout)
    assert metrics["iteration"] == 300
    assert metrics == {**trained, "iteration": 300}  # same fixed-seed evaluation as after training


def test_points_from_a_csv(root, tmp_path):
    csv_file = tmp_path / "points.csv"
    csv_file.write_text("x,y\n0,0\n1,1\n2,0.5\n")
    result = _run(
        root, "train", "--points-csv", str(csv_file), "--iterations", "20", "--quiet", "--out", str(tmp_path / "p.pt")
    )
    assert result.returncode == 0, result.stderr
    assert "kl" in json.loads(result.stdout)


def test_bad_input_gets_one_clear_line_not_a_traceback(root, tmp_path):
    result = run_cli_process(root, "train", "--g-lr", "-1", "--out", str(tmp_path / "x.pt"))
    assert result.returncode == 2
    assert "generator learning rate must be > 0, got -1" in result.stderr
    assert "Traceback" not in result.stderr

    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"\x00garbage")
    result = _run(root, "evaluate", "--checkpoint", str(bad))
    assert result.returncode == 2 and "not a readable GAN Explorer checkpoint" in result.stderr
    assert "Traceback" not in result.stderr

    csv_file = tmp_path / "bad.csv"
    csv_file.write_text("x,y\n1,2\n3,oops\n")
    result = _run(root, "train", "--points-csv", str(csv_file), "--out", str(tmp_path / "y.pt"))
    assert result.returncode == 2 and "line 3 is not two numbers" in result.stderr

    result = _run(root, "train", "--preset", "nope", "--out", str(tmp_path / "z.pt"))
    assert result.returncode == 2 and "unknown preset 'nope'" in result.stderr


def test_output_paths_are_checked_before_any_work(root, tmp_path):
    ring, digits = str(root / "checkpoints/ring.pt"), str(root / "checkpoints/digits-dcgan.pt")
    cases = [
        (("sample", "--checkpoint", digits, "--png", str(tmp_path)), "is a directory; give a file name ending in .png"),
        (("sample", "--checkpoint", ring, "--n", "-5", "--out", "a.npy"), "--n: draw 1 to 134,217,728 samples"),
        (("sample", "--checkpoint", ring, "--n", "0", "--out", "a.npy"), "at a time (1 GiB), not 0"),
        (("sample", "--checkpoint", digits, "--n", "100000000", "--out", "a.npy"), "of shape (1, 8, 8) at a time"),
        (("sample", "--checkpoint", ring, "--out", str(tmp_path)), "is a directory; give a file name ending in .npy"),
        (("sample", "--checkpoint", ring, "--out", str(tmp_path / "s.txt")), "--out must end in .npy"),
        (("sample", "--checkpoint", digits, "--png", str(tmp_path / "g.jpg")), "--png must end in .png"),
        (("train", "--preset", "ring", "--out", str(tmp_path)), "is a directory; give a file name"),
        (("train", "--preset", "ring", "--out", str(tmp_path / "no" / "x.pt")), "does not exist"),
    ]
    for args, message in cases:
        result = _run(root, *args)
        assert result.returncode == 2 and message in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr and "training" not in result.stderr  # refused before the work
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # nothing written


def test_out_of_reach_counts_and_devices_end_in_one_line(root, tmp_path):
    """Values no run can use are refused in a sentence, before any work: no traceback, no file."""
    import torch

    ring, out = str(root / "checkpoints/ring.pt"), str(tmp_path / "x.pt")
    cases = [
        (("train", "--preset", "ring", "--iterations", str(10**20), "--out", out), "iterations must be 0 to"),
        (("evaluate", "--checkpoint", ring, "--n", "1"), "score 10 to 50,000 of them, not 1"),
        (("train-classifier", "--epochs", "0", "--out", out), "--epochs must be 1 to 1,000, got 0"),
        (("train-classifier", "--epochs", "-2", "--out", out), "--epochs must be 1 to 1,000, got -2"),
    ]
    if not torch.cuda.is_available():
        cases.append((("train", "--preset", "ring", "--device", "cuda", "--out", out), "no CUDA GPU is available"))
    for args, message in cases:
        result = _run(root, *args)
        assert result.returncode == 2 and message in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_resume_continues_exactly_applies_live_flags_and_refuses_the_rest(root, tmp_path):
    """20 iterations straight equal 10 + 10 resumed (same weights); --resume takes a new learning
    rate or run length but refuses a setting that would make another run."""
    from gan_core.training import checkpoint

    common = [
        "--g-width",
        "16",
        "--d-width",
        "16",
        "--batch-size",
        "32",
        "--lr-decay",
        "true",
        "--ema",
        "0.9",
        "--quiet",
    ]
    straight, half, resumed = tmp_path / "straight.pt", tmp_path / "half.pt", tmp_path / "resumed.pt"
    assert _run(root, "train", *common, "--iterations", "20", "--out", str(straight)).returncode == 0
    assert (
        _run(root, "train", *common, "--iterations", "10", "--lr-decay-iterations", "20", "--out", str(half)).returncode
        == 0
    )
    result = _run(root, "train", "--resume", str(half), "--iterations", "20", "--quiet", "--out", str(resumed))
    assert result.returncode == 0, result.stderr
    a, b = checkpoint.load_trainer(straight, device="cpu"), checkpoint.load_trainer(resumed, device="cpu")
    assert b.iteration == 20
    for p, q in zip(a.objective.parameters(), b.objective.parameters()):
        assert torch.equal(p, q)

    result = _run(
        root,
        "train",
        "--resume",
        str(half),
        "--iterations",
        "15",
        "--g-lr",
        "5e-4",
        "--quiet",
        "--out",
        str(tmp_path / "lr.pt"),
    )
    assert result.returncode == 0, result.stderr
    changed = checkpoint.load_trainer(tmp_path / "lr.pt", device="cpu")
    assert changed.config.train.g_lr == 5e-4 and changed.iteration == 15
    assert changed.config.train.lr_decay_iterations == 20  # the schedule kept its length

    result = _run(
        root, "train", "--resume", str(half), "--g-width", "64", "--batch-size", "8", "--out", str(tmp_path / "no.pt")
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "--g-width, --batch-size cannot change when resuming" in result.stderr
    result = _run(root, "train", "--resume", str(half), "--out", str(tmp_path / "no.pt"))
    assert result.returncode == 2 and "pass --iterations N" in result.stderr


def test_settings_the_architecture_ignores_are_refused(root, tmp_path):
    result = _run(root, "train", "--preset", "digits-dcgan", "--pack", "2", "--out", str(tmp_path / "x.pt"))
    assert result.returncode == 2 and "the DCGAN architecture does not use pack" in result.stderr
    result = _run(root, "train", "--d-augment", "translation", "--out", str(tmp_path / "x.pt"))
    assert result.returncode == 2 and "the MLP architecture does not use d_augment" in result.stderr
    result = _run(root, "train", "--iterations", "many", "--out", str(tmp_path / "x.pt"))
    assert result.returncode == 2 and "iterations must be a whole number, got 'many'" in result.stderr


def test_resume_refuses_a_loss_that_would_rebuild_the_discriminator(root, tmp_path):
    """Into WGAN-GP, an "auto" DCGAN discriminator swaps BatchNorm for LayerNorm: the live pages
    ask for a Reset, and --resume refuses it the same way."""
    run = tmp_path / "dcgan.pt"
    result = _run(
        root,
        "train",
        "--preset",
        "digits-dcgan",
        "--iterations",
        "2",
        "--batch-size",
        "8",
        "--quiet",
        "--out",
        str(run),
    )
    assert result.returncode == 0, result.stderr
    result = _run(
        root, "train", "--resume", str(run), "--loss", "wgan_gp", "--iterations", "4", "--out", str(tmp_path / "no.pt")
    )
    assert result.returncode == 2 and "--loss cannot change when resuming" in result.stderr
    result = _run(
        root,
        "train",
        "--resume",
        str(run),
        "--loss",
        "hinge",
        "--iterations",
        "4",
        "--quiet",
        "--out",
        str(tmp_path / "hinge.pt"),
    )
    assert result.returncode == 0, result.stderr
