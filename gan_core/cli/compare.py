"""`python -m gan_core compare`: train up to 8 variants in lockstep and print a table of their
final metrics, one row per variant.

    python -m gan_core compare --preset ring --vary loss=nsgan,minimax,wgan_gp --iterations 5000
    python -m gan_core compare --presets ring,grid --iterations 2000
    python -m gan_core compare --preset collapse-and-cures --iterations 3000   (a Compare preset)

The variants share the real batches and noise draws wherever their settings allow
(gan_core.training.compare_trainer); `--json` writes the table as JSON too.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from .flags import CLIError, add_config_flags, check_output, config_from_args, given_settings

COLUMNS = (  # (metric key, heading, format)
    ("modes_covered", "modes", "{:.0f}"),
    ("high_quality", "HQ share", "{:.1%}"),
    ("kl", "KL", "{:.3f}"),
    ("js", "JS", "{:.3f}"),
    ("wasserstein1", "W1", "{:.3f}"),
    ("d_loss", "D loss", "{:.4g}"),
    ("g_loss", "G loss", "{:.4g}"),
)


def add_compare_parser(commands) -> None:
    compare = commands.add_parser(
        "compare", help="train up to 8 variants of one setting (or presets) side by side; print their metrics"
    )
    add_config_flags(compare)
    compare.add_argument("--vary", help="SETTING=VALUE,VALUE,...: e.g. loss=nsgan,minimax,wgan_gp or km=1:1,5:1")
    compare.add_argument("--presets", help="PRESET,PRESET,...: compare presets instead (2D/1D ones)")
    compare.add_argument("--engine", choices=("auto", "stacked", "sequential"), default="auto", help=argparse.SUPPRESS)
    compare.add_argument("--json", dest="json_out", help="also write the table to this JSON file")
    compare.add_argument("--quiet", action="store_true", help="no progress line")
    compare.set_defaults(handler=command_compare)


def comparison_configs(args) -> dict:
    from ..training.compare import COMPARE_PRESETS, parse_vary, preset_configs, split_values, vary_configs

    comparison = COMPARE_PRESETS.get(args.preset)
    if comparison is not None:  # a Compare preset: its base preset and what it varies (a --vary replaces that)
        if args.presets:
            raise CLIError(f"--preset {args.preset} is a comparison of its own; it does not go with --presets")
        setting, values = parse_vary(args.vary or comparison.vary)
        return vary_configs(comparison.config().base.replace(**given_settings(args)), setting, values)
    if bool(args.vary) == bool(args.presets):
        raise CLIError("give either --vary SETTING=VALUES or --presets NAMES (or --preset with a Compare preset)")
    if args.presets:
        if args.preset:
            raise CLIError("--preset and --presets do not go together; --presets names every run")
        return preset_configs(split_values(args.presets), given_settings(args))
    base = config_from_args(args)
    setting, values = parse_vary(args.vary)
    return vary_configs(base, setting, values)


def command_compare(args) -> int:
    from ..config import check_kind
    from ..evaluation import evaluate_run
    from ..training.compare_trainer import CompareTrainer

    check_output("--json", args.json_out, ".json")
    configs = comparison_configs(args)
    for name, config in configs.items():
        check_kind(config, "toy", f"the variant {name}")
    iterations = max(config.train.iterations for config in configs.values())
    runs = CompareTrainer(configs, engine=args.engine)
    how = "stacked into one batched model" if runs.engine == "stacked" else f"one after another ({runs.why_sequential})"
    print(f"training {len(configs)} variants for {iterations} iterations on {runs.device}, {how}", file=sys.stderr)
    started = time.perf_counter()

    def progress(runs) -> None:
        if not args.quiet:
            rate = runs.iteration / max(time.perf_counter() - started, 1e-9)
            print(f"\r{runs.iteration}/{iterations} iterations  {rate:,.0f} it/s", end="", file=sys.stderr)

    runs.train(iterations, callback=progress, callback_every=100)
    seconds = time.perf_counter() - started
    if not args.quiet:
        print(file=sys.stderr)
    rows = []
    for name in runs.names:
        trainer = runs.trainer(name)
        row = {"variant": name, "iterations": trainer.iteration, **trainer.last_losses}
        if trainer.diverged:
            row["diverged"] = trainer.diverged
        metrics = evaluate_run(trainer)
        row.update({key: value for key, value in metrics.items() if key != "mode_counts"})
        rows.append(row)
    print(format_table(rows))
    print(f"{len(configs)} x {runs.iteration} iterations in {seconds:.1f} s", file=sys.stderr)
    if args.json_out:
        with open(args.json_out, "w") as file:
            json.dump({"engine": runs.engine, "seconds": seconds, "variants": rows}, file, indent=2)
    return 0


def format_table(rows: list[dict]) -> str:
    """A plain-text table: one row per variant, the metrics as columns; a stopped variant's row
    says where it diverged."""
    columns = [(key, heading, fmt) for key, heading, fmt in COLUMNS if any(key in row for row in rows)]
    header = ["variant", "iterations"] + [heading for _, heading, _ in columns] + ["status"]
    body = []
    for row in rows:
        cells = [row["variant"], f"{row['iterations']:,}"]
        for key, _, fmt in columns:
            value = row.get(key)
            cells.append("-" if value is None or value != value else fmt.format(value))
        cells.append("diverged" if row.get("diverged") else "ok")
        body.append(cells)
    widths = [max(len(str(line[i])) for line in [header, *body]) for i in range(len(header))]
    lines = [
        "  ".join(str(cell).ljust(width) for cell, width in zip(line, widths)).rstrip() for line in [header, *body]
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    notes = [f"{row['variant']}: {row['diverged']}" for row in rows if row.get("diverged")]
    return "\n".join(lines + notes)
