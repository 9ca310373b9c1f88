"""Figures of "can the discriminator generate?": pure functions from a DiscriminatorLoopSnapshot,
score records (gan_core.evaluation.discriminator_loop) or a DigitsAscent to plotly. Colours as
in the 2D lab: green real, D's heat map purple-white-green; the negatives grey, the ascent orange.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .charts import as_float32
from .images import montage
from .toy import D_COLOURSCALE, REAL_COLOUR

NEGATIVE_COLOUR = "rgba(90, 90, 90, 0.55)"
ASCENT_COLOUR = "#e66101"
PATH_COLOUR = "rgba(230, 97, 1, 0.45)"
LOOP_COLOUR = "#e66101"  # the loop's curves: the colour of its ascended points
GAN_COLOUR = "#762a83"  # the GAN's curves: the 2D lab's colour of generated samples
AGAINST = {"d_updates": "D updates", "seconds": "seconds of training"}


def loop_figure(snapshot, *, height: int = 520) -> go.Figure:
    """D's heat map with the real points, the negatives and the ascent: paths from random starts
    ending at the ascended points. Always five traces (heat map, real, negatives, paths, ascended),
    empty ones included, so a live chart keeps its legend and zoom."""
    low, high = snapshot.bounds
    paths = snapshot.trajectories  # (paths, kept, 2)
    breaks = np.full((len(paths), 1, 2), np.nan, dtype=np.float32)
    lines = np.concatenate([paths, breaks], axis=1).reshape(-1, 2) if len(paths) else np.empty((0, 2))  # NaN breaks
    figure = go.Figure()
    figure.add_trace(
        go.Heatmap(
            x=as_float32(snapshot.grid_axis),
            y=as_float32(snapshot.grid_axis),
            z=as_float32(snapshot.d_grid),
            zmin=0.0,
            zmax=1.0,
            zmid=0.5,
            colorscale=D_COLOURSCALE,
            name="Discriminator",
            showlegend=True,
            zsmooth="fast",
            colorbar=dict(title=dict(text="D(x)", side="right"), thickness=14, len=0.9),
            hovertemplate="x %{x:.2f}, y %{y:.2f}<br>D(x) %{z:.3f}<extra></extra>",
        )
    )
    for points, name, marker in (
        (snapshot.real, "Real samples", dict(color=REAL_COLOUR, size=5, opacity=0.85)),
        (snapshot.negatives, "Negatives", dict(color=NEGATIVE_COLOUR, size=5, symbol="x-thin", line=dict(width=1.2))),
    ):
        figure.add_trace(_points(points, name, marker))
    figure.add_trace(
        go.Scatter(
            x=as_float32(lines[:, 0]),
            y=as_float32(lines[:, 1]),
            mode="lines",
            name="Ascent paths",
            line=dict(color=PATH_COLOUR, width=1.2),
            hoverinfo="skip",
        )
    )
    marker = dict(color=ASCENT_COLOUR, size=7, line=dict(color="white", width=0.8))
    figure.add_trace(_points(snapshot.ascended, "argmax D (ascended)", marker))
    axis = dict(range=[low, high], zeroline=False, showgrid=False, constrain="domain")
    figure.update_xaxes(**axis)
    figure.update_yaxes(**axis, scaleanchor="x", scaleratio=1)
    figure.update_layout(
        title=dict(
            text=f"Round {snapshot.round} · {snapshot.phase} · {snapshot.d_updates:,} D updates",
            font_size=14,
            x=0.01,
        ),
        height=height,
        plot_bgcolor="white",
        margin=dict(l=10, r=10, t=50, b=10),
        legend=dict(orientation="h", yanchor="top", y=-0.05, xanchor="left", x=0),
        uirevision="loop",
    )
    return figure


def _points(points: np.ndarray, name: str, marker: dict) -> go.Scatter:
    points = np.asarray(points, dtype=np.float32).reshape(-1, 2)
    return go.Scatter(
        x=points[:, 0],
        y=points[:, 1],
        mode="markers",
        name=name,
        marker=marker,
        hovertemplate=name + " (%{x:.2f}, %{y:.2f})<extra></extra>",
    )


def quality_figure(loop_rows: list[dict], gan_rows: list[dict], *, against: str = "d_updates", height: int = 300):
    """Modes covered (left) and the high-quality share (right) of the loop's ascended points per
    round and of the GAN's samples, against D updates or seconds: four traces."""
    if against not in AGAINST:
        raise ValueError(f"against must be one of {', '.join(AGAINST)}, got {against!r}")
    figure = make_subplots(
        rows=1, cols=2, horizontal_spacing=0.1, subplot_titles=("Modes covered", "High-quality share")
    )  # fmt: skip
    for rows, name, colour in (
        (loop_rows, "D alone: argmax of D, per round", LOOP_COLOUR),
        (gan_rows, "GAN: generator samples", GAN_COLOUR),
    ):
        x = as_float32([row[against] for row in rows])
        for column, key in ((1, "modes_covered"), (2, "high_quality")):
            y = as_float32([np.nan if row[key] is None else row[key] for row in rows])
            figure.add_trace(
                go.Scatter(
                    x=x,
                    y=y,
                    mode="lines+markers",
                    name=name,
                    legendgroup=name,
                    showlegend=column == 1,
                    line=dict(color=colour, width=2),
                    marker=dict(size=5),
                ),
                row=1,
                col=column,
            )
    n_modes = next((row["n_modes"] for row in [*loop_rows, *gan_rows] if row.get("n_modes")), None)
    figure.update_yaxes(range=[0, (n_modes or 1) + 0.3], row=1, col=1, gridcolor="#eee")
    figure.update_yaxes(range=[0, 1.02], tickformat=".0%", row=1, col=2, gridcolor="#eee")
    figure.update_xaxes(title_text=AGAINST[against], title_standoff=4, gridcolor="#eee")
    figure.update_layout(
        height=height,
        plot_bgcolor="white",
        margin=dict(l=10, r=10, t=40, b=10),
        legend=dict(orientation="h", yanchor="bottom", y=1.12, xanchor="left", x=0),
    )
    return figure


def digits_figure(result, *, columns: int = 4, height: int = 380) -> go.Figure:
    """The argmax of the digits GAN's D from noise (left) next to its generator's samples
    (right); under each image D(x) and the classifier's digit with its probability."""
    figure = make_subplots(
        rows=1,
        cols=2,
        horizontal_spacing=0.06,
        subplot_titles=(
            f"argmax of D from noise · mean D(x) {np.mean(result.ascended_scores):.2f}",
            f"Generator samples · mean D(x) {np.mean(result.generated_scores):.2f}",
        ),
    )
    panels = (
        (result.ascended, result.ascended_scores, result.ascended_classes, result.ascended_confidence),
        (result.generated, result.generated_scores, result.generated_classes, result.generated_confidence),
    )
    scale, padding = 6, 30  # a gap under each image for two lines of text
    for column, (images, scores, classes, confidence) in enumerate(panels, start=1):
        picture = montage(images, columns, padding=padding, scale=scale)
        figure.add_trace(go.Image(z=picture, hoverinfo="skip"), row=1, col=column)
        size = images.shape[-1] * scale
        for index, score in enumerate(scores):
            r, c = divmod(index, columns)
            text = f"D {score:.2f}"
            if classes is not None:
                text += f"<br>{classes[index]} · {confidence[index]:.0%}"
            figure.add_annotation(
                x=padding + c * (size + padding) + size / 2,
                y=padding + r * (size + padding) + size + padding / 2,
                text=text,
                showarrow=False,
                font=dict(size=10, color="black"),
                row=1,
                col=column,
            )
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    figure.update_layout(height=height, margin=dict(l=5, r=5, t=40, b=5))
    return figure
