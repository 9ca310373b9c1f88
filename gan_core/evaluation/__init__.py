"""Evaluation: pure metrics (mixture.py for 2D/1D data, images.py for images), the scoring of a
run's samples against its data (toy_run.py, image_run.py with the shipped classifier and its
reference sets), and the mode-collapse alarm (collapse.py)."""

from __future__ import annotations

from ..config import TRANSLATION_KINDS
from ..networks.classifier import ClassifierUnavailableError
from .image_run import evaluate_image_run, standard_sample_count
from .likelihood import likelihood_bounds
from .mixture import STANDARD_SAMPLE_COUNT
from .toy_run import evaluate_toy_run


def evaluate_run(trainer, n: int | None = None, seed: int = 0, **options) -> dict:
    """The metrics of a run of either kind: mixture metrics for 2D/1D data, classifier metrics
    for images (with a note instead where no classifier is shipped for the data); for a VAE or
    an auto-encoder also its likelihood on held-out data (ELBO and importance-weighted bound)."""
    model = trainer.config.model
    if model.model_kind in TRANSLATION_KINDS or model.architecture == "conditional_dcgan":
        raise ValueError(
            "the Applications page's models are scored there and by `python bench/applications_presets.py --shipped`"
        )
    if trainer.config.kind == "toy":
        result = evaluate_toy_run(trainer, n or STANDARD_SAMPLE_COUNT, seed, **options)
    else:
        try:
            count = n or standard_sample_count(trainer.config.data.name)
            result = evaluate_image_run(trainer, count, seed, **options)
        except ClassifierUnavailableError as error:
            result = {"note": str(error)}
    if trainer.config.model.model_kind != "gan":
        result["likelihood"] = likelihood_bounds(trainer)
    return result
