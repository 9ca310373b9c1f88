"""The training process's side of a live GAN-vs-VAE comparison: the members of a
gan_core.training.gan_vs_vae.GanVsVae stepped in turn (gan_core.live.side_by_side), scored with the
comparison table every `metrics_every` iterations. The page side is a GanVsVaeRunner."""

from __future__ import annotations

from ..evaluation.gan_vs_vae import evaluate_gan_vs_vae
from ..training.gan_vs_vae import GanVsVae, GanVsVaeConfig
from ..views.gan_vs_vae import take_gan_vs_vae_snapshot
from .side_by_side import SideBySideSession

# Iterations between two scorings of every member: a 2D scoring takes ~0.1 s per member, an image
# one ~1 s (1,000 samples through the classifier, the importance-weighted bound on 359 digits).
METRICS_EVERY = {"toy": 500, "image": 1000}


class GanVsVaeSession(SideBySideSession):
    config_class = GanVsVaeConfig

    def build(self, config: GanVsVaeConfig) -> GanVsVae:
        return GanVsVae(config, self.device)

    def default_metrics_every(self) -> int:
        return METRICS_EVERY[self.comparison.config.kind]

    def evaluate_now(self) -> dict:
        return evaluate_gan_vs_vae(self.comparison)

    def record_metrics(self) -> None:
        for row in self.latest["table"]:
            trainer = self.comparison.trainers.get(row["model"])
            if trainer is not None:  # not the real ceiling
                numbers = {k: float(v) for k, v in row.items() if isinstance(v, (int, float)) and k != "width"}
                trainer.metric_history.offer({"iteration": self.comparison.iteration, **numbers})

    def take_snapshot(self):
        return take_gan_vs_vae_snapshot(self.comparison, self.latest)
