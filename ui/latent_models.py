"""Which generator the latent explorer shows, and the caches behind it: shipped runs by name,
the run a lab hands over ("Explore this generator"), or an uploaded checkpoint. A loaded model
and each of its bases are computed once per server (st.cache_resource: read-only, shared), so a
slider move only runs the generator.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import streamlit as st

from gan_core.sampling import directions
from gan_core.training.shipped import SHIPPED_RUNS
from gan_core.views import latent

SESSION_RUN_KEY = "lat_session_run"  # what a lab hands over: {"bytes", "label", "digest"}
PAGE = "app_pages/latent_explorer.py"


@dataclass(frozen=True)
class ModelChoice:
    id: str  # the cache key: a shipped preset, or "session:<digest>" / "upload:<digest>"
    title: str


def digest(content: bytes) -> str:
    return hashlib.sha1(content).hexdigest()[:16]


def shipped_choices() -> list[ModelChoice]:
    return [ModelChoice(run.preset, run.title) for run in SHIPPED_RUNS if run.path.is_file()]


@st.cache_resource(max_entries=12, show_spinner="Loading the generator…")
def load_model(model_id: str, _source, title: str) -> latent.LatentModel:
    """`_source` (a path or bytes) is not hashed: `model_id` names it (with a digest of bytes)."""
    return latent.load_latent_model(_source, title)


@st.cache_resource(max_entries=64, show_spinner="Computing directions…")
def load_basis(model_id: str, kind: str, fit_codes: int, _model: latent.LatentModel) -> directions.Basis:
    return latent.compute_basis(_model, kind, fit_codes=fit_codes)


def vectors_digest(vectors) -> str:
    """What identifies some directions in a cache: their numbers (saved directions are named by
    people, and two people's "direction 1" differ)."""
    return hashlib.sha1(np.ascontiguousarray(vectors, dtype=np.float64).tobytes()).hexdigest()[:16]


def load_factor_effects(model_id: str, kind: str, names, model, vectors):
    """The factor meters of some directions (gan_core.views.latent.factor_effects), once per server."""
    return _factor_effects(model_id, vectors_digest(vectors), tuple(names), model, vectors)


def effects_of(model_id: str, model, basis: directions.Basis, rows):
    """What directions `rows` of `basis` change, taken from one cached walk of the set's scored
    directions and these rows: the sliders' meters, the Directions table and the set's score
    (always the whole set's) read the same walk instead of each walking their own."""
    walked = sorted(set(range(directions.scored_count(basis))) | set(rows))
    names = tuple(basis.names[i] for i in walked)
    effects = load_factor_effects(model_id, basis.kind, names, model, basis.vectors[walked])
    return effects.select([walked.index(i) for i in rows])


@st.cache_resource(max_entries=128, show_spinner="Reading what each direction changes…")
def _factor_effects(model_id: str, digest_: str, names: tuple[str, ...], _model, _vectors):
    return latent.factor_effects(_model, _vectors, names)


def load_effects(model_id: str, kind: str, names, model, vectors) -> list[str]:
    """What each of some directions does (gan_core.views.latent.direction_effects), once per server."""
    return _effects(model_id, vectors_digest(vectors), model, vectors)


@st.cache_resource(max_entries=128, show_spinner="Measuring what each direction does…")
def _effects(model_id: str, digest_: str, _model, _vectors) -> list[str]:
    return latent.direction_effects(_model, _vectors)


def hand_over(checkpoint_bytes: bytes, label: str) -> None:
    """Called by a lab's "Explore this generator": remember its run for the explorer and open it."""
    st.session_state[SESSION_RUN_KEY] = {"bytes": checkpoint_bytes, "label": label, "digest": digest(checkpoint_bytes)}
    st.session_state["lat_choice"] = f"session:{digest(checkpoint_bytes)}"
    st.switch_page(PAGE)


def explore_button(runner, lab: str) -> None:
    """The button a lab shows: hand its current run to the latent explorer."""
    if st.button(
        "Explore this generator",
        key=f"explore_{lab}",
        icon=":material/explore:",
        help="Open the latent explorer on the generator trained here (as it is now).",
    ):
        iteration = runner.iteration
        hand_over(runner.checkpoint_bytes(), f"{lab[0].upper()}{lab[1:]} run · iteration {iteration:,}")
