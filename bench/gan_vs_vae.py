"""GAN, VAE and plain auto-encoder on the 8x8 digits with the same generator / decoder network
(the digits-dcgan preset's), the same number of iterations and two network widths: one table of
the scores every model gets (the shipped classifier's IS, FID, precision/recall and
density/coverage, a sharpness measure, the ELBO and importance-weighted bound where they exist,
training time), the real held-out digits as the ceiling.

Each run is trained as `python -m gan_core train --preset P --iterations N --g-width W --d-width W`
would (in this process, one after another, one torch thread each via --jobs processes).

Usage: python bench/gan_vs_vae.py [--iterations 6000] [--widths 64,32] [--jobs 2]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PRESETS = {"GAN": "digits-dcgan", "VAE": "digits-vae", "AE": "digits-ae"}


def train_and_score(task: tuple[str, int, int]) -> dict:
    import torch

    torch.set_num_threads(1)
    from gan_core.evaluation.gan_vs_vae import score_member
    from gan_core.evaluation.images import laplacian_variance
    from gan_core.presets import get_preset
    from gan_core.training import Trainer

    model, width, iterations = task
    config = get_preset(PRESETS[model]).replace(
        model=dict(g_width=width, d_width=width), train=dict(iterations=iterations, device="cpu")
    )
    trainer = Trainer(config)
    started = time.perf_counter()
    trainer.train(iterations)
    row = score_member(model, trainer, time.perf_counter() - started)  # the GAN-vs-VAE page's scores
    row["real_sharpness"] = laplacian_variance(trainer.data.held_out_images.numpy())
    return row


def number(value, fmt: str) -> str:
    return "—" if value is None else fmt.format(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--iterations", type=int, default=6000)
    parser.add_argument("--widths", default="64,32")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--json", help="also write the rows to this file")
    args = parser.parse_args()
    tasks = [(model, int(width), args.iterations) for width in args.widths.split(",") for model in PRESETS]
    with ProcessPoolExecutor(args.jobs) as pool:
        rows = list(pool.map(train_and_score, tasks))
    ceiling = rows[0]["ceiling"]
    print(f"digits 8x8, {args.iterations:,} iterations each, the digits-dcgan generator as generator / decoder")
    header = (
        "| model | width | IS | FID | precision | recall | density | coverage | sharpness | max class "
        "| ELBO | IW bound (k=128) | time |"
    )
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    print(
        f"| real held-out | | {ceiling['inception_score']:.2f} | {ceiling['fid']:.3f} | {ceiling['precision']:.2f} | "
        f"{ceiling['recall']:.2f} | {ceiling['density']:.2f} | {ceiling['coverage']:.2f} | "
        f"{rows[0]['real_sharpness']:.3f} | | | | |"
    )
    for r in rows:
        print(
            f"| {r['model']} | {r['width']} | {r['inception_score']:.2f} | {r['fid']:.3f} | {r['precision']:.2f} | "
            f"{r['recall']:.2f} | {r['density']:.2f} | {r['coverage']:.2f} | {r['sharpness']:.3f} | "
            f"{r['max_class_share']:.0%} ({r['classes']}/10) | {number(r['elbo'], '{:.2f}')} | "
            f"{number(r['iw_bound'], '{:.2f}')} | {r['seconds']:.0f} s |"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1, default=str))


if __name__ == "__main__":
    main()
