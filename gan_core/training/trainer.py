"""The generic step-wise trainer: one call, one iteration of whatever objective it is given.

Like minGPT's trainer it knows nothing of the model it trains. It owns the loop, one optimiser
per update group of the objective, the learning-rate schedule, the weight average (EMA) of the
network samples come from, every seeded random generator (all saved in checkpoints, so a resumed
run continues exactly), the NaN rollback and the bounded history. It does not print, sleep or
know about the UI: a live page calls `step()` in a loop in its training process and reads
snapshots; the CLI calls `train()`.

Losses are collected as tensors and read back in one transfer every `flush_every` iterations
instead of `.item()` on every update.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import math

import torch
from torch import nn

from ..config import ConfigError, RunConfig, TrainConfig
from ..data import make_data
from ..device import configure_cpu_threads, pick_device
from ..objectives import Objective, RandomSources, build_objective
from .history import BoundedHistory
from .memory import check_training_size
from .optimizers import make_optimizer
from .schedules import linear_decay

NOISE_SEED_OFFSET = 1  # the noise stream is seeded with seed + 1, the data stream with the seed
GLOBAL_SEED_OFFSET = 2  # the global stream that dropout and augmentation draw from


class DivergedError(RuntimeError):
    """Training produced NaN or inf; the message says where and what to try."""


class Trainer:
    flush_every = 10  # iterations between reading losses back and checking them for NaN
    safe_state_every = 200  # iterations between in-memory copies to fall back on after a NaN

    def __init__(self, config: RunConfig, data=None, device: str | torch.device | None = None):
        check_training_size(config)  # before data or networks take memory: a too-big run is refused in words
        self.config = config
        self.device = pick_device(config.train.device) if device is None else torch.device(device)
        self.data = make_data(config.data) if data is None else data
        classes = getattr(self.data, "n_classes", None)
        if config.model.architecture == "conditional_mlp" and classes and config.model.n_classes != classes:
            # A conditional model is asked for the data's classes (faces: 5 hair colours).
            config = self.config = config.replace(model={"n_classes": classes})
        if self.device.type == "cpu":
            configure_cpu_threads(config)
        seed = config.train.seed
        self.data_rng = torch.Generator().manual_seed(seed)
        self.noise_rng = torch.Generator(device=self.device).manual_seed(seed + NOISE_SEED_OFFSET)
        sources = RandomSources(self.data, self.data_rng, self.noise_rng, self.device)
        with torch.random.fork_rng(devices=[]):  # seeded weights without touching the global RNG
            torch.manual_seed(seed)
            self.objective: Objective = build_objective(config, sources)
        self.groups = {group.name: group for group in self.objective.update_groups()}
        self.optimizers = {
            name: make_optimizer(group.optimizer, self._parameters(group), group.lr, config.train)
            for name, group in self.groups.items()
        }
        self.average: nn.Module | None = None  # the weight average of the sampled network
        if config.train.ema > 0:
            self.average = copy.deepcopy(self.live_network).requires_grad_(False)
        self._global_rng_state = None  # torch's global CPU stream, for objectives that draw from it
        if self.objective.uses_global_rng:
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(seed + GLOBAL_SEED_OFFSET)
                self._global_rng_state = torch.get_rng_state()
        self.iteration = 0
        self.updates = {name: 0 for name in self.groups}
        self.history = BoundedHistory()  # losses, one row per iteration (thinned when long)
        self.metric_history = BoundedHistory(500)  # metrics, one row per evaluation
        self.diverged: str | None = None
        self.diverged_at: int | None = None  # the iteration whose loss was not finite
        self._pending: list[torch.Tensor] = []  # (groups,) losses per iteration, not yet read back
        self._last_loss = {name: torch.full((), float("nan"), device=self.device) for name in self.groups}
        self._last_losses = {group.history_key: float("nan") for group in self.groups.values()}
        self._last_losses.update({name: float("nan") for name in self.objective.term_names})
        self._safe_state = copy.deepcopy(self.state_dict())  # what a NaN rolls back to
        self._safe_iteration = 0

    # ----- what samples come from --------------------------------------------------------------
    def _term(self, name: str) -> torch.Tensor:
        """The latest value of one of the objective's loss terms (NaN before it has one)."""
        value = self.objective.terms.get(name)
        return torch.full((), float("nan"), device=self.device) if value is None else value

    @property
    def live_network(self) -> nn.Module:
        """The network being trained that samples come from (a GAN's generator)."""
        return getattr(self.objective, self.objective.sampled_network)

    @property
    def sampling_network(self) -> nn.Module:
        """The network samples are drawn from: its weight average when EMA is on."""
        return self.average if self.average is not None else self.live_network

    def _parameters(self, group) -> list[nn.Parameter]:
        """What one update group trains: its network's parameters and its extra networks'."""
        names = (group.network, *group.extra_networks)
        return [p for name in names for p in getattr(self.objective, name).parameters()]

    # ----- updates -----------------------------------------------------------------------------
    def update(self, group: str, batches: dict | None = None) -> torch.Tensor:
        """One optimiser update of `group` (e.g. "discriminator"); the iteration count stays.
        `batches`: inputs drawn beforehand (see Objective.loss)."""
        if group not in self.groups:
            raise ValueError(f"unknown update {group!r}; this run has {', '.join(self.groups)}")
        with self._own_global_rng() if self._global_rng_state is not None else contextlib.nullcontext():
            loss = self.objective.loss(group, self.iteration, batches)
            optimizer = self.optimizers[group]
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
        self.objective.after_update(group)
        if self.average is not None and self.groups[group].network == self.objective.sampled_network:
            self._update_average(group)
        self.updates[group] += 1
        self._last_loss[group] = loss.detach()
        return self._last_loss[group]

    def manual_update(self, group: str) -> float:
        """One update of `group` made by hand (a page's "D step"), its loss read back at once so
        the page can show it; the iteration count stays."""
        if self.diverged:
            return float("nan")
        value = float(self.update(group))
        self._last_losses[self.groups[group].history_key] = value
        return value

    def step(self) -> bool:
        """One iteration: the objective's schedule of updates (for a GAN, k discriminator
        updates then m generator updates). False, doing nothing, once the run has diverged."""
        if self.diverged:
            return False
        self.begin_iteration()
        for group, count in self.objective.schedule():
            for _ in range(count):
                self.update(group)
        return self.end_iteration()

    def begin_iteration(self) -> None:
        """What an iteration does before its updates (the learning-rate schedule). step() and the
        slow-motion walk through one iteration (gan_core.training.slow_motion) share it."""
        train = self.config.train
        if train.lr_decay and train.decay_length > 0:
            self._set_learning_rates(linear_decay(self.iteration, train.decay_length))

    def end_iteration(self) -> bool:
        """What an iteration does after its updates: the counter moves on, the losses are kept."""
        self.iteration += 1
        terms = [self._term(name) for name in self.objective.term_names]
        self._pending.append(torch.stack([self._last_loss[name] for name in self.groups] + terms))
        if len(self._pending) >= self.flush_every:
            self.flush()
        return not self.diverged

    def train(self, iterations: int, callback=None, callback_every: int = 100) -> None:
        """Run `iterations` more iterations; `callback(trainer)` every `callback_every`.
        Raises DivergedError (after restoring the last good state) if the run diverges."""
        run_iterations(self, iterations, callback, callback_every)
        if self.diverged:
            raise DivergedError(self.diverged)

    @contextlib.contextmanager
    def _own_global_rng(self):
        """Swap in this run's own global generator state while its networks draw from it
        (dropout, augmentation), so such runs repeat for their seed and resume exactly."""
        with torch.random.fork_rng(devices=[]):
            torch.set_rng_state(self._global_rng_state)
            try:
                yield
            finally:
                self._global_rng_state = torch.get_rng_state()

    def average_decay(self, group: str) -> float:
        """The weight average's decay for the next update, warmed up as TensorFlow's
        ExponentialMovingAverage does with num_updates: min(ema, (1 + n) / (10 + n)) after n
        updates. Without the warm-up an average of 0.999 still holds a third of the random initial
        weights after 1,100 updates, and early in a run it scores far below the generator drawn on
        screen; with it the average follows the last ~n/10 updates until n / 10 reaches 1 / (1 - ema)."""
        n = self.updates[group]
        return min(self.config.train.ema, (1 + n) / (10 + n))

    @torch.no_grad()
    def _update_average(self, group: str) -> None:
        """average <- decay * average + (1 - decay) * live after an update of `group`; buffers
        (BatchNorm statistics) copied."""
        decay = self.average_decay(group)
        torch._foreach_lerp_(list(self.average.parameters()), list(self.live_network.parameters()), 1 - decay)
        for average_buffer, buffer in zip(self.average.buffers(), self.live_network.buffers()):
            average_buffer.copy_(buffer)

    def set_learning_rate_factor(self, factor: float) -> None:
        """Multiply every group's configured learning rate by `factor` until the next change (the
        schedule, if on, sets it again at the next iteration): the theory page's panel (d) anneals
        the rates by hand."""
        self._set_learning_rates(factor)

    def _set_learning_rates(self, factor: float) -> None:
        for name, optimizer in self.optimizers.items():
            for param_group in optimizer.param_groups:
                param_group["lr"] = self.groups[name].lr * factor

    # ----- bookkeeping -------------------------------------------------------------------------
    @property
    def learning_rate_factor(self) -> float:
        """What the schedule multiplies the learning rates by now (1 without decay)."""
        train = self.config.train
        return linear_decay(self.iteration, train.decay_length) if train.lr_decay and train.decay_length > 0 else 1.0

    def continue_from(
        self,
        *,
        iteration: int,
        updates: dict[str, int],
        last_losses: dict[str, float],
        diverged: str | None,
        diverged_at: int | None,
    ) -> None:
        """Take over counters reached elsewhere (a variant handed back by the stacked engine, whose
        weights, optimiser states and history were loaded already): nothing is pending, the given
        losses are the last ones, and the rates follow the schedule at `iteration`."""
        self.iteration = int(iteration)
        self.updates = {name: int(updates[name]) for name in self.groups}
        self._pending.clear()
        self._last_losses = dict(last_losses)
        self.diverged, self.diverged_at = diverged, diverged_at
        self._set_learning_rates(self.learning_rate_factor)

    def flush(self) -> None:
        """Read pending losses back into the history and stop the run if any is NaN or inf."""
        if not self._pending or self.diverged:
            return
        values = torch.stack(self._pending).cpu().tolist()  # one transfer for many iterations
        first = self.iteration - len(values) + 1
        self._pending.clear()
        keys = [group.history_key for group in self.groups.values()] + list(self.objective.term_names)
        scheduled = {name for name, count in self.objective.schedule() if count > 0}
        checked = [i for i, name in enumerate(self.groups) if name in scheduled]
        for offset, row in enumerate(values):
            # The loss of a group that is not being updated (e.g. k = 0) is not checked.
            if not all(math.isfinite(row[i]) for i in checked):
                self._diverge(first + offset, dict(zip(keys, row)))
                return
            self.history.offer({"iteration": first + offset, **dict(zip(keys, row))})
        self._last_losses = dict(zip(keys, values[-1]))
        if self.iteration - self._safe_iteration >= self.safe_state_every and self._weights_finite():
            self._safe_state = copy.deepcopy(self.state_dict())
            self._safe_iteration = self.iteration

    def _weights_finite(self) -> bool:
        return bool(torch.stack([torch.isfinite(p).all() for p in self.objective.parameters()]).all())

    def _diverge(self, iteration: int, row: dict[str, float]) -> None:
        """Stop at a non-finite loss: the networks go back to their last good copy (the weights
        are no longer finite), the loss history up to the blow-up stays, to be shown."""
        restored = self._safe_iteration
        history = copy.deepcopy(self.history)
        self.load_state_dict(copy.deepcopy(self._safe_state))
        self.history = history
        self.diverged_at = iteration
        names = {group.history_key: f"{group.network} loss" for group in self.groups.values()}
        losses = ", ".join(f"{names.get(key, key)} {value:.4g}" for key, value in row.items())
        self.diverged = (
            f"training diverged at iteration {iteration} ({losses}); the networks were restored to "
            f"iteration {restored}. {self.objective.divergence_advice()}"
        )

    def roll_back(self) -> None:
        """Go on from the last good copy the networks were restored to when the run diverged:
        the history after that copy is dropped, the divergence forgotten."""
        if self.diverged:
            self.history.truncate(self.iteration)
            self.diverged = self.diverged_at = None

    @property
    def last_losses(self) -> dict[str, float]:
        """The latest iteration's loss per history key ("d_loss", "g_loss"), read back."""
        self.flush()
        return dict(self._last_losses)

    def apply_train_changes(self, new: TrainConfig) -> None:
        """Take new live settings (learning rates, k, m, loss, penalties) without a reset.
        Raises ConfigError naming the settings that need one."""
        needs_reset = self.objective.settings_needing_reset(self.config.train, new)
        if needs_reset:
            raise ConfigError(f"changing {', '.join(needs_reset)} needs a reset")
        self.flush()
        self.config = dataclasses.replace(self.config, train=new)
        self.objective.reconfigure(self.config)
        self.groups = {group.name: group for group in self.objective.update_groups()}
        self._set_learning_rates(self.learning_rate_factor)

    # ----- checkpoints -------------------------------------------------------------------------
    def state_dict(self) -> dict:
        """Everything a run needs to continue exactly: weights, optimiser states, the weight
        average, counters, histories and the state of every random stream."""
        self.flush()
        state = {
            "iteration": self.iteration,
            "updates": dict(self.updates),
            "networks": {name: module.state_dict() for name, module in self.objective.named_children()},
            "optimizers": {name: optimizer.state_dict() for name, optimizer in self.optimizers.items()},
            "history": self.history.state_dict(),
            "metric_history": self.metric_history.state_dict(),
            "rngs": {"data": self.data_rng.get_state(), "noise": self.noise_rng.get_state().cpu()},
        }
        if self.average is not None:
            state["average"] = self.average.state_dict()
        if self._global_rng_state is not None:
            state["rngs"]["global"] = self._global_rng_state.clone()
        return state

    def load_state_dict(self, state: dict) -> None:
        for name, module in self.objective.named_children():
            module.load_state_dict(state["networks"][name])
        for name, optimizer in self.optimizers.items():
            if "optimizers" in state:  # a slim checkpoint has none: the optimisers start afresh
                optimizer.load_state_dict(state["optimizers"][name])
        if self.average is not None:
            self.average.load_state_dict(state.get("average", state["networks"][self.objective.sampled_network]))
        self.history.load_state_dict(state["history"])
        self.metric_history.load_state_dict(state["metric_history"])
        rngs = state["rngs"]
        self.data_rng.set_state(rngs["data"])
        if "noise" in rngs:
            self.noise_rng.set_state(rngs["noise"].to(self.noise_rng.get_state().device))
        if "global" in rngs and self._global_rng_state is not None:
            self._global_rng_state = rngs["global"].clone()
        self.iteration = int(state["iteration"])
        self.updates = {name: int(state["updates"].get(name, 0)) for name in self.groups}
        self._pending.clear()
        self._set_learning_rates(self.learning_rate_factor)


def run_iterations(run, iterations: int, callback=None, callback_every: int = 100) -> None:
    """`iterations` more steps of a Trainer or of trainers side by side (until it stops), then a
    flush; `callback(run)` at every multiple of `callback_every`."""
    for _ in range(iterations):
        if not run.step():
            break
        if callback is not None and run.iteration % callback_every == 0:
            callback(run)
    run.flush()
