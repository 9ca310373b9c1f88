"""Latent explorer: slide a trained generator's latent dimensions, switch between bases of
directions (raw axes, GANSpace, SeFa, class directions, saved ones), interpolate linearly and
spherically, change a conditional GAN's label under a fixed z, see where 2D codes land, and
invert or complete a digit.

Thin on purpose: the generator, its bases and the readings come from gan_core (sampling,
views.latent, plots.latent) through caches in ui.latent_models; each tab is a fragment, so a
slider move reruns only the explorer and only runs the generator.
"""

import streamlit as st

from gan_core.plots.latent import METER_CSS
from gan_core.sampling import directions
from gan_core.training.checkpoint import CheckpointError
from ui import latent_models
from ui import latent_state as lat
from ui.latent_explore import explorer, explorer_controls, export_buttons
from ui.latent_tabs import directions_tab, interpolation_tab, inversion_tab, labels_tab
from ui.live_page import LIVE_PAGE_CSS

state = st.session_state
# No "running" blink or fading on each slider move; the factor meters' styles, once.
st.markdown(LIVE_PAGE_CSS + METER_CSS, unsafe_allow_html=True)
lat.init_state()
options = lat.choices()
if state["lat_choice"] not in options:
    state["lat_choice"] = state["lat_active"] if state["lat_active"] in options else next(iter(options), None)
if state["lat_choice"] != state["lat_active"]:  # first visit, or a lab handed a run over
    lat.on_choice()

st.title("Latent explorer", anchor=False)
if not options or state["lat_active"] is None:
    lat.show_message()
    st.error(
        "No generator to explore: the shipped checkpoints are missing from checkpoints/ and none was loaded. "
        "Train one (`python -m gan_core train --preset digits-dcgan --out checkpoints/digits-dcgan.pt`) or upload one."
    )
    st.file_uploader("Upload a checkpoint", type=["pt"], key="lat_upload_file", on_change=lat.on_upload)
    lat.show_message("lat_upload_message")
    st.stop()

model_id = state["lat_active"]
try:
    model = lat.load(model_id)
except CheckpointError as error:  # e.g. the cache was cleared and the file went away meanwhile
    st.error(f"Could not open the model: {error}")
    st.stop()
generator = model.generator

with st.sidebar:
    st.selectbox(
        "Model",
        list(options),
        key="lat_choice",
        format_func=lambda key: options[key].title,
        on_change=lat.on_choice,
        help="Shipped runs, the run a lab handed over with “Explore this generator”, or a checkpoint you upload.",
    )
    if latent_models.SESSION_RUN_KEY not in state:
        st.caption("Train in the 2D lab or the image lab and press **Explore this generator** to see that run here.")
    st.file_uploader(
        "Upload a checkpoint",
        type=["pt"],
        key="lat_upload_file",
        on_change=lat.on_upload,
        help="Any GAN Explorer run (.pt).",
    )
    lat.show_message("lat_upload_message")
    st.caption(model.describe())
    kinds = lat.basis_kinds(model, model_id)
    if state["lat_basis"] not in kinds:
        state["lat_basis"] = "axes"
    st.selectbox("Directions", kinds, key="lat_basis", format_func=directions.BASIS_KINDS.get, on_change=lat.on_basis)
    if state["lat_basis"] in directions.FACTOR_KINDS:
        st.selectbox(
            "Fitted on",
            list(lat.FIT_CODES),
            key="lat_fit_codes",
            format_func=lat.FIT_CODES.get,
            on_change=lat.on_basis,
            help="The codes each factor's linear model is fitted on. More codes fit the other factors' directions "
            "more exactly, so keeping them fixed works better (on the shipped faces GAN the own-factor shares rise "
            "from 31-51% to 46-70%), but take longer.",
        )
    try:
        basis = lat.current_basis(model, model_id)
    except ValueError as error:
        st.error(str(error))
        state["lat_basis"] = "axes"
        basis = lat.current_basis(model, model_id)
    windows = max(1, -(-len(basis) // lat.N_SLIDERS))
    if windows > 1:
        st.selectbox(
            "Sliders for",
            range(windows),
            key="lat_window",
            format_func=lambda w: (
                f"directions {w * lat.N_SLIDERS + 1}–{min((w + 1) * lat.N_SLIDERS, len(basis))} of {len(basis)}"
            ),
            on_change=lat.on_window,
            help="The basis is ranked (most important first); 16 sliders show at a time. Edits elsewhere are kept.",
        )
    st.slider(
        "Truncation ψ",
        0.0,
        1.0,
        step=0.05,
        key="lat_truncation",
        help="The seed's code is scaled by ψ towards the prior's centre (the truncation trick): lower gives "
        "more typical, less varied samples.",
    )

lat.show_message()
tab_names = ["Explore", "Directions", "Interpolate"]
if generator.conditional:
    tab_names.append("Labels")
if model.kind == "image":
    tab_names.append("Invert & complete")
tabs = dict(zip(tab_names, st.tabs(tab_names)))
with tabs["Explore"]:
    explorer_controls(model)
    explorer(model, model_id, basis)
    export_buttons(model)
with tabs["Directions"]:
    directions_tab(model, model_id, basis)
with tabs["Interpolate"]:
    interpolation_tab(model, model_id)
if "Labels" in tabs:
    with tabs["Labels"]:
        labels_tab(model)
if "Invert & complete" in tabs:
    with tabs["Invert & complete"]:
        inversion_tab(model, model_id)
lat.remember()
