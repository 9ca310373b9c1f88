"""Objectives: what a model kind trains its networks to do. Each owns its networks, their losses,
the order of their updates and `sample()`; the generic trainer (gan_core.training) runs any of
them: the GAN (gan.py) with its losses (losses.py), and the VAE and the plain auto-encoder
(autoencoder.py) with their likelihoods (likelihoods.py), and the Applications page's words-to-faces
GAN (factor_cgan.py), pix2pix and CycleGAN (translation.py)."""

from __future__ import annotations

import dataclasses

from ..config import RunConfig
from .autoencoder import AutoEncoderObjective
from .base import Objective, RandomSources, UpdateGroup, changed_outside
from .factor_cgan import FactorCGANObjective
from .gan import GANObjective, train_settings_needing_reset
from .translation import CycleGANObjective, Pix2PixObjective

__all__ = [
    "AutoEncoderObjective",
    "CycleGANObjective",
    "FactorCGANObjective",
    "Pix2PixObjective",
    "objective_class",
    "GANObjective",
    "Objective",
    "RandomSources",
    "UpdateGroup",
    "build_objective",
    "settings_needing_reset",
]


def objective_class(config: RunConfig) -> type[Objective]:
    """The objective a run config describes, by its model kind."""
    kind = config.model.model_kind
    if kind == "gan":
        return FactorCGANObjective if config.model.architecture == "conditional_dcgan" else GANObjective
    return {"pix2pix": Pix2PixObjective, "cyclegan": CycleGANObjective}.get(kind, AutoEncoderObjective)


def build_objective(config: RunConfig, sources: RandomSources) -> Objective:
    return objective_class(config)(config, sources)


def settings_needing_reset(old: RunConfig, new: RunConfig) -> list[str]:
    """The changed settings ("section.name") a running trainer of `old` cannot take: any data or
    model change, and the training settings its objective cannot take live."""
    changed = []
    for section in ("data", "model"):
        a, b = getattr(old, section), getattr(new, section)
        changed += [f"{section}.{f.name}" for f in dataclasses.fields(a) if getattr(a, f.name) != getattr(b, f.name)]
    if old.model.model_kind != "gan":
        return changed + [
            f"train.{name}" for name in changed_outside(objective_class(old).live_fields, old.train, new.train)
        ]
    return changed + [f"train.{name}" for name in train_settings_needing_reset(old, old.train, new.train)]
