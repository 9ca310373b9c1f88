"""The slow-motion view: the lab's main view after one sub-step of an iteration
(gan_core.views.slow_motion.SlowMotionView), with what that sub-step touched highlighted: the real
batch, the generated batch and G's mesh, D's heatmap (with its "cannot tell" line before and after
the update), the arrows of G's gradients, the generated points before and after G's update. A pure
function from the view to a plotly figure, in the colours of gan_core.plots.toy."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .charts import as_float32
from .toy import (
    FAKE_COLOUR,
    MANIFOLD_COLOUR,
    REAL_COLOUR,
    arrow_segments,
    d_colour_range,
    gradient_arrows_trace,
    heatmap_trace,
    mesh_lines,
)

HIGHLIGHT = dict(size=10, opacity=1.0, line=dict(color="#111111", width=1.5))
PLAIN = dict(size=7, opacity=0.8, line=dict(width=0))
FAINT = dict(size=6, opacity=0.25, line=dict(width=0))
HOLLOW = dict(color="rgba(0,0,0,0)", size=8, line=dict(color=FAKE_COLOUR, width=1))  # where a point was
CUES = {  # what the figure highlights at each sub-step, in a few words above it
    "real": "highlighted: the real batch",
    "fake": "highlighted: the generated batch and G's map of the noise (mesh)",
    "d_update": "D changed: its heatmap moved (dashed: where D could not tell before; solid: now)",
    "g_gradients": "highlighted: where G's loss pushes each generated point (arrows)",
    "g_update": "G changed: the generated points moved (faint rings: before)",
    "idle": "nothing changed",
}
EMPHASIS = {  # (real, fake) marker style per sub-step
    "real": (HIGHLIGHT, None),
    "fake": (FAINT, HIGHLIGHT),
    "d_update": (PLAIN, PLAIN),
    "g_gradients": (FAINT, HIGHLIGHT),
    "g_update": (FAINT, HIGHLIGHT),
    "idle": (PLAIN, PLAIN),
}


def figure_title(view) -> str:
    step = view.step
    return f"Step {step.index + 1} of {step.total}: {step.title}<br><sup>{CUES[step.kind]}</sup>"


def slow_motion_figure(view, height: int = 560) -> go.Figure:
    """The main view of `view.snapshot` with the sub-step `view.step` highlighted."""
    build = _figure_2d if view.snapshot.dim == 2 else _figure_1d
    figure = build(view)
    figure.update_layout(
        height=height,
        margin=dict(l=10, r=10, t=120, b=10),
        title=dict(text=figure_title(view), x=0.01, y=0.97, yanchor="top", font=dict(size=17)),
        legend=dict(orientation="h", yanchor="bottom", y=1.03, xanchor="left", x=0, font=dict(size=13)),
        plot_bgcolor="white",
        uirevision="slow_motion",
    )
    return figure


def _points(figure: go.Figure, points, colour: str, name: str, style: dict | None, y=None) -> None:
    if points is None or style is None or len(points) == 0:
        return
    points = np.asarray(points)
    figure.add_trace(
        go.Scatter(
            x=as_float32(points[:, 0]),
            y=as_float32(points[:, 1] if y is None else y),
            mode="markers",
            name=name,
            marker=dict(color=colour, **style),
            hovertemplate=name + " (%{x:.2f}, %{y:.2f})<extra></extra>",
        )
    )


def _figure_2d(view) -> go.Figure:
    snapshot, step = view.snapshot, view.step
    low, high = snapshot.bounds
    figure = go.Figure()
    figure.add_trace(heatmap_trace(snapshot, colorbar_length=0.85))
    if step.kind == "d_update":
        if view.previous_d_grid is not None:
            figure.add_trace(_neutral_line(snapshot, view.previous_d_grid, "D could not tell, before", "dash"))
        figure.add_trace(_neutral_line(snapshot, snapshot.d_grid, "D cannot tell, now", "solid"))
    if step.kind == "fake":
        mx, my = mesh_lines(snapshot.manifold)
        figure.add_trace(
            go.Scatter(x=mx, y=my, mode="lines", name="G's map of the noise", line=dict(color=MANIFOLD_COLOUR, width=1))
        )
    if step.gradients is not None and step.fake is not None:
        gx, gy = arrow_segments(step.fake, step.gradients, length=0.1 * (high - low))
        figure.add_trace(gradient_arrows_trace(gx, gy))
    if step.previous_fake is not None and step.fake is not None:
        segments = np.full((len(step.fake), 3, 2), np.nan, dtype=np.float32)
        segments[:, 0], segments[:, 1] = step.previous_fake, step.fake[: len(step.previous_fake)]
        flat = segments.reshape(-1, 2)
        figure.add_trace(
            go.Scatter(
                x=flat[:, 0], y=flat[:, 1], mode="lines", name="How far they moved",
                line=dict(color="rgba(60, 60, 60, 0.6)", width=1), hoverinfo="skip",
            )
        )  # fmt: skip
        figure.add_trace(
            go.Scatter(
                x=as_float32(step.previous_fake[:, 0]), y=as_float32(step.previous_fake[:, 1]), mode="markers",
                name="Generated, before", marker=HOLLOW,
                opacity=0.55, hoverinfo="skip",
            )
        )  # fmt: skip
    real_style, fake_style = EMPHASIS[step.kind]
    _points(figure, step.real, REAL_COLOUR, "Real batch", real_style)
    _points(figure, step.fake, FAKE_COLOUR, "Generated batch", fake_style)
    axis = dict(range=[low, high], zeroline=False, showgrid=False, constrain="domain")
    figure.update_xaxes(**axis)
    figure.update_yaxes(**axis, scaleanchor="x", scaleratio=1)
    return figure


def _neutral_line(snapshot, grid, name: str, dash: str) -> go.Contour:
    """D's "cannot tell" level (0.5, or 0 for a critic) of `grid` as one line."""
    level = float(snapshot.d_neutral)
    return go.Contour(
        x=as_float32(snapshot.grid_axis),
        y=as_float32(snapshot.grid_axis),
        z=as_float32(grid),
        contours=dict(coloring="none", start=level, end=level, size=1.0),
        line=dict(color="#333333", width=2.5 if dash == "solid" else 2, dash=dash),
        showscale=False,
        showlegend=True,
        name=name,
        hoverinfo="skip",
    )


def _figure_1d(view) -> go.Figure:
    """D's curve over x, and the batches as rows of points under it (real, then generated)."""
    snapshot, step = view.snapshot, view.step
    low, high = snapshot.bounds
    zmin, zmax = d_colour_range(snapshot)
    span = zmax - zmin
    real_row, fake_row = zmin - 0.12 * span, zmin - 0.24 * span
    figure = go.Figure()
    if step.kind == "d_update" and view.previous_d_grid is not None:
        figure.add_trace(
            go.Scatter(
                x=as_float32(snapshot.grid_axis), y=as_float32(view.previous_d_grid), mode="lines",
                name="D before", line=dict(color="grey", dash="dash", width=2),
            )
        )  # fmt: skip
    figure.add_trace(
        go.Scatter(
            x=as_float32(snapshot.grid_axis), y=as_float32(snapshot.d_grid), mode="lines",
            name="D now" if step.kind == "d_update" else "D(x)",
            line=dict(color="black", width=3 if step.kind == "d_update" else 2),
        )
    )  # fmt: skip
    if step.gradients is not None and step.fake is not None:
        start = np.stack([step.fake[:, 0], np.full(len(step.fake), fake_row)], axis=1)
        vectors = np.stack([step.gradients[:, 0], np.zeros(len(step.fake))], axis=1)
        gx, gy = arrow_segments(start, vectors, length=0.08 * (high - low))
        figure.add_trace(gradient_arrows_trace(gx, gy))
    if step.previous_fake is not None:
        previous = np.asarray(step.previous_fake)
        figure.add_trace(
            go.Scatter(
                x=as_float32(previous[:, 0]), y=np.full(len(previous), fake_row, dtype=np.float32), mode="markers",
                name="Generated, before", marker=HOLLOW,
            )
        )  # fmt: skip
    real_style, fake_style = EMPHASIS[step.kind]
    if step.real is not None:
        _points(figure, step.real, REAL_COLOUR, "Real batch", real_style, y=np.full(len(step.real), real_row))
    if step.fake is not None:
        _points(figure, step.fake, FAKE_COLOUR, "Generated batch", fake_style, y=np.full(len(step.fake), fake_row))
    figure.update_xaxes(range=[low, high], title_text="x")
    figure.update_yaxes(range=[zmin - 0.32 * span, zmax + 0.05 * span], title_text=figure_title_axis(snapshot))
    return figure


def figure_title_axis(snapshot) -> str:
    return "D(x)" if snapshot.d_is_probability else "D score"
