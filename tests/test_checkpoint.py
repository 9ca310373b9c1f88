
import numpy as np
import pytest
import torch

from gan_core import checkpoint
from gan_core.config import RunConfig
from gan_core.snapshot import sample
from gan_core.trainer import Trainer

SMALL = RunConfig().replace(model=dict(g_width=32, d_width=32), train=dict(batch_size=64, ema=0.9))


def test_round_trip_restores_the_run_exactly(tmp_path):
    trainer = Trainer(SMALL, device="cpu")
    trainer.train(25)
    path = checkpoint.save(trainer, tmp_path / "run.pt")
    loaded = checkpoint.load_trainer(path)
    assert loaded.config == trainer.config
    assert (loaded.iteration, loaded.d_updates, loaded.g_updates) == (25, 25, 25)
    assert loaded.history.rows == trainer.history.rows
    np.testing.assert_array_equal(sample(loaded, 50), sample(trainer, 50))
    assert not list(tmp_path.glob("*.tmp"))  # the temporary file was renamed away


def test_resuming_continues_like_an_uninterrupted_run(tmp_path):
    straight = Trainer(SMALL, device="cpu")
    straight.train(20)
    first = Trainer(SMALL, device="cpu")
    first.train(10)
    resumed = checkpoint.load_trainer(checkpoint.to_bytes(first))
    resumed.device_rng.set_state(first.device_rng.get_state())
    resumed.train(10)
    np.testing.assert_allclose(sample(resumed, 50), sample(straight, 50), rtol=1e-5, atol=1e-6)


def test_corrupt_truncated_and_foreign_files_are_rejected(tmp_path):
    trainer = Trainer(SMALL, device="cpu")
    good = checkpoint.to_bytes(trainer)
    with pytest.raises(checkpoint.CheckpointError, match="damaged, truncated"):
        checkpoint.read(good[: len(good) // 2])
    with pytest.raises(checkpoint.CheckpointError, match="damaged, truncated"):
        checkpoint.read(b"this is a text file")
    foreign = tmp_path / "foreign.pt"
    torch.save({"model": torch.zeros(3)}, foreign)
    with pytest.raises(checkpoint.CheckpointError, match="not a GAN Explorer run checkpoint"):
        checkpoint.read(foreign)
    with pytest.raises(checkpoint.CheckpointError, match="no checkpoint file"):
        checkpoint.read(tmp_path / "missing.pt")


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
    import io
    buffer = io.BytesIO()
    torch.save(raw, buffer)
    with pytest.raises(checkpoint.CheckpointError, match="do not match its config"):
        checkpoint.load_trainer(buffer.getvalue())
