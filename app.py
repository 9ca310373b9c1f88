"""GAN Explorer: the Streamlit entry point. Builds the navigation once and shows, in the
sidebar, the page links and which device trains and which version runs."""

import streamlit as st
import torch

import gan_core
from gan_core.device import describe_device, pick_device

# The server process itself only runs small forward passes (the latent explorer; training runs in
# processes of its own): one intra-op thread, since a second one's spin-waits cost far more than
# they give when the browser or a training process wants the same cores (bench/latent_speed.py).
if torch.get_num_threads() != 1:
    torch.set_num_threads(1)

st.set_page_config(page_title="GAN Explorer", page_icon=":material/scatter_plot:", layout="wide")

# The pages live in app_pages/, not pages/: Streamlit reads a pages/ folder as a multipage app of
# its own, and a deep link (/latent, /images) then opened on a "Page not found" box.
PAGES = [
    st.Page("app_pages/home.py", title="Home", icon=":material/home:", url_path="home"),
    st.Page("app_pages/lab_2d.py", title="2D lab", icon=":material/scatter_plot:", url_path="lab"),
    st.Page("app_pages/image_lab.py", title="Image lab", icon=":material/image:", url_path="images"),
    st.Page("app_pages/latent_explorer.py", title="Latent explorer", icon=":material/explore:", url_path="latent"),
    st.Page("app_pages/gan_vs_vae.py", title="GAN vs VAE", icon=":material/compare:", url_path="gan-vs-vae"),
    st.Page("app_pages/applications.py", title="Applications", icon=":material/auto_awesome:", url_path="applications"),
    st.Page("app_pages/theory.py", title="Theory", icon=":material/function:", url_path="theory"),
]
LAB = PAGES[1]


def start() -> None:
    """The app's root: the 2D lab, what a person sees first (`make run` opens it on the ring).
    Streamlit serves its default page only at the root, so a default page of its own would leave
    /lab unreachable (a deep link, a bookmark, a reload opened on "Page not found"); the root
    hands over to the lab's own URL instead."""
    st.switch_page(LAB, query_params=st.query_params.to_dict())  # a shared link's settings go along


# The root page is hidden, and so is Streamlit's own menu: the sidebar lists the pages below.
navigation = st.navigation([st.Page(start, title="GAN Explorer", url_path="start", default=True), *PAGES],
                           position="hidden")  # fmt: skip
with st.sidebar:
    for page in PAGES:
        st.page_link(page)
    st.divider()
    st.caption(f"GAN Explorer {gan_core.__version__} · device: {describe_device(pick_device('auto'))}")
navigation.run()
