"""The latent explorer in Streamlit's AppTest: it opens on a shipped model, a slider changes the
sample and Reset restores it exactly, every basis and tab renders, a wrong upload is refused
with the model kept, a lab hands its run over, inversion and saved directions work."""

import re
from pathlib import Path

import pytest
from conftest import open_page
from streamlit.testing.v1 import AppTest

from gan_core.networks.classifier import checkpoint_path
from gan_core.training.shipped import shipped_run

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture
def explorer():
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("app_pages/latent_explorer.py")
    at.run()
    assert not at.exception, at.exception
    return at


def sample_src(at) -> str:
    """The data URI of the current sample (the large image)."""
    for block in at.markdown:
        match = re.search(r'src="(data:image/png;base64,[^"]+)" alt="current sample"', block.value)
        if match:
            return match.group(1)
    raise AssertionError("no current sample on the page")


def first_slider(at):
    return next(s for s in at.slider if s.key and s.key.startswith("lat_dir_"))


def test_opens_on_the_shipped_dcgan_with_sliders_and_a_classified_sample(explorer):
    at = explorer
    assert at.title[0].value == "Latent explorer"
    assert at.session_state["lat_active"] == "digits-dcgan"
    assert len([s for s in at.slider if s.key and s.key.startswith("lat_dir_")]) == 16
    assert sample_src(at)
    assert any(re.match(r"Classifier: \*\*\d\*\* \(\d+%\)", m.value) for m in at.markdown)
    assert any("Generated, classified and drawn in" in c.value for c in at.caption)


def test_a_slider_changes_the_sample_and_reset_restores_it_exactly(explorer):
    at = explorer
    original = sample_src(at)
    first_slider(at).set_value(2.5).run()
    moved = sample_src(at)
    assert moved != original
    at.button(key="lat_reset").click().run()
    assert sample_src(at) == original
    assert first_slider(at).value == 0
    at.number_input(key="lat_seed").set_value(5).run()
    assert sample_src(at) != original


def test_every_basis_renders_with_its_scores(explorer):
    at = explorer
    for kind, word in (("ganspace", "of variance"), ("sefa", "eigenvalue"), ("class", "held-out acc")):
        at.selectbox(key="lat_basis").set_value(kind).run()
        assert not at.exception, kind
        assert word in first_slider(at).label
    assert any("more like" in row for row in at.dataframe[0].value.iloc[:, 0])


def test_a_wrong_upload_is_refused_and_the_model_kept_then_a_good_one_loads(explorer):
    at = explorer
    wrong = checkpoint_path("digits").read_bytes()
    at.file_uploader(key="lat_upload_file").set_value(("classifier.pt", wrong, "application/octet-stream")).run()
    assert any("classifier.pt" in e.value and "not a GAN Explorer run" in e.value for e in at.error)
    assert at.session_state["lat_active"] == "digits-dcgan" and sample_src(at)
    ring = shipped_run("ring").path.read_bytes()
    at.file_uploader(key="lat_upload_file").set_value(("my-ring.pt", ring, "application/octet-stream")).run()
    assert at.session_state["lat_active"].startswith("upload:")
    assert any("Loaded my-ring.pt" in s.value for s in at.success)
    assert any("lands at" in m.value for m in at.markdown)


def test_2d_models_show_where_a_code_lands(explorer):
    at = explorer
    at.selectbox(key="lat_choice").set_value("ring").run()
    assert not at.exception
    readout = next(m.value for m in at.markdown if "lands at" in m.value)
    first_slider(at).set_value(-2.0).run()
    assert next(m.value for m in at.markdown if "lands at" in m.value) != readout
    assert any("How G splits its prior among the modes" in c.value for c in at.caption)
    assert any("G(0.5a + 0.5b) lands" in m.value for m in at.markdown)  # the Interpolate tab


def test_conditional_model_has_labels_and_interpolation_reads_the_midpoint(explorer):
    at = explorer
    at.selectbox(key="lat_choice").set_value("digits-cgan").run()
    assert not at.exception
    assert any("of 10 as the label asked for" in c.value for c in at.caption)
    assert any("The codes a and b have norms" in m.value for m in at.markdown)
    at.selectbox(key="lat_label").set_value(7).run()
    assert not at.exception


def test_inversion_then_editing_the_found_code(explorer):
    at = explorer
    at.button(key="lat_invert").click().run()
    assert any("Match error" in m.value for m in at.markdown)
    at.button(key="lat_use_code").click().run()
    assert at.session_state["lat_base_code"] is not None
    assert any("found by inverting held-out digit #0" in c.value for c in at.caption)
    at.button(key="lat_complete").click().run()
    assert not at.exception
    assert any("fills the hidden part best" in m.value for m in at.markdown)


def test_saving_an_edit_as_a_named_direction(explorer):
    at = explorer
    assert at.button(key="lat_save").disabled  # nothing to save before a slider moves
    first_slider(at).set_value(1.5).run()
    at.text_input(key="lat_save_name").set_value("bolder").run()
    at.button(key="lat_save").click().run()
    assert at.session_state["lat_saved"]["digits-dcgan"][0][0] == "bolder"
    at.selectbox(key="lat_basis").set_value("saved").run()
    assert first_slider(at).label == "bolder"


@pytest.mark.parametrize(
    "name, prefix, lab, shows",
    [("image", "img_", "image lab", "current sample"), ("lab", "lab_", "2D lab", "lands at")],
)
def test_a_lab_hands_its_run_to_the_explorer(name, prefix, lab, shows):
    at = open_page(name)
    at.button(key=f"{prefix}step_iteration").click().run()
    at.button(key=f"explore_{lab}").click().run()
    assert not at.exception
    assert at.session_state["lat_active"].startswith("session:")
    assert at.title[0].value == "Latent explorer"
    assert any(shows in m.value for m in at.markdown)
    title = f"{lab[0].upper()}{lab[1:]} run · iteration 1"
    assert any(title in option for option in at.selectbox(key="lat_choice").options)


def test_the_settings_survive_a_visit_to_another_page(explorer):
    at = explorer
    at.number_input(key="lat_seed").set_value(7).run()
    at.selectbox(key="lat_basis").set_value("sefa").run()
    chosen = sample_src(at)
    at.switch_page("app_pages/home.py").run()
    at.switch_page("app_pages/latent_explorer.py").run()
    assert at.number_input(key="lat_seed").value == 7 and at.selectbox(key="lat_basis").value == "sefa"
    assert sample_src(at) == chosen


def test_on_faces_every_slider_has_a_factor_meter_and_the_sets_are_scored(explorer):
    """Issue 25: the faces generator's factor directions, each slider with its factor meter; the
    Directions tab's factor table and disentanglement."""
    at = explorer
    at.selectbox(key="lat_choice").set_value("faces-dcgan").run()
    assert at.selectbox(key="lat_basis").value == "factors_fixed"  # a faces model opens on them
    assert not at.exception and not at.error
    meters = [m.value for m in at.markdown if 'class="gx-meter"' in m.value]
    assert len(meters) == 16 and "hair length, " in meters[0]  # the first direction is "hair length +"
    assert any(m.value.startswith("Reader: hair ") for m in at.markdown)
    score = [m.value for m in at.markdown if "Disentanglement of this set's 21 directions" in m.value]
    assert len(score) == 1  # the whole set's, not the 16 sliders shown
    at.selectbox(key="lat_window").set_value(1).run()  # sliders 17-21: the set, and its score, are the same
    assert [m.value for m in at.markdown if "Disentanglement of this set's" in m.value] == score
    at.selectbox(key="lat_window").set_value(0).run()
    first_slider(at).set_value(2.0).run()
    assert len([m for m in at.markdown if 'class="gx-meter"' in m.value]) == 16  # cached: still there
    assert any("a linear model on 1,000 codes" in m.value for m in at.markdown)
    at.selectbox(key="lat_fit_codes").set_value(4_000).run()  # fitted on more codes: fitted anew
    assert not at.exception and any("a linear model on 4,000 codes" in m.value for m in at.markdown)
    assert len([m for m in at.markdown if 'class="gx-meter"' in m.value]) == 16


def test_a_link_opens_a_shipped_model_and_an_unknown_one_is_said():
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["model"] = "ring"
    at.run()
    at.switch_page("app_pages/latent_explorer.py")
    at.run()
    assert at.session_state["lat_active"] == "ring" and not at.exception
    assert "model" not in at.query_params  # followed once: the Model box is the person's again
    at.query_params["model"] = "no-such-model"
    at.run()
    assert "not shipped here" in at.error[0].value and at.session_state["lat_active"] == "ring"
    at.query_params["model"] = "grid"  # a second link followed later is taken too
    at.run()
    assert at.session_state["lat_active"] == "grid"
