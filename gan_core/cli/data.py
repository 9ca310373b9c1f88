"""`python -m gan_core data faces`: write a batch of the procedural faces with their factors, so
anyone can check our scores with their own tools.

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
