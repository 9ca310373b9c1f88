"""Words to faces (issue 26): a conditional GAN whose condition is the faces' whole factor vector
(gan_core.networks.factor_conditional). Real faces come with the factors they were drawn from;
generated ones are asked for factors drawn from the same distribution, so the discriminator
learns "a real face with these factors" and the generator draws any factors it is given. A
phrase (gan_core.data.face_words) then fixes some factors and leaves the rest to their
distribution. Everything else is the GAN objective's (losses, regularisers, schedule).

With `factor_weight` > 0, D also reads the factors of each image (trained on real faces) and G is
held to the factors it was asked for as D reads them (the auxiliary classifier of AC-GAN, Odena
et al. 2017): small features (a two-pixel eye colour, the mouth's curve) that a projection alone
leaves loose are then drawn so that they can be read."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ..data.faces import FACTORS, draw_faces, factor_vector, sample_factors
from ..networks import sample_noise
from . import losses
from .gan import GANObjective


def factor_reading_loss(predicted: torch.Tensor, vector: torch.Tensor) -> torch.Tensor:
    """How far a reading of the factor vector is from `vector` (both (n, FACTOR_VECTOR_SIZE)):
    squared error on each continuous entry, cross-entropy over each discrete factor's levels,
    summed over factors, averaged over images."""
    total, column = predicted.new_zeros(()), 0
    for factor in FACTORS:
        width = factor.levels or 1
        guess, truth = predicted[:, column : column + width], vector[:, column : column + width]
        if factor.levels:
            total = total + F.cross_entropy(guess, truth.argmax(1))
        else:
            total = total + F.mse_loss(guess, truth)
        column += width
    return total


class FactorCGANObjective(GANObjective):
    @property
    def conditional(self) -> bool:
        return True

    def fake_labels(self, n: int) -> torch.Tensor:
        """The factor vectors generated faces are asked for, drawn as real faces' are."""
        return factor_vector(sample_factors(n, self.sources.data_rng)).to(self.sources.device)

    def real_batch(self, n: int) -> tuple[torch.Tensor, torch.Tensor]:
        factors = sample_factors(n, self.sources.data_rng)
        images = draw_faces(factors, self.config.data.image_size)
        return images.to(self.sources.device), factor_vector(factors).to(self.sources.device)

    def loss(self, group: str, iteration: int, batches: dict | None = None) -> torch.Tensor:
        batches = dict(batches or {})
        if group == "discriminator" and batches.get("real") is None:
            batches["real"] = self.real_batch(self.config.train.batch_size)
        return super().loss(group, iteration, batches)

    def discriminator_loss(self, iteration: int, real_batch=None, noise: torch.Tensor | None = None) -> torch.Tensor:
        loss = super().discriminator_loss(iteration, real_batch, noise)
        weight = self.config.train.factor_weight
        if weight > 0:
            real, vector = real_batch
            _, reading = self.discriminator(real, vector, with_factors=True)
            loss = loss + weight * factor_reading_loss(reading, vector)
        return loss

    def generator_loss(self, iteration: int, noise: torch.Tensor | None = None) -> torch.Tensor:
        train = self.config.train
        if train.factor_weight <= 0:
            return super().generator_loss(iteration, noise)
        vector = self.fake_labels(train.batch_size)
        self.discriminator.requires_grad_(False)
        try:
            z = noise if noise is not None else self.noise(train.batch_size)
            fake = self.with_instance_noise(self.generator(z, vector), iteration)
            logits, reading = self.discriminator(fake, vector, with_factors=True)
            adversarial = losses.GENERATOR_LOSSES[train.loss](logits)
            return adversarial + train.factor_weight * factor_reading_loss(reading, vector)
        finally:
            self.discriminator.requires_grad_(True)

    def sample(
        self,
        n: int,
        rng: torch.Generator,
        label: int | None = None,
        generator: nn.Module | None = None,
        factors: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """n faces of the given factors (n, F), or of factors drawn from their distribution (with
        `rng`, after the codes); returns (images, the factors asked for)."""
        if label is not None:
            raise ValueError("the words-to-faces GAN is asked for factors (a phrase), not a class label")
        model = self.config.model
        generator = self.generator if generator is None else generator
        z = sample_noise(n, model.noise_dim, model.noise_prior, rng)
        if factors is None:
            factors = sample_factors(n, rng)  # the sampler's streams are on the CPU
        device = self.sources.device
        return generator(z.to(device), factor_vector(factors).to(device)), factors
