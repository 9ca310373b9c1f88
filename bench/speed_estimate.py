"""The speed estimate the labs warn with (gan_core.training.speed) against the measured speed of
the same networks, one thread: the ratio says how far to trust "about N iterations per second".

Usage: python bench/speed_estimate.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

CASES = [
    ("ring", {}),
    ("ring", dict(model=dict(g_width=512, d_width=512))),
    ("ring", dict(model=dict(g_width=1024, d_width=1024, g_layers=4, d_layers=4))),
    ("digits-mlp", {}),
    ("digits-dcgan", {}),
    ("digits-dcgan", dict(model=dict(g_width=128, d_width=128))),
    ("digits-cgan", {}),
]


def main() -> None:
    import torch

    from gan_core.presets import get_preset
    from gan_core.training import Trainer
    from gan_core.training.speed import estimated_iterations_per_second, matmul_flops_per_second

    torch.set_num_threads(1)
    print(f"single-thread matmul: {matmul_flops_per_second() / 1e9:.0f} GFLOP/s")
    print(f"{'network':58s} {'measured':>9s} {'estimate':>9s} {'ratio':>6s}")
    for name, change in CASES:
        config = get_preset(name).replace(train=dict(device="cpu"), **change)
        trainer = Trainer(config)
        trainer.train(3)
        estimate = estimated_iterations_per_second(config)
        n = max(10, int(3 * estimate))  # about 3 seconds
        started = time.perf_counter()
        trainer.train(n)
        trainer.flush()
        measured = n / (time.perf_counter() - started)
        label = f"{name} {change}" if change else name
        print(f"{label:58s} {measured:8.1f}/s {estimate:8.1f}/s {estimate / measured:6.2f}")


if __name__ == "__main__":
    main()
