"""Theory you can touch (issue 14): the lecture notes' arguments, each as something that trains
live. One section at a time (a link opens one: /theory?section=k); the live sections' 1D runs
train side by side in the session's training process (gan_core.live.theory, drawn by
ui.theory_sections), the loss curves are computed with autograd through the losses training
uses (gan_core.evaluation.theory)."""

import streamlit as st

from gan_core.config import quoted
from gan_core.evaluation.theory import generator_loss_curve
from gan_core.live import TheoryRunner
from gan_core.plots import theory as plots
from gan_core.training.theory import TheoryConfig
from ui import theory_sections
from ui.live_page import LivePage

SECTIONS = {  # short enough to sit on one row beside the title on a 1280x720 projector
    "picture": "1 · 1D picture",
    "losses": "2 · Losses",
    "k": "3 · The k question",
    "wgan": "4 · WGAN critic",
    "generate": "5 · Can D generate?",
}
state = st.session_state
key = theory_sections.key

# One training process per session for the section on screen.
page = LivePage("theory_", LivePage.build(TheoryRunner, TheoryConfig(section="picture")))
beside_title = page.header("Theory", widths=(1.2, 4.4))
linked = st.query_params.get("section")
if key("section") not in state:
    state[key("section")] = linked if linked in SECTIONS else "picture"
    if linked and linked not in SECTIONS:
        st.warning(f"There is no section {quoted(linked)}; the sections are {', '.join(SECTIONS)}.")
beside_title.segmented_control(
    "Section",
    list(SECTIONS),
    format_func=SECTIONS.get,
    key=key("section"),
    label_visibility="collapsed",
    required=True,
)
section = state[key("section")] or "picture"
st.query_params["section"] = section


def loss_curves() -> None:
    """The generator's loss and the gradient it gets against D(G(z)): no training needed."""
    st.subheader("The generator's loss and the gradient it gets", anchor=False)
    left, right = st.columns([3, 2], gap="medium")
    with left:
        st.plotly_chart(plots.generator_gradients_figure(), key="theory_gradients")
    with right:
        st.markdown("Minimax (the paper's game) and non-saturating (the paper's practical choice):")
        st.latex(r"\min_G\; \mathbb{E}_z \log\big(1 - D(G(z))\big)")
        st.latex(r"\min_G\; -\mathbb{E}_z \log D(G(z))")
        early = st.slider("D(G(z)) early in training", 0.001, 0.5, 0.01, format="%.3f", key="theory_early")
        _, minimax = generator_loss_curve("minimax", [early])
        _, nsgan = generator_loss_curve("nsgan", [early])
        st.metric("Gradient, minimax", f"{abs(minimax[0]):.3f}")  # one above the other: the labels fit at 1024
        st.metric("Gradient, non-saturating", f"{abs(nsgan[0]):.3f}")
        st.markdown(
            f"With D(G(z)) = {early:.3f}, the minimax loss passes back a gradient of **{abs(minimax[0]):.3f}** "
            f"through D's logit, the non-saturating one **{abs(nsgan[0]):.3f}**: "
            f"{abs(nsgan[0]) / max(abs(minimax[0]), 1e-12):,.0f} times more. Both losses have the same fixed "
            "point; early in training, when D rejects the fakes easily, only the non-saturating one gives the "
            "generator something to follow (Goodfellow et al. 2014, section 3)."
        )
    st.plotly_chart(plots.raw_output_gradients_figure(), key="theory_raw")
    st.caption(
        "Least squares pushes harder the further D's score is from 1; the Wasserstein critic's gradient is the "
        "same everywhere: neither saturates."
    )
    st.subheader("Both losses, trained", anchor=False)


runner = page.runner
if runner.config.section != section:
    try:
        runner.reset(TheoryConfig(section=section))
    except (RuntimeError, ValueError) as error:  # LiveRunnerError is a RuntimeError
        st.error(f"Could not start the section's runs: {error}")
        st.stop()
    state.pop(key("desired"), None)

if section == "losses":
    loss_curves()
theory_sections.SECTION_VIEWS[section](page)
st.caption("The lecture notes' arguments, each as something that trains live: the formula beside the picture.")
