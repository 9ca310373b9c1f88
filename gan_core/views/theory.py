"""What the theory page draws of its 1D runs: plain, picklable data taken in the training process
(gan_core.live.theory) and read by the page.

A `LinePicture` is Goodfellow et al. (2014)'s Figure 1 for one run: the data's density, the
generator's (a kernel estimate from its samples), D(x), the optimal D*(x) for that generator, and
the lines from z to x = G(z). A `TheorySnapshot` holds one picture and one row of measurements
per variant, the measurements over iterations, and what the last panel button did.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from ..evaluation.theory import EPSILON, LineProbe, generated, interpolate_gradient_norms, kde
from ..objectives import losses

VIEW_POINTS = 241
SHOWN_SAMPLES = 300  # generated samples drawn as a rug under the curves


@dataclass(frozen=True)
class LinePicture:
    x: np.ndarray  # the view's grid
    p_data: np.ndarray
    p_g: np.ndarray
    d: np.ndarray  # D(x) as a person reads it: a probability, or a critic's raw score
    d_star: np.ndarray  # p_data / (p_data + p_g)
    z: np.ndarray  # the mapping lines' z values
    g_of_z: np.ndarray  # and where G sends them
    fakes: np.ndarray  # some generated samples
    outside_view: int  # generated samples (of the probe's) outside the view
    probabilistic: bool  # D is a probability (else a critic's unbounded score)
    z_range: tuple[float, float]


def take_line_picture(trainer, probe: LineProbe) -> LinePicture:
    low, high = probe.view
    x = np.linspace(low, high, VIEW_POINTS)
    fake = generated(trainer, probe)
    p_data, p_g = probe.data_density(x), kde(fake, x)
    loss = trainer.config.train.loss
    with torch.no_grad():
        raw = trainer.objective.discriminator(torch.as_tensor(x, dtype=torch.float32).unsqueeze(1))
        d = losses.discriminator_output(loss, raw).double().numpy().ravel()
        g_of_z = trainer.sampling_network(probe.lines_z.to(trainer.device)).double().cpu().numpy().ravel()
    z = probe.lines_z.double().numpy().ravel()
    return LinePicture(
        x=x,
        p_data=p_data,
        p_g=p_g,
        d=d,
        d_star=p_data / (p_data + p_g + EPSILON),
        z=z,
        g_of_z=g_of_z,
        fakes=fake[:SHOWN_SAMPLES],
        outside_view=int(np.sum((fake < low) | (fake > high))),
        probabilistic=loss in losses.PROBABILISTIC_LOSSES,
        z_range=(float(z.min()), float(z.max())),
    )


def where_mass(picture: LinePicture, share: float = 0.05) -> np.ndarray:
    """The grid points where the data or the generator has mass (`share` of its peak): where D is
    trained. Far from both, D is never trained and says nothing."""
    return np.maximum(picture.p_data / picture.p_data.max(), picture.p_g / max(picture.p_g.max(), 1e-12)) > share


def _mass_weighted_mean(picture: LinePicture, values: np.ndarray) -> float:
    """The mean of `values` under (p_data + p_g) / 2: what D is trained on."""
    weight = picture.p_data / picture.p_data.sum() + picture.p_g / max(picture.p_g.sum(), 1e-12)
    return float(np.sum(weight * values) / weight.sum())


def deviation_from_half(picture: LinePicture) -> float:
    """The mean |D(x) - 1/2| over the data and the generated samples: 0 at the equilibrium."""
    return _mass_weighted_mean(picture, np.abs(picture.d - 0.5))


def distance_to_optimum(picture: LinePicture) -> float:
    """The mean |D(x) - D*(x)| over the data and the generated samples."""
    return _mass_weighted_mean(picture, np.abs(picture.d - picture.d_star))


@dataclass(frozen=True)
class TheorySnapshot:
    section: str
    iteration: int
    pictures: dict[str, LinePicture]  # per variant
    latest: dict[str, dict[str, float]]  # per variant: measure_line_run's row now
    histories: dict[str, dict[str, list]]  # per variant: columns over iterations
    diverged: dict[str, str] = field(default_factory=dict)  # variant -> message
    gradient_norms: dict[str, np.ndarray] = field(default_factory=dict)  # section 4: on interpolates
    panel: dict = field(default_factory=dict)  # what the last panel button did (section 1)
    before: LinePicture | None = None  # section 1: the picture before the last panel button


def take_theory_snapshot(side_by_side, section: str, probes: dict, histories: dict, panel=None, before=None):
    """The pictures of every variant now and its latest measurements: the last row of the
    session's histories, which the session takes at the snapshot's iteration (not measured twice)."""
    pictures, latest, norms = {}, {}, {}
    for name, trainer in side_by_side.trainers.items():
        pictures[name] = take_line_picture(trainer, probes[name])
        latest[name] = {key: values[-1] for key, values in histories[name].items() if values}
        if section == "wgan":
            norms[name] = interpolate_gradient_norms(trainer, probes[name])
    diverged = {name: t.diverged for name, t in side_by_side.trainers.items() if t.diverged}
    return TheorySnapshot(
        section=section,
        iteration=side_by_side.iteration,
        pictures=pictures,
        latest=latest,
        histories={name: {k: list(v) for k, v in columns.items()} for name, columns in histories.items()},
        diverged=diverged,
        gradient_norms=norms,
        panel=dict(panel or {}),
        before=before,
    )


@dataclass(frozen=True)
class GenerateSnapshot:
    """Section 5: the discriminator's loop (its own snapshot) and, trained alongside on the same
    data with the same D, a GAN; both scored the same way (gan_core.evaluation.discriminator_loop)."""

    section: str
    iteration: int  # loop steps taken
    loop: object  # a DiscriminatorLoopSnapshot
    loop_rows: list[dict]  # per finished round
    gan_rows: list[dict]  # per GAN evaluation
    gan_samples: np.ndarray  # the GAN's latest samples (n, 2), drawn over the same view
    diverged: dict[str, str] = field(default_factory=dict)
