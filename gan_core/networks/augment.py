"""Differentiable augmentation for the discriminator (DiffAugment, Zhao et al. 2020).

On a small data set (1,438 training digits) a discriminator learns the training images by heart:
it scores held-out real digits as fake, and its gradients stop teaching the generator. DiffAugment
transforms every image the discriminator sees, real and generated alike, with the same random,
differentiable operations, so D cannot memorise exact pixels and G still gets gradients through
the transform. Because both sides are augmented the same way, G is not pushed to draw shifted or
cut-out digits (the paper's "non-leaking" argument).

Policies, as in the paper: "translation" shifts by up to 1/8 of the size (padding with the
background, -1), "cutout" blanks a square of half the size at a random place.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

POLICIES = ("translation", "cutout")


def parse_policy(text: str) -> tuple[str, ...]:
    """ "translation,cutout" -> ("translation", "cutout"); raises ValueError naming a bad part."""
    parts = tuple(p.strip() for p in text.split(",") if p.strip())
    for part in parts:
        if part not in POLICIES:
            raise ValueError(f"unknown augmentation {part!r}; choose from {', '.join(POLICIES)}")
    return parts


def translate(x: torch.Tensor, ratio: float = 0.125, background: float = -1.0) -> torch.Tensor:
    """Shift each image (B, C, H, W) by a random whole number of pixels in [-r, r] each way,
    r = max(1, ratio * size), filling with `background`."""
    batch, _, height, width = x.shape
    shift = max(1, int(height * ratio + 0.5))
    dy = torch.randint(-shift, shift + 1, (batch, 1, 1), device=x.device)
    dx = torch.randint(-shift, shift + 1, (batch, 1, 1), device=x.device)
    rows = torch.arange(height, device=x.device).view(1, -1, 1) + dy + shift  # (B, H, 1) into the padded image
    cols = torch.arange(width, device=x.device).view(1, 1, -1) + dx + shift  # (B, 1, W)
    padded = F.pad(x, (shift, shift, shift, shift), value=background)  # (B, C, H + 2s, W + 2s)
    index = torch.arange(batch, device=x.device).view(-1, 1, 1)
    return padded.permute(0, 2, 3, 1)[index, rows, cols].permute(0, 3, 1, 2)  # (B, C, H, W)


def cutout(x: torch.Tensor, ratio: float = 0.5, background: float = -1.0) -> torch.Tensor:
    """Set a random square of side ratio * size (centre anywhere in the image) to `background`."""
    batch, _, height, width = x.shape
    size_y, size_x = max(1, int(height * ratio + 0.5)), max(1, int(width * ratio + 0.5))
    cy = torch.randint(0, height, (batch, 1, 1), device=x.device)
    cx = torch.randint(0, width, (batch, 1, 1), device=x.device)
    ys = torch.arange(height, device=x.device).view(1, -1, 1)
    xs = torch.arange(width, device=x.device).view(1, 1, -1)
    top, left = cy - size_y // 2, cx - size_x // 2
    inside = (ys >= top) & (ys < top + size_y) & (xs >= left) & (xs < left + size_x)  # (B, H, W)
    inside = inside.unsqueeze(1)
    return torch.where(inside, torch.full_like(x, background), x)


def diff_augment(x: torch.Tensor, policy: tuple[str, ...]) -> torch.Tensor:
    for name in policy:
        x = translate(x) if name == "translation" else cutout(x)
    return x
