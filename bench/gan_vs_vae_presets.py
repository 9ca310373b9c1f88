"""The GAN-vs-VAE page's comparisons, run headless to the end: every member trained its
iterations, then the page's table (the same scores, at the same seeds) and its plain-words
reading, printed as Markdown. What the page shows at the end of a comparison is what this prints.

Usage: python bench/gan_vs_vae_presets.py ["digits, widths 64 and 256" ...] [--iterations N] [--save]
(no names: every preset of the page; --save writes the trained members to checkpoints/gan-vs-vae/,
where a setup with shipped=True loads them: `python bench/gan_vs_vae_presets.py faces --save`)
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    import torch

    from gan_core.evaluation.gan_vs_vae import evaluate_gan_vs_vae
    from gan_core.plots.gan_vs_vae import table_rows
    from gan_core.training.gan_vs_vae import GAN_VS_VAE_PRESETS, GanVsVae, save_shipped

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("presets", nargs="*", help=f"from: {', '.join(GAN_VS_VAE_PRESETS)}")
    parser.add_argument("--iterations", type=int, help="instead of the preset's")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--save", action="store_true", help="write the trained members where the page loads them")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    for name in args.presets or list(GAN_VS_VAE_PRESETS):
        description, config = GAN_VS_VAE_PRESETS[name]
        if args.iterations:
            config = config.replace(iterations=args.iterations)
        started = time.perf_counter()
        config = config.replace(shipped=False)  # trained here, from scratch
        comparison = GanVsVae(config, device="cpu")
        comparison.train(config.iterations)
        result = evaluate_gan_vs_vae(comparison)
        if args.save:
            print(f"saved the members in {save_shipped(comparison)}")
        print(f"\n### {name}: {config.iterations:,} iterations, {time.perf_counter() - started:.0f} s in all\n")
        print(description + "\n")
        rows = table_rows(result["table"], config.kind)
        header = list(rows[0])
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for row in rows:
            print("| " + " | ".join(row[column] for column in header) + " |")
        print()
        for sentence in result["reading"]:
            print(f"- {sentence}")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
