"""What the image-to-image applications learn from (issue 26): a face's line drawing beside the
face (pix2pix's paired data), and two sets of faces that differ in hair colour and nothing else
in distribution (CycleGAN's unpaired domains).

A sketch is the face's edges: the largest Sobel gradient over the three colour channels, scaled
so that a boundary between two colours of the palette is a full line. It keeps the shapes (the
outline of the head and the hair, the eyes, the glasses, the mouth's curve) and loses every
colour: what a generator must then guess, which is where L1 alone blurs (Isola et al. 2017).
Sketches are "ink" in [0, 1], 1 channel, 1 where there is a line; a drawing made on a canvas
becomes the same kind of ink (`ink_from_drawing`).

The two domains are drawn independently from the factors' own distributions, with the hair
colour restricted: dark (black or brown) and blue. No face has a twin in the other domain.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from .faces import FACTOR_BY_NAME, FACTOR_NAMES, draw_faces, sample_factors

INK_SCALE = 3.0  # gradient magnitude (images in [-1, 1]) times this, clipped at 1: a colour boundary is a line
_SOBEL_X = torch.tensor([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]]) / 8


def face_sketch(images: torch.Tensor) -> torch.Tensor:
    """(n, 3, H, W) faces in [-1, 1] -> (n, 1, H, W) ink in [0, 1]."""
    kernels = torch.stack([_SOBEL_X, _SOBEL_X.T]).unsqueeze(1).to(images)  # (2, 1, 3, 3)
    n, c, h, w = images.shape
    padded = F.pad(images.reshape(n * c, 1, h, w), (1, 1, 1, 1), mode="replicate")
    gradients = F.conv2d(padded, kernels).reshape(n, c, 2, h, w)
    magnitude = gradients.pow(2).sum(2).sqrt().amax(1, keepdim=True)
    return (magnitude * INK_SCALE).clamp(0, 1)


def sketch_to_input(ink: torch.Tensor) -> torch.Tensor:
    """Ink in [0, 1] as a network reads it: [-1, 1]."""
    return ink * 2 - 1


def ink_to_picture(ink: torch.Tensor) -> torch.Tensor:
    """Ink as a person sees a drawing: dark lines on white, as an image in [-1, 1] (3 channels)."""
    return (1 - 2 * ink).expand(-1, 3, -1, -1)


# Where a face's sketch lies in a 32x32 picture (the mean box of the ink over 500 faces): a drawing
# is fitted to it, so a face drawn to fill the canvas, or small in a corner, is what the networks saw.
FRAME_TOP, FRAME_HEIGHT, FRAME_CENTRE_X = 4.6 / 32, 22.4 / 32, 15.4 / 32


def ink_from_drawing(rgba: np.ndarray, size: int = 32) -> torch.Tensor:
    """A canvas drawing (H, W, 4) uint8, dark strokes on a light or transparent background ->
    (1, 1, size, size) ink: darkness times opacity, cropped to what was drawn, shrunk by area
    averaging to the height and place of a face's sketch, strengthened so a stroke a few canvas
    pixels wide is a line. A blank drawing gives no ink."""
    rgba = np.asarray(rgba)
    if rgba.ndim != 3 or rgba.shape[2] not in (3, 4) or min(rgba.shape[:2]) < 8:
        raise ValueError("the drawing must be an RGB or RGBA picture of at least 8x8 pixels")
    picture = torch.from_numpy(rgba.astype(np.float32) / 255)
    alpha = picture[..., 3] if picture.shape[2] == 4 else torch.ones(picture.shape[:2])
    ink = (1 - picture[..., :3].mean(-1)) * alpha
    rows, columns = torch.nonzero(ink.amax(1) > 0.25).flatten(), torch.nonzero(ink.amax(0) > 0.25).flatten()
    if len(rows) == 0:
        return torch.zeros(1, 1, size, size)
    drawn = ink[rows[0] : rows[-1] + 1, columns[0] : columns[-1] + 1]
    frame = FRAME_HEIGHT * size
    scale = min(frame / drawn.shape[0], 0.9 * size / drawn.shape[1])  # the aspect ratio kept
    height, width = (max(1, round(side * scale)) for side in drawn.shape)
    small = F.interpolate(drawn[None, None], size=(height, width), mode="area")
    top = round(FRAME_TOP * size + (frame - height) / 2)
    left = max(0, min(size - width, round(FRAME_CENTRE_X * size - width / 2)))
    framed = torch.zeros(1, 1, size, size)
    framed[..., top : top + height, left : left + width] = small
    return (framed / float(framed.max())).clamp(0, 1)


# ----- CycleGAN's two domains ----------------------------------------------------------------
HAIR = FACTOR_NAMES.index("hair_colour")
DOMAINS = {"dark": ("black", "brown"), "blue": ("blue",)}  # domain -> the hair colours it holds


def domain_levels(domain: str) -> tuple[int, ...]:
    names = FACTOR_BY_NAME["hair_colour"].level_names
    return tuple(names.index(name) for name in DOMAINS[domain])


def domain_factors(n: int, generator: torch.Generator, domain: str) -> torch.Tensor:
    """(n, F) factors of faces of one domain: every factor from its own distribution, the hair
    colour uniform over the domain's colours."""
    factors = sample_factors(n, generator)
    levels = torch.tensor(domain_levels(domain), dtype=torch.float32)
    factors[:, HAIR] = levels[torch.randint(len(levels), (n,), generator=generator)]
    return factors


def domain_faces(n: int, generator: torch.Generator, domain: str, size: int = 32) -> tuple[torch.Tensor, torch.Tensor]:
    factors = domain_factors(n, generator, domain)
    return draw_faces(factors, size), factors
