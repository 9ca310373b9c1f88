"""The step-wise GAN trainer: one call, one iteration (k discriminator then m generator updates).

It owns the networks, their optimisers, a seeded random generator and the iteration count. It
knows nothing of the UI: it does not print or sleep. A live page calls `step()` in a loop on a
worker thread and reads `snapshot()`s; the CLI calls `train()`.

Speed, compared with a textbook loop (bench/train_speed.py): real and generated samples go
through the discriminator in one batch when it has no BatchNorm; the discriminator's weights
stop asking for gradients during generator updates; losses are collected as tensors and read
back in one transfer every `flush_every` iterations instead of `.item()` on every step.
"""
from __future__ import annotations

import copy
import dataclasses
import math

import torch
from torch import nn

from . import losses
from .config import ConfigError, RunConfig, TrainConfig
from .data import make_data
from .device import configure_cpu_threads, pick_device
from .history import BoundedHistory
from .models import build_discriminator, build_generator, sample_noise

# Settings that a running trainer can take without a reset.
LIVE_TRAIN_FIELDS = ("loss", "d_steps", "g_steps", "d_lr", "g_lr", "clip", "gp_weight", "r1_gamma",
                     "instance_noise", "label_smoothing")


class DivergedError(RuntimeError):
    """Training produced NaN or inf; the message says where and what to try."""


def make_optimizer(name: str, params, lr: float, train: TrainConfig) -> torch.optim.Optimizer:
    """The named optimiser. Adam and SGD use torch's fused kernels: one kernel for all the
    parameters instead of a dozen small ops per tensor, which on the CPU made Adam's step about
    a quarter of an iteration of the ring model."""
    params = list(params)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr)
    if name in ("sgd", "momentum"):
        momentum = 0.9 if name == "momentum" else 0.0
        return torch.optim.SGD(params, lr=lr, momentum=momentum, fused=_fused_supported(params))
    return torch.optim.Adam(params, lr=lr, betas=(train.beta1, train.beta2), fused=_fused_supported(params))


def _fused_supported(params) -> bool | None:
    return True if params and params[0].device.type in ("cpu", "cuda", "mps") else None


def has_batchnorm(module: nn.Module) -> bool:
    return any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in module.modules())


class Trainer:
    flush_every = 10  # iterations between reading losses back and checking them for NaN
    safe_state_every = 200  # iterations between in-memory copies to fall back on after a NaN

    def __init__(self, config: RunConfig, data=None, device: str | torch.device | None = None):
        self.config = config
        self.device = pick_device(config.train.device) if device is None else torch.device(device)
        self.data = make_data(config.data) if data is None else data
        if self.device.type == "cpu":
            configure_cpu_threads(config)
        seed = config.train.seed
        with torch.random.fork_rng(devices=[]):  # seeded weights without touching the global RNG
            torch.manual_seed(seed)
            self.generator = build_generator(config).to(self.device)
            self.discriminator = build_discriminator(config).to(self.device)
        self.ema_generator = None
        if config.train.ema > 0:
            self.ema_generator = copy.deepcopy(self.generator).requires_grad_(False)
        self.cpu_rng = torch.Generator().manual_seed(seed)  # data
        self.device_rng = torch.Generator(device=self.device).manual_seed(seed + 1)  # noise
        self._fuse_discriminator_batch = not has_batchnorm(self.discriminator)
        train = config.train
        self.g_optimizer = make_optimizer(train.g_optimizer, self.generator.parameters(), train.g_lr, train)
        self.d_optimizer = make_optimizer(train.d_optimizer, self.discriminator.parameters(), train.d_lr, train)
        self.iteration = 0
        self.d_updates = 0
        self.g_updates = 0
        self.history = BoundedHistory()  # losses, one row per iteration (thinned when long)
        self.metric_history = BoundedHistory(500)  # metrics, one row per evaluation
        self.diverged: str | None = None
        self._pending: list[torch.Tensor] = []  # (2,) d/g loss per iteration, not yet read back
        self._last_losses = (float("nan"), float("nan"))
        self._last_d_loss = torch.full((), float("nan"), device=self.device)
        self._last_g_loss = torch.full((), float("nan"), device=self.device)
        self._safe_state = copy.deepcopy(self.state_dict())  # what a NaN rolls back to
        self._safe_iteration = 0

    # ----- what the networks see -------------------------------------------------------------
    @property
    def train_config(self) -> TrainConfig:
        return self.config.train

    @property
    def sampling_generator(self) -> nn.Module:
        """The generator samples come from: its weight average when EMA is on."""
        return self.ema_generator if self.ema_generator is not None else self.generator

    @property
    def conditional(self) -> bool:
        return self.config.model.architecture == "conditional_mlp"

    def noise(self, n: int) -> torch.Tensor:
        model = self.config.model
        return sample_noise(n, model.noise_dim, model.noise_prior, self.device_rng, self.device)

    def fake_labels(self, n: int) -> torch.Tensor | None:
        if not self.conditional:
            return None
        return torch.randint(self.config.model.n_classes, (n,), generator=self.device_rng, device=self.device)

    def real_batch(self, n: int):
        samples, labels = self.data.sample_batch(n, self.cpu_rng)
        samples = samples.to(self.device, non_blocking=True)
        if labels is not None:
            labels = labels.to(self.device, non_blocking=True)
        return samples, labels

    def instance_noise_std(self) -> float:
        """Instance noise (Sonderby et al. 2016; Arjovsky & Bottou 2017): Gaussian noise on every
        input D sees, real and generated, so the two distributions overlap even where their
        supports do not, and D cannot learn a small data set pixel by pixel. Annealed linearly
        to 0 over the run's `iterations` (constant when there is no set length)."""
        train = self.config.train
        if train.instance_noise <= 0:
            return 0.0
        if train.iterations <= 0:
            return train.instance_noise
        return train.instance_noise * max(0.0, 1 - self.iteration / train.iterations)

    def with_instance_noise(self, x: torch.Tensor) -> torch.Tensor:
        std = self.instance_noise_std()
        if std <= 0:
            return x
        return x + std * torch.randn(x.shape, generator=self.device_rng, device=x.device)

    # ----- updates ---------------------------------------------------------------------------
    def step_discriminator(self) -> torch.Tensor:
        """One discriminator update on a fresh real batch and a fresh generated batch."""
        train = self.config.train
        batch = train.batch_size
        real, real_labels = self.real_batch(batch)
        labels = self.fake_labels(batch)
        with torch.no_grad():
            fake = self.generator(self.noise(batch), labels)
        if not self.conditional:
            real_labels = None
        real, fake = self.with_instance_noise(real), self.with_instance_noise(fake)
        if self._fuse_discriminator_batch:
            both_labels = None if labels is None else torch.cat([real_labels, labels])
            r, f = self.discriminator(torch.cat([real, fake]), both_labels).chunk(2)
        else:
            r, f = self.discriminator(real, real_labels), self.discriminator(fake, labels)
        if train.label_smoothing > 0:
            loss = losses.discriminator_bce(r, f, real_target=1 - train.label_smoothing)
        else:
            loss = losses.DISCRIMINATOR_LOSSES[train.loss](r, f)
        if train.loss == "wgan_gp" and train.gp_weight > 0:
            critic = lambda x: self.discriminator(x, real_labels)  # noqa: E731
            if self.conditional:
                fake = self.generator(self.noise(batch), real_labels).detach()
            loss = loss + train.gp_weight * losses.gradient_penalty(critic, real, fake, self.device_rng)
        if train.r1_gamma > 0:
            penalty = losses.r1_penalty(lambda x: self.discriminator(x, real_labels), real)
            loss = loss + train.r1_gamma / 2 * penalty
        self.d_optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.d_optimizer.step()
        if train.loss == "wgan":
            with torch.no_grad():
                for p in self.discriminator.parameters():
                    p.clamp_(-train.clip, train.clip)
        self.d_updates += 1
        self._last_d_loss = loss.detach()
        return self._last_d_loss

    def step_generator(self) -> torch.Tensor:
        """One generator update on a fresh noise batch, against the current discriminator."""
        train = self.config.train
        labels = self.fake_labels(train.batch_size)
        self.discriminator.requires_grad_(False)  # its weight gradients would be thrown away
        try:
            fake = self.with_instance_noise(self.generator(self.noise(train.batch_size), labels))
            f = self.discriminator(fake, labels)
            loss = losses.GENERATOR_LOSSES[train.loss](f)
            self.g_optimizer.zero_grad(set_to_none=True)
            loss.backward()
            self.g_optimizer.step()
        finally:
            self.discriminator.requires_grad_(True)
        if self.ema_generator is not None:
            self._update_ema()
        self.g_updates += 1
        self._last_g_loss = loss.detach()
        return self._last_g_loss

    @torch.no_grad()
    def _update_ema(self) -> None:
        decay = self.config.train.ema
        ema_params = list(self.ema_generator.parameters())
        torch._foreach_lerp_(ema_params, list(self.generator.parameters()), 1 - decay)
        for ema_buffer, buffer in zip(self.ema_generator.buffers(), self.generator.buffers()):
            ema_buffer.copy_(buffer)

    def step(self) -> bool:
        """One iteration: k discriminator updates, then m generator updates. False, doing
        nothing, once the run has diverged."""
        if self.diverged:
            return False
        train = self.config.train
        if train.lr_decay and train.iterations > 0:
            self._set_learning_rates(max(0.0, 1 - self.iteration / train.iterations))
        for _ in range(train.d_steps):
            self.step_discriminator()
        for _ in range(train.g_steps):
            self.step_generator()
        self.iteration += 1
        self._pending.append(torch.stack([self._last_d_loss, self._last_g_loss]))
        if len(self._pending) >= self.flush_every:
            self.flush()
        return not self.diverged

    def train(self, iterations: int, callback=None, callback_every: int = 100) -> None:
        """Run `iterations` more iterations; `callback(trainer)` every `callback_every`.
        Raises DivergedError (after restoring the last good state) if the run diverges."""
        for _ in range(iterations):
            if not self.step():
                break
            if callback is not None and self.iteration % callback_every == 0:
                callback(self)
        self.flush()
        if self.diverged:
            raise DivergedError(self.diverged)

    def _set_learning_rates(self, factor: float) -> None:
        train = self.config.train
        for group in self.d_optimizer.param_groups:
            group["lr"] = train.d_lr * factor
        for group in self.g_optimizer.param_groups:
            group["lr"] = train.g_lr * factor

    # ----- bookkeeping -----------------------------------------------------------------------
    def flush(self) -> None:
        """Read pending losses back into the history and stop the run if any is NaN or inf."""
        if not self._pending or self.diverged:
            return
        values = torch.stack(self._pending).cpu().tolist()  # one transfer for many iterations
        first = self.iteration - len(values) + 1
        self._pending.clear()
        train = self.config.train
        for offset, (d_loss, g_loss) in enumerate(values):
            # A loss of a network that is not being updated (k or m = 0) is not checked.
            if (train.d_steps and not math.isfinite(d_loss)) or (train.g_steps and not math.isfinite(g_loss)):
                self._diverge(first + offset, d_loss, g_loss)
                return
            self.history.offer({"iteration": first + offset, "d_loss": d_loss, "g_loss": g_loss})
        self._last_losses = tuple(values[-1])
        if self.iteration - self._safe_iteration >= self.safe_state_every and self._weights_finite():
            self._safe_state = copy.deepcopy(self.state_dict())
            self._safe_iteration = self.iteration

    def _weights_finite(self) -> bool:
        params = list(self.generator.parameters()) + list(self.discriminator.parameters())
        return bool(torch.stack([torch.isfinite(p).all() for p in params]).all())

    def _diverge(self, iteration: int, d_loss: float, g_loss: float) -> None:
        restored = self._safe_iteration
        self.load_state_dict(copy.deepcopy(self._safe_state))
        self.diverged = (
            f"training diverged at iteration {iteration} (discriminator loss {d_loss:.4g}, "
            f"generator loss {g_loss:.4g}); the networks were restored to iteration {restored}. "
            "Try lower learning rates, another loss (e.g. nsgan or wgan_gp) or a smaller batch."
        )

    @property
    def last_losses(self) -> tuple[float, float]:
        """(discriminator, generator) loss of the latest iteration read back."""
        self.flush()
        return self._last_losses

    def apply_train_changes(self, new: TrainConfig) -> None:
        """Take new live settings (learning rates, k, m, loss, clip, penalty) without a reset."""
        old = self.config.train
        changed = [f.name for f in dataclasses.fields(TrainConfig) if getattr(old, f.name) != getattr(new, f.name)]
        needs_reset = [name for name in changed if name not in LIVE_TRAIN_FIELDS]
        if needs_reset:
            raise ConfigError(f"changing {', '.join(needs_reset)} needs a reset")
        self.flush()
        self.config = dataclasses.replace(self.config, train=new)
        self._set_learning_rates(1.0)

    # ----- checkpoints -----------------------------------------------------------------------
    def state_dict(self) -> dict:
        self.flush()
        state = {
            "iteration": self.iteration,
            "d_updates": self.d_updates,
            "g_updates": self.g_updates,
            "generator": self.generator.state_dict(),
            "discriminator": self.discriminator.state_dict(),
            "g_optimizer": self.g_optimizer.state_dict(),
            "d_optimizer": self.d_optimizer.state_dict(),
            "history": self.history.state_dict(),
            "metric_history": self.metric_history.state_dict(),
            "cpu_rng": self.cpu_rng.get_state(),
        }
        if self.ema_generator is not None:
            state["ema_generator"] = self.ema_generator.state_dict()
        return state

    def load_state_dict(self, state: dict) -> None:
        self.generator.load_state_dict(state["generator"])
        self.discriminator.load_state_dict(state["discriminator"])
        self.g_optimizer.load_state_dict(state["g_optimizer"])
        self.d_optimizer.load_state_dict(state["d_optimizer"])
        if self.ema_generator is not None:
            self.ema_generator.load_state_dict(state.get("ema_generator", state["generator"]))
        self.history.load_state_dict(state["history"])
        self.metric_history.load_state_dict(state["metric_history"])
        self.cpu_rng.set_state(state["cpu_rng"])
        self.iteration = int(state["iteration"])
        self.d_updates = int(state["d_updates"])
        self.g_updates = int(state["g_updates"])
        self._pending.clear()
