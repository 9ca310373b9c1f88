"""Can the discriminator generate? The lecture notes' loop (train D against negatives, add
argmax D as new negatives, repeat) against a GAN with the same discriminator, on the ring, in
one process: the D updates and seconds each needs to reach a quality target (modes covered and
high-quality share of its samples, as the 2D lab scores them), or the best it reaches.

Both sides are scored on as many points (the loop's points per round). The loop's seconds are
its D updates and its ascent (its way of generating); the GAN's, its training steps (D and G).
Then the cost of drawing one batch of samples once trained (an ascent against one forward pass
of G), and the digits DCGAN's D ascended from noise.

Usage: python bench/discriminator_loop.py [--rounds 12] [--gan-iterations 4000] [--modes 6] [--hq 0.5]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from gan_core.evaluation.digits_ascent import ascend_digits, load_digits_gan  # noqa: E402
from gan_core.evaluation.discriminator_loop import (  # noqa: E402
    first_reaching,
    gan_baseline_config,
    loop_records,
    run_gan_baseline,
)
from gan_core.sampling import sample  # noqa: E402
from gan_core.training import Trainer  # noqa: E402
from gan_core.training.ascent import ascend  # noqa: E402
from gan_core.training.discriminator_loop import DiscriminatorLoop, DiscriminatorLoopConfig  # noqa: E402


def describe(record: dict | None, what: str) -> str:
    if record is None:
        return f"{what}: not reached"
    return (
        f"{what}: {record['d_updates']:>6,} D updates  {record['seconds']:6.2f} s  "
        f"{record['modes_covered']}/{record['n_modes']} modes  HQ {record['high_quality']:.0%}"
    )


def best(rows: list[dict]) -> dict:
    return max(rows, key=lambda row: (row["modes_covered"], row["high_quality"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--gan-iterations", type=int, default=4000)
    parser.add_argument("--every", type=int, default=250, help="GAN iterations between evaluations")
    parser.add_argument("--modes", type=int, default=6)
    parser.add_argument("--hq", type=float, default=0.5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.set_num_threads(1)
    config = DiscriminatorLoopConfig(rounds=args.rounds, seed=args.seed)
    print(
        f"ring, D {config.d_layers}x{config.d_width}, batch {config.batch_size}, seed {config.seed}; "
        f"loop: {config.d_updates_per_round} D updates per round, {config.n_ascent} points ascended "
        f"{config.ascent_steps} steps, {config.n_random_negatives} random negatives; "
        f"target {args.modes}/8 modes and HQ >= {args.hq:.0%} on {config.n_ascent} points"
    )

    loop = DiscriminatorLoop(config)
    step_seconds = []
    while len(loop.history) < args.rounds:
        started = time.perf_counter()
        loop.step()
        step_seconds.append(time.perf_counter() - started)
    loop_rows = loop_records(loop)
    print("\nD alone (argmax of D each round):")
    for row in loop_rows:
        print(
            f"  round {row['round']:>2}  {row['d_updates']:>5,} D updates  {row['seconds']:5.2f} s  "
            f"{row['modes_covered']}/8 modes  HQ {row['high_quality']:4.0%}  D(argmax) {row['d_ascended']:.2f}  "
            f"D far from data {row['d_far']:.2f}  argmax far from data {row['far_share']:4.0%}"
        )
    milliseconds = np.array(step_seconds) * 1e3
    print(
        f"  step(): median {np.median(milliseconds):.1f} ms, 95th percentile {np.percentile(milliseconds, 95):.1f} ms, "
        f"max {milliseconds.max():.1f} ms over {len(milliseconds)} steps"
    )

    gan_rows = run_gan_baseline(config, iterations=args.gan_iterations, every=args.every)
    print(f"\nGAN (ring preset, this D, no lr decay), every {args.every} iterations:")
    for row in gan_rows:
        print(
            f"  {row['d_updates']:>6,} D updates  {row['seconds']:5.2f} s  "
            f"{row['modes_covered']}/8 modes  HQ {row['high_quality']:4.0%}"
        )

    print(f"\nFirst to reach {args.modes}/8 modes and HQ >= {args.hq:.0%}:")
    loop_first = first_reaching(loop_rows, modes=args.modes, high_quality=args.hq)
    gan_first = first_reaching(gan_rows, modes=args.modes, high_quality=args.hq)
    print("  " + describe(loop_first, "D alone"))
    print("  " + describe(gan_first, "GAN    "))
    print("  " + describe(best(loop_rows), "D alone, best"))
    print("  " + describe(best(gan_rows), "GAN, best    "))

    # Drawing samples once trained: a whole ascent against one pass of the generator.
    trainer = Trainer(gan_baseline_config(config, args.gan_iterations))
    low, high = loop.bounds
    loop_times, gan_times = [], []
    for repeat in range(10):
        starts = low + (high - low) * torch.rand(config.n_ascent, 2, generator=torch.Generator().manual_seed(repeat))
        started = time.perf_counter()
        ascend(
            loop.discriminator,
            starts,
            steps=config.ascent_steps,
            step_size=config.ascent_step_size * (high - low),
            bounds=loop.bounds,
        )
        loop_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        sample(trainer, config.n_ascent, repeat, live=True)
        gan_times.append(time.perf_counter() - started)
    print(
        f"\nDrawing {config.n_ascent} samples once trained: D alone {np.median(loop_times) * 1e3:.1f} ms "
        f"(an ascent of {config.ascent_steps} steps), GAN {np.median(gan_times) * 1e3:.2f} ms (one pass of G)"
    )

    started = time.perf_counter()
    digits = ascend_digits(load_digits_gan())
    print(
        f"\nDigits DCGAN, D ascended from noise ({time.perf_counter() - started:.1f} s with loading): "
        f"D(x) {np.median(digits.start_scores):.2g} -> {np.median(digits.ascended_scores):.4f} (median); "
        f"the generator's samples {np.median(digits.generated_scores):.2f}. Classifier's confidence: "
        f"ascended {np.median(digits.ascended_confidence):.0%}, generated {np.median(digits.generated_confidence):.0%}"
    )


if __name__ == "__main__":
    main()
