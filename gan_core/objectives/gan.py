"""The GAN objective (Goodfellow et al. 2014, Algorithm 1): a generator and a discriminator, k
discriminator updates then m generator updates per iteration, the adversarial losses of
gan_core.objectives.losses, and the regularisers that act on the discriminator (WGAN weight
clipping, gradient penalty, R1, instance noise, one-sided label smoothing).

Speed, compared with a textbook loop (bench/train_speed.py): real and generated samples go
through the discriminator in one batch when it has no BatchNorm; the discriminator's weights
stop asking for gradients during generator updates.
"""

from __future__ import annotations

import torch

from ..config import RunConfig, TrainConfig
from ..networks import build_discriminator, build_generator, discriminator_norm, has_batchnorm, sample_noise
from . import losses
from .base import Objective, RandomSources, UpdateGroup, changed_outside

LIVE_FIELDS = (
    "loss",
    "d_steps",
    "g_steps",
    "d_lr",
    "g_lr",
    "clip",
    "gp_weight",
    "r1_gamma",
    "instance_noise",
    "label_smoothing",
    "lr_decay_iterations",
    "instance_noise_iterations",
    "iterations",
)


def train_settings_needing_reset(config: RunConfig, old: TrainConfig, new: TrainConfig) -> list[str]:
    """Changed training settings a running GAN cannot take: those outside LIVE_FIELDS, and a loss
    change that switches an "auto" DCGAN discriminator between BatchNorm and LayerNorm (WGAN-GP),
    which needs a new network."""
    pending = changed_outside(LIVE_FIELDS, old, new)
    if old.loss != new.loss and config.model.architecture == "dcgan":
        before = discriminator_norm(config.replace(train=dict(loss=old.loss)))
        after = discriminator_norm(config.replace(train=dict(loss=new.loss)))
        if before != after:
            pending.append("loss")
    return pending


class GANObjective(Objective):
    live_fields = LIVE_FIELDS
    sampled_network = "generator"

    def __init__(self, config: RunConfig, sources: RandomSources):
        super().__init__(config, sources)
        # Built in this order (G, then D) from the caller's seeded global generator.
        self.generator = build_generator(config).to(sources.device)
        self.discriminator = build_discriminator(config).to(sources.device)
        self._fuse_discriminator_batch = not has_batchnorm(self.discriminator)

    # ----- what the trainer asks ---------------------------------------------------------------
    def update_groups(self) -> tuple[UpdateGroup, ...]:
        train = self.config.train
        return (
            UpdateGroup("discriminator", "D", "discriminator", "d_loss", train.d_optimizer, train.d_lr),
            UpdateGroup("generator", "G", "generator", "g_loss", train.g_optimizer, train.g_lr),
        )

    def schedule(self) -> tuple[tuple[str, int], ...]:
        train = self.config.train
        return (("discriminator", train.d_steps), ("generator", train.g_steps))

    def loss(self, group: str, iteration: int, batches: dict | None = None) -> torch.Tensor:
        batches = batches or {}
        if group == "discriminator":
            return self.discriminator_loss(iteration, batches.get("real"), batches.get("noise"))
        return self.generator_loss(iteration, batches.get("noise"))

    def after_update(self, group: str) -> None:
        train = self.config.train
        if group == "discriminator" and train.loss == "wgan":  # WGAN's Lipschitz constraint
            with torch.no_grad():
                for p in self.discriminator.parameters():
                    p.clamp_(-train.clip, train.clip)

    @property
    def uses_global_rng(self) -> bool:
        return super().uses_global_rng or bool(getattr(self.discriminator, "augment", ()))

    def divergence_advice(self) -> str:
        train = self.config.train
        other_losses = [name for name in ("nsgan", "wgan_gp") if name != train.loss]
        return (
            f"Try lower learning rates (now D {train.d_lr:g}, G {train.g_lr:g}), another loss "
            f"(e.g. {' or '.join(other_losses)}) or a smaller batch."
        )

    def settings_needing_reset(self, old: TrainConfig, new: TrainConfig) -> list[str]:
        return train_settings_needing_reset(self.config, old, new)

    # ----- inputs -------------------------------------------------------------------------------
    def noise(self, n: int) -> torch.Tensor:
        model = self.config.model
        return sample_noise(n, model.noise_dim, model.noise_prior, self.sources.noise_rng, self.sources.device)

    def fake_labels(self, n: int) -> torch.Tensor | None:
        if not self.conditional:
            return None
        return torch.randint(
            self.config.model.n_classes, (n,), generator=self.sources.noise_rng, device=self.sources.device
        )

    def instance_noise_std(self, iteration: int) -> float:
        """Instance noise (Sonderby et al. 2016; Arjovsky & Bottou 2017): Gaussian noise on every
        input D sees, real and generated, so the two distributions overlap even where their
        supports do not, and D cannot learn a small data set pixel by pixel. Fades linearly to 0
        over `instance_noise_iterations` (the run's length when unset; constant for a run of no
        set length)."""
        train = self.config.train
        if train.instance_noise <= 0:
            return 0.0
        if train.noise_length <= 0:
            return train.instance_noise
        return train.instance_noise * max(0.0, 1 - iteration / train.noise_length)

    def with_instance_noise(self, x: torch.Tensor, iteration: int) -> torch.Tensor:
        std = self.instance_noise_std(iteration)
        if std <= 0:
            return x
        return x + std * torch.randn(x.shape, generator=self.sources.noise_rng, device=x.device)

    # ----- losses -------------------------------------------------------------------------------
    def discriminator_loss(self, iteration: int, real_batch=None, noise: torch.Tensor | None = None) -> torch.Tensor:
        """On a real batch and a generated batch (fresh unless given), with the configured regularisers."""
        train = self.config.train
        batch = train.batch_size
        real, real_labels = real_batch if real_batch is not None else self.sources.real_batch(batch)
        labels = self.fake_labels(batch)
        with torch.no_grad():
            fake = self.generator(noise if noise is not None else self.noise(batch), labels)
        if not self.conditional:
            real_labels = None
        real, fake = self.with_instance_noise(real, iteration), self.with_instance_noise(fake, iteration)
        if self._fuse_discriminator_batch:
            both_labels = None if labels is None else torch.cat([real_labels, labels])
            r, f = self.discriminator(torch.cat([real, fake]), both_labels).chunk(2)
        else:
            r, f = self.discriminator(real, real_labels), self.discriminator(fake, labels)
        if train.label_smoothing > 0:
            loss = losses.discriminator_bce(r, f, real_target=1 - train.label_smoothing)
        else:
            loss = losses.DISCRIMINATOR_LOSSES[train.loss](r, f)
        if train.loss == "wgan_gp" and train.gp_weight > 0:
            if self.conditional:  # the penalty's lines join a real image and a fake of the same class
                with torch.no_grad():
                    fake = self.generator(self.noise(batch), real_labels)

            def critic(x):
                return self.discriminator(x, real_labels)

            penalty = losses.gradient_penalty(critic, real, fake, self.sources.noise_rng, one_sided=train.gp_one_sided)
            loss = loss + train.gp_weight * penalty
        if train.r1_gamma > 0:
            penalty = losses.r1_penalty(lambda x: self.discriminator(x, real_labels), real)
            loss = loss + train.r1_gamma / 2 * penalty
        return loss

    def generator_loss(self, iteration: int, noise: torch.Tensor | None = None) -> torch.Tensor:
        """On a noise batch (fresh unless given), against the current discriminator (whose weights
        do not ask for gradients meanwhile: they would be thrown away)."""
        train = self.config.train
        labels = self.fake_labels(train.batch_size)
        self.discriminator.requires_grad_(False)
        try:
            z = noise if noise is not None else self.noise(train.batch_size)
            fake = self.with_instance_noise(self.generator(z, labels), iteration)
            return losses.GENERATOR_LOSSES[train.loss](self.discriminator(fake, labels))
        finally:
            self.discriminator.requires_grad_(True)
