"""Taking turns on a shared machine: at most `limit` live runs train at once in this server; the
others wait in line, each told its place, and start by themselves when a slot frees (a run pauses,
finishes, diverges or its session ends). While anyone waits, a run that has trained for `turn`
seconds is paused and goes to the back of the line, so a class of 30 on one machine all get to
train (issue 13: 30 processes training at once thrashed two cores, every run crawling).

The limit is GAN_EXPLORER_MAX_TRAINING (default: the number of CPU cores); the turn is
GAN_EXPLORER_TURN_SECONDS (default 120). One `Turns` per server process (`shared_turns()`);
runners call it from the page's threads, so it takes a lock, and a timer thread ends turns.
"""

from __future__ import annotations

import os
import threading
import time

DEFAULT_TURN_SECONDS = 120.0


class Turns:
    def __init__(self, limit: int, turn_seconds: float = DEFAULT_TURN_SECONDS, tick: float = 1.0):
        if limit < 1:
            raise ValueError(f"at least one run must be allowed to train, got {limit}")
        self.limit = limit
        self.turn_seconds = turn_seconds
        self._lock = threading.Lock()
        self._training: dict[object, float] = {}  # runner -> when its turn started
        self._waiting: list[object] = []
        self._tick = tick
        self._timer: threading.Thread | None = None

    # ----- what a runner asks -----------------------------------------------------------------
    def ask(self, runner) -> int:
        """Ask to train: 0 when `runner` may start now, else its place in line (1 = next)."""
        with self._lock:
            if runner in self._training:
                return 0
            if runner in self._waiting:
                return self._waiting.index(runner) + 1
            if len(self._training) < self.limit and not self._waiting:
                self._training[runner] = time.monotonic()
                return 0
            self._waiting.append(runner)
            self._ensure_timer()
            return len(self._waiting)

    def leave(self, runner) -> None:
        """`runner` stopped training or waiting (paused, finished, diverged, closed): the next in
        line starts."""
        with self._lock:
            self._training.pop(runner, None)
            if runner in self._waiting:
                self._waiting.remove(runner)
            promoted = self._promote()
        for waiting in promoted:
            waiting.start_turn()

    def finished(self, runner) -> None:
        """`runner` stopped training by itself (it finished or diverged): its slot goes to the next."""
        with self._lock:
            if self._training.pop(runner, None) is None:
                return
            promoted = self._promote()
        for waiting in promoted:
            waiting.start_turn()

    def place(self, runner) -> int:
        """0 while `runner` trains or does not wait; else its place in line."""
        with self._lock:
            return self._waiting.index(runner) + 1 if runner in self._waiting else 0

    def counts(self) -> tuple[int, int]:
        """(training, waiting)."""
        with self._lock:
            return len(self._training), len(self._waiting)

    # ----- inside -----------------------------------------------------------------------------
    def _promote(self) -> list:
        promoted = []
        while self._waiting and len(self._training) < self.limit:
            runner = self._waiting.pop(0)
            self._training[runner] = time.monotonic()
            promoted.append(runner)
        return promoted

    def _ensure_timer(self) -> None:
        if self._timer is None or not self._timer.is_alive():
            self._timer = threading.Thread(target=self._end_turns, name="gan-turns", daemon=True)
            self._timer.start()

    def end_turns_now(self) -> None:
        """One look at the clock: while anyone waits, runs past their turn go to the back of the line."""
        now = time.monotonic()
        with self._lock:
            if not self._waiting:
                return
            done = [r for r, started in self._training.items() if now - started >= self.turn_seconds]
            done = done[: len(self._waiting)]  # only as many as are waiting
            for runner in done:
                self._training.pop(runner)
                self._waiting.append(runner)
            promoted = self._promote()
        for runner in done:
            runner.end_turn()
        for runner in promoted:
            runner.start_turn()

    def _end_turns(self) -> None:
        while True:
            time.sleep(self._tick)
            self.end_turns_now()
            with self._lock:
                if not self._waiting:
                    return


_SHARED: Turns | None = None
_SHARED_LOCK = threading.Lock()


def shared_turns() -> Turns:
    """This server's turns, sized from the environment on first use."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            limit = int(os.environ.get("GAN_EXPLORER_MAX_TRAINING") or (os.cpu_count() or 1))
            turn = float(os.environ.get("GAN_EXPLORER_TURN_SECONDS") or DEFAULT_TURN_SECONDS)
            _SHARED = Turns(max(1, limit), turn)
        return _SHARED
