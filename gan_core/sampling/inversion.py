"""Inversion and completion: find the code whose image matches a given one, on all of its
pixels or on the visible ones only (the notes' completion, 补全: the generator fills in the rest).

Gradient descent on z (Adam, several random starts at once, the best kept), with z held where
the prior puts mass; the generator's weights stay fixed. A conditional generator is searched
under every label unless one is given. Completion then shows the visible pixels as they were and
the generator's hidden pixels; the baselines fill the hidden pixels with the mean training image,
or with those of the training image nearest on the visible pixels.

Under a squared error the best fill is the expected hidden part given the visible one, not any
single guess: completion therefore also averages the images of the best few codes (a
posterior-mean estimate). The single best code's image is kept beside it (sharper, but a guess).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import torch

from ..data.images import to_unit
from .latent import LatentGenerator

MASKS = ("top", "bottom", "left", "right", "centre")
DEFAULT_STARTS = 32  # starts searched at once (one batch); fewer often end in a poor local match
# The starts are the best of this many random codes, judged by one forward pass: a start already
# near the target's basin. Random starts alone left one digit in five stuck at a near match
# (error 0.005 where the exact code gives 0) on some CPUs.
DEFAULT_CANDIDATES = 1_024
DEFAULT_STEPS = 300
DEFAULT_LR = 0.03  # 0.1 threw starts near the answer out of its basin (error 0.005 where 0 was reachable)
AVERAGED_MATCHES = 8  # completion: the best codes whose images are averaged


@dataclass(frozen=True)
class Inversion:
    code: torch.Tensor  # (d,) the best code found
    label: int | None  # its label (a conditional generator)
    image: torch.Tensor  # G(code) (C, H, W) in [-1, 1]
    error: float  # mean squared error on the pixels matched, intensities in [0, 1]
    start_errors: tuple[float, ...]  # the same for every start's end point (how much starts matter)
    seconds: float
    best_images: torch.Tensor  # the images of the best AVERAGED_MATCHES codes, best first (k, C, H, W)


def masked_mse(a: torch.Tensor, b: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
    """Mean squared error in [0, 1] units over the pixels where mask is True, per image (n,)."""
    squared = ((to_unit(a) - to_unit(b)) ** 2).reshape(len(a), -1)
    if mask is None:
        return squared.mean(dim=1)
    weights = mask.reshape(1, -1).float()
    return (squared * weights).sum(dim=1) / weights.sum().clamp(min=1)


def half_mask(shape: tuple[int, int, int], hidden: str) -> torch.Tensor:
    """A visibility mask (C, H, W), False on the `hidden` part: a half, or the centre square."""
    if hidden not in MASKS:
        raise ValueError(f"the hidden part must be one of {', '.join(MASKS)}, got {hidden!r}")
    _, height, width = shape
    visible = torch.ones(shape, dtype=torch.bool)
    if hidden == "top":
        visible[:, : height // 2] = False
    elif hidden == "bottom":
        visible[:, height // 2 :] = False
    elif hidden == "left":
        visible[:, :, : width // 2] = False
    elif hidden == "right":
        visible[:, :, width // 2 :] = False
    else:
        visible[:, height // 4 : height - height // 4, width // 4 : width - width // 4] = False
    return visible


def invert(
    generator: LatentGenerator,
    target: torch.Tensor,
    visible: torch.Tensor | None = None,
    *,
    starts: int = DEFAULT_STARTS,
    candidates: int = DEFAULT_CANDIDATES,
    steps: int = DEFAULT_STEPS,
    lr: float = DEFAULT_LR,
    seed: int = 0,
    label: int | None = None,
    progress=None,
) -> Inversion:
    """The code whose image best matches `target` (C, H, W) in [-1, 1] on the `visible` pixels
    (all when None). `progress(fraction)` is called as the search goes."""
    if not generator.is_image:
        raise ValueError("inversion needs an image generator")
    target = torch.as_tensor(target, dtype=torch.float32)
    if tuple(target.shape) != tuple(generator.sample_shape):
        raise ValueError(f"the image must be {tuple(generator.sample_shape)}, got {tuple(target.shape)}")
    if visible is not None and not visible.any():
        raise ValueError("nothing is visible: keep some pixels to match")
    started = time.perf_counter()
    z, labels = best_starts(generator, target, visible, starts, max(candidates, starts), seed, label)
    starts = len(z)
    z.requires_grad_(True)
    optimizer = torch.optim.Adam([z], lr=lr)
    targets = target.expand(starts, *target.shape)
    for step in range(steps):
        for group in optimizer.param_groups:  # cosine decay: big moves first, fine ones last
            group["lr"] = lr * 0.5 * (1 + math.cos(math.pi * step / steps))
        optimizer.zero_grad(set_to_none=True)
        loss = masked_mse(generator.forward(z, labels), targets, visible).sum()
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            z.copy_(generator.clamp(z))
        if progress is not None and (step % 20 == 0 or step == steps - 1):
            progress((step + 1) / steps)
    with torch.no_grad():
        images = generator.forward(z, labels)
        errors = masked_mse(images, targets, visible)
    best = int(errors.argmin())
    ranked = errors.argsort()[:AVERAGED_MATCHES]
    return Inversion(
        code=z[best].detach().clone(),
        label=None if labels is None else int(labels[best]),
        image=images[best].detach().clone(),
        error=float(errors[best]),
        start_errors=tuple(float(e) for e in errors),
        seconds=time.perf_counter() - started,
        best_images=images[ranked].detach().clone(),
    )


@torch.no_grad()
def best_starts(
    generator: LatentGenerator,
    target: torch.Tensor,
    visible: torch.Tensor | None,
    starts: int,
    candidates: int,
    seed: int,
    label: int | None,
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """The `starts` codes (and labels) nearest the target among `candidates` random ones. A
    conditional generator searched under every label keeps its best few codes per label, so that
    the label is chosen by the descent, not by the first guess."""
    if not generator.conditional:
        pool = generator.codes(seed, candidates)
        errors = masked_mse(generator.forward(pool, None), target.expand(candidates, *target.shape), visible)
        return pool[errors.argsort()[:starts]].clone(), None
    classes = range(generator.n_classes) if label is None else [int(label)]
    per_label = max(2, math.ceil(starts / len(classes)))
    pool_per_label = max(per_label, candidates // len(classes))
    codes, labels = [], []
    for k in classes:
        pool = generator.codes(seed + 7919 * k, pool_per_label)
        pool_labels = torch.full((pool_per_label,), k, dtype=torch.long)
        errors = masked_mse(generator.forward(pool, pool_labels), target.expand(len(pool), *target.shape), visible)
        codes.append(pool[errors.argsort()[:per_label]])
        labels.append(pool_labels[:per_label])
    return torch.cat(codes).clone(), torch.cat(labels)


@dataclass(frozen=True)
class Completion:
    inversion: Inversion  # the code matched on the visible pixels
    completed: torch.Tensor  # visible pixels of the target, hidden ones averaged over the best matches (C, H, W)
    hidden_error: float  # MSE on the hidden pixels against the original, [0, 1] units
    single: torch.Tensor  # the same with the hidden pixels of the single best match
    single_error: float
    mean_image: torch.Tensor  # the baseline fills (C, H, W)
    mean_image_error: float
    nearest: torch.Tensor
    nearest_error: float


def complete(
    generator: LatentGenerator, original: torch.Tensor, visible: torch.Tensor, train_images: torch.Tensor, **options
) -> Completion:
    """Complete the hidden part of `original` from the code that matches its visible part, and
    score it and both baselines on the hidden pixels against the original."""
    original = torch.as_tensor(original, dtype=torch.float32)
    hidden = ~visible
    if not hidden.any():
        raise ValueError("nothing is hidden: there is nothing to complete")
    found = invert(generator, original, visible, **options)
    completed = torch.where(visible, original, found.best_images.mean(dim=0))
    single = torch.where(visible, original, found.image)
    mean_image = torch.where(visible, original, train_images.mean(dim=0))
    nearest_index = int(masked_mse(train_images, original.expand_as(train_images), visible).argmin())
    nearest = torch.where(visible, original, train_images[nearest_index])

    def hidden_error(image: torch.Tensor) -> float:
        return float(masked_mse(image[None], original[None], hidden)[0])

    return Completion(
        found,
        completed,
        hidden_error(completed),
        single,
        hidden_error(single),
        mean_image,
        hidden_error(mean_image),
        nearest,
        hidden_error(nearest),
    )
