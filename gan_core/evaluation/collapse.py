"""The mode-collapse alarm: plain words about what the mode metrics show, and what to try.

Two signs, for Gaussian mixtures only (other data has no modes to count):
- the covered modes fell: the latest count is well below the best this run has reached;
- most generated samples sit in a few modes: the busiest quarter of the modes holds most of the
  high-quality samples while other modes go empty. Early in a run every generator looks like
  that, so this sign waits until `settle` iterations.
"""

from __future__ import annotations

import math

SUGGESTIONS = (
    "try another loss (wgan_gp or lsgan often hold more modes), a lower generator learning rate "
    "(half of it), or more discriminator steps k per iteration (2 to 5)"
)


def collapse_warning(metric_history: dict, latest: dict, settle: int = 2000, concentration: float = 0.8) -> str | None:
    """A warning sentence, or None when the modes look healthy (or cannot be counted).

    metric_history: BoundedHistory.columns() of the metric rows; latest: the newest metrics with
    "mode_counts" and "iteration"."""
    n_modes = latest.get("n_modes")
    covered = latest.get("modes_covered")
    if not n_modes or covered is None or n_modes < 2:
        return None
    iteration = int(latest.get("iteration", 0))
    history = [c for c in metric_history.get("modes_covered", []) if c is not None]
    best = max(history + [covered])
    drop = best - covered
    if drop >= max(2, math.ceil(0.25 * best)):
        return (
            f"Mode collapse: the generator covered {int(best)} of {n_modes} modes earlier in this run "
            f"and now covers only {int(covered)}. It is dropping modes; {SUGGESTIONS}."
        )
    counts = sorted(latest.get("mode_counts") or [], reverse=True)
    total = sum(counts)
    if iteration >= settle and total > 0 and covered < n_modes:
        busiest = max(1, math.ceil(n_modes / 4))
        share = sum(counts[:busiest]) / total
        if share >= concentration:
            return (
                f"Mode collapse: {share:.0%} of the good generated samples sit in just {busiest} of "
                f"{n_modes} modes, and {n_modes - int(covered)} modes get none. {SUGGESTIONS[0].upper()}"
                f"{SUGGESTIONS[1:]}."
            )
    return None
