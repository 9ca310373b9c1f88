"""What a trained discriminator "thinks" a digit is: gradient ascent on the shipped digits
DCGAN's D from uniform noise images, next to its generator's samples, each with D's score and
the shipped classifier's reading. D scores its own argmax far above real-looking digits, yet the
classifier finds no confident digit there: why a GAN learns a generator instead of searching D."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ..networks import eval_mode, sample_shape
from ..networks.classifier import ClassifierUnavailableError
from ..sampling import sample
from ..training import checkpoint
from ..training.ascent import ascend
from ..training.shipped import shipped_run
from .image_run import classifier_for, classify

PIXEL_BOUNDS = (-1.0, 1.0)  # images live in [-1, 1]; the ascent is clamped there


@dataclass(frozen=True)
class DigitsAscent:
    starts: np.ndarray  # (n, C, H, W) uniform noise in [-1, 1]
    ascended: np.ndarray  # (n, C, H, W) after the ascent
    start_scores: np.ndarray  # (n,) D(x), a probability, at the starts
    ascended_scores: np.ndarray  # (n,)
    generated: np.ndarray  # (n, C, H, W) the generator's samples (its weight average)
    generated_scores: np.ndarray  # (n,)
    ascended_classes: np.ndarray | None  # (n,) the classifier's digit; None without a classifier
    ascended_confidence: np.ndarray | None  # (n,) its probability
    generated_classes: np.ndarray | None
    generated_confidence: np.ndarray | None


def load_digits_gan():
    """The shipped digits DCGAN's trainer, on the CPU (a page caches it)."""
    return checkpoint.load_trainer(shipped_run("digits-dcgan").path, device="cpu", kind="image")


def ascend_digits(
    trainer=None, *, n: int = 16, steps: int = 100, step_size: float = 0.5, seed: int = 0
) -> DigitsAscent:
    """Ascend D's logit from n uniform noise images (seeded) for `steps` normalised steps of
    `step_size` pixel-space L2 at first (training.ascent), clamped to [-1, 1]; draw n samples of
    the generator with the same seed. `trainer`: a loaded image GAN, the shipped digits DCGAN
    when None. About 0.5 s on one CPU thread once the model is loaded."""
    trainer = trainer or load_digits_gan()
    discriminator = trainer.objective.discriminator
    shape = sample_shape(trainer.config)  # (C, H, W)
    starts = PIXEL_BOUNDS[0] + 2 * torch.rand(n, *shape, generator=torch.Generator().manual_seed(seed))
    generated = sample(trainer, n, seed)[0]  # (n, C, H, W)
    with eval_mode(discriminator):  # BatchNorm on its running statistics, no augmentation
        ascended, _ = ascend(discriminator, starts, steps=steps, step_size=step_size, bounds=PIXEL_BOUNDS)
        with torch.no_grad():
            scores = [_probability(discriminator(images)) for images in (starts, ascended, generated)]
    ascended_reading = generated_reading = (None, None)
    try:
        classifier, _ = classifier_for(trainer.config.data.name)
        ascended_reading, generated_reading = _read(classifier, ascended), _read(classifier, generated)
    except ClassifierUnavailableError:
        pass
    return DigitsAscent(
        starts=starts.numpy(),
        ascended=ascended.numpy(),
        start_scores=scores[0],
        ascended_scores=scores[1],
        generated=generated.numpy(),
        generated_scores=scores[2],
        ascended_classes=ascended_reading[0],
        ascended_confidence=ascended_reading[1],
        generated_classes=generated_reading[0],
        generated_confidence=generated_reading[1],
    )


def _probability(logits: torch.Tensor) -> np.ndarray:
    """sigmoid in float64: an ascended logit of 20 still reads below 1."""
    return torch.sigmoid(logits.double()).numpy()


def _read(classifier, images: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
    probs, _ = classify(classifier, images)
    return probs.argmax(axis=1), probs.max(axis=1)
