"""The notes' applications, trained live side by side (issue 26): words to faces (a GAN
conditioned on the factors), a sketch to a face (pix2pix three ways: L1 only, GAN only, L1 +
GAN) and hair colour changed without pairs (CycleGAN with and without the cycle loss).

`ApplicationConfig` is what a person chooses (the application, iterations, seed, whether to start
from the shipped models); `member_configs` turns it into one RunConfig per member: the members of
an application differ only in their loss weights, share the seed (the same starting weights and
the same batches, drawn from the same data stream) and are stepped one iteration each per
iteration by `Applications`, a SideBySide.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from ..config import DataConfig, JsonConfig, ModelConfig, RunConfig, TrainConfig, _check_choice, _check_range
from .side_by_side import ConfiguredSideBySide, load_members, save_members

FACES = DataConfig(name="faces", image_size=32)


@dataclass(frozen=True)
class Application:
    title: str  # what the page's switch says
    blurb: str
    members: dict  # member name -> RunConfig (iterations and seed set by the ApplicationConfig)
    iterations: int  # the preset's length: the shipped models' and docs/applications.md's


def _words() -> RunConfig:
    return RunConfig(
        data=FACES,
        model=ModelConfig(architecture="conditional_dcgan", noise_dim=32, g_width=32, d_width=32),
        train=TrainConfig(loss="nsgan", d_lr=5e-4, g_lr=5e-4, batch_size=64, ema=0.999, factor_weight=1.0),
    )


def _pix2pix(adversarial: float, l1: float) -> RunConfig:
    return RunConfig(
        data=FACES,
        model=ModelConfig(architecture="unet", model_kind="pix2pix", g_width=16, d_width=16),
        train=TrainConfig(
            loss="nsgan", d_lr=2e-4, g_lr=2e-4, batch_size=32, adversarial_weight=adversarial, l1_weight=l1
        ),
    )


def _cyclegan(cycle: float) -> RunConfig:
    return RunConfig(
        data=FACES,
        model=ModelConfig(architecture="unet", model_kind="cyclegan", g_width=16, d_width=16),
        train=TrainConfig(loss="lsgan", d_lr=2e-4, g_lr=2e-4, batch_size=16, cycle_weight=cycle),
    )


APPLICATIONS = {
    "words": Application(
        "Words to faces",
        "A conditional GAN whose condition is every factor of the face: a phrase fixes some factors, the others are "
        "drawn as in real faces.",
        {"Words to faces": _words()},
        5_000,
    ),
    "sketch": Application(
        "A sketch to a face",
        "pix2pix (a U-Net and a patch discriminator) from a face's line drawing to the face, trained three ways on the "
        "same batches: L1 only, GAN only, L1 + GAN.",
        {"L1 only": _pix2pix(0.0, 100.0), "GAN only": _pix2pix(1.0, 0.0), "L1 + GAN": _pix2pix(1.0, 100.0)},
        3_000,
    ),
    "hair": Application(
        "Hair colour without pairs",
        "CycleGAN between dark-haired and blue-haired faces drawn independently (no face has a twin), with and "
        "without the cycle-consistency loss.",
        {"with cycle loss": _cyclegan(10.0), "without cycle loss": _cyclegan(0.0)},
        3_000,
    ),
}


@dataclass(frozen=True)
class ApplicationConfig(JsonConfig):
    NAME = "application"
    application: str = "words"
    iterations: int = 5_000
    seed: int = 0
    shipped: bool = True  # start from the trained members shipped in checkpoints/applications/

    def __post_init__(self) -> None:
        _check_choice("application", self.application, tuple(APPLICATIONS))
        _check_range("iterations", self.iterations, 1, 1_000_000)
        _check_range("seed", self.seed, 0, 2**31 - 1)

    @property
    def kind(self) -> str:
        return "image"

    def replace(self, **changes) -> ApplicationConfig:
        return dataclasses.replace(self, **changes)


def preset(application: str, shipped: bool = True) -> ApplicationConfig:
    """An application at its preset's length."""
    return ApplicationConfig(application, APPLICATIONS[application].iterations, shipped=shipped)


def member_configs(config: ApplicationConfig, device: str = "auto") -> dict[str, RunConfig]:
    """One RunConfig per member; every member runs `iterations` with a linear learning-rate
    decay over them, seeded alike."""
    members = {}
    for name, run in APPLICATIONS[config.application].members.items():
        train = dataclasses.replace(
            run.train, iterations=config.iterations, lr_decay=True, seed=config.seed, device=device
        )
        members[name] = dataclasses.replace(run, train=train)
    return members


class Applications(ConfiguredSideBySide):
    """The members of one application, stepped in turn."""

    member_configs = staticmethod(member_configs)

    def load_shipped(self) -> None:
        load_shipped(self)


SHIPPED_DIR = Path(__file__).resolve().parents[2] / "checkpoints" / "applications"


def shipped_folder(config: ApplicationConfig) -> Path:
    return SHIPPED_DIR / config.application


def save_shipped(run: Applications, folder: Path | None = None) -> Path:
    return save_members(run, folder or shipped_folder(run.config), run.config.replace(shipped=False).to_dict())


def load_shipped(run: Applications) -> None:
    config = run.config

    def matches(raw: dict) -> bool:
        shipped = ApplicationConfig.from_dict(raw)
        return shipped.replace(iterations=config.iterations) == config.replace(shipped=False)

    advice = "untick 'Start from the shipped models' to train from scratch"
    load_members(run, shipped_folder(config), matches, advice)
