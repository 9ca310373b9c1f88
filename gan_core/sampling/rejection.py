"""Discriminator rejection sampling (DRS, Azadi et al. 2019): the lecture notes' question "can
the discriminator generate?" answered by letting G propose and D decide.

Why it works: an optimal discriminator D*(x) = p_data / (p_data + p_g) has the logit
log p_data(x) / p_g(x). Accepting a proposal x ~ p_g with probability exp(logit(x) - M), M the
largest logit, is rejection sampling from p_data. A trained D is not optimal, so Azadi et al.
accept with probability sigmoid(F(x) - gamma), where

    F(x) = logit(x) - M - log(1 - exp(logit(x) - M - eps)),

and gamma trades fidelity for diversity: gamma = 0 is plain rejection sampling (the acceptance
probability is then exactly exp(logit - M)); Azadi et al. set gamma to a percentile of F over
the proposals (high: only the samples D rates best are kept; low: almost everything).

It needs a probabilistic loss (minimax or nsgan), whose D logit estimates the log density ratio.
D scores generated images as it saw them in training: BatchNorm in D normalises a batch of
generated images with that batch's own statistics (on a copy, so D's running statistics stay).
"""

from __future__ import annotations

import copy

import numpy as np
import torch

from ..objectives.losses import PROBABILISTIC_LOSSES
from .sampler import sample

DEFAULT_PERCENTILE = 80.0  # gamma as a percentile of F over the proposals
BURN_IN = 10_000  # proposals that set M and gamma
EPSILON = 1e-6
ROUND_SEED_STRIDE = 7919  # round r proposes from seed + r * this (a prime: no overlap with draws' seeds)
MAX_ROUNDS = 1000


class RejectionUnavailableError(ValueError):
    pass


def check_available(trainer) -> None:
    loss = trainer.config.train.loss
    if loss not in PROBABILISTIC_LOSSES:
        raise RejectionUnavailableError(
            f"discriminator rejection sampling needs a probabilistic loss (minimax or nsgan), whose "
            f"discriminator estimates a density ratio; this run uses {loss}"
        )


def scoring_discriminator(trainer) -> torch.nn.Module:
    """A copy of D that scores like the D step does: BatchNorm layers on batch statistics,
    dropout and augmentation off."""
    scorer = copy.deepcopy(trainer.objective.discriminator).requires_grad_(False)
    for module in scorer.modules():
        module.train(isinstance(module, torch.nn.modules.batchnorm._BatchNorm))
    return scorer


@torch.no_grad()
def discriminator_logits(trainer, scorer, images: torch.Tensor, labels: torch.Tensor | None) -> torch.Tensor:
    """D's logit for each image (n,), in batches of the run's batch size (BatchNorm statistics
    depend on the batch, as in training)."""
    batch = trainer.config.train.batch_size
    out = []
    for start in range(0, len(images), batch):
        part = images[start : start + batch].to(trainer.device)
        part_labels = None if labels is None else labels[start : start + batch].to(trainer.device)
        out.append(scorer(part, part_labels).float().cpu())
    return torch.cat(out) if out else torch.empty(0)


def shifted_scores(logits: torch.Tensor, max_logit: float) -> torch.Tensor:
    """F(x) = l - M - log(1 - exp(l - M - eps)) (Azadi et al. 2019, eq. 8), computed stably."""
    shifted = logits.double() - max_logit
    return shifted - torch.log(-torch.expm1(torch.clamp(shifted - EPSILON, max=-EPSILON)))


def calibrate(logits: torch.Tensor, percentile: float | None) -> tuple[float, float]:
    """(M, gamma) from the logits of a first round of proposals."""
    max_logit = float(logits.max())
    gamma = 0.0 if percentile is None else float(np.percentile(shifted_scores(logits, max_logit).numpy(), percentile))
    return max_logit, gamma


def accept(logits: torch.Tensor, max_logit: float, gamma: float, rng: torch.Generator) -> torch.Tensor:
    """Which proposals to keep: each with probability sigmoid(F(x) - gamma)."""
    probability = torch.sigmoid(shifted_scores(logits, max_logit) - gamma)
    return torch.rand(len(logits), generator=rng, dtype=torch.float64) < probability


def rejection_sample(
    trainer, n: int, seed: int = 0, percentile: float | None = DEFAULT_PERCENTILE, burn_in: int = BURN_IN, propose=None
) -> tuple[torch.Tensor, torch.Tensor | None, float]:
    """n images accepted by DRS, their labels (conditional models), and the acceptance rate.
    `percentile` sets gamma (None: gamma = 0, plain rejection sampling). `propose(count, seed)`
    returns (images, labels); by default the run's sampler (gan_core.sampling.sample).
    Deterministic for the seed."""
    check_available(trainer)
    if percentile is not None and not 0 <= percentile < 100:
        raise ValueError(f"the DRS percentile must be in [0, 100), got {percentile}")
    if n < 1:
        raise ValueError(f"the sample count must be at least 1, got {n}")
    if propose is None:

        def propose(count, proposal_seed):
            return sample(trainer, count, proposal_seed)

    scorer = scoring_discriminator(trainer)
    images, labels = propose(burn_in, seed)
    logits = discriminator_logits(trainer, scorer, images, labels)
    max_logit, gamma = calibrate(logits, percentile)
    rng = torch.Generator().manual_seed(seed)
    kept_images, kept_labels, proposed, accepted, round_ = [], [], 0, 0, 0
    while accepted < n:
        if round_ > 0:
            images, labels = propose(burn_in, seed + ROUND_SEED_STRIDE * round_)
            logits = discriminator_logits(trainer, scorer, images, labels)
            max_logit = max(max_logit, float(logits.max()))
        keep = accept(logits, max_logit, gamma, rng)
        kept_images.append(images[keep])
        if labels is not None:
            kept_labels.append(labels[keep])
        proposed += len(logits)
        accepted += int(keep.sum())
        round_ += 1
        if round_ > MAX_ROUNDS:  # a D that rejects almost everything; say so rather than loop on
            raise RuntimeError(f"discriminator rejection sampling accepted only {accepted} of {proposed} proposals")
    rate = accepted / max(proposed, 1)
    out_labels = torch.cat(kept_labels)[:n] if kept_labels else None
    return torch.cat(kept_images)[:n], out_labels, rate


def rejection_round(trainer, proposals: int, seed: int = 0, percentile: float | None = DEFAULT_PERCENTILE) -> dict:
    """One round of DRS laid out for a person: `proposals` generated images (which also set M and
    gamma), D's probability that each is real, and which were kept."""
    check_available(trainer)
    images, labels = sample(trainer, proposals, seed)
    logits = discriminator_logits(trainer, scoring_discriminator(trainer), images, labels)
    max_logit, gamma = calibrate(logits, percentile)
    keep = accept(logits, max_logit, gamma, torch.Generator().manual_seed(seed))
    return {"images": images, "labels": labels, "keep": keep, "probability": torch.sigmoid(logits).numpy()}
