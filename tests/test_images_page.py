"""The image lab in Streamlit's AppTest: it renders, steps, shows metrics with the real-data
ceiling, takes live changes, waits for Reset on others, and reports missing data clearly."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from gan_core.presets import get_preset
from ui import config_widgets

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture
def lab():
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.switch_page("app_pages/image_lab.py")
    at.run()
    yield at
    runner = at.session_state["img_runner"] if "img_runner" in at.session_state else None
    if runner is not None:
        runner.stop()


def metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def test_renders_with_the_dcgan_preset_and_metrics(lab):
    assert not lab.exception and not lab.error
    assert lab.title[0].value == "Image lab"
    assert metric(lab, "Iteration") == "0"
    runner = lab.session_state["img_runner"]
    assert runner.config.model.architecture == "dcgan"
    assert lab.selectbox(key="img_preset").value == "digits-dcgan"  # not "custom": nothing departs
    assert runner.snapshot.fake.shape == (64, 1, 8, 8)
    assert metric(lab, "Classes present")  # metrics at iteration 0, with the ceiling in the help
    assert any("not Inception-v3" in c.value for c in lab.caption)


def test_step_and_live_loss_change(lab):
    runner = lab.session_state["img_runner"]
    lab.button(key="img_step_iteration").click().run()
    lab.button(key="img_step_iteration").click().run()
    assert metric(lab, "Iteration") == "2"
    lab.selectbox(key="img_loss").set_value("hinge").run()
    assert runner.config.train.loss == "hinge" and runner.iteration == 2
    lab.toggle(key="img_scores").set_value(True).run()
    assert not lab.exception


def test_conditional_preset_has_one_row_per_class(lab):
    lab.selectbox(key="img_preset").set_value("digits-cgan").run()
    runner = lab.session_state["img_runner"]
    assert runner.config.model.architecture == "conditional_mlp"
    assert lab.selectbox(key="img_preset").value == "digits-cgan"
    labels = runner.snapshot.fake_labels
    assert len(labels) == 80 and (labels[::8] == list(range(10))).all()
    assert metric(lab, "Requested label hit")


def test_non_live_setting_waits_for_reset_and_missing_mnist_is_explained(lab, tmp_path):
    runner = lab.session_state["img_runner"]
    lab.selectbox(key="img_name").set_value("mnist").run()
    lab.text_input(key="img_root").set_value(str(tmp_path)).run()
    assert any("Reset" in w.value for w in lab.warning)
    assert runner.config.data.name == "digits"
    lab.button(key="img_reset").click().run()
    assert any("MNIST" in e.value and "download" in e.value for e in lab.error)
    assert runner.config.data.name == "digits"  # the old run is kept
    assert not lab.exception


def test_wgan_gp_on_dcgan_needs_a_reset():
    config = get_preset("digits-dcgan")
    assert config_widgets.pending_reset(config, config.replace(train=dict(loss="wgan_gp"))) == ["train.loss"]
    assert config_widgets.pending_reset(config, config.replace(train=dict(loss="hinge"))) == []


def test_switching_architecture_hides_what_it_ignores_and_keeps_the_config_valid(lab):
    """From the DCGAN preset (one extra G layer) to the MLP GAN: the DCGAN-only widgets go, the
    MLP's layer counts appear, and the config Reset would use is valid (extra layers back to 0)."""
    assert lab.number_input(key="img_g_extra_layers") is not None
    lab.selectbox(key="img_architecture").set_value("mlp").run()
    keys = {widget.key for widget in lab.number_input}
    assert "img_g_extra_layers" not in keys and "img_g_layers" in keys
    assert not lab.exception and not any("Invalid setting" in e.value for e in lab.error)
    lab.button(key="img_reset").click().run()
    runner = lab.session_state["img_runner"]
    assert runner.config.model.architecture == "mlp" and runner.config.model.g_extra_layers == 0
    lab.selectbox(key="img_architecture").set_value("dcgan").run()
    assert lab.number_input(key="img_g_extra_layers").value == 0


def test_the_preset_box_offers_only_image_presets(lab):
    options = lab.selectbox(key="img_preset").options
    assert "digits-dcgan" in options and "ring" not in options


def test_checkpoint_round_trip_and_a_2d_checkpoint_is_refused(lab):
    from gan_core.training import Trainer, checkpoint

    runner = lab.session_state["img_runner"]
    lab.button(key="img_step_iteration").click().run()
    saved = runner.checkpoint_bytes()
    lab.button(key="img_step_iteration").click().run()
    lab.file_uploader(key="img_checkpoint_upload").set_value(("run.pt", saved, "application/octet-stream")).run()
    assert runner.iteration == 1 and any("run.pt" in s.value for s in lab.success)
    toy = checkpoint.to_bytes(Trainer(get_preset("ring").replace(train=dict(device="cpu"))))
    lab.file_uploader(key="img_checkpoint_upload").set_value(("toy.pt", toy, "application/octet-stream")).run()
    assert any("2D lab" in e.value for e in lab.error) and runner.config.data.name == "digits"
    assert not lab.exception


def test_can_the_discriminator_generate_tab_filters_generated_images(lab):
    lab.button(key="img_step_iteration").click().run()
    lab.button(key="img_drs_run").click().run()
    assert not lab.exception and not lab.error
    assert any("D kept" in c.value and "of 2,000 images" in c.value for c in lab.caption)
    assert any("kept images, against as many" in c.value for c in lab.caption)
    lab.selectbox(key="img_loss").set_value("hinge").run()
    assert any("probabilistic loss" in i.value for i in lab.info)
