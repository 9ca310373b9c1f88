"""Several trainers side by side, each stepped one iteration per `step()`: GAN vs VAE's members
(gan_core.training.gan_vs_vae), a theory section's runs (gan_core.training.theory) and Compare's
variants when they cannot be stacked into one batched model (gan_core.training.compare_trainer, whose
stacked engine is the faster implementation of the same interface). A member that diverges
stops, marked, and the others go on; each member's own training time is kept."""

from __future__ import annotations

import dataclasses
import json
import re
import time
from pathlib import Path

from ..config import ConfigError, RunConfig
from .trainer import Trainer, run_iterations


class SideBySide:
    """`trainers`: name -> Trainer, stepped in this order."""

    def __init__(self, trainers: dict[str, Trainer]):
        if not trainers:
            raise ConfigError("nothing to train: no variants")
        self.trainers = dict(trainers)
        self.names = list(trainers)
        self.seconds = {name: 0.0 for name in trainers}  # each member's own training time
        self.steps = 0  # calls of step() that trained someone

    @classmethod
    def from_configs(cls, configs: dict[str, RunConfig], device=None, data=None) -> SideBySide:
        return cls({name: Trainer(config, data=data, device=device) for name, config in configs.items()})

    @property
    def iteration(self) -> int:
        """Iterations of the members still training (all in lockstep); of the longest run once
        all have stopped."""
        running = [t.iteration for t in self.trainers.values() if not t.diverged]
        return max(running or [t.iteration for t in self.trainers.values()])

    @property
    def running(self) -> list[str]:
        """The members still training, in order."""
        stopped = self.diverged
        return [name for name in self.names if name not in stopped]

    @property
    def diverged(self) -> dict[str, str]:
        """name -> message, for every member that was stopped."""
        return {name: trainer.diverged for name, trainer in self.trainers.items() if trainer.diverged}

    @property
    def all_diverged(self) -> bool:
        return not self.running

    def step(self) -> bool:
        """One iteration of every member still training; False once none is."""
        for name in self.running:
            started = time.perf_counter()
            self.trainers[name].step()
            self.seconds[name] += time.perf_counter() - started
        self.steps += 1
        return not self.all_diverged

    def train(self, iterations: int, callback=None, callback_every: int = 100) -> None:
        run_iterations(self, iterations, callback, callback_every)

    def update_all(self, group: str, count: int) -> None:
        """`count` updates of `group` ("discriminator" or "generator") in every member, the other
        network held fixed (the paper's panels (b) and (c)); the iteration count stays."""
        for name in self.running:
            for _ in range(count):
                self.trainers[name].update(group)

    def flush(self) -> None:
        for trainer in self.trainers.values():
            trainer.flush()

    def extend(self, iterations: int) -> None:
        """Every member's run length becomes `iterations` (its schedules follow)."""
        for trainer in self.trainers.values():
            trainer.apply_train_changes(dataclasses.replace(trainer.config.train, iterations=iterations))


class ConfiguredSideBySide(SideBySide):
    """Members built from a page's config (GAN vs VAE's, an application's): `member_configs(config,
    device)` names them, `load_shipped()` puts trained ones in place when `config.shipped`; the run
    has finished at `config.iterations`."""

    def __init__(self, config, device: str = "auto"):
        super().__init__({name: Trainer(run) for name, run in self.member_configs(config, device).items()})
        self.config = config
        if config.shipped:
            self.load_shipped()
            self.at_least(self.iteration)

    def at_least(self, iterations: int) -> None:
        """A run whose members went past its length (shipped or loaded ones trained longer) takes
        their length: the config and every member's schedules."""
        if iterations > self.config.iterations:
            self.config = self.config.replace(iterations=iterations)
            self.extend(iterations)

    @staticmethod
    def member_configs(config, device: str) -> dict[str, RunConfig]:
        raise NotImplementedError

    def load_shipped(self) -> None:
        raise NotImplementedError

    @property
    def finished(self) -> bool:
        return self.iteration >= self.config.iterations


# ----- trained members shipped in checkpoints/, so a page opens on trained models ----------------
def member_file(name: str) -> str:
    """A member's file name: "GAN" -> gan.pt, "β-VAE" -> beta-vae.pt, "GAN · 64" -> gan-w64.pt,
    "L1 + GAN" -> l1-gan.pt."""
    slug = name.lower().replace("β", "beta").replace(" · ", "-w")
    return re.sub(r"[^a-z0-9]+", "-", slug).strip("-") + ".pt"


def save_members(run: SideBySide, folder: Path, config_dict: dict) -> Path:
    """Write every member (slim: no optimiser states) and a manifest of the config and each
    member's training time."""
    from . import checkpoint

    folder.mkdir(parents=True, exist_ok=True)
    run.flush()
    for name, trainer in run.trainers.items():
        checkpoint.save(trainer, folder / member_file(name), slim=True)
    manifest = {"config": config_dict, "seconds": run.seconds}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return folder


def load_members(run: SideBySide, folder: Path, matches, advice: str) -> None:
    """Put the shipped trained members in place (weights, histories, counters and training
    times). `matches(manifest config dict)` says whether they were trained with these settings;
    `advice` says what to do instead. Raises ConfigError, saying so, when there are none or they
    do not fit."""
    from . import checkpoint

    try:
        manifest = json.loads((folder / "manifest.json").read_text())
        fits = matches(manifest["config"])
    except (OSError, ValueError, KeyError, TypeError):
        raise ConfigError(f"no trained models are shipped for this setup; {advice}") from None
    if not fits:
        raise ConfigError(f"the shipped models were trained with other settings; {advice}")
    for name, trainer in run.trainers.items():
        try:
            _, state = checkpoint.read(folder / member_file(name))
            trainer.load_state_dict(state)
        except (ValueError, KeyError, RuntimeError) as error:  # CheckpointError is a ValueError
            raise ConfigError(f"the shipped {name} model cannot be used: {str(error).splitlines()[0][:200]}") from None
        run.seconds[name] = float(manifest["seconds"].get(name, 0.0))
