"""Publishers: what a live run's training process sends its page at one iteration, by run kind.

A publisher takes the trainer and whether metrics are due, and returns (snapshot, metrics or None,
one metric-history row). The worker picks one from PUBLISHERS by the run's kind, so it never
imports a page-kind module itself; a new kind of run (the VAE, side-by-side runs) registers its
own here.
"""

from __future__ import annotations

from collections.abc import Callable

from ..evaluation import evaluate_run
from ..evaluation.image_run import metric_row as image_metric_row
from ..evaluation.toy_run import metric_row as toy_metric_row
from ..views.images import take_image_snapshot
from ..views.toy import take_snapshot

Publisher = Callable[..., tuple]


def publish_toy(trainer, with_metrics: bool, snapshot_options: dict) -> tuple:
    """A 2D/1D Snapshot; with the mixture metrics on 2,500 samples when due (~70 ms)."""
    metrics = evaluate_run(trainer) if with_metrics else None
    snapshot = take_snapshot(trainer, **snapshot_options)
    if metrics is None:
        return snapshot, None, {}
    return snapshot.with_metrics(metrics), metrics, toy_metric_row(metrics)


def publish_image(trainer, with_metrics: bool, snapshot_options: dict) -> tuple:
    """An ImageSnapshot; with the classifier metrics when due (1,000 samples, ~0.5 s on a CPU,
    computed here in the training process so the page never waits for them)."""
    metrics = evaluate_run(trainer) if with_metrics else None
    snapshot = take_image_snapshot(trainer, metrics=metrics, **snapshot_options)
    return snapshot, metrics, image_metric_row(metrics) if metrics else {}


PUBLISHERS: dict[str, Publisher] = {"toy": publish_toy, "image": publish_image}


def publisher_for(config) -> Publisher:
    return PUBLISHERS[config.kind]
