"""How fast a configuration will train here, estimated before it starts: the multiply-adds of
one iteration (counted on shape-only "meta" tensors: nothing is allocated) over this machine's
measured matrix-multiply speed, plus a fixed cost per update. A page warns before a network
that would train at a crawl (issue 13); bench/train_speed.py measures the real speed."""

from __future__ import annotations

import functools
import time

import torch
from torch import nn

from ..config import RunConfig
from ..networks import build_discriminator, build_generator, sample_shape

# Fitted on seven preset-sized networks (ring at widths 128-1024, digits MLP, DCGAN at 64 and 128,
# cGAN) on a 2-core machine: the estimate lands within 0.7x-1.35x of the measured speed.
UPDATE_OVERHEAD_S = 0.0012  # Python, autograd and optimiser bookkeeping per update (small-network floor)
TRAINING_EFFICIENCY = 1.1  # measured matmul speed per counted multiply-add pair (the count is an upper bound)
CONVOLUTION_COST = 1.7  # a convolution's multiply-add costs this many dense ones (im2col, small images)
CRAWL_ITERATIONS_PER_SECOND = 10.0  # below this a page warns before the run starts


def _multiply_adds(module: nn.Module, *inputs: torch.Tensor) -> int:
    """Multiply-adds of one forward pass of `module` on `inputs` (meta tensors), a convolution's
    weighted by CONVOLUTION_COST."""
    total = 0

    def count(layer, layer_inputs, output):
        nonlocal total
        if isinstance(layer, nn.Linear):
            total += output.numel() * layer.in_features
        elif isinstance(layer, nn.Conv2d):
            kernel = layer.kernel_size[0] * layer.kernel_size[1]
            total += CONVOLUTION_COST * output.numel() * (layer.in_channels // layer.groups) * kernel
        elif isinstance(layer, nn.ConvTranspose2d):
            kernel = layer.kernel_size[0] * layer.kernel_size[1]
            total += CONVOLUTION_COST * layer_inputs[0].numel() * (layer.out_channels // layer.groups) * kernel

    layers = (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)
    handles = [m.register_forward_hook(count) for m in module.modules() if isinstance(m, layers)]
    try:
        with torch.no_grad():
            module(*inputs)
    finally:
        for handle in handles:
            handle.remove()
    return int(total)


@functools.lru_cache(maxsize=64)
def iteration_cost(config: RunConfig) -> dict:
    """Per sample: the generator's and the discriminator's forward multiply-adds, and the
    parameter counts (for the message)."""
    with torch.device("meta"):
        generator, discriminator = build_generator(config), build_discriminator(config)
        z = torch.zeros(2, config.model.noise_dim)
        labels = torch.zeros(2, dtype=torch.long) if config.model.architecture == "conditional_mlp" else None
        x = torch.zeros(2 * config.model.pack, *sample_shape(config))
        g = _multiply_adds(generator, z, labels) // 2
        d = _multiply_adds(discriminator, x, labels) // (2 * config.model.pack)
    parameters = sum(p.numel() for net in (generator, discriminator) for p in net.parameters())
    return {"generator": g, "discriminator": d, "parameters": parameters}


@functools.lru_cache(maxsize=1)
def matmul_flops_per_second() -> float:
    """This machine's single-thread float32 matrix-multiply speed (about 30 ms to measure, once)."""
    a, b = torch.randn(256, 512), torch.randn(512, 512)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        a @ b
        best = float("inf")
        for _ in range(5):
            started = time.perf_counter()
            a @ b
            best = min(best, time.perf_counter() - started)
    finally:
        torch.set_num_threads(threads)
    return 2 * 256 * 512 * 512 / best


def estimated_iterations_per_second(config: RunConfig, flops_per_second: float | None = None) -> float:
    """Iterations per second one CPU thread should reach on `config` (a GAN: k discriminator updates
    on real and generated batches, then m generator updates through D; backward ~ 2x forward)."""
    cost = iteration_cost(config)
    train, batch = config.train, config.train.batch_size
    g, d = cost["generator"], cost["discriminator"]
    multiply_adds = batch * (train.d_steps * (g + 3 * 2 * d) + train.g_steps * 3 * (g + d))
    rate = (flops_per_second or matmul_flops_per_second()) * TRAINING_EFFICIENCY
    seconds = UPDATE_OVERHEAD_S * (train.d_steps + train.g_steps) + 2 * multiply_adds / rate
    return 1.0 / seconds
