"""The latent explorer's state and callbacks: which model is shown (and falling back to the one
shown when another fails to load), the seed, the truncation, the basis and the sliders' edit,
and the small helpers every tab draws with. Widget keys all start with "lat_"."""

from __future__ import annotations

import random

import streamlit as st
import torch

from gan_core.sampling import directions
from gan_core.training.checkpoint import CheckpointError
from gan_core.training.shipped import shipped_run
from gan_core.views import latent

from . import latent_models as models

N_SLIDERS = directions.MAX_DIRECTIONS
MAX_CHECKPOINT_BYTES = 50_000_000
state = st.session_state


# Widgets whose values Streamlit forgets after a run of another page; kept in "lat_memory".
REMEMBERED = (
    "lat_choice", "lat_seed", "lat_truncation", "lat_basis", "lat_fit_codes", "lat_window", "lat_label", "lat_strip",
)  # fmt: skip
# How many codes the factor directions are fitted on: more keep the other factors fixed better
# (docs/latent_directions.md), at the cost of seconds on a 2-core laptop.
FIT_CODES = {
    directions.FACTOR_SAMPLES: "1,000 codes (under a second)",
    4_000: "4,000 codes (about 2 s)",
    16_000: "16,000 codes (about 7 s; the best fit)",
}


# ----- state --------------------------------------------------------------------------------------
def init_state() -> None:
    memory = state.setdefault("lat_memory", {})
    for key in REMEMBERED:  # back from another page: the widgets show what they showed
        if key not in state and key in memory:
            state[key] = memory[key]
    shipped = models.shipped_choices()
    state.setdefault("lat_choice", shipped[0].id if shipped else None)
    state.setdefault("lat_active", None)  # the choice that loaded last: kept when another fails
    state.setdefault("lat_uploaded", None)  # {"bytes", "name", "digest"}
    state.setdefault("lat_message", None)
    state.setdefault("lat_seed", 0)
    state.setdefault("lat_truncation", 1.0)
    state.setdefault("lat_basis", "axes")
    state.setdefault("lat_fit_codes", directions.FACTOR_SAMPLES)
    state.setdefault("lat_window", 0)
    state.setdefault("lat_label", 0)
    state.setdefault("lat_edit", {})  # direction index -> stds, for the current basis
    state.setdefault("lat_base_code", None)  # a code found by inversion, instead of the seed's
    state.setdefault("lat_base_note", "")
    state.setdefault("lat_saved", {})  # model id -> [(name, vector)]
    state.setdefault("lat_strip", 0)
    follow_link()


def follow_link() -> None:
    """`/latent?model=faces-dcgan` opens on that shipped model; an unknown name is said, and the
    model shown stays. The link is followed once (taken out of the address): afterwards the Model
    box is the person's, and the next link followed is taken again."""
    wanted = st.query_params.get("model")
    if not wanted:
        return
    del st.query_params["model"]
    shipped = [choice.id for choice in models.shipped_choices()]
    if wanted in shipped:
        state["lat_choice"] = wanted
    else:
        say(
            "error",
            f"The link asks for the model {wanted[:40]!r}, which is not shipped here; shipped: {', '.join(shipped)}.",
        )


def remember() -> None:
    """Keep the widgets' values where Streamlit does not forget them (see REMEMBERED)."""
    state["lat_memory"].update({key: state[key] for key in REMEMBERED if key in state})


def say(kind: str, text: str) -> None:
    state["lat_message"] = (kind, text)


def say_upload(kind: str, text: str) -> None:
    """An upload's answer, shown under the uploader; an error also in a toast (on a projector the
    sidebar holds it below the fold)."""
    state["lat_upload_message"] = (kind, text)
    if kind == "error":
        st.toast(text.split(":")[0] + ": see under the uploader.", icon=":material/error:")


def show_message(where: str = "lat_message") -> None:
    """What a callback said, once. An upload's answer is shown under the uploader (`where`
    "lat_upload_message"): at the top of the page it stayed through the fragments' reruns
    (inversion, completion), which do not redraw what is outside them."""
    message = state.get(where)
    if message:
        kind, text = message
        {"error": st.error, "warning": st.warning, "info": st.info}.get(kind, st.success)(text)
        state[where] = None


def clear_edit() -> None:
    """All sliders back to 0 (the sample is the base code's again, exactly)."""
    for key in [key for key in state if key.startswith("lat_dir_")]:
        del state[key]
    state["lat_edit"] = {}


# ----- which model ---------------------------------------------------------------------------------
def choices() -> dict[str, models.ModelChoice]:
    found = {choice.id: choice for choice in models.shipped_choices()}
    handed = state.get(models.SESSION_RUN_KEY)
    if handed:
        found[f"session:{handed['digest']}"] = models.ModelChoice(f"session:{handed['digest']}", handed["label"])
    uploaded = state.get("lat_uploaded")
    if uploaded:
        found[f"upload:{uploaded['digest']}"] = models.ModelChoice(
            f"upload:{uploaded['digest']}", upload_title(uploaded["name"])
        )
    return found


def upload_title(name: str) -> str:
    return f"Uploaded: {name}"


def source_of(choice_id: str):
    if choice_id.startswith("session:"):
        return state[models.SESSION_RUN_KEY]["bytes"]
    if choice_id.startswith("upload:"):
        return state["lat_uploaded"]["bytes"]
    return shipped_run(choice_id).path


def load(choice_id: str):
    return models.load_model(choice_id, source_of(choice_id), choices()[choice_id].title)


def on_choice() -> None:
    """Load the chosen model; on failure say why and go back to the one shown."""
    choice = state["lat_choice"]
    try:
        load(choice)
    except (CheckpointError, OSError, KeyError) as error:
        say("error", f"Could not open that model: {error}. The model shown is kept.")
        state["lat_choice"] = state["lat_active"]
        return
    show_model(choice)


def show_model(choice: str) -> None:
    """Make a loaded model the one shown, from its seed's sample with no edit."""
    state["lat_active"] = choice
    state["lat_base_code"], state["lat_base_note"] = None, ""
    state["lat_basis"], state["lat_window"], state["lat_label"], state["lat_strip"] = "axes", 0, 0, 0
    model = load(choice)
    if model.walks_factors:  # "hair length +" is a slider at once (others kept fixed where there is room)
        state["lat_basis"] = latent.factor_kinds(model)[-1]
    clear_edit()
    state.pop("lat_inversion", None)
    state.pop("lat_completion", None)


def on_upload() -> None:
    uploaded = state.get("lat_upload_file")
    if uploaded is None:
        return
    content = uploaded.getvalue()
    if len(content) > MAX_CHECKPOINT_BYTES:
        say_upload("error", f"{uploaded.name} is {len(content) / 1e6:.0f} MB; checkpoints of up to 50 MB are taken.")
        return
    choice = f"upload:{models.digest(content)}"
    try:
        models.load_model(choice, content, upload_title(uploaded.name))
    except (CheckpointError, OSError) as error:
        say_upload("error", f"Could not open {uploaded.name}: {error}. The model shown is kept.")
        return
    state["lat_uploaded"] = {"bytes": content, "name": uploaded.name, "digest": models.digest(content)}
    state["lat_choice"] = choice
    show_model(choice)
    say_upload("success", f"Loaded {uploaded.name}.")


def on_basis() -> None:
    state["lat_window"], state["lat_strip"] = 0, 0
    clear_edit()


def on_window() -> None:
    state["lat_strip"] = 0


def on_random() -> None:
    state["lat_seed"] = random.randrange(0, 100_000)
    state["lat_base_code"], state["lat_base_note"] = None, ""


def on_seed() -> None:
    state["lat_base_code"], state["lat_base_note"] = None, ""


def on_slider(index: int) -> None:
    """A slider moved. Its key may be gone: a change of basis or model in the same rerun (its
    callback ran first) cleared every slider, and that edit wins."""
    if f"lat_dir_{index}" not in state:
        return
    value = float(state[f"lat_dir_{index}"])
    if value:
        state["lat_edit"][index] = value
    else:
        state["lat_edit"].pop(index, None)


# ----- the code shown --------------------------------------------------------------------------------
def basis_kinds(model: latent.LatentModel, model_id: str) -> list[str]:
    kinds = ["axes", "ganspace", "sefa"]
    if model.walks_factors:
        kinds += latent.factor_kinds(model)
    elif model.classifier is not None and not model.generator.conditional and model.kind == "image":
        kinds.append("class")
    if state["lat_saved"].get(model_id):
        kinds.append("saved")
    return kinds


def current_basis(model, model_id: str) -> directions.Basis:
    kind = state["lat_basis"]
    if kind == "saved":
        return directions.saved_basis(state["lat_saved"][model_id], model.generator.noise_dim)
    return models.load_basis(model_id, kind, fit_codes(kind), model)


def fit_codes(kind: str) -> int:
    """The codes a basis of this kind is fitted on: the person's choice for factor directions."""
    return int(state["lat_fit_codes"]) if kind in directions.FACTOR_KINDS else directions.FACTOR_SAMPLES


def base_code(generator) -> torch.Tensor:
    """The code before any slider: the seed's (times the truncation psi) or an inverted one."""
    if state["lat_base_code"] is not None:
        return torch.tensor(state["lat_base_code"], dtype=torch.float32)
    return generator.codes(int(state["lat_seed"]))[0] * float(state["lat_truncation"])


def edited_code(generator, basis) -> torch.Tensor:
    z = base_code(generator).double()
    vectors = torch.as_tensor(basis.vectors)
    for index, stds in state["lat_edit"].items():
        if index < len(vectors):
            z = z + stds * generator.prior_std * vectors[index]
    return z.float()


def current_label(model) -> int | None:
    return int(state["lat_label"]) if model.generator.conditional else None


def readings(model, images: torch.Tensor) -> list[tuple[str, float]] | None:
    """(class name, confidence) the classifier gives each image, or None without a classifier."""
    reading = latent.classify(model, images)
    if reading is None:
        return None
    return [(model.class_names[k], float(p)) for k, p in zip(*reading)]


def caption_for(model, images: torch.Tensor) -> list[str]:
    """ "7 (93%)" per image, "blue hair (100%)" on faces (their classes are hair colours); "" without
    a classifier."""
    found = readings(model, images)
    noun = " hair" if model.reads_factors else ""
    return [""] * len(images) if found is None else [f"{name}{noun} ({p:.0%})" for name, p in found]
