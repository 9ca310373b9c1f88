"""The training process's side of a live GAN-vs-VAE comparison: the members of a
gan_core.training.gan_vs_vae.GanVsVae stepped in turn, one snapshot of all of them, and the
comparison table evaluated every `metrics_every` iterations. It answers the same pipe protocol
as a single run's TrainingSession (gan_core.live.worker.serve drives either), so the page side is
a LiveRunner started with session="gan_vs_vae"."""

from __future__ import annotations

from ..config import ConfigError
from ..evaluation.gan_vs_vae import evaluate_gan_vs_vae
from ..training.gan_vs_vae import GanVsVae, GanVsVaeConfig
from ..views.gan_vs_vae import take_gan_vs_vae_snapshot
from .commands import PlayableSession
from .rate import RateMeter

# Iterations between two scorings of every member: a 2D scoring takes ~0.1 s per member, an image
# one ~1 s (1,000 samples through the classifier, the importance-weighted bound on 359 digits).
METRICS_EVERY = {"toy": 500, "image": 1000}


class GanVsVaeSession(PlayableSession):
    """Play / pause / step / reset for every member at once; pauses itself at the comparison's
    iteration count (every member has then trained the same number of iterations)."""

    def __init__(self, config: GanVsVaeConfig, *, metrics_every: int | None = None, device: str = "auto", **_):
        self.fixed_metrics_every = metrics_every
        self.device = device
        self.playing = False
        self.install(GanVsVae(config, device))

    def install(self, comparison: GanVsVae) -> None:
        """Take a fresh comparison (of either kind of data), paused, scored at iteration 0."""
        self.comparison = comparison
        self.metrics_every = self.fixed_metrics_every or METRICS_EVERY[comparison.config.kind]
        self.playing = False
        self.rate = RateMeter(comparison.iteration)
        self.latest: dict = {}
        self.publish(force_metrics=True)

    def flush(self) -> None:
        self.comparison.flush()

    def status(self) -> dict:
        comparison = self.comparison
        return {
            "iteration": comparison.iteration,
            "playing": self.playing,
            "rate": self.rate.rate if self.playing else 0.0,
            "diverged": None if not comparison.all_diverged else "every model diverged",
            "finished": comparison.finished,
            "latest_metrics": {"iteration": self.latest.get("iteration", 0)},
            "config": comparison.config.to_json(),
        }

    def publish(self, force_metrics: bool = False) -> None:
        comparison = self.comparison
        if force_metrics and self.latest.get("iteration") != comparison.iteration:
            self.latest = evaluate_gan_vs_vae(comparison)
            for row in self.latest["table"]:
                trainer = comparison.trainers.get(row["model"])
                if trainer is not None:  # not the real ceiling
                    numbers = {k: float(v) for k, v in row.items() if isinstance(v, (int, float)) and k != "width"}
                    trainer.metric_history.offer({"iteration": comparison.iteration, **numbers})
        self.snapshot = take_gan_vs_vae_snapshot(comparison, self.latest)

    def after_iteration(self) -> None:
        if self.comparison.iteration % self.metrics_every == 0 or self.comparison.finished:
            self.flush()
            self.publish(force_metrics=True)

    @property
    def iteration(self) -> int:
        return self.comparison.iteration

    @property
    def finished(self) -> bool:
        return self.comparison.finished

    def can_train(self) -> bool:
        return not self.comparison.all_diverged

    def advance(self) -> bool:
        if not self.comparison.step():
            return False
        self.after_iteration()
        return True

    def commands(self) -> dict:
        return super().commands() | {
            "histories": lambda _: self.member_histories(),
            "evaluate": lambda _: self.evaluate(),
            "extend": lambda iterations: self.extend(int(iterations)),  # rates decay over the new length
            "reset": lambda text: self.install(GanVsVae(GanVsVaeConfig.from_json(text), self.device)),
        }

    def member_histories(self) -> dict:
        """Per member: losses per iteration, scores per evaluation."""
        self.flush()
        return {
            name: {"losses": t.history.columns(), "metrics": t.metric_history.columns()}
            for name, t in self.comparison.trainers.items()
        }

    def evaluate(self) -> None:
        self.flush()
        self.publish(force_metrics=True)

    def extend(self, iterations: int) -> None:
        comparison = self.comparison
        if iterations <= comparison.iteration:
            raise ConfigError(f"the comparison is already at iteration {comparison.iteration:,}")
        comparison.config = comparison.config.replace(iterations=iterations)
        comparison.extend(iterations)
        self.publish()
