"""The mode-collapse alarm: plain words about what the mode metrics show, and what to try.

Two signs, for Gaussian mixtures only (other data has no modes to count):
- the covered modes fell: the latest count is well below the best this run has reached;
- most generated samples sit in a few modes: the busiest quarter of the modes holds most of the
  high-quality samples while other modes go empty, or most of all the samples are piled up by a
  quarter of the modes (a collapsed generator's pile often sits beside a mode, not on it). Early in
  a run every generator looks like that, so this sign waits until `settle` iterations.
"""

from __future__ import annotations

import math

SUGGESTIONS = (
    "try a discriminator that judges samples in packs (PacGAN: pack 2 or 4; the Compare preset "
    "collapse-and-cures shows it), another loss (wgan_gp or lsgan often hold more modes), a lower generator "
    "learning rate (half of it), or more discriminator steps k per iteration (2 to 5)"
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
    if iteration < settle or covered >= n_modes:
        return None
    busiest = max(1, math.ceil(n_modes / 4))
    share = piled_share(latest.get("mode_counts"), busiest)
    if share >= concentration:
        return (
            f"Mode collapse: {share:.0%} of the good generated samples sit in just {busiest} of "
            f"{n_modes} modes, and {n_modes - int(covered)} modes get none. {SUGGESTIONS[0].upper()}"
            f"{SUGGESTIONS[1:]}."
        )
    share = piled_share(latest.get("nearest_counts"), busiest)
    if share >= concentration:
        return (
            f"Mode collapse: {share:.0%} of the generated samples are piled up by just {busiest} of {n_modes} "
            f"modes. {SUGGESTIONS[0].upper()}{SUGGESTIONS[1:]}."
        )
    return None


def piled_share(counts, busiest: int) -> float:
    """The share of the samples counted in the `busiest` fullest modes (0 with none counted)."""
    counts = sorted(counts or [], reverse=True)
    total = sum(counts)
    return sum(counts[:busiest]) / total if total else 0.0
