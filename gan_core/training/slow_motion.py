"""Slow motion: one iteration of a GAN walked through as its sub-steps, each with a sentence of
what happens and why and the numbers at that moment (GAN Lab's most praised teaching feature).

For each of the k discriminator updates: (1) a real batch is drawn; (2) noise is drawn and mapped
through G (the fake batch); (3) D's loss on both and D's update. Then for each of the m generator
updates: (4) fresh noise through G, G's loss and its gradient at each generated point (the arrows);
(5) G's update (the points move).

The walk is the trainer's own iteration, not a copy of it: the batches are drawn from the
trainer's seeded streams in the order `Trainer.step()` draws them, and the updates are the
trainer's own `update()` with the drawn batches handed back to the objective when it asks for
them. After the last sub-step the trainer is exactly where `step()` would have left it (weights,
optimiser states, random streams, counters, history). What the sub-steps show (D's outputs, the
arrows) is computed in eval mode without gradients for the weights, touching no random stream.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ..networks import eval_mode
from ..objectives import losses

SHOWN_POINTS = 64  # points of each batch a sub-step hands to the view

TITLES = {
    "real": "Sample real points",
    "fake": "Sample noise, map it through G",
    "d_update": "D's loss and D's update",
    "g_gradients": "G's loss and its gradients",
    "g_update": "G's update",
    "idle": "Nothing to update (k = m = 0)",
}

D_LOSS_WORDS = {
    "probability": "−mean log D(real) − mean log(1 − D(fake))",
    "lsgan": "½ mean (D(real) − 1)² + ½ mean D(fake)²",
    "hinge": "mean max(0, 1 − D(real)) + mean max(0, 1 + D(fake))",
    "critic": "mean D(fake) − mean D(real)",
}
G_LOSS_WORDS = {
    "minimax": "mean log(1 − D(fake))",
    "nsgan": "−mean log D(fake)",
    "lsgan": "½ mean (D(fake) − 1)²",
    "hinge": "−mean D(fake)",
    "wgan": "−mean D(fake)",
    "wgan_gp": "−mean D(fake)",
}


@dataclass(frozen=True)
class SubStep:
    """One sub-step of the walk, as a page shows it. Numbers not known yet in this iteration (D's
    loss before its update, the fake batch before it is drawn) are NaN."""

    kind: str  # "real", "fake", "d_update", "g_gradients", "g_update" (or "idle" when k = m = 0)
    title: str  # "D's loss and D's update (2 of 3)"
    sentence: str  # what happens and why, in a teacher's words
    iteration: int  # the iteration being walked through
    index: int  # this sub-step's place in the walk, from 0
    plan: tuple[str, ...]  # the titles of every sub-step of the walk, in order
    d_loss: float  # D's loss on this iteration's batches (NaN before D's first update)
    g_loss: float  # G's loss on the batch shown (NaN before G's loss is computed)
    d_real: float  # D's mean output on the real batch, now (probability or raw score)
    d_fake: float  # D's mean output on the generated batch, now
    d_is_probability: bool
    real: np.ndarray | None  # (<= SHOWN_POINTS, dim): the first points of the real batch
    fake: np.ndarray | None  # (<= SHOWN_POINTS, dim): the first points of the generated batch
    gradients: np.ndarray | None  # at "g_gradients": -dL_G/dx per shown point times the batch size
    previous_fake: np.ndarray | None  # at "g_update": the shown points before G's update
    changed: str | None  # the network this sub-step updated ("discriminator", "generator") or None
    finished: bool  # the last sub-step: the iteration is complete and the counter moved on
    run_iteration: int  # the trainer's iteration count after this sub-step
    updates: dict  # the trainer's update counts after this sub-step

    @property
    def total(self) -> int:
        return len(self.plan)


def check_slow_motion(trainer) -> None:
    """Raise ValueError, saying why, for a run slow motion cannot walk through."""
    objective = trainer.objective
    if not hasattr(objective, "discriminator") or not hasattr(objective, "generator"):
        raise ValueError("slow motion walks through a GAN's iteration; this run has no discriminator")
    if objective.conditional:
        raise ValueError("slow motion shows unconditional GANs only (this run is conditional)")
    if trainer.config.train.loss not in losses.GENERATOR_LOSSES:
        raise ValueError(f"slow motion does not know the loss {trainer.config.train.loss!r}")


def walk_plan(config) -> tuple[tuple[str, int, int], ...]:
    """(kind, repeat, repeats) for every sub-step of one iteration under `config`'s k and m."""
    k, m = config.train.d_steps, config.train.g_steps
    plan = [(kind, i, k) for i in range(1, k + 1) for kind in ("real", "fake", "d_update")]
    plan += [(kind, j, m) for j in range(1, m + 1) for kind in ("g_gradients", "g_update")]
    return tuple(plan) or (("idle", 1, 1),)


def plan_titles(config) -> tuple[str, ...]:
    """The titles of one iteration's sub-steps (a page lists them before the first Next)."""
    return tuple(_title(kind, repeat, repeats) for kind, repeat, repeats in walk_plan(config))


def _title(kind: str, repeat: int, repeats: int) -> str:
    return TITLES[kind] + (f" ({repeat} of {repeats})" if repeats > 1 else "")


class SlowMotion:
    """Walks `trainer` through its iterations one sub-step per `next()`; a `next()` after the
    last sub-step of an iteration starts the next iteration."""

    def __init__(self, trainer):
        check_slow_motion(trainer)
        self.trainer = trainer
        self._walk: tuple[tuple[str, int, int], ...] | None = None  # None between iterations
        self._position = 0
        self.last: SubStep | None = None

    @property
    def in_progress(self) -> bool:
        """An iteration has been started and not finished: the trainer is between two sub-steps."""
        return self._walk is not None

    def next(self) -> SubStep:
        """Do the next sub-step (starting an iteration when none is in progress) and describe it."""
        trainer = self.trainer
        if trainer.diverged:
            raise ValueError("the run diverged: roll back or reset it before walking through an iteration")
        if self._walk is None:
            check_slow_motion(trainer)  # live settings may have changed since the last walk
            self._walk, self._position = walk_plan(trainer.config), 0
            self._iteration = trainer.iteration
            self._numbers = {"d_loss": float("nan"), "g_loss": float("nan")}
            self._real_x = self._real_labels = self._noise = self._fake_x = self._g_noise = self._g_fake = None
            trainer.begin_iteration()
        kind, repeat, repeats = self._walk[self._position]
        details = getattr(self, f"_step_{kind}")()
        plan = tuple(_title(*entry) for entry in self._walk)
        self._position += 1
        finished = self._position == len(self._walk)
        if finished:
            self._walk = None
            trainer.end_iteration()
        self.last = SubStep(
            kind=kind,
            title=_title(kind, repeat, repeats),
            iteration=self._iteration,
            index=self._position - 1,
            plan=plan,
            d_is_probability=trainer.config.train.loss in losses.PROBABILISTIC_LOSSES,
            finished=finished,
            run_iteration=trainer.iteration,
            updates=dict(trainer.updates),
            **{"gradients": None, "previous_fake": None, "changed": None, **details},
        )
        return self.last

    def finish(self) -> None:
        """Do the rest of an iteration in progress (before the run trains on by itself)."""
        while self._walk is not None and not self.trainer.diverged:
            self.next()
        if self.trainer.diverged:
            self._walk = None

    # ----- the sub-steps --------------------------------------------------------------------
    @property
    def _batch(self) -> int:
        return self.trainer.config.train.batch_size

    @property
    def _loss(self) -> str:
        return self.trainer.config.train.loss

    def _step_real(self) -> dict:
        self._real_x, self._real_labels = self.trainer.objective.sources.real_batch(self._batch)
        self._noise = self._fake_x = None
        d_real = self._mean_output(self._real_x)
        return self._details(
            f"A batch of {self._batch} real points is drawn from the data (the first "
            f"{min(self._batch, SHOWN_POINTS)} are highlighted). They are the examples D must learn to "
            f"call real; right now D gives them {self._output_words(d_real)} on average.",
            d_real=d_real,
        )

    def _step_fake(self) -> dict:
        objective = self.trainer.objective
        self._noise = objective.noise(self._batch)
        self._fake_x = self._generate(self._noise)
        return self._details(
            f"{self._batch} noise vectors z are drawn and mapped through the generator: each G(z) is a "
            "generated point (the mesh is G's map of the noise plane). G never sees the real data; it "
            "learns only from what D says about these points.",
            d_real=self._mean_output(self._real_x),
            d_fake=self._mean_output(self._fake_x),
        )

    def _step_d_update(self) -> dict:
        before_real, before_fake = self._mean_output(self._real_x), self._mean_output(self._fake_x)
        loss = self.trainer.update("discriminator", {"real": (self._real_x, self._real_labels), "noise": self._noise})
        self._numbers["d_loss"] = float(loss)
        after_real, after_fake = self._mean_output(self._real_x), self._mean_output(self._fake_x)
        words = D_LOSS_WORDS[_loss_family(self._loss)]
        return self._details(
            f"D scores both batches; its loss, {words}, is low when it calls the real points real and "
            f"the generated ones fake. One {self.trainer.config.train.d_optimizer} step on D's weights "
            f"lowers it, so the heatmap changes (on the real batch D went from {_number(before_real)} to "
            f"{_number(after_real)}, on the generated one from {_number(before_fake)} to {_number(after_fake)}). "
            "G has not moved.",
            d_real=after_real,
            d_fake=after_fake,
            changed="discriminator",
        )

    def _step_g_gradients(self) -> dict:
        trainer = self.trainer
        self._g_noise = trainer.objective.noise(self._batch)
        self._g_fake = self._generate(self._g_noise)
        g_loss, gradients = self._generator_gradients(self._g_fake)
        self._numbers["g_loss"] = g_loss
        return self._details(
            f"Fresh noise through G gives a new generated batch. G's loss, {G_LOSS_WORDS[self._loss]}, is "
            "low where D calls the points real; its gradient at each point (the arrows, reversed to point "
            "downhill) shows which way that point should move to fool D. Nothing is updated yet.",
            d_real=self._mean_output(self._real_x),
            d_fake=self._mean_output(self._g_fake),
            fake=self._g_fake,
            gradients=gradients[:SHOWN_POINTS],
        )

    def _step_g_update(self) -> dict:
        loss = self.trainer.update("generator", {"noise": self._g_noise})
        self._numbers["g_loss"] = float(loss)
        previous, moved = self._g_fake, self._generate(self._g_noise)
        distance = float((moved - previous).norm(dim=1).mean())
        return self._details(
            f"G's loss is backpropagated through D into G's weights, and one "
            f"{self.trainer.config.train.g_optimizer} step changes them: the same noise now lands elsewhere, "
            f"so the generated points move along their arrows (faint: before; mean move {distance:.3g}). "
            "D's weights stay as they were.",
            d_real=self._mean_output(self._real_x),
            d_fake=self._mean_output(moved),
            fake=moved,
            previous_fake=previous[:SHOWN_POINTS],
            changed="generator",
        )

    def _step_idle(self) -> dict:
        return self._details(
            "k and m are both 0: this iteration updates neither network; only the iteration counter moves on."
        )

    # ----- helpers ------------------------------------------------------------------------------
    def _details(self, sentence: str, *, d_real=float("nan"), d_fake=float("nan"), fake=None, **more) -> dict:
        fake = self._fake_x if fake is None else fake
        return dict(
            sentence=sentence,
            d_loss=self._numbers["d_loss"],
            g_loss=self._numbers["g_loss"],
            d_real=d_real,
            d_fake=d_fake,
            real=_shown(self._real_x),
            fake=_shown(fake),
            **{name: _shown(value) if isinstance(value, torch.Tensor) else value for name, value in more.items()},
        )

    def _output_words(self, value: float) -> str:
        if self._loss in losses.PROBABILISTIC_LOSSES:
            return f"a probability of being real of {value:.3f}"
        return f"a score of {value:.3f}"

    @torch.no_grad()
    def _generate(self, noise: torch.Tensor) -> torch.Tensor:
        generator = self.trainer.objective.generator
        with eval_mode(generator):
            return generator(noise)

    @torch.no_grad()
    def _mean_output(self, x: torch.Tensor | None) -> float:
        """D's mean output on `x` as a person reads it (see losses.discriminator_output)."""
        if x is None:
            return float("nan")
        discriminator = self.trainer.objective.discriminator
        with eval_mode(discriminator):
            return float(losses.discriminator_output(self._loss, discriminator(x)).mean())

    def _generator_gradients(self, fake: torch.Tensor) -> tuple[float, np.ndarray]:
        """G's loss on `fake` and -dL_G/dx per point times the batch size (undoing the mean):
        the direction and strength with which G's loss pushes each point (as the live view's
        arrows). Only the points ask for gradients; no weight's .grad is touched."""
        discriminator = self.trainer.objective.discriminator
        x = fake.detach().clone().requires_grad_(True)
        with eval_mode(discriminator):
            loss = losses.GENERATOR_LOSSES[self._loss](discriminator(x))
            (grad,) = torch.autograd.grad(loss, x)
        return float(loss.detach()), (-grad * len(x)).cpu().numpy()


def _loss_family(loss: str) -> str:
    if loss in losses.PROBABILISTIC_LOSSES:
        return "probability"
    if loss in ("lsgan", "hinge"):
        return loss
    return "critic"


def _number(value: float) -> str:
    return f"{value:.3f}"


def _shown(value):
    if value is None:
        return None
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    return np.asarray(value[:SHOWN_POINTS], dtype=np.float32)
