"""Training: the generic trainer (loop, optimisers, EMA, seeded streams, NaN rollback), its
bounded history, checkpoints, and the classifier trainer behind the image metrics."""

from .trainer import DivergedError, Trainer

__all__ = ["DivergedError", "Trainer"]
