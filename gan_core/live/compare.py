"""The training process's side of the 2D lab's Compare mode: up to 8 variants trained in lockstep
(gan_core.training.compare_trainer), scored every few hundred iterations, published as one
CompareSnapshot. It answers the same pipe protocol as a lab's TrainingSession, so the page side
is a LiveRunner started with session="compare" (CompareRunner)."""

from __future__ import annotations

import time

from ..config import check_kind
from ..evaluation import evaluate_run
from ..evaluation.toy_run import metric_row
from ..training import checkpoint
from ..training.compare import CompareConfig
from ..training.compare_trainer import CompareTrainer
from ..training.history import BoundedHistory
from ..views.compare import take_compare_snapshot
from .commands import PlayableSession
from .rate import RateMeter

METRICS_EVERY = 500  # iterations between two scorings of every variant (~70-120 ms each), at least
SCORING_SHARE = 0.1  # ...and more when scoring would take more than this share of the time


class CompareSession(PlayableSession):
    def __init__(self, config: CompareConfig, *, metrics_every: int | None = None, device: str = "auto", **_):
        self.metrics_every = metrics_every or METRICS_EVERY
        self.device = None if device == "auto" else device
        self.playing = False
        self.install(config)

    def install(self, config: CompareConfig) -> None:
        configs = config.configs()
        for name, run in configs.items():
            check_kind(run, "toy", f"the variant {name}")
        self.runs = CompareTrainer(configs, device=self.device)
        self.config = config
        self.playing = False
        self.rate = RateMeter(0)
        self.metric_columns: dict[str, dict[str, list]] = {name: {} for name in self.runs.names}
        self.next_score = self.metrics_every
        self.scored_at = 0
        self.training_seconds = 0.0  # since the last scoring
        self.score()
        self.publish()

    def score(self) -> None:
        """One metric row per variant still training (at the lockstep iteration). The next one
        is due `metrics_every` iterations later, or later still (in steps of `metrics_every`) if
        scoring took more than SCORING_SHARE of the time: 8 small variants train 500 iterations
        in under 2 s and take half a second to score."""
        started = time.perf_counter()
        trained = self.runs.iteration - self.scored_at
        iterations_per_second = trained / max(self.training_seconds, 1e-9)
        self._score_rows()
        seconds = time.perf_counter() - started
        steps = 1
        if trained > 0 and self.training_seconds > 0:
            wanted = seconds / SCORING_SHARE * iterations_per_second  # iterations to train meanwhile
            steps = max(1, -(-int(wanted) // self.metrics_every))
        self.next_score = self.runs.iteration + steps * self.metrics_every
        self.scored_at = self.runs.iteration
        self.training_seconds = 0.0

    def _score_rows(self) -> None:
        for name in self.runs.running:
            trainer = self.runs.trainer(name, with_history=False)
            row = {"iteration": trainer.iteration, **metric_row(evaluate_run(trainer))}
            columns = self.metric_columns[name]
            for key, value in row.items():
                columns.setdefault(key, []).append(value)

    def publish(self) -> None:
        self.snapshot = take_compare_snapshot(self.runs, self.metric_columns)

    def flush(self) -> None:
        self.runs.flush()

    def status(self) -> dict:
        all_stopped = not self.runs.running
        return {
            "iteration": self.runs.iteration,
            "playing": self.playing,
            "rate": self.rate.rate if self.playing else 0.0,
            "diverged": "every variant diverged" if all_stopped else None,
            "config": self.config.to_json(),
        }

    def advance(self) -> bool:
        started = time.perf_counter()
        if not self.runs.step():
            return False
        self.training_seconds += time.perf_counter() - started
        if self.runs.iteration >= self.next_score:
            self.runs.flush()
            self.score()
        return True

    @property
    def iteration(self) -> int:
        return self.runs.iteration

    def can_train(self) -> bool:
        return bool(self.runs.running)

    def commands(self) -> dict:
        return super().commands() | {
            "evaluate": lambda _: self.evaluate(),
            "reset": lambda text: self.install(CompareConfig.from_json(text)),
            "variant_checkpoint": lambda name: self.variant_checkpoint(name),  # "continue this one alone"
        }

    def evaluate(self) -> None:
        self.score()
        self.publish()

    def variant_checkpoint(self, name: str) -> bytes:
        """One variant as a run of its own, its scores so far included."""
        if name not in self.runs.names:
            raise ValueError(f"there is no variant {name!r}; the variants are {', '.join(self.runs.names)}")
        trainer = self.runs.trainer(name)
        trainer.metric_history = BoundedHistory(trainer.metric_history.capacity)  # its scores come along
        columns = self.metric_columns[name]
        for index in range(len(columns.get("iteration", []))):
            trainer.metric_history.offer({key: values[index] for key, values in columns.items()})
        return checkpoint.to_bytes(trainer)
