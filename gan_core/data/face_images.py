"""The faces as an image data set to train on: every training batch is drawn fresh from the
factors (gan_core.data.faces), so there is no finite training set for the discriminator to learn
by heart. What the image lab needs of a data set beside that (a grid of real faces ordered by
class, a held-out set for the real-data ceiling, features of many reference faces for FID) comes
from fixed seeds, so every run scores the same way.

Labels are the hair colour (5 classes): the class histogram of a run is its hair colours, and a
conditional GAN on faces is asked for a hair colour.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass

import torch

from .faces import FACTOR_NAMES, FACTORS, HELD_OUT_SEED, draw_faces, make_faces, sample_factors
from .images import ImageData

LABEL_FACTOR = FACTOR_NAMES.index("hair_colour")
HAIR_COLOUR_NAMES = FACTORS[LABEL_FACTOR].level_names
POOL_SEED = 2_024  # the fixed faces the real grid shows
POOL_SIZE = 500
HELD_OUT_SIZE = 2_000  # the real-data ceiling: as many as the factor coverage scores generated faces
REFERENCE_SEED = 7_777  # the reference faces FID and the k-NN metrics compare with
REFERENCE_SIZE = 10_000
REFERENCE_CHUNK = 2_000


@dataclass(frozen=True, eq=False)
class FacesData(ImageData):
    """Faces drawn on demand. `train_images` is a small fixed pool (grids), `held_out_images` the
    fixed held-out faces; `sample_batch` draws new faces from the caller's generator."""

    size: int = 32
    held_out_factors: torch.Tensor | None = None  # (HELD_OUT_SIZE, F) the values they were drawn from

    def sample_batch(self, n: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        factors = sample_factors(n, generator)
        return draw_faces(factors, self.size), factors[:, LABEL_FACTOR].long()

    def reference_images(self) -> Iterator[torch.Tensor]:
        """REFERENCE_SIZE faces from their own seed, in chunks (their features are kept, not them)."""
        generator = torch.Generator().manual_seed(REFERENCE_SEED)
        for start in range(0, REFERENCE_SIZE, REFERENCE_CHUNK):
            yield draw_faces(sample_factors(min(REFERENCE_CHUNK, REFERENCE_SIZE - start), generator), self.size)


@functools.lru_cache(maxsize=2)
def load_faces_data(size: int = 32) -> FacesData:
    pool, pool_factors = make_faces(POOL_SIZE, POOL_SEED, size)
    held_out, held_out_factors = make_faces(HELD_OUT_SIZE, HELD_OUT_SEED, size)
    return FacesData(
        "faces",
        pool,
        pool_factors[:, LABEL_FACTOR].long(),
        held_out,
        held_out_factors[:, LABEL_FACTOR].long(),
        HAIR_COLOUR_NAMES,
        size=size,
        held_out_factors=held_out_factors,
    )
