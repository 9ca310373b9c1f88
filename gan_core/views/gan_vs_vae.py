"""What the GAN-vs-VAE page draws at one iteration of a comparison, computed without gradients.

A `GanVsVaeSnapshot` is immutable, detached and on the CPU, like the labs' snapshots. Every
member decodes the same fixed codes (the GAN's noise is the VAE's and AE's prior draw), so the
three sample sets differ only by how each network was trained. The code-space views need 2-d
codes: a bigger code is shown in its first two principal axes (fitted on the encoded data), and
the decoded grid then spans that plane, which the figures say.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from ..networks import eval_mode
from ..sampling.sampler import fixed_noise, fixed_real

TOY_POINTS = 300  # real points, and samples per member
ELLIPSE_POINTS = 8  # real points whose VAE posterior is drawn as an ellipse
IMAGE_GRID = 36  # samples per member (6 x 6)
RECONSTRUCTED = 10  # held-out digits reconstructed (one per class)
CODE_GRID = 12  # decoded code grid, per axis
INTERPOLATION_STEPS = 8
CODE_SEED = 777  # the random code and the GAN's endpoints a, b


@dataclass(frozen=True)
class MemberView:
    """One model's part of a snapshot."""

    name: str
    kind: str  # gan / vae / ae
    width: int
    iteration: int
    losses: dict  # the latest loss and its terms
    seconds: float  # own training time so far
    samples: np.ndarray  # toy: (n, dim); images: (IMAGE_GRID, C, H, W) in [-1, 1]
    diverged: str | None = None
    metrics: dict = field(default_factory=dict)
    # encoder models only
    codes: np.ndarray | None = None  # (n, 2) the data's codes (means), projected to 2-d when bigger
    code_axes: str = ""  # "code" or "principal axes of the d-d code"
    ellipses: np.ndarray | None = None  # VAE: (k, 4) centre x, y and std along the two drawn axes
    reconstructions: np.ndarray | None = None  # images: (RECONSTRUCTED, C, H, W)
    code_grid: np.ndarray | None = None  # images: (CODE_GRID**2, C, H, W), rows from the top
    code_grid_extent: tuple[float, float, float, float] | None = None  # x0, x1, y0, y1 of that grid
    # images, all members: a random code, then a, 0.5a + 0.5b, b, then the path a -> b
    probes: np.ndarray | None = None  # (4, C, H, W): G(random), G(a), G(mid), G(b)
    interpolation: np.ndarray | None = None  # (INTERPOLATION_STEPS, C, H, W)


@dataclass(frozen=True)
class GanVsVaeSnapshot:
    iteration: int
    target_iterations: int
    kind: str  # "toy" or "image"
    members: tuple[MemberView, ...]
    real: np.ndarray  # toy: (n, dim) the points encoded; images: the reconstructed inputs
    real_colour: np.ndarray  # (n,) a mode / class index per real point (or an angle for shapes)
    colour_is_class: bool
    bounds: tuple[float, float] = (-1.0, 1.0)
    probe_inputs: np.ndarray | None = None  # images: the two held-out digits encoded as a and b
    ranking: dict = field(default_factory=dict)  # images: L2-to-nearest versus D's score (evaluation)
    table: tuple = ()  # rows of the comparison table (evaluation.gan_vs_vae), when metrics ran
    reading: tuple[str, ...] = ()  # plain-words sentences built from the table
    scored_at: int = 0  # the iteration the table, reading and ranking were computed at
    noun: str = "digits"  # what the images are, for captions: "digits" or "faces"

    @property
    def one(self) -> str:
        """The noun in the singular ("digit", "face")."""
        return self.noun[:-1]

    def member(self, name: str) -> MemberView:
        return next(m for m in self.members if m.name == name)

    @property
    def diverged(self) -> str | None:
        gone = [f"{m.name}: {m.diverged}" for m in self.members if m.diverged]
        return " · ".join(gone) or None


def real_colours(data, points: np.ndarray) -> tuple[np.ndarray, bool]:
    """The mode each real point belongs to (mixtures), else its angle around the data's centre."""
    if data.is_mixture:
        centers = data.centers.numpy()
        distances = ((points[:, None, :] - centers[None, :, :]) ** 2).sum(-1)
        return distances.argmin(axis=1), True
    centred = points - points.mean(axis=0)
    return np.arctan2(centred[:, 1], centred[:, 0]) if points.shape[1] > 1 else centred[:, 0], False


def project_codes(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
    """(n, d) codes -> (n, 2), with the plane's origin and (2, d) axes: the codes themselves when
    d = 2, padded when d = 1, else their first two principal axes."""
    n, d = codes.shape
    if d == 2:
        return codes, np.zeros(2), np.eye(2), "code"
    if d == 1:
        axes = np.array([[1.0], [0.0]])
        return np.c_[codes, np.zeros(n)], np.zeros(1), axes, "code (1-d)"
    mean = codes.mean(axis=0)
    _, _, vt = np.linalg.svd(codes - mean, full_matrices=False)
    axes = vt[:2]
    return (codes - mean) @ axes.T, mean, axes, f"first two principal axes of the {d}-d code"


@torch.no_grad()
def _decode(trainer, z: torch.Tensor) -> np.ndarray:
    generator = trainer.objective.generator
    with eval_mode(generator):
        return generator(z.to(trainer.device), None).cpu().numpy()


@torch.no_grad()
def _encode(trainer, x: torch.Tensor) -> tuple[np.ndarray, np.ndarray | None]:
    objective = trainer.objective
    with eval_mode(objective.encoder):
        mean, log_var = objective.encode(x.to(trainer.device))
    return mean.cpu().numpy(), None if log_var is None else log_var.cpu().numpy()


def _losses(trainer) -> dict:
    return {k: float(v) for k, v in trainer.last_losses.items()}


def _code_views(trainer, inputs: torch.Tensor, image: bool) -> dict:
    """The encoded data in 2-d, VAE ellipses, and for images the decoded grid over that plane."""
    mean, log_var = _encode(trainer, inputs)
    points, origin, axes, label = project_codes(mean.astype(np.float64))
    views: dict = {"codes": points.astype(np.float32), "code_axes": label}
    if log_var is not None:
        std = np.exp(0.5 * log_var[:ELLIPSE_POINTS])  # (k, d) posterior std per code axis
        spread = np.sqrt((std[:, None, :] ** 2 * axes[None, :, :] ** 2).sum(-1))  # std along each drawn axis
        views["ellipses"] = np.c_[points[:ELLIPSE_POINTS], spread].astype(np.float32)
    if image:
        if trainer.config.model.model_kind == "vae":
            low, high = np.array([-2.5, -2.5]), np.array([2.5, 2.5])  # the prior's bulk
            if label != "code":
                scale = points.std(axis=0) * 2
                low, high = -scale, scale
        else:
            low, high = np.percentile(points, 1, axis=0), np.percentile(points, 99, axis=0)  # where its codes are
        xs = np.linspace(low[0], high[0], CODE_GRID)
        ys = np.linspace(high[1], low[1], CODE_GRID)  # top row first
        plane = np.array([(x, y) for y in ys for x in xs])  # (G*G, 2)
        z = origin[None, :] + plane @ axes if label != "code (1-d)" else plane[:, :1]
        views["code_grid"] = _decode(trainer, torch.as_tensor(z, dtype=torch.float32))
        views["code_grid_extent"] = (float(low[0]), float(high[0]), float(low[1]), float(high[1]))
    return views


def _probe_codes(trainer, probe_inputs: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """A random code, and the endpoints a, b: two held-out digits' codes for an encoder model,
    two random codes for the GAN (it has no encoder)."""
    d = trainer.config.model.noise_dim
    rng = torch.Generator().manual_seed(CODE_SEED)
    random_code, a, b = torch.randn(3, d, generator=rng)
    if trainer.config.model.model_kind != "gan":
        mean, _ = _encode(trainer, probe_inputs)
        a, b = torch.as_tensor(mean[0]), torch.as_tensor(mean[1])
    return random_code, a, b


def _image_probes(trainer, probe_inputs: torch.Tensor) -> dict:
    random_code, a, b = _probe_codes(trainer, probe_inputs)
    steps = torch.linspace(0, 1, INTERPOLATION_STEPS)[:, None]
    path = (1 - steps) * a + steps * b
    probes = _decode(trainer, torch.stack([random_code, a, 0.5 * a + 0.5 * b, b]))
    return {"probes": probes, "interpolation": _decode(trainer, path)}


def member_view(name: str, trainer, seconds: float, fixed_codes: torch.Tensor, inputs, probe_inputs) -> MemberView:
    kind = trainer.config.model.model_kind
    image = trainer.config.kind == "image"
    extra: dict = {}
    if kind != "gan":
        extra.update(_code_views(trainer, inputs, image))
        if image:
            mean, _ = _encode(trainer, inputs[:RECONSTRUCTED])
            extra["reconstructions"] = _decode(trainer, torch.as_tensor(mean))
    if image:
        extra.update(_image_probes(trainer, probe_inputs))
    return MemberView(
        name=name,
        kind=kind,
        width=trainer.config.model.g_width,
        iteration=trainer.iteration,
        losses=_losses(trainer),
        seconds=seconds,
        samples=_decode(trainer, fixed_codes),
        diverged=trainer.diverged,
        **extra,
    )


def held_out_inputs(data) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Images: the held-out digits to encode (one of each class first, so the reconstructions
    show every class), their labels, and the two digits a and b the probes encode (the first
    held-out digit of each of the first two classes)."""
    images, labels = data.held_out_images, data.held_out_labels
    firsts = [int((labels == c).nonzero()[0]) for c in range(RECONSTRUCTED) if bool((labels == c).any())]
    rest = [i for i in range(len(labels)) if i not in set(firsts)]
    order = torch.as_tensor(firsts + rest)
    probe = images[torch.as_tensor(firsts[:2])] if len(firsts) >= 2 else images[:2]
    return images[order], labels[order], probe


def take_gan_vs_vae_snapshot(comparison, metrics: dict | None = None) -> GanVsVaeSnapshot:
    """The state of every member, from the same fixed inputs."""
    config = comparison.config
    first = next(iter(comparison.trainers.values()))
    data = first.data
    image = config.kind == "image"
    if image:
        inputs, labels, probe_inputs = held_out_inputs(data)
        real, colour, is_class = inputs[:RECONSTRUCTED].numpy(), labels.numpy(), True
        fixed_codes = fixed_noise(first, IMAGE_GRID).cpu()
    else:
        inputs, probe_inputs = fixed_real(first, TOY_POINTS), None
        real = inputs.numpy()
        colour, is_class = real_colours(data, real)
        fixed_codes = fixed_noise(first, TOY_POINTS).cpu()
    members = tuple(
        member_view(name, trainer, comparison.seconds[name], fixed_codes, inputs, probe_inputs)
        for name, trainer in comparison.trainers.items()
    )
    metrics = metrics or {}
    return GanVsVaeSnapshot(
        iteration=comparison.iteration,
        target_iterations=config.iterations,
        kind=config.kind,
        members=members,
        real=real,
        real_colour=np.asarray(colour),
        colour_is_class=is_class,
        bounds=tuple(data.bounds) if not image else (-1.0, 1.0),
        probe_inputs=None if probe_inputs is None else probe_inputs.numpy(),
        ranking=metrics.get("ranking", {}),
        table=tuple(metrics.get("table", ())),
        reading=tuple(metrics.get("reading", ())),
        scored_at=int(metrics.get("iteration", 0)),
        noun="faces" if config.data == "faces" else "digits",
    )
