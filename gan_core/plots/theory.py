"""Figures of the theory page: pure functions from numbers (gan_core.evaluation.theory) to plotly."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..evaluation.theory import generator_loss_curve, value_lower_bound
from ..views.theory import where_mass
from .charts import (  # noqa: F401 - over_iterations_figure is this module's too
    D_LOSS_COLOUR,
    G_LOSS_COLOUR,
    VARIANT_COLOURS,
    over_iterations_figure,
    small_chart_layout,
    titled,
)

LOSS_STYLES = {
    "minimax": ("minimax: log(1 - D(G(z)))", D_LOSS_COLOUR),
    "nsgan": ("non-saturating: -log D(G(z))", G_LOSS_COLOUR),
}


def generator_gradients_figure(height: int = 380) -> go.Figure:
    """The generator's loss (left) and the size of its gradient through D's logit (right) against
    D(G(z)), for the minimax and the non-saturating loss; the region where D rejects fakes easily
    (early in training) is shaded."""
    d = np.linspace(0.001, 0.999, 400)
    figure = make_subplots(
        rows=1, cols=2, horizontal_spacing=0.1,
        subplot_titles=("Generator loss", "Its gradient, |dL / d logit|"),
    )  # fmt: skip
    for loss, (label, colour) in LOSS_STYLES.items():
        value, gradient = generator_loss_curve(loss, d)
        figure.add_trace(go.Scatter(x=d, y=value, name=label, line=dict(color=colour, width=2.5)), row=1, col=1)
        figure.add_trace(
            go.Scatter(x=d, y=np.abs(gradient), name=label, line=dict(color=colour, width=2.5), showlegend=False),
            row=1, col=2,
        )  # fmt: skip
    for column in (1, 2):
        figure.add_vrect(x0=0, x1=0.1, fillcolor="#fde0dd", opacity=0.6, line_width=0, layer="below", row=1, col=column)
        figure.update_xaxes(title_text="D(G(z))", range=[0, 1], row=1, col=column, gridcolor="#eee")
    figure.add_annotation(
        x=0.1, y=1.02, text="shaded: D rejects the fakes (early)", showarrow=False, xanchor="left", row=1, col=2,
        font=dict(size=11, color="#a33"),
    )  # fmt: skip
    figure.update_yaxes(title_text="loss", row=1, col=1, gridcolor="#eee")
    figure.update_yaxes(title_text="|gradient|", range=[0, 1.05], row=1, col=2, gridcolor="#eee")
    figure.update_layout(
        height=height, plot_bgcolor="white", margin=dict(l=10, r=10, t=50, b=10),
        legend=dict(orientation="h", yanchor="top", y=-0.2, xanchor="left", x=0),
    )  # fmt: skip
    return figure


def raw_output_gradients_figure(height: int = 320) -> go.Figure:
    """Least squares and Wasserstein: the generator's gradient against D's raw output."""
    raw = np.linspace(-2, 3, 200)
    figure = go.Figure()
    for loss, label, colour in (
        ("lsgan", "least squares: ½(D - 1)²", "#1b7837"),
        ("wgan", "Wasserstein: -D", "#e66101"),
    ):
        _, gradient = generator_loss_curve(loss, raw)
        figure.add_trace(go.Scatter(x=raw, y=np.abs(gradient), name=label, line=dict(color=colour, width=2.5)))
    figure.update_layout(
        height=height, plot_bgcolor="white", margin=dict(l=10, r=10, t=50, b=10),
        title=dict(text="|dL / dD| against D's raw output (no sigmoid)", font_size=14, x=0.01),
        legend=dict(orientation="h", yanchor="top", y=-0.25, xanchor="left", x=0),
    )  # fmt: skip
    figure.update_xaxes(title_text="D(G(z)), raw", gridcolor="#eee")
    figure.update_yaxes(title_text="|gradient|", gridcolor="#eee")
    return figure


# ----- the live 1D sections ------------------------------------------------------------------------
DATA_COLOUR = "#111111"  # the paper's black dots
GENERATOR_COLOUR = "#2ca02c"  # green
D_COLOUR = "#1f5fbf"  # blue dashes
OPTIMUM_COLOUR = "#e66101"


def line_picture_figure(
    picture, *, before=None, title: str = "", height: int = 430, show_legend: bool = True
) -> go.Figure:
    """Goodfellow et al. (2014), Figure 1, for one run: the data's density (black dots), the
    generator's (green), D(x) (blue dashes) and D*(x) on top; below, the z axis and the lines
    x = G(z). With `before` (panel c), the generator's density and mapping before the G updates
    in grey, and each line's move drawn as an arrow."""
    figure = make_subplots(
        rows=2, cols=1, shared_xaxes=True, row_heights=[0.72, 0.28], vertical_spacing=0.03,
        specs=[[{"secondary_y": True}], [{}]],
    )  # fmt: skip
    x = picture.x
    dots = slice(None, None, 4)
    figure.add_trace(
        go.Scatter(x=x[dots], y=picture.p_data[dots], mode="markers", name="p_data",
                   marker=dict(color=DATA_COLOUR, size=4)),
        row=1, col=1, secondary_y=True,
    )  # fmt: skip
    if before is not None:
        figure.add_trace(
            go.Scatter(x=x, y=before.p_g, name="p_g before", line=dict(color="#9a9a9a", width=1.5, dash="dot")),
            row=1, col=1, secondary_y=True,
        )  # fmt: skip
    figure.add_trace(
        go.Scatter(x=x, y=picture.p_g, name="p_g (generator)", line=dict(color=GENERATOR_COLOUR, width=2.5)),
        row=1, col=1, secondary_y=True,
    )  # fmt: skip
    d_name = "D(x)" if picture.probabilistic else "critic f(x)"
    figure.add_trace(
        go.Scatter(x=x, y=picture.d, name=d_name, line=dict(color=D_COLOUR, width=2.5, dash="dash")), row=1, col=1
    )
    if picture.probabilistic:
        # D* is a ratio of two densities: where both are ~0 it is 0/0, noise, and is not drawn.
        d_star = np.where(where_mass(picture, 1e-3), picture.d_star, np.nan)
        figure.add_trace(
            go.Scatter(x=x, y=d_star, name="D*(x) = p_data / (p_data + p_g)",
                       line=dict(color=OPTIMUM_COLOUR, width=1.5, dash="dot")),
            row=1, col=1,
        )  # fmt: skip
        figure.update_yaxes(title_text="D(x)", range=[-0.02, 1.02], row=1, col=1, secondary_y=False)
    else:
        figure.update_yaxes(title_text="critic f(x)", row=1, col=1, secondary_y=False)
    # A collapsed generator's spike would flatten the data's density: the axis stops at 3x its peak.
    top = min(max(picture.p_g.max(), picture.p_data.max()), 3 * picture.p_data.max()) * 1.05
    figure.update_yaxes(title_text="density", range=[0, top], showgrid=False, row=1, col=1, secondary_y=True)
    _mapping(figure, picture, before)
    figure.update_xaxes(range=[x[0], x[-1]], gridcolor="#eee", row=1, col=1)
    figure.update_xaxes(title_text="x", range=[x[0], x[-1]], row=2, col=1)
    figure.update_yaxes(range=[-0.25, 1.1], showticklabels=False, showgrid=False, zeroline=False, row=2, col=1)
    figure.update_layout(
        height=height, plot_bgcolor="white", margin=dict(l=10, r=10, t=40 if title else 10, b=10),
        legend=dict(orientation="h", yanchor="top", y=-0.14, xanchor="left", x=0, font_size=12),
        uirevision="line-picture", showlegend=show_legend,
    )  # fmt: skip
    if title:
        figure.update_layout(title=dict(text=title, font_size=14, x=0.01, y=0.98))
    return figure


def z_positions(picture) -> np.ndarray:
    """Where each z sits on the lower axis: the z range drawn over the middle of the x view."""
    low, high = picture.x[0], picture.x[-1]
    z_low, z_high = picture.z_range
    middle, half = (low + high) / 2, 0.35 * (high - low)
    span = max(z_high - z_low, 1e-9)
    return middle - half + (picture.z - z_low) / span * 2 * half


def _mapping(figure: go.Figure, picture, before) -> None:
    zs = z_positions(picture)
    targets = np.clip(picture.g_of_z, picture.x[0], picture.x[-1])
    line_x, line_y = [], []
    for z, g in zip(zs, targets):
        line_x += [z, g, None]
        line_y += [0, 1, None]
    figure.add_trace(
        go.Scatter(x=line_x, y=line_y, mode="lines", name="x = G(z)", line=dict(color=GENERATOR_COLOUR, width=1)),
        row=2, col=1,
    )  # fmt: skip
    figure.add_trace(
        go.Scatter(x=[zs[0], zs[-1]], y=[0, 0], mode="lines+text", text=[f"z={picture.z_range[0]:.1f} ",
                   f" z={picture.z_range[1]:.1f}"], textposition=["middle left", "middle right"], showlegend=False,
                   cliponaxis=False,
                   line=dict(color="#555", width=2), hoverinfo="skip", textfont=dict(size=11, color="#555")),
        row=2, col=1,
    )  # fmt: skip
    if before is not None:
        old = np.clip(before.g_of_z, picture.x[0], picture.x[-1])
        for start, end in zip(old, targets):
            if abs(end - start) > 1e-4 * (picture.x[-1] - picture.x[0]):
                figure.add_annotation(
                    x=end, y=1.0, ax=start, ay=1.0, xref="x2", yref="y3", axref="x2", ayref="y3",
                    showarrow=True, arrowhead=2, arrowsize=1.2, arrowcolor="#a33", text="",
                )  # fmt: skip


def value_figure(history: dict, height: int = 300) -> go.Figure:
    """V(G, D*) estimated from samples against -log 4 + 2 JSD (Theorem 1: equal), the learned
    D's value V(G, D) (below both: D* is the best D), and the floor -log 4."""
    figure = go.Figure()
    iterations = np.asarray(history.get("iteration", []), dtype=float)
    for key, name, colour, dash in (
        ("value_optimal", "V(G, D*), from samples", OPTIMUM_COLOUR, None),
        ("bound", "-log 4 + 2 JSD(p_data || p_g)", DATA_COLOUR, "dot"),
        ("value_learned", "V(G, D), the trained D", D_COLOUR, "dash"),
    ):
        if history.get(key):
            figure.add_trace(
                go.Scatter(
                    x=iterations, y=history[key], name=name, mode="lines", line=dict(color=colour, width=2, dash=dash)
                )
            )
    figure.add_hline(
        y=value_lower_bound(), line=dict(color="#888", width=1), annotation_text="-log 4 (p_g = p_data)",
        annotation_position="bottom right",
    )  # fmt: skip
    small_chart_layout(figure, "value", height)
    return titled(figure, "The value function measures the JS divergence")


def sweep_figure(sweep: dict, height: int = 300) -> go.Figure:
    """JSD and W1 between the data and a Gaussian sliding towards it."""
    figure = make_subplots(specs=[[{"secondary_y": True}]])
    figure.add_trace(
        go.Scatter(x=sweep["position"], y=sweep["jsd"], name="JSD (nats)", line=dict(color="#6a3d9a", width=2.5))
    )
    figure.add_trace(
        go.Scatter(x=sweep["position"], y=sweep["w1"], name="W1", line=dict(color=OPTIMUM_COLOUR, width=2.5)),
        secondary_y=True,
    )
    figure.add_hline(y=float(np.log(2)), line=dict(color="#6a3d9a", width=1, dash="dot"),
                     annotation_text="log 2", annotation_position="top left")  # fmt: skip
    small_chart_layout(figure, "JSD", height, x_title="where the fake Gaussian sits")
    figure.update_yaxes(title_text="W1", secondary_y=True, showgrid=False)
    return titled(figure, "A fake Gaussian slides towards the data")


def gradient_norm_histogram(norms: dict[str, np.ndarray], height: int = 280) -> go.Figure:
    """|grad_x f| on points between real and generated samples, per judge."""
    figure = go.Figure()
    for index, (name, values) in enumerate(norms.items()):
        figure.add_trace(
            go.Histogram(x=np.asarray(values), name=name, opacity=0.6, nbinsx=40,
                         marker_color=VARIANT_COLOURS[index % len(VARIANT_COLOURS)])
        )  # fmt: skip
    figure.add_vline(x=1.0, line=dict(color="#444", dash="dot"), annotation_text="1 (GP's target)")
    small_chart_layout(figure, "points", height, x_title="|df/dx| at points between real and fake")
    figure.update_layout(barmode="overlay")
    return titled(figure, "The judges' slopes between the two distributions")
