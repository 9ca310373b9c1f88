"""How much memory a run would train in, known before any is taken: its generator and
discriminator are built on PyTorch's meta device (shapes, no storage) and run once on a meta
batch. A setting or a shared link that would not fit a laptop (a DCGAN of width 1,024 on 64x64
faces wants over 20 GB) is refused in a sentence instead of filling the machine's memory.

The estimate, in float32 bytes: every parameter four times (weights, gradients, Adam's two
moments), the generator's once more (its weight average), and per sample of a batch the
activations of G once and of D twice (a real and a fake batch), each kept for the backward pass
(twice: a layer's output and what its nonlinearity or norm saves)."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from ..config import ConfigError, RunConfig

MAX_TRAINING_BYTES = 4 * 2**30  # what a run may take: a class's laptops have 8 GB, shared with the browser
SIZED_ARCHITECTURES = ("mlp", "conditional_mlp", "dcgan", "conditional_dcgan")
BYTES = 4  # float32


@dataclass(frozen=True)
class TrainingSize:
    generator_parameters: int
    discriminator_parameters: int
    activations_per_sample: float  # G's once and D's twice, float32 numbers

    @property
    def parameters(self) -> int:
        return self.generator_parameters + self.discriminator_parameters

    def bytes(self, batch_size: int) -> int:
        weights = 4 * self.parameters + self.generator_parameters
        return int(BYTES * (weights + 2 * batch_size * self.activations_per_sample))


def _inputs(config: RunConfig, batch: int) -> tuple[dict, dict]:
    """Extra keyword inputs of G and D for a conditional architecture (meta tensors)."""
    architecture = config.model.architecture
    if architecture == "conditional_mlp":
        labels = torch.zeros(batch, dtype=torch.long, device="meta")
        return {"labels": labels}, {"labels": labels}
    if architecture == "conditional_dcgan":
        from ..data.faces import FACTOR_VECTOR_SIZE

        conditions = torch.zeros(batch, FACTOR_VECTOR_SIZE, device="meta")
        return {"conditions": conditions}, {"conditions": conditions}
    return {}, {}


def _activations(network: nn.Module, inputs: torch.Tensor, extra: dict) -> int:
    """Numbers every leaf module of `network` outputs for the batch `inputs` (a meta forward pass)."""
    total = [0]

    def count(_module, _inputs, output):
        if isinstance(output, torch.Tensor):
            total[0] += output.numel()

    handles = [m.register_forward_hook(count) for m in network.modules() if not list(m.children())]
    try:
        network(inputs, **extra)
    finally:
        for handle in handles:
            handle.remove()
    return total[0]


def _activation_bound(network: nn.Module, pixels: int) -> int:
    """An upper bound on `_activations` for one sample, from the layers' widths alone (no forward
    pass): every layer as if at full image resolution, three outputs per layer (itself, its norm,
    its nonlinearity). The meta forward pass costs a second the first time in a process (it loads
    torch's compiler), so it is only run when this bound does not already fit."""
    total = 0
    for module in network.modules():
        if isinstance(module, nn.Linear):
            total += module.out_features
        elif isinstance(module, nn.modules.conv._ConvNd):
            total += module.out_channels * pixels
    return 3 * total


def training_size(config: RunConfig, exact: bool = True) -> TrainingSize | None:
    """The run's networks' size, or None for an architecture this does not size (image-to-image
    models have fixed shapes). Without `exact`, the activations are the upper bound above."""
    from . import build_discriminator, build_generator, sample_shape

    if config.model.architecture not in SIZED_ARCHITECTURES:
        return None
    shape = sample_shape(config)
    with torch.device("meta"):
        generator, discriminator = build_generator(config), build_discriminator(config)
        if exact:
            batch = config.model.pack  # a packing discriminator judges `pack` samples at once
            g_extra, d_extra = _inputs(config, batch)
            noise = torch.zeros(batch, config.model.noise_dim, device="meta")
            samples = torch.zeros(batch, *shape, device="meta")
            per_sample = lambda network, inputs, extra: _activations(network, inputs, extra) / batch  # noqa: E731
            activations = per_sample(generator, noise, g_extra) + 2 * per_sample(discriminator, samples, d_extra)
        else:
            pixels = shape[-1] * shape[-2] if len(shape) == 3 else 1
            activations = _activation_bound(generator, pixels) + 2 * _activation_bound(discriminator, pixels)
    count = lambda network: sum(p.numel() for p in network.parameters())  # noqa: E731
    return TrainingSize(count(generator), count(discriminator), activations)


def check_training_size(config: RunConfig) -> None:
    """Raises ConfigError, saying what to lower, when the run would take over MAX_TRAINING_BYTES."""
    bound = training_size(config, exact=False)
    if bound is None or bound.bytes(config.train.batch_size) <= MAX_TRAINING_BYTES:
        return  # fits even counted generously: no forward pass needed
    size = training_size(config)
    needed = size.bytes(config.train.batch_size)
    if needed > MAX_TRAINING_BYTES:
        raise ConfigError(
            f"these networks would need about {needed / 2**30:,.1f} GB to train ({size.parameters / 1e6:,.1f} million "
            f"weights at batch {config.train.batch_size}); at most {MAX_TRAINING_BYTES / 2**30:.0f} GB is allowed: "
            "lower the widths, the image size or the batch size"
        )
