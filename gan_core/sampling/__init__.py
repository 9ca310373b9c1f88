"""Sampling: one sampler for every path (live views, evaluation, the CLI, rejection sampling),
the fixed inputs live views redraw, and discriminator rejection sampling. Later: latent
directions, interpolation and inversion."""

from .sampler import sample, sample_numpy, sampling_network

__all__ = ["sample", "sample_numpy", "sampling_network"]
