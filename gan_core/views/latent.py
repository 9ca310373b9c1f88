"""What the latent explorer shows of a trained run: the run loaded from a checkpoint (a shipped
one, one trained in this session, or an upload) with its generator, discriminator, data and,
for digits, the shipped classifier; the classifier's reading of generated images; what each
direction does; and, for 2D data, how the generator splits its noise plane among the modes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from ..config import WORDS_MODEL_HOME, ConfigError, RunConfig
from ..data.faces import FACTORS
from ..data.images import to_unit
from ..evaluation import direction_factors
from ..evaluation.image_run import classifier_for
from ..evaluation.mixture import nearest_modes
from ..networks.classifier import ClassifierUnavailableError
from ..networks.face_reader import FaceReader
from ..objectives import losses
from ..sampling import directions
from ..sampling.latent import LatentGenerator
from ..training import checkpoint
from ..training.checkpoint import CheckpointError

HQ_THRESHOLD = 3.0  # a sample within 3 std of a mode centre is "high quality" (mixture metrics)
EFFECT_SAMPLES = 64  # codes a direction's effect is averaged over
EFFECT_STEP = 2.0  # stds either side of a code at which the effect is read
PRIOR_SHARE_SAMPLES = 20_000  # codes that measure how the prior splits among modes
NOISE_PLANE_EXTENT = 4.0  # the noise plane spans +-4 prior stds (a slider reaches 3 past a seed's code)


@dataclass(frozen=True, eq=False)
class LatentModel:
    """A trained run as the explorer uses it, read-only."""

    title: str
    config: RunConfig
    iteration: int
    generator: LatentGenerator
    discriminator: nn.Module | None  # eval mode, CPU; None for a VAE's decoder
    data: object  # ToyDistribution or ImageData
    classifier: nn.Module | None  # digits classifier (eval) when one is shipped for the data
    classifier_note: str

    @property
    def kind(self) -> str:
        return self.config.kind

    @property
    def model_kind(self) -> str:
        """ "gan", or "vae" (a VAE's or beta-VAE's decoder: its code axes can be explored too)."""
        return self.config.model.model_kind

    @property
    def reads_factors(self) -> bool:
        """Its data has a factor reader (the faces): directions can be named in ground-truth terms."""
        return isinstance(self.classifier, FaceReader)

    @property
    def walks_factors(self) -> bool:
        """Its directions can be scored in factors: a reader, and an unconditional generator (a
        conditional one's factors depend on the label as much as on z)."""
        return self.reads_factors and not self.generator.conditional

    def fixed_factor_directions_fit(self) -> bool:
        """Room in the code to keep the other factors fixed (a 16-d code has too little for 21)."""
        return directions.fixed_directions_fit(self.generator.noise_dim, directions.factor_direction_count(FACTORS))

    def read_factors(self, images: torch.Tensor) -> torch.Tensor:
        """(n, F) factor values of images, as the face reader reads them."""
        return self.classifier.read(images)

    @property
    def class_names(self) -> tuple[str, ...]:
        return tuple(getattr(self.data, "class_names", ()))

    def describe(self) -> str:
        model, data = self.config.model, self.config.data
        return (
            f"{model.architecture} on {data.name}, iteration {self.iteration:,}; z: {model.noise_dim}-d "
            f"{model.noise_prior}" + (f", {model.n_classes} labels" if self.generator.conditional else "")
        )


def load_latent_model(source, title: str) -> LatentModel:
    """A checkpoint (path or bytes) as a LatentModel. Raises CheckpointError with a message a
    person can act on (not a checkpoint, damaged, or data it needs is missing)."""
    try:
        trainer = checkpoint.load_trainer(source, device="cpu", model_kinds=("gan", "vae"))
    except ConfigError as error:  # e.g. an MNIST run with MNIST not on this disk
        raise CheckpointError(f"the checkpoint loads but its data cannot be used here: {error}") from None
    if trainer.config.model.architecture == "conditional_dcgan":
        raise CheckpointError(
            "this is the words-to-faces GAN, which draws faces from the factors a phrase asks for: "
            f"{WORDS_MODEL_HOME}; the explorer walks a code of noise alone"
        )
    if trainer.config.model.model_kind != "gan" and trainer.config.kind != "image":
        raise CheckpointError(
            "a VAE or auto-encoder on 2D data cannot be explored here (its planes are drawn with a GAN's D); "
            "image VAEs can"
        )
    generator = LatentGenerator.from_trainer(trainer)
    discriminator = getattr(trainer.objective, "discriminator", None)
    if discriminator is not None:
        discriminator = discriminator.cpu().eval().requires_grad_(False)
    classifier, note = None, ""
    if trainer.config.kind == "image":
        try:
            classifier, info = classifier_for(trainer.config.data.name)
            judge = "face reader (hair colour)" if trainer.config.data.name == "faces" else "digits classifier"
            note = f"{judge}, held-out accuracy {info.get('held_out_accuracy', float('nan')):.1%}"
        except ClassifierUnavailableError as error:
            note = str(error)
    return LatentModel(
        title, trainer.config, trainer.iteration, generator, discriminator, trainer.data, classifier, note
    )


# ----- reading images ----------------------------------------------------------------------------
@torch.no_grad()
def classify(model: LatentModel, images: torch.Tensor) -> tuple[np.ndarray, np.ndarray] | None:
    """(predicted class (n,), its probability (n,)), or None without a classifier."""
    if model.classifier is None:
        return None
    probs = torch.softmax(model.classifier.head(model.classifier.features(images.float())), dim=1)
    confidence, predicted = probs.max(dim=1)
    return predicted.numpy(), confidence.numpy()


@torch.no_grad()
def discriminator_reading(model: LatentModel, samples: torch.Tensor, labels: torch.Tensor | None = None) -> np.ndarray:
    """D's output on samples as a person reads it (a probability for the probabilistic losses);
    NaN for a VAE's decoder, which has no D."""
    discriminator = model.discriminator
    if discriminator is None:
        return np.full(len(samples), np.nan)
    pack = getattr(discriminator, "pack", 1)
    x = samples.repeat_interleave(pack, dim=0) if pack > 1 else samples
    logits = discriminator(x, labels if model.generator.conditional else None)
    return losses.discriminator_output(model.config.train.loss, logits).numpy()


@torch.no_grad()
def direction_effects(model: LatentModel, vectors: np.ndarray, seed: int = 0) -> list[str]:
    """One line per direction (rows of `vectors`) saying what it does, measured on EFFECT_SAMPLES codes moved
    EFFECT_STEP stds back and forth: for digits, the classes it moves towards and away from and
    the change in ink; for 2D mixtures, how often it switches a sample's mode."""
    generator = model.generator
    n, d = EFFECT_SAMPLES, generator.noise_dim
    z = generator.codes(seed + 1, n)
    labels = None
    if generator.conditional:
        labels = torch.randint(generator.n_classes, (n,), generator=torch.Generator().manual_seed(seed))
    vectors = torch.as_tensor(np.asarray(vectors), dtype=torch.float32) * EFFECT_STEP * generator.prior_std  # (k, d)
    k = len(vectors)
    minus = (z[None] - vectors[:, None]).reshape(k * n, d)
    plus = (z[None] + vectors[:, None]).reshape(k * n, d)
    both = None if labels is None else labels.repeat(k)
    low, high = generator.generate(minus, both), generator.generate(plus, both)
    lines = []
    if model.kind == "image":
        ink = to_unit(high).reshape(k, n, -1).mean(dim=(1, 2)) - to_unit(low).reshape(k, n, -1).mean(dim=(1, 2))
        base_ink = float(to_unit(generator.generate(z, labels)).mean())
        if model.classifier is not None:
            judge = model.classifier
            p_low = torch.softmax(judge.head(judge.features(low)), dim=1).reshape(k, n, -1).mean(dim=1)
            p_high = torch.softmax(judge.head(judge.features(high)), dim=1).reshape(k, n, -1).mean(dim=1)
            change = (p_high - p_low).numpy()  # (k, classes)
        for i in range(k):
            parts = []
            if model.classifier is not None:
                up, down = int(change[i].argmax()), int(change[i].argmin())
                names = model.class_names or tuple(map(str, range(change.shape[1])))
                parts.append(
                    f"towards {names[up]} ({change[i, up]:+.0%}), away from {names[down]} ({change[i, down]:+.0%})"
                )
            parts.append(f"ink {float(ink[i]) / max(base_ink, 1e-6):+.0%}")
            lines.append("; ".join(parts))
        return lines
    if getattr(model.data, "is_mixture", False):
        centers = model.data.centers.numpy()
        mode_low, _ = nearest_modes(low.numpy(), centers)
        mode_high, _ = nearest_modes(high.numpy(), centers)
        switched = (mode_low != mode_high).reshape(k, n).mean(axis=1)
        moved = (high - low).reshape(k, n, -1).norm(dim=2).mean(dim=1).numpy()
        return [
            f"switches the mode of {s:.0%} of samples; moves them {m:.2f} on average" for s, m in zip(switched, moved)
        ]
    moved = (high - low).reshape(k, n, -1).norm(dim=2).mean(dim=1).numpy()
    return [f"moves samples {m:.2f} on average" for m in moved]


# ----- 2D data: the data plane and the noise plane ------------------------------------------------
@dataclass(frozen=True, eq=False)
class DataPlane:
    axis: np.ndarray  # (r,) the heatmap's coordinates on both axes
    d_grid: np.ndarray  # (r, r) D's output
    d_is_probability: bool
    real: np.ndarray  # (n, 2)
    fake: np.ndarray  # (n, 2)
    bounds: tuple[float, float]
    centers: np.ndarray | None  # (M, 2) the mixture's mode centres, numbered from 1 on screen
    manifold: (
        np.ndarray
    )  # (r, r, 2) G of a grid over z's first two coordinates (+-2 std, others 0); (r, 1, 2) for 1-d z


@torch.no_grad()
def data_plane(model: LatentModel, resolution: int = 60, n: int = 600) -> DataPlane:
    """D's heatmap over the data's square, some real samples and some generated ones."""
    low, high = model.data.bounds
    axis = np.linspace(low, high, resolution, dtype=np.float32)
    gx, gy = np.meshgrid(axis, axis)
    cells = torch.from_numpy(np.stack([gx.ravel(), gy.ravel()], axis=1))
    d_grid = discriminator_reading(model, cells).reshape(resolution, resolution)
    real = model.data.sample(n, torch.Generator().manual_seed(0)).numpy()
    fake = model.generator.generate(model.generator.codes(12345, n)).numpy()
    centers = model.data.centers.numpy() if getattr(model.data, "is_mixture", False) else None
    probability = model.config.train.loss in losses.PROBABILISTIC_LOSSES
    return DataPlane(axis, d_grid, probability, real, fake, (float(low), float(high)), centers, manifold(model))


@torch.no_grad()
def manifold(model: LatentModel, resolution: int = 15) -> np.ndarray:
    """The generator's manifold: G over a grid of its first two code coordinates (+-2 std, the
    others 0), (r, r, 2); for a 1-d code, G along it, (r, 1, 2). Drawn as the mesh G warps."""
    generator = model.generator
    steps = torch.linspace(-2, 2, resolution) * generator.prior_std
    if generator.noise_dim == 1:
        return generator.generate(steps[:, None]).numpy().reshape(resolution, 1, -1)
    first, second = torch.meshgrid(steps, steps, indexing="ij")
    codes = torch.zeros(resolution * resolution, generator.noise_dim)
    codes[:, 0], codes[:, 1] = first.reshape(-1), second.reshape(-1)
    return generator.generate(codes).numpy().reshape(resolution, resolution, -1)


@dataclass(frozen=True, eq=False)
class NoisePlane:
    """Codes z0 + a u + b v over a grid of (a, b), coloured by what G makes of them."""

    axis: np.ndarray  # (r,) a and b, in stds of the prior
    modes: np.ndarray | None  # (r, r) the mode each code lands in, -1 where not high quality
    d_values: np.ndarray  # (r, r) D's output at G(code)
    n_modes: int
    u_name: str
    v_name: str


@torch.no_grad()
def noise_plane(
    model: LatentModel, center: torch.Tensor, u: np.ndarray, v: np.ndarray, names=("u", "v"), resolution: int = 61
) -> NoisePlane:
    generator = model.generator
    std = generator.prior_std
    axis = np.linspace(-NOISE_PLANE_EXTENT, NOISE_PLANE_EXTENT, resolution, dtype=np.float32)
    a, b = np.meshgrid(axis, axis)  # rows: b, columns: a
    u_t, v_t = (torch.as_tensor(x, dtype=torch.float32).reshape(1, -1) for x in (u, v))
    codes = center.reshape(1, -1) + std * (
        torch.from_numpy(a.reshape(-1, 1)) * u_t + torch.from_numpy(b.reshape(-1, 1)) * v_t
    )
    points = generator.generate(codes)
    d_values = discriminator_reading(model, points).reshape(resolution, resolution)
    modes, n_modes = None, 0
    if getattr(model.data, "is_mixture", False):
        modes = landing_modes(model, points.numpy()).reshape(resolution, resolution)
        modes = np.where(modes == len(model.data.centers), -1, modes)
        n_modes = len(model.data.centers)
    return NoisePlane(axis, modes, d_values, n_modes, names[0], names[1])


def landing_modes(model: LatentModel, points: np.ndarray) -> np.ndarray:
    """The mode each 2D sample lands in: its nearest centre when within HQ_THRESHOLD stds of it
    (a high-quality sample), else n_modes (between modes)."""
    centers = model.data.centers.numpy()
    nearest, distance = nearest_modes(points, centers)
    return np.where(distance <= HQ_THRESHOLD * model.data.std, nearest, len(centers))


@torch.no_grad()
def prior_mode_shares(model: LatentModel) -> np.ndarray:
    """How the generator splits its prior among the modes: the share of PRIOR_SHARE_SAMPLES
    codes landing in each mode (n_modes,), then the share landing between modes."""
    generator = model.generator
    points = generator.generate(generator.codes(777, PRIOR_SHARE_SAMPLES)).numpy()
    landed = landing_modes(model, points)
    return np.bincount(landed, minlength=len(model.data.centers) + 1) / len(landed)


def factor_words(values) -> str:
    """One face's factor values (FACTORS order) in words: "hair length 0.62, blue; skin 0.31; green
    eyes; smile +0.40; width 1.05; head at (+0.02, -0.01); lilac background; glasses"."""
    v = {factor.name: float(x) for factor, x in zip(FACTORS, values)}
    level = {f.name: f.level_names[int(round(v[f.name]))] for f in FACTORS if f.levels}
    return (
        f"hair length {v['hair_length']:.2f}, {level['hair_colour']}; skin {v['skin_tone']:.2f}; "
        f"{level['eye_colour']} eyes; smile {v['smile']:+.2f}; width {v['face_width']:.2f}; "
        f"head at ({v['head_x']:+.2f}, {v['head_y']:+.2f}); {level['background']} background; "
        + ("glasses" if level["glasses"] == "on" else "no glasses")
    )


def factor_value_text(factor, value: float) -> str:
    if factor.levels:
        return factor.level_names[int(round(value))]
    return f"{value:+.2f}" if factor.low < 0 else f"{value:.2f}"


def factor_comparison(model: LatentModel, images: torch.Tensor, columns, truth=None) -> list[dict]:
    """One row per factor: the reader's value for each image (its column name), after the true
    value when `truth` (F,) is known (a held-out face). What inversion and completion kept."""
    read = model.read_factors(images).tolist()
    rows = []
    for f, factor in enumerate(FACTORS):
        row = {"factor": factor.label}
        if truth is not None:
            row["true"] = factor_value_text(factor, float(truth[f]))
        row |= {column: factor_value_text(factor, values[f]) for column, values in zip(columns, read)}
        rows.append(row)
    return rows


def held_out_truth(model: LatentModel, name: str):
    """The true factors of the held-out face named "held-out face #i", else None."""
    import re

    factors = getattr(model.data, "held_out_factors", None)
    match = re.fullmatch(r"held-out face #(\d+)", name)
    if factors is None or match is None or int(match.group(1)) >= len(factors):
        return None  # an upload or a drawing (whatever its file is called)
    return factors[int(match.group(1))].tolist()


# ----- directions and what they change ---------------------------------------------------------------
def compute_basis(
    model: LatentModel, kind: str, seed: int = 0, fit_codes: int = directions.FACTOR_SAMPLES
) -> directions.Basis:
    """One of the explorer's bases of directions (a BASIS_KINDS key other than "saved"); `seed`
    picks the codes it is measured or fitted on, `fit_codes` how many the factor directions are
    fitted on (the explorer's 1,000 keep them under a second; the bench tries more)."""
    generator = model.generator
    if kind == "axes":
        return directions.raw_axes(generator, seed=seed)
    if kind == "ganspace":
        return directions.ganspace(generator, seed=seed)
    if kind == "sefa":
        return directions.sefa(generator)
    if kind == "class":
        return directions.class_directions(generator, model.classifier, model.class_names, seed=seed)
    if kind in directions.FACTOR_KINDS:
        if not model.walks_factors:
            raise ValueError("factor directions need an unconditional generator of faces and the face reader")
        return directions.factor_directions(
            generator, model.read_factors, FACTORS, keep_others_fixed=kind == "factors_fixed", seed=seed, n=fit_codes
        )
    raise ValueError(f"unknown basis {kind!r}")


def factor_effects(
    model: LatentModel, vectors: np.ndarray, names, n: int = direction_factors.WALK_CODES
) -> direction_factors.DirectionEffects:
    """What each direction (rows of `vectors`) changes in the faces' factors (the factor meters),
    walked on n codes."""
    return direction_factors.direction_effects(model.generator, model.read_factors, vectors, names, n=n)


def factor_kinds(model: LatentModel) -> list[str]:
    """The factor-direction bases this model offers: none without the reader (or for a conditional
    generator); "others kept fixed" only where the code has room for it."""
    if not model.walks_factors:
        return []
    return ["factors", "factors_fixed"] if model.fixed_factor_directions_fit() else ["factors"]
