"""The smallest page like the latent explorer's slider view: one fragment with 16 sliders and
one inline picture that changes with the first slider. bench/latent_speed.py times it as the
baseline: what Streamlit and the browser cost for a slider move on this machine."""

import base64
import io

import numpy as np
import streamlit as st
from PIL import Image


@st.fragment
def view() -> None:
    values = [st.slider(f"direction {i}", -3.0, 3.0, 0.0, 0.1, key=f"s{i}") for i in range(16)]
    pixels = np.full((8, 8), int(127 + 40 * values[0]), np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).resize((224, 224), Image.NEAREST).save(buffer, format="PNG")
    source = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    st.markdown(f'<img alt="current sample" src="{source}">', unsafe_allow_html=True)


view()
