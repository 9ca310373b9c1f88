"""Widget values <-> RunConfig for every page, without Streamlit (tests check it without a
browser). A page lists the config fields it has widgets for; a widget's key is the page's prefix
plus the field's name. Values convert through gan_core.config.coerce_setting, the same
conversion the CLI uses, and what the widgets do not show comes from the run being replaced.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from gan_core.config import SETTING_LABELS, RunConfig, coerce_setting, without_unused_settings
from gan_core.data.toy import resolved
from gan_core.objectives import settings_needing_reset


@dataclass(frozen=True)
class PageFields:
    """The config fields a page shows as widgets, by section, and its widget-key prefix."""

    prefix: str
    data: tuple[str, ...]
    model: tuple[str, ...]
    train: tuple[str, ...]

    def key(self, name: str) -> str:
        return self.prefix + name

    def sections(self):
        return (("data", self.data), ("model", self.model), ("train", self.train))


# The training settings every GAN page draws (ui.run_page.RunPage.training_widgets), and the
# optimisers it draws where the page offers them.
TRAINING_FIELDS = ("loss", "d_lr", "g_lr", "d_steps", "g_steps", "batch_size", "seed", "ema")
OPTIMIZER_FIELDS = ("d_optimizer", "g_optimizer")


def normalised(config: RunConfig) -> RunConfig:
    """A config whose equality means "trains the same": toy data defaults and the schedules'
    lengths filled in."""
    train = dataclasses.replace(
        config.train, lr_decay_iterations=config.train.decay_length, instance_noise_iterations=config.train.noise_length
    )
    data = resolved(config.data) if config.kind == "toy" else config.data
    return dataclasses.replace(config, data=data, train=train)


def widget_values(config: RunConfig, page: PageFields) -> dict:
    """The page's widget values (by key) that show `config`."""
    config = normalised(config)
    values = {}
    for section, names in page.sections():
        part = getattr(config, section)
        values.update({page.key(name): getattr(part, name) for name in names})
    return values


def config_from_widgets(values: Mapping, base: RunConfig, page: PageFields, **overrides: dict) -> RunConfig:
    """The config the widgets describe. Settings without a widget come from `base`; model
    settings the chosen architecture does not use go back to their defaults (a hidden widget's
    stale value must not count); `overrides` ({section: {field: value}}) win over both.
    Raises ConfigError (a ValueError) naming the setting at fault."""
    changes = {}
    for section, names in page.sections():
        part = {
            name: coerce_setting(section, name, values[page.key(name)]) for name in names if page.key(name) in values
        }
        part.update(overrides.get(section, {}))
        changes[section] = part
    model = dataclasses.replace(base.model, **changes.pop("model"))
    model = without_unused_settings(model)
    data = dataclasses.replace(base.data, **changes.pop("data"))
    if not data.is_image:
        data = resolved(data)
    return dataclasses.replace(base, data=data, model=model, train=dataclasses.replace(base.train, **changes["train"]))


def changed_settings(old: RunConfig, new: RunConfig) -> list[str]:
    """Names ("train.g_lr") of the settings that differ, defaults filled in on both sides."""
    old, new = normalised(old), normalised(new)
    changed = []
    for section in ("data", "model", "train"):
        a, b = getattr(old, section), getattr(new, section)
        changed += [f"{section}.{f.name}" for f in dataclasses.fields(a) if getattr(a, f.name) != getattr(b, f.name)]
    return changed


def pending_reset(old: RunConfig, new: RunConfig) -> list[str]:
    """The changed settings a running trainer cannot take: they wait for Reset."""
    return settings_needing_reset(normalised(old), normalised(new))


def readable(setting: str) -> str:
    """ "train.g_lr" -> "generator learning rate" for messages."""
    name = setting.split(".", 1)[1]
    return SETTING_LABELS.get(name, name.replace("_", " "))
