"""Compare mode's figures: one small main view per variant and one chart per metric with a line
per variant, the variants in the same colours everywhere. Pure functions from a
CompareSnapshot's parts to plotly figures."""

from __future__ import annotations

import plotly.graph_objects as go

from .charts import VARIANT_COLOURS, over_iterations_figure, steady_margins
from .toy import main_figure

# (metric key, chart title, y-axis title, where it comes from: "metrics" per evaluation or "losses")
METRIC_CHARTS = (
    ("modes_covered", "Modes covered", "modes", "metrics"),
    ("high_quality", "High-quality share", "share", "metrics"),
    ("kl", "KL(real ‖ generated)", "nats", "metrics"),
    ("js", "JS divergence", "nats", "metrics"),
    ("d_loss", "D loss", "loss", "losses"),
    ("g_loss", "G loss", "loss", "losses"),
)


def variant_colour(index: int) -> str:
    return VARIANT_COLOURS[index % len(VARIANT_COLOURS)]


def variant_figure(view, name: str, index: int, *, layers: dict[str, bool], diverged: str | None = None,
                   height: int = 300) -> go.Figure:  # fmt: skip
    """The lab's main view of one variant, small: no legend, no colour bar, the variant's name in
    its colour as the title (a stopped variant's title says so in red)."""
    figure = main_figure(view, **layers, height=height)
    status = f"<span style='color:#c0392b'> · stopped at {view.iteration:,}</span>" if diverged else ""
    steady_margins(figure, l=34, r=6, t=34, b=30)
    figure.update_layout(
        showlegend=False,
        title=dict(text=f"<b style='color:{variant_colour(index)}'>■</b> {name}{status}", font_size=14, x=0.02, y=0.98),
        uirevision=f"lockstep-{name}",
    )
    return figure


def metric_figure(snapshot, key: str, title: str, y_title: str, source: str, height: int = 260) -> go.Figure:
    """One line per variant of `key` over iterations: a metric from the evaluations or a loss."""
    columns = snapshot.metrics if source == "metrics" else snapshot.losses
    histories = {name: columns.get(name, {}) for name in snapshot.names}
    figure = over_iterations_figure(histories, key, title=title, y_title=y_title, height=height)
    for index, trace in enumerate(figure.data):
        trace.line.color = variant_colour(list(histories).index(trace.name) if trace.name in histories else index)
        trace.line.width = 1.5 if source == "losses" else 2
    if source == "metrics":
        figure.update_traces(mode="lines+markers", marker_size=5)
        # From 0 to at least the next scoring, so that one point at iteration 0 sits at the left.
        figure.update_xaxes(range=[0, max(snapshot.iteration, 500) * 1.03])
    if key == "high_quality":
        figure.update_yaxes(tickformat=".0%", range=[-0.02, 1.02])
    elif key == "modes_covered":
        most = max((max(c.get("n_modes") or [0]) for c in columns.values()), default=0)
        figure.update_yaxes(range=[-0.3, max(most, 1) + 0.3])
    elif key == "js":  # at most log 2: a flat line at log 2 must not be drawn as rounding noise
        figure.update_yaxes(range=[-0.01, 0.71], tickformat=".2f")
    elif key == "kl":
        figure.update_yaxes(rangemode="tozero")
    figure.update_layout(showlegend=False)
    return figure


def legend_html(names, diverged: dict[str, str]) -> str:
    """The variants' colours in one line above the charts (one legend for all of them)."""
    parts = []
    for index, name in enumerate(names):
        mark = " (stopped)" if name in diverged else ""
        parts.append(f"<span style='color:{variant_colour(index)};font-weight:700'>■</span> {name}{mark}")
    return " &nbsp; ".join(parts)
