"""Gradient ascent on a network's input: x~ = argmax_x D(x), searched from many starts at once.

This is how a discriminator alone would "generate" (the lecture notes' structured-learning
argument): look for what it scores highest. Only the inputs get gradients (`torch.autograd.grad`
with respect to x), so the network's parameters and their `.grad` stay untouched; put a network
with BatchNorm or dropout in eval mode before passing its score.

Steps are normalised, x <- x + length_t * g / ||g|| (one norm per start), with a length that falls
linearly from `step_size` to step_size / steps. Why: a discriminator's logit has no fixed scale
(far from everything it was trained on, a ReLU network grows linearly without bound; near a peak
it is flat), so raw gradient steps either crawl or jump out of the view, and Adam's per-coordinate
scaling would bend the path away from the gradient. Normalised, a step is a distance in data
units, no start travels further than steps * step_size / 2, and the falling length lets each
start settle on its peak instead of stepping back and forth across it.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

ScoreFn = Callable[[torch.Tensor], torch.Tensor]  # (n, ...) inputs -> (n,) scores, e.g. D's logits


def ascent_step(
    score_fn: ScoreFn,
    x: torch.Tensor,
    *,
    step: int,
    steps: int,
    step_size: float,
    bounds: tuple[float, float] | None = None,
) -> torch.Tensor:
    """Step number `step` (0-based) of `steps` from positions x (n, ...): the new positions,
    detached. A caller that must pause between steps (a live page) calls this one at a time."""
    x = x.detach().requires_grad_(True)
    (gradient,) = torch.autograd.grad(score_fn(x).sum(), x)  # (n, ...); parameters untouched
    norm = gradient.flatten(1).norm(dim=1).clamp_min(1e-12).view(-1, *[1] * (x.dim() - 1))  # (n, 1, ...)
    length = step_size * (1 - step / steps)
    x = x.detach() + length * gradient / norm
    return x.clamp(*bounds) if bounds is not None else x


def ascend(
    score_fn: ScoreFn,
    starts: torch.Tensor,
    *,
    steps: int,
    step_size: float,
    bounds: tuple[float, float] | None = None,
    keep_every: int = 1,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Maximise `score_fn` from `starts` (n, ...) in `steps` normalised steps (module docstring);
    `bounds` (low, high) clamps every step (images: (-1, 1)).

    Returns (final positions (n, ...), trajectories (kept, n, ...)): the positions at the start,
    after every `keep_every`-th step and after the last one, detached, on the starts' device."""
    if steps < 0 or step_size <= 0 or keep_every < 1:
        raise ValueError(f"need steps >= 0, step_size > 0 and keep_every >= 1, got {steps}, {step_size}, {keep_every}")
    x = starts.detach().clone()
    if bounds is not None:
        x = x.clamp(*bounds)
    kept = [x]
    for step in range(steps):
        x = ascent_step(score_fn, x, step=step, steps=steps, step_size=step_size, bounds=bounds)
        if (step + 1) % keep_every == 0 or step == steps - 1:
            kept.append(x)
    return x, torch.stack(kept)
