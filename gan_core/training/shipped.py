"""The small trained runs that ship in checkpoints/, so pages that explore a trained model work
the moment they open, offline. Each is the preset of the same name trained from the command line
(`python -m gan_core train --preset NAME --out checkpoints/NAME.pt`); the README gives its scores."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..networks.classifier import CHECKPOINT_DIR


@dataclass(frozen=True)
class ShippedRun:
    preset: str  # the preset it was trained with; also its file name (and the explorer's key)
    title: str  # what a page lists it as
    file: str = ""  # where it lies under checkpoints/ when not <preset>.pt

    @property
    def path(self) -> Path:
        return CHECKPOINT_DIR / (self.file or f"{self.preset}.pt")


SHIPPED_RUNS = (
    ShippedRun("digits-dcgan", "Digits · DCGAN"),
    ShippedRun("digits-cgan", "Digits · conditional GAN"),
    ShippedRun("faces-dcgan", "Faces · DCGAN"),
    # GAN vs VAE's faces setup (one decoder, a 16-d code): its GAN, VAE and beta-VAE, whose code
    # axes the explorer scores against the faces' factors side by side.
    ShippedRun("faces-gvv-gan", "Faces · GAN (code 16, GAN vs VAE)", "gan-vs-vae/faces-dcgan-code16/gan.pt"),
    ShippedRun("faces-gvv-vae", "Faces · VAE (code 16, GAN vs VAE)", "gan-vs-vae/faces-dcgan-code16/vae.pt"),
    ShippedRun("faces-gvv-beta-vae", "Faces · β-VAE (β 4, code 16)", "gan-vs-vae/faces-dcgan-code16/beta-vae.pt"),
    ShippedRun("ring", "Ring of 8 · 2D GAN"),
    ShippedRun("grid", "Grid of 25 · 2D GAN"),
)


def shipped_run(preset: str) -> ShippedRun:
    for run in SHIPPED_RUNS:
        if run.preset == preset:
            return run
    raise KeyError(f"no shipped run {preset!r}; shipped: {', '.join(r.preset for r in SHIPPED_RUNS)}")
