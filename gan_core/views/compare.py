"""What Compare mode's page draws at one moment: one small 2D/1D view per variant (the lab's
Snapshot, smaller), each variant's losses over iterations and metrics over evaluations, and which
variants were stopped. Immutable and numpy-only, like every snapshot the page reads."""

from __future__ import annotations

from dataclasses import dataclass, field

from .toy import Snapshot, take_snapshot

VIEW_OPTIONS = dict(n_points=200, heat_resolution=32, manifold_resolution=12)  # ~4 ms a variant
CHART_POINTS = 500  # loss points per variant sent to the page: a 250 px chart shows no more


@dataclass(frozen=True)
class CompareSnapshot:
    iteration: int
    names: tuple[str, ...]
    views: dict[str, Snapshot]  # per variant: its small main view
    losses: dict[str, dict[str, list]]  # per variant: {"iteration", "d_loss", "g_loss"} columns
    metrics: dict[str, dict[str, list]]  # per variant: metric columns, one row per evaluation
    diverged: dict[str, str] = field(default_factory=dict)  # name -> the message
    engine: str = "stacked"  # or "sequential"
    why_sequential: str | None = None


def take_compare_snapshot(runs, metric_columns: dict[str, dict[str, list]]) -> CompareSnapshot:
    """Every variant's view and curves now (`runs` a CompareTrainer)."""
    views, loss_columns = {}, {}
    for name in runs.names:
        views[name] = take_snapshot(runs.trainer(name, with_history=False), **VIEW_OPTIONS)
        loss_columns[name] = thinned(runs.history(name).columns())
    return CompareSnapshot(
        iteration=runs.iteration,
        names=tuple(runs.names),
        views=views,
        losses=loss_columns,
        metrics={name: {k: list(v) for k, v in columns.items()} for name, columns in metric_columns.items()},
        diverged=runs.diverged,
        engine=runs.engine,
        why_sequential=runs.why_sequential,
    )


def thinned(columns: dict[str, list], most: int = CHART_POINTS) -> dict[str, list]:
    """Every k-th row of history columns so that at most `most` remain (the last one kept)."""
    count = len(columns.get("iteration", []))
    if count <= most:
        return columns
    stride = -(-count // most)
    keep = list(range(count - 1, -1, -stride))[::-1]
    return {key: [values[i] for i in keep] for key, values in columns.items()}
