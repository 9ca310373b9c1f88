"""What runs inside a live run's training process: one trainer, its timeline and its metrics,
driven by commands from gan_core.live.runner.LiveRunner over a pipe. Single-threaded: a command
is handled between two iterations, never during one. Snapshots come from the publisher
registered for the run's kind (gan_core.live.publishers)."""

from __future__ import annotations

import os
import time

import torch

# torch's optimisers import torch._dynamo on first use (a second); here it is imported once, in the
# forkserver that preloads this module, so that no training process pays it again.
import torch._dynamo  # noqa: F401

from ..config import ConfigError, RunConfig, TrainConfig, check_kind
from ..evaluation.image_run import rejection_demo
from ..training import Trainer, checkpoint
from ..training.compare import CompareConfig
from ..training.gan_vs_vae import GanVsVaeConfig
from ..training.slow_motion import SlowMotion
from ..training.theory import TheoryConfig
from ..views.slow_motion import slow_motion_view
from .commands import PlayableSession
from .compare import CompareSession
from .gan_vs_vae import GanVsVaeSession
from .publishers import publisher_for
from .rate import RateMeter
from .theory import TheorySession
from .timeline import Timeline

CHUNK_SECONDS = 0.02  # iterations run between two looks at the pipe
AUTOSAVE_SECONDS = 3.0  # of training between two autosaves sent to the page's process
AUTOSAVE_MAX_BYTES = 64 * 2**20  # a run bigger than this is not autosaved (the page's memory)
TRAINING_NICENESS = 10
# Commands that leave a slow-motion walk half done; every other command finishes its iteration first.
KEEP_SLOW_MOTION = {"pause", "history", "metric_history", "timeline_iterations", "timeline_snapshot"}


class TrainingSession(PlayableSession):
    """A trainer plus what the live page needs around it (snapshots, metrics, timeline, speed).
    `kind` ("toy" or "image") is the kind of run the page shows: a reset or a checkpoint of the
    other kind is refused and the current run kept."""

    def __init__(
        self,
        trainer: Trainer,
        *,
        kind: str,
        metrics_every: int = 500,
        timeline_every: int = 5000,
        timeline_capacity: int = 40,
        snapshot_options: dict | None = None,
    ):
        self.kind = kind
        self.metrics_every = metrics_every
        self.timeline_every = timeline_every
        self.timeline_capacity = timeline_capacity
        self.snapshot_options = dict(snapshot_options or {})
        self.playing = False
        self.install(trainer)

    def install(self, trainer: Trainer) -> None:
        check_kind(trainer.config, self.kind)
        self.trainer = trainer
        self.publisher = publisher_for(trainer.config)
        self.playing = False
        self.timeline = Timeline(self.timeline_every, self.timeline_capacity)
        self.rate = RateMeter(trainer.iteration)
        self.latest_metrics: dict = {}
        self._last_metrics_iteration = -1
        self._config_sent = None
        self.publish(force_metrics=True)
        self.timeline.add(self.snapshot)

    def flush(self) -> None:
        self.trainer.flush()

    def autosave(self) -> tuple[int, bytes] | None:
        """The run as a checkpoint, kept by the page's process: if this process dies (the
        out-of-memory killer), the page offers to go on from it."""
        data = checkpoint.to_bytes(self.trainer)
        return (self.trainer.iteration, data) if len(data) <= AUTOSAVE_MAX_BYTES else None

    def status(self) -> dict:
        trainer = self.trainer
        return {
            "iteration": trainer.iteration,
            "updates": dict(trainer.updates),
            "playing": self.playing,
            "rate": self.rate.rate if self.playing else 0.0,
            "diverged": trainer.diverged,
            "diverged_at": trainer.diverged_at,
            "latest_metrics": self.latest_metrics,
            "learning_rate_factor": trainer.learning_rate_factor,
            "timeline": self.timeline.describe(),
            **self.config_once(),
        }

    def config_once(self) -> dict:
        """{"config": JSON} the first time status() sees a config, else {}: a run's config can hold
        100,000 uploaded points (~3 MB of JSON), which must not go to the page with every snapshot
        four times a second. The page keeps the last config it was sent."""
        config = self.trainer.config
        if config is self._config_sent:
            return {}
        self._config_sent = config
        return {"config": config.to_json()}

    def publish(self, force_metrics: bool = False) -> None:
        """Take a snapshot (with metrics when due): the one the page reads next."""
        trainer = self.trainer
        with_metrics = force_metrics and self._last_metrics_iteration != trainer.iteration and not trainer.diverged
        snapshot, metrics, row = self.publisher(trainer, with_metrics, self.snapshot_options)
        if metrics is not None:
            self.latest_metrics = dict(metrics, iteration=trainer.iteration)
            self._last_metrics_iteration = trainer.iteration
            if row:
                trainer.metric_history.offer({"iteration": trainer.iteration, **row})
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

    @property
    def iteration(self) -> int:
        return self.trainer.iteration

    def can_train(self) -> bool:
        return not self.trainer.diverged

    def advance(self) -> bool:
        """One iteration; False (and the run paused by train_for) when it diverged."""
        if not self.trainer.step():
            return False
        self.after_iteration()
        return True

    # ----- commands from the page's process --------------------------------------------------
    def commands(self) -> dict:
        trainer = self.trainer
        return super().commands() | {
            "slow_motion_next": lambda _: self.slow_motion_next(),
            "update": lambda group: self.manual(lambda t: t.manual_update(group)),
            "step_iteration": lambda _: self.manual(lambda t: t.step()),
            "roll_back": lambda _: self.roll_back(),
            "apply_train_changes": lambda fields: self.apply_train_changes(TrainConfig(**fields)),
            "reset": lambda text: self.reset(RunConfig.from_json(text)),
            "load_checkpoint": lambda data: self.install(
                checkpoint.load_trainer(data, device=str(trainer.device), kind=self.kind)
            ),
            "checkpoint": lambda _: checkpoint.to_bytes(trainer),
            "history": lambda _: self.history(),
            "metric_history": lambda _: trainer.metric_history.columns(),
            "timeline_iterations": lambda _: self.timeline.iterations(),
            "timeline_snapshot": lambda iteration: self.timeline.get(int(iteration)),
            "rejection_demo": lambda percentile: self.rejection_demo(percentile),  # one round of D's rejection
        }

    def handle(self, command: str, argument):
        """Do `command`; its return value goes back to the caller. A half-walked slow-motion
        iteration is finished first unless the command only looks."""
        if command != "slow_motion_next" and command not in KEEP_SLOW_MOTION:
            self.finish_slow_motion()
        return super().handle(command, argument)

    def roll_back(self) -> None:
        self.trainer.roll_back()
        self.publish()

    def apply_train_changes(self, train: TrainConfig) -> None:
        self.trainer.apply_train_changes(train)
        self.publish()

    def reset(self, config: RunConfig) -> None:
        check_kind(config, self.kind, "this configuration")
        self.install(Trainer(config))

    def history(self) -> dict:
        self.trainer.flush()
        return self.trainer.history.columns()

    def rejection_demo(self, percentile):
        self.trainer.flush()
        return rejection_demo(self.trainer, percentile=percentile)

    # ----- slow motion: one iteration as its sub-steps (gan_core.training.slow_motion) ----------
    def slow_motion_next(self):
        """Pause, do the next sub-step of the iteration being walked through (starting one when
        none is), publish a snapshot and return its SlowMotionView."""
        self.playing = False
        walk = getattr(self, "_slow_motion", None)
        if walk is None or walk.trainer is not self.trainer:
            walk = self._slow_motion = SlowMotion(self.trainer)
        before = self.snapshot
        step = walk.next()
        self.trainer.flush()
        if not (step.finished and self.after_iteration()):
            self.publish()
        return slow_motion_view(step, self.snapshot, before)

    def finish_slow_motion(self) -> None:
        """Before the run trains, steps or changes otherwise: finish a half-walked iteration, so
        the trainer is where step() would have left it."""
        walk = getattr(self, "_slow_motion", None)
        if walk is None or walk.trainer is not self.trainer or not walk.in_progress:
            return
        walk.finish()
        self.trainer.flush()
        if not self.after_iteration():
            self.publish()


def _single_session(config_json: str, **options) -> TrainingSession:
    return TrainingSession(Trainer(RunConfig.from_json(config_json)), **options)


def _gan_vs_vae_session(config_json: str, **options) -> GanVsVaeSession:
    return GanVsVaeSession(GanVsVaeConfig.from_json(config_json), **options)


def _applications_session(config_json: str, **options):
    from ..training.applications import ApplicationConfig
    from .applications import ApplicationsSession

    return ApplicationsSession(ApplicationConfig.from_json(config_json), **options)


def _theory_session(config_json: str, **options) -> TheorySession:
    return TheorySession(TheoryConfig.from_json(config_json), **options)


def _compare_session(config_json: str, **options) -> CompareSession:
    return CompareSession(CompareConfig.from_json(config_json), **options)


# What a live page trains: one run, a GAN-vs-VAE comparison (gan_core.live.gan_vs_vae), an
# application's models (gan_core.live.applications), the
# theory page's side-by-side 1D runs (gan_core.live.theory) or the 2D lab's Compare mode
# (gan_core.live.compare).
SESSIONS = {
    "single": _single_session,
    "gan_vs_vae": _gan_vs_vae_session,
    "applications": _applications_session,
    "theory": _theory_session,
    "compare": _compare_session,
}


def serve(connection, config_json: str, options: dict) -> None:
    """The training process's main loop: commands first, then ~20 ms of iterations while
    playing, a snapshot sent every `publish_every` seconds. Ends on "stop" or a closed pipe."""
    torch.set_num_threads(options.pop("torch_threads", 1) or torch.get_num_threads())
    if hasattr(os, "nice"):
        # Below the web server: a page opening or redrawing goes first, training takes the rest of
        # the CPU (bench/classroom_load.py: with 30 sessions on 2 cores a new page waited up to
        # 30 s while the training processes held both cores at the server's priority).
        os.nice(TRAINING_NICENESS)
    publish_every = options.pop("publish_every", 0.25)
    try:
        session = SESSIONS[options.pop("session", "single")](config_json, **options)
    except (ConfigError, ValueError, RuntimeError) as error:
        connection.send(("failed", f"{type(error).__name__}: {error}"))
        return
    connection.send(("snapshot", session.snapshot, session.status()))
    last_publish = time.perf_counter()
    trained_since_autosave = 0.0  # seconds of training
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
                reply = (
                    "reply",
                    request_id,
                    False,
                    (type(error).__name__, str(error)),
                    session.snapshot,
                    session.status(),
                )
            connection.send(reply)
            last_publish = time.perf_counter()
            continue
        if session.playing:
            started = time.perf_counter()
            session.train_for(CHUNK_SECONDS)
            trained_since_autosave += time.perf_counter() - started
            if trained_since_autosave >= AUTOSAVE_SECONDS and hasattr(session, "autosave"):
                saved = session.autosave()
                if saved is not None:
                    connection.send(("autosave", *saved))
                trained_since_autosave = 0.0
            now = time.perf_counter()
            if now - last_publish >= publish_every or not session.playing:
                session.measure_rate()
                if session.playing:
                    session.flush()  # may find a loss that was not finite: the run stops in this status
                    session.playing = session.can_train()
                    session.publish()
                connection.send(("snapshot", session.snapshot, session.status()))
                last_publish = now
