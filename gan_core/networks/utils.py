"""Small facts about modules that several layers ask: does it hold BatchNorm, and a context that
puts modules in eval mode and restores their previous mode after."""

from __future__ import annotations

import contextlib

from torch import nn


def has_batchnorm(module: nn.Module) -> bool:
    return any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in module.modules())


@contextlib.contextmanager
def eval_mode(*modules: nn.Module):
    """Eval mode inside the block (BatchNorm on running statistics, dropout off), each module's
    own previous mode after it."""
    modes = [m.training for m in modules]
    for m in modules:
        m.eval()
    try:
        yield
    finally:
        for m, mode in zip(modules, modes):
            m.train(mode)
