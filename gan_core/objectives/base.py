"""What every objective offers the generic trainer, and the random sources the trainer lends it.

An objective is an nn.Module holding its networks. The trainer asks it which parameter groups
to optimise (`update_groups`), how many updates of each make one iteration (`schedule`), and for
the loss of one update of a group (`loss`); it does the backward pass and the optimiser step
itself, so every objective gets the same optimisers, learning-rate schedule, weight average,
seeding, NaN rollback and history.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import torch
from torch import nn

from ..config import RunConfig, TrainConfig
from ..networks import sample_noise


def changed_outside(live_fields: tuple[str, ...], old: TrainConfig, new: TrainConfig) -> list[str]:
    """The training settings that differ between `old` and `new` and are not in `live_fields`."""
    return [
        f.name
        for f in dataclasses.fields(TrainConfig)
        if getattr(old, f.name) != getattr(new, f.name) and f.name not in live_fields
    ]


@dataclass(frozen=True)
class UpdateGroup:
    """One kind of update: which network it trains, with which optimiser and learning rate."""

    name: str  # "discriminator": the key of its optimiser, counter and manual step
    label: str  # "D": what a page's button and counter call it
    network: str  # the attribute of the objective whose parameters this update trains
    history_key: str  # the loss column it writes ("d_loss")
    optimizer: str  # an OPTIMIZERS name
    lr: float  # the base learning rate (a schedule scales it)
    extra_networks: tuple[str, ...] = ()  # more attributes trained by the same optimiser (a VAE's encoder)


@dataclass
class RandomSources:
    """The trainer's seeded streams, lent to its objective: training data is drawn with
    `data_rng` (on the CPU, where the data lives), everything else random (noise, labels,
    penalties' mixing weights) with `noise_rng` on the training device."""

    data: object  # a data set with sample_batch(n, generator) -> (samples, labels or None)
    data_rng: torch.Generator
    noise_rng: torch.Generator
    device: torch.device

    def real_batch(self, n: int) -> tuple[torch.Tensor, torch.Tensor | None]:
        samples, labels = self.data.sample_batch(n, self.data_rng)
        samples = samples.to(self.device, non_blocking=True)
        if labels is not None:
            labels = labels.to(self.device, non_blocking=True)
        return samples, labels


class Objective(nn.Module):
    """Base of every objective; see the module docstring."""

    live_fields: tuple[str, ...] = ()  # TrainConfig fields a running trainer can take without a reset
    sampled_network: str = "generator"  # the network samples come from; the weight average follows it
    term_names: tuple[str, ...] = ()  # parts of the loss the trainer records beside it (a VAE's "recon", "kl")

    def __init__(self, config: RunConfig, sources: RandomSources):
        super().__init__()
        self.config = config
        self.sources = sources
        self.terms: dict[str, torch.Tensor] = {}  # the latest update's terms, detached, by name

    @property
    def uses_global_rng(self) -> bool:
        """True when a network draws from torch's global generator (dropout, augmentation): the
        trainer then gives it a seeded global state of its own, saved in checkpoints."""
        return any(isinstance(m, nn.Dropout) and m.p > 0 for m in self.modules())

    def update_groups(self) -> tuple[UpdateGroup, ...]:
        raise NotImplementedError

    def schedule(self) -> tuple[tuple[str, int], ...]:
        """(group name, updates) in order: one iteration."""
        raise NotImplementedError

    def loss(self, group: str, iteration: int, batches: dict | None = None) -> torch.Tensor:
        """The scalar to minimise for one update of `group`, at `iteration`. `batches` may hold
        inputs drawn beforehand (slow motion shows them first): "real" (x, labels), "noise" z;
        whatever it lacks is drawn fresh."""
        raise NotImplementedError

    def after_update(self, group: str) -> None:
        """Called after the optimiser step of `group` (e.g. weight clipping)."""

    def divergence_advice(self) -> str:
        return "Try lower learning rates or a smaller batch."

    def settings_needing_reset(self, old: TrainConfig, new: TrainConfig) -> list[str]:
        """Changed training settings this objective cannot take while running."""
        return changed_outside(self.live_fields, old, new)

    def reconfigure(self, config: RunConfig) -> None:
        """Take new live settings (already checked with settings_needing_reset)."""
        self.config = config

    # ----- sampling from the prior, shared by every model with a generator / decoder -------------
    @property
    def conditional(self) -> bool:
        return self.config.model.architecture == "conditional_mlp"

    def sample(
        self, n: int, rng: torch.Generator, label: int | None = None, generator: nn.Module | None = None
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """n samples (on the training device) of codes from the prior through the generator (a
        VAE's decoder) and, for a conditional model, the labels asked for (all `label`, or drawn
        uniformly). Codes are drawn from `rng` first, then labels."""
        model = self.config.model
        generator = getattr(self, self.sampled_network) if generator is None else generator
        z = sample_noise(n, model.noise_dim, model.noise_prior, rng)
        labels = None
        if self.conditional:
            if label is None:
                labels = torch.randint(model.n_classes, (n,), generator=rng)
            else:
                if not 0 <= label < model.n_classes:
                    raise ValueError(f"label must be between 0 and {model.n_classes - 1}, got {label}")
                labels = torch.full((n,), int(label), dtype=torch.long)
        elif label is not None:
            raise ValueError("a label needs a conditional model (architecture conditional_mlp)")
        device = self.sources.device
        samples = generator(z.to(device), None if labels is None else labels.to(device))
        return samples, labels
