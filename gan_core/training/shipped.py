"""The small trained runs that ship in checkpoints/, so pages that explore a trained model work
the moment they open, offline. Each is the preset of the same name trained from the command line
(`python -m gan_core train --preset NAME --out checkpoints/NAME.pt`); the README gives its scores."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..networks.classifier import CHECKPOINT_DIR


@dataclass(frozen=True)
class ShippedRun:
    preset: str  # the preset it was trained with; also its file name
    title: str  # what a page lists it as

    @property
    def path(self) -> Path:
        return CHECKPOINT_DIR / f"{self.preset}.pt"


SHIPPED_RUNS = (
    ShippedRun("digits-dcgan", "Digits · DCGAN"),
    ShippedRun("digits-cgan", "Digits · conditional GAN"),
    ShippedRun("faces-dcgan", "Faces · DCGAN"),
    ShippedRun("ring", "Ring of 8 · 2D GAN"),
    ShippedRun("grid", "Grid of 25 · 2D GAN"),
)


def shipped_run(preset: str) -> ShippedRun:
    for run in SHIPPED_RUNS:
        if run.preset == preset:
            return run
    raise KeyError(f"no shipped run {preset!r}; shipped: {', '.join(r.preset for r in SHIPPED_RUNS)}")
