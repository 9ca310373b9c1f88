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


def _forward_costs(module: nn.Module, *inputs: torch.Tensor) -> tuple[int, int]:
    """(multiply-adds, activations) of one forward pass of `module` on `inputs` (meta tensors): a
    convolution's multiply-adds weighted by CONVOLUTION_COST; the activations are the numbers every
    leaf layer outputs (what training keeps for the backward pass)."""
    multiply_adds = activations = 0

    def count(layer, layer_inputs, output):
        nonlocal multiply_adds, activations
        if isinstance(output, torch.Tensor):
            activations += output.numel()
        if isinstance(layer, nn.Linear):
            multiply_adds += output.numel() * layer.in_features
        elif isinstance(layer, nn.Conv2d):
            kernel = layer.kernel_size[0] * layer.kernel_size[1]
            multiply_adds += CONVOLUTION_COST * output.numel() * (layer.in_channels // layer.groups) * kernel
        elif isinstance(layer, nn.ConvTranspose2d):
            kernel = layer.kernel_size[0] * layer.kernel_size[1]
            multiply_adds += CONVOLUTION_COST * layer_inputs[0].numel() * (layer.out_channels // layer.groups) * kernel

    handles = [m.register_forward_hook(count) for m in module.modules() if not list(m.children())]
    try:
        with torch.no_grad():
            module(*inputs)
    finally:
        for handle in handles:
            handle.remove()
    return int(multiply_adds), activations


def _condition(config: RunConfig, n: int) -> torch.Tensor | None:
    """What a conditional architecture takes beside z or x (meta): labels, or the faces' factor vector."""
    if config.model.architecture == "conditional_mlp":
        return torch.zeros(n, dtype=torch.long)
    if config.model.architecture == "conditional_dcgan":
        from ..data.faces import FACTOR_VECTOR_SIZE

        return torch.zeros(n, FACTOR_VECTOR_SIZE)
    return None


@functools.lru_cache(maxsize=64)
def iteration_cost(config: RunConfig) -> dict:
    """Per sample: the generator's and the discriminator's forward multiply-adds and activations,
    and their parameter counts. Built on the meta device: a network too big to allocate is sized
    too (gan_core.training.memory refuses it before it is built)."""
    pack = config.model.pack
    with torch.device("meta"):
        generator, discriminator = build_generator(config), build_discriminator(config)
        z = torch.zeros(2, config.model.noise_dim)
        x = torch.zeros(2 * pack, *sample_shape(config))
        g, g_activations = _forward_costs(generator, z, _condition(config, 2))
        d, d_activations = _forward_costs(discriminator, x, _condition(config, 2))
    count = lambda network: sum(p.numel() for p in network.parameters())  # noqa: E731
    return {
        "generator": g // 2,
        "discriminator": d // (2 * pack),
        "generator_activations": g_activations / 2,
        "discriminator_activations": d_activations / (2 * pack),
        "generator_parameters": count(generator),
        "discriminator_parameters": count(discriminator),
        "parameters": count(generator) + count(discriminator),
    }


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
