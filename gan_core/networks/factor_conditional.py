"""A DCGAN conditioned on the faces' factor vector (words to faces, issue 26).

Generator: the code z and the factor vector c (gan_core.data.faces.factor_vector) joined, then
the DCGAN generator. Discriminator: the DCGAN discriminator's body to a feature vector h, and the
projection discriminator's head (Miyato & Koyama 2018): logit = w.h + <E c, h>, so D's verdict is
"real" and "matches c" at once; a fake with the wrong hair colour is caught by the inner product.
"""

from __future__ import annotations

import dataclasses

import torch
from torch import nn

from ..config import ModelConfig
from ..data.faces import FACTOR_VECTOR_SIZE
from .dcgan import DCGANDiscriminator, DCGANGenerator

FEATURES = 128  # D's feature vector


class FactorGenerator(nn.Module):
    """(z (B, noise_dim), conditions (B, FACTOR_VECTOR_SIZE)) -> images (B, 3, H, W)."""

    def __init__(self, config: ModelConfig, sample_shape: tuple[int, ...]):
        super().__init__()
        self.body = DCGANGenerator(
            dataclasses.replace(config, noise_dim=config.noise_dim + FACTOR_VECTOR_SIZE), sample_shape
        )

    def forward(self, z: torch.Tensor, conditions: torch.Tensor | None = None) -> torch.Tensor:
        if conditions is None:
            raise ValueError("the words-to-faces generator needs the factors of every face")
        return self.body(torch.cat([z, conditions.to(z.dtype)], dim=1))


class ProjectionDiscriminator(nn.Module):
    """(images (B, 3, H, W), conditions (B, FACTOR_VECTOR_SIZE)) -> (B,) logits."""

    def __init__(self, config: ModelConfig, sample_shape: tuple[int, ...]):
        super().__init__()
        self.body = DCGANDiscriminator(config, sample_shape, norm="batch", out_features=FEATURES)
        self.activation = nn.LeakyReLU(0.2)
        self.head = nn.Linear(FEATURES, 1)
        self.embed = nn.Linear(FACTOR_VECTOR_SIZE, FEATURES, bias=False)
        nn.init.normal_(self.embed.weight, 0.0, 0.02)
        self.factor_head = nn.Linear(FEATURES, FACTOR_VECTOR_SIZE)  # AC-GAN's: the factors D reads in x

    def forward(
        self, x: torch.Tensor, conditions: torch.Tensor | None = None, with_factors: bool = False
    ) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor]:
        """The logits; with `with_factors`, also D's reading of each image's factor vector (the
        continuous entries as values, each discrete factor as logits over its levels)."""
        if conditions is None:
            raise ValueError("the words-to-faces discriminator needs the factors of every face")
        h = self.activation(self.body(x))
        logits = self.head(h).squeeze(1) + (self.embed(conditions.to(h.dtype)) * h).sum(1)
        return (logits, self.factor_head(h)) if with_factors else logits
