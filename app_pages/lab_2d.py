"""2D lab: train a GAN on 2D (or 1D) data live and watch D and G evolve.

Thin on purpose: widgets (ui.lab_2d_settings) -> RunConfig -> LiveRunner (gan_core.live, one per
session, training in its own process) -> Snapshot -> views (ui.lab_2d_views, figures from
gan_core.plots). The skeleton (ui.live_page, ui.run_page) holds the runner, the callbacks, the
toolbar, the timeline and Save & load; Compare mode (ui.compare_mode) takes the page's place.
"""

import streamlit as st

from gan_core.data.points import DEFAULT_POINTS
from gan_core.training.compare import COMPARE_PRESETS
from ui import compare_mode, draw_data, slow_motion
from ui import lab_2d_views as views
from ui.lab_2d_settings import FIELDS, sidebar
from ui.run_page import RunPage

DEFAULT_PRESET = "ring"

page = RunPage(FIELDS, "toy", DEFAULT_PRESET, compare_presets=COMPARE_PRESETS, **views.RUNNER_OPTIONS)
page.init_state(points=DEFAULT_POINTS, layers=["real", "fake", "heatmap", "manifold"], points_error=None)
state, key = page.state, page.key
draw_data.init_state(state, key)
linked_layers = page.apply_link(("layers",)).get("layers")  # first: a linked comparison's base is the link's run
compare = compare_mode.open_if_chosen(page)  # Compare's own page, or None in the single run
if linked_layers is not None:
    unknown = [name for name in linked_layers.split(",") if name and name not in views.LAYERS]
    if unknown:
        known = ", ".join(views.LAYERS)
        page.say("error", f"This link's layers could not be used: unknown layer {unknown[0]!r} (known: {known}).")
    else:
        state[key("layers")] = [name for name in linked_layers.split(",") if name]

desired = sidebar(page, compare)
beside_title = page.header("2D lab")
with beside_title:
    mode = compare_mode.mode_switch(page, compare)
if mode == "compare":
    compare_mode.compare_page(page, compare, desired, views.LAYERS)
    st.stop()
toolbar_end = page.toolbar(
    desired,
    [
        ("D step", "discriminator", "One discriminator update."),
        ("G step", "generator", "One generator update."),
        ("Iteration", "iteration", "One iteration: k D updates, then m G updates."),
    ],
    widths=[1.2, 1.2, 1, 1, 1.2, 1.6],
)
with toolbar_end[0]:
    slow = slow_motion.toggle(page)
page.show_message()
if state[key("name")] == "points" and state[key("points_source")] == "Draw":
    draw_data.draw_panel(state, key)

if slow:  # the walk through one iteration takes the main view's place
    slow_motion.slow_motion_view(page)
else:
    view, side = st.columns([3, 2], gap="medium")  # the picture first: counters and charts beside it
    with view:
        views.main_view(page)
        views.layer_pills(key)
    with side:
        views.counters(page)
        views.side_charts(page)

charts_tab, timeline_tab, files_tab = st.tabs(["Metrics", "Timeline", "Save & load"])
with charts_tab:
    views.metric_charts(page)
with timeline_tab:
    views.timeline(page)
with files_tab:
    st.caption("The camera icon above the main figure saves the current view as PNG.")
    page.save_and_load("gan-run.pt", "2D lab")
