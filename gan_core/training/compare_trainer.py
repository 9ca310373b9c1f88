"""Up to 8 GAN runs that differ in one setting, trained in lockstep (the 2D lab's Compare mode and
`python -m gan_core compare`).

Every variant is first built as an ordinary Trainer with its own config, so it starts from the
same weights and the same seeded streams a single run of that config would. Then:

- When the variants' networks have the same shapes (the 2D lab's MLPs, no BatchNorm or dropout,
  one data set, one batch size), their weights are stacked (gan_core.training.stacked) and one
  call steps all of them: each variant keeps its own loss, k and m (a variant with fewer updates
  than the most is masked out of the extra ones), optimiser, learning rates, Adam betas,
  regularisers (WGAN clipping, gradient penalty, R1, label smoothing), weight average and
  learning-rate decay. Random draws come from the variants' own seeded streams, shared by the
  variants whose draws would be identical (same seed, same k and m, same draws per update):
  variants that differ only in a loss or a learning rate see the very same real batches and
  noise, and every variant sees exactly the batches its single run would. So a variant's numbers
  are those of its single run (tests/test_compare_trainer.py), up to float rounding.
- Otherwise (different widths, layers, noise dimensions or data) the Trainers are stepped one
  after another in the same process, with the same interface: `engine` says which, and
  `why_sequential` why.

A variant whose losses stop being finite is stopped, restored to its last good weights and
marked (`diverged[name]`); the others go on.
"""

from __future__ import annotations

import math

import torch

from ..config import RunConfig
from ..data import make_data
from ..networks import sample_noise
from ..objectives import losses
from .history import BoundedHistory
from .schedules import linear_decay
from .side_by_side import SideBySide
from .stacked import StackedNetwork, StackedOptimizer
from .trainer import Trainer

MAX_VARIANTS = 8
STACKED_OPTIMIZERS = ("adam", "sgd", "momentum", "rmsprop")
# The model settings that must agree for weights to stack (the rest are ruled out below).
SHAPE_FIELDS = ("architecture", "noise_dim", "g_layers", "g_width", "d_layers", "d_width", "activation")


def why_not_stacked(configs: list[RunConfig]) -> str | None:
    """None when the runs can be stacked into one batched model, else the reason they step one
    after another."""
    first = configs[0]
    for config in configs:
        model, train = config.model, config.train
        if config.data.is_image or model.architecture != "mlp" or model.model_kind != "gan":
            return "only the 2D lab's MLP GANs stack"
        if model.batchnorm or model.pack != 1 or model.d_dropout:
            return "BatchNorm, packing and dropout mix a batch, so such networks do not stack"
        if train.instance_noise > 0 or train.gp_one_sided:
            return "instance noise and the one-sided gradient penalty are not stacked"
        if {train.d_optimizer, train.g_optimizer} - set(STACKED_OPTIMIZERS):
            return "an optimiser without a stacked version"
        for name in SHAPE_FIELDS:
            if getattr(model, name) != getattr(first.model, name):
                return f"the networks differ in {name.replace('_', ' ')}"
        if config.data != first.data:
            return "the variants learn different data"
        if train.batch_size != first.train.batch_size:
            return "the variants use different batch sizes"
        if train.device != first.train.device:
            return "the variants ask for different devices"
    return None


def draw_key(config: RunConfig) -> tuple:
    """What decides a run's random draws: variants with the same key draw the same numbers in
    the same order, so one stream serves all of them."""
    train = config.train
    penalty_draws = train.loss == "wgan_gp" and train.gp_weight > 0  # the penalty's mixing weights
    return (train.seed, train.d_steps, train.g_steps, penalty_draws, config.model.noise_prior)


def _column(values, device, dtype=None) -> torch.Tensor:
    return torch.tensor(list(values), dtype=dtype or torch.get_default_dtype(), device=device)  # (V,)


class CompareTrainer(SideBySide):
    """See the module docstring. `step()` is one iteration of every variant still training; the
    sequential engine is SideBySide's, the stacked one a faster implementation of it."""

    flush_every = Trainer.flush_every
    safe_state_every = Trainer.safe_state_every

    def __init__(
        self,
        configs: dict[str, RunConfig],
        *,
        device: str | torch.device | None = None,
        engine: str = "auto",
        forward: str = "bmm",
    ):
        if not 1 <= len(configs) <= MAX_VARIANTS:
            raise ValueError(f"compare 1 to {MAX_VARIANTS} variants, got {len(configs)}")
        if engine not in ("auto", "stacked", "sequential"):
            raise ValueError(f"engine must be auto, stacked or sequential, got {engine!r}")
        self.configs = dict(configs)
        reason = why_not_stacked(list(configs.values()))
        if engine == "stacked" and reason:
            raise ValueError(f"these variants cannot be stacked: {reason}")
        self.why_sequential = reason if engine == "auto" else ("asked for" if engine == "sequential" else None)
        self.engine = "sequential" if self.why_sequential else "stacked"
        first = next(iter(configs.values()))
        data = make_data(first.data) if self.engine == "stacked" else None
        super().__init__({name: Trainer(config, data=data, device=device) for name, config in configs.items()})
        self.device = next(iter(self.trainers.values())).device
        if self.engine == "stacked":
            self._stack(forward)

    # ----- the lockstep view every caller uses (SideBySide's, stacked) --------------------------
    @property
    def iteration(self) -> int:
        return super().iteration if self.engine == "sequential" else self._iteration

    @property
    def diverged(self) -> dict[str, str]:
        return super().diverged if self.engine == "sequential" else dict(self._diverged)

    def step(self) -> bool:
        """One iteration of every variant still training; False once none is."""
        if self.engine == "sequential":
            return super().step()
        if not self._active.any():
            return False
        self._step_stacked()
        return bool(self._active.any())

    def flush(self) -> None:
        if self.engine == "sequential":
            super().flush()
        else:
            self._flush_stacked()

    def update_all(self, group: str, count: int) -> None:
        if self.engine == "stacked":  # the stacked engine steps whole iterations only
            raise ValueError("stacked variants take whole iterations; one network's updates need the sequential engine")
        super().update_all(group, count)

    def extend(self, iterations: int) -> None:
        if self.engine == "stacked":
            raise ValueError("stacked variants keep their run length; extending needs the sequential engine")
        super().extend(iterations)

    def trainer(self, name: str, with_history: bool = True) -> Trainer:
        """Variant `name` as an ordinary Trainer, up to date: weights, optimiser state, weight
        average, counters, random streams and (unless `with_history` is False: a live view reads
        `history(name)` instead of copying it) its loss history. Sample, measure or checkpoint it;
        to go on training it alone, copy it (`checkpoint.to_bytes`): the lockstep run keeps its own."""
        if self.engine == "stacked":
            self._flush_stacked()
            self._write_back(self.names.index(name), with_history)
        return self.trainers[name]

    def history(self, name: str) -> BoundedHistory:
        self.flush()
        if self.engine == "sequential":
            return self.trainers[name].history
        return self._histories[self.names.index(name)]

    # ----- the stacked engine --------------------------------------------------------------------
    def _stack(self, forward: str) -> None:
        trainers = list(self.trainers.values())
        trains = [t.config.train for t in trainers]
        device = self.device
        self.generators = StackedNetwork(
            trainers[0].objective.generator, [t.objective.generator for t in trainers], forward
        )
        self.discriminators = StackedNetwork(
            trainers[0].objective.discriminator, [t.objective.discriminator for t in trainers], forward
        )
        self.d_optimizer = StackedOptimizer(
            self.discriminators.flat,
            [t.d_optimizer for t in trains],
            [t.beta1 for t in trains],
            [t.beta2 for t in trains],
        )
        self.g_optimizer = StackedOptimizer(
            self.generators.flat, [t.g_optimizer for t in trains], [t.beta1 for t in trains], [t.beta2 for t in trains]
        )
        self.k = [t.d_steps for t in trains]
        self.m = [t.g_steps for t in trains]
        self.loss_names = [t.loss for t in trains]
        self.d_lr, self.g_lr = _column([t.d_lr for t in trains], device), _column([t.g_lr for t in trains], device)
        self.clip = _column([t.clip for t in trains], device).view(-1, 1)
        self.clipped = _column([t.loss == "wgan" for t in trains], device, torch.bool).view(-1, 1)
        self.gp_weight = _column([t.gp_weight if t.loss == "wgan_gp" else 0.0 for t in trains], device)
        self.r1_gamma = _column([t.r1_gamma for t in trains], device)
        self.real_target = _column([1 - t.label_smoothing for t in trains], device)
        self.ema = [t.ema for t in trains]
        self.any_decay = any(t.lr_decay and t.decay_length > 0 for t in trains)
        self.any_r1 = any(t.r1_gamma > 0 for t in trains)
        self.any_clipping = any(t.loss == "wgan" for t in trains)
        self.any_smoothing = any(t.label_smoothing > 0 for t in trains)
        self.any_penalty_draws = any(draw_key(t.config)[3] for t in trainers)
        self.ema_weights = _column(self.ema, device)
        self.with_average = (self.ema_weights > 0).unsqueeze(1)
        # Which variants make their j-th D / G update: (max k, V) and (max m, V).
        self._update_masks = {
            "discriminator": torch.tensor([[j < k for k in self.k] for j in range(max(self.k))], device=device),
            "generator": torch.tensor([[j < m for m in self.m] for j in range(max(self.m))], device=device),
        }
        kinds = sorted(set(self.loss_names))  # each variant's row among the losses computed
        self._kind_order = kinds
        self._kind_index = torch.tensor([kinds.index(k) for k in self.loss_names], device=device)
        self.averages = self.generators.flat.detach().clone()  # (V, P): each G's weight average
        # One stream per draw key, kept in its first variant's Trainer (the others' are copied
        # over when they are written back).
        self.draw_groups: dict[tuple, list[int]] = {}
        for v, trainer in enumerate(trainers):
            self.draw_groups.setdefault(draw_key(trainer.config), []).append(v)
        self._iteration = 0
        self._iterations = [0] * len(trainers)  # per variant: a stopped one stays where it stopped
        self._updates = torch.zeros(len(trainers), 2, dtype=torch.long)  # (V, [D, G]) on the CPU
        self._active = torch.ones(len(trainers), dtype=torch.bool, device=device)
        self._diverged: dict[str, str] = {}
        self._diverged_at: dict[str, int] = {}
        self._histories = [BoundedHistory() for _ in trainers]
        self._pending: list[torch.Tensor] = []  # (V, 2) losses per iteration, not read back yet
        nan = torch.full((len(trainers),), float("nan"), device=device)
        self._last = {"discriminator": nan.clone(), "generator": nan.clone()}
        self._last_losses = [{"d_loss": float("nan"), "g_loss": float("nan")} for _ in trainers]
        self._safe = self._stacked_state()
        self._safe_iterations = [0] * len(trainers)

    def _draws(self, j: int, group: str) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
        """The real batch, noise and penalty weights of the j-th update of `group` for every
        variant (V, B, ...): each draw group that makes a j-th update draws them from its own
        streams in a single run's order; a variant that makes none gets a stand-in (its update is
        masked)."""
        first = self.configs[self.names[0]]
        batch, noise_dim = first.train.batch_size, first.model.noise_dim
        real_by_variant, noise_by_variant, mixing_by_variant = {}, {}, {}
        active = self._active.tolist()
        for key, members in self.draw_groups.items():
            count = key[1] if group == "discriminator" else key[2]
            if j >= count or not any(active[v] for v in members):
                continue
            trainer = self.trainers[self.names[members[0]]]
            sources = trainer.objective.sources
            real = sources.real_batch(batch)[0] if group == "discriminator" else None
            noise = sample_noise(batch, noise_dim, key[4], sources.noise_rng, self.device)
            mixing = None
            if group == "discriminator" and key[3]:
                mixing = torch.rand((batch, 1), generator=sources.noise_rng, device=self.device)
            for v in members:
                real_by_variant[v], noise_by_variant[v], mixing_by_variant[v] = real, noise, mixing
        return (
            self._gather(real_by_variant) if group == "discriminator" else None,
            self._gather(noise_by_variant),
            self._gather(mixing_by_variant) if group == "discriminator" and self.any_penalty_draws else None,
        )

    def _gather(self, by_variant: dict[int, torch.Tensor | None]) -> torch.Tensor:
        """(V, ...) from one tensor per draw group: the drawn tensors stacked once, then picked
        per variant (a variant without a draw gets any stand-in; its update is masked)."""
        drawn, index, where = [], [], {}
        for v in range(len(self.names)):
            tensor = by_variant.get(v)
            if tensor is None:
                index.append(-1)
                continue
            if id(tensor) not in where:
                where[id(tensor)] = len(drawn)
                drawn.append(tensor)
            index.append(where[id(tensor)])
        if not drawn:  # no variant draws mixing weights in this update
            return None
        if len(drawn) == 1:
            return drawn[0].unsqueeze(0).expand(len(self.names), *drawn[0].shape)
        picks = torch.tensor([i if i >= 0 else 0 for i in index], device=self.device)
        return torch.stack(drawn).index_select(0, picks)

    def _mask(self, group: str, j: int) -> torch.Tensor:
        """(V,): the variants still training that make a j-th update of `group`."""
        return self._active & self._update_masks[group][j]

    @staticmethod
    def _masked_sum(loss: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """The sum of the updating variants' losses: its gradient is each one's own."""
        return loss.sum() if bool(mask.all()) else torch.where(mask, loss, 0.0).sum()

    def _learning_rate_factors(self) -> torch.Tensor | float:
        if not self.any_decay:
            return 1.0
        factors = []
        for name, iterations in zip(self.names, self._iterations):
            train = self.configs[name].train
            on = train.lr_decay and train.decay_length > 0
            factors.append(linear_decay(iterations, train.decay_length) if on else 1.0)
        return _column(factors, self.device)

    def _discriminator_losses(self, r: torch.Tensor, f: torch.Tensor) -> torch.Tensor:
        """Each variant's discriminator loss (V,) from its logits on real (V, B) and fake (V, B):
        the objectives' own loss functions, reduced over the batch dimension only."""
        by_kind = {}
        for kind in set(self.loss_names):
            smoothing = kind in losses.PROBABILISTIC_LOSSES and self.any_smoothing
            options = {"real_target": self.real_target.unsqueeze(1)} if smoothing else {}
            by_kind[kind] = losses.DISCRIMINATOR_LOSSES[kind](r, f, dim=1, **options)
        return self._select(by_kind)

    def _generator_losses(self, f: torch.Tensor) -> torch.Tensor:
        return self._select({kind: losses.GENERATOR_LOSSES[kind](f, dim=1) for kind in set(self.loss_names)})

    def _select(self, by_kind: dict[str, torch.Tensor]) -> torch.Tensor:
        """(V,): variant v's value from its own loss's row."""
        if len(by_kind) == 1:
            return next(iter(by_kind.values()))
        rows = torch.stack([by_kind[kind] for kind in self._kind_order])  # (K, V)
        return rows.gather(0, self._kind_index.unsqueeze(0)).squeeze(0)

    def _step_stacked(self) -> None:
        factors = self._learning_rate_factors()
        discriminators, generators = self.discriminators, self.generators
        for j in range(max(self.k)):
            mask = self._mask("discriminator", j)
            if not mask.any():
                continue
            real, noise, mixing = self._draws(j, "discriminator")
            with torch.no_grad():
                fake = generators(noise, generators.flat.detach())  # (V, B, dim)
            r, f = discriminators(torch.cat([real, fake], dim=1)).chunk(2, dim=1)  # (V, B) each
            loss = self._discriminator_losses(r, f)
            if mixing is not None:
                mixed = (mixing * real + (1 - mixing) * fake).requires_grad_(True)
                (grad,) = torch.autograd.grad(discriminators(mixed).sum(), mixed, create_graph=True)
                penalty = losses.slope_penalty(grad.flatten(2).norm(2, dim=2)).mean(1)  # (V,)
                loss = loss + torch.where(self.gp_weight > 0, self.gp_weight * penalty, 0.0)
            if self.any_r1:
                real_in = real.detach().requires_grad_(True)
                (grad,) = torch.autograd.grad(discriminators(real_in).sum(), real_in, create_graph=True)
                penalty = grad.pow(2).flatten(2).sum(2).mean(1)
                loss = loss + torch.where(self.r1_gamma > 0, self.r1_gamma / 2 * penalty, 0.0)
            (grad,) = torch.autograd.grad(self._masked_sum(loss, mask), discriminators.flat)
            self.d_optimizer.step(grad, mask, self.d_lr * factors)
            with torch.no_grad():
                if self.any_clipping:  # WGAN's weight clipping, after each of its updates
                    flat = discriminators.flat
                    clamped = torch.maximum(torch.minimum(flat, self.clip), -self.clip)
                    flat.copy_(torch.where(self.clipped & mask.unsqueeze(1), clamped, flat))
            self._last["discriminator"] = torch.where(mask, loss.detach(), self._last["discriminator"])
            self._updates[:, 0] += mask.cpu()
        d_weights = discriminators.flat.detach()
        for j in range(max(self.m)):
            mask = self._mask("generator", j)
            if not mask.any():
                continue
            _, noise, _ = self._draws(j, "generator")
            f = discriminators(generators(noise), d_weights)
            loss = self._generator_losses(f)
            (grad,) = torch.autograd.grad(self._masked_sum(loss, mask), generators.flat)
            self.g_optimizer.step(grad, mask, self.g_lr * factors)
            self._update_averages(mask)
            self._last["generator"] = torch.where(mask, loss.detach(), self._last["generator"])
            self._updates[:, 1] += mask.cpu()
        active = self._active.tolist()
        self._iterations = [n + int(a) for n, a in zip(self._iterations, active)]
        self._iteration += 1
        self._pending.append(torch.stack([self._last["discriminator"], self._last["generator"]], dim=1))
        if len(self._pending) >= self.flush_every:
            self._flush_stacked()

    @torch.no_grad()
    def _update_averages(self, mask: torch.Tensor) -> None:
        """Each G's weight average after its update, with Trainer.average_decay's warm-up
        (updates counted before this one)."""
        if not any(self.ema):
            return
        n = self._updates[:, 1].to(self.device, self.averages.dtype)
        weight = (1 - torch.minimum(self.ema_weights, (1 + n) / (10 + n))).unsqueeze(1)  # (V, 1)
        use = mask.unsqueeze(1) & self.with_average
        self.averages.copy_(torch.where(use, self.averages.lerp(self.generators.flat.detach(), weight), self.averages))

    def _flush_stacked(self) -> None:
        """Read pending losses back; stop (and restore) each variant whose loss is not finite."""
        if not self._pending:
            return
        values = torch.stack(self._pending).cpu().tolist()  # (T, V, 2), one transfer
        count = len(values)
        self._pending.clear()
        for v, name in enumerate(self.names):
            if name in self._diverged:
                continue
            checked = [i for i, c in enumerate((self.k[v], self.m[v])) if c > 0]
            first = self._iterations[v] - count + 1
            for offset, step in enumerate(values):
                row = {"d_loss": step[v][0], "g_loss": step[v][1]}
                if not all(math.isfinite(step[v][i]) for i in checked):
                    self._diverge(v, first + offset, row)
                    break
                self._histories[v].offer({"iteration": first + offset, **row})
                self._last_losses[v] = row
        running = [self._safe_iterations[v] for v, name in enumerate(self.names) if name not in self._diverged]
        if running and self._iteration - min(running) >= self.safe_state_every:
            self._keep_safe_state()

    def _stacked_state(self) -> dict:
        return {
            "d": self.discriminators.flat.detach().clone(),
            "g": self.generators.flat.detach().clone(),
            "average": self.averages.clone(),
            "d_optimizer": self.d_optimizer.snapshot(),
            "g_optimizer": self.g_optimizer.snapshot(),
            "updates": self._updates.clone(),
        }

    def _keep_safe_state(self) -> None:
        """A copy of every variant whose weights are finite, to fall back on after a NaN."""
        state = self._stacked_state()
        finite = (torch.isfinite(state["d"]).all(1) & torch.isfinite(state["g"]).all(1)).tolist()
        for v, ok in enumerate(finite):
            if ok and self.names[v] not in self._diverged:
                self._restore_row(v, source=state, into=self._safe)
                self._safe_iterations[v] = self._iterations[v]

    @torch.no_grad()
    def _restore_row(self, v: int, source: dict, into: dict | None = None) -> None:
        """Row v of `source` into `into` (a saved state) or, without it, into the live tensors."""
        if into is not None:
            for key in ("d", "g", "average", "updates"):
                into[key][v] = source[key][v]
            for key in ("d_optimizer", "g_optimizer"):
                for name, tensor in into[key].items():
                    tensor[v] = source[key][name][v]
            return
        self.discriminators.flat[v] = source["d"][v]
        self.generators.flat[v] = source["g"][v]
        self.averages[v] = source["average"][v]
        self._updates[v] = source["updates"][v]
        self.d_optimizer.restore_row(v, source["d_optimizer"])
        self.g_optimizer.restore_row(v, source["g_optimizer"])

    def _diverge(self, v: int, iteration: int, row: dict) -> None:
        """Stop variant v at a non-finite loss: back to its last good copy, out of every later
        update, with a message like a single run's."""
        name = self.names[v]
        self._restore_row(v, self._safe)
        self._active[v] = False
        restored = self._safe_iterations[v]
        self._iterations[v] = restored
        self._histories[v].truncate(iteration)
        self._diverged_at[name] = iteration
        trainer = self.trainers[name]
        losses_text = f"D loss {row['d_loss']:.4g}, G loss {row['g_loss']:.4g}"
        self._diverged[name] = (
            f"training diverged at iteration {iteration} ({losses_text}); the networks were restored to "
            f"iteration {restored}. {trainer.objective.divergence_advice()}"
        )

    def diverged_at(self, name: str) -> int | None:
        if self.engine == "sequential":
            return self.trainers[name].diverged_at
        return self._diverged_at.get(name)

    @torch.no_grad()
    def _write_back(self, v: int, with_history: bool = True) -> None:
        """Variant v's stacked state into its Trainer (see `trainer`)."""
        name = self.names[v]
        trainer = self.trainers[name]
        objective = trainer.objective
        self.generators.load_into(v, objective.generator)
        self.discriminators.load_into(v, objective.discriminator)
        if trainer.average is not None:
            self.generators.load_into(v, trainer.average, self.averages)
        for group, stacked, network in (
            ("discriminator", self.d_optimizer, self.discriminators),
            ("generator", self.g_optimizer, self.generators),
        ):
            optimizer = trainer.optimizers[group]
            state = optimizer.state_dict()
            state["state"] = stacked.torch_state(v, network.sizes, network.shapes)
            optimizer.load_state_dict(state)
        leader = self.trainers[self.names[self.draw_groups[draw_key(trainer.config)][0]]]
        if leader is not trainer:
            trainer.data_rng.set_state(leader.data_rng.get_state())
            trainer.noise_rng.set_state(leader.noise_rng.get_state())
        if with_history:
            trainer.history.load_state_dict(self._histories[v].state_dict())
        trainer.continue_from(
            iteration=self._iterations[v],
            updates={"discriminator": int(self._updates[v, 0]), "generator": int(self._updates[v, 1])},
            last_losses=self._last_losses[v],
            diverged=self._diverged.get(name),
            diverged_at=self._diverged_at.get(name),
        )
