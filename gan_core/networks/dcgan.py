"""DCGAN (Radford et al. 2016), sized for small images (8x8, 16x16, 28x28, 32x32; 64x64 for the faces).

Generator: z seen as a 1x1 map, a transposed convolution to a small base map (2x2 for 8x8
images, 4x4 for 16, 32 and 64, 7x7 for 28), then stride-2 transposed convolutions that double it
up to the image size; BatchNorm and ReLU after every layer but the output, which is tanh.
Discriminator: the mirror image, stride-2 convolutions with LeakyReLU(0.2), BatchNorm on every
layer but the input one, and a final convolution over the base map to one logit. Optional
dropout after each hidden layer of D (`d_dropout`): on a data set as small as the 1,438 training
digits, D otherwise learns them by heart (it scores held-out digits as fake) and stops teaching G;
`d_augment` (DiffAugment, see augment.py) is the stronger remedy.

At 8x8 the stride-2 stack is only two layers deep each way. `g_extra_layers` / `d_extra_layers`
add stride-1 3x3 convolutions (BatchNorm, then ReLU in G / LeakyReLU in D) at the largest hidden
map: before G's output layer and after D's input layer, as the `n_extra_layers` option of the
DCGAN and WGAN reference code does. They cost time but no resolution.

The WGAN-GP penalty is taken per sample, which BatchNorm (mixing a batch) breaks; so
`d_norm="auto"` uses LayerNorm in the discriminator when the loss is wgan_gp (Gulrajani et al.
2017, section 4), BatchNorm otherwise. `d_norm="spectral"` replaces D's BatchNorm with spectral
normalisation of every layer's weights (Miyato et al. 2018, torch's parametrization), which
bounds D's Lipschitz constant per layer.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from ..config import ModelConfig
from .augment import diff_augment, parse_policy

BASE_SIZES = {8: 2, 16: 4, 28: 7, 32: 4, 64: 4}  # image size -> the smallest feature map


def base_size(image_size: int) -> int:
    if image_size not in BASE_SIZES:
        raise ValueError(f"DCGAN supports image sizes {sorted(BASE_SIZES)}, got {image_size}")
    return BASE_SIZES[image_size]


def n_stages(image_size: int) -> int:
    """How many times the base map doubles to reach the image size."""
    return int(math.log2(image_size // base_size(image_size)))


def init_dcgan_weights(module: nn.Module) -> None:
    """Weights from N(0, 0.02), norm scales from N(1, 0.02), as in the DCGAN paper."""
    for m in module.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
            nn.init.normal_(m.weight, 0.0, 0.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
            nn.init.normal_(m.weight, 1.0, 0.02)
            nn.init.zeros_(m.bias)


class DCGANGenerator(nn.Module):
    """z (B, noise_dim) -> images (B, C, H, W) in [-1, 1]. `g_width` is the channel count of the
    last hidden layer; it doubles at every stage towards the input."""

    def __init__(self, config: ModelConfig, sample_shape: tuple[int, ...]):
        super().__init__()
        channels, size, _ = sample_shape
        stages = n_stages(size)
        widths = [config.g_width * 2 ** (stages - 1 - i) for i in range(stages)]  # e.g. [256, 128]
        layers: list[nn.Module] = [
            nn.ConvTranspose2d(config.noise_dim, widths[0], base_size(size), 1, 0, bias=False),  # (B, w0, b, b)
            nn.BatchNorm2d(widths[0]),
            nn.ReLU(),
        ]
        for i in range(1, stages):
            layers += [
                nn.ConvTranspose2d(widths[i - 1], widths[i], 4, 2, 1, bias=False),  # doubles H, W
                nn.BatchNorm2d(widths[i]),
                nn.ReLU(),
            ]
        for _ in range(config.g_extra_layers):  # same size, same width
            layers += [nn.Conv2d(widths[-1], widths[-1], 3, 1, 1, bias=False), nn.BatchNorm2d(widths[-1]), nn.ReLU()]
        layers += [nn.ConvTranspose2d(widths[-1], channels, 4, 2, 1), nn.Tanh()]  # (B, C, H, W)
        self.net = nn.Sequential(*layers)
        init_dcgan_weights(self)

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        return self.net(z.view(len(z), -1, 1, 1))


def _norm(kind: str, channels: int) -> nn.Module:
    if kind == "batch":
        return nn.BatchNorm2d(channels)
    if kind == "layer":
        return nn.GroupNorm(1, channels)  # LayerNorm over (C, H, W), per sample
    return nn.Identity()


class DCGANDiscriminator(nn.Module):
    """images (B, C, H, W) -> (B,) logits. `d_width` is the channel count of the first layer; it
    doubles at every stage. `norm` is "batch", "layer", "spectral" or "none" (module docstring)."""

    def __init__(self, config: ModelConfig, sample_shape: tuple[int, ...], norm: str = "batch", out_features: int = 1):
        super().__init__()
        self.out_features = out_features  # > 1: the same body as an encoder, (B, out_features)
        channels, size, _ = sample_shape
        stages = n_stages(size)
        widths = [config.d_width * 2**i for i in range(stages)]  # e.g. [64, 128]
        dropout = config.d_dropout
        layers: list[nn.Module] = [nn.Conv2d(channels, widths[0], 4, 2, 1), nn.LeakyReLU(0.2)]  # halves H, W
        layers += [nn.Dropout(dropout)] if dropout else []

        def hidden(conv: nn.Conv2d) -> list[nn.Module]:  # conv, norm, LeakyReLU, dropout
            return [conv, _norm(norm, conv.out_channels), nn.LeakyReLU(0.2)] + (
                [nn.Dropout(dropout)] if dropout else []
            )

        bias = norm in ("none", "spectral")  # a following BatchNorm / LayerNorm has its own shift
        for _ in range(config.d_extra_layers):  # same size, same width
            layers += hidden(nn.Conv2d(widths[0], widths[0], 3, 1, 1, bias=bias))
        for i in range(1, stages):
            layers += hidden(nn.Conv2d(widths[i - 1], widths[i], 4, 2, 1, bias=bias))  # halves H, W
        layers.append(nn.Conv2d(widths[-1], out_features, base_size(size), 1, 0))  # (B, out, 1, 1)
        self.net = nn.Sequential(*layers)
        self.norm = norm
        self.augment = parse_policy(config.d_augment)
        init_dcgan_weights(self)
        if norm == "spectral":
            for module in self.net:
                if isinstance(module, nn.Conv2d):
                    nn.utils.parametrizations.spectral_norm(module)

    def forward(self, x: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        if self.training and self.augment:  # real and generated alike; never when scoring
            x = diff_augment(x, self.augment)
        out = self.net(x).view(len(x), -1)
        return out.view(len(x)) if self.out_features == 1 else out
