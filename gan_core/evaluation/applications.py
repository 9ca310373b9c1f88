"""Scoring the applications (issue 26) with the face reader, as pure functions of images and
readings where they can be, so the page, the CLI and bench/applications.py report the same figures.

Words to faces: for a phrase, N generated faces (1,000 in the report); per requested attribute
the share of faces the reader reads as having it (target >= 90%); per factor nobody asked for,
the TV distance between the reader's histogram on those faces and on the held-out real faces
(gan_core.evaluation.factors; target <= 0.1, as for factor coverage).

A sketch to a face: on the sketches of held-out faces, per member the pixel L1 to the real face
(images in [-1, 1]), the sharpness (variance of the Laplacian; the real faces are the ceiling) and
the reader's factor error against the values the faces were drawn from: the mean |error| / range
over the continuous factors, and the share of wrong levels over the discrete ones.

Hair colour without pairs: on held-out dark-haired faces, the share the reader reads as blue-haired
after G (target >= 90%), and per other factor how far the reading moved: |after - before| / range
for a continuous factor, the share of faces whose level changed for a discrete one (target: mean
under 0.1); the same backwards (blue to dark), and the round trip's L1.
"""

from __future__ import annotations

import numpy as np
import torch

from ..data.face_pairs import HAIR, domain_faces, domain_levels, face_sketch, sketch_to_input
from ..data.face_words import Reading, conditions, read_phrase
from ..data.faces import FACTORS, draw_faces
from ..networks import eval_mode
from ..networks.face_reader import shipped_reader
from ..sampling.sampler import sampling_network
from .factors import factor_histogram, total_variation
from .image_run import reference_for
from .images import laplacian_variance

WORDS_SAMPLES = 1_000
ATTRIBUTE_TARGET = 0.9  # share of faces that have a requested attribute
SPREAD_TARGET = 0.1  # TV of an unrequested factor against real faces
KEPT_TARGET = 0.1  # CycleGAN: mean change of the other factors, in their ranges
CHANGED_TARGET = 0.9  # CycleGAN: share of faces whose hair changed domain
HELD_OUT_PAIRS = 500  # held-out faces the translation scores use
HAIR_SEED = 4_242  # the held-out faces of each hair domain
REPORT_PHRASES = (
    "long blue hair, smiling, glasses",
    "short blonde hair, no glasses",
    "dark skin, green eyes, frowning",
    "long red hair, wide face, brown eyes",
    "light skin, short black hair, narrow face",
)
CHUNK = 500


def read(images: torch.Tensor) -> torch.Tensor:
    """(n, F) the shipped reader's factor values for images in [-1, 1]."""
    reader, _ = shipped_reader()
    return reader.read(images.cpu().float())


_REAL_READINGS: dict[int, torch.Tensor] = {}


def real_readings(data) -> torch.Tensor:
    """The reader's values of the held-out real faces, read once per data set."""
    if id(data) not in _REAL_READINGS:
        _REAL_READINGS[id(data)] = read(data.held_out_images)
    return _REAL_READINGS[id(data)]


# ----- words to faces --------------------------------------------------------------------------
@torch.no_grad()
def faces_for_phrase(trainer, reading: Reading, n: int, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """(images, factors asked for) for n faces of the phrase, from the weight average (or the live
    generator), codes and the unrequested factors from the stream seeded by `seed`."""
    network = sampling_network(trainer)
    rng = torch.Generator().manual_seed(seed)
    images, asked = [], []
    with eval_mode(network):
        for start in range(0, n, CHUNK):
            count = min(CHUNK, n - start)
            factors = conditions(reading, count, rng)
            part, _ = trainer.objective.sample(count, rng, generator=network, factors=factors)
            images.append(part.cpu())
            asked.append(factors)
    return torch.cat(images), torch.cat(asked)


def evaluate_unprompted(trainer, n: int = 2_000, seed: int = 0) -> dict:
    """Faces for an empty phrase (every factor drawn from its documented distribution) scored as
    the image lab scores an unconditional faces GAN (FID on the reader's features and its ratio to
    the held-out ceiling, precision / recall, factor coverage), so the two compare directly: what
    telling the GAN the factors buys."""
    images, _ = faces_for_phrase(trainer, read_phrase(""), n, seed)
    reference = reference_for(trainer.data)
    scores = reference.score(images)
    ceiling = reference.ceiling_at(n)
    tv = scores["factor_tv"]
    worst = max(tv, key=tv.get)
    return {
        "fid": scores["fid"],
        "fid_ratio": scores["fid"] / ceiling["fid"],
        "precision": scores["precision"],
        "recall": scores["recall"],
        "factor_tv": tv,
        "worst_factor": worst,
        "worst_factor_tv": tv[worst],
    }


def phrase_scores(readings: torch.Tensor, reading: Reading, real_readings: torch.Tensor) -> dict:
    """Per requested attribute its share of the faces; per other factor its TV to real faces."""
    attributes = [
        {"word": r.word, "wanted": r.description, "share": float(r.has(readings).float().mean())}
        for r in reading.requested
    ]
    spread = {}
    for i, factor in enumerate(FACTORS):
        if factor.name not in reading.factors:
            p = factor_histogram(readings[:, i].numpy(), factor)
            q = factor_histogram(real_readings[:, i].numpy(), factor)
            spread[factor.name] = total_variation(p, q)
    worst = max(spread.values()) if spread else 0.0
    lowest = min((a["share"] for a in attributes), default=1.0)
    return {
        "attributes": attributes,
        "spread_tv": spread,
        "lowest_share": lowest,
        "worst_spread_tv": worst,
        "met": lowest >= ATTRIBUTE_TARGET and worst <= SPREAD_TARGET,
    }


def evaluate_phrase(trainer, text: str, n: int = WORDS_SAMPLES, seed: int = 0) -> dict:
    """The phrase's scores on n generated faces, and ("drawn") the same scores on n faces drawn
    by the face drawer with the same factors: the ceiling (the reader's own error, and the TV that
    n faces show by chance)."""
    reading = read_phrase(text)
    images, factors = faces_for_phrase(trainer, reading, n, seed)
    real = real_readings(trainer.data)
    drawn = phrase_scores(read(draw_faces(factors, trainer.config.data.image_size)), reading, real)
    return {"phrase": text, "unknown": list(reading.unknown), "drawn": drawn} | phrase_scores(
        read(images), reading, real
    )


# ----- a sketch to a face ------------------------------------------------------------------------
def held_out_sketches(data, n: int = HELD_OUT_PAIRS) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(sketches as networks read them, the faces, their true factors) of the first n held-out faces."""
    faces = data.held_out_images[:n]
    return sketch_to_input(face_sketch(faces)), faces, data.held_out_factors[:n]


def factor_errors(readings: torch.Tensor, truth: torch.Tensor) -> dict[str, float]:
    """Continuous: mean |reading - truth| / range; discrete: the share of wrong levels."""
    continuous, discrete = [], []
    for i, factor in enumerate(FACTORS):
        if factor.levels:
            discrete.append(float((readings[:, i].round() != truth[:, i].round()).float().mean()))
        else:
            continuous.append(float((readings[:, i] - truth[:, i]).abs().mean()) / (factor.high - factor.low))
    return {"continuous_error": float(np.mean(continuous)), "discrete_error": float(np.mean(discrete))}


@torch.no_grad()
def translate(trainer, images: torch.Tensor, backward: bool = False) -> torch.Tensor:
    """A translation model's outputs (on the CPU) for `images` as its generator reads them."""
    objective = trainer.objective
    name = "generator_back" if backward else "generator"
    network = getattr(objective, name)
    with eval_mode(network):
        parts = [
            network(images[i : i + CHUNK].to(objective.sources.device)).cpu() for i in range(0, len(images), CHUNK)
        ]
    return torch.cat(parts)


def sketch_row(name: str, outputs: torch.Tensor, faces: torch.Tensor, truth: torch.Tensor) -> dict:
    return {
        "model": name,
        "l1": float((outputs - faces).abs().mean()),
        "sharpness": laplacian_variance(outputs.numpy()),
    } | factor_errors(read(outputs), truth)


def evaluate_sketch(run, n: int = HELD_OUT_PAIRS) -> list[dict]:
    """One row per member and the real faces' row (L1 0, their sharpness, the reader's own error)."""
    data = next(iter(run.trainers.values())).data
    sketches, faces, truth = held_out_sketches(data, n)
    rows = [sketch_row(name, translate(t, sketches), faces, truth) for name, t in run.trainers.items()]
    rows.append(sketch_row("real faces", faces, faces, truth))
    return rows


# ----- hair colour without pairs -------------------------------------------------------------------
def held_out_domain(domain: str, n: int = HELD_OUT_PAIRS, size: int = 32) -> tuple[torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(HAIR_SEED + (domain == "blue"))
    return domain_faces(n, generator, domain, size)


def change_scores(before: torch.Tensor, after: torch.Tensor, target_domain: str) -> dict:
    """How the reader's reading moved from `before` to `after` (both (n, F)): the share now in the
    target hair domain, and per other factor its change (see the module docstring)."""
    levels = torch.tensor(domain_levels(target_domain), dtype=after.dtype)
    changed = float(torch.isin(after[:, HAIR].round(), levels).float().mean())
    kept = {}
    for i, factor in enumerate(FACTORS):
        if i == HAIR:
            continue
        if factor.levels:
            kept[factor.name] = float((after[:, i].round() != before[:, i].round()).float().mean())
        else:
            kept[factor.name] = float((after[:, i] - before[:, i]).abs().mean()) / (factor.high - factor.low)
    mean_change = float(np.mean(list(kept.values())))
    return {
        "changed": changed,
        "others": kept,
        "mean_other_change": mean_change,
        "met": changed >= CHANGED_TARGET and mean_change < KEPT_TARGET,
    }


def evaluate_hair(run, n: int = HELD_OUT_PAIRS) -> list[dict]:
    """Per member: dark to blue (G) and blue to dark (F), and the round trips' L1."""
    dark, _ = held_out_domain("dark", n)
    blue, _ = held_out_domain("blue", n)
    dark_read, blue_read = read(dark), read(blue)
    rows = []
    for name, trainer in run.trainers.items():
        to_blue, to_dark = translate(trainer, dark), translate(trainer, blue, backward=True)
        forward = change_scores(dark_read, read(to_blue), "blue")
        backward = change_scores(blue_read, read(to_dark), "dark")
        round_trip = float((translate(trainer, to_blue, backward=True) - dark).abs().mean())
        rows.append({"model": name, "forward": forward, "backward": backward, "round_trip_l1": round_trip})
    return rows


def evaluate_application(run, phrase: str = REPORT_PHRASES[0]) -> dict:
    """The page's scores for the run's application, at its iteration."""
    application = run.config.application
    result: dict = {"iteration": run.iteration}
    if application == "words":
        (trainer,) = run.trainers.values()
        result["phrase"] = evaluate_phrase(trainer, phrase)
    elif application == "sketch":
        result["rows"] = evaluate_sketch(run)
    else:
        result["rows"] = evaluate_hair(run)
    return result
