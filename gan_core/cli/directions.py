"""`python -m gan_core directions`: a generator's latent directions, written as unit vectors in z
and scored against the faces' factors (issue 25).

    python -m gan_core directions --checkpoint checkpoints/faces-dcgan.pt --method supervised \\
        --keep-others-fixed --out directions.npy --json scores.json

Prints, per direction, what it mainly moves (its share of the change, the Spearman of that
factor's curve) and every factor's change; per set, the disentanglement score
(gan_core/evaluation/direction_factors.py, docs/latent_directions.md).
"""

from __future__ import annotations

import json
import sys
import time

from .flags import CLIError, check_output

METHODS = {"raw": "axes", "ganspace": "ganspace", "sefa": "sefa", "supervised": "factors"}


def add_directions_parser(commands) -> None:
    parser = commands.add_parser(
        "directions", help="write a generator's latent directions and score them against the faces' factors"
    )
    parser.add_argument("--checkpoint", required=True, help="a GAN (or a VAE's decoder) trained on the faces")
    parser.add_argument("--method", choices=sorted(METHODS), default="supervised")
    parser.add_argument("--factor", default=None, help="supervised: only this factor's direction(s), e.g. hair_length")
    parser.add_argument(
        "--keep-others-fixed",
        action="store_true",
        help="supervised: project the other factors' directions out of each (InterFaceGAN's conditional edit)",
    )
    parser.add_argument(
        "--count",
        type=int,
        default=None,
        help="directions kept and scored (default: every supervised one; the first 16 of the other sets)",
    )
    parser.add_argument("--codes", type=int, default=64, help="codes walked per direction (default 64)")
    parser.add_argument("--seed", type=int, default=0, help="the codes the directions are fitted on")
    parser.add_argument(
        "--fit-codes",
        type=int,
        default=None,
        help="supervised: codes the directions are fitted on (default 1,000, as the explorer; more fit the "
        "others' directions more exactly and keep them fixed better, 16,000 take about 7 s)",
    )
    parser.add_argument("--out", default=None, help="a .npy file: (K, noise_dim) unit directions in z")
    parser.add_argument("--json", default=None, help="a .json file: the per-direction and per-set scores")
    parser.set_defaults(handler=command_directions)


def command_directions(args) -> int:
    import numpy as np

    from ..data.faces import FACTOR_NAMES
    from ..evaluation import direction_factors as scores
    from ..sampling import directions
    from ..training import checkpoint
    from ..views import latent

    check_output("--out", args.out, ".npy")
    check_output("--json", args.json, ".json")
    if args.count is not None and not 1 <= args.count <= 512:
        raise CLIError(f"--count must be between 1 and 512, got {args.count}")
    if not 4 <= args.codes <= 4096:
        raise CLIError(f"--codes must be between 4 and 4096, got {args.codes}")
    if (args.factor or args.keep_others_fixed or args.fit_codes) and args.method != "supervised":
        raise CLIError("--factor, --keep-others-fixed and --fit-codes are for --method supervised")
    if args.fit_codes is not None and not 100 <= args.fit_codes <= 50_000:
        raise CLIError(f"--fit-codes must be between 100 and 50,000, got {args.fit_codes}")
    if args.factor and args.factor not in FACTOR_NAMES:
        raise CLIError(f"unknown --factor {args.factor!r}; the faces' factors: {', '.join(FACTOR_NAMES)}")
    saved, _ = checkpoint.read(args.checkpoint)  # its settings first: no data loaded for a refusal
    if saved.data.name != "faces":
        raise CLIError(
            f"{args.checkpoint} was trained on {saved.data.name}; directions are scored against the "
            "faces' factors, so the checkpoint must be a faces run"
        )
    model = latent.load_latent_model(args.checkpoint, args.checkpoint)
    if not model.reads_factors:
        raise CLIError(f"the face reader cannot be used: {model.classifier_note}")
    if model.generator.conditional:
        raise CLIError("a conditional generator takes its class from the label: use an unconditional one")
    kind = METHODS[args.method]
    if kind == "factors" and args.keep_others_fixed:
        kind = "factors_fixed"
    fit_codes = args.fit_codes or directions.FACTOR_SAMPLES
    started = time.perf_counter()
    try:
        basis = latent.compute_basis(model, kind, seed=args.seed, fit_codes=fit_codes)
    except ValueError as error:  # e.g. too small a code to keep 21 directions' others fixed
        raise CLIError(str(error)) from None
    fitted = time.perf_counter() - started
    keep = list(range(len(basis)))
    if args.factor:
        owners = basis.extra["owners"]
        keep = [i for i in keep if FACTOR_NAMES[owners[i]] == args.factor]
        if not keep:
            raise CLIError(f"the generator never draws a level of {args.factor} often enough to fit a direction")
    keep = keep[: args.count or directions.scored_count(basis)]
    vectors, names = basis.vectors[keep], tuple(basis.names[i] for i in keep)
    try:
        effects = latent.factor_effects(model, vectors, names, n=args.codes)
    except ValueError as error:  # a walk too long to draw
        raise CLIError(f"{error}: lower --codes or --count") from None
    summary = scores.disentanglement(effects) if len(keep) > 1 else None
    print(
        f"{len(keep)} {basis.kind} directions of {args.checkpoint} (computed in {fitted:.2f} s; read along "
        f"{scores.WALK_STEPS[0]:+g}..{scores.WALK_STEPS[-1]:+g} std on {args.codes} codes in {effects.seconds:.2f} s)"
    )
    for k, row in enumerate(scores.factor_table(effects)):
        rho = "" if np.isnan(row["Spearman"]) else f", Spearman {row['Spearman']:+.2f}"
        changes = ", ".join(f"{scores.factor_label(f)} {effects.change[k, i]:.2f}" for i, f in enumerate(FACTOR_NAMES))
        print(f"  {names[k]:24s} {effects.describe(k)}{rho}\n      change: {changes}")
    if summary is None:
        print("disentanglement: n/a (one direction; the score compares two or more)")
    else:
        print(
            f"disentanglement: mean gap {summary.score:.3f} (continuous factors {summary.continuous_score:.3f}), "
            f"mean best share {summary.mean_best_share:.3f}"
        )
        for row in summary.rows():
            best = row["best direction"]
            print(f"  {row['factor']:12s} best {best:24s} share {row['best share']:.2f}  gap {row['gap']:.2f}")
    if args.out:
        np.save(args.out, vectors.astype(np.float32))
        print(f"wrote {len(vectors)} unit directions ({model.generator.noise_dim}-d) to {args.out}", file=sys.stderr)
    if args.json:
        document = {
            "checkpoint": str(args.checkpoint),
            "method": args.method,
            "kind": basis.kind,
            "keep_others_fixed": bool(args.keep_others_fixed),
            "fit_codes": fit_codes if kind in directions.FACTOR_KINDS else None,
            "codes": args.codes,
            "steps": list(scores.WALK_STEPS),
            "seconds": {"directions": fitted, "readings": effects.seconds},
            "score_label": basis.score_label,
            "directions": [
                dict(
                    row,
                    score=float(basis.scores[keep[k]]),
                    score_text=basis.score_text(keep[k]),
                    shares={scores.factor_label(f): s for f, s in zip(FACTOR_NAMES, effects.shares[k].tolist())},
                )
                for k, row in enumerate(scores.factor_table(effects))
            ],
            "disentanglement": None
            if summary is None
            else {
                "score": summary.score,
                "continuous_score": summary.continuous_score,
                "mean_best_share": summary.mean_best_share,
                "factors": summary.rows(),
            },
        }
        with open(args.json, "w") as handle:
            json.dump(_finite(document), handle, indent=1, allow_nan=False)
        print(f"wrote the scores to {args.json}", file=sys.stderr)
    return 0


def _finite(value):
    """The document with NaN (a discrete factor's Spearman) as null: strict JSON."""
    import math

    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
