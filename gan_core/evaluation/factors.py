"""Factor coverage: what generated faces contain, in ground-truth terms (issue 24). Pure functions
of factor values as the face reader reads them.

Coverage of a factor is the total-variation distance between the histogram of its values over the
generated faces and over the held-out real faces: TV = 1/2 sum_b |p_b - q_b|, 0 when the
histograms match and 1 when they do not overlap. A discrete factor has one bin per level; a
continuous one COVERAGE_BINS equal bins over its documented range. The target is at most 0.1 for
every factor (on 2,000 generated faces against the 2,000 held-out ones).
"""

from __future__ import annotations

import numpy as np

from ..data.faces import FACTORS

COVERAGE_BINS = 10  # per continuous factor
COVERAGE_TARGET = 0.1  # issue 24: every factor's TV at most this at a preset's end
PRESENT_SHARE = 0.01  # a level of a discrete factor counts as present in at least 1% of the faces
ALARM_RISE = 0.15  # the page flags a factor whose TV rose this much above its best in the run


def factor_histogram(values: np.ndarray, factor) -> np.ndarray:
    """The share of values in each bin of `factor` (levels, or COVERAGE_BINS over its range)."""
    values = np.asarray(values, dtype=np.float64)
    if factor.levels:
        counts = np.bincount(np.clip(np.rint(values), 0, factor.levels - 1).astype(np.int64), minlength=factor.levels)
    else:
        edges = np.linspace(factor.low, factor.high, COVERAGE_BINS + 1)
        counts, _ = np.histogram(np.clip(values, factor.low, factor.high), bins=edges)
    return counts / max(len(values), 1)


def total_variation(p: np.ndarray, q: np.ndarray) -> float:
    return float(0.5 * np.abs(np.asarray(p) - np.asarray(q)).sum())


def factor_coverage(generated: np.ndarray, real: np.ndarray) -> dict[str, float]:
    """Per factor, the TV distance between the generated and the real histograms (columns in
    FACTORS order)."""
    return {
        factor.name: total_variation(factor_histogram(generated[:, i], factor), factor_histogram(real[:, i], factor))
        for i, factor in enumerate(FACTORS)
    }


def factor_histograms(values: np.ndarray) -> dict[str, list[float]]:
    return {factor.name: factor_histogram(values[:, i], factor).tolist() for i, factor in enumerate(FACTORS)}


def dropped_levels(generated: np.ndarray) -> dict[str, list[str]]:
    """Per discrete factor, the levels (by name) that fewer than PRESENT_SHARE of the faces have."""
    dropped = {}
    for i, factor in enumerate(FACTORS):
        if factor.levels:
            shares = factor_histogram(generated[:, i], factor)
            dropped[factor.name] = [factor.level_names[k] for k in range(factor.levels) if shares[k] < PRESENT_SHARE]
    return dropped


def describe_dropped(dropped: dict[str, list[str]]) -> str:
    """Mode dropping in ground-truth words: "no glasses; hair colours: 3 of 5 (no red, blue)"."""
    parts = []
    for factor in FACTORS:
        missing = dropped.get(factor.name)
        if not missing:
            continue
        if factor.name == "glasses":
            parts.append("no glasses" if "on" in missing else "glasses on every face")
            continue
        parts.append(f"{factor.label}s: {factor.levels - len(missing)} of {factor.levels} (no {', '.join(missing)})")
    return "; ".join(parts)


def coverage_alarm(metric_history: dict, latest: dict, rise: float = ALARM_RISE) -> str | None:
    """The image counterpart of the collapse alarm: a sentence naming each factor whose coverage
    (TV) is now more than `rise` above the best it reached in this run, or None.

    metric_history: BoundedHistory.columns() of the metric rows (with "tv_<factor>" columns);
    latest: the newest metric row."""
    worse = []
    for factor in FACTORS:
        key = f"tv_{factor.name}"
        now = latest.get(key)
        earlier = [v for v in metric_history.get(key, []) if v is not None and np.isfinite(v)]
        if now is None or not earlier:
            continue
        best = min(earlier)
        if now - best > rise:
            worse.append(f"{factor.label} (TV {best:.2f} -> {now:.2f})")
    if not worse:
        return None
    return (
        "Factor coverage worsened: "
        + ", ".join(worse)
        + ". The generator is losing part of the real faces' variety (a mode collapse in ground-truth terms); "
        "try a lower generator learning rate, or a weight average (EMA)."
    )
