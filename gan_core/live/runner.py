"""A per-session live run: a GAN trains in the background while a page reads snapshots of it.

Three designs were measured with bench/live_speed.py (ring preset, the lab open in Chromium and
redrawing, on a 2-core machine shared with other work):

- chunks of iterations inside a timed `st.fragment`: every redraw (building and sending the
  figures, 20-70 ms of Python) is time taken from training, so it was not pursued;
- a worker thread in the server process: training and the page's scripts share one GIL.
  Streamlit's full `gc.collect()` after every rerun (now off in .streamlit/config.toml) and the
  plotly figure building held the GIL so often that training ran at 33-50% of headless, and a
  plain drawing thread at 4 Hz alone cost it 35% (with no browser at all);
- a worker *process* per session (this module): training has its own interpreter and GIL; the
  page's process only unpickles a snapshot (~40 kB) four times a second, 0.08 of a core in all.
  Without a browser it trains at 90-99% of headless (the rest is the metrics). With Chromium on
  the same 2 cores, the process is never blocked but waits for a CPU more than half the time:
  the browser's redrawing takes ~0.8 of a core. That share belongs to the user's own machine
  in real use; see the bench's output for the figures.

`LiveRunner` is the page-side handle. A receiver thread (which never calls Streamlit) takes the
snapshots the training process sends about every 0.25 s and keeps the latest under a lock;
every other call (play, pause, manual steps, live setting changes, reset, checkpoint save and
load, histories, timeline) is a request over the pipe that the training process handles
*between* iterations, which is what makes checkpointing a running trainer safe. Errors come back
as the same exception types (ConfigError, CheckpointError). `stop()` ends the process; the page
calls it from a session-scoped cache's `on_release`, and the process also exits on its own when
the pipe closes (the server went away). The training process uses one torch thread: tiny MLPs
gain nothing from intra-op parallelism, and an OpenMP pool spinning against the web server and
the browser for 2 cores made training an order of magnitude slower.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import sys
import threading
import types
import weakref

from ..config import ConfigError, KindError, RunConfig, TrainConfig
from ..training.checkpoint import CheckpointError
from ..training.compare import CompareConfig
from ..training.theory import TheoryConfig
from .worker import serve

REQUEST_TIMEOUT = 120.0  # seconds; a checkpoint load or the first snapshot on a busy machine
ERRORS = {
    "ConfigError": ConfigError,
    "KindError": KindError,
    "DataUnavailableError": ConfigError,
    "CheckpointError": CheckpointError,
    "ValueError": ValueError,
    "RejectionUnavailableError": ValueError,
    "ClassifierUnavailableError": ValueError,
    "KeyError": ValueError,
    "RuntimeError": RuntimeError,
}


class LiveRunnerError(RuntimeError):
    """The training process is gone or did not answer."""


ERRORS["LiveRunnerError"] = LiveRunnerError


class LiveRunner:
    """Train `config` in a background process; read its snapshots; play, pause, step, change.

    kind: the kind of run the page shows ("toy" or "image", the config's by default); a reset or a
    checkpoint of the other kind is refused. publish_every: seconds between snapshots while
    playing. metrics_every: iterations between metric evaluations (offered into the trainer's
    metric_history). timeline_every: the period of timeline snapshots after the milestones, at
    most timeline_capacity of them.
    """

    def __init__(
        self,
        config: RunConfig | None = None,
        *,
        kind: str | None = None,
        publish_every: float = 0.25,
        metrics_every: int = 500,
        timeline_every: int = 5000,
        timeline_capacity: int = 40,
        torch_threads: int = 1,
        snapshot_options: dict | None = None,
        session: str = "single",
        wait: bool = True,
        turns=None,
    ):
        self._config = config or RunConfig()
        self._kind = kind or self._config.kind
        self.turns = turns  # a gan_core.live.turns.Turns shared by the server's runners, or None
        self._was_playing = False
        self.publish_every = publish_every
        self.metrics_every = metrics_every
        self.timeline_every = timeline_every
        options = dict(
            kind=self._kind,
            publish_every=publish_every,
            metrics_every=metrics_every,
            timeline_every=timeline_every,
            timeline_capacity=timeline_capacity,
            torch_threads=torch_threads,
            snapshot_options=dict(snapshot_options or {}),
            session=session,
        )
        context = _context()
        self._connection, child = context.Pipe()
        self._process = context.Process(
            target=serve, args=(child, self._config.to_json(), options), name="gan-live-trainer", daemon=True
        )
        with _plain_main():
            self._process.start()
        child.close()
        self._lock = threading.Lock()  # guards the latest snapshot/status and the replies
        self._send_lock = threading.Lock()
        self._first = threading.Event()
        self._replies: dict[int, tuple] = {}
        self._waiting: dict[int, threading.Event] = {}
        self._ids = itertools.count()
        self._snapshot = None
        self._status: dict = {}
        self._closed = False
        # (iteration, checkpoint bytes): the run as the training process last autosaved it (every
        # few seconds of training; single runs only), kept here in case that process dies.
        self.autosave: tuple[int, bytes] | None = None
        self._receiver = threading.Thread(target=self._receive, name="gan-live-receiver", daemon=True)
        self._receiver.start()
        self._finalizer = weakref.finalize(self, _shut_down, self._process, self._connection)
        if not wait:
            # A page draws at once: the untrained networks' snapshot, computed here, is the one the
            # training process will send first (the same seed builds the same weights), but for the
            # metrics, which come with the process's first snapshot.
            self._snapshot = provisional_snapshot(self._config, options["snapshot_options"], session)
            return
        if not self._first.wait(REQUEST_TIMEOUT) or self._snapshot is None:
            self.stop()
            raise LiveRunnerError("the training process did not start: " + self._status.get("error", "no answer"))

    # ----- what the page reads (no round trip) -----------------------------------------------
    @property
    def snapshot(self):
        """The latest snapshot (immutable: safe to read from any thread)."""
        return self._snapshot

    @property
    def kind(self) -> str:
        """The kind of run the page shows ("toy" or "image"): a reset to the other kind is refused."""
        return self._kind

    @property
    def ready(self) -> bool:
        """The training process has sent its first snapshot (before that, the snapshot is the
        provisional one computed in this process)."""
        return self._first.is_set()

    @property
    def config(self) -> RunConfig:
        return self._config

    @property
    def playing(self) -> bool:
        return bool(self._status.get("playing")) and self.alive

    @property
    def iteration(self) -> int:
        return int(self._status.get("iteration", 0))

    @property
    def updates(self) -> dict[str, int]:
        """Updates so far per update group (for a GAN: "discriminator", "generator")."""
        return dict(self._status.get("updates", {}))

    @property
    def timeline_description(self) -> str:
        """When the timeline keeps snapshots, in words ("at iterations 0, 100, ... and every 5,000 after that")."""
        return self._status.get("timeline", "")

    @property
    def learning_rate_factor(self) -> float:
        """What the learning-rate schedule multiplies the rates by now (0 once decay has ended)."""
        return float(self._status.get("learning_rate_factor", 1.0))

    @property
    def iterations_per_second(self) -> float:
        """Measured in the training process over the latest publishing interval; 0 when paused."""
        return float(self._status.get("rate", 0.0)) if self.playing else 0.0

    @property
    def diverged(self) -> str | None:
        return self._status.get("diverged")

    @property
    def diverged_at(self) -> int | None:
        """The iteration whose loss was not finite (the networks are back at `iteration`)."""
        return self._status.get("diverged_at")

    @property
    def latest_metrics(self) -> dict:
        """The latest metrics (mode_counts included) and the iteration they were taken at."""
        return self._status.get("latest_metrics", {})

    @property
    def alive(self) -> bool:
        return not self._closed and self._process.is_alive()

    # ----- requests (answered between two iterations) ----------------------------------------
    @property
    def place_in_line(self) -> int:
        """0 unless this run waits for its turn to train; then its place (1 = next)."""
        return self.turns.place(self) if self.turns is not None else 0

    def play(self) -> None:
        """Train; with shared turns, wait in line first when the machine already trains its limit."""
        if self.turns is None or self.turns.ask(self) == 0:
            self._request("play")

    def pause(self) -> None:
        if self.turns is not None:
            self.turns.leave(self)  # out of the line too: a paused run does not wait
        self._request("pause")

    def start_turn(self) -> None:
        """Called by the shared turns when this run's turn comes."""
        try:
            self._request("play")
        except LiveRunnerError:
            self.turns.leave(self)

    def end_turn(self) -> None:
        """Called by the shared turns when others wait and this run has had its turn: it pauses
        and waits at the back of the line, to go on by itself."""
        try:
            self._request("pause")
        except LiveRunnerError:
            self.turns.leave(self)

    def update(self, group: str):
        """One update of `group` (e.g. "discriminator"); the iteration count stays."""
        self._request("update", group)
        return self._snapshot

    def step_iteration(self):
        """One full iteration: k discriminator then m generator updates."""
        self._request("step_iteration")
        return self._snapshot

    def roll_back(self) -> None:
        """After a divergence: go on from the last good copy the networks were restored to."""
        self._request("roll_back")

    def apply_train_changes(self, train: TrainConfig) -> None:
        """Live settings (loss, k, m, learning rates, clip, penalty), taken between iterations.
        Raises ConfigError naming the settings that need a reset."""
        self._request("apply_train_changes", _train_dict(train))

    def reset(self, config: RunConfig | None = None) -> None:
        """A fresh trainer (with `config`, or the current one), paused at iteration 0."""
        self._request("reset", (config or self._config).to_json())
        self.autosave = None  # the run it saved is gone on purpose

    def load_checkpoint(self, source) -> None:
        """Replace the run by a saved one (bytes or a path). A bad file raises CheckpointError
        and keeps the current run untouched."""
        if not isinstance(source, (bytes, bytearray)):
            with open(source, "rb") as file:
                source = file.read()
        self._request("load_checkpoint", bytes(source))
        self.autosave = None

    def checkpoint_bytes(self) -> bytes:
        return self._request("checkpoint")

    def history_columns(self) -> dict[str, list]:
        return self._request("history")

    def metric_columns(self) -> dict[str, list]:
        return self._request("metric_history")

    def timeline_iterations(self) -> list[int]:
        """The iterations the timeline kept, oldest first."""
        return self._request("timeline_iterations")

    def timeline_snapshot(self, iteration: int):
        """The kept snapshot at `iteration`, or the nearest one before it."""
        return self._request("timeline_snapshot", int(iteration))

    def rejection_demo(self, percentile: float | None) -> dict:
        """One round of discriminator rejection sampling on the current networks (see
        gan_core.evaluation.image_run.rejection_demo); raises ValueError / RuntimeError with a
        message for a person (e.g. a loss without a density ratio)."""
        return self._request("rejection_demo", percentile)

    def slow_motion_next(self):
        """Slow motion: pause, then the next sub-step of one iteration (a new iteration after the
        last one), as a gan_core.views.slow_motion.SlowMotionView. Raises ValueError with a message
        for a person when the run cannot be walked through (diverged, not a GAN)."""
        if self.turns is not None:
            self.turns.leave(self)  # paused by the training process: out of the line too
        return self._request("slow_motion_next")

    def stop(self, timeout: float | None = 5.0) -> None:
        """End the training process (idempotent)."""
        if self.turns is not None:
            self.turns.leave(self)
        if not self._closed and self._process.is_alive():
            try:
                self._request("stop", timeout=timeout or REQUEST_TIMEOUT)
            except (LiveRunnerError, OSError):
                pass
        self._closed = True
        self._finalizer()  # joins, or terminates a process that does not end
        self._receiver.join(timeout)

    def join(self, timeout: float | None = None) -> None:
        self._process.join(timeout)

    # ----- inside ----------------------------------------------------------------------------
    def _request(self, command: str, argument=None, timeout: float = REQUEST_TIMEOUT):
        if self._closed or not self._process.is_alive():
            raise LiveRunnerError("the training process has stopped; reset the page to start a new one")
        request_id = next(self._ids)
        done = threading.Event()
        with self._lock:
            self._waiting[request_id] = done
        try:
            with self._send_lock:
                self._connection.send((request_id, command, argument))
            if not done.wait(timeout):
                raise LiveRunnerError(f"the training process did not answer {command!r} within {timeout:.0f} s")
            with self._lock:
                ok, result = self._replies.pop(request_id)
        finally:
            with self._lock:
                self._waiting.pop(request_id, None)
        if not ok:
            kind, message = result
            raise ERRORS.get(kind, RuntimeError)(message)
        return result

    def _receive(self) -> None:
        while True:
            try:
                message = self._connection.recv()
            except (EOFError, OSError):
                break
            if message[0] == "failed":
                self._status = {"error": message[1]}
                break
            if message[0] == "snapshot":
                _, snapshot, status = message
                self._publish(snapshot, status)
                self._first.set()
            elif message[0] == "autosave":
                self.autosave = (message[1], message[2])
            else:
                _, request_id, ok, result, snapshot, status = message
                if snapshot is not None:
                    self._publish(snapshot, status)
                with self._lock:
                    self._replies[request_id] = (ok, result)
                    event = self._waiting.get(request_id)
                if event is not None:
                    event.set()
        self._closed = True
        self._first.set()
        with self._lock:
            for event in self._waiting.values():
                event.set()
            for request_id in self._waiting:
                self._replies.setdefault(request_id, (False, ("LiveRunnerError", "the training process ended")))

    def _publish(self, snapshot, status: dict) -> None:
        playing = bool(status.get("playing"))
        if self.turns is not None and self._was_playing and not playing:
            self.turns.finished(self)  # it paused itself (finished, diverged): the slot goes on
        self._was_playing = playing
        with self._lock:
            self._snapshot = snapshot
            self._status = status
            if status.get("config") and status["config"] != getattr(self, "_config_json", None):
                self._config_json = status["config"]
                self._config = type(self._config).from_json(status["config"])


class SideBySideRunner(LiveRunner):
    """Runs side by side in one training process (gan_core.live.side_by_side): a GAN-vs-VAE
    comparison or an application's models. `config` is the page's JsonConfig."""

    session = ""

    def __init__(self, config, *, metrics_every: int | None = None, publish_every: float = 0.5, **options):
        super().__init__(
            config, kind=config.kind, session=self.session, metrics_every=metrics_every,
            publish_every=publish_every, **options,
        )  # fmt: skip

    @property
    def kind(self) -> str:
        """ "toy" or "image": the data of the comparison now (a reset may change it)."""
        return self._config.kind

    @property
    def finished(self) -> bool:
        """Every member has trained the comparison's iterations."""
        return bool(self._status.get("finished"))

    def evaluate(self) -> None:
        """Score every member now, not at the next due iteration."""
        self._request("evaluate")

    def histories(self) -> dict[str, dict]:
        """Per member name: {"losses": columns per iteration, "metrics": columns per evaluation}."""
        return self._request("histories")

    def extend(self, iterations: int) -> None:
        """Raise the comparison's length (every member's decay stretches to it)."""
        self._request("extend", int(iterations))


class GanVsVaeRunner(SideBySideRunner):
    """A live GAN-vs-VAE comparison (gan_core.live.gan_vs_vae); snapshots are GanVsVaeSnapshots."""

    session = "gan_vs_vae"


class ApplicationsRunner(SideBySideRunner):
    """One application's models, live (gan_core.live.applications); snapshots are ApplicationSnapshots."""

    session = "applications"

    def set_phrase(self, text: str) -> None:
        self._request("set_phrase", text)

    def set_drawing(self, picture) -> None:
        """A canvas drawing (H, W, 4) uint8, or None."""
        self._request("set_drawing", picture)


class TheoryRunner(LiveRunner):
    """The theory page's runs (gan_core.live.theory): one section's 1D GANs side by side in the
    same process and pipe as a single run; `config` is a TheoryConfig and the snapshots are
    TheorySnapshots."""

    def __init__(self, config: TheoryConfig, *, publish_every: float = 0.3, **options):
        super().__init__(config, kind="toy", session="theory", publish_every=publish_every, **options)

    @property
    def finished(self) -> bool:
        """Every variant has trained the section's iterations."""
        return bool(self._status.get("finished"))

    @property
    def job(self) -> dict | None:
        """The panel running now: {"label", "done", "total"}; None when none is."""
        return self._status.get("job") if self.playing else None

    def panel(self, letter: str, count: int | None = None) -> None:
        """Start the paper's Figure 1 panel `letter` ("a" to "d") from the current state: it runs
        in steps like Play (its progress in `job`), and Pause stops it."""
        self._request("panel", (letter, count))

    def judges_only(self, count: int):
        """`count` updates of every discriminator / critic with the generators held fixed."""
        self._request("judges_only", int(count))
        return self._snapshot

    def extend(self, iterations: int) -> None:
        self._request("extend", int(iterations))


class CompareRunner(LiveRunner):
    """The 2D lab's Compare mode (gan_core.live.compare): up to 8 variants trained in lockstep
    in one training process; `config` is a CompareConfig and the snapshots are
    CompareSnapshots."""

    def __init__(self, config: CompareConfig, *, publish_every: float = 0.5, **options):
        super().__init__(config, kind="toy", session="compare", publish_every=publish_every, **options)

    def evaluate(self) -> None:
        """Score every variant now, not at the next due iteration."""
        self._request("evaluate")

    def variant_checkpoint(self, name: str) -> bytes:
        """Variant `name` as a checkpoint: to continue it alone in the lab."""
        return self._request("variant_checkpoint", name)


@contextlib.contextmanager
def _plain_main():
    """multiprocessing imports the parent's __main__ again in a new process; inside Streamlit
    __main__ is the page script being run, which must never run in the training process. Streamlit
    itself swaps sys.modules["__main__"] on every script run, so a moment's swap is safe."""
    saved = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")  # no __file__, no __spec__: nothing to import
    try:
        yield
    finally:
        if saved is not None:
            sys.modules["__main__"] = saved


def start_fork_server() -> None:
    """Start the fork server now (it imports torch and the worker: ~2 s) rather than when the
    first visitor's page starts a training process."""
    context = _context()
    if context.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def _context():
    """A forkserver: a clean single-threaded process that has imported torch and gan_core once
    and forks each training process from there (fast, and never a fork of the threaded
    server). Spawn where there is no forkserver (Windows, macOS defaults aside)."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["gan_core.live.worker"])
        return context
    return multiprocessing.get_context("spawn")


def provisional_snapshot(config, snapshot_options: dict, session: str = "single"):
    """The snapshot at iteration 0, computed in this process (tens of milliseconds for the
    presets), for a page to draw while its training process starts."""
    if session == "theory":
        from .theory import TheorySession

        return TheorySession(config).snapshot
    if session == "compare":
        from ..training.compare_trainer import CompareTrainer
        from ..views.compare import take_compare_snapshot

        return take_compare_snapshot(CompareTrainer(config.configs(), device="cpu"), {})
    if session == "applications":
        from ..training.applications import Applications
        from ..views.applications import take_application_snapshot
        from .applications import DEFAULT_PHRASE

        return take_application_snapshot(Applications(config, device="cpu"), {}, DEFAULT_PHRASE)
    if session == "gan_vs_vae":
        from ..training.gan_vs_vae import GanVsVae
        from ..views.gan_vs_vae import take_gan_vs_vae_snapshot

        return take_gan_vs_vae_snapshot(GanVsVae(config, device="cpu"))
    from ..training import Trainer

    trainer = Trainer(config, device="cpu")
    if config.kind == "image":
        from ..views.images import take_image_snapshot

        return take_image_snapshot(trainer, **snapshot_options)
    from ..views.toy import take_snapshot

    return take_snapshot(trainer, **snapshot_options)


def _train_dict(train: TrainConfig) -> dict:
    return {name: getattr(train, name) for name in train.__dataclass_fields__}


def _shut_down(process, connection) -> None:
    """Last resort when a runner is dropped or stopped: the process must not outlive it."""
    process.join(2)
    if process.is_alive():
        process.terminate()
        process.join(2)
    connection.close()
