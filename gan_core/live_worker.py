"""What runs inside a live run's training process: one trainer, its timeline and its metrics,
driven by commands from gan_core.live.LiveRunner over a pipe. Single-threaded: a command is
handled between two iterations, never during one.
"""
from __future__ import annotations

import bisect
import dataclasses
import time

import torch

from . import checkpoint
from .config import RunConfig, TrainConfig
from .snapshot import Snapshot, evaluate, take_snapshot
from .trainer import Trainer

TIMELINE_MILESTONES = (0, 100, 1000, 2000, 5000, 10_000, 20_000)
CHUNK_SECONDS = 0.02  # iterations run between two looks at the pipe


def scalar_metrics(metrics: dict) -> dict[str, float]:
    """The numbers of a metrics dict (mode_counts, a list, is left out): one history row."""
    return {k: float(v) for k, v in metrics.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}


class Timeline:
    """Snapshots at the milestone iterations and every `every` iterations after the last one,
    at most `capacity`: when full, every second periodic snapshot goes and the period doubles,
    so a long run keeps an even spread (milestones are always kept)."""

    def __init__(self, every: int = 5000, capacity: int = 40, milestones=TIMELINE_MILESTONES):
        self.every = every
        self.capacity = max(capacity, len(milestones) + 2)
        self.milestones = tuple(sorted(milestones))
        self._snapshots: dict[int, Snapshot] = {}

    def wants(self, iteration: int) -> bool:
        if iteration in self.milestones:
            return True
        last = self.milestones[-1] if self.milestones else 0
        return iteration > last and (iteration - last) % self.every == 0

    def add(self, snapshot: Snapshot) -> None:
        self._snapshots[snapshot.iteration] = snapshot
        if len(self._snapshots) > self.capacity:
            self.every *= 2
            last = self.milestones[-1] if self.milestones else 0
            self._snapshots = {i: s for i, s in self._snapshots.items()
                               if i in self.milestones or i <= last or (i - last) % self.every == 0}

    def iterations(self) -> list[int]:
        return sorted(self._snapshots)

    def get(self, iteration: int) -> Snapshot:
        """The kept snapshot at `iteration`, or the nearest one before it."""
        kept = self.iterations()
        index = max(bisect.bisect_right(kept, iteration) - 1, 0)
        return self._snapshots[kept[index]]

    def __len__(self) -> int:
        return len(self._snapshots)


class TrainingSession:
    """A trainer plus what the live page needs around it (snapshots, metrics, timeline, speed)."""

    def __init__(self, trainer: Trainer, *, metrics_every: int = 500, timeline_every: int = 5000,
                 timeline_capacity: int = 40, snapshot_options: dict | None = None):
        self.metrics_every = metrics_every
        self.timeline_every = timeline_every
        self.timeline_capacity = timeline_capacity
        self.snapshot_options = dict(snapshot_options or {})
        self.playing = False
        self.install(trainer)

    def install(self, trainer: Trainer) -> None:
        self.trainer = trainer
        self.playing = False
        self.timeline = Timeline(self.timeline_every, self.timeline_capacity)
        self.rate = 0.0
        self.rate_mark = (time.perf_counter(), trainer.iteration)
        self.latest_metrics: dict = {}
        self._last_metrics_iteration = -1
        self.publish(force_metrics=True)
        self.timeline.add(self.snapshot)

    def status(self) -> dict:
        trainer = self.trainer
        return {"iteration": trainer.iteration, "d_updates": trainer.d_updates, "g_updates": trainer.g_updates,
                "playing": self.playing, "rate": self.rate if self.playing else 0.0,
                "diverged": trainer.diverged, "latest_metrics": self.latest_metrics,
                "config": trainer.config.to_json()}

    def publish(self, force_metrics: bool = False) -> None:
        """Take a snapshot (with metrics when due): the one the page reads next."""
        trainer = self.trainer
        if trainer.config.data.is_image:  # image runs: ImageSnapshots and classifier metrics
            from .image_live import publish_image

            publish_image(self, force_metrics)
            return
        snapshot = take_snapshot(trainer, **self.snapshot_options)
        if force_metrics and self._last_metrics_iteration != trainer.iteration and not trainer.diverged:
            metrics = evaluate(trainer)
            self.latest_metrics = dict(metrics, iteration=trainer.iteration)
            self._last_metrics_iteration = trainer.iteration
            trainer.metric_history.offer({"iteration": trainer.iteration, **scalar_metrics(metrics)})
            snapshot = dataclasses.replace(snapshot, metrics=metrics)
        self.snapshot = snapshot

    def after_iteration(self) -> bool:
        """Metrics and timeline at the iterations they are due; True when it took a snapshot."""
        iteration = self.trainer.iteration
        metrics_due = iteration % self.metrics_every == 0
        if not (metrics_due or self.timeline.wants(iteration)):
            return False
        self.trainer.flush()
        self.publish(force_metrics=metrics_due)
        if self.timeline.wants(iteration):
            self.timeline.add(self.snapshot)
        return True

    def manual(self, update) -> None:
        trainer = self.trainer
        if trainer.diverged:
            return
        before = trainer.iteration
        update(trainer)
        trainer.flush()  # read the loss back now: a NaN shows at once
        if trainer.iteration == before or not self.after_iteration():
            self.publish()

    def train_for(self, seconds: float) -> None:
        """Iterations for about `seconds`; pauses itself when the run diverges."""
        trainer = self.trainer
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            if not trainer.step():
                self.playing = False
                self.publish()
                return
            self.after_iteration()

    def measure_rate(self) -> None:
        now, iteration = time.perf_counter(), self.trainer.iteration
        mark_time, mark_iteration = self.rate_mark
        if now > mark_time and iteration >= mark_iteration:
            rate = (iteration - mark_iteration) / (now - mark_time)
            self.rate = rate if self.rate == 0 else 0.5 * self.rate + 0.5 * rate
        self.rate_mark = (now, iteration)

    # ----- commands from the page's process --------------------------------------------------
    def handle(self, command: str, argument):
        """Do `command`; its return value goes back to the caller."""
        trainer = self.trainer
        if command == "play":
            if not trainer.diverged:
                self.playing = True
                self.rate_mark = (time.perf_counter(), trainer.iteration)
        elif command == "pause":
            self.playing = False
            trainer.flush()
            self.publish()
        elif command == "step_discriminator":
            self.manual(lambda t: t.step_discriminator())
        elif command == "step_generator":
            self.manual(lambda t: t.step_generator())
        elif command == "step_iteration":
            self.manual(lambda t: t.step())
        elif command == "apply_train_changes":
            trainer.apply_train_changes(TrainConfig(**argument))
            self.publish()
        elif command == "reset":
            self.install(Trainer(RunConfig.from_json(argument)))
        elif command == "load_checkpoint":
            self.install(checkpoint.load_trainer(argument, device=str(trainer.device)))
        elif command == "checkpoint":
            return checkpoint.to_bytes(trainer)
        elif command == "history":
            trainer.flush()
            return trainer.history.columns()
        elif command == "metric_history":
            return trainer.metric_history.columns()
        elif command == "timeline_iterations":
            return self.timeline.iterations()
        elif command == "timeline_snapshot":
            return self.timeline.get(int(argument))
        elif command == "rejection_demo":  # image runs: one round of discriminator rejection sampling
            from .rejection import rejection_demo

            trainer.flush()
            return rejection_demo(trainer, percentile=argument)
        elif command == "poison":  # tests: make the next iteration diverge
            with torch.no_grad():
                for p in trainer.generator.parameters():
                    p.fill_(float("nan"))
        else:
            raise ValueError(f"unknown command {command!r}")
        return None


def serve(connection, config_json: str, options: dict) -> None:
    """The training process's main loop: commands first, then ~20 ms of iterations while
    playing, a snapshot sent every `publish_every` seconds. Ends on "stop" or a closed pipe."""
    torch.set_num_threads(options.pop("torch_threads", 1) or torch.get_num_threads())
    publish_every = options.pop("publish_every", 0.25)
    session = TrainingSession(Trainer(RunConfig.from_json(config_json)), **options)
    connection.send(("snapshot", session.snapshot, session.status()))
    last_publish = time.perf_counter()
    while True:
        if connection.poll(0 if session.playing else 0.5):
            try:
                request_id, command, argument = connection.recv()
            except (EOFError, OSError):
                return
            if command == "stop":
                connection.send(("reply", request_id, True, None, None, None))
                return
            try:
                result = session.handle(command, argument)
                reply = ("reply", request_id, True, result, session.snapshot, session.status())
            except Exception as error:  # noqa: BLE001 - every failure goes back to the caller
                reply = ("reply", request_id, False, (type(error).__name__, str(error)), session.snapshot,
                         session.status())
            connection.send(reply)
            last_publish = time.perf_counter()
            continue
        if session.playing:
            session.train_for(CHUNK_SECONDS)
            now = time.perf_counter()
            if now - last_publish >= publish_every or not session.playing:
                session.measure_rate()
                if session.playing:
                    session.trainer.flush()
                    session.publish()
                connection.send(("snapshot", session.snapshot, session.status()))
                last_publish = now
