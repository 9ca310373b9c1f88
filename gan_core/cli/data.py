"""`python -m gan_core data faces`: write a batch of the procedural faces with their factors, so
anyone can check our scores with their own tools; `train-reader`: train the faces' factor reader.

    python -m gan_core data faces --n 10000 --seed 0 --out faces.npz [--size 64]

The .npz holds `images` (N, 3, H, W) float32 in [-1, 1], `factors` (N, F) float32 (discrete
factors as their index, continuous ones in their documented units) and `factor_names` (F,).
"""

from __future__ import annotations

import sys
import time

from .flags import CLIError, check_output


def add_data_parser(commands) -> None:
    data = commands.add_parser("data", help="write a generated data set with its known factors (faces)")
    kinds = data.add_subparsers(dest="data_set", required=True)
    faces = kinds.add_parser("faces", help="cartoon faces drawn from known factors (gan_core/data/faces.py)")
    faces.add_argument("--n", type=int, default=10_000, help="how many faces")
    faces.add_argument("--seed", type=int, default=0)
    faces.add_argument("--size", type=int, default=32, help="32 or 64 pixels")
    faces.add_argument("--out", required=True, help="an .npz file")
    faces.set_defaults(handler=command_data_faces)
    reader = commands.add_parser(
        "train-reader", help="train the faces' factor reader and print its held-out scores per factor"
    )
    reader.add_argument("--steps", type=int, default=3_000, help="batches of 128 fresh faces")
    reader.add_argument("--seed", type=int, default=0)
    reader.add_argument("--out", default=None, help="default checkpoints/faces_reader.pt")
    reader.set_defaults(handler=command_train_reader)


def command_data_faces(args) -> int:
    import numpy as np

    from ..data.faces import FACTOR_NAMES, FacesError, factor_table, make_faces

    check_output("--out", args.out, ".npz")
    started = time.perf_counter()
    try:
        images, factors = make_faces(args.n, seed=args.seed, size=args.size)
    except FacesError as error:
        raise CLIError(str(error)) from None
    np.savez(args.out, images=images.numpy(), factors=factors.numpy(), factor_names=np.array(FACTOR_NAMES))
    seconds = time.perf_counter() - started
    print(f"{args.n:,} faces of {args.size}x{args.size} in {seconds:.2f} s -> {args.out}", file=sys.stderr)
    for row in factor_table():
        print(f"{row['name']:<12} {row['kind']:<10} {row['range']:<11} {row['meaning']}")
    return 0


def command_train_reader(args) -> int:
    from ..data.faces import FACTORS
    from ..training.face_reader import HELD_OUT_COUNT, train_and_save

    if not 1 <= args.steps <= 1_000_000:
        raise CLIError(f"--steps must be between 1 and 1,000,000, got {args.steps}")
    check_output("--out", args.out, ".pt")
    started = time.perf_counter()
    scores, path = train_and_save(
        steps=args.steps, seed=args.seed, out=args.out, log=lambda line: print(line, file=sys.stderr)
    )
    print(f"trained in {time.perf_counter() - started:.0f} s -> {path}", file=sys.stderr)
    print(f"held-out scores on {HELD_OUT_COUNT:,} faces (R² for continuous factors, accuracy for discrete):")
    for factor in FACTORS:
        print(f"{factor.name:<12} {'accuracy' if factor.levels else 'R²':<8} {scores[factor.name]:.4f}")
    return 0
