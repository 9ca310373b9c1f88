"""Several small MLPs of the same shape held as one tensor, and the optimisers that step all of
them at once with per-variant settings (the batched trainer's parts, gan_core.training.compare_trainer).

Each network's parameters live in one flat leaf tensor of shape (V, P): row v is variant v's
weights, laid out as `torch.nn.utils.parameters_to_vector` would lay out one network. A forward
pass reads views of it, so autograd gives the whole (V, P) gradient in one tensor and an
optimiser step is a dozen element-wise operations for all variants and all layers together,
instead of a dozen per layer per variant.

Two ways to run the V networks (bench/compare_speed.py measures both):
- "bmm": the template's layers walked by hand, each Linear a batched matrix product
  (torch.baddbmm) over the variants;
- "vmap": torch.func.vmap of torch.func.functional_call of the template over the rows.
"""

from __future__ import annotations

import math

import torch
from torch import nn

FORWARDS = ("bmm", "vmap")
ADAM_EPS = 1e-8  # torch.optim.Adam's default
RMSPROP_ALPHA, RMSPROP_EPS = 0.99, 1e-8  # torch.optim.RMSprop's defaults
MOMENTUM = 0.9  # the "momentum" optimiser: SGD with momentum 0.9 (gan_core.training.optimizers)


class StackedNetwork:
    """V copies of `template`'s architecture with their own weights, as one (V, P) leaf."""

    def __init__(self, template: nn.Module, networks: list[nn.Module], forward: str = "bmm"):
        if forward not in FORWARDS:
            raise ValueError(f"forward must be one of {', '.join(FORWARDS)}, got {forward!r}")
        for module in template.modules():
            if isinstance(module, (nn.BatchNorm1d, nn.Dropout)):
                raise ValueError(f"a {type(module).__name__} cannot be stacked: its state mixes the batch")
        self.template = template
        self.forward_kind = forward
        self.names = [name for name, _ in template.named_parameters()]
        self.shapes = [tuple(p.shape) for p in template.parameters()]
        self.sizes = [math.prod(shape) for shape in self.shapes]
        rows = [torch.cat([p.detach().reshape(-1) for p in network.parameters()]) for network in networks]
        self.flat = torch.stack(rows).requires_grad_(True)  # (V, P)

    @property
    def count(self) -> int:
        return self.flat.shape[0]

    def views(self, flat: torch.Tensor) -> dict[str, torch.Tensor]:
        """name -> (*lead, *shape) views of `flat` (V, P) or of one row (P,)."""
        lead = flat.shape[:-1]
        parts = torch.split(flat, self.sizes, dim=-1)
        return {name: part.view(*lead, *shape) for name, part, shape in zip(self.names, parts, self.shapes)}

    def __call__(self, x: torch.Tensor, flat: torch.Tensor | None = None) -> torch.Tensor:
        """x (V, B, in) through every variant's network (`flat` instead of the trained weights,
        e.g. detached ones) -> (V, B, *out)."""
        flat = self.flat if flat is None else flat
        if self.forward_kind == "vmap":
            return torch.func.vmap(self._one)(flat, x)
        return self._bmm(flat, x)

    def _one(self, row: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        return torch.func.functional_call(self.template, self.views(row), (x,))

    def _bmm(self, flat: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        """The template's own forward with each Linear as a batched product; its Sequential
        (`net`) walked layer by layer, then the output shaped as the template shapes it."""
        weights = self.views(flat)
        h = x.reshape(x.shape[0], x.shape[1], -1)  # (V, B, features)
        for name, module in self.template.net.named_children():
            if isinstance(module, nn.Linear):
                w, b = weights[f"net.{name}.weight"], weights[f"net.{name}.bias"]  # (V, out, in), (V, out)
                h = torch.baddbmm(b.unsqueeze(1), h, w.transpose(1, 2))  # (V, B, out)
            else:
                h = module(h)  # element-wise activations
        if getattr(self.template, "bounded", False):
            h = torch.tanh(h)
        if hasattr(self.template, "sample_shape"):  # a generator: (V, B, *sample_shape)
            return h.view(h.shape[0], h.shape[1], *self.template.sample_shape)
        return h.squeeze(-1) if h.shape[-1] == 1 else h  # a discriminator: (V, B) logits

    def load_into(self, v: int, network: nn.Module, flat: torch.Tensor | None = None) -> None:
        """Copy variant v's weights (or row v of `flat`) into an ordinary module."""
        source = self.flat if flat is None else flat
        with torch.no_grad():
            for p, value in zip(network.parameters(), self.views(source[v]).values()):
                p.copy_(value)


def _column(values, like: torch.Tensor) -> torch.Tensor:
    return torch.tensor([float(v) for v in values], dtype=like.dtype, device=like.device).unsqueeze(1)  # (V, 1)


class StackedOptimizer:
    """Adam, SGD, SGD with momentum and RMSprop over a (V, P) parameter tensor, each variant with
    its own optimiser, learning rate and Adam betas, as torch.optim computes them (torch 2.x,
    no weight decay, no AMSGrad). `step(grad, mask, lr)` updates only the rows where `mask` is
    true: their parameters, moments and step counts; the others stay exactly as they were, which
    is how a variant with fewer updates per iteration (smaller k or m) skips one."""

    def __init__(self, params: torch.Tensor, kinds: list[str], beta1: list[float], beta2: list[float]):
        self.params = params
        self.kinds = list(kinds)
        device = params.device
        self.kind_masks = {
            kind: torch.tensor([k == kind for k in kinds], device=device).unsqueeze(1) for kind in set(kinds)
        }
        self.beta1, self.beta2 = _column(beta1, params), _column(beta2, params)
        self.steps = torch.zeros(len(kinds), 1, dtype=params.dtype, device=device)  # (V, 1), float as torch keeps it
        zeros = torch.zeros_like(params, requires_grad=False)
        self.state = {}
        if "adam" in self.kind_masks:
            self.state["exp_avg"], self.state["exp_avg_sq"] = zeros.clone(), zeros.clone()
        if "momentum" in self.kind_masks:
            self.state["momentum_buffer"] = zeros.clone()
        if "rmsprop" in self.kind_masks:
            self.state["square_avg"] = zeros.clone()

    @torch.no_grad()
    def step(self, grad: torch.Tensor, mask: torch.Tensor, lr: torch.Tensor) -> None:
        """grad (V, P); mask (V,) bool; lr (V,) the learning rates now."""
        mask = mask.unsqueeze(1)  # (V, 1)
        lr = lr.unsqueeze(1)
        if self.kinds[0] == "adam" and len(self.kind_masks) == 1 and bool(mask.all()):
            self._adam_in_place(grad, lr)  # the common case: the same arithmetic, a third of the operations
            return
        steps = self.steps + 1
        p = self.params
        new = p.clone()
        if "adam" in self.kind_masks:
            use = mask & self.kind_masks["adam"]
            exp_avg = self.state["exp_avg"].lerp(grad, 1 - self.beta1)
            exp_avg_sq = self.state["exp_avg_sq"] * self.beta2 + (1 - self.beta2) * grad * grad
            step_size = lr / (1 - self.beta1**steps)
            denom = exp_avg_sq.sqrt() / (1 - self.beta2**steps).sqrt() + ADAM_EPS
            new = torch.where(use, p - step_size * exp_avg / denom, new)
            self.state["exp_avg"] = torch.where(use, exp_avg, self.state["exp_avg"])
            self.state["exp_avg_sq"] = torch.where(use, exp_avg_sq, self.state["exp_avg_sq"])
        if "sgd" in self.kind_masks:
            new = torch.where(mask & self.kind_masks["sgd"], p - lr * grad, new)
        if "momentum" in self.kind_masks:
            use = mask & self.kind_masks["momentum"]
            buffer = self.state["momentum_buffer"] * MOMENTUM + grad
            new = torch.where(use, p - lr * buffer, new)
            self.state["momentum_buffer"] = torch.where(use, buffer, self.state["momentum_buffer"])
        if "rmsprop" in self.kind_masks:
            use = mask & self.kind_masks["rmsprop"]
            square_avg = self.state["square_avg"] * RMSPROP_ALPHA + (1 - RMSPROP_ALPHA) * grad * grad
            new = torch.where(use, p - lr * grad / (square_avg.sqrt() + RMSPROP_EPS), new)
            self.state["square_avg"] = torch.where(use, square_avg, self.state["square_avg"])
        p.copy_(new)
        self.steps = torch.where(mask, steps, self.steps)

    def _adam_in_place(self, grad: torch.Tensor, lr: torch.Tensor) -> None:
        """Every variant Adam and updating: `step`'s Adam branch without the masking."""
        self.steps += 1
        exp_avg, exp_avg_sq = self.state["exp_avg"], self.state["exp_avg_sq"]
        exp_avg.lerp_(grad, 1 - self.beta1)
        exp_avg_sq.mul_(self.beta2).add_((1 - self.beta2) * grad * grad)
        step_size = lr / (1 - self.beta1**self.steps)
        denom = exp_avg_sq.sqrt() / (1 - self.beta2**self.steps).sqrt() + ADAM_EPS
        self.params.sub_(step_size * exp_avg / denom)

    def torch_state(self, v: int, sizes: list[int], shapes: list[tuple]) -> dict:
        """Variant v's state as its torch.optim optimiser's state_dict()["state"], per parameter."""
        kind = self.kinds[v]
        step = float(self.steps[v, 0])
        if step == 0:
            return {}
        per_parameter = {}
        names = {"adam": ("exp_avg", "exp_avg_sq"), "momentum": ("momentum_buffer",), "rmsprop": ("square_avg",)}
        parts = {name: torch.split(self.state[name][v], sizes) for name in names.get(kind, ())}
        for i, shape in enumerate(shapes):
            entry = {name: parts[name][i].reshape(shape).clone() for name in parts}
            if kind in ("adam", "rmsprop"):
                entry["step"] = torch.tensor(step)
            per_parameter[i] = entry
        return per_parameter

    def snapshot(self) -> dict:
        return {"steps": self.steps.clone(), **{name: t.clone() for name, t in self.state.items()}}

    def restore_row(self, v: int, saved: dict) -> None:
        self.steps[v] = saved["steps"][v]
        for name, tensor in self.state.items():
            tensor[v] = saved[name][v]
