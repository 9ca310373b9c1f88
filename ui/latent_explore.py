"""The Explore tab: seed, Random, Reset, the current sample large, one slider per direction and
the strip along one of them; for 2D data, the noise plane and the data plane with the code's
landing point. One fragment: a slider move reruns only this and runs only the generator."""

from __future__ import annotations

import time

import numpy as np
import streamlit as st
import torch

from gan_core.plots import latent as pictures
from gan_core.sampling import directions
from gan_core.views import latent

from . import latent_models as models
from .inline_images import image_html
from .latent_state import (
    N_SLIDERS,
    clear_edit,
    current_label,
    edited_code,
    on_random,
    on_seed,
    on_slider,
    readings,
    remember,
    state,
)

STRIP_STEPS = (-3, -2, -1, 0, 1, 2, 3)  # stds along the chosen direction
IMAGE_SIZE = 224  # the current sample, in screen pixels (28 per pixel of an 8x8 digit)
STRIP_TILE = 72


# ----- the explorer ------------------------------------------------------------------------------
def sliders(model, basis: directions.Basis, model_id: str = "") -> None:
    """One slider per direction of the window shown; for data with a factor reader (the faces),
    each with its factor meter underneath (measured once per basis, cached: a slider move only
    redraws)."""
    start = int(state["lat_window"]) * N_SLIDERS
    shown = list(range(start, min(start + N_SLIDERS, len(basis))))
    effects = None
    if model.walks_factors:
        effects = models.effects_of(model_id, model, basis, shown)
        st.markdown(
            pictures.factor_legend_html(effects.factor_names)
            + '<div style="font-size:0.75rem;color:#666;margin-bottom:4px">Under each slider: how much each factor '
            "changes from -3 to +3 std (the face reader's reading, 16 codes; a full bar = its whole range).</div>",
            unsafe_allow_html=True,
        )
    columns = st.columns(2)
    for position, index in enumerate(shown):
        key = f"lat_dir_{index}"
        if key not in state:
            state[key] = float(state["lat_edit"].get(index, 0.0))
        column = columns[position % 2]
        column.slider(
            basis.describe(index),
            min_value=-3.0,
            max_value=3.0,
            step=0.1,
            key=key,
            format="%+.1f std",
            on_change=on_slider,
            args=(index,),
        )
        if effects is not None:
            column.markdown(
                pictures.factor_meter_html(effects.change[position], effects.factor_names, effects.describe(position)),
                unsafe_allow_html=True,
            )


def explorer_controls(model) -> None:
    """Seed, Random, Reset and a conditional model's label: each starts a full rerun, so they stay
    outside the explorer's fragment (which then redraws only what a slider changes)."""
    generator = model.generator
    top = st.columns([1.1, 1.0, 0.9, 1.0, 2.2], vertical_alignment="bottom")
    top[0].number_input("Seed", min_value=0, max_value=2**31 - 1, step=1, key="lat_seed", on_change=on_seed)
    top[1].button("Random", key="lat_random", on_click=on_random, icon=":material/casino:", width="stretch")
    top[2].button(
        "Reset",
        key="lat_reset",
        on_click=clear_edit,
        icon=":material/restart_alt:",
        width="stretch",
        help="Every slider back to 0: the seed's own sample again, exactly.",
    )
    if generator.conditional:
        top[3].selectbox(
            "Label", range(generator.n_classes), key="lat_label", format_func=lambda k: model.class_names[k]
        )
    if state["lat_base_note"]:
        top[4].caption(f"Code: {state['lat_base_note']} (Random or a new seed goes back to seeds).")


@st.fragment
def explorer(model, model_id: str, basis: directions.Basis) -> None:
    generator = model.generator
    started = time.perf_counter()
    z = edited_code(generator, basis)
    strip_choices = list(
        range(int(state["lat_window"]) * N_SLIDERS, min((int(state["lat_window"]) + 1) * N_SLIDERS, len(basis)))
    )
    if state["lat_strip"] not in strip_choices:
        state["lat_strip"] = strip_choices[0]
    chosen = int(state["lat_strip"])
    direction = torch.as_tensor(basis.vectors[chosen], dtype=torch.float32)
    now = state["lat_edit"].get(chosen, 0.0)
    sweep = torch.stack([z + (t - now) * generator.prior_std * direction for t in STRIP_STEPS])  # (7, d)
    codes = torch.cat([z[None], sweep])
    labels = generator.labels(current_label(model), len(codes))
    outputs = generator.generate(codes, labels)
    if model.kind == "image":
        found = None if model.reads_factors else readings(model, outputs)
        face_words = latent.factor_words(model.read_factors(outputs[:1])[0].tolist()) if model.reads_factors else ""
        main_png = pictures.png_bytes(pictures.upscaled(outputs[0], IMAGE_SIZE))
        state["lat_shown"] = outputs  # what the export buttons (outside this fragment) save
        strip_png = pictures.png_bytes(
            pictures.tiles(
                outputs[1:],
                # a digit's class fits under its tile; a face's factors are in the meters and the reading
                [f"{t:+d} std" + (f": {found[i + 1][0]}" if found else "") for i, t in enumerate(STRIP_STEPS)],
                tile=STRIP_TILE,
            )
        )
        elapsed = (time.perf_counter() - started) * 1000
        left, right = st.columns([1, 2.3])
        with left:
            st.markdown(image_html(main_png, IMAGE_SIZE, "current sample"), unsafe_allow_html=True)
            if face_words:
                st.markdown(f"Reader: {face_words}")
            elif found:
                st.markdown(f"Classifier: **{found[0][0]}** ({found[0][1]:.0%})")
            st.caption(f"Generated, classified and drawn in **{elapsed:.1f} ms** (CPU).")
            st.selectbox(
                "Strip along",
                strip_choices,
                key="lat_strip",
                format_func=basis.describe,
                help="The strip shows the sample at -3 ... +3 stds along this direction (its slider's whole range).",
            )
        with right:
            st.markdown(image_html(strip_png, len(STRIP_STEPS) * (STRIP_TILE + 4) + 4, "strip"), unsafe_allow_html=True)
            sliders(model, basis, model_id)
    else:
        toy_explorer(model, model_id, basis, z, outputs, strip_choices, started)
    if generator.prior == "uniform":
        st.caption("This model draws z uniformly from [-1, 1]: codes pushed past ±1 are ones it never saw in training.")
    remember()


def toy_explorer(model, model_id, basis, z, outputs, strip_choices, started) -> None:
    generator = model.generator
    chosen = u_index = int(state["lat_strip"])
    v_index = next(i for i in range(len(basis)) if i != chosen) if len(basis) > 1 else chosen
    u, v = basis.vectors[u_index], basis.vectors[v_index]
    std = generator.prior_std
    coords = (float(z.double() @ torch.as_tensor(u)) / std, float(z.double() @ torch.as_tensor(v)) / std)
    centre = z.double() - std * (coords[0] * torch.as_tensor(u) + coords[1] * torch.as_tensor(v))
    plane = cached_noise_plane(
        model_id, state["lat_basis"], u_index, v_index, tuple(np.round(centre.numpy(), 3)), model, u, v, basis
    )
    data = cached_data_plane(model_id, model)
    sweep_points = outputs[1:].numpy()
    sweep_codes = np.array([[coords[0] + (t - state["lat_edit"].get(chosen, 0.0)), coords[1]] for t in STRIP_STEPS])
    point = outputs[0].numpy()
    noise_picture = pictures.with_marks(cached_base("noise", plane), coords, sweep_codes)
    data_picture = pictures.with_marks(cached_base("data", data), point, sweep_points)
    reading = latent.discriminator_reading(model, outputs[:1])[0]
    where = "—"
    if getattr(model.data, "is_mixture", False):
        landed = int(latent.landing_modes(model, outputs[:1].numpy())[0])
        where = "between modes (a low-quality sample)" if landed == len(model.data.centers) else f"in mode {landed + 1}"
    elapsed = (time.perf_counter() - started) * 1000
    left, middle, right = st.columns([0.8, 1.2, 1.2])
    with left:
        sliders(model, basis)
        st.selectbox("Sweep along", strip_choices, key="lat_strip", format_func=basis.describe)
        st.caption(f"Generated and drawn in **{elapsed:.1f} ms** (CPU).")
    middle.markdown(image_html(noise_picture, 342, "noise plane", crisp=False), unsafe_allow_html=True)
    right.markdown(image_html(data_picture, 342, "data plane", crisp=False), unsafe_allow_html=True)
    right.caption(
        "★ G(z) · dotted line: G along the sweep · grey mesh: G's manifold (a grid of z as G bends it) · "
        "black dots: real samples · green: generated · circles: the modes, coloured as in the noise plane · "
        "background: D's output."
    )
    st.markdown(
        f"z = ({', '.join(f'{x:+.2f}' for x in z.tolist()[:4])}{', …' if len(z) > 4 else ''}) lands at "
        f"**({point[0]:+.2f}, {point[1]:+.2f})**, {where}; D there: **{reading:.2f}**."
    )
    if getattr(model.data, "is_mixture", False):
        shares = cached_prior_shares(model_id, model)
        parts = ", ".join(f"{i + 1}: {s:.0%}" for i, s in enumerate(shares[:-1]))
        st.caption(
            f"How G splits its prior among the modes (20,000 codes): {parts}; between modes {shares[-1]:.1%}. "
            "In the noise plane, light grey codes land between modes."
        )


@st.cache_resource(max_entries=256, show_spinner=False)
def cached_noise_plane(model_id, kind, u_index, v_index, centre, _model, _u, _v, _basis):
    return latent.noise_plane(
        _model, torch.tensor(centre, dtype=torch.float32), _u, _v, (_basis.names[u_index], _basis.names[v_index])
    )


@st.cache_resource(max_entries=16, show_spinner=False)
def cached_data_plane(model_id, _model):
    return latent.data_plane(_model)


@st.cache_resource(max_entries=64, show_spinner=False, hash_funcs={latent.NoisePlane: id, latent.DataPlane: id})
def cached_base(kind: str, plane):
    """A plane's picture without marks, drawn once per plane object (the planes are cached above)."""
    return pictures.noise_plane_base(plane) if kind == "noise" else pictures.data_plane_base(plane)


@st.cache_resource(max_entries=16, show_spinner=False)
def cached_prior_shares(model_id, _model):
    return latent.prior_mode_shares(_model)


def export_buttons(model) -> None:
    """Downloads of what the explorer shows, made when clicked (outside the explorer's fragment, so a
    slider move does not redraw them)."""
    if model.kind != "image":
        return

    def shown():
        return state["lat_shown"]

    def strip_captions():
        return [f"{t:+d} std" for t in STRIP_STEPS]

    columns = st.columns(3)
    columns[0].download_button(
        "Image (PNG)",
        lambda: pictures.png_bytes(pictures.upscaled(shown()[0], 512)),
        "latent-sample.png",
        "image/png",
        key="lat_dl_image",
        on_click="ignore",
        icon=":material/download:",
    )
    columns[1].download_button(
        "Strip (PNG)",
        lambda: pictures.png_bytes(pictures.tiles(shown()[1:], strip_captions(), tile=128)),
        "latent-strip.png",
        "image/png",
        key="lat_dl_strip",
        on_click="ignore",
        icon=":material/download:",
    )
    columns[2].download_button(
        "Strip (animated GIF)",
        lambda: pictures.gif_bytes(shown()[1:], strip_captions()),
        "latent-strip.gif",
        "image/gif",
        key="lat_dl_gif",
        on_click="ignore",
        icon=":material/animation:",
    )
