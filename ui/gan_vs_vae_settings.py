"""GAN vs VAE's sidebar: the comparison's preset and settings, taken on Reset."""

from __future__ import annotations

import streamlit as st

from gan_core.config import ConfigError
from gan_core.training.gan_vs_vae import (
    GAN_VS_VAE_ARCHITECTURES,
    GAN_VS_VAE_DATASETS,
    GAN_VS_VAE_PRESETS,
    IMAGE_DATA,
    GanVsVaeConfig,
    shipped_folder,
)

WIDTH_CHOICES = (16, 32, 64, 128, 256, 512)
CODE_CHOICES = (1, 2, 4, 8, 16, 32, 64)
FIELDS = ("data", "architecture", "code_size", "widths", "iterations", "seed", "beta", "beta_vae", "shipped")


def widget_values(page, config: GanVsVaeConfig) -> dict:
    return {page.key(name): list(config.widths) if name == "widths" else getattr(config, name) for name in FIELDS}


def init_state(page, default_preset: str) -> None:
    for name, value in widget_values(page, page.runner.config).items():
        page.state[name] = page.state[name] if name in page.state else value
    page.state.setdefault(page.key("preset"), default_preset)


def desired_config(page) -> GanVsVaeConfig | str:
    """The config the widgets describe, or why they describe none."""
    state, key = page.state, page.key
    try:
        return GanVsVaeConfig(
            data=state[key("data")],
            architecture=state[key("architecture")],
            code_size=int(state[key("code_size")]),
            widths=tuple(sorted(int(w) for w in state[key("widths")])),
            iterations=int(state[key("iterations")]),
            seed=int(state[key("seed")]),
            beta=float(state[key("beta")]),
            beta_vae=float(state[key("beta_vae")]),
            shipped=bool(state[key("shipped")]),
        )
    except ConfigError as error:
        return str(error)


def start(page, config: GanVsVaeConfig) -> None:
    if page.ask(page.runner.reset, config, failed="Could not start the comparison (the current one is kept): "):
        page.state.update(widget_values(page, page.runner.config))


def on_preset(page) -> None:
    start(page, GAN_VS_VAE_PRESETS[page.state[page.key("preset")]][1])


def on_reset(page) -> None:
    desired = desired_config(page)
    if isinstance(desired, str):
        page.say("error", f"Invalid setting: {desired}")
        return
    start(page, desired)


def sidebar(page) -> None:
    state, key = page.state, page.key
    with st.sidebar:
        st.selectbox(
            "Setup",
            list(GAN_VS_VAE_PRESETS),
            key=key("preset"),
            on_change=on_preset,
            args=(page,),
            help="Known-good setups; choosing one starts a fresh comparison.",
        )
        st.caption(GAN_VS_VAE_PRESETS[state[key("preset")]][0])
        st.selectbox("Data", GAN_VS_VAE_DATASETS, key=key("data"))
        if state[key("data")] in IMAGE_DATA:
            st.selectbox(
                "Architecture",
                GAN_VS_VAE_ARCHITECTURES,
                key=key("architecture"),
                format_func={"mlp": "MLP (fast)", "dcgan": "DCGAN (convolutions, slower)"}.get,
            )
        st.selectbox(
            "Code size",
            CODE_CHOICES,
            key=key("code_size"),
            help="The GAN's noise size and the VAE's / AE's code size. 2 draws the code space as it is; a bigger "
            "code is drawn in its first two principal axes.",
        )
        st.multiselect(
            "Network widths",
            WIDTH_CHOICES,
            key=key("widths"),
            max_selections=3,
            help="Hidden width of every network. Two or three widths run the whole comparison at each size: does "
            "a VAE need a bigger network to match a GAN?",
        )
        left, right = st.columns(2)
        left.number_input("Iterations", min_value=100, max_value=1_000_000, step=1000, key=key("iterations"))
        right.number_input("Seed", min_value=0, max_value=2**31 - 1, step=1, key=key("seed"))
        st.number_input(
            "VAE β (KL weight)", min_value=0.0, max_value=20.0, step=0.25, key=key("beta"), help="1 = the ELBO."
        )
        st.number_input(
            "β-VAE: a fourth model with this β (0 = off)",
            min_value=0.0,
            max_value=100.0,
            step=1.0,
            key=key("beta_vae"),
            help="A VAE whose KL term weighs β > 1 (Higgins et al. 2017): people reach for it to get code axes "
            "that each mean one factor. Its samples blur more.",
        )
        desired = desired_config(page)
        if state[key("shipped")] or (not isinstance(desired, str) and shipped_folder(desired).is_dir()):
            st.checkbox(
                "Start from the shipped models",
                key=key("shipped"),
                help="This setup's models, trained and shipped in checkpoints/: the page opens on them. Untick and "
                "Reset to train them from scratch.",
            )
        if isinstance(desired, str):
            st.error(f"Invalid setting: {desired}")
        elif desired != page.runner.config:
            st.warning("Changed settings apply on **Reset**; the current comparison goes on until then.")
        page.save_and_load_models(
            f"gan-vs-vae-{page.runner.config.data}-{page.runner.iteration}.pt",
            lambda: page.state.update(widget_values(page, page.runner.config)),
        )
