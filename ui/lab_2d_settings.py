"""The 2D lab's sidebar: its preset, its link, and the data, network and training settings."""

from __future__ import annotations

import streamlit as st

from gan_core.config import ACTIVATIONS, NOISE_PRIORS, TOY_DATASETS
from gan_core.data.points import read_points_bytes
from gan_core.data.toy import MIXTURES, WITHOUT_STD, data_defaults

from . import compare_mode, draw_data
from .config_widgets import OPTIMIZER_FIELDS, TRAINING_FIELDS, PageFields

FIELDS = PageFields(
    prefix="lab_",
    data=("name", "n_modes", "radius", "std"),
    model=("noise_dim", "noise_prior", "g_layers", "g_width", "d_layers", "d_width", "activation"),
    train=(*TRAINING_FIELDS, *OPTIMIZER_FIELDS, "lr_decay", "lr_decay_iterations"),
)
GRID_MODE_CHOICES = (4, 9, 16, 25, 36, 49, 64, 81, 100)


def on_data_name(page) -> None:
    state, key = page.state, page.key
    n_modes, radius, std = data_defaults(state[key("name")])
    state[key("n_modes")] = n_modes or state[key("n_modes")]
    state[key("radius")], state[key("std")] = radius, std
    if state[key("name")] == "mixture1d":
        state[key("noise_dim")] = 1


def on_points_upload(page) -> None:
    state, key = page.state, page.key
    uploaded = state.get(key("points_upload"))
    if uploaded is None:
        state[key("points_error")] = None
        return
    try:
        state[key("points")] = read_points_bytes(uploaded.getvalue())
        state[key("points_error")] = None
    except ValueError as error:  # keep the previous points
        state[key("points_error")] = f"Could not read {uploaded.name}: {error}. The previous points are kept."


def data_settings(page) -> None:
    state, key, number = page.state, page.key, page.number
    name = st.selectbox(
        "Distribution",
        TOY_DATASETS,
        key=key("name"),
        on_change=on_data_name,
        args=(page,),
        format_func=lambda n: n.replace("_", " "),
    )
    if name == "grid":
        st.select_slider("Modes", GRID_MODE_CHOICES, key=key("n_modes"))
    elif name in MIXTURES:
        number("Modes", "n_modes", min_value=1, max_value=400, step=1)
    if name != "points":
        number(
            "Spacing" if name == "grid" else "Radius / scale",
            "radius",
            min_value=0.05,
            max_value=20.0,
            step=0.1,
            format="%.2f",
        )
    if name not in WITHOUT_STD:
        number("Noise std", "std", min_value=0.001, max_value=5.0, step=0.005, format="%.3f")
    if name != "points":
        return
    if draw_data.drawing_chosen(state, key):
        draw_data.use_drawing(state, key)
    else:
        st.file_uploader(
            "Your points (CSV, two numeric columns)",
            type=["csv", "txt"],
            key=key("points_upload"),
            on_change=on_points_upload,
            args=(page,),
        )
        if state[key("points_error")]:
            st.error(state[key("points_error")])
    st.caption(f"{len(state[key('points')])} points in use.")


def network_settings(page) -> None:
    key, number = page.key, page.number
    number("Noise dimension", "noise_dim", min_value=1, max_value=128, step=1)
    st.selectbox("Noise prior", NOISE_PRIORS, key=key("noise_prior"))
    left, right = st.columns(2)
    with left:
        number("G layers", "g_layers", min_value=0, max_value=6, step=1)
        number("D layers", "d_layers", min_value=0, max_value=6, step=1)
    with right:
        number("G width", "g_width", min_value=1, max_value=1024, step=16)
        number("D width", "d_width", min_value=1, max_value=1024, step=16)
    st.selectbox("Activation", ACTIVATIONS, key=key("activation"))


def training_settings(page) -> None:
    page.training_widgets(optimizers=True, drawn="the plot")
    st.checkbox("Decay learning rates", key=page.key("lr_decay"))
    if page.state[page.key("lr_decay")]:
        page.number(
            "...to 0 over iterations",
            "lr_decay_iterations",
            min_value=1,
            max_value=10_000_000,
            step=1000,
            help="Changes while training runs.",
        )


def sidebar(page, compare):
    """The settings; returns the config they describe (None when a value is bad). In Compare
    (`compare`: its page, or None) they are the variants' base and apply on Start."""
    state, key = page.state, page.key
    with st.sidebar:
        page.preset_box()
        link_extras = {"layers": ",".join(state[key("layers")] or [])}
        page.share_button(link_extras | (compare_mode.link_extras(compare) if compare else {}))
        reset_notice = st.container()
        with st.expander("Data", expanded=True):
            data_settings(page)
        with st.expander("Networks"):
            network_settings(page)
        with st.expander("Training", expanded=True):
            training_settings(page)
    points = tuple(state[key("points")]) if state[key("name")] == "points" else ()
    notice = compare_mode.BaseNotice(reset_notice) if compare else reset_notice
    return page.desired_config(notice, data=dict(points=points))
