"""Evaluation: pure metrics (mixture.py for 2D/1D data, images.py for images), the scoring of a
run's samples against its data (toy_run.py, image_run.py with the shipped classifier and its
reference sets), and the mode-collapse alarm (collapse.py)."""

from __future__ import annotations

from ..networks.classifier import ClassifierUnavailableError
from .image_run import evaluate_image_run
from .images import STANDARD_IMAGE_SAMPLE_COUNT
from .mixture import STANDARD_SAMPLE_COUNT
from .toy_run import evaluate_toy_run


def evaluate_run(trainer, n: int | None = None, seed: int = 0, **options) -> dict:
    """The metrics of a run of either kind: mixture metrics for 2D/1D data, classifier metrics
    for images (with a note instead where no classifier is shipped for the data)."""
    if trainer.config.kind == "toy":
        return evaluate_toy_run(trainer, n or STANDARD_SAMPLE_COUNT, seed, **options)
    try:
        return evaluate_image_run(trainer, n or STANDARD_IMAGE_SAMPLE_COUNT, seed, **options)
    except ClassifierUnavailableError as error:
        return {"note": str(error)}
