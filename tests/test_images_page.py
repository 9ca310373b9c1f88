"""The image lab in Streamlit's AppTest: it renders, steps, shows metrics with the real-data
ceiling, takes live changes, waits for Reset on others, and reports missing data clearly."""

import pytest
from conftest import chart_layouts, metric, open_page, said

from gan_core.presets import get_preset
from ui import config_widgets


@pytest.fixture
def lab():
    return open_page("image")


def figure(at, title_start: str) -> dict:
    """The layout of the chart whose title starts with `title_start`."""
    return next(
        layout for layout in chart_layouts(at) if layout.get("title", {}).get("text", "").startswith(title_start)
    )


def waits_for_reset(at) -> bool:
    return "apply on **Reset**" in said(at, "warning")


def test_renders_with_the_dcgan_preset_and_metrics(lab):
    assert not lab.exception and not lab.error
    assert lab.title[0].value == "Image lab"
    assert metric(lab, "Iteration") == "0"
    assert lab.selectbox(key="img_architecture").value == "dcgan" and not waits_for_reset(lab)
    assert lab.selectbox(key="img_preset").value == "digits-dcgan"  # not "custom": nothing departs
    assert figure(lab, "Generated, iteration 0")
    assert metric(lab, "Classes present")  # metrics at iteration 0, with the ceiling in the help
    assert any("not Inception-v3" in c.value for c in lab.caption)


def test_step_and_live_loss_change(lab):
    lab.button(key="img_step_iteration").click().run()
    lab.button(key="img_step_iteration").click().run()
    assert metric(lab, "Iteration") == "2"
    lab.selectbox(key="img_loss").set_value("hinge").run()
    assert metric(lab, "Iteration") == "2" and not waits_for_reset(lab)  # hinge trains now, no reset
    lab.toggle(key="img_scores").set_value(True).run()
    assert not lab.exception


def test_conditional_preset_has_one_row_per_class(lab):
    lab.selectbox(key="img_preset").set_value("digits-cgan").run()
    assert lab.selectbox(key="img_architecture").value == "conditional_mlp" and not waits_for_reset(lab)
    assert lab.selectbox(key="img_preset").value == "digits-cgan"
    rows = [note["text"] for note in figure(lab, "Generated")["annotations"]]
    assert rows == [str(k) for k in range(10)]  # 80 images: each row asks for one class
    assert metric(lab, "Requested label hit")


def test_non_live_setting_waits_for_reset_and_missing_mnist_is_explained(lab, tmp_path):
    lab.button(key="img_step_iteration").click().run()
    lab.selectbox(key="img_name").set_value("mnist").run()
    lab.text_input(key="img_root").set_value(str(tmp_path)).run()
    assert waits_for_reset(lab)
    lab.button(key="img_reset").click().run()
    assert any("MNIST" in e.value and "download" in e.value for e in lab.error)
    assert metric(lab, "Iteration") == "1" and waits_for_reset(lab)  # the old run is kept
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
    assert not waits_for_reset(lab)  # the MLP trains
    lab.selectbox(key="img_architecture").set_value("dcgan").run()
    assert lab.number_input(key="img_g_extra_layers").value == 0


def test_the_preset_box_offers_only_image_presets(lab):
    options = lab.selectbox(key="img_preset").options
    assert "digits-dcgan" in options and "ring" not in options


def test_checkpoint_round_trip_and_a_2d_checkpoint_is_refused(lab):
    from gan_core.training import Trainer, checkpoint

    saved = Trainer(get_preset("digits-dcgan").replace(train=dict(device="cpu")))
    saved.step()  # a run saved at iteration 1 (by the CLI, or by this page's download)
    lab.button(key="img_step_iteration").click().run()
    lab.button(key="img_step_iteration").click().run()
    upload = ("run.pt", checkpoint.to_bytes(saved), "application/octet-stream")
    lab.file_uploader(key="img_checkpoint_upload").set_value(upload).run()
    assert metric(lab, "Iteration") == "1" and any("run.pt at iteration 1" in s.value for s in lab.success)
    toy = checkpoint.to_bytes(Trainer(get_preset("ring").replace(train=dict(device="cpu"))))
    lab.file_uploader(key="img_checkpoint_upload").set_value(("toy.pt", toy, "application/octet-stream")).run()
    assert any("2D lab" in e.value for e in lab.error)
    assert metric(lab, "Iteration") == "1" and lab.selectbox(key="img_name").value == "digits"
    assert not lab.exception


def test_can_the_discriminator_generate_tab_filters_generated_images(lab):
    lab.button(key="img_step_iteration").click().run()
    lab.button(key="img_drs_run").click().run()
    assert not lab.exception and not lab.error
    assert any("D kept" in c.value and "of 2,000 images" in c.value for c in lab.caption)
    assert any("kept images, against as many" in c.value for c in lab.caption)
    lab.selectbox(key="img_loss").set_value("hinge").run()
    assert any("probabilistic loss" in i.value for i in lab.info)
    lab.selectbox(key="img_preset").set_value("digits-mlp").run()  # another run: the old result goes
    assert not any("D kept" in c.value for c in lab.caption)
    assert metric(lab, "Iteration") == "0"  # the new run; the old one is offered back, once
    lab.button(key="img_bring_back").click().run()
    assert metric(lab, "Iteration") == "1" and lab.selectbox(key="img_loss").value == "hinge"
    assert any("Brought back the run at iteration 1" in s.value for s in lab.success)


def test_on_faces_the_lab_scores_factor_coverage_and_the_data_box_sets_the_faces_sizes(lab):
    lab.selectbox(key="img_name").set_value("faces").run()  # the size follows: faces are 32 or 64 pixels
    assert lab.selectbox(key="img_image_size").value == 32 and lab.selectbox(key="img_channels").value == 3
    assert not lab.error
    lab.selectbox(key="img_preset").set_value("faces-dcgan").run()
    assert lab.selectbox(key="img_name").value == "faces" and not waits_for_reset(lab)
    rows = [note["text"] for note in figure(lab, "Real")["annotations"]]
    assert rows == ["black", "brown", "blonde", "red", "blue"]  # the real faces, by hair colour
    assert metric(lab, "FID / real ceiling").endswith("x") and metric(lab, "Hair colours present")
    assert any("Factor coverage" in c.value and "target at most 0.1" in c.value for c in lab.caption)
    assert figure(lab, "Factor coverage")
    lab.selectbox(key="img_factor_shown").set_value("glasses").run()  # one factor's histogram, both sets
    assert figure(lab, "Glasses: generated vs real")["xaxis"]["title"]["text"].startswith("glasses")
    assert not lab.exception
    lab.button(key="img_step_iteration").click().run()
    lab.button(key="img_drs_run").click().run()  # "Can D generate?" scores the kept faces with the reader
    assert any("The face reader's scores of the" in c.value and "kept faces" in c.value for c in lab.caption)
    assert metric(lab, "Worst factor TV") and not lab.exception
