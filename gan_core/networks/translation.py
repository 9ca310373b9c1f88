"""The image-to-image networks of the Applications page (issue 26), sized for 32x32 faces.

`UNet` (Isola et al. 2017): an encoder of stride-2 convolutions down to 2x2 and a decoder of
transposed convolutions back up, each decoder stage joined to the encoder stage of its size by a
skip connection, so the input's layout (a sketch's lines) reaches the output directly. pix2pix's
generator.

`ResNetGenerator` (Johnson et al. 2016, as CycleGAN uses it): two stride-2 convolutions, residual
blocks at a quarter of the size, two transposed convolutions back. No skips past the residual
blocks: without a cycle loss nothing ties the output to the input but what the blocks carry,
which is what the page shows.

`PatchDiscriminator` (pix2pix's PatchGAN): stride-2 convolutions whose output is a map of
logits, one per overlapping patch of the input (8x8 patches' verdicts on a 4x4 map here): it
judges texture and sharpness locally and leaves the layout to the L1 term. With `condition_channels`
it sees the input image beside the output (pix2pix's conditional D).
"""

from __future__ import annotations

import torch
from torch import nn

from .dcgan import init_dcgan_weights


def _norm(channels: int) -> nn.Module:
    """BatchNorm, not the papers' instance norm: a cartoon face's colours are flat, and an instance
    norm, which takes away each image's mean per channel, takes away the background and skin
    colours that a translation must keep (a first CycleGAN with it turned every background cream)."""
    return nn.BatchNorm2d(channels)


def _down(cin: int, cout: int, norm: bool = True) -> nn.Sequential:
    layers: list[nn.Module] = [nn.Conv2d(cin, cout, 4, 2, 1, bias=not norm)]
    if norm:
        layers.append(_norm(cout))
    layers.append(nn.LeakyReLU(0.2))
    return nn.Sequential(*layers)


def _up(cin: int, cout: int) -> nn.Sequential:
    return nn.Sequential(nn.ConvTranspose2d(cin, cout, 4, 2, 1, bias=False), _norm(cout), nn.ReLU())


class UNet(nn.Module):
    """(B, in_channels, 32, 32) -> (B, out_channels, 32, 32) in [-1, 1]; `width` channels at the
    first stage, doubling to 8 x width at 4x4 and 2x2."""

    def __init__(self, in_channels: int, out_channels: int, width: int = 32):
        super().__init__()
        w = width
        self.downs = nn.ModuleList(
            [_down(in_channels, w, norm=False), _down(w, 2 * w), _down(2 * w, 4 * w), _down(4 * w, 8 * w)]
        )  # 16, 8, 4, 2
        self.ups = nn.ModuleList([_up(8 * w, 4 * w), _up(8 * w, 2 * w), _up(4 * w, w)])  # 4, 8, 16
        self.out = nn.Sequential(nn.ConvTranspose2d(2 * w, out_channels, 4, 2, 1), nn.Tanh())  # 32
        init_dcgan_weights(self)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        skips = []
        for down in self.downs:
            x = down(x)
            skips.append(x)
        skips.pop()  # the innermost map is x itself
        for up in self.ups:
            x = torch.cat([up(x), skips.pop()], dim=1)
        return self.out(x)


class _Residual(nn.Module):
    def __init__(self, channels: int):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(channels, channels, 3, 1, 1, bias=False), _norm(channels), nn.ReLU(),
            nn.Conv2d(channels, channels, 3, 1, 1, bias=False), _norm(channels),
        )  # fmt: skip

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.body(x)


class ResNetGenerator(nn.Module):
    """(B, C, 32, 32) -> (B, C, 32, 32) in [-1, 1] through `blocks` residual blocks at 8x8."""

    def __init__(self, channels: int = 3, width: int = 32, blocks: int = 3):
        super().__init__()
        w = width
        self.net = nn.Sequential(
            nn.Conv2d(channels, w, 3, 1, 1, bias=False), _norm(w), nn.ReLU(),
            nn.Conv2d(w, 2 * w, 4, 2, 1, bias=False), _norm(2 * w), nn.ReLU(),
            nn.Conv2d(2 * w, 4 * w, 4, 2, 1, bias=False), _norm(4 * w), nn.ReLU(),
            *[_Residual(4 * w) for _ in range(blocks)],
            _up(4 * w, 2 * w), _up(2 * w, w),
            nn.Conv2d(w, channels, 3, 1, 1), nn.Tanh(),
        )  # fmt: skip
        init_dcgan_weights(self)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


class PatchDiscriminator(nn.Module):
    """(image (B, C, 32, 32)[, condition (B, condition_channels, 32, 32)]) -> (B, 4, 4) logits,
    one per patch."""

    def __init__(self, channels: int = 3, width: int = 32, condition_channels: int = 0):
        super().__init__()
        w = width
        self.net = nn.Sequential(
            _down(channels + condition_channels, w, norm=False),  # 16
            _down(w, 2 * w),  # 8
            nn.Conv2d(2 * w, 4 * w, 3, 1, 1, bias=False), _norm(4 * w), nn.LeakyReLU(0.2),
            nn.Conv2d(4 * w, 1, 4, 2, 1),  # 4x4 patches
        )  # fmt: skip
        init_dcgan_weights(self)

    def forward(self, image: torch.Tensor, condition: torch.Tensor | None = None) -> torch.Tensor:
        x = image if condition is None else torch.cat([image, condition], dim=1)
        return self.net(x).squeeze(1)
