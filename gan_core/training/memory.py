"""How much memory a run would train in, known before any is taken (the networks' shapes from
gan_core.training.speed's meta-device pass): a setting or a shared link that would not fit a
laptop (a DCGAN of width 1,024 on 64x64 faces wants over 20 GB) is refused in a sentence instead
of filling the machine's memory.

The estimate, in float32 bytes: every parameter four times (weights, gradients, Adam's two
moments), the generator's once more (its weight average), and per sample of a batch the
activations of G once and of D twice (a real and a fake batch), each kept for the backward pass
(twice: a layer's output and what its nonlinearity or norm saves)."""

from __future__ import annotations

from ..config import ConfigError, RunConfig
from .speed import iteration_cost

MAX_TRAINING_BYTES = 4 * 2**30  # what a run may take: a class's laptops have 8 GB, shared with the browser
SIZED_ARCHITECTURES = ("mlp", "conditional_mlp", "dcgan", "conditional_dcgan")  # image-to-image: fixed shapes
BYTES = 4  # float32


def training_bytes(config: RunConfig) -> int | None:
    """The estimate above for `config`, or None for an architecture it does not size."""
    if config.model.architecture not in SIZED_ARCHITECTURES:
        return None
    cost = iteration_cost(config)
    weights = 4 * cost["parameters"] + cost["generator_parameters"]
    activations = cost["generator_activations"] + 2 * cost["discriminator_activations"]
    return int(BYTES * (weights + 2 * config.train.batch_size * activations))


def check_training_size(config: RunConfig) -> None:
    """Raises ConfigError, saying what to lower, when the run would take over MAX_TRAINING_BYTES."""
    needed = training_bytes(config)
    if needed is not None and needed > MAX_TRAINING_BYTES:
        raise ConfigError(
            f"these networks would need about {needed / 2**30:,.1f} GB to train "
            f"({iteration_cost(config)['parameters'] / 1e6:,.1f} million weights at batch "
            f"{config.train.batch_size}); at most {MAX_TRAINING_BYTES / 2**30:.0f} GB is allowed: "
            "lower the widths, the image size or the batch size"
        )
