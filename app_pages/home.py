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
- **Latent explorer**: slide a trained generator's latent dimensions and see what each does
  (raw axes, GANSpace and SeFa directions, "more like a 7" class directions), interpolate
  linearly and spherically, keep z and change a conditional GAN's label, see where 2D codes
  land, and find the code of your own digit (inversion) or let the generator complete a half
  you hide. Works at once on the shipped models, or on a run from either lab
  ("Explore this generator").
- **GAN vs VAE**: train a GAN, a VAE and a plain auto-encoder with the same network side by side,
  live: their samples, the code spaces (the auto-encoder's holes, the VAE's posteriors), decoding
  a random code and a point halfway between two codes, reconstructions, one table of scores with
  a reading of what they show, pixel L2 against a discriminator's judgement, and the comparison
  at two or three network sizes.
- **Applications**: the notes' applications on cartoon faces, each opening on trained models:
  words to faces ("long blue hair, smiling, glasses"), a sketch to a face (pix2pix trained with
  L1, with a GAN loss, and with both, side by side; draw your own sketch), and hair colour changed
  without paired examples (CycleGAN, with and without the cycle-consistency loss).
- **Theory**: the notes' arguments, each trained live: the original paper's 1D picture with the
  optimal discriminator and its four panels, why the non-saturating loss, the k question, WGAN's
  critic against a saturating discriminator, and "can the discriminator generate?".

Every run can be saved as a checkpoint and loaded back; the same engine trains from the command
line (`python -m gan_core train --preset ring --out run.pt`).
"""
)
