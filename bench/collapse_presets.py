"""Mode collapse on demand, measured: the Compare preset "collapse-and-cures" (the ring-collapse
preset and each cure, trained in lockstep as Compare mode trains them) over seeds and thread
counts. Printed per seed and thread count: the modes each variant covers at every scoring, where
the collapse alarm fired on the collapsing run, and a summary per variant (docs/presets.md).

Usage: python bench/collapse_presets.py [--seeds 0,1,2,3,4] [--threads 1,2] [--iterations 3000]
       [--json out.json]
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
from gan_core.evaluation.collapse import collapse_warning  # noqa: E402
from gan_core.training.compare import COMPARE_PRESETS, CompareConfig  # noqa: E402
from gan_core.training.compare_trainer import CompareTrainer  # noqa: E402

SCORE_EVERY = 500  # as the 2D lab scores


def measure(seed: int, threads: int, iterations: int) -> dict:
    """Modes covered per variant at every scoring, and the alarm's first iteration per variant."""
    torch.set_num_threads(threads)
    preset = COMPARE_PRESETS["collapse-and-cures"]
    base = preset.config().base
    config = CompareConfig.from_vary(base.replace(train=dict(seed=seed, device="cpu")), preset.vary)
    runs = CompareTrainer(config.configs())
    covered = {name: [] for name in runs.names}
    alarm = {name: None for name in runs.names}
    started = time.perf_counter()
    for _ in range(iterations // SCORE_EVERY):
        runs.train(SCORE_EVERY)
        runs.flush()
        for name in runs.names:
            metrics = evaluate_run(runs.trainer(name, with_history=False))
            latest = dict(metrics, iteration=runs.iteration)
            if alarm[name] is None and collapse_warning({"modes_covered": covered[name]}, latest):
                alarm[name] = runs.iteration
            covered[name].append(int(metrics["modes_covered"]))
    return {
        "seed": seed,
        "threads": threads,
        "seconds": round(time.perf_counter() - started, 1),
        "covered": covered,
        "alarm": alarm,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0,1,2,3,4")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--iterations", type=int, default=3000)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    results = []
    for threads in (int(t) for t in args.threads.split(",")):
        for seed in (int(s) for s in args.seeds.split(",")):
            result = measure(seed, threads, args.iterations)
            results.append(result)
            cells = "  ".join(
                f"{name}: {'/'.join(map(str, result['covered'][name]))}"
                + (f" (alarm at {result['alarm'][name]:,})" if result["alarm"][name] else "")
                for name in result["covered"]
            )
            print(f"seed {seed} threads {threads} ({result['seconds']} s)  {cells}", flush=True)
    names = list(results[0]["covered"])
    print(f"\nmodes covered of 8 at iteration {args.iterations:,}, per seed (threads {args.threads}):")
    for name in names:
        finals = [r["covered"][name][-1] for r in results]
        fired = sum(r["alarm"][name] is not None for r in results)
        seen = " ".join(map(str, finals))
        print(f"  {name:<20} {seen}   min {min(finals)} max {max(finals)}  alarm {fired}/{len(results)}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
