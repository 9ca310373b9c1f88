"""Can the discriminator generate? The lecture notes' loop in 2D, steppable by a live page.

Train D on real data against negatives; "generate" by gradient ascent on D's input,
x~ = argmax_x D(x); add those x~ to the negatives; train D again; repeat. In round 1 D has seen
only a few random negatives and scores high almost everywhere away from them, so the ascent ends
far from the data. Each round's ascended points show D where it was wrong, and its peaks move
onto the data. A GAN replaces the search by a generator that learns to make such points.

The same D (and its optimiser) is trained on from round to round, as a GAN's D is. The random
negatives stay in the pool for good; ascended ones are kept up to `pool_size`, the newest.
`step()` does one small unit of work (a chunk of D updates or a chunk of ascent steps), so a page
can pause between units. Each round's record keeps its ascended points; the mode metrics of
those points live a layer up (gan_core.evaluation.discriminator_loop), as a GAN's do.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F

from ..config import ConfigError, DataConfig, ModelConfig, RunConfig, TrainConfig
from ..data.toy import make_toy_distribution
from ..device import configure_cpu_threads
from ..networks import build_discriminator
from .ascent import ascent_step
from .optimizers import make_optimizer

ASCENT_SEED_OFFSET = 1  # ascent starts are drawn from seed + 1, batches and negatives from the seed
REFERENCE_SEED_OFFSET = 2  # the fixed real sample that "far from the data" is measured against
REFERENCE_POINTS = 2000
FAR_SHARE = 0.1  # "far from the data": further than this share of the view's width from any real point
FAR_GRID = 40  # cells per axis of the grid D's score far from the data is averaged over


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise ConfigError(message)


@dataclass(frozen=True)
class DiscriminatorLoopConfig:
    """The loop's settings; D's shape and optimiser are the ring preset's discriminator's."""

    data: DataConfig = field(default_factory=DataConfig)  # a 2D toy data set (ring by default)
    d_layers: int = 3  # as the ring preset's D: 3 x 128 LeakyReLU
    d_width: int = 128
    d_updates_per_round: int = 300  # enough for D to settle against the new negatives
    batch_size: int = 256  # real points and as many negatives per update
    lr: float = 1e-3  # Adam, beta1 0.5, as the ring preset
    n_ascent: int = 256  # points "generated" per round (ascent starts, uniform in the view)
    ascent_steps: int = 50
    ascent_step_size: float = 0.03  # first step's length as a share of the view's width (0.09 on the ring)
    n_random_negatives: int = 8  # few: D knows little at first, which is the point of round 1
    pool_size: int = 4096  # ascended negatives kept (the newest)
    rounds: int = 10  # a headless run's length; by then the ring's modes are found
    seed: int = 0
    updates_per_step: int = 10  # D updates in one step() (about 20 ms on a 2-core CPU)
    ascent_steps_per_step: int = 25  # ascent steps in one step() (about 17 ms)

    def __post_init__(self):
        _check(
            not self.data.is_image and self.data.dim == 2,
            f"the discriminator loop draws 2D data (ring, grid, spiral, ...), not {self.data.name!r}",
        )
        for name, value, low, high in (
            ("D updates per round", self.d_updates_per_round, 1, 100_000),
            ("batch size", self.batch_size, 1, 65_536),
            ("ascended points per round", self.n_ascent, 1, 10_000),
            ("ascent steps", self.ascent_steps, 1, 1000),
            ("random negatives", self.n_random_negatives, 1, 100_000),
            ("rounds", self.rounds, 1, 10_000),
            ("D updates per step", self.updates_per_step, 1, 10_000),
            ("ascent steps per step", self.ascent_steps_per_step, 1, 1000),
        ):
            _check(low <= value <= high, f"{name} must be between {low:,} and {high:,}, got {value}")
        _check(self.lr > 0, f"learning rate must be > 0, got {self.lr}")
        _check(
            0 < self.ascent_step_size <= 1,
            f"ascent step size is a share of the view's width: it must be in (0, 1], got {self.ascent_step_size}",
        )
        _check(
            self.pool_size >= self.n_ascent,
            f"the negatives pool ({self.pool_size}) must hold at least one round's ascended points ({self.n_ascent})",
        )
        ModelConfig(d_layers=self.d_layers, d_width=self.d_width)  # D's shape: ConfigError as for the GAN's

    @property
    def run_config(self) -> RunConfig:
        """A run with this data and this D, to build D with the GAN's own builder (and to train
        the GAN this loop is compared with)."""
        return RunConfig(
            data=self.data,
            model=ModelConfig(d_layers=self.d_layers, d_width=self.d_width),
            train=TrainConfig(d_lr=self.lr, batch_size=self.batch_size, seed=self.seed, device="cpu"),
        )


class DiscriminatorLoop:
    """The loop's state: the data, the negatives pool, D and its optimiser, the round, the D
    updates and seconds spent (training and ascent), and one record per finished round."""

    def __init__(self, config: DiscriminatorLoopConfig | None = None):
        self.config = config = config or DiscriminatorLoopConfig()
        run = config.run_config
        configure_cpu_threads(run)
        self.data = make_toy_distribution(config.data)
        self.bounds = tuple(float(b) for b in self.data.bounds)
        self.rng = torch.Generator().manual_seed(config.seed)
        self.ascent_rng = torch.Generator().manual_seed(config.seed + ASCENT_SEED_OFFSET)
        with torch.random.fork_rng(devices=[]):  # seeded weights without touching the global RNG
            torch.manual_seed(config.seed)
            self.discriminator = build_discriminator(run)
        self.optimizer = make_optimizer("adam", self.discriminator.parameters(), config.lr, run.train)
        self.random_negatives = self._uniform(config.n_random_negatives, self.rng)  # (r, 2), kept for good
        self.ascended_negatives = torch.empty(0, 2)  # (<= pool_size, 2), the newest last
        self.reference = self.data.sample(
            REFERENCE_POINTS, torch.Generator().manual_seed(config.seed + REFERENCE_SEED_OFFSET)
        )  # (N, 2) fixed real points: what a view draws and "far" is measured from
        self.far_cells = self._far_cells()  # (c, 2) grid cells far from the data
        self.d_updates = 0
        self.seconds = 0.0
        self.history: list[dict] = []
        self.latest_points = torch.empty(0, 2)  # the latest (or current) ascent's positions (n, 2)
        self.latest_trajectories = torch.empty(0, 0, 2)  # (kept, n, 2), starting at the starts
        self._round_updates = 0  # D updates done in the round in progress
        self._ascent_step: int | None = None  # the next ascent step while ascending, else None
        self._targets = torch.cat([torch.ones(config.batch_size), torch.zeros(config.batch_size)])  # (2B,)

    # ----- where the loop is -------------------------------------------------------------------
    @property
    def round(self) -> int:
        """The round in progress (1 at the start): rounds finished + 1."""
        return len(self.history) + 1

    @property
    def phase(self) -> str:
        return "training D" if self._ascent_step is None else "ascending"

    @property
    def negatives(self) -> torch.Tensor:
        """The pool D is trained against: the random negatives, then the ascended ones (n, 2)."""
        return torch.cat([self.random_negatives, self.ascended_negatives])

    # ----- work --------------------------------------------------------------------------------
    def step(self) -> bool:
        """One small unit of work: up to `updates_per_step` D updates, or, once the round's D
        updates are done, up to `ascent_steps_per_step` ascent steps. True when this unit ended
        a round (new negatives, a new record)."""
        started = time.perf_counter()
        ended = False
        if self._ascent_step is None:
            count = min(self.config.updates_per_step, self.config.d_updates_per_round - self._round_updates)
            for _ in range(count):
                self._update()
            self._round_updates += count
            if self._round_updates >= self.config.d_updates_per_round:
                self._start_ascent()
        else:
            ended = self._advance_ascent()
        self.seconds += time.perf_counter() - started
        if ended:
            self._end_round()  # bookkeeping and the record's scores: not the loop's work
        return ended

    def run_rounds(self, rounds: int | None = None) -> list[dict]:
        """Step until `rounds` more rounds (the config's `rounds` by default) have finished."""
        target = len(self.history) + (self.config.rounds if rounds is None else rounds)
        while len(self.history) < target:
            self.step()
        return self.history

    def _uniform(self, n: int, generator: torch.Generator) -> torch.Tensor:
        low, high = self.bounds
        return low + (high - low) * torch.rand(n, 2, generator=generator)  # (n, 2)

    def _update(self) -> None:
        """One D update: BCE with logits, a real batch as 1 against a batch of the pool as 0."""
        batch = self.config.batch_size
        real = self.data.sample(batch, self.rng)  # (B, 2)
        pool = self.negatives
        negatives = pool[torch.randint(len(pool), (batch,), generator=self.rng)]  # (B, 2)
        logits = self.discriminator(torch.cat([real, negatives]))  # (2B,)
        loss = F.binary_cross_entropy_with_logits(logits, self._targets)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
        self.d_updates += 1

    def _start_ascent(self) -> None:
        self.latest_points = self._uniform(self.config.n_ascent, self.ascent_rng)  # (n, 2)
        self.latest_trajectories = self.latest_points.unsqueeze(0)  # (1, n, 2)
        self._ascent_step = 0

    def _advance_ascent(self) -> bool:
        """Some ascent steps on D's logit; True once the last one is done."""
        config = self.config
        low, high = self.bounds
        step_size = config.ascent_step_size * (high - low)
        x, path = self.latest_points, [self.latest_trajectories]
        stop = min(self._ascent_step + config.ascent_steps_per_step, config.ascent_steps)
        for step in range(self._ascent_step, stop):
            x = ascent_step(
                self.discriminator, x, step=step, steps=config.ascent_steps, step_size=step_size, bounds=self.bounds
            )
            path.append(x.unsqueeze(0))
        self.latest_points, self.latest_trajectories = x, torch.cat(path)  # (n, 2), (kept, n, 2)
        self._ascent_step = stop
        return stop == config.ascent_steps

    @torch.no_grad()
    def _end_round(self) -> None:
        points = self.latest_points
        self.ascended_negatives = torch.cat([self.ascended_negatives, points])[-self.config.pool_size :]
        distance = torch.cdist(points, self.reference).min(dim=1).values  # (n,) to the nearest real point
        self.history.append(
            {
                "round": self.round,
                "d_updates": self.d_updates,
                "seconds": self.seconds,
                "d_ascended": float(torch.sigmoid(self.discriminator(points)).mean()),  # D(x~), mean
                "d_far": float(torch.sigmoid(self.discriminator(self.far_cells)).mean()),  # D far from the data
                "far_share": float((distance > self._far_distance).float().mean()),  # x~ far from the data
                "points": points.numpy().copy(),  # (n, 2) the round's ascended points, scored a layer up
            }
        )
        self._ascent_step = None
        self._round_updates = 0

    @property
    def _far_distance(self) -> float:
        low, high = self.bounds
        return FAR_SHARE * (high - low)

    def _far_cells(self) -> torch.Tensor:
        low, high = self.bounds
        axis = torch.linspace(low, high, FAR_GRID)
        xs, ys = torch.meshgrid(axis, axis, indexing="xy")
        cells = torch.stack([xs.reshape(-1), ys.reshape(-1)], dim=1)  # (G*G, 2)
        far = torch.cdist(cells, self.reference).min(dim=1).values > self._far_distance
        return cells[far]
