"""Training data: toy 2D/1D distributions generated on the fly, and small image data sets.

Every source has `sample_batch(n, generator) -> (samples, labels or None)` on the CPU.
"""

from __future__ import annotations

from ..config import DataConfig
from .toy import ToyDistribution, make_toy_distribution


def make_data(config: DataConfig):
    """The data source `config` describes."""
    if config.name == "faces":  # drawn on demand (no torchvision needed)
        from .face_images import load_faces_data

        return load_faces_data(config.image_size)
    if config.is_image:
        from .images import load_image_data  # torchvision is only needed for images

        return load_image_data(config)
    return make_toy_distribution(config)


__all__ = ["ToyDistribution", "make_data", "make_toy_distribution"]
