"""Theory you can touch (issue 14). Built so far: the generator's losses and their gradients,
computed with autograd through the losses training uses (gan_core.evaluation.theory)."""

import streamlit as st

from gan_core.evaluation.theory import generator_loss_curve
from gan_core.plots import theory as plots

st.title("Theory", anchor=False)
st.caption("The lecture notes' arguments as pictures computed from the same loss functions the labs train with.")

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
    st.metric("Gradient, minimax", f"{abs(minimax[0]):.3f}")
    st.metric("Gradient, non-saturating", f"{abs(nsgan[0]):.3f}")
    st.markdown(
        f"With D(G(z)) = {early:.3f}, the minimax loss passes back a gradient of **{abs(minimax[0]):.3f}** "
        f"through D's logit, the non-saturating one **{abs(nsgan[0]):.3f}**: "
        f"{abs(nsgan[0]) / max(abs(minimax[0]), 1e-12):,.0f} times more. Both losses have the same fixed point; "
        "early in training, when D rejects the fakes easily, only the non-saturating one gives the generator "
        "something to follow (Goodfellow et al. 2014, section 3)."
    )
st.plotly_chart(plots.raw_output_gradients_figure(), key="theory_raw")
st.caption(
    "Least squares pushes harder the further D's score is from 1; the Wasserstein critic's gradient is the same "
    "everywhere: neither saturates."
)
