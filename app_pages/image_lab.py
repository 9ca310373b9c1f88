"""Image lab: train an MLP GAN, a conditional GAN or a DCGAN on small images live, and score it
with the classifier we ship.

Thin on purpose: widgets (ui.image_lab_settings) -> RunConfig -> LiveRunner (gan_core.live,
publishing image snapshots) -> ImageSnapshot -> views (ui.image_lab_views, figures from
gan_core.plots.images). The skeleton (ui.live_page, ui.run_page) holds the runner, the
callbacks, the toolbar, the timeline and Save & load.
"""

import streamlit as st

from ui import image_lab_views as views
from ui.image_lab_settings import FIELDS, sidebar
from ui.run_page import RunPage

DEFAULT_PRESET = "digits-dcgan"

page = RunPage(FIELDS, "image", DEFAULT_PRESET, **views.RUNNER_OPTIONS)
page.init_state(scores=False)
page.apply_link()
desired = sidebar(page)

page.header("Image lab")
(score_column,) = page.toolbar(
    desired, [("Step", "iteration", "One iteration: k D updates, then m G updates.")], widths=[1.4, 1.4, 1.2, 4]
)
score_column.toggle("Show D's score under each image", key=page.key("scores"))
page.show_message()

views.grids(page)
metrics_tab, timeline_tab, drs_tab, files_tab = st.tabs(
    ["Losses & metrics", "Timeline", "Can D generate?", "Save & load"]
)
with metrics_tab:
    views.metric_panel(page)
with timeline_tab:
    views.timeline(page)
with drs_tab:
    views.discriminator_sampling(page)
with files_tab:
    page.save_and_load("gan-image-run.pt", "image lab")
