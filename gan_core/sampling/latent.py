"""A trained generator seen from its latent space: what the latent explorer slides, interpolates
and inverts. It wraps the network samples come from (the weight average with standing BatchNorm
statistics where the run keeps one: see sampler.py), frozen and in eval mode, with what a code
means for it: its size, its prior and that prior's spread.

Everything here takes explicit codes z (n, noise_dim), so the same z always gives the same
picture: a slider that returns to 0 restores the image exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn

from ..networks import sample_noise, sample_shape
from ..networks.conditional import ConditionalGenerator, one_hot
from ..networks.dcgan import DCGANGenerator
from .sampler import sampling_network

_NONLINEARITIES = (nn.ReLU, nn.LeakyReLU, nn.Tanh)


@dataclass(frozen=True, eq=False)
class LatentGenerator:
    """A frozen generator on the CPU and the facts about its code space."""

    network: nn.Module
    noise_dim: int
    prior: str  # "normal" or "uniform"
    n_classes: int | None  # a conditional generator's label count, else None
    sample_shape: tuple[int, ...]  # (C, H, W) for images, (dim,) for toy data

    @classmethod
    def from_trainer(cls, trainer) -> LatentGenerator:
        network = sampling_network(trainer).cpu().eval().requires_grad_(False)
        model = trainer.config.model
        conditional = isinstance(network, ConditionalGenerator)
        shape = sample_shape(trainer.config)
        return cls(network, model.noise_dim, model.noise_prior, model.n_classes if conditional else None, shape)

    # ----- the code space -------------------------------------------------------------------------
    @property
    def conditional(self) -> bool:
        return self.n_classes is not None

    @property
    def is_image(self) -> bool:
        return len(self.sample_shape) == 3

    @property
    def prior_std(self) -> float:
        """The spread of one code coordinate (and of a code along any unit direction):
        1 for N(0, I), 1/sqrt(3) for U[-1, 1]."""
        return 1.0 if self.prior == "normal" else 1 / math.sqrt(3)

    def codes(self, seed: int, n: int = 1) -> torch.Tensor:
        """The n codes of a seed (n, noise_dim): seed s always gives the same codes."""
        return sample_noise(n, self.noise_dim, self.prior, torch.Generator().manual_seed(int(seed)))

    def clamp(self, z: torch.Tensor) -> torch.Tensor:
        """Keep codes where the prior puts mass: [-1, 1] for a uniform prior, +-4 std otherwise."""
        bound = 1.0 if self.prior == "uniform" else 4.0
        return z.clamp(-bound, bound)

    def labels(self, label: int | None, n: int) -> torch.Tensor | None:
        if not self.conditional:
            return None
        label = 0 if label is None else int(label)
        if not 0 <= label < self.n_classes:
            raise ValueError(f"label must be between 0 and {self.n_classes - 1}, got {label}")
        return torch.full((n,), label, dtype=torch.long)

    # ----- forward ----------------------------------------------------------------------------------
    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """G(z) with gradients to z (for inversion); a conditional generator needs labels."""
        if self.conditional and labels is None:
            raise ValueError("a conditional generator needs a label per code")
        return self.network(z, labels if self.conditional else None)

    @torch.no_grad()
    def generate(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """G(z) on the CPU: (n, C, H, W) in [-1, 1] for images, (n, dim) for toy data."""
        z = torch.as_tensor(z, dtype=torch.float32).reshape(-1, self.noise_dim)
        if self.conditional and labels is None:
            labels = self.labels(0, len(z))
        return self.forward(z, labels)

    @torch.no_grad()
    def early_features(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """The generator's first hidden layer after its nonlinearity (n, features): where GANSpace
        takes its principal components for a generator without a mapping network."""
        layers = self.network.net
        if isinstance(self.network, DCGANGenerator):
            x = z.view(len(z), -1, 1, 1)
        elif isinstance(self.network, ConditionalGenerator):
            x = torch.cat([z, one_hot(labels, self.n_classes, z.dtype)], dim=1)
        else:
            x = z
        for layer in layers:
            x = layer(x)
            if isinstance(layer, _NONLINEARITIES):
                break
        return x.reshape(len(z), -1)

    def first_layer_weight(self) -> torch.Tensor:
        """The weights that read the code, as A (noise_dim, outputs): column j is how output unit j
        of the first layer reads z (a DCGAN's first transposed convolution: one column per channel
        and base-map position). SeFa factorises A A^T."""
        first = self.network.net[0]
        weight = first.weight.detach()
        if isinstance(first, nn.ConvTranspose2d):  # (noise_dim, C, k, k)
            return weight.reshape(weight.shape[0], -1)
        return weight[:, : self.noise_dim].T  # Linear (outputs, inputs): the z columns only
