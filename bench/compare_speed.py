"""Compare mode's speed: 8 variants trained in lockstep by the batched trainer against the same 8
trained one after another with the single-run Trainer, in the same process.

    python bench/compare_speed.py [--iterations 300] [--repeats 3] [--device cpu]

Two models: GAN Lab's size (2 hidden layers of 32 units, batch 256; issue 15's target: at least
3x the combined iterations per second) and the ring preset's (3 x 128). Each round times, in
alternation so every engine sees the same machine load: the single-run Trainers stepped in turn
(the baseline), the stacked engine with batched matrix products ("bmm") and the stacked engine
with torch.func.vmap ("vmap"). The variants differ in D's learning rate (8 values), so all of
them draw the same batches. It prints combined iterations per second (median of the rounds) and
the ratios to the baseline.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gan_core.device import describe_device, pick_device  # noqa: E402
from gan_core.presets import get_preset  # noqa: E402
from gan_core.training.compare_trainer import CompareTrainer  # noqa: E402

MODELS = {
    "GAN Lab size, 2 x 32": dict(g_layers=2, g_width=32, d_layers=2, d_width=32),
    "ring preset, 3 x 128": dict(g_layers=3, g_width=128, d_layers=3, d_width=128),
}
LEARNING_RATES = (1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 3e-3, 5e-3, 1e-2)


def variants(model: dict, device: str) -> dict:
    base = get_preset("ring").replace(model=model, train=dict(batch_size=256, ema=0.0, device=device))
    return {f"d_lr={lr:g}": base.replace(train=dict(d_lr=lr)) for lr in LEARNING_RATES}


def rate(runs: CompareTrainer, iterations: int) -> float:
    """Combined iterations per second (variants x iterations / seconds), after a warm-up."""
    runs.train(5)
    if runs.device.type == "cuda":
        torch.cuda.synchronize()
    started = time.perf_counter()
    runs.train(iterations)
    if runs.device.type == "cuda":
        torch.cuda.synchronize()
    return len(runs.names) * iterations / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    device = pick_device(args.device)
    print(f"device: {describe_device(device)}; torch {torch.__version__}; 8 variants, batch 256")
    for label, model in MODELS.items():
        configs = variants(model, device.type)
        engines = {
            "one after another (Trainer)": dict(engine="sequential"),
            "stacked, bmm": dict(engine="stacked", forward="bmm"),
            "stacked, vmap": dict(engine="stacked", forward="vmap"),
        }
        rates = {name: [] for name in engines}
        for _ in range(args.repeats):
            for name, options in engines.items():
                rates[name].append(rate(CompareTrainer(configs, **options), args.iterations))
        baseline = statistics.median(rates["one after another (Trainer)"])
        print(f"\n{label}")
        for name in engines:
            median = statistics.median(rates[name])
            print(f"  {name:30s} {median:9,.0f} it/s combined   x{median / baseline:.2f}")


if __name__ == "__main__":
    main()
