"""The training process's side of the theory page (issue 14): one section's 1D runs side by side
(gan_core.training.theory.SideBySide), measured every few iterations, and the paper's panel
buttons. It answers the same pipe protocol as a lab's TrainingSession (gan_core.live.worker.serve
drives either), so the page side is a LiveRunner started with session="theory"."""

from __future__ import annotations

import time

from ..config import ConfigError
from ..evaluation.theory import LineProbe, measure_line_run
from ..training.theory import SideBySide, TheoryConfig, section_variants
from ..views.theory import take_line_picture, take_theory_snapshot
from .rate import RateMeter

MEASURE_EVERY = 20  # iterations between two measurements of every variant (~10 ms each)
PANEL_ITERATIONS = 1_500  # panels (a) and (d): iterations of ordinary training first
OPTIMUM_UPDATES = 500  # panel (b): discriminator updates with G held fixed
MAX_MANUAL_UPDATES = 1_000


class TheorySession:
    """Play / pause / step / reset / panels for one section's variants; pauses itself at the
    section's iteration count."""

    def __init__(self, config: TheoryConfig, *, measure_every: int | None = None, device: str = "cpu", **_):
        self.measure_every = measure_every or MEASURE_EVERY
        self.device = device
        self.playing = False
        self.install(config)

    def install(self, config: TheoryConfig) -> None:
        self.config = config
        self.side = SideBySide(section_variants(config), device=self.device)
        self.probes = {name: LineProbe(trainer) for name, trainer in self.side.trainers.items()}
        self.histories: dict[str, dict[str, list]] = {name: {} for name in self.side.trainers}
        self.panel: dict = {}
        self.before = None
        self.playing = False
        self.rate = RateMeter(0)
        self.measure()
        self.publish()

    @property
    def finished(self) -> bool:
        return self.side.iteration >= self.config.iterations

    # ----- measurements and snapshots ---------------------------------------------------------
    def measure(self) -> None:
        """One row per variant still training: the curves over iterations."""
        for name, trainer in self.side.running.items():
            trainer.flush()
            if trainer.diverged:
                continue
            row = {
                "iteration": self.side.iteration,
                "d_updates": trainer.updates["discriminator"],
                **measure_line_run(trainer, self.probes[name]),
            }
            columns = self.histories[name]
            for key, value in row.items():
                columns.setdefault(key, []).append(value)

    def publish(self) -> None:
        self.side.flush()
        self.snapshot = take_theory_snapshot(
            self.side, self.config.section, self.probes, self.histories, self.panel, self.before
        )

    def flush(self) -> None:
        self.side.flush()

    def status(self) -> dict:
        return {
            "iteration": self.side.iteration,
            "playing": self.playing,
            "rate": self.rate.rate if self.playing else 0.0,
            "diverged": "every run diverged" if self.side.all_diverged else None,
            "finished": self.finished,
            "config": self.config.to_json(),
        }

    # ----- training ---------------------------------------------------------------------------
    def advance(self) -> bool:
        """One iteration of every variant, measured when due; False when nothing trains."""
        if not self.side.step():
            return False
        if self.side.iteration % self.measure_every == 0:
            self.measure()
        return True

    def train_for(self, seconds: float) -> None:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            if self.finished or not self.advance():
                self.playing = False
                self.measure()
                self.publish()
                return

    def measure_rate(self) -> None:
        self.rate.measure(self.side.iteration)

    # ----- the paper's Figure 1, panel by panel (section 1) -----------------------------------
    def run_panel(self, panel: str, count: int | None = None) -> None:
        """(a) train until near convergence; (b) train D to its optimum with G held; (c) `count`
        G updates against that D (the picture before is kept to draw the move); (d) train on
        towards equilibrium, then D to its optimum: D(x) = 1/2 where p_g = p_data."""
        side = self.side
        name = next(iter(side.trainers))
        self.before = take_line_picture(side.trainers[name], self.probes[name])
        if panel in ("a", "d"):
            for _ in range(PANEL_ITERATIONS):
                if not self.advance():
                    break
        if panel in ("b", "d"):
            side.update_all("discriminator", OPTIMUM_UPDATES)
        if panel == "c":
            count = int(count or 1)
            if not 1 <= count <= MAX_MANUAL_UPDATES:
                raise ConfigError(f"G updates must be between 1 and {MAX_MANUAL_UPDATES}, got {count}")
            side.update_all("generator", count)
        elif panel not in ("a", "b", "d"):
            raise ValueError(f"unknown panel {panel!r}; the paper's are a, b, c and d")
        self.measure()
        self.panel = {"panel": panel, "count": count, "iteration": side.iteration}
        if panel != "c":
            self.before = None  # only (c) draws the move from the picture before

    # ----- commands from the page's process ---------------------------------------------------
    def handle(self, command: str, argument):
        if command == "play":
            if not self.finished and not self.side.all_diverged:
                self.playing = True
                self.rate.restart(self.side.iteration)
        elif command == "pause":
            self.playing = False
            self.measure()
            self.publish()
        elif command == "step_iteration":
            self.advance()
            self.measure()
            self.publish()
        elif command == "panel":
            letter, count = argument
            self.playing = False
            self.run_panel(letter, count)
            self.publish()
        elif command == "judges_only":  # section 4: train D / the critics with G held fixed
            count = int(argument)
            if not 1 <= count <= MAX_MANUAL_UPDATES:
                raise ConfigError(f"updates must be between 1 and {MAX_MANUAL_UPDATES}, got {count}")
            self.side.update_all("discriminator", count)
            self.measure()
            self.panel = {"judges_only": count, "iteration": self.side.iteration}
            self.publish()
        elif command == "extend":
            iterations = int(argument)
            if iterations <= self.side.iteration:
                raise ConfigError(f"the runs are already at iteration {self.side.iteration:,}")
            self.config = self.config.replace(iterations=iterations)
            self.side.extend(iterations)
            self.publish()
        elif command == "reset":
            self.install(TheoryConfig.from_json(argument))
        else:
            raise ValueError(f"unknown command {command!r}")
        return None
