"""The optimisers a run can choose, by name."""

from __future__ import annotations

import torch

from ..config import TrainConfig


def make_optimizer(name: str, params, lr: float, train: TrainConfig) -> torch.optim.Optimizer:
    """The named optimiser. Adam and SGD use torch's fused kernels: one kernel for all the
    parameters instead of a dozen small ops per tensor, which on the CPU made Adam's step about
    a quarter of an iteration of the ring model."""
    params = list(params)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr)
    if name in ("sgd", "momentum"):
        momentum = 0.9 if name == "momentum" else 0.0
        return torch.optim.SGD(params, lr=lr, momentum=momentum, fused=_fused_supported(params))
    return torch.optim.Adam(params, lr=lr, betas=(train.beta1, train.beta2), fused=_fused_supported(params))


def _fused_supported(params) -> bool | None:
    return True if params and params[0].device.type in ("cpu", "cuda", "mps") else None
