"""A GAN, a VAE and a plain auto-encoder trained on the same data with the same generator /
decoder network, for the same number of iterations, stepped in turn (GAN vs VAE, issue 12).

`GanVsVaeConfig` is what a person chooses (data, architecture, code size, one to three network
widths, iterations, seed, the VAE's beta); `member_configs` turns it into one RunConfig per model
and width. The networks and the run length are the same for every member; each kind keeps its
own known-good training settings (the ring / digits presets: a GAN's two Adam optimisers, a VAE's
single one), and no member keeps a weight average, so every sample comes from the network being
trained. `GanVsVae` holds the members' trainers and steps each one iteration per iteration,
timing each member's own share.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from ..config import (
    TOY_DATASETS,
    DataConfig,
    JsonConfig,
    ModelConfig,
    RunConfig,
    TrainConfig,
    _check,
    _check_choice,
    _check_range,
)
from .side_by_side import ConfiguredSideBySide, load_members, save_members

COMPARED_KINDS = ("gan", "vae", "ae")
# A beta-VAE (Higgins et al. 2017): a VAE whose KL term weighs beta > 1, switched on as a fourth member.
BETA_VAE = "beta_vae"
KIND_LABELS = {"gan": "GAN", "vae": "VAE", "ae": "AE", BETA_VAE: "β-VAE"}
IMAGE_DATA = ("digits", "faces")
GAN_VS_VAE_DATASETS = tuple(name for name in TOY_DATASETS if name not in ("points", "mixture1d")) + IMAGE_DATA
GAN_VS_VAE_ARCHITECTURES = ("mlp", "dcgan")  # images; 2D data always uses the MLP
MAX_WIDTHS = 3


@dataclass(frozen=True)
class GanVsVaeConfig(JsonConfig):
    NAME = "GAN vs VAE"
    data: str = "ring"
    architecture: str = "mlp"  # images only: "mlp" (digits-mlp's networks) or "dcgan" (digits-dcgan's)
    code_size: int = 2  # the GAN's noise size = the VAE's / AE's code size
    widths: tuple[int, ...] = (128,)  # hidden width of every network, one comparison per width
    iterations: int = 5_000
    seed: int = 0
    beta: float = 1.0  # the VAE's KL weight
    beta_vae: float = 0.0  # > 0 adds a beta-VAE member with this KL weight (0: none)
    shipped: bool = False  # start from the trained members shipped in checkpoints/ (setups that have them)

    def __post_init__(self) -> None:
        object.__setattr__(self, "widths", tuple(int(w) for w in self.widths))
        _check_choice("data", self.data, GAN_VS_VAE_DATASETS)
        _check_choice("architecture", self.architecture, GAN_VS_VAE_ARCHITECTURES)
        _check_range("code size", self.code_size, 1, 256)
        _check(1 <= len(self.widths) <= MAX_WIDTHS, f"choose 1 to {MAX_WIDTHS} network widths, got {len(self.widths)}")
        _check(len(set(self.widths)) == len(self.widths), f"each width once, got {list(self.widths)}")
        for width in self.widths:
            _check_range("network width", width, 4, 1024)
        _check_range("iterations", self.iterations, 1, 1_000_000)
        _check_range("seed", self.seed, 0, 2**31 - 1)
        _check(self.beta >= 0, f"beta must be >= 0, got {self.beta}")
        _check(0 <= self.beta_vae <= 100, f"the beta-VAE's beta must be between 0 (off) and 100, got {self.beta_vae}")

    @property
    def kind(self) -> str:
        """ "image" or "toy", like a RunConfig's."""
        return "image" if self.data in IMAGE_DATA else "toy"

    @property
    def kinds(self) -> tuple[str, ...]:
        """The members' kinds: GAN, VAE, AE, and the beta-VAE when it is on."""
        return COMPARED_KINDS + ((BETA_VAE,) if self.beta_vae > 0 else ())

    def replace(self, **changes) -> GanVsVaeConfig:
        return dataclasses.replace(self, **changes)


# ----- known-good comparisons (the page's presets): name -> (description, config) -----------------
GAN_VS_VAE_PRESETS: dict[str, tuple[str, GanVsVaeConfig]] = {
    "ring": (
        "8 Gaussians on a ring, 2-d codes, width 128: the three distributions and both code spaces.",
        GanVsVaeConfig(data="ring", code_size=2, widths=(128,), iterations=5_000),
    ),
    "digits, 2-d code": (
        "The 8x8 digits with a 2-d code (Kingma & Welling's manifold of digits), MLP width 256.",
        GanVsVaeConfig(data="digits", code_size=2, widths=(256,), iterations=6_000),
    ),
    "digits, 16-d code": (
        "The 8x8 digits with a 16-d code: better samples; the code views use its first two principal axes.",
        GanVsVaeConfig(data="digits", code_size=16, widths=(256,), iterations=6_000),
    ),
    "digits, widths 64 and 256": (
        "Network size: the digits comparison at widths 64 and 256 (does a VAE need a bigger network?).",
        GanVsVaeConfig(data="digits", code_size=16, widths=(64, 256), iterations=6_000),
    ),
    "grid, widths 32 and 128": (
        "Network size on 25 Gaussians: widths 32 and 128.",
        GanVsVaeConfig(data="grid", code_size=2, widths=(32, 128), iterations=8_000),
    ),
    "digits, DCGAN": (
        "The digits-dcgan networks at width 32 (slower: about 25 iterations a second on one CPU core).",
        GanVsVaeConfig(data="digits", architecture="dcgan", code_size=16, widths=(32,), iterations=3_000),
    ),
    "faces": (
        "The 32x32 faces with the faces-dcgan networks (width 32, 16-d code), and a beta-VAE (beta 4) as a "
        "fourth model: whose faces are sharp, whose are blurred, which keep every factor's spread.",
        GanVsVaeConfig(
            data="faces", architecture="dcgan", code_size=16, widths=(32,), iterations=3_000, beta_vae=4.0, shipped=True
        ),
    ),
}


def member_name(kind: str, width: int, config: GanVsVaeConfig) -> str:
    """ "GAN", or "GAN · 64" when the comparison runs at several widths."""
    return KIND_LABELS[kind] if len(config.widths) == 1 else f"{KIND_LABELS[kind]} · {width}"


def _toy_member(kind: str, width: int, config: GanVsVaeConfig) -> RunConfig:
    """The ring presets' networks (3 hidden layers) at `width`: nsgan with two Adam optimisers for
    the GAN, a Gaussian decoder of std 0.1 and Adam 1e-3 for the VAE and the AE (ring-vae)."""
    model = ModelConfig(
        model_kind=kind, noise_dim=config.code_size, noise_prior="normal", g_layers=3, g_width=width,
        d_layers=3, d_width=width, likelihood="gaussian", decoder_std=0.1,
    )  # fmt: skip
    if kind == "gan":
        train = TrainConfig(loss="nsgan", d_lr=1e-3, g_lr=1e-3, batch_size=256)
    else:
        model = dataclasses.replace(model, model_kind="vae" if kind == BETA_VAE else kind)
        train = TrainConfig(g_lr=1e-3, batch_size=256, beta=config.beta_vae if kind == BETA_VAE else config.beta)
    return RunConfig(data=DataConfig(name=config.data), model=model, train=train)


def _image_member(kind: str, width: int, config: GanVsVaeConfig) -> RunConfig:
    """The digits-dcgan or digits-mlp networks at `width` (faces: faces-dcgan's, batches of 64);
    the DCGAN with its preset's optimisers, the MLP GAN with Adam 1e-3 on batches of 128, the VAE
    / AE with a Bernoulli decoder and Adam 1e-3 on batches of 128 (digits-vae, digits-ae)."""
    faces = config.data == "faces"
    data = DataConfig(name="faces", image_size=32) if faces else DataConfig(name="digits", image_size=8)
    if config.architecture == "dcgan" and faces:
        model = ModelConfig(architecture="dcgan", g_width=width, d_width=width)
        gan_train = TrainConfig(loss="nsgan", d_lr=5e-4, g_lr=5e-4, batch_size=64)
    elif config.architecture == "dcgan":
        model = ModelConfig(architecture="dcgan", g_width=width, d_width=width, g_extra_layers=1)
        gan_train = TrainConfig(loss="nsgan", d_lr=2e-4, g_lr=2e-3, batch_size=128)
    else:
        model = ModelConfig(architecture="mlp", g_layers=2, g_width=width, d_layers=2, d_width=width, activation="relu")
        # Adam 1e-3 on batches of 128 like the VAE's: at 6,000 iterations it reaches FID 8.7 where the
        # digits-mlp preset's settings (5e-4, batches of 64, tuned for 20,000 iterations) reach 11.8.
        gan_train = TrainConfig(loss="nsgan", d_lr=1e-3, g_lr=1e-3, batch_size=128)
    model_kind = "vae" if kind == BETA_VAE else kind
    model = dataclasses.replace(model, model_kind=model_kind, noise_dim=config.code_size, noise_prior="normal")
    if kind == "gan":
        train = gan_train
    else:
        model = dataclasses.replace(model, likelihood="bernoulli")
        beta = config.beta_vae if kind == BETA_VAE else config.beta
        train = TrainConfig(g_lr=1e-3, batch_size=gan_train.batch_size if faces else 128, beta=beta)
    return RunConfig(data=data, model=model, train=train)


def member_configs(config: GanVsVaeConfig, device: str = "auto") -> dict[str, RunConfig]:
    """One RunConfig per model and width, named for the page ("GAN", "VAE", "AE", or with the
    width). Every member runs `iterations` with a linear learning-rate decay over them, seeded alike."""
    build = _image_member if config.kind == "image" else _toy_member
    members = {}
    for width in config.widths:
        for kind in config.kinds:
            run = build(kind, width, config)
            train = dataclasses.replace(
                run.train, iterations=config.iterations, lr_decay=True, ema=0.0, seed=config.seed, device=device
            )
            members[member_name(kind, width, config)] = dataclasses.replace(run, train=train)
    return members


class GanVsVae(ConfiguredSideBySide):
    """The members' trainers, stepped in turn: after `step()` every member has done one more
    iteration (a diverged member stops, marked, and the others go on)."""

    member_configs = staticmethod(member_configs)

    def load_shipped(self) -> None:
        load_shipped(self)

    def kind_of(self, name: str) -> str:
        """ "gan", "vae", "ae" or "beta_vae" (a VAE with its own beta)."""
        if name.startswith(KIND_LABELS[BETA_VAE]):
            return BETA_VAE
        return self.trainers[name].config.model.model_kind

    def names_of(self, kind: str) -> list[str]:
        return [name for name in self.trainers if self.kind_of(name) == kind]


# ----- trained comparisons shipped in checkpoints/, so a setup opens on trained models ------------
SHIPPED_DIR = Path(__file__).resolve().parents[2] / "checkpoints" / "gan-vs-vae"


def shipped_folder(config: GanVsVaeConfig) -> Path:
    """Where a setup's trained members live: one slim checkpoint per member and a manifest."""
    return SHIPPED_DIR / f"{config.data}-{config.architecture}-code{config.code_size}"


def save_shipped(comparison: GanVsVae, folder: Path | None = None) -> Path:
    """Write every member and a manifest (side_by_side.save_members)."""
    folder = folder or shipped_folder(comparison.config)
    return save_members(comparison, folder, comparison.config.replace(shipped=False).to_dict())


def load_shipped(comparison: GanVsVae) -> None:
    """Put the shipped trained members in place. Raises ConfigError, saying so, when this setup
    has none or they do not match it."""
    config = comparison.config

    def matches(raw: dict) -> bool:
        return GanVsVaeConfig.from_dict(raw).replace(iterations=config.iterations) == config.replace(shipped=False)

    advice = "untick 'Start from the shipped models' to train these"
    load_members(comparison, shipped_folder(config), matches, advice)
