"""The Applications page's presets, trained headless to their end and scored as the page scores
them, printed as Markdown: iterations, each member's CPU time, and the issue's figures.

Usage: python bench/applications_presets.py [words sketch hair] [--iterations N] [--threads T] [--save]
(--save writes the members to checkpoints/applications/<application>/, where the page loads them;
`python bench/applications_presets.py words --save` reproduces the shipped words model)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def print_table(rows: list[dict]) -> None:
    header = list(rows[0])
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(str(row[column]) for column in header) + " |")
    print()


def report(run) -> None:
    from gan_core.data.faces import FACTOR_BY_NAME
    from gan_core.evaluation import applications as scores

    application = run.config.application
    if application == "words":
        (trainer,) = run.trainers.values()
        rows = []
        for phrase in scores.REPORT_PHRASES:
            result = scores.evaluate_phrase(trainer, phrase, scores.WORDS_SAMPLES)
            spread = result["spread_tv"]
            worst = max(spread, key=spread.get)
            rows.append(
                {
                    "phrase": phrase,
                    "share with each attribute": ", ".join(
                        f"{a['word']} {100 * a['share']:.0f}%" for a in result["attributes"]
                    ),
                    "lowest": f"{100 * result['lowest_share']:.0f}%",
                    "worst unrequested TV": f"{FACTOR_BY_NAME[worst].label} {spread[worst]:.3f}",
                    "mean unrequested TV": f"{sum(spread.values()) / len(spread):.3f}",
                    "drawn faces' worst TV (ceiling)": f"{result['drawn']['worst_spread_tv']:.3f}",
                }
            )
        print_table(rows)
        free = scores.evaluate_unprompted(trainer)
        print(
            f"An empty phrase (every factor drawn from its distribution), 2,000 faces scored as the image lab "
            f"scores faces-dcgan: FID {free['fid']:.2f} ({free['fid_ratio']:.1f}x the held-out ceiling), "
            f"precision {free['precision']:.2f}, recall {free['recall']:.2f}, worst factor TV "
            f"{FACTOR_BY_NAME[free['worst_factor']].label} {free['worst_factor_tv']:.3f}\n"
        )
    elif application == "sketch":
        print_table(
            [
                {
                    "model": r["model"],
                    "pixel L1": f"{r['l1']:.4f}",
                    "sharpness": f"{r['sharpness']:.4f}",
                    "factor error (continuous)": f"{r['continuous_error']:.4f}",
                    "factor error (discrete)": f"{100 * r['discrete_error']:.1f}%",
                }
                for r in scores.evaluate_sketch(run)
            ]
        )
    else:
        rows = []
        for r in scores.evaluate_hair(run):
            for direction, label in (("forward", "dark → blue"), ("backward", "blue → dark")):
                d = r[direction]
                rows.append(
                    {"model": r["model"], "direction": label, "hair changed": f"{100 * d['changed']:.1f}%",
                     "other factors moved (mean)": f"{d['mean_other_change']:.3f}",
                     "largest": max(d["others"], key=d["others"].get),
                     "round trip L1": f"{r['round_trip_l1']:.3f}"}
                )  # fmt: skip
        print_table(rows)


def main() -> None:
    import torch

    from gan_core.training.applications import APPLICATIONS, Applications, preset, save_shipped

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("applications", nargs="*", help=f"from: {', '.join(APPLICATIONS)}")
    parser.add_argument("--iterations", type=int, help="instead of the preset's")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--save", action="store_true", help="write the trained members where the page loads them")
    parser.add_argument("--shipped", action="store_true", help="score the shipped members instead of training")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    for name in args.applications or list(APPLICATIONS):
        config = preset(name, shipped=args.shipped)
        if args.iterations:
            config = config.replace(iterations=args.iterations)
        run = Applications(config, device="cpu")
        if not args.shipped:
            run.train(config.iterations)
        if args.save:
            print(f"saved the members in {save_shipped(run)}")
        seconds = ", ".join(f"{member} {s:.0f} s" for member, s in run.seconds.items())
        threads = "as shipped" if args.shipped else f"{args.threads} thread{'s' if args.threads > 1 else ''}"
        title = APPLICATIONS[name].title
        print(f"\n### {title}: {run.iteration:,} iterations; CPU time per model: {seconds} ({threads})\n")
        report(run)
        sys.stdout.flush()


if __name__ == "__main__":
    main()
