"""The 2D lab's settings without Streamlit: widget values <-> RunConfig, which changes need a
reset, and reading an uploaded CSV of points. The page stays a thin layer of widgets over this,
and tests check it without a browser."""
from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping

from gan_core.cli import read_points_csv
from gan_core.config import ConfigError, DataConfig, RunConfig
from gan_core.trainer import LIVE_TRAIN_FIELDS

KEY = "lab_"  # every widget key of the page starts with this

LAB_DATASETS = ("ring", "grid", "spiral", "moons", "circles", "line", "three_regions", "points", "mixture1d")
MODE_DATASETS = ("ring", "grid", "mixture1d")  # the ones with a number of modes
# name -> (number of modes, radius or spacing, std): what gan_core uses when a value is unset.
DATA_DEFAULTS = {"ring": (8, 1.0, 0.01), "grid": (25, 2.0, 0.05), "mixture1d": (3, 2.0, 0.25)}
SHAPE_DEFAULTS = (None, 1.0, 0.02)
GRID_MODE_CHOICES = (4, 9, 16, 25, 36, 49, 64, 81, 100)

# A heart, so "points" has something to learn before anyone uploads a file.
DEFAULT_POINTS = tuple(
    (round(16 * math.sin(t) ** 3 / 16, 4),
     round((13 * math.cos(t) - 5 * math.cos(2 * t) - 2 * math.cos(3 * t) - math.cos(4 * t)) / 16, 4))
    for t in (2 * math.pi * i / 120 for i in range(120))
)

DATA_FIELDS = ("name", "n_modes", "radius", "std")
MODEL_FIELDS = ("noise_dim", "noise_prior", "g_layers", "g_width", "d_layers", "d_width", "activation")
TRAIN_FIELDS = ("loss", "d_optimizer", "d_lr", "g_optimizer", "g_lr", "d_steps", "g_steps", "batch_size",
                "seed", "ema", "lr_decay", "iterations")


def data_defaults(name: str) -> tuple:
    return DATA_DEFAULTS.get(name, SHAPE_DEFAULTS)


def effective_data(data: DataConfig) -> DataConfig:
    """`data` with its unset parameters filled with the values gan_core uses for them."""
    n_modes, radius, std = data_defaults(data.name)
    if data.name not in MODE_DATASETS:
        n_modes = None
    elif data.n_modes is not None:
        n_modes = data.n_modes
    return dataclasses.replace(data, n_modes=n_modes, radius=data.radius or radius,
                               std=std if data.name == "three_regions" else (data.std or std))


def normalise(config: RunConfig) -> RunConfig:
    """A config whose equality means "trains the same": defaults filled in."""
    return dataclasses.replace(config, data=effective_data(config.data))


def widget_values(config: RunConfig) -> dict:
    """The page's widget values (by key) that show `config`."""
    data = effective_data(config.data)
    values = {KEY + name: getattr(data, name) for name in DATA_FIELDS}
    values[KEY + "n_modes"] = data.n_modes or data_defaults("ring")[0]
    values.update({KEY + name: getattr(config.model, name) for name in MODEL_FIELDS})
    values.update({KEY + name: getattr(config.train, name) for name in TRAIN_FIELDS})
    if data.points:
        values[KEY + "points"] = data.points
    return values


def config_from_values(values: Mapping, base: RunConfig) -> RunConfig:
    """The config the widgets describe; settings without a widget come from `base`.
    Raises ConfigError (a ValueError) with a message for a person."""
    name = values[KEY + "name"]
    n_modes = int(values[KEY + "n_modes"]) if name in MODE_DATASETS else None
    if name == "grid" and math.isqrt(n_modes) ** 2 != n_modes:
        raise ConfigError(f"a grid needs a square number of modes (4, 9, 16, ...), got {n_modes}")
    points = tuple(values.get(KEY + "points") or DEFAULT_POINTS) if name == "points" else ()
    data = DataConfig(name=name, n_modes=n_modes, radius=float(values[KEY + "radius"]),
                      std=float(values[KEY + "std"]), points=points)
    model = {field: values[KEY + field] for field in MODEL_FIELDS}
    train = {field: values[KEY + field] for field in TRAIN_FIELDS}
    for field in ("d_lr", "g_lr", "ema"):
        train[field] = float(train[field])
    for field in ("d_steps", "g_steps", "batch_size", "seed", "iterations"):
        train[field] = int(train[field])
    for field in ("noise_dim", "g_layers", "g_width", "d_layers", "d_width"):
        model[field] = int(model[field])
    return dataclasses.replace(base, data=data, model=dataclasses.replace(base.model, **model),
                               train=dataclasses.replace(base.train, **train))


def changed_settings(old: RunConfig, new: RunConfig) -> list[str]:
    """Names ("train.g_lr") of the settings that differ, defaults filled in on both sides."""
    old, new = normalise(old), normalise(new)
    changed = []
    for section in ("data", "model", "train"):
        a, b = getattr(old, section), getattr(new, section)
        changed += [f"{section}.{f.name}" for f in dataclasses.fields(a) if getattr(a, f.name) != getattr(b, f.name)]
    return changed


def needs_reset(changed: list[str]) -> list[str]:
    """The changed settings a running trainer cannot take."""
    return [name for name in changed if not (name.startswith("train.") and name[6:] in LIVE_TRAIN_FIELDS)]


def parse_points_upload(content: bytes) -> tuple[tuple[float, float], ...]:
    """Points from an uploaded CSV file (two numeric columns, optional header).
    Raises ValueError with a message that names the problem."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError("the file is not a text CSV file (it is not UTF-8 text)") from None
    return read_points_csv(text)


def readable(setting: str) -> str:
    """ "train.g_lr" -> "generator learning rate" for messages."""
    return SETTING_LABELS.get(setting.split(".", 1)[1], setting.split(".", 1)[1].replace("_", " "))


SETTING_LABELS = {
    "name": "data set", "n_modes": "number of modes", "radius": "radius / spacing", "std": "mode std",
    "points": "uploaded points", "noise_dim": "noise dimension", "noise_prior": "noise prior",
    "g_layers": "generator layers", "g_width": "generator width", "d_layers": "discriminator layers",
    "d_width": "discriminator width", "activation": "activation", "d_optimizer": "discriminator optimizer",
    "g_optimizer": "generator optimizer", "batch_size": "batch size", "seed": "seed", "ema": "generator EMA",
    "lr_decay": "learning-rate decay", "iterations": "decay length", "d_lr": "discriminator learning rate",
    "g_lr": "generator learning rate", "d_steps": "k", "g_steps": "m", "loss": "loss",
}
