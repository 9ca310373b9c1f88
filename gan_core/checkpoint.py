"""Save a run to one file and load it back safely.

A checkpoint is a plain dict (format tag, version, the run config as JSON, the trainer's state),
written with `torch.save` to a temporary file and renamed into place, so a crash never leaves a
half-written file. Loading uses `torch.load(weights_only=True)`: tensors, numbers, strings and
containers only, never arbitrary pickled code.
"""
from __future__ import annotations

import io
import os
import pickle
import tempfile
import zipfile
from pathlib import Path

import torch

from .config import ConfigError, RunConfig

FORMAT = "gan-explorer-run"
VERSION = 1


class CheckpointError(ValueError):
    """The file is not a GAN Explorer checkpoint, is damaged, or does not fit its own config."""


def checkpoint_dict(trainer) -> dict:
    return {"format": FORMAT, "version": VERSION, "config": trainer.config.to_json(),
            "state": trainer.state_dict()}


def to_bytes(trainer) -> bytes:
    """The checkpoint as bytes (for a browser download)."""
    buffer = io.BytesIO()
    torch.save(checkpoint_dict(trainer), buffer)
    return buffer.getvalue()


def save(trainer, path: str | os.PathLike) -> Path:
    """Write atomically: a temporary file beside `path`, then an atomic rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            torch.save(checkpoint_dict(trainer), file)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def read(source) -> tuple[RunConfig, dict]:
    """(config, trainer state) from a path, bytes or a binary file object.
    Raises CheckpointError with a message a person can act on."""
    if isinstance(source, (bytes, bytearray)):
        source = io.BytesIO(source)
    elif isinstance(source, (str, os.PathLike)) and not Path(source).is_file():
        raise CheckpointError(f"no checkpoint file at {source}")
    try:
        raw = torch.load(source, map_location="cpu", weights_only=True)
    except (pickle.UnpicklingError, RuntimeError, zipfile.BadZipFile, EOFError, ValueError,
            KeyError, AttributeError, OSError, TypeError, IndexError) as error:
        # torch's own message suggests weights_only=False, which is exactly what we must not do.
        raise CheckpointError("not a readable GAN Explorer checkpoint: the file is damaged, truncated, "
                              f"or a different kind of file ({type(error).__name__})") from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise CheckpointError("this file is a PyTorch file but not a GAN Explorer run checkpoint")
    if raw.get("version") != VERSION:
        raise CheckpointError(f"checkpoint version {raw.get('version')} is not supported (this app reads version {VERSION})")
    try:
        config = RunConfig.from_json(raw["config"])
    except (ConfigError, KeyError, TypeError) as error:
        raise CheckpointError(f"the checkpoint's config is invalid: {error}") from None
    if not isinstance(raw.get("state"), dict):
        raise CheckpointError("the checkpoint holds no trainer state")
    return config, raw["state"]


def load_trainer(source, device: str | None = None, data=None):
    """A Trainer rebuilt from its checkpoint, ready to sample from or to train on."""
    from .trainer import Trainer

    config, state = read(source)
    if device is not None:
        config = config.replace(train=dict(device=device))
    trainer = Trainer(config, data=data)
    try:
        trainer.load_state_dict(state)
    except (KeyError, RuntimeError, ValueError, TypeError) as error:
        reason = str(error).splitlines()[0][:200]
        raise CheckpointError(f"the checkpoint's weights do not match its config: {reason}") from None
    return trainer
