"""The training process's side of the Applications page: one application's members stepped in
turn (gan_core.live.side_by_side), scored every METRICS_EVERY iterations, and what the page asks
of the trained networks: faces for a phrase, the members' answers to a drawing."""

from __future__ import annotations

import numpy as np

from ..data.face_pairs import ink_from_drawing
from ..data.face_words import MAX_PHRASE
from ..evaluation.applications import evaluate_application
from ..training.applications import ApplicationConfig, Applications
from ..views.applications import take_application_snapshot
from .side_by_side import SideBySideSession

METRICS_EVERY = 500
DEFAULT_PHRASE = "long blue hair, smiling, glasses"


class ApplicationsSession(SideBySideSession):
    config_class = ApplicationConfig

    def __init__(self, config: ApplicationConfig, **options):
        self.phrase = DEFAULT_PHRASE
        self.drawing = None  # (1, 1, 32, 32) ink of the person's drawing
        super().__init__(config, **options)

    def build(self, config: ApplicationConfig) -> Applications:
        return Applications(config, self.device)

    def default_metrics_every(self) -> int:
        return METRICS_EVERY

    def evaluate_now(self) -> dict:
        return evaluate_application(self.comparison, self.phrase)

    def take_snapshot(self):
        return take_application_snapshot(self.comparison, self.latest, self.phrase, self.drawing)

    def commands(self) -> dict:
        return super().commands() | {
            "set_phrase": lambda text: self.set_phrase(text),
            "set_drawing": lambda picture: self.set_drawing(picture),
        }

    def set_phrase(self, text: str) -> None:
        """Faces for this phrase from now on (the picture at once; its scores now too)."""
        if not isinstance(text, str) or len(text) > MAX_PHRASE:
            raise ValueError(f"a phrase is text of at most {MAX_PHRASE} characters")
        self.phrase = text
        self.flush()
        self.latest = {}
        self.publish(force_metrics=True)

    def set_drawing(self, picture) -> None:
        """The person's drawing (H, W, 4) uint8, or None to clear it."""
        self.drawing = None if picture is None else ink_from_drawing(np.asarray(picture))
        self.publish()
