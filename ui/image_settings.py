"""The image lab's settings without Streamlit: widget values <-> RunConfig, and which changes
need a reset. The page stays a thin layer of widgets over this; tests check it without a browser."""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from gan_core.config import RunConfig
from gan_core.presets import PRESETS
from gan_core.trainer import LIVE_TRAIN_FIELDS

KEY = "img_"  # every widget key of the image page starts with this

IMAGE_PRESETS = tuple(name for name, preset in PRESETS.items() if preset.config.data.is_image)
ARCHITECTURE_LABELS = {"mlp": "MLP GAN (Goodfellow 2014)", "conditional_mlp": "Conditional GAN (Mirza 2014)",
                       "dcgan": "DCGAN (Radford 2016)"}
DATA_LABELS = {"digits": "Digits 8x8 (built in)", "mnist": "MNIST", "fashion_mnist": "Fashion-MNIST",
               "folder": "My image folder"}

DATA_FIELDS = ("name", "image_size", "channels", "root", "download")
MODEL_FIELDS = ("architecture", "noise_dim", "noise_prior", "g_width", "d_width", "g_layers", "d_layers", "d_norm",
                "g_extra_layers", "d_extra_layers")
TRAIN_FIELDS = ("loss", "d_lr", "g_lr", "d_steps", "g_steps", "batch_size", "seed", "ema", "instance_noise",
                "label_smoothing")
INT_FIELDS = ("image_size", "channels", "noise_dim", "g_width", "d_width", "g_layers", "d_layers",
              "g_extra_layers", "d_extra_layers",
              "d_steps", "g_steps", "batch_size", "seed")
FLOAT_FIELDS = ("d_lr", "g_lr", "ema", "instance_noise", "label_smoothing")
# A loss change that switches the DCGAN discriminator between BatchNorm and LayerNorm needs a
# new network, so it cannot be taken live.
NORM_CHANGING_LOSS = "wgan_gp"


def widget_values(config: RunConfig) -> dict:
    """The page's widget values (by key) that show `config`."""
    values = {KEY + name: getattr(config.data, name) for name in DATA_FIELDS}
    values.update({KEY + name: getattr(config.model, name) for name in MODEL_FIELDS})
    values.update({KEY + name: getattr(config.train, name) for name in TRAIN_FIELDS})
    return values


def config_from_values(values: Mapping, base: RunConfig) -> RunConfig:
    """The config the widgets describe; settings without a widget come from `base`.
    Raises ConfigError (a ValueError) with a message for a person."""
    sections = {"data": DATA_FIELDS, "model": MODEL_FIELDS, "train": TRAIN_FIELDS}
    changes = {}
    for section, fields in sections.items():
        part = {}
        for name in fields:
            value = values[KEY + name]
            part[name] = int(value) if name in INT_FIELDS else float(value) if name in FLOAT_FIELDS else value
        changes[section] = part
    if changes["data"]["name"] == "digits":
        changes["data"]["root"] = base.data.root  # not shown for the built-in digits
    return base.replace(**changes)


def changed_settings(old: RunConfig, new: RunConfig) -> list[str]:
    """Names ("train.g_lr") of the settings that differ."""
    changed = []
    for section in ("data", "model", "train"):
        a, b = getattr(old, section), getattr(new, section)
        changed += [f"{section}.{f.name}" for f in dataclasses.fields(a) if getattr(a, f.name) != getattr(b, f.name)]
    return changed


def needs_reset(changed: list[str], old: RunConfig, new: RunConfig) -> list[str]:
    """The changed settings a running trainer cannot take: anything but the live training
    settings, and a loss change into or out of WGAN-GP for a DCGAN (its D changes its norm)."""
    pending = [name for name in changed if not (name.startswith("train.") and name[6:] in LIVE_TRAIN_FIELDS)]
    if ("train.loss" in changed and new.model.architecture == "dcgan" and new.model.d_norm == "auto"
            and (old.train.loss == NORM_CHANGING_LOSS) != (new.train.loss == NORM_CHANGING_LOSS)):
        pending.append("train.loss")
    return pending


def readable(setting: str) -> str:
    """ "train.g_lr" -> "g lr" for messages."""
    return setting.split(".", 1)[1].replace("_", " ")
