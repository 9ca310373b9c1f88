"""Multilayer-perceptron generator and discriminator, as in the original GAN paper
(Goodfellow et al. 2014): both networks are MLPs, trained by backpropagation alone."""

from __future__ import annotations

import math

import torch
from torch import nn

from ..config import ModelConfig

_ACTIVATIONS = {
    "relu": lambda: nn.ReLU(),
    "leaky_relu": lambda: nn.LeakyReLU(0.2),
    "tanh": lambda: nn.Tanh(),
}


def mlp(
    in_features: int,
    width: int,
    layers: int,
    out_features: int,
    activation: str,
    batchnorm: bool = False,
    dropout: float = 0.0,
) -> nn.Sequential:
    """`layers` hidden layers of `width` units (each: linear, optional BatchNorm, activation,
    optional dropout); 0 hidden layers is a single linear map."""
    modules: list[nn.Module] = []
    size = in_features
    for _ in range(layers):
        modules.append(nn.Linear(size, width))
        if batchnorm:
            modules.append(nn.BatchNorm1d(width))
        modules.append(_ACTIVATIONS[activation]())
        if dropout:
            modules.append(nn.Dropout(dropout))
        size = width
    modules.append(nn.Linear(size, out_features))
    return nn.Sequential(*modules)


class MLPGenerator(nn.Module):
    """z (B, noise_dim) -> sample of `sample_shape`. Images end in tanh so pixels lie in [-1, 1];
    toy data has an unbounded linear output."""

    def __init__(self, config: ModelConfig, sample_shape: tuple[int, ...], bounded: bool):
        super().__init__()
        self.sample_shape = tuple(sample_shape)
        self.net = mlp(
            config.noise_dim,
            config.g_width,
            config.g_layers,
            math.prod(sample_shape),
            config.activation,
            config.batchnorm,
        )
        self.bounded = bounded

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        x = self.net(z)
        if self.bounded:
            x = torch.tanh(x)
        return x.view(len(z), *self.sample_shape)


class MLPDiscriminator(nn.Module):
    """sample -> one logit. With pack > 1 (PacGAN, Lin et al. 2018) it sees `pack` samples
    joined into one input and returns one logit per pack: (B,) -> (B // pack,). `d_dropout`
    adds dropout after each hidden layer. With `out_features` > 1 the same body is an encoder:
    (B, out_features)."""

    def __init__(self, config: ModelConfig, sample_shape: tuple[int, ...], out_features: int = 1):
        super().__init__()
        self.pack = config.pack
        self.features = math.prod(sample_shape)
        self.out_features = out_features
        activation = "leaky_relu" if config.activation == "relu" else config.activation
        self.net = mlp(
            self.features * self.pack,
            config.d_width,
            config.d_layers,
            out_features,
            activation,
            dropout=config.d_dropout,
        )

    def forward(self, x: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        out = self.net(x.reshape(-1, self.features * self.pack))
        return out.squeeze(1) if self.out_features == 1 else out
