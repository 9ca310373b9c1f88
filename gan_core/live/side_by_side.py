"""The training process's side of runs side by side (GAN vs VAE, the applications): a
SideBySide's members stepped in turn, one snapshot of all of them, their scores every
`metrics_every` iterations, Extend, Reset, and the whole comparison saved, loaded and autosaved as
one file. A page kind gives its config class, how to build the members, how to score them and
what its snapshot holds; the pipe protocol is a single run's (gan_core.live.worker.serve drives any)."""

from __future__ import annotations

from ..config import ConfigError
from ..training import checkpoint
from .commands import PlayableSession
from .rate import RateMeter

AUTOSAVE_MAX_BYTES = 64 * 2**20


class SideBySideSession(PlayableSession):
    """Play / pause / step / reset for every member at once; pauses itself at the run's set
    iteration count. Subclasses give config_class, build(), evaluate_now(), take_snapshot() and
    default_metrics_every()."""

    config_class = None

    def __init__(self, config, *, metrics_every: int | None = None, device: str = "auto", **_):
        self.fixed_metrics_every = metrics_every
        self.device = device
        self.playing = False
        self.install(self.build(config))

    # ----- what a page kind gives ------------------------------------------------------------
    def build(self, config):
        raise NotImplementedError

    def evaluate_now(self) -> dict:
        """The members' scores now (a dict the snapshot shows)."""
        raise NotImplementedError

    def take_snapshot(self):
        raise NotImplementedError

    def default_metrics_every(self) -> int:
        raise NotImplementedError

    def record_metrics(self) -> None:
        """Keep numbers from `latest` in the members' metric histories (the curves view)."""

    # ----- shared --------------------------------------------------------------------------------
    def install(self, run) -> None:
        """Take a fresh run, paused, scored at its iteration."""
        self.comparison = run
        self.metrics_every = self.fixed_metrics_every or self.default_metrics_every()
        self.playing = False
        self.rate = RateMeter(run.iteration)
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
        if force_metrics and self.latest.get("iteration") != self.comparison.iteration:
            self.latest = self.evaluate_now()
            self.record_metrics()
        self.snapshot = self.take_snapshot()

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
            "reset": lambda text: self.install(self.build(self.config_class.from_json(text))),
            "checkpoint": lambda _: self.to_bytes(),
            "load_checkpoint": lambda data: self.install(self.from_bytes(data)),
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

    # ----- one file for every member -------------------------------------------------------------
    def to_bytes(self) -> bytes:
        self.flush()
        return checkpoint.side_by_side_bytes(self.comparison, self.comparison.config)

    def from_bytes(self, data: bytes):
        """The saved run, rebuilt from scratch and filled; the current one stays on any error."""

        def build(config):
            return self.build(config.replace(shipped=False) if hasattr(config, "shipped") else config)

        run = checkpoint.read_side_by_side(data, self.config_class, build)
        run.at_least(run.iteration)
        return run

    def autosave(self) -> tuple[int, bytes] | None:
        """Every member, kept by the page's process: if this process dies, the page goes on from it."""
        data = self.to_bytes()
        return (self.comparison.iteration, data) if len(data) <= AUTOSAVE_MAX_BYTES else None
