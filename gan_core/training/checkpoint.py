"""Save a run to one file and load it back safely.

A checkpoint is a plain dict (format tag, version, the run config as JSON, the trainer's state),
written with `torch.save` to a temporary file and renamed into place, so a crash never leaves a
half-written file. Loading uses `torch.load(weights_only=True)`: tensors, numbers, strings and
containers only, never arbitrary pickled code.

Version 2 (this one) keeps networks, optimisers and counters by name, whatever the objective,
and every random stream, so a resumed run continues exactly. Version 1 files (GAN Explorer 0.1)
load too: their weights are kept; their noise stream was not saved, so continuing one is not
bit-for-bit the run that was saved.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import tempfile
import zipfile
from pathlib import Path

import torch

from ..config import (
    ConfigError,
    KindError,
    ModelConfig,
    RunConfig,
    check_kind,
    check_model_kind,
    without_unused_settings,
)

FORMAT = "gan-explorer-run"
VERSION = 2
READABLE_VERSIONS = (1, 2)


class CheckpointError(ValueError):
    """The file is not a GAN Explorer checkpoint, is damaged, or does not fit its own config."""


def checkpoint_dict(trainer, slim: bool = False) -> dict:
    """`slim`: without the optimisers' states (a shipped model a third of the size; a lab that
    continues it starts its optimisers afresh)."""
    state = trainer.state_dict()
    if slim:
        state.pop("optimizers")
    return {"format": FORMAT, "version": VERSION, "config": trainer.config.to_json(), "state": state}


def to_bytes(trainer) -> bytes:
    """The checkpoint as bytes (for a browser download)."""
    buffer = io.BytesIO()
    torch.save(checkpoint_dict(trainer), buffer)
    return buffer.getvalue()


def save(trainer, path: str | os.PathLike, slim: bool = False) -> Path:
    """Write atomically: a temporary file beside `path`, then an atomic rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            torch.save(checkpoint_dict(trainer, slim), file)
        os.chmod(temporary, 0o644)  # mkstemp's file is private; a checkpoint is an ordinary file
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def read(source, kind: str | None = None, model_kinds: tuple[str, ...] | None = None) -> tuple[RunConfig, dict]:
    """(config, trainer state) from a path, bytes or a binary file object. With `kind` ("toy"
    or "image"), a run of the other kind is refused (and any but a GAN: the labs' check); with
    `model_kinds` (e.g. ("vae",)), a run of another model kind. Raises CheckpointError with a
    message a person can act on."""
    raw = _safe_load(source)
    if isinstance(raw, dict) and raw.get("format") == SIDE_BY_SIDE_FORMAT:
        raise CheckpointError(
            f"this file holds models side by side ({raw.get('kind')}): open it on the page it was saved from"
        )
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise CheckpointError("this file is a PyTorch file but not a GAN Explorer run checkpoint")
    version = raw.get("version")
    if version not in READABLE_VERSIONS:
        raise CheckpointError(
            f"checkpoint version {version} is not supported (this app reads versions "
            f"{', '.join(map(str, READABLE_VERSIONS))}); it comes from a newer GAN Explorer"
        )
    if not isinstance(raw.get("state"), dict):
        raise CheckpointError("the checkpoint holds no trainer state")
    try:
        if version == 1:
            config, state = _config_from_version_1(raw["config"]), _state_from_version_1(raw["state"])
        else:
            config, state = RunConfig.from_json(raw["config"]), raw["state"]
    except (ConfigError, KeyError, TypeError, AttributeError) as error:
        raise CheckpointError(f"the checkpoint's config is invalid (version {version}): {error}") from None
    try:
        if kind is not None:
            check_kind(config, kind, "this checkpoint")
        if model_kinds is not None:
            check_model_kind(config, model_kinds, "this checkpoint")
    except KindError:
        raise  # a run of the other kind: the page says where it belongs
    except ConfigError as error:
        raise CheckpointError(str(error)) from None
    return config, state


def _safe_load(source):
    """torch.load of a path, bytes or a binary file object, weights only (never pickled code);
    any failure as one CheckpointError."""
    if isinstance(source, (bytes, bytearray)):
        source = io.BytesIO(source)
    elif isinstance(source, (str, os.PathLike)) and Path(source).is_dir():
        raise CheckpointError(f"{source} is a folder; give a checkpoint file (.pt)")
    elif isinstance(source, (str, os.PathLike)) and not Path(source).is_file():
        raise CheckpointError(f"no checkpoint file at {source}")
    try:
        return torch.load(source, map_location="cpu", weights_only=True)
    except (
        pickle.UnpicklingError,
        RuntimeError,
        zipfile.BadZipFile,
        EOFError,
        ValueError,
        KeyError,
        AttributeError,
        OSError,
        TypeError,
        IndexError,
    ) as error:
        # torch's own message suggests weights_only=False, which is exactly what we must not do.
        raise CheckpointError(f"not a readable GAN Explorer checkpoint: {unreadable_reason(error)}") from None


def _architecture(raw: dict) -> str | None:
    """A single run's file's architecture, or None where its config does not read."""
    try:
        return RunConfig.from_json(raw["config"]).model.architecture
    except (ConfigError, KeyError, TypeError):
        return None


def unreadable_reason(error: Exception) -> str:
    """Why torch.load could not read a file, in words. Its exception's type says little (a text
    file raises KeyError, a cut-off one OSError), so only an empty file is told apart."""
    if isinstance(error, EOFError):
        return "the file is empty or cut off"
    return "the file is damaged, cut off, or not a PyTorch checkpoint at all"


def _config_from_version_1(text: str) -> RunConfig:
    """Version 1 accepted model settings its architecture ignored (the image lab's G layers on a
    DCGAN, say); they meant nothing, so they go back to their defaults."""
    raw = json.loads(text)
    model = ModelConfig(**raw.get("model", {}))
    raw["model"] = dict(without_unused_settings(model).__dict__)
    return RunConfig.from_dict(raw)


def _state_from_version_1(state: dict) -> dict:
    converted = {
        "iteration": state["iteration"],
        "updates": {"discriminator": state["d_updates"], "generator": state["g_updates"]},
        "networks": {"generator": state["generator"], "discriminator": state["discriminator"]},
        "optimizers": {"generator": state["g_optimizer"], "discriminator": state["d_optimizer"]},
        "history": state["history"],
        "metric_history": state["metric_history"],
        "rngs": {"data": state["cpu_rng"]},
    }
    if "ema_generator" in state:
        converted["average"] = state["ema_generator"]
    return converted


def load_trainer(
    source,
    device: str | None = None,
    data=None,
    kind: str | None = None,
    config: RunConfig | None = None,
    model_kinds: tuple[str, ...] | None = None,
):
    """A Trainer rebuilt from its checkpoint, ready to sample from or to train on. `config`, when
    given, replaces the saved one (it must describe the same networks: the CLI's --resume uses it
    for the settings it may change). `kind` / `model_kinds` refuse other runs (see read)."""
    from .trainer import Trainer

    saved, state = read(source, kind, model_kinds)
    config = saved if config is None else config
    if device is not None:
        config = config.replace(train=dict(device=device))
    trainer = Trainer(config, data=data)
    try:
        trainer.load_state_dict(state)
    except (KeyError, RuntimeError, ValueError, TypeError) as error:
        reason = str(error).splitlines()[0][:200]
        raise CheckpointError(f"the checkpoint's weights do not match its config: {reason}") from None
    return trainer


# ----- runs side by side (GAN vs VAE, the applications): one file for all the members ------------
SIDE_BY_SIDE_FORMAT = "gan-explorer-side-by-side"


def side_by_side_bytes(run, config) -> bytes:
    """Every member's checkpoint, the side-by-side config (a JsonConfig) and each member's
    training time, as one file."""
    buffer = io.BytesIO()
    members = {name: checkpoint_dict(trainer) for name, trainer in run.trainers.items()}
    torch.save(
        {"format": SIDE_BY_SIDE_FORMAT, "version": 1, "kind": type(config).NAME, "config": config.to_json(),
         "members": members, "seconds": dict(run.seconds)},
        buffer,
    )  # fmt: skip
    return buffer.getvalue()


def read_side_by_side(source, config_class, build):
    """The run a side_by_side_bytes file holds: `build(config)` makes fresh members (from
    scratch) that the saved states then fill. Raises CheckpointError, saying why, for a damaged
    or foreign file, one saved by another page, or members that do not fit."""
    raw = _safe_load(source)
    if not isinstance(raw, dict) or raw.get("format") != SIDE_BY_SIDE_FORMAT:
        if isinstance(raw, dict) and raw.get("format") == FORMAT:
            if _architecture(raw) == "conditional_dcgan":
                raise CheckpointError(  # on the Applications page itself: said where there
                    "this is the words-to-faces model's own file (the shipped one); the Words to faces view "
                    "opens it already, and this box takes files saved with Download these models"
                )
            raise CheckpointError("this is a single run's checkpoint; open it in the lab it was saved from")
        raise CheckpointError("this file is not a GAN Explorer checkpoint of models side by side")
    if raw.get("kind") != config_class.NAME:
        raise CheckpointError(f"this file holds a {raw.get('kind')} comparison, not a {config_class.NAME} one")
    try:
        config = config_class.from_json(raw["config"])
        run = build(config)
        for name, trainer in run.trainers.items():
            saved = raw["members"][name]
            was = RunConfig.from_json(saved["config"])  # on whatever device it was saved from
            if was.replace(train={"device": trainer.config.train.device}) != trainer.config:
                raise CheckpointError(f"the saved {name} model was trained with other settings than its config says")
            trainer.load_state_dict(saved["state"])
            run.seconds[name] = float(raw.get("seconds", {}).get(name, 0.0))
    except CheckpointError:
        raise
    except (ConfigError, KeyError, TypeError, ValueError, RuntimeError, AttributeError) as error:
        reason = str(error).splitlines()[0][:200] if str(error) else type(error).__name__
        raise CheckpointError(f"the file's models cannot be used: {reason}") from None
    return run
