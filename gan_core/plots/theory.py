"""Figures of the theory page: pure functions from numbers (gan_core.evaluation.theory) to plotly."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..evaluation.theory import generator_loss_curve
from .charts import D_LOSS_COLOUR, G_LOSS_COLOUR

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
