"""The theory page's runs (issue 14): small 1D GANs, one per variant of a section, stepped side by
side in one process so that differences come from the one setting that differs.

`TheoryConfig` is what a person chooses on the page (the section, the 1D data, the seed, the
section's own values such as the k list); `section_variants` turns it into one RunConfig per
variant. Every variant of a section shares the data, the networks, the seed (so the same initial
generator and the same first batches) and the run length; only the section's subject differs:
the generator's loss (section 2), k (section 3), the judge: discriminator or critic (section 4).

`SideBySide` holds the variants' Trainers and steps each one iteration per iteration; a variant
that diverges stops and is marked, the others go on.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ..config import (
    DataConfig,
    JsonConfig,
    ModelConfig,
    RunConfig,
    TrainConfig,
    _check,
    _check_choice,
    _check_range,
)

SECTIONS = ("picture", "losses", "k", "wgan", "generate")
GENERATE_ROUNDS = 10  # section 5: rounds of the discriminator's loop before it pauses
DATA_SHAPES = {1: "one Gaussian", 2: "two Gaussians", 3: "three Gaussians"}
MAX_K_VALUES = 4

# The 1D networks: 2 hidden layers of 32 (about 1,100 weights each); ~1 ms an iteration on a CPU.
LINE_MODEL = dict(noise_dim=1, g_layers=2, g_width=32, d_layers=2, d_width=32)
# Sections 2 and 3 train G with plain SGD: Adam divides each step by the gradient's running size,
# which hides the point of both sections (how big the gradient G gets is).
PLAIN_GENERATOR = dict(g_optimizer="sgd", g_lr=0.02)


@dataclass(frozen=True)
class TheoryConfig(JsonConfig):
    NAME = "theory"
    section: str = "picture"
    n_modes: int = 1  # the 1D data: 1, 2 or 3 Gaussians
    radius: float | None = None  # None: the section's default (where the modes sit: +radius for one)
    std: float | None = None  # None: the section's default
    k_values: tuple[int, ...] = (1, 5, 20)  # section 3: discriminator steps per iteration, one run each
    seed: int = 0
    iterations: int = 2_000  # every variant pauses here (Extend goes on)

    def __post_init__(self) -> None:
        object.__setattr__(self, "k_values", tuple(int(k) for k in self.k_values))
        _check_choice("section", self.section, SECTIONS)
        _check_range("number of Gaussians", self.n_modes, 1, 3)
        if self.radius is not None:
            _check_range("where the data sits", self.radius, 0.5, 8.0)
        if self.std is not None:
            _check_range("the data's spread", self.std, 0.05, 2.0)
        _check(1 <= len(self.k_values) <= MAX_K_VALUES, f"choose 1 to {MAX_K_VALUES} values of k")
        _check(len(set(self.k_values)) == len(self.k_values), f"each k once, got {list(self.k_values)}")
        for k in self.k_values:
            _check_range("k", k, 1, 100)
        _check_range("seed", self.seed, 0, 2**31 - 1)
        _check_range("iterations", self.iterations, 1, 100_000)

    def replace(self, **changes) -> TheoryConfig:
        return dataclasses.replace(self, **changes)

    @property
    def kind(self) -> str:
        return "toy"


def section_data(config: TheoryConfig) -> DataConfig:
    """The section's 1D data. Sections 2-4 put it at x = 4, away from where an untrained generator
    puts its samples (near 0): the start the notes' arguments are about (D rejects the fakes
    easily; the two distributions do not overlap)."""
    radius, std = {"picture": (2.0, 0.5), "losses": (4.0, 0.5), "k": (4.0, 0.5), "wgan": (4.0, 0.25)}[config.section]
    return DataConfig(
        name="mixture1d",
        n_modes=config.n_modes,
        radius=config.radius if config.radius is not None else radius,
        std=config.std if config.std is not None else std,
    )


def section_variants(config: TheoryConfig) -> dict[str, RunConfig]:
    """One RunConfig per variant, by the name the page shows."""
    data = section_data(config)
    common = dict(batch_size=256, seed=config.seed, iterations=config.iterations)
    if config.section == "picture":
        model = ModelConfig(noise_prior="uniform", **LINE_MODEL)  # z on [-1, 1]: the paper's z axis
        return {"GAN": RunConfig(data=data, model=model, train=TrainConfig(loss="nsgan", **common))}
    model = ModelConfig(**LINE_MODEL)
    if config.section == "losses":
        return {
            name: RunConfig(
                data=data, model=model, train=TrainConfig(loss=loss, d_steps=5, **PLAIN_GENERATOR, **common)
            )
            for name, loss in (("minimax", "minimax"), ("non-saturating", "nsgan"))
        }
    if config.section == "k":
        return {
            f"k = {k}": RunConfig(
                data=data, model=model, train=TrainConfig(loss="minimax", d_steps=k, **PLAIN_GENERATOR, **common)
            )
            for k in config.k_values
        }
    # wgan: the same generator against a discriminator and two critics (the papers' optimisers;
    # the penalised critic's generator at a tenth of its rate, decaying to 0 over the run: at equal
    # rates it overshot the data and oscillated)
    return {
        "discriminator": RunConfig(data=data, model=model, train=TrainConfig(loss="nsgan", d_steps=5, **common)),
        "critic, weight clipping": RunConfig(
            data=data,
            model=model,
            train=TrainConfig(
                loss="wgan",
                d_steps=5,
                d_optimizer="rmsprop",
                g_optimizer="rmsprop",
                d_lr=1e-3,
                g_lr=1e-3,
                clip=0.1,
                **common,
            ),
        ),  # fmt: skip
        "critic, gradient penalty": RunConfig(
            data=data,
            model=model,
            train=TrainConfig(
                loss="wgan_gp",
                d_steps=5,
                beta1=0.0,
                beta2=0.9,
                gp_weight=10.0,
                gp_one_sided=True,  # the two-sided penalty held some seeds' critics at slope -1
                d_lr=1e-3,
                g_lr=1e-4,
                lr_decay=True,
                **common,
            ),  # fmt: skip
        ),
    }
