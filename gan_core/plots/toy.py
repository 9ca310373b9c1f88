"""Plotly figures for 2D and 1D toy runs: pure functions from a Snapshot (or history columns)
to a figure. This is the only place that knows plotly for the toy lab.

Colours follow GAN Lab: green is real (and what D calls real), purple is generated (and what D
calls fake), and D's "cannot tell" value is white, so a neutral discriminator shows no colour.
Arrays go to plotly as numpy float32 (sent base64-encoded, small and fast); NaN breaks a line,
so a whole mesh or arrow field is a single trace.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .charts import (
    D_LOSS_COLOUR,
    G_LOSS_COLOUR,
    as_float32,
    line_chart,
    small_chart_layout,
    span_first_evaluation,
    steady_margins,
    titled,
)

REAL_COLOUR = "#1b7837"
FAKE_COLOUR = "#762a83"
MANIFOLD_COLOUR = "rgba(60, 60, 60, 0.45)"
GRADIENT_COLOUR = "#e66101"
# Diverging purple-white-green, low (fake) to neutral to high (real), kept pale so that the dark
# purple and green samples stay visible on top of it wherever D is confident.
D_COLOURSCALE = [[0.0, "#c9b3dd"], [0.25, "#e4d9ee"], [0.5, "#ffffff"], [0.75, "#d3eccd"], [1.0, "#a1d99b"]]
MAX_ARROWS = 150  # more arrows than this is a hedge, not a picture


def d_colour_range(snapshot) -> tuple[float, float]:
    """A colour range centred on d_neutral: [0, 1] for a probability, symmetric around the
    neutral value otherwise (so neutral always sits at the white middle of the scale)."""
    if snapshot.d_is_probability:
        return 0.0, 1.0
    values = np.asarray(snapshot.d_grid, dtype=np.float64)
    finite = values[np.isfinite(values)]
    half = float(np.abs(finite - snapshot.d_neutral).max()) if finite.size else 1.0
    half = max(half, 1e-3)
    return snapshot.d_neutral - half, snapshot.d_neutral + half


def mesh_lines(manifold: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x and y of a warped mesh: every row and every column of a (g, g, 2) grid image as one
    polyline, separated by NaN; a (g, 2) curve (1-d noise) is returned as it is."""
    manifold = np.asarray(manifold, dtype=np.float32)
    if manifold.ndim == 2:
        return manifold[:, 0], manifold[:, 1]
    g = manifold.shape[0]
    gap = np.full((g, 1, 2), np.nan, dtype=np.float32)
    rows = np.concatenate([manifold, gap], axis=1).reshape(-1, 2)
    cols = np.concatenate([manifold.transpose(1, 0, 2), gap], axis=1).reshape(-1, 2)
    lines = np.concatenate([rows, cols])
    return lines[:, 0], lines[:, 1]


def arrow_segments(start: np.ndarray, vectors: np.ndarray, length: float, max_arrows: int = MAX_ARROWS):
    """(x, y) of segments start -> start + v, scaled so the longest shown arrow is `length`,
    NaN-separated; at most `max_arrows` (evenly picked, so the picture stays the same samples)."""
    start = np.asarray(start, dtype=np.float64)
    vectors = np.asarray(vectors, dtype=np.float64)
    keep = np.linspace(0, len(start) - 1, min(max_arrows, len(start))).astype(int) if len(start) else []
    start, vectors = start[keep], vectors[keep]
    norms = np.linalg.norm(vectors, axis=1) if len(vectors) else np.zeros(0)
    finite = norms[np.isfinite(norms)]
    scale = length / finite.max() if finite.size and finite.max() > 0 else 0.0
    end = start + vectors * scale
    segments = np.full((len(start), 3, start.shape[1]), np.nan)
    segments[:, 0], segments[:, 1] = start, end
    flat = segments.reshape(-1, start.shape[1])
    return as_float32(flat[:, 0]), as_float32(flat[:, 1])


def gradient_arrows_trace(gx: np.ndarray, gy: np.ndarray) -> go.Scatter:
    """Arrow segments (from arrow_segments) as one trace; only the tip of each segment (every
    third point) carries a visible arrow head."""
    return go.Scatter(
        x=gx,
        y=gy,
        mode="lines+markers",
        name="Generator gradients",
        line=dict(color=GRADIENT_COLOUR, width=1.5),
        marker=dict(
            symbol="arrow",
            angleref="previous",
            size=np.tile(as_float32([0, 8, 0]), len(gx) // 3),
            color=GRADIENT_COLOUR,
        ),
        hoverinfo="skip",
    )


def main_view_picture(snapshot, size: int = 560) -> bytes | None:
    """The 2D main view as a PNG drawn here (D's heatmap, real and generated samples): what a page
    shows at once on its first load, while the browser still loads plotly for the interactive
    chart (about a second on a small machine). None for 1D data."""
    if snapshot.dim != 2:
        return None
    from .latent import PlaneCanvas, colour_map, hex_colour

    low, high = d_colour_range(snapshot)
    stops = [(position, hex_colour(colour)) for position, colour in D_COLOURSCALE]
    canvas = PlaneCanvas(
        colour_map(snapshot.d_grid, low, high, stops), *snapshot.bounds, "Discriminator, real and generated samples",
        "x", "y", size=size,
    )  # fmt: skip
    canvas.dots(np.asarray(snapshot.real), hex_colour(REAL_COLOUR), radius=2.5)
    canvas.dots(np.asarray(snapshot.fake), hex_colour(FAKE_COLOUR), radius=2.5)
    return canvas.png()


def samples_outside_view(snapshot) -> int:
    """How many of the drawn generated samples lie outside the view square (plotly would simply
    not show them: a generator that shoots off the picture must still be seen)."""
    low, high = snapshot.bounds
    fake = np.asarray(snapshot.fake)
    return int((~((fake >= low) & (fake <= high)).all(axis=1)).sum())


def main_figure(
    snapshot,
    *,
    real: bool = True,
    fake: bool = True,
    heatmap: bool = True,
    manifold: bool = True,
    gradients: bool = False,
    height: int = 620,
    title: str | None = None,
) -> go.Figure:
    """The lab's main view of `snapshot`; each keyword switches a layer on or off. SVG, not
    WebGL: Streamlit's redraws made plotly create a new WebGL context each time, which cost the
    browser more than the SVG markers do. No legend and no colour bar: plotly makes room for them
    by drawing the figure twice on every redraw (the browser's largest cost while a run plays,
    bench/live_speed.py); `legend_html` says the same in a line of HTML above the figure."""
    build = _main_figure_2d if snapshot.dim == 2 else _main_figure_1d
    figure = build(snapshot, real=real, fake=fake, heatmap=heatmap, manifold=manifold, gradients=gradients)
    figure.update_traces(showscale=False, selector=dict(type="heatmap"))
    top = 60 if title else 10
    if snapshot.dim == 2:
        steady_margins(figure, l=38, r=10, t=top, b=28)
    else:  # a density axis on the left, D(x) on the right, noise z under them
        steady_margins(figure, l=62, r=58, t=top, b=28)
    figure.update_layout(
        height=height,
        showlegend=False,
        uirevision="lab",  # keep the person's zoom across redraws
        title=dict(text=title, y=0.98, yanchor="top") if title else None,
    )
    return figure


def legend_html(snapshot, *, real=True, fake=True, heatmap=True, manifold=True, gradients=False) -> str:
    """The main view's legend in one line: a mark per layer shown, and D's colour scale with its
    range (a WGAN critic's range follows its scores)."""

    def mark(colour: str, shape: str = "●") -> str:
        return f"<span style='color:{colour};font-size:1.1em'>{shape}</span>"

    one_d = snapshot.dim == 1
    parts = []
    if real:
        parts.append(f"{mark(REAL_COLOUR, '■' if one_d else '●')} real")
    if fake:
        parts.append(f"{mark(FAKE_COLOUR, '■' if one_d else '●')} generated")
    if manifold:
        if one_d:
            parts.append(f"{mark(FAKE_COLOUR, '―')} G(z) over z (below)")
        else:
            parts.append(f"{mark('#3c3c3c', '―')} G's manifold")
    if gradients:
        parts.append(f"{mark(GRADIENT_COLOUR, '→')} G's gradient")
    if heatmap and one_d:
        parts.append(f"{mark('black', '―')} D(x) (right axis)")
    elif heatmap:
        low, high = d_colour_range(snapshot)
        label = "D(x)" if snapshot.d_is_probability else "D score"
        stops = ", ".join(f"{colour} {position:.0%}" for position, colour in D_COLOURSCALE)
        bar = (
            f"<span style='display:inline-block;width:80px;height:10px;vertical-align:middle;"
            f"border:1px solid #bbb;background:linear-gradient(to right, {stops})'></span>"
        )
        parts.append(f"{label}: fake {_tick(low)} {bar} {_tick(high)} real")
    return "<div style='font-size:0.9rem;line-height:1.6'>" + " &nbsp;·&nbsp; ".join(parts) + "</div>"


def _tick(value: float) -> str:
    return f"{value:.3g}"


def heatmap_trace(snapshot, *, showlegend: bool = False, colorbar_length: float = 0.9) -> go.Heatmap:
    """D's output over the plane, "cannot tell" white in the middle of the colour scale."""
    zmin, zmax = d_colour_range(snapshot)
    label = "D(x)" if snapshot.d_is_probability else "D score"
    return go.Heatmap(
        x=as_float32(snapshot.grid_axis),
        y=as_float32(snapshot.grid_axis),
        z=as_float32(snapshot.d_grid),
        zmin=zmin,
        zmax=zmax,
        zmid=snapshot.d_neutral,
        colorscale=D_COLOURSCALE,
        name="Discriminator",
        showlegend=showlegend,
        zsmooth="fast",  # "best" interpolates per pixel in JS: slow
        colorbar=dict(title=dict(text=label, side="right"), thickness=14, len=colorbar_length),
        hovertemplate="x %{x:.2f}, y %{y:.2f}<br>" + label + " %{z:.3f}<extra></extra>",
    )


def _main_figure_2d(snapshot, *, real, fake, heatmap, manifold, gradients) -> go.Figure:
    low, high = snapshot.bounds
    figure = go.Figure()
    if heatmap:
        figure.add_trace(heatmap_trace(snapshot))
    if manifold:
        mx, my = mesh_lines(snapshot.manifold)
        figure.add_trace(
            go.Scatter(
                x=mx,
                y=my,
                mode="lines",
                name="Generator manifold",
                line=dict(color=MANIFOLD_COLOUR, width=1),
                hoverinfo="skip",
            )
        )
    if gradients:  # under the samples, so the points stay visible
        gx, gy = arrow_segments(snapshot.fake, snapshot.gradients, length=0.08 * (high - low))
        figure.add_trace(gradient_arrows_trace(gx, gy))
    if real:
        figure.add_trace(
            go.Scatter(
                x=as_float32(snapshot.real[:, 0]),
                y=as_float32(snapshot.real[:, 1]),
                mode="markers",
                name="Real samples",
                marker=dict(color=REAL_COLOUR, size=5, opacity=0.85, line=dict(width=0)),
                hovertemplate="real (%{x:.2f}, %{y:.2f})<extra></extra>",
            )
        )
    if fake:
        figure.add_trace(
            go.Scatter(
                x=as_float32(snapshot.fake[:, 0]),
                y=as_float32(snapshot.fake[:, 1]),
                mode="markers",
                name="Generated samples",
                marker=dict(color=FAKE_COLOUR, size=5, opacity=0.9, line=dict(width=0)),
                hovertemplate="generated (%{x:.2f}, %{y:.2f})<extra></extra>",
            )
        )
    axis = dict(range=[low, high], zeroline=False, showgrid=False, constrain="domain")
    figure.update_xaxes(**axis)
    figure.update_yaxes(**axis, scaleanchor="x", scaleratio=1, constraintoward="top")  # a circle is round; at the top
    figure.update_layout(plot_bgcolor="white")
    return figure


def _main_figure_1d(snapshot, *, real, fake, heatmap, manifold, gradients) -> go.Figure:
    """Top: histograms of real and generated samples with D's curve; bottom: the generator's
    map z -> G(z), on the same x axis so a person sees where each noise value lands."""
    low, high = snapshot.bounds
    rows = 2 if manifold else 1
    figure = make_subplots(
        rows=rows,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.06,
        row_heights=[0.7, 0.3][:rows],
        specs=[[{"secondary_y": True}]] + [[{}]] * (rows - 1),
    )
    bins = dict(start=low, end=high, size=(high - low) / 60)
    if real:
        figure.add_trace(
            go.Histogram(
                x=as_float32(snapshot.real[:, 0]),
                name="Real samples",
                xbins=bins,
                histnorm="probability density",
                marker_color=REAL_COLOUR,
                opacity=0.55,
            ),
            row=1,
            col=1,
        )
    if fake:
        figure.add_trace(
            go.Histogram(
                x=as_float32(snapshot.fake[:, 0]),
                name="Generated samples",
                xbins=bins,
                histnorm="probability density",
                marker_color=FAKE_COLOUR,
                opacity=0.55,
            ),
            row=1,
            col=1,
        )
    if heatmap:
        figure.add_trace(
            go.Scatter(
                x=as_float32(snapshot.grid_axis),
                y=as_float32(snapshot.d_grid),
                mode="lines",
                name="Discriminator D(x)",
                line=dict(color="black", width=2),
            ),
            row=1,
            col=1,
            secondary_y=True,
        )
        figure.add_hline(
            y=snapshot.d_neutral, line=dict(color="grey", dash="dot", width=1), row=1, col=1, secondary_y=True
        )
        zmin, zmax = d_colour_range(snapshot)
        ticks = dict(tickmode="linear", tick0=0, dtick=0.25) if snapshot.d_is_probability else {}
        figure.update_yaxes(
            title_text="D(x)", range=[zmin, zmax], secondary_y=True, row=1, col=1, showgrid=False, **ticks
        )
    if gradients:
        count = min(MAX_ARROWS // 3, len(snapshot.fake))
        keep = np.linspace(0, len(snapshot.fake) - 1, count).astype(int)
        start = np.stack([snapshot.fake[keep, 0], np.linspace(0.05, 0.95, count)], axis=1)
        vectors = np.stack([snapshot.gradients[keep, 0], np.zeros(count)], axis=1)
        gx, gy = arrow_segments(start, vectors, length=0.08 * (high - low), max_arrows=count)
        figure.add_trace(gradient_arrows_trace(gx, gy), row=1, col=1, secondary_y=True)
    if manifold:
        curve = np.asarray(snapshot.manifold, dtype=np.float32)
        if curve.ndim == 3:  # a 2-d noise grid: its middle row (z2 = 0) as the curve
            curve = curve[curve.shape[0] // 2]
        figure.add_trace(
            go.Scatter(
                x=curve[:, 0],
                y=as_float32(snapshot.manifold_noise),
                mode="lines+markers",
                name="Generator G(z)",
                line=dict(color=FAKE_COLOUR, width=2),
                marker=dict(size=4),
            ),
            row=2,
            col=1,
        )
        figure.update_yaxes(title_text="noise z", row=2, col=1)
    figure.update_yaxes(title_text="density", row=1, col=1, secondary_y=False)
    figure.update_xaxes(range=[low, high])
    figure.update_layout(barmode="overlay", plot_bgcolor="white")
    return figure


def modes_figure(metrics: dict, n_modes: int | None = None, height: int = 260) -> go.Figure:
    """Modes covered (left axis, out of n_modes) and the share of high-quality samples (right)."""
    iterations = as_float32(metrics.get("iteration", []))
    figure = make_subplots(specs=[[{"secondary_y": True}]])
    if "modes_covered" in metrics:
        figure.add_trace(
            go.Scatter(
                x=iterations,
                y=as_float32(metrics["modes_covered"]),
                mode="lines+markers",
                name="Modes covered",
                line=dict(color=REAL_COLOUR),
                marker=dict(size=4),
            )
        )
    if "high_quality" in metrics:
        share = as_float32([np.nan if v is None else 100 * v for v in metrics["high_quality"]])
        figure.add_trace(
            go.Scatter(
                x=iterations,
                y=share,
                mode="lines",
                name="High-quality samples %",
                line=dict(color=FAKE_COLOUR, dash="dot"),
            ),
            secondary_y=True,
        )
    small_chart_layout(figure, "modes covered", height)
    steady_margins(figure, l=72, r=62, t=30, b=42)  # the high-quality axis on the right
    span_first_evaluation(figure, iterations)
    if n_modes:
        figure.update_yaxes(range=[0, n_modes + 0.5], secondary_y=False)
    figure.update_yaxes(
        title_text="high quality %",
        range=[0, 100],
        secondary_y=True,
        showgrid=False,
        tickmode="linear",
        tick0=0,
        dtick=25,
    )
    return titled(figure, "Modes covered")


def divergence_figure(metrics: dict, height: int = 260) -> go.Figure:
    """KL(real || generated) and JS divergence on the histogram grid, in nats."""
    figure = line_chart(
        metrics,
        [("kl", "KL(real ‖ generated)", D_LOSS_COLOUR), ("js", "JS divergence", G_LOSS_COLOUR)],
        y_title="nats",
        height=height,
    )
    figure.add_hline(
        y=math.log(2),
        line=dict(color="grey", dash="dot", width=1),
        annotation_text="JS max (log 2)",
        annotation_position="top left",
    )
    span_first_evaluation(figure, as_float32(metrics.get("iteration", [])))
    return titled(figure, "Divergences")


def d_output_figure(snapshot, height: int = 260) -> go.Figure:
    """How D scores real versus generated samples: two overlaid histograms and the neutral line.
    They overlap at the neutral value when the generator has caught up."""
    figure = go.Figure()
    figure.add_trace(
        go.Histogram(x=as_float32(snapshot.d_real), name="D on real", marker_color=REAL_COLOUR, opacity=0.6, nbinsx=40)
    )
    figure.add_trace(
        go.Histogram(
            x=as_float32(snapshot.d_fake), name="D on generated", marker_color=FAKE_COLOUR, opacity=0.6, nbinsx=40
        )
    )
    figure.add_vline(
        x=snapshot.d_neutral, line=dict(color="grey", dash="dot", width=1),
        annotation_text=f"{snapshot.d_neutral:g}: D cannot tell", annotation_position="top",
        annotation_font=dict(size=12, color="#555"),
    )  # fmt: skip
    small_chart_layout(figure, "samples", height, x_title="D(x)" if snapshot.d_is_probability else "D score")
    figure.update_layout(
        barmode="overlay", title=dict(text="D's scores", font_size=14, x=0.01, y=0.98), margin=dict(t=60, b=90),
        legend=dict(orientation="h", yanchor="top", y=-0.3, xanchor="left", x=0),
    )  # fmt: skip
    if snapshot.d_is_probability:
        figure.update_xaxes(range=[0, 1])
    return figure


def drawn_points_figure(points, extent: float, colour: str) -> go.Figure:
    """The points a person drew (the 2D lab's "Draw your data" preview), on the canvas's square."""
    xs, ys = zip(*points) if points else ((), ())
    figure = go.Figure(go.Scattergl(x=xs, y=ys, mode="markers", marker=dict(size=3, color=colour, opacity=0.5)))
    axis = dict(range=[-extent, extent], zeroline=True, showgrid=True, constrain="domain", fixedrange=True)
    figure.update_layout(
        height=300,
        margin=dict(l=10, r=10, t=30, b=10),
        title=dict(text=f"Points in use: {len(points):,}", font=dict(size=14)),
        xaxis=axis,
        yaxis=dict(axis, scaleanchor="x"),
        showlegend=False,
    )
    return figure
