"""Live image runs on the 2D lab's background runner (gan_core.live / gan_core.live_worker).

The training process, its commands (Play / Pause / Step / Reset / checkpoints) and the timeline
are the LiveRunner's own. For a run on image data, the worker's TrainingSession calls
`publish_image` instead of its 2D snapshot: an ImageSnapshot, and every `metrics_every`
iterations the classifier metrics (1,000 samples, ~0.5 s on a CPU) computed in the training
process, so the page never waits for them.
"""
from __future__ import annotations

from .image_eval import evaluate_image_run
from .image_snapshot import scalar_image_metrics, take_image_snapshot
from .live import LiveRunner
from .models.classifier import ClassifierUnavailableError

IMAGE_METRICS_EVERY = 1000  # iterations between metric evaluations


def publish_image(session, force_metrics: bool = False) -> None:
    """Set `session.snapshot` (a live_worker.TrainingSession) to an ImageSnapshot, with the image
    metrics when due (also recorded in the trainer's metric history and session.latest_metrics)."""
    trainer = session.trainer
    metrics = None
    if force_metrics and session._last_metrics_iteration != trainer.iteration and not trainer.diverged:
        try:
            metrics = evaluate_image_run(trainer)
        except ClassifierUnavailableError as error:  # e.g. a person's own folder: no classifier
            metrics = {"note": str(error)}
        session.latest_metrics = dict(metrics, iteration=trainer.iteration)
        session._last_metrics_iteration = trainer.iteration
        row = scalar_image_metrics(metrics)
        if row:
            trainer.metric_history.offer({"iteration": trainer.iteration, **row})
    session.snapshot = take_image_snapshot(trainer, metrics=metrics)


class ImageLiveRunner(LiveRunner):
    """A LiveRunner with the image lab's defaults (metrics every 1,000 iterations)."""

    def __init__(self, config=None, *, metrics_every: int = IMAGE_METRICS_EVERY, **options):
        super().__init__(config, metrics_every=metrics_every, **options)

    def rejection_demo(self, percentile: float | None) -> dict:
        """One round of discriminator rejection sampling on the current networks (see
        gan_core.rejection.rejection_demo); raises ValueError / RuntimeError with a message for
        a person (e.g. a loss without a density ratio)."""
        return self._request("rejection_demo", percentile)
