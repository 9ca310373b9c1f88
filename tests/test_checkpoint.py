"""Checkpoints: exact round trip and resume, safe loading, version 1 files, the run-kind check."""

import io
from pathlib import Path

import numpy as np
import pytest
import torch

from gan_core.config import KindError, RunConfig
from gan_core.presets import get_preset
from gan_core.sampling import sample_numpy
from gan_core.training import Trainer, checkpoint

SMALL = RunConfig().replace(model=dict(g_width=32, d_width=32), train=dict(batch_size=64, ema=0.9))
DATA = Path(__file__).parent / "data"


def _all_weights(trainer):
    return torch.cat([p.detach().flatten() for p in trainer.objective.parameters()])


def test_round_trip_restores_the_run_exactly(tmp_path):
    trainer = Trainer(SMALL, device="cpu")
    trainer.train(25)
    path = checkpoint.save(trainer, tmp_path / "run.pt")
    loaded = checkpoint.load_trainer(path)
    assert loaded.config == trainer.config
    assert loaded.iteration == 25 and loaded.updates == {"discriminator": 25, "generator": 25}
    assert loaded.history.rows == trainer.history.rows
    np.testing.assert_array_equal(sample_numpy(loaded, 50), sample_numpy(trainer, 50))
    assert not list(tmp_path.glob("*.tmp"))  # the temporary file was renamed away


def test_a_slim_checkpoint_leaves_the_optimisers_out_and_still_samples_and_trains(tmp_path):
    trainer = Trainer(SMALL, device="cpu")
    trainer.train(5)
    full, slim = checkpoint.save(trainer, tmp_path / "full.pt"), checkpoint.save(trainer, tmp_path / "slim.pt", True)
    assert slim.stat().st_size < 0.6 * full.stat().st_size
    loaded = checkpoint.load_trainer(slim)
    np.testing.assert_array_equal(sample_numpy(loaded, 50), sample_numpy(trainer, 50))
    loaded.train(3)  # its optimisers start afresh
    assert loaded.iteration == 8 and not loaded.diverged


@pytest.mark.parametrize(
    "config",
    [
        SMALL.replace(train=dict(lr_decay=True, iterations=40, instance_noise=0.2)),
        SMALL.replace(model=dict(d_dropout=0.2), train=dict(loss="wgan_gp")),  # global stream and GP mixing weights
        get_preset("digits-cgan").replace(
            model=dict(g_hidden=(32,), d_width=32, d_dropout=0.1), train=dict(batch_size=16, device="cpu")
        ),
    ],
    ids=["decay-noise", "dropout-wgan-gp", "conditional"],
)
def test_a_resumed_run_continues_exactly_like_the_uninterrupted_one(config):
    straight = Trainer(config, device="cpu")
    straight.train(20)
    first = Trainer(config, device="cpu")
    first.train(10)
    resumed = checkpoint.load_trainer(checkpoint.to_bytes(first))
    resumed.train(10)
    assert torch.equal(_all_weights(resumed), _all_weights(straight))
    assert torch.equal(
        torch.cat([p.flatten() for p in resumed.average.parameters()]),
        torch.cat([p.flatten() for p in straight.average.parameters()]),
    )
    assert resumed.history.rows == straight.history.rows


def test_corrupt_truncated_and_foreign_files_are_rejected(tmp_path):
    trainer = Trainer(SMALL, device="cpu")
    good = checkpoint.to_bytes(trainer)
    with pytest.raises(checkpoint.CheckpointError, match="damaged, cut off"):
        checkpoint.read(good[: len(good) // 2])
    with pytest.raises(checkpoint.CheckpointError, match="damaged, cut off"):
        checkpoint.read(b"this is a text file")
    foreign = tmp_path / "foreign.pt"
    torch.save({"model": torch.zeros(3)}, foreign)
    with pytest.raises(checkpoint.CheckpointError, match="not a GAN Explorer run checkpoint"):
        checkpoint.read(foreign)
    with pytest.raises(checkpoint.CheckpointError, match="no checkpoint file"):
        checkpoint.read(tmp_path / "missing.pt")


def test_a_newer_version_is_refused_naming_it():
    raw = checkpoint.checkpoint_dict(Trainer(SMALL, device="cpu"))
    raw["version"] = 9
    buffer = io.BytesIO()
    torch.save(raw, buffer)
    with pytest.raises(checkpoint.CheckpointError, match="version 9 is not supported"):
        checkpoint.read(buffer.getvalue())


def test_a_version_1_checkpoint_still_loads_with_its_weights():
    """tests/data/v1_ring_small.pt was written by GAN Explorer 0.1 (12 iterations, EMA 0.9);
    the .npy beside it holds sample(trainer, 20, seed=5) as that version drew it."""
    config, _ = checkpoint.read(DATA / "v1_ring_small.pt")
    assert config.train.seed == 3 and config.model.g_width == 8
    trainer = checkpoint.load_trainer(DATA / "v1_ring_small.pt")
    assert trainer.iteration == 12 and trainer.updates == {"discriminator": 12, "generator": 12}
    # Equal up to float32 rounding: CPUs with other vector units round a matrix product's last bit
    # differently (seen: 1e-7); weights that had not loaded would be off by whole units.
    np.testing.assert_allclose(
        sample_numpy(trainer, 20, seed=5), np.load(DATA / "v1_ring_small_samples.npy"), rtol=0, atol=1e-5
    )
    trainer.train(3)  # and it trains on
    assert trainer.iteration == 15


class _Payload:
    def __reduce__(self):
        return (print, ("arbitrary code ran",))


def test_a_pickle_with_code_is_not_executed(tmp_path, capsys):
    path = tmp_path / "evil.pt"
    torch.save({"format": checkpoint.FORMAT, "payload": _Payload()}, path)
    with pytest.raises(checkpoint.CheckpointError):
        checkpoint.read(path)
    assert "arbitrary code ran" not in capsys.readouterr().out


def test_weights_that_do_not_fit_the_config_are_rejected():
    trainer = Trainer(SMALL, device="cpu")
    raw = checkpoint.checkpoint_dict(trainer)
    raw["config"] = SMALL.replace(model=dict(g_width=64)).to_json()
    buffer = io.BytesIO()
    torch.save(raw, buffer)
    with pytest.raises(checkpoint.CheckpointError, match="do not match its config"):
        checkpoint.load_trainer(buffer.getvalue())


def test_the_kind_check_refuses_a_run_of_the_other_kind():
    toy = checkpoint.to_bytes(Trainer(SMALL, device="cpu"))
    image = checkpoint.to_bytes(Trainer(get_preset("digits-mlp").replace(train=dict(device="cpu"))))
    assert checkpoint.read(toy, kind="toy")[0].kind == "toy"
    with pytest.raises(KindError, match="this checkpoint is a 2D/1D run, not an image run"):
        checkpoint.read(toy, kind="image")
    with pytest.raises(KindError, match="this checkpoint is an image run, not a 2D/1D run"):
        checkpoint.load_trainer(image, kind="toy")
