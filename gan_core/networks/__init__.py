"""The networks: generators and discriminators (MLP, conditional MLP, DCGAN) built from a run
config, their noise prior, and the classifier that scores image runs. No losses here: what a
network is trained to do is its objective's business (gan_core.objectives)."""

from __future__ import annotations

from torch import nn

from ..config import RunConfig
from .mlp import MLPDiscriminator, MLPGenerator
from .noise import sample_noise
from .utils import eval_mode, has_batchnorm

__all__ = [
    "build_discriminator",
    "build_encoder",
    "build_generator",
    "discriminator_norm",
    "eval_mode",
    "has_batchnorm",
    "sample_noise",
    "sample_shape",
]


def sample_shape(config: RunConfig) -> tuple[int, ...]:
    """Shape of one data sample: (dim,) for toy data, (C, H, W) for images."""
    data = config.data
    if data.is_image:
        return (data.channels, data.image_size, data.image_size)
    return (data.dim,)


def build_generator(config: RunConfig) -> nn.Module:
    architecture = config.model.architecture
    if architecture == "mlp":
        return MLPGenerator(config.model, sample_shape(config), bounded=config.data.is_image)
    from . import conditional, dcgan  # image models, imported on demand

    if architecture == "conditional_mlp":
        return conditional.ConditionalGenerator(config.model, sample_shape(config))
    if architecture == "conditional_dcgan":
        from .factor_conditional import FactorGenerator

        return FactorGenerator(config.model, sample_shape(config))
    return dcgan.DCGANGenerator(config.model, sample_shape(config))


def build_discriminator(config: RunConfig) -> nn.Module:
    architecture = config.model.architecture
    if architecture == "mlp":
        return MLPDiscriminator(config.model, sample_shape(config))
    from . import conditional, dcgan

    if architecture == "conditional_mlp":
        return conditional.ConditionalDiscriminator(config.model, sample_shape(config))
    if architecture == "conditional_dcgan":
        from .factor_conditional import ProjectionDiscriminator

        return ProjectionDiscriminator(config.model, sample_shape(config))
    return dcgan.DCGANDiscriminator(config.model, sample_shape(config), norm=discriminator_norm(config))


def build_encoder(config: RunConfig, out_features: int) -> nn.Module:
    """A VAE's / AE's encoder: the discriminator's body of the same architecture, ending in
    `out_features` outputs instead of one logit (2 x code size for a VAE's mean and log-variance)."""
    architecture = config.model.architecture
    if architecture == "mlp":
        return MLPDiscriminator(config.model, sample_shape(config), out_features=out_features)
    from . import conditional, dcgan

    if architecture == "conditional_mlp":
        return conditional.ConditionalDiscriminator(config.model, sample_shape(config), out_features=out_features)
    norm = "batch" if config.model.d_norm == "auto" else config.model.d_norm
    return dcgan.DCGANDiscriminator(config.model, sample_shape(config), norm=norm, out_features=out_features)


def discriminator_norm(config: RunConfig) -> str:
    """The DCGAN discriminator's normalisation: `d_norm`, where "auto" means BatchNorm, except
    LayerNorm under WGAN-GP (whose per-sample gradient penalty a batch norm would break)."""
    if config.model.d_norm != "auto":
        return config.model.d_norm
    return "layer" if config.train.loss == "wgan_gp" else "batch"
