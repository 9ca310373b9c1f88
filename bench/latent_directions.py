"""Latent directions against the faces' factors (issue 25), the tables docs/latent_directions.md
reports, printed as Markdown:

1. the issue's targets on the shipped faces generator: for each continuous factor, its supervised
   direction (plain, and with the other factors kept fixed): the Spearman of the factor along
   -3..+3 std and the share of the direction's total factor change that the factor carries
   (targets 0.95 and 70%);
2. per factor, for each set of directions of that generator (raw axes, GANSpace, SeFa: the first
   16; supervised, plain and kept fixed: all), the best direction, its share and the gap;
3. the disentanglement score of each set beside the code axes of GAN vs VAE's faces models (GAN,
   VAE and beta-VAE: one decoder, a 16-d code), every one walked on the same codes;
4. how surely the reader reads each discrete factor of the generator's faces against real ones:
   the share of faces whose most likely level has a probability under UNSURE (such a face's
   reading tips with a small move, and each tip counts as change in the shares above).

Usage: python bench/latent_directions.py [--codes 64] [--threads 2] [--fit-codes 1000]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from gan_core.data.faces import FACTORS, HELD_OUT_SEED, make_faces  # noqa: E402
from gan_core.evaluation import direction_factors as scores  # noqa: E402
from gan_core.networks.face_reader import DISCRETE, shipped_reader  # noqa: E402
from gan_core.sampling import directions  # noqa: E402
from gan_core.training.shipped import shipped_run  # noqa: E402
from gan_core.views import latent  # noqa: E402

SETS = ("axes", "ganspace", "sefa", "factors", "factors_fixed")
CODE_MODELS = {"GAN": "faces-gvv-gan", "VAE": "faces-gvv-vae", "β-VAE (β 4)": "faces-gvv-beta-vae"}
UNSURE = 0.9  # a discrete reading whose most likely level is below this probability
UNSURE_FACES = 2000


@torch.no_grad()
def unsure_shares(images: torch.Tensor) -> list[float]:
    """Per discrete factor, the share of `images` whose reading's top probability is under UNSURE."""
    reader, _ = shipped_reader()
    _, logits = reader(images)
    return [float((torch.softmax(head, 1).max(1).values < UNSURE).float().mean()) for head in logits]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--codes", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--fit-codes", type=int, default=directions.FACTOR_SAMPLES,
        help="codes the supervised directions are fitted on (the explorer's: 1,000)",
    )  # fmt: skip
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    model = latent.load_latent_model(shipped_run("faces-dcgan").path, "faces-dcgan")
    bases, effects, seconds = {}, {}, {}
    for kind in SETS:
        started = time.perf_counter()
        basis = bases[kind] = latent.compute_basis(model, kind, fit_codes=args.fit_codes)
        count = directions.scored_count(basis)
        effects[kind] = latent.factor_effects(model, basis.vectors[:count], basis.names[:count], n=args.codes)
        seconds[kind] = (basis.seconds, time.perf_counter() - started - basis.seconds)

    print(
        f"## 1. Supervised directions of faces-dcgan ({args.codes} codes, -3..+3 std; "
        f"fitted on {args.fit_codes:,} codes)\n"
    )
    print(
        f"| factor | Spearman (target {scores.SPEARMAN_TARGET}) | share (plain) | share (others kept fixed; "
        f"target {scores.SHARE_TARGET:.0%}) | main other factor (kept fixed) |"
    )
    print("|---|---|---|---|---|")
    for f, factor in enumerate(FACTORS):
        if factor.levels:
            continue
        cells = []
        for kind in ("factors", "factors_fixed"):
            k = [i for i, owner in enumerate(bases[kind].extra["owners"]) if owner == f][0]
            cells.append((effects[kind].spearman[k, f], effects[kind].shares[k, f], k))
        k = cells[1][2]
        shares = effects["factors_fixed"].shares[k].copy()
        shares[f] = -1
        other = int(np.argmax(shares))
        print(
            f"| {factor.label} | {cells[1][0]:+.2f} | {cells[0][1]:.0%} | {cells[1][1]:.0%} | "
            f"{FACTORS[other].label} {shares[other]:.0%} |"
        )

    print("\n## 2. Per factor, each set's best direction (share of the factor's change, gap to the second)\n")
    print("| factor | " + " | ".join(directions.BASIS_KINDS[kind] for kind in SETS) + " |")
    print("|---|" + "---|" * len(SETS))
    summaries = {kind: scores.disentanglement(effects[kind]) for kind in SETS}
    for f, factor in enumerate(FACTORS):
        cells = [
            f"{summaries[kind].best_direction[f]} · {summaries[kind].best_share[f]:.2f} · {summaries[kind].gap[f]:.2f}"
            for kind in SETS
        ]
        print(f"| {factor.label} | " + " | ".join(cells) + " |")

    print("\n## 3. Disentanglement (mean gap over the 10 factors; continuous factors only; mean best share)\n")
    print("| model | directions | count | score | continuous | mean best share | directions s | readings s |")
    print("|---|---|---|---|---|---|---|---|")
    for kind in SETS:
        summary = summaries[kind]
        print(
            f"| faces-dcgan (64-d) | {directions.BASIS_KINDS[kind]} | {len(effects[kind].direction_names)} | "
            f"{summary.score:.3f} | {summary.continuous_score:.3f} | {summary.mean_best_share:.3f} | "
            f"{seconds[kind][0]:.2f} | {seconds[kind][1]:.2f} |"
        )
    for name, preset in CODE_MODELS.items():
        coded = latent.load_latent_model(shipped_run(preset).path, name)
        d = coded.generator.noise_dim
        started = time.perf_counter()
        summary = scores.disentanglement(
            latent.factor_effects(coded, np.eye(d), [f"z[{i}]" for i in range(d)], n=args.codes)
        )
        print(
            f"| GAN vs VAE's {name} (16-d) | code axes | {d} | {summary.score:.3f} | {summary.continuous_score:.3f} "
            f"| {summary.mean_best_share:.3f} | 0 | {time.perf_counter() - started:.2f} |"
        )

    print(f"\n## 4. Faces whose discrete factors the reader is unsure of (top level's probability < {UNSURE})\n")
    print("| faces | " + " | ".join(factor.label for factor in DISCRETE) + " |")
    print("|---|" + "---|" * len(DISCRETE))
    generated = model.generator.generate(model.generator.codes(scores.WALK_SEED, UNSURE_FACES))
    real = make_faces(UNSURE_FACES, HELD_OUT_SEED)[0]
    for name, images in ((f"faces-dcgan, {UNSURE_FACES:,} generated", generated), ("held-out real", real)):
        print(f"| {name} | " + " | ".join(f"{share:.0%}" for share in unsure_shares(images)) + " |")


if __name__ == "__main__":
    main()
