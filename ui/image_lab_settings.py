"""The image lab's sidebar: its preset, its link, and the data, network and training settings
(only those the chosen architecture reads)."""

from __future__ import annotations

import streamlit as st

from gan_core.config import D_NORMS, IMAGE_DATASETS, NOISE_PRIORS, ModelConfig, applicable_model_fields
from gan_core.data.downloads import DOWNLOADS, fetch, megabytes
from gan_core.data.images import DataUnavailableError

from .config_widgets import TRAINING_FIELDS, PageFields

FIELDS = PageFields(
    prefix="img_",
    data=("name", "image_size", "channels", "root", "download"),
    model=(
        "architecture",
        "noise_dim",
        "noise_prior",
        "g_width",
        "d_width",
        "g_layers",
        "d_layers",
        "d_norm",
        "g_extra_layers",
        "d_extra_layers",
    ),
    train=(*TRAINING_FIELDS, "instance_noise", "label_smoothing"),
)
ARCHITECTURE_LABELS = {
    "mlp": "MLP GAN (Goodfellow 2014)",
    "conditional_mlp": "Conditional GAN (Mirza 2014)",
    "dcgan": "DCGAN (Radford 2016)",
}
DATA_LABELS = {
    "digits": "Digits 8x8 (built in)",
    "faces": "Faces (drawn, built in)",
    "mnist": "MNIST",
    "fashion_mnist": "Fashion-MNIST",
    "folder": "My image folder",
}


NETWORK_HELP = {  # per network: what its width means in a DCGAN, where its extra layers go
    "g": ("channels of G's last hidden layer (doubling towards the noise)", "before G's output layer"),
    "d": ("channels of D's first layer (doubling at each stage)", "after D's input layer"),
}


FACE_SIZES, OTHER_SIZES = (32, 64), (8, 16, 28, 32)


def _sizes_follow_data(page) -> None:
    """Faces are drawn in colour at 32 or 64 pixels; the other data sets take 8-32."""
    state, key = page.state, page.key
    if state[key("name")] == "faces":
        state[key("channels")] = 3
        if state[key("image_size")] not in FACE_SIZES:
            state[key("image_size")] = 32
    elif state[key("image_size")] not in OTHER_SIZES:
        state[key("image_size")] = 8 if state[key("name")] == "digits" else 28


def data_settings(page) -> None:
    key = page.key
    name = st.selectbox(
        "Data set",
        IMAGE_DATASETS,
        key=key("name"),
        format_func=lambda n: DATA_LABELS.get(n, n),
        on_change=_sizes_follow_data,
        args=(page,),
    )
    left, right = st.columns(2)
    left.selectbox("Image size", FACE_SIZES if name == "faces" else OTHER_SIZES, key=key("image_size"))
    right.selectbox(
        "Channels", (3,) if name == "faces" else (1, 3), key=key("channels"), format_func={1: "grey", 3: "colour"}.get
    )
    if name == "faces":
        st.caption("Cartoon faces drawn from 10 known factors, fresh for every batch (docs/faces.md).")
    elif name != "digits":
        st.text_input(
            "Folder" if name == "folder" else "Data folder",
            key=key("root"),
            help="MNIST / Fashion-MNIST: where torchvision keeps them. Your images: one "
            "sub-folder per class, or images directly in the folder.",
        )
        if name in DOWNLOADS:
            download_box(page, DOWNLOADS[name], page.state[key("root")])


def download_box(page, download, root: str) -> None:
    """Where the data set is, or its size and a button that fetches it with a progress bar."""
    if download.is_present(root):
        st.caption(f"{download.label} is on this machine ({download.raw_folder(root)}).")
        return
    st.caption(
        f"{download.label} is not under {str(root)!r}: {megabytes(download.size)} to download "
        f"(checksums checked; saved where torchvision looks)."
    )
    if st.button(
        f"Download {download.label} ({megabytes(download.size)})", key=page.key("fetch"), icon=":material/download:"
    ):
        bar = st.progress(0.0, text="Starting…")
        try:
            fetch(
                download,
                root,
                lambda done, total: bar.progress(
                    min(done / total, 1.0), text=f"{megabytes(done)} of {megabytes(total)}"
                ),
            )
        except DataUnavailableError as error:
            bar.empty()
            st.error(str(error))
        else:
            bar.empty()
            st.success(f"{download.label} is ready: press Reset to train on it.")


def network_settings(page) -> None:
    key, number, model = page.key, page.number, page.runner.config.model
    architecture = st.selectbox(
        "Model", list(ARCHITECTURE_LABELS), key=key("architecture"), format_func=ARCHITECTURE_LABELS.get
    )
    # Only the settings this architecture reads (gan_core.config.ARCHITECTURE_FIELDS) are shown.
    conditional = architecture == "conditional_mlp"
    shown = applicable_model_fields(
        ModelConfig(architecture=architecture, g_hidden=model.g_hidden if conditional else ())
    )
    left, right = st.columns(2)
    number_of_noise = left.container()
    right.selectbox("Noise prior", NOISE_PRIORS, key=key("noise_prior"))
    with number_of_noise:
        number("Noise dimension", "noise_dim", min_value=1, max_value=128, step=1)
    for column, net in ((left, "g"), (right, "d")):
        name, (width_help, extra_help) = net.upper(), NETWORK_HELP[net]
        with column:
            if f"{net}_width" in shown:
                number(
                    f"{name} width", f"{net}_width", min_value=1, max_value=1024, step=16, help=f"DCGAN: {width_help}."
                )
            if f"{net}_layers" in shown:
                number(f"{name} layers", f"{net}_layers", min_value=0, max_value=6, step=1)
            if f"{net}_extra_layers" in shown:
                number(
                    f"{name} extra layers", f"{net}_extra_layers", min_value=0, max_value=4, step=1,
                    help=f"Stride-1 3x3 convolutions {extra_help}.",
                )  # fmt: skip
    if "g_hidden" in shown and model.g_hidden:
        st.caption(f"Generator hidden layers: {' + '.join(map(str, model.g_hidden))} units (from the preset).")
    if "d_norm" in shown:
        st.selectbox(
            "D normalisation",
            D_NORMS,
            key=key("d_norm"),
            help="auto: BatchNorm (LayerNorm under WGAN-GP, whose per-sample penalty a batch norm "
            "breaks); spectral: spectral normalisation of D's weights (Miyato et al. 2018).",
        )


TRICKS = (  # (label, setting, largest value, help): the image lab's two stabilising tricks, both live
    (
        "Instance noise", "instance_noise", 2.0,
        "Std of Gaussian noise added to every image D sees, real and generated, fading to 0 over the run's "
        "iterations (Sonderby et al. 2016). Changes while training runs.",
    ),
    (
        "Label smoothing", "label_smoothing", 0.49,
        "One-sided: D's target for real images is 1 minus this (Salimans et al. 2016). minimax and nsgan only. "
        "Changes while training runs.",
    ),
)  # fmt: skip


def training_settings(page) -> None:
    page.training_widgets(optimizers=False, drawn="the grid")
    for column, (label, name, largest, help_text) in zip(st.columns(2), TRICKS):
        with column:
            page.number(label, name, min_value=0.0, max_value=largest, step=0.05, format="%.2f", help=help_text)


def sidebar(page):
    """The settings; returns the config they describe (None when a value is bad)."""
    with st.sidebar:
        page.preset_box()
        page.share_button({})
        reset_notice = st.container()
        with st.expander("Data", expanded=True):
            data_settings(page)
        with st.expander("Networks", expanded=True):
            network_settings(page)
        with st.expander("Training", expanded=True):
            training_settings(page)
    return page.desired_config(reset_notice)
