"""Image-to-image objectives (issue 26): pix2pix, a sketch to a face, and CycleGAN, dark hair to
blue hair without pairs. Neither draws noise: a generator maps an image to an image.

Pix2pix (Isola et al. 2017): a U-Net G from the face's sketch (gan_core.data.face_pairs) to the
face, and a PatchGAN D that sees the sketch beside a face. G's loss is
adversarial_weight * GAN(D(sketch, G(sketch))) + l1_weight * |G(sketch) - face|; the page trains
it three ways on the same batches: L1 only (adversarial_weight 0: no D is trained), GAN only
(l1_weight 0), both (the paper's lambda 100).

CycleGAN (Zhu et al. 2017): G from dark-haired faces to blue-haired ones, F back, a PatchGAN D
per domain, least-squares GAN losses, and cycle_weight * (|F(G(a)) - a| + |G(F(b)) - b|); an
identity term, 0.5 * cycle_weight * (|G(b) - b| + |F(a) - a|), as the authors' code adds to keep
colours it need not change. With cycle_weight 0 both go, and nothing ties G's output to its input
but the architecture.

Each iteration draws one batch and the discriminator's and the generator's updates share it.
Left out for the CPU's sake: pix2pix's dropout as G's noise (a sketch has one face here) and
CycleGAN's pool of 50 earlier fakes shown to D (Shrivastava et al. 2017).
"""

from __future__ import annotations

import torch

from ..data.face_pairs import domain_faces, face_sketch, sketch_to_input
from ..networks.translation import PatchDiscriminator, ResNetGenerator, UNet
from . import losses
from .base import Objective, UpdateGroup

IDENTITY_SHARE = 0.5  # CycleGAN's identity weight, as a share of the cycle weight (the authors' default)


class TranslationObjective(Objective):
    """What pix2pix and CycleGAN share: two update groups, one batch per iteration, no noise."""

    live_fields = ("d_lr", "g_lr", "iterations", "lr_decay_iterations", "instance_noise_iterations")
    batch_keys: tuple[str, ...] = ()

    def __init__(self, config, sources):
        super().__init__(config, sources)
        self._batch_iteration: int | None = None
        self._batch: dict[str, torch.Tensor] = {}

    def update_groups(self) -> tuple[UpdateGroup, ...]:
        train = self.config.train
        return (
            UpdateGroup("discriminator", "D", "discriminator", "d_loss", train.d_optimizer, train.d_lr,
                        self.extra_discriminators),
            UpdateGroup("generator", "G", "generator", "g_loss", train.g_optimizer, train.g_lr, self.extra_generators),
        )  # fmt: skip

    extra_discriminators: tuple[str, ...] = ()
    extra_generators: tuple[str, ...] = ()

    def schedule(self) -> tuple[tuple[str, int], ...]:
        train = self.config.train
        adversarial = train.adversarial_weight > 0
        return (("discriminator", train.d_steps if adversarial else 0), ("generator", train.g_steps))

    def batch(self, iteration: int) -> dict[str, torch.Tensor]:
        """This iteration's batch, drawn on its first use."""
        if self._batch_iteration != iteration:
            self._batch = {
                k: v.to(self.sources.device) for k, v in self.draw_batch(self.config.train.batch_size).items()
            }
            self._batch_iteration = iteration
        return self._batch

    def draw_batch(self, n: int) -> dict[str, torch.Tensor]:
        raise NotImplementedError

    def loss(self, group: str, iteration: int, batches: dict | None = None) -> torch.Tensor:
        batch = self.batch(iteration)
        return self.discriminator_loss(batch) if group == "discriminator" else self.generator_loss(batch)

    def gan_d(self, discriminator, real: torch.Tensor, fake: torch.Tensor, condition=None) -> torch.Tensor:
        r, f = discriminator(real, condition), discriminator(fake.detach(), condition)
        return losses.DISCRIMINATOR_LOSSES[self.config.train.loss](r, f)

    def gan_g(self, discriminator, fake: torch.Tensor, condition=None) -> torch.Tensor:
        discriminator.requires_grad_(False)
        try:
            return losses.GENERATOR_LOSSES[self.config.train.loss](discriminator(fake, condition))
        finally:
            discriminator.requires_grad_(True)

    def sample(self, n, rng, label=None, generator=None):
        raise ValueError(f"{self.config.model.model_kind} translates images; it does not sample from noise")

    def divergence_advice(self) -> str:
        train = self.config.train
        return f"Try lower learning rates (now D {train.d_lr:g}, G {train.g_lr:g})."


class Pix2PixObjective(TranslationObjective):
    term_names = ("l1", "adversarial")

    def __init__(self, config, sources):
        super().__init__(config, sources)
        model = config.model
        self.generator = UNet(1, 3, model.g_width).to(sources.device)
        self.discriminator = PatchDiscriminator(3, model.d_width, condition_channels=1).to(sources.device)

    def draw_batch(self, n: int) -> dict[str, torch.Tensor]:
        faces, _ = self.sources.data.sample_batch(n, self.sources.data_rng)
        return {"sketch": sketch_to_input(face_sketch(faces)), "face": faces}

    def translate(self, sketches: torch.Tensor, generator=None) -> torch.Tensor:
        """Sketches as the network reads them ([-1, 1]) -> faces."""
        return (self.generator if generator is None else generator)(sketches.to(self.sources.device))

    def discriminator_loss(self, batch) -> torch.Tensor:
        with torch.no_grad():
            fake = self.generator(batch["sketch"])
        return self.gan_d(self.discriminator, batch["face"], fake, batch["sketch"])

    def generator_loss(self, batch) -> torch.Tensor:
        train = self.config.train
        fake = self.generator(batch["sketch"])
        l1 = losses.pixel_l1(fake, batch["face"])
        adversarial = self.gan_g(self.discriminator, fake, batch["sketch"]) if train.adversarial_weight > 0 else l1 * 0
        self.terms = {"l1": l1.detach(), "adversarial": adversarial.detach()}
        return train.adversarial_weight * adversarial + train.l1_weight * l1


class CycleGANObjective(TranslationObjective):
    """generator: dark -> blue (G); generator_back: blue -> dark (F); discriminator judges blue-haired
    faces, discriminator_back dark-haired ones."""

    term_names = ("cycle", "adversarial")
    extra_discriminators = ("discriminator_back",)
    extra_generators = ("generator_back",)
    domains = ("dark", "blue")

    def __init__(self, config, sources):
        super().__init__(config, sources)
        model = config.model
        self.generator = ResNetGenerator(3, model.g_width).to(sources.device)
        self.generator_back = ResNetGenerator(3, model.g_width).to(sources.device)
        self.discriminator = PatchDiscriminator(3, model.d_width).to(sources.device)
        self.discriminator_back = PatchDiscriminator(3, model.d_width).to(sources.device)

    def draw_batch(self, n: int) -> dict[str, torch.Tensor]:
        size, rng = self.config.data.image_size, self.sources.data_rng
        return {"a": domain_faces(n, rng, "dark", size)[0], "b": domain_faces(n, rng, "blue", size)[0]}

    def translate(self, images: torch.Tensor, backward: bool = False) -> torch.Tensor:
        """Dark-haired faces to blue-haired ones (backward: blue to dark)."""
        return (self.generator_back if backward else self.generator)(images.to(self.sources.device))

    def discriminator_loss(self, batch) -> torch.Tensor:
        with torch.no_grad():
            fake_b, fake_a = self.generator(batch["a"]), self.generator_back(batch["b"])
        return self.gan_d(self.discriminator, batch["b"], fake_b) + self.gan_d(
            self.discriminator_back, batch["a"], fake_a
        )

    def generator_loss(self, batch) -> torch.Tensor:
        train = self.config.train
        a, b = batch["a"], batch["b"]
        fake_b, fake_a = self.generator(a), self.generator_back(b)
        adversarial = self.gan_g(self.discriminator, fake_b) + self.gan_g(self.discriminator_back, fake_a)
        total = train.adversarial_weight * adversarial
        if train.cycle_weight > 0:
            cycle = losses.cycle_consistency(self.generator_back(fake_b), a, self.generator(fake_a), b)
            identity = losses.pixel_l1(self.generator(b), b) + losses.pixel_l1(self.generator_back(a), a)
            total = total + train.cycle_weight * (cycle + IDENTITY_SHARE * identity)
        else:
            with torch.no_grad():  # shown, not trained: how far a round trip lands from the input
                cycle = losses.cycle_consistency(self.generator_back(fake_b), a, self.generator(fake_a), b)
        self.terms = {"cycle": cycle.detach(), "adversarial": adversarial.detach()}
        return total
