"""What a comparison varies: one setting over up to 8 values ("loss=nsgan,minimax,wgan_gp"), or up
to 8 presets. Turns a person's choice into one RunConfig per variant, named after what differs.

The CLI's `compare --vary` and the 2D lab's Compare mode both go through here, so a value is
read the same way in both (gan_core.config.coerce_setting) and a bad one is refused with a
sentence naming it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..config import SETTING_LABELS as CONFIG_LABELS
from ..config import ConfigError, JsonConfig, RunConfig, check_kind, coerce_setting
from ..presets import PRESETS, get_preset
from .compare_trainer import MAX_VARIANTS

# What a person may vary, by the name they use -> the config fields it sets (section, field).
VARIABLE_SETTINGS: dict[str, tuple[tuple[str, str], ...]] = {
    "loss": (("train", "loss"),),
    "k": (("train", "d_steps"),),
    "m": (("train", "g_steps"),),
    "km": (("train", "d_steps"), ("train", "g_steps")),  # "5:1": k = 5, m = 1
    "lr": (("train", "d_lr"), ("train", "g_lr")),
    "d_lr": (("train", "d_lr"),),
    "g_lr": (("train", "g_lr"),),
    "optimizer": (("train", "d_optimizer"), ("train", "g_optimizer")),
    "d_optimizer": (("train", "d_optimizer"),),
    "g_optimizer": (("train", "g_optimizer"),),
    "beta1": (("train", "beta1"),),
    "gp_weight": (("train", "gp_weight"),),
    "r1_gamma": (("train", "r1_gamma"),),
    "clip": (("train", "clip"),),
    "label_smoothing": (("train", "label_smoothing"),),
    "ema": (("train", "ema"),),
    "seed": (("train", "seed"),),
    "g_width": (("model", "g_width"),),
    "d_width": (("model", "d_width"),),
    "g_layers": (("model", "g_layers"),),
    "d_layers": (("model", "d_layers"),),
    "noise_dim": (("model", "noise_dim"),),
    "cure": (),  # a cure for mode collapse: several settings at once, from CURES
}
# The cures for mode collapse that Compare can put side by side (the Compare preset
# "collapse-and-cures"), each what it changes in the collapsing setting. Only those measured to
# cure it on ring-collapse are here (bench/collapse_presets.py; docs/presets.md lists each cure's
# modes per seed, and those that did not cure it).
CURES: dict[str, tuple[str, dict[str, dict]]] = {
    "none": ("the collapsing setting as it is", {}),
    "pacgan-2": ("PacGAN (Lin et al. 2018): D judges 2 samples at once", {"model": {"pack": 2}}),
    "pacgan-4": ("PacGAN: D judges 4 samples at once", {"model": {"pack": 4}}),
    "faster-d": ("the rates swapped: D at 1e-3, G at 1e-4 (a partial cure)", {"train": {"g_lr": 1e-4, "d_lr": 1e-3}}),
}
# What the Vary box offers: the settings one variant can differ in, in words (a config field's from
# the one table, gan_core.config.SETTING_LABELS; those that move two fields together here).
TOGETHER = {
    "k": "d_steps",
    "m": "g_steps",
    "km": "k:m together",
    "lr": "both learning rates",
    "optimizer": "both optimisers",
    "cure": "cure for mode collapse",
}
SETTING_LABELS = {
    name: CONFIG_LABELS.get(TOGETHER.get(name, name), TOGETHER.get(name, name)) for name in VARIABLE_SETTINGS
}
# Values offered first on the page for a setting, e.g. the losses GAN Lab offers and WGAN-GP.
SUGGESTED_VALUES = {
    "loss": "nsgan, minimax, lsgan, wgan_gp",
    "km": "1:1, 5:1, 1:5",
    "k": "1, 5",
    "lr": "0.0001, 0.001, 0.01",
    "d_lr": "0.0001, 0.001, 0.01",
    "g_lr": "0.0001, 0.001, 0.01",
    "optimizer": "adam, sgd, momentum, rmsprop",
    "beta1": "0, 0.5, 0.9",
    "seed": "0, 1, 2, 3",
    "gp_weight": "0.1, 1, 10",
    "r1_gamma": "0, 0.1, 1",
    "m": "1, 3",
    "d_optimizer": "adam, sgd, rmsprop",
    "g_optimizer": "adam, sgd, rmsprop",
    "clip": "0.01, 0.1",
    "label_smoothing": "0, 0.1, 0.2",
    "ema": "0, 0.99, 0.999",
    "g_width": "32, 64, 128",
    "d_width": "32, 64, 128",
    "g_layers": "1, 2, 3",
    "d_layers": "1, 2, 3",
    "noise_dim": "1, 2, 8",
    "cure": ", ".join(CURES),
}


def _check_count(count: int) -> None:
    if not 1 <= count <= MAX_VARIANTS:
        raise ConfigError(f"compare 1 to {MAX_VARIANTS} variants, got {count}")


def split_values(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def parse_vary(spec: str) -> tuple[str, list[str]]:
    """ "loss=nsgan,minimax" -> ("loss", ["nsgan", "minimax"])."""
    setting, equals, values = spec.partition("=")
    setting = setting.strip().replace("-", "_")
    if not equals or not values.strip():
        raise ConfigError(f"--vary takes SETTING=VALUE,VALUE,... (e.g. loss=nsgan,minimax), got {spec!r}")
    return setting, split_values(values)


def vary_configs(base: RunConfig, setting: str, values: list[str]) -> dict[str, RunConfig]:
    """One config per value of `setting`, everything else as in `base`; named "setting=value"."""
    if setting not in VARIABLE_SETTINGS:
        raise ConfigError(f"cannot vary {setting!r}; choose one of {', '.join(VARIABLE_SETTINGS)}")
    _check_count(len(values))
    if len(set(values)) != len(values):
        raise ConfigError(f"each value of {setting} once, got {', '.join(values)}")
    if setting == "cure":
        return {f"cure={raw}": base.replace(**cure_changes(raw)) for raw in values}
    fields = VARIABLE_SETTINGS[setting]
    configs = {}
    for raw in values:
        parts = raw.split(":") if setting == "km" else [raw] * len(fields)
        if len(parts) != len(fields):
            raise ConfigError(f"km values are k:m pairs such as 5:1, got {raw!r}")
        changes: dict[str, dict] = {}
        try:
            for (section, name), part in zip(fields, parts):
                changes.setdefault(section, {})[name] = coerce_setting(section, name, part)
            config = base.replace(**changes)
        except ConfigError as error:
            raise ConfigError(f"{setting}={raw}: {error}") from None
        configs[f"{setting}={raw}"] = config
    return configs


def cure_changes(name: str) -> dict[str, dict]:
    if name not in CURES:
        raise ConfigError(f"cure={name}: not a cure; the cures are {', '.join(CURES)}")
    return CURES[name][1]


def preset_configs(names: list[str], overrides: dict | None = None) -> dict[str, RunConfig]:
    """One config per preset name (a 2D/1D preset), each with `overrides` ({section: {field:
    value}}) applied."""
    _check_count(len(names))
    if len(set(names)) != len(names):
        raise ConfigError(f"each preset once, got {', '.join(names)}")
    configs = {}
    for name in names:
        if name not in PRESETS:
            raise ConfigError(f"unknown preset {name!r}; known: {', '.join(PRESETS)}")
        config = get_preset(name).replace(**(overrides or {}))
        check_kind(config, "toy", f"the preset {name}")
        configs[name] = config
    return configs


@dataclass(frozen=True)
class CompareConfig(JsonConfig):
    """What Compare mode trains: the base run (the lab's settings) and either one setting with
    its values or a list of presets. Frozen, round-trips through JSON (it crosses the pipe to the
    training process)."""

    NAME = "compare"

    base: RunConfig = field(default_factory=RunConfig)
    setting: str = "loss"
    values: tuple[str, ...] = ("nsgan", "minimax")
    presets: tuple[str, ...] = ()  # when given: compare these presets instead

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", tuple(str(v) for v in self.values))
        object.__setattr__(self, "presets", tuple(str(p) for p in self.presets))
        self.configs()  # refuse a bad value now, with its sentence

    @property
    def kind(self) -> str:
        return "toy"  # Compare mode lives in the 2D lab

    def configs(self) -> dict[str, RunConfig]:
        if self.presets:
            return preset_configs(list(self.presets))
        return vary_configs(self.base, self.setting, list(self.values))

    @classmethod
    def from_vary(cls, base: RunConfig, spec: str) -> CompareConfig:
        """From a --vary spec or a link's ?vary= ("km=1:1,5:1")."""
        setting, values = parse_vary(spec)
        return cls(base=base, setting=setting, values=tuple(values))

    @property
    def vary_spec(self) -> str | None:
        """The --vary spec of this comparison (None for presets): what a link carries."""
        return None if self.presets else f"{self.setting}={','.join(self.values)}"

    def to_dict(self) -> dict:
        return {"base": self.base.to_dict(), "setting": self.setting, "values": self.values, "presets": self.presets}

    @classmethod
    def from_dict(cls, raw: dict) -> CompareConfig:
        if not isinstance(raw, dict) or set(raw) - {"base", "setting", "values", "presets"}:
            raise ConfigError("a compare config is an object with base, setting, values and presets")
        return cls(
            base=RunConfig.from_dict(raw.get("base", {})),
            setting=raw.get("setting", "loss"),
            values=tuple(raw.get("values", ())),
            presets=tuple(raw.get("presets", ())),
        )


@dataclass(frozen=True)
class ComparePreset:
    """A known-good comparison: a preset as the base and what to vary on it."""

    shows: str  # one line on what a person sees (the 2D lab's Preset box says it)
    base: str  # a 2D preset's name
    vary: str  # a --vary spec

    def config(self) -> CompareConfig:
        return CompareConfig.from_vary(get_preset(self.base), self.vary)


# Comparisons a teacher opens with two clicks: the 2D lab's Preset box lists them ("(Compare)"),
# the CLI's `compare --preset NAME` trains them.
COMPARE_PRESETS: dict[str, ComparePreset] = {
    "collapse-and-cures": ComparePreset(
        "Mode collapse beside its cures: the collapsing run, then each cure on the same batches.",
        "ring-collapse",
        "cure=" + ",".join(CURES),
    ),
}
