"""The faces presets, measured (issue 24): train a preset and score it every `--every` iterations on
2,000 generated faces with the face reader: FID (and its ratio to the held-out ceiling),
precision / recall, density / coverage, and the factor coverage (TV per factor; the worst is the
one the target is on), with what the faces lack in words. Saves the fixed-noise grid at each
scoring (PNG) when --grids is given, so the stages can be looked at. docs/presets.md lists the
figures.

Usage: python bench/faces_presets.py --preset faces-dcgan [--seeds 0] [--threads 2]
       [--iterations N] [--every 1000] [--grids DIR] [--json out.json] [--set g_lr=5e-4 ...]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402

from gan_core.evaluation import evaluate_run  # noqa: E402
from gan_core.plots.latent import tiles  # noqa: E402
from gan_core.presets import get_preset  # noqa: E402
from gan_core.training import Trainer  # noqa: E402
from gan_core.views.images import take_image_snapshot  # noqa: E402


def parse_setting(text: str) -> tuple[str, str, object]:
    """ "train.g_lr=5e-4" or "g_lr=5e-4" -> (section, field, value)."""
    name, _, raw = text.partition("=")
    section, _, field = name.rpartition(".")
    value = json.loads(raw) if raw[:1] in "[{" or raw in ("true", "false") else raw
    for kind in (int, float):
        try:
            value = kind(raw)
            break
        except ValueError:
            pass
    return section or "train", field, value


def configure(preset: str, seed: int, settings: list[str]):
    config = get_preset(preset)
    changes: dict[str, dict] = {"train": {"seed": seed, "device": "cpu"}}
    for text in settings:
        section, field, value = parse_setting(text)
        changes.setdefault(section, {})[field] = value
    return config.replace(**changes)


def measure(preset: str, seed: int, threads: int, iterations: int, every: int, grids: Path | None, settings) -> dict:
    torch.set_num_threads(threads)
    trainer = Trainer(configure(preset, seed, settings))
    rows, train_seconds = [], 0.0
    while trainer.iteration < iterations:
        started = time.perf_counter()
        trainer.train(min(every, iterations - trainer.iteration))
        train_seconds += time.perf_counter() - started
        metrics = evaluate_run(trainer)
        generated = metrics["generated"]
        row = {
            "iteration": trainer.iteration,
            "it_per_s": round(trainer.iteration / train_seconds, 1),
            "fid": round(generated["fid"], 3),
            "fid_ratio": round(metrics["ratios"]["fid_vs_real"], 2),
            "precision": round(generated["precision"], 3),
            "recall": round(generated["recall"], 3),
            "density": round(generated["density"], 3),
            "coverage": round(generated["coverage"], 3),
            "worst_tv": round(generated["worst_factor_tv"], 3),
            "tv": {name: round(tv, 3) for name, tv in generated["factor_tv"].items()},
            "dropped": generated["dropped_text"],
        }
        rows.append(row)
        print(json.dumps(row), flush=True)
        if grids is not None:
            grids.mkdir(parents=True, exist_ok=True)
            snapshot = take_image_snapshot(trainer)
            picture = tiles(snapshot.fake[:32], columns=8, tile=64, title=f"{preset} seed {seed}, {trainer.iteration}")
            picture.save(grids / f"{preset}-s{seed}-{trainer.iteration:06d}.png")
    return {"preset": preset, "seed": seed, "threads": threads, "settings": settings, "rows": rows}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="faces-dcgan")
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--iterations", type=int, default=None, help="default: the preset's")
    parser.add_argument("--every", type=int, default=1000)
    parser.add_argument("--grids", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--set", action="append", default=[], help="a setting to change, e.g. g_lr=5e-4")
    args = parser.parse_args()
    iterations = args.iterations or get_preset(args.preset).train.iterations
    results = [
        measure(args.preset, int(seed), args.threads, iterations, args.every, args.grids, args.set)
        for seed in args.seeds.split(",")
    ]
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
