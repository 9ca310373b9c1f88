"""GAN vs VAE vs auto-encoder: the same data, the same generator / decoder network and the same
number of iterations, trained live side by side with one Play (issue 12).

Settings (ui.gan_vs_vae_settings) -> GanVsVaeConfig (gan_core.training.gan_vs_vae) ->
GanVsVaeRunner (one training process per session, every model stepped in turn) ->
GanVsVaeSnapshot -> the views in ui.gan_vs_vae_views. The live-page skeleton (ui.live_page)
redraws the chosen view while the comparison plays.
"""

import streamlit as st

from gan_core.live import GanVsVaeRunner
from gan_core.training.gan_vs_vae import GAN_VS_VAE_PRESETS
from ui import gan_vs_vae_settings as settings
from ui import gan_vs_vae_views as views
from ui.live_page import LivePage

DEFAULT_PRESET = "ring"
VIEW_EVERY = 0.5  # seconds between redraws while playing
TOY_VIEWS = {"samples": "Samples", "codes": "Code space", "scores": "Scores", "curves": "Training curves"}
IMAGE_VIEWS = {
    "samples": "Samples",
    "reconstructions": "Reconstructions",
    "codes": "Code space",
    "between": "Random code & ½a+½b",
    "ranking": "L2 vs D",
    "scores": "Scores",
    "curves": "Training curves",
}
VIEW_FUNCTIONS = {
    ("toy", "samples"): views.toy_samples,
    ("image", "samples"): views.image_samples,
    ("toy", "codes"): views.code_space,
    ("image", "codes"): views.code_space,
    ("image", "reconstructions"): views.reconstructions,
    ("image", "between"): views.between_codes,
    ("image", "ranking"): views.ranking,
}

page = LivePage("vae_", LivePage.build(GanVsVaeRunner, GAN_VS_VAE_PRESETS[DEFAULT_PRESET][1], publish_every=VIEW_EVERY))
runner, state, key = page.runner, page.state, page.key
settings.init_state(page, DEFAULT_PRESET)
page.restored = lambda: state.update(settings.widget_values(page, runner.config))  # after the autosave's restart
state.setdefault(key("view"), "samples")

page.header("GAN vs VAE vs auto-encoder", widths=(3, 1))
settings.sidebar(page)
page.show_message()

score = ("Score now", "score", runner.evaluate, "Score every model at this iteration (the table and the ranking).")
page.fixed_length_toolbar(
    lambda: settings.on_reset(page), runs="every model", widths=[1.3, 1.3, 1, 1.5, 1.6], extras=[score]
)  # fits 1024 px
kind = runner.config.kind
view_names = IMAGE_VIEWS if kind == "image" else TOY_VIEWS
if state.get(key("view")) not in view_names:
    state[key("view")] = "samples"
st.segmented_control(
    "View",
    list(view_names),
    format_func=view_names.get,
    key=key("view"),
    label_visibility="collapsed",
    required=True,  # a click on the chosen view keeps it (an empty choice had no view to draw)
)


def draw(snapshot) -> None:
    view = state[key("view")]
    view_key = key(f"{kind}_{view}")
    if view == "scores":
        views.scores_table(snapshot, view_key)
    elif view == "curves":
        views.curves(snapshot, runner.histories(), view_key)
    else:
        VIEW_FUNCTIONS[(kind, view)](snapshot, view_key)
    page.member_counters(snapshot)  # under the picture: on a projector the picture comes first


page.live(draw, VIEW_EVERY)
st.caption(
    "One network trained as a GAN, a VAE and an auto-encoder (and a β-VAE when it is on): the GAN's generator and "
    "the others' decoders share the architecture, the starting weights, the data and the iterations (the encoders "
    "are the discriminator's body)."
)
