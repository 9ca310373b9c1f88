"""Sampling: one sampler for every path (live views, evaluation, the CLI, rejection sampling),
the fixed inputs live views redraw, discriminator rejection sampling, and the latent space of a
trained generator (latent.py): its directions (directions.py), paths between codes
(interpolation.py), and inversion and completion (inversion.py)."""

from .sampler import sample, sample_numpy, sampling_network

__all__ = ["sample", "sample_numpy", "sampling_network"]
