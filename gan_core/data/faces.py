"""Cartoon faces drawn from known factors (issue 24): every image comes with the values it was
drawn from, so a generated face can be read back and a latent direction checked against the truth.

Each face is a few soft shapes composited back to front (background, long hair behind the head,
the face, the hair's cap, eyes, glasses, mouth). A shape is a signed distance over the image
plane, turned into coverage by a logistic edge about one pixel wide, so the shapes are
anti-aliased and every pixel is a smooth function of the factors. The whole batch is drawn at
once with tensor operations: fresh faces for every training batch, nothing stored on disk (the
discriminator cannot learn a finite training set by heart).

The factors, their ranges and distributions (`FACTORS`; continuous ones uniform, in their units):
    hair_length   0-1    0 = a short crop above the ears, 1 = hair down to the shoulders
    hair_colour   0-4    black, brown, blonde, red, blue (uniform over the five)
    skin_tone     0-1    light to dark, along a fixed palette
    eye_colour    0-2    brown, blue, green (uniform over the three)
    smile        -1-1    the mouth's curve: -1 a frown, 0 straight, 1 a smile
    face_width   0.8-1.2 the face's width against the standard face
    head_x       -0.12-0.12  the head's centre, in half image widths (right is positive)
    head_y       -0.12-0.12  the head's centre, in half image heights (down is positive)
    background   0-5     six background colours (uniform)
    glasses      0/1     glasses on (probability 0.3)
Discrete factors are stored as their index (float32, as every factor).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class Factor:
    name: str
    low: float
    high: float
    levels: int = 0  # 0: continuous, uniform on [low, high]; otherwise a category index 0..levels-1
    meaning: str = ""
    level_names: tuple[str, ...] = ()  # a discrete factor's levels in words

    @property
    def label(self) -> str:
        return self.name.replace("_", " ")


GLASSES_PROBABILITY = 0.3
FACTORS: tuple[Factor, ...] = (
    Factor("hair_length", 0.0, 1.0, meaning="0 short crop, 1 to the shoulders"),
    Factor("hair_colour", 0, 4, 5, "black, brown, blonde, red, blue", ("black", "brown", "blonde", "red", "blue")),
    Factor("skin_tone", 0.0, 1.0, meaning="light to dark"),
    Factor("eye_colour", 0, 2, 3, "brown, blue, green", ("brown", "blue", "green")),
    Factor("smile", -1.0, 1.0, meaning="-1 frown, 0 straight, 1 smile"),
    Factor("face_width", 0.8, 1.2, meaning="width against the standard face"),
    Factor("head_x", -0.12, 0.12, meaning="centre, half image widths, right positive"),
    Factor("head_y", -0.12, 0.12, meaning="centre, half image heights, down positive"),
    Factor("background", 0, 5, 6, "six background colours", ("blue", "peach", "green", "lilac", "grey", "cream")),
    Factor("glasses", 0, 1, 2, "0 off, 1 on (probability 0.3)", ("off", "on")),
)
FACTOR_NAMES = tuple(factor.name for factor in FACTORS)
FACTOR_BY_NAME = {factor.name: factor for factor in FACTORS}
SIZES = (32, 64)
HELD_OUT_SEED = 999_331  # the fixed held-out faces: the real-data ceiling and the reader's test set
CHUNK_PIXELS = 2**18
MAX_BYTES = 2**30  # of images in one call (a 32x32 face is 12 KB: about 87,000 faces)

HAIR_COLOURS = ((0.10, 0.08, 0.07), (0.42, 0.25, 0.12), (0.93, 0.80, 0.45), (0.78, 0.30, 0.12), (0.20, 0.40, 0.90))
EYE_COLOURS = ((0.35, 0.20, 0.08), (0.15, 0.45, 0.85), (0.15, 0.60, 0.25))
SKIN_LIGHT, SKIN_DARK = (0.98, 0.85, 0.74), (0.45, 0.28, 0.18)
BACKGROUNDS = (
    (0.85, 0.90, 0.97), (0.97, 0.88, 0.80), (0.82, 0.93, 0.82), (0.93, 0.85, 0.95), (0.60, 0.65, 0.72),
    (0.98, 0.96, 0.80),
)  # fmt: skip
GLASSES_COLOUR = (0.08, 0.08, 0.10)
MOUTH_COLOUR = (0.55, 0.12, 0.12)
EYE_WHITE = (0.98, 0.98, 0.98)


class FacesError(ValueError):
    pass


def sample_factors(n: int, generator: torch.Generator) -> torch.Tensor:
    """(n, F) factor values drawn from their documented distributions."""
    columns = []
    for factor in FACTORS:
        if factor.name == "glasses":
            columns.append((torch.rand(n, generator=generator) < GLASSES_PROBABILITY).float())
        elif factor.levels:
            columns.append(torch.randint(0, factor.levels, (n,), generator=generator).float())
        else:
            columns.append(factor.low + (factor.high - factor.low) * torch.rand(n, generator=generator))
    return torch.stack(columns, dim=1)


def draw_faces(factors: torch.Tensor, size: int = 32) -> torch.Tensor:
    """(n, 3, size, size) images in [-1, 1] of the faces `factors` (n, F) describe."""
    if size not in SIZES:
        raise FacesError(f"faces are drawn at {' or '.join(map(str, SIZES))} pixels, not {size}")
    f = {name: factors[:, i] for i, name in enumerate(FACTOR_NAMES)}
    n = factors.shape[0]
    axis = (torch.arange(size, dtype=torch.float32) + 0.5) / size * 2 - 1  # pixel centres in [-1, 1]
    y, x = axis.view(1, size, 1), axis.view(1, 1, size)
    edge = 2.0 / size  # one pixel, in plane units
    cx, cy = (f["head_x"]).view(n, 1, 1), (0.05 + f["head_y"]).view(n, 1, 1)
    rx, ry = (0.48 * f["face_width"]).view(n, 1, 1), torch.full((n, 1, 1), 0.58)

    def cover(distance: torch.Tensor) -> torch.Tensor:  # coverage of a shape from its signed distance
        return torch.sigmoid(-distance / (0.35 * edge))

    def ellipse(px, py, ax, ay) -> torch.Tensor:  # approximate signed distance to an ellipse
        k = torch.sqrt(((x - px) / ax) ** 2 + ((y - py) / ay) ** 2)
        return (k - 1) * torch.minimum(ax, ay)

    def colour(table, index: torch.Tensor) -> torch.Tensor:
        return torch.tensor(table, dtype=torch.float32)[index.long()].view(n, 3, 1, 1)

    def paint(image, alpha, rgb):
        return image * (1 - alpha.unsqueeze(1)) + rgb * alpha.unsqueeze(1)

    image = colour(BACKGROUNDS, f["background"]).expand(n, 3, size, size).clone()
    hair = colour(HAIR_COLOURS, f["hair_colour"])
    # Long hair behind the head: a rounded slab from the crown down to hair_length.
    length = f["hair_length"].view(n, 1, 1)
    bottom = cy - 0.1 + length * 0.75
    half_width = rx + 0.08
    slab = torch.maximum(torch.abs(x - cx) - half_width, torch.maximum(cy - 0.35 - y, y - bottom))
    image = paint(image, cover(slab) * cover(ellipse(cx, cy - 0.1, half_width + 0.02, ry + 0.05 + length)), hair)
    # The face.
    skin = torch.tensor(SKIN_LIGHT).view(1, 3, 1, 1) + f["skin_tone"].view(n, 1, 1, 1) * (
        torch.tensor(SKIN_DARK) - torch.tensor(SKIN_LIGHT)
    ).view(1, 3, 1, 1)
    image = paint(image, cover(ellipse(cx, cy, rx, ry)), skin)
    # The hair's cap: the top of a slightly larger ellipse, above the forehead line.
    cap = torch.maximum(ellipse(cx, cy - 0.04, rx + 0.05, ry + 0.05), y - (cy - 0.22 - 0.1 * (1 - length)))
    image = paint(image, cover(cap), hair)
    # Eyes: whites, then irises.
    eye_y, eye_dx = cy - 0.05, 0.42 * rx
    radius = torch.full((n, 1, 1), 0.1)
    for side in (-1, 1):
        image = paint(
            image,
            cover(ellipse(cx + side * eye_dx, eye_y, radius, radius * 0.8)),
            torch.tensor(EYE_WHITE).view(1, 3, 1, 1),
        )
        image = paint(
            image,
            cover(ellipse(cx + side * eye_dx, eye_y, radius * 0.55, radius * 0.55)),
            colour(EYE_COLOURS, f["eye_colour"]),
        )
    # Glasses: a dark ring round each eye and a bridge.
    on = f["glasses"].view(n, 1, 1)
    for side in (-1, 1):
        ring = torch.abs(ellipse(cx + side * eye_dx, eye_y, radius * 1.6, radius * 1.4)) - 0.6 * edge
        image = paint(image, cover(ring) * on, torch.tensor(GLASSES_COLOUR).view(1, 3, 1, 1))
    bridge = torch.maximum(torch.abs(y - eye_y) - 0.6 * edge, torch.abs(x - cx) - (eye_dx - radius * 1.6))
    image = paint(image, cover(bridge) * on, torch.tensor(GLASSES_COLOUR).view(1, 3, 1, 1))
    # The mouth: a parabola through the mouth's centre whose corners rise above it (a smile, smile
    # > 0) or fall below it (a frown); rows grow downwards, so the centre sits `curve` lower.
    mouth_y, mouth_w = cy + 0.3, 0.45 * rx
    curve = (0.12 * f["smile"]).view(n, 1, 1)
    target = mouth_y + curve * (1 - ((x - cx) / mouth_w) ** 2)
    mouth = torch.maximum(torch.abs(y - target) - 0.9 * edge, torch.abs(x - cx) - mouth_w)
    image = paint(image, cover(mouth), torch.tensor(MOUTH_COLOUR).view(1, 3, 1, 1))
    return image.clamp(0, 1) * 2 - 1


def make_faces(n: int, seed: int = 0, size: int = 32) -> tuple[torch.Tensor, torch.Tensor]:
    """(images (n, 3, size, size) in [-1, 1], factors (n, F)) from one seeded generator: the same
    seed always gives the same faces. Drawn in chunks of about 260,000 pixels (bigger
    tensors fall out of the CPU's caches: 64x64 faces in chunks of 2,048 took 4 times longer)."""
    if size not in SIZES:
        raise FacesError(f"faces are drawn at {' or '.join(map(str, SIZES))} pixels, not {size}")
    most = MAX_BYTES // (3 * size * size * 4)
    if not 1 <= n <= most:
        raise FacesError(f"draw 1 to {most:,} faces of {size}x{size} at a time (1 GiB), not {n:,}")
    generator = torch.Generator().manual_seed(seed)
    factors = sample_factors(n, generator)
    chunk = max(1, CHUNK_PIXELS // (size * size))
    images = torch.cat([draw_faces(factors[i : i + chunk], size) for i in range(0, n, chunk)])
    return images, factors


def factor_table() -> list[dict]:
    """The factors as rows (name, kind, range, meaning): what the docs and the CLI print."""
    return [
        {
            "name": factor.name,
            "kind": "discrete" if factor.levels else "continuous",
            "range": f"0..{factor.levels - 1}" if factor.levels else f"{factor.low:g}..{factor.high:g}",
            "meaning": factor.meaning,
        }
        for factor in FACTORS
    ]


def factor_vector(factors: torch.Tensor) -> torch.Tensor:
    """(n, F) factor values -> (n, FACTOR_VECTOR_SIZE) what a factor-conditional network reads:
    each continuous factor scaled to [-1, 1] over its range, each discrete one as a one-hot."""
    columns = []
    for i, factor in enumerate(FACTORS):
        value = factors[:, i]
        if factor.levels:
            index = value.round().long().clamp(0, factor.levels - 1)
            columns.append(torch.nn.functional.one_hot(index, factor.levels).to(torch.float32))
        else:
            columns.append((2 * (value - factor.low) / (factor.high - factor.low) - 1).unsqueeze(1).float())
    return torch.cat(columns, dim=1)


FACTOR_VECTOR_SIZE = sum(factor.levels or 1 for factor in FACTORS)
