"""Home: what each page is for."""

import streamlit as st

st.title("GAN Explorer")
st.markdown(
    """
Train small generative adversarial networks live, and watch them learn.

- **2D lab**: train a GAN on a 2D or 1D distribution (a ring of Gaussians, a grid, a spiral, your
  own points). Watch the discriminator's output as a heatmap, the generator's manifold warp, the
  gradients that push generated samples, and mode collapse as it happens.
- **Image lab**: train an MLP GAN, a conditional GAN or a DCGAN on handwritten digits, see a fixed
  batch of samples sharpen, and score them with a classifier we ship (Inception Score, FID on its
  features, precision/recall).

Every run can be saved as a checkpoint and loaded back; the same engine trains from the command
line (`python -m gan_core train --preset ring --out run.pt`).
"""
)
