"""Conditional GAN (Mirza & Osindero 2014): both networks see the class label y as a one-hot
vector, joined to the noise in the generator and to the (flattened) image in the discriminator.

The paper's MNIST generator: 100-d uniform noise, hidden ReLU layers of 200 and 1000 units,
sigmoid output (tanh here, for pixels in [-1, 1]). Its discriminator used maxout; a LeakyReLU
MLP does the same job with less code.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from ..config import ModelConfig
from .mlp import _ACTIVATIONS, mlp


def one_hot(labels: torch.Tensor, n_classes: int, dtype: torch.dtype) -> torch.Tensor:
    return F.one_hot(labels.long(), n_classes).to(dtype)  # (B, n_classes)


class ConditionalGenerator(nn.Module):
    """(z (B, noise_dim), labels (B,)) -> images (B, C, H, W) in [-1, 1]."""

    def __init__(self, config: ModelConfig, sample_shape: tuple[int, ...]):
        super().__init__()
        self.sample_shape = tuple(sample_shape)
        self.n_classes = config.n_classes
        widths = config.g_hidden or (config.g_width,) * config.g_layers
        layers: list[nn.Module] = []
        size = config.noise_dim + config.n_classes
        for width in widths:
            layers.append(nn.Linear(size, width))
            if config.batchnorm:
                layers.append(nn.BatchNorm1d(width))
            layers.append(_ACTIVATIONS[config.activation]())
            size = width
        layers.append(nn.Linear(size, math.prod(sample_shape)))
        self.net = nn.Sequential(*layers)

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        if labels is None:
            raise ValueError("the conditional generator needs a label per sample")
        x = self.net(torch.cat([z, one_hot(labels, self.n_classes, z.dtype)], dim=1))
        return torch.tanh(x).view(len(z), *self.sample_shape)


class ConditionalDiscriminator(nn.Module):
    """(images (B, C, H, W), labels (B,)) -> (B,) logits of "real and of this class"; with
    `out_features` > 1, the same body as a conditional encoder (B, out_features)."""

    def __init__(self, config: ModelConfig, sample_shape: tuple[int, ...], out_features: int = 1):
        super().__init__()
        self.n_classes = config.n_classes
        self.features = math.prod(sample_shape)
        self.out_features = out_features
        activation = "leaky_relu" if config.activation == "relu" else config.activation
        # the paper's D used dropout: after each hidden activation
        self.net = mlp(
            self.features + config.n_classes,
            config.d_width,
            config.d_layers,
            out_features,
            activation,
            dropout=config.d_dropout,
        )

    def forward(self, x: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        if labels is None:
            raise ValueError("the conditional discriminator needs a label per sample")
        joined = torch.cat([x.reshape(len(x), -1), one_hot(labels, self.n_classes, x.dtype)], dim=1)
        out = self.net(joined)
        return out.squeeze(1) if self.out_features == 1 else out
