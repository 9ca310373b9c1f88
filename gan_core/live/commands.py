"""The command table a training session answers the page's process with: one dict per kind of
session from a command's name to what it does, instead of an if-chain per session; and what the
sessions of runs side by side share around it (Play, Pause, Step, the speed)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any


class CommandTable:
    """`handle(command, argument)` looks the command up in `commands()`; what the action returns
    goes back to the page's process (None for most)."""

    def commands(self) -> dict[str, Callable[[Any], Any]]:
        raise NotImplementedError

    def handle(self, command: str, argument):
        action = self.commands().get(command)
        if action is None:
            raise ValueError(f"unknown command {command!r}")
        return action(argument)


class PlayableSession(CommandTable):
    """Play / Pause / Step and the speed meter around `advance()`, shared by the sessions of runs
    side by side (Compare, GAN vs VAE, the theory sections). A subclass gives `iteration`,
    `advance()` (one iteration; False when nothing can train), `publish()`, `rate` (a RateMeter)
    and its own commands; `finished` (a set run length reached) and `catch_up()` (what to bring up
    to date before the page reads a pause or a step) when it has them."""

    playing = False
    # A long piece of work pressed on the page (a theory panel's thousands of updates): run in the
    # training loop's chunks as Play is, not within one command, so the page shows its progress,
    # Pause stops it and no command waits on it. It yields (done, total) as it goes.
    job: Iterator[tuple[int, int]] | None = None
    job_progress: dict | None = None

    @property
    def finished(self) -> bool:
        return False

    def can_train(self) -> bool:
        return True

    def catch_up(self) -> None:
        self.flush()

    def commands(self) -> dict[str, Callable[[Any], Any]]:
        return {"play": lambda _: self.play(), "pause": lambda _: self.pause(), "step_iteration": lambda _: self.step()}

    def play(self) -> None:
        if not self.finished and self.can_train():
            self.playing = True
            self.rate.restart(self.iteration)

    def pause(self) -> None:
        self.stop_job()
        self.playing = False
        self.catch_up()
        self.publish()

    def start_job(self, label: str, steps: Iterator[tuple[int, int]]) -> None:
        """Run `steps` from now on, instead of iterations, until they end or Pause is pressed."""
        self.stop_job()
        self.job, self.job_progress = steps, {"label": label, "done": 0, "total": 0}
        self.playing = True
        self.rate.restart(self.iteration)

    def stop_job(self) -> None:
        """End the job where it stands (its `finally` puts back what it changed)."""
        if self.job is not None:
            job, self.job, self.job_progress = self.job, None, None
            job.close()

    def advance_job(self) -> bool:
        """One piece of the job; False once it has ended."""
        try:
            done, total = next(self.job)
        except StopIteration:
            self.job, self.job_progress = None, None
            return False
        self.job_progress.update(done=done, total=total)
        return True

    def step(self) -> None:
        if self.can_train():
            self.advance()
        self.catch_up()
        self.publish()

    def train_for(self, seconds: float) -> None:
        """Iterations for `seconds`; pauses itself at the run's end or when nothing trains."""
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            if self.job is not None:
                if not self.advance_job():
                    self.pause()
                    return
            elif self.finished or not self.advance():
                self.pause()
                return

    def measure_rate(self) -> None:
        self.rate.measure(self.iteration)
