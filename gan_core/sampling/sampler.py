"""One sampler for every path: n samples of a run's generator from a seeded noise stream.

Samples come from the weight average (EMA) when the run keeps one. A weight average comes with
the live generator's BatchNorm statistics, which do not fit its weights, so where the generator
has BatchNorm a copy of the average re-estimates them on fixed noise first ("standing
statistics", Brock et al. 2019, BigGAN appendix). The fixed inputs that live views redraw at
every snapshot (the same noise, the same real batch) are seeded here too.
"""

from __future__ import annotations

import copy

import numpy as np
import torch

from ..networks import eval_mode, has_batchnorm, sample_noise, sample_shape

FIXED_NOISE_SEED_OFFSET = 10_000  # the noise batch a live view redraws: seed + this
FIXED_REAL_SEED_OFFSET = 20_000  # the real batch a live view shows: seed + this
STANDING_STATS_SEED = 123  # noise that re-estimates BatchNorm statistics
STANDING_STATS_BATCHES = 20  # batches of 256 noise vectors for that
SAMPLE_CHUNK = 10_000  # samples drawn in one forward pass at most

_STANDING: dict[int, tuple] = {}  # id(trainer) -> (generator updates, standing copy, the average it copies)


def _generator_updates(trainer) -> int:
    return trainer.updates.get(trainer.objective.sampled_network, trainer.iteration)


@torch.no_grad()
def sampling_network(trainer, max_age: int = 0) -> torch.nn.Module:
    """The network to sample from, in eval mode: the weight average with standing statistics
    where it has BatchNorm, else the average or the live network itself. A standing copy made at
    most `max_age` generator updates ago is reused (a live view need not redo it each frame)."""
    network = trainer.sampling_network
    if trainer.average is None or not has_batchnorm(network):
        return network
    cached = _STANDING.get(id(trainer))
    updates = _generator_updates(trainer)
    if cached is not None and cached[2] is network and 0 <= updates - cached[0] <= max_age:
        return cached[1]
    standing = copy.deepcopy(network)
    for module in standing.modules():
        if isinstance(module, torch.nn.modules.batchnorm._BatchNorm):
            module.reset_running_stats()
            module.momentum = None  # a plain average over the batches below
    standing.train()
    rng = torch.Generator().manual_seed(STANDING_STATS_SEED)
    for _ in range(STANDING_STATS_BATCHES):
        trainer.objective.sample(256, rng, generator=standing)
    standing.eval()
    if len(_STANDING) >= 8:  # runs come and go (resets); keep the latest few
        _STANDING.pop(next(iter(_STANDING)))
    _STANDING[id(trainer)] = (updates, standing, network)
    return standing


@torch.no_grad()
def sample(
    trainer, n: int, seed: int = 0, *, label: int | None = None, live: bool = False, max_age: int = 0
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """n samples on the CPU ((n, dim) for toy data, (n, C, H, W) in [-1, 1] for images) and, for
    a conditional model, their labels (all `label`, or drawn uniformly). Noise comes first from
    the stream seeded by `seed`, then labels. `live`: from the generator being trained instead
    of its weight average."""
    if n < 0:
        raise ValueError(f"the sample count must be >= 0, got {n}")
    network = trainer.live_network if live else sampling_network(trainer, max_age)
    rng = torch.Generator().manual_seed(seed)
    if n == 0:
        return torch.empty(0, *sample_shape(trainer.config)), None
    parts, labels = [], []
    with eval_mode(network):
        for start in range(0, n, SAMPLE_CHUNK):
            samples, chunk_labels = trainer.objective.sample(
                min(SAMPLE_CHUNK, n - start), rng, label=label, generator=network
            )
            parts.append(samples.cpu())
            labels.append(chunk_labels)
    return torch.cat(parts), (None if labels[0] is None else torch.cat(labels))


@torch.no_grad()
def generate_from_codes(trainer, codes: torch.Tensor, label: int | None = None) -> torch.Tensor:
    """The samples (on the CPU) of given latent codes (n, noise_dim) through the network `sample`
    uses; a conditional model needs `label` (the same for every code)."""
    model = trainer.config.model
    if codes.ndim != 2 or codes.shape[1] != model.noise_dim:
        raise ValueError(f"codes must be (n, {model.noise_dim}) for this model, got {tuple(codes.shape)}")
    if not torch.isfinite(codes).all():
        raise ValueError("codes must be finite numbers")
    labels = None
    if trainer.objective.conditional:
        if label is None or not 0 <= label < model.n_classes:
            raise ValueError(f"a conditional model needs --label between 0 and {model.n_classes - 1}")
        labels = torch.full((len(codes),), int(label), dtype=torch.long)
    elif label is not None:
        raise ValueError("a label needs a conditional model (architecture conditional_mlp)")
    network = sampling_network(trainer)
    parts = []
    with eval_mode(network):
        for start in range(0, len(codes), SAMPLE_CHUNK):
            part = codes[start : start + SAMPLE_CHUNK].float().to(trainer.device)
            chunk_labels = None if labels is None else labels[start : start + SAMPLE_CHUNK].to(trainer.device)
            parts.append(network(part, chunk_labels).cpu())
    return torch.cat(parts) if parts else torch.empty(0, *sample_shape(trainer.config))


def sample_numpy(trainer, n: int, seed: int = 0, **options) -> np.ndarray:
    """`sample` as a numpy array, labels dropped."""
    return sample(trainer, n, seed, **options)[0].numpy()


# ----- the fixed inputs of live views ---------------------------------------------------------------
def fixed_noise(trainer, n: int) -> torch.Tensor:
    """The same n noise vectors for a run every time (seeded from the run's seed)."""
    model = trainer.config.model
    rng = torch.Generator().manual_seed(trainer.config.train.seed + FIXED_NOISE_SEED_OFFSET)
    return sample_noise(n, model.noise_dim, model.noise_prior, rng).to(trainer.device)


def fixed_real(trainer, n: int) -> torch.Tensor:
    """The same n real samples for a run every time."""
    rng = torch.Generator().manual_seed(trainer.config.train.seed + FIXED_REAL_SEED_OFFSET)
    return trainer.data.sample_batch(n, rng)[0]


def fixed_image_inputs(trainer, columns: int, rows: int) -> tuple[torch.Tensor, torch.Tensor | None]:
    """The noise (and labels) of an image grid, the same every time. For a conditional model:
    n_classes rows, the label fixed along a row, the noise along a column."""
    model = trainer.config.model
    rng = torch.Generator().manual_seed(trainer.config.train.seed + FIXED_NOISE_SEED_OFFSET)
    if trainer.objective.conditional:
        z = sample_noise(columns, model.noise_dim, model.noise_prior, rng).repeat(model.n_classes, 1)  # (K*cols, d)
        labels = torch.arange(model.n_classes).repeat_interleave(columns)  # (K*cols,)
        return z.to(trainer.device), labels.to(trainer.device)
    z = sample_noise(rows * columns, model.noise_dim, model.noise_prior, rng)
    return z.to(trainer.device), None


def noise_grid(trainer, resolution: int) -> tuple[np.ndarray, torch.Tensor]:
    """A regular grid over the first (up to) two noise dimensions, the others held at 0. It spans
    [-1, 1] for a uniform prior and +-2 std for a normal one."""
    model = trainer.config.model
    extent = 1.0 if model.noise_prior == "uniform" else 2.0
    axis = np.linspace(-extent, extent, resolution, dtype=np.float32)
    if model.noise_dim == 1:
        z = torch.from_numpy(axis).unsqueeze(1)
    else:
        zx, zy = np.meshgrid(axis, axis)
        z = torch.zeros(resolution * resolution, model.noise_dim)
        z[:, 0] = torch.from_numpy(zx.ravel())
        z[:, 1] = torch.from_numpy(zy.ravel())
    return axis, z.to(trainer.device)
