"""What Compare mode's page draws at one moment: one small 2D/1D view per variant (the lab's
Snapshot, smaller), each variant's losses over iterations and metrics over evaluations, and which
variants were stopped. Immutable and numpy-only, like every snapshot the page reads."""

from __future__ import annotations

from dataclasses import dataclass, field

from .toy import Snapshot, take_snapshot

VIEW_OPTIONS = dict(n_points=200, heat_resolution=32, manifold_resolution=12)  # ~4 ms a variant


@dataclass(frozen=True)
class LockstepSnapshot:
    iteration: int
    names: tuple[str, ...]
    views: dict[str, Snapshot]  # per variant: its small main view
    losses: dict[str, dict[str, list]]  # per variant: {"iteration", "d_loss", "g_loss"} columns
    metrics: dict[str, dict[str, list]]  # per variant: metric columns, one row per evaluation
    diverged: dict[str, str] = field(default_factory=dict)  # name -> the message
    engine: str = "stacked"  # or "sequential"
    why_sequential: str | None = None


def take_lockstep_snapshot(runs, metric_columns: dict[str, dict[str, list]]) -> LockstepSnapshot:
    """Every variant's view and curves now (`runs` a BatchedTrainer)."""
    views, loss_columns = {}, {}
    for name in runs.names:
        trainer = runs.trainer(name)
        views[name] = take_snapshot(trainer, **VIEW_OPTIONS)
        loss_columns[name] = trainer.history.columns()
    return LockstepSnapshot(
        iteration=runs.iteration,
        names=tuple(runs.names),
        views=views,
        losses=loss_columns,
        metrics={name: {k: list(v) for k, v in columns.items()} for name, columns in metric_columns.items()},
        diverged=runs.diverged,
        engine=runs.engine,
        why_sequential=runs.why_sequential,
    )
