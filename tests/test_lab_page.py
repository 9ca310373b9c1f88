"""The 2D lab page in Streamlit's AppTest, driven and read as a person does: it renders, steps,
takes live changes, reports a bad CSV upload while keeping the previous points, and asks for a
reset for non-live settings."""

import re

import pytest
from conftest import metric, open_lab, rerun_until, said

from gan_core.data.points import read_points_bytes
from gan_core.presets import get_preset
from gan_core.training import Trainer, checkpoint


@pytest.fixture
def lab():
    return open_lab()


def waits_for_reset(at) -> bool:
    return "These apply on **Reset**" in said(at, "warning")


def test_renders_with_defaults(lab):
    assert not lab.exception
    assert lab.title[0].value == "2D lab"
    assert metric(lab, "Iteration") == "0"
    assert not lab.error
    assert lab.selectbox(key="lab_name").value == "ring" and lab.selectbox(key="lab_preset").value == "ring"
    assert not waits_for_reset(lab)  # the widgets describe the run that trains


def test_manual_step_buttons_advance_the_counters(lab):
    lab.button(key="lab_step_iteration").click().run()
    lab.button(key="lab_step_iteration").click().run()
    assert metric(lab, "Iteration") == "2"
    lab.button(key="lab_step_discriminator").click().run()
    assert "Updates so far: D 3 · G 2" in said(lab)
    lab.button(key="lab_step_generator").click().run()
    assert metric(lab, "Iteration") == "2" and "Updates so far: D 3 · G 3" in said(lab)


def test_a_manual_step_says_what_it_did(lab):
    lab.button(key="lab_step_iteration").click().run()
    lab.button(key="lab_step_discriminator").click().run()
    said_info = said(lab, "info")
    assert "**D step**: 1 discriminator update;" in said_info and "D loss" in said_info and "→" in said_info
    assert "the iteration count stays at 1" in said_info
    assert "Updates so far: D 2 · G 1" in said(lab)
    lab.button(key="lab_step_generator").click().run()
    assert "**G step**: 1 generator update;" in said(lab, "info")
    assert "Updates so far: D 2 · G 2" in said(lab)


def test_a_diverged_run_keeps_its_loss_chart_and_offers_the_roll_back(lab):
    # Least squares under plain SGD at a learning rate of 1 blows up within a few iterations.
    lab.selectbox(key="lab_loss").set_value("lsgan").run()
    for net in ("d", "g"):
        lab.selectbox(key=f"lab_{net}_optimizer").set_value("sgd").run()
        lab.number_input(key=f"lab_{net}_lr").set_value(1.0).run()
    lab.button(key="lab_reset").click().run()
    lab.button(key="lab_play").click().run()
    assert rerun_until(lab, lambda at: "diverged at iteration" in said(at, "error"), seconds=60)
    assert lab.button(key="lab_play").disabled and "roll back" in lab.button(key="lab_play").help
    loss_chart = next(c for c in lab.get("plotly_chart") if '"Losses"' in c.proto.spec)
    assert "diverged at" in loss_chart.proto.spec
    lab.button(key="lab_roll_back").click().run()
    assert "diverged" not in said(lab, "error") and not lab.button(key="lab_play").disabled


def d_output_neutral(at) -> str:
    chart = next(c for c in at.get("plotly_chart") if "D cannot tell" in c.proto.spec)
    return chart.proto.spec


def test_changing_the_loss_mid_run_takes_effect(lab):
    lab.button(key="lab_step_iteration").click().run()
    assert "0.5: D cannot tell" in d_output_neutral(lab)
    lab.selectbox(key="lab_loss").set_value("wgan_gp").run()
    assert metric(lab, "Iteration") == "1"  # the run went on, no reset
    lab.button(key="lab_step_iteration").click().run()
    assert metric(lab, "Iteration") == "2"
    assert "0: D cannot tell" in d_output_neutral(lab)  # the critic's neutral value: the new loss is in use
    assert not lab.warning


def test_non_live_setting_waits_for_reset(lab):
    lab.button(key="lab_step_iteration").click().run()
    lab.number_input(key="lab_batch_size").set_value(128).run()
    assert metric(lab, "Iteration") == "1"
    assert any("batch size" in w.value and "Reset" in w.value for w in lab.warning)
    lab.button(key="lab_reset").click().run()
    assert metric(lab, "Iteration") == "0" and lab.number_input(key="lab_batch_size").value == 128
    assert not lab.warning  # the run now trains with batch 128


def test_malformed_csv_upload_shows_an_error_and_keeps_the_previous_points(lab):
    lab.selectbox(key="lab_name").set_value("points").run()
    good = b"x,y\n0,0\n1,1\n2,0.5\n"
    lab.file_uploader(key="lab_points_upload").set_value(("mine.csv", good, "text/csv")).run()
    assert "3 points in use." in said(lab)
    assert not lab.error
    lab.button(key="lab_reset").click().run()
    assert not waits_for_reset(lab)  # the run trains on the three points
    lab.file_uploader(key="lab_points_upload").set_value(("bad.csv", b"x,y\n1,2\nhello,3\n", "text/csv")).run()
    assert any("bad.csv" in e.value and "line 3" in e.value for e in lab.error)
    assert "3 points in use." in said(lab) and not waits_for_reset(lab)  # the points and the run are kept
    assert not lab.exception


def test_bad_checkpoint_upload_keeps_the_run(lab):
    lab.button(key="lab_step_iteration").click().run()
    lab.file_uploader(key="lab_checkpoint_upload").set_value(("x.pt", b"garbage", "application/octet-stream")).run()
    assert any("x.pt" in e.value and "current run is kept" in e.value for e in lab.error)
    assert metric(lab, "Iteration") == "1"


def test_parse_points_upload_messages():
    assert read_points_bytes(b"\xef\xbb\xbf1,2\n3,4\n") == ((1.0, 2.0), (3.0, 4.0))
    with pytest.raises(ValueError, match="UTF-8"):
        read_points_bytes(b"\xff\xfe\x00\x01")
    with pytest.raises(ValueError, match="columns"):
        read_points_bytes(b"1,2,3\n4,5,6\n")


def test_the_preset_box_offers_only_2d_presets(lab):
    options = lab.selectbox(key="lab_preset").options
    assert "ring" in options and "grid" in options
    assert not any(name.startswith("digits") for name in options)


def test_an_image_checkpoint_is_refused_and_the_run_kept(lab):
    lab.button(key="lab_step_iteration").click().run()
    image = checkpoint.to_bytes(Trainer(get_preset("digits-mlp").replace(train=dict(device="cpu"))))
    lab.file_uploader(key="lab_checkpoint_upload").set_value(("img.pt", image, "application/octet-stream")).run()
    assert any("img.pt" in e.value and "image lab" in e.value and "current run is kept" in e.value for e in lab.error)
    assert metric(lab, "Iteration") == "1" and lab.selectbox(key="lab_name").value == "ring"
    assert not lab.exception


def test_a_good_upload_clears_the_error_of_a_bad_one(lab):
    lab.selectbox(key="lab_name").set_value("points").run()
    lab.file_uploader(key="lab_points_upload").set_value(("bad.csv", b"1,2\nx,y,z\n", "text/csv")).run()
    assert any("bad.csv" in e.value for e in lab.error)
    lab.file_uploader(key="lab_points_upload").set_value(("good.csv", b"0,0\n1,1\n", "text/csv")).run()
    assert not any("bad.csv" in e.value for e in lab.error)


def test_a_huge_points_file_is_refused_with_its_size():
    from gan_core.data.points import MAX_POINTS

    text = "\n".join(f"{i},{i}" for i in range(MAX_POINTS + 5)).encode()
    with pytest.raises(ValueError, match="at most 100,000 points"):
        read_points_bytes(text)
    huge = b"0.123456789,0.987654321\n" * 2_200_000  # 53 MB, 2.2 million points
    with pytest.raises(ValueError, match="the file is 52.8 MB; at most 4 MB"):
        read_points_bytes(huge)


def test_a_huge_upload_is_refused_in_the_page_and_the_points_kept(lab):
    lab.selectbox(key="lab_name").set_value("points").run()
    before = lab.session_state["lab_points"]
    huge = b"0.5,0.5\n" * 600_000
    lab.file_uploader(key="lab_points_upload").set_value(("big.csv", huge, "text/csv")).run()
    assert any("big.csv" in e.value and "at most 4 MB" in e.value for e in lab.error)
    assert lab.session_state["lab_points"] == before


def test_a_finished_decay_says_training_has_stopped_learning(lab):
    lab.checkbox(key="lab_lr_decay").check().run()
    lab.number_input(key="lab_lr_decay_iterations").set_value(2).run()  # a live setting: no reset
    assert not waits_for_reset(lab)
    for _ in range(2):
        lab.button(key="lab_step_iteration").click().run()
    assert any("decayed to 0 at iteration 2" in i.value for i in lab.info)
    lab.button(key="lab_extend_decay").click().run()
    assert lab.number_input(key="lab_lr_decay_iterations").value == 4
    assert not any("decayed to 0" in i.value for i in lab.info)


def test_the_preset_box_says_custom_once_a_setting_departs(lab):
    assert lab.selectbox(key="lab_preset").value == "ring"
    lab.number_input(key="lab_g_lr").set_value(5e-4).run()
    assert lab.selectbox(key="lab_preset").value == "custom"
    lab.selectbox(key="lab_preset").set_value("grid").run()
    assert lab.selectbox(key="lab_preset").value == "grid" and lab.selectbox(key="lab_name").value == "grid"
    assert not waits_for_reset(lab)  # the grid trains


def kill_training_processes() -> None:
    """As the out-of-memory killer would (every live page's process in this test process)."""
    import multiprocessing

    for process in multiprocessing.active_children():
        if process.name == "gan-live-trainer":
            process.kill()
            process.join(10)


def test_a_killed_training_process_is_said_and_a_fresh_run_starts(lab):
    """Killed before any autosave: the page says the run is gone instead of quietly showing
    iteration 0."""
    lab.button(key="lab_step_iteration").click().run()
    kill_training_processes()
    lab.run()
    assert any("stopped unexpectedly" in w.value and "run is lost" in w.value for w in lab.warning)
    assert metric(lab, "Iteration") == "0" and not lab.exception
    lab.button(key="lab_step_iteration").click().run()
    assert metric(lab, "Iteration") == "1"  # the fresh run trains


def test_a_killed_training_process_offers_its_autosave_and_goes_on_from_it(lab):
    lab.number_input(key="lab_g_lr").set_value(5e-4).run()  # a live setting: the autosave must keep it
    lab.button(key="lab_play").click().run()
    assert rerun_until(lab, lambda at: "Autosaved at iteration" in said(at), seconds=90)
    lab.button(key="lab_pause").click().run()
    saved_at = int(re.search(r"Autosaved at iteration ([\d,]+)", said(lab)).group(1).replace(",", ""))
    kill_training_processes()
    lab.run()
    assert any(f"autosaved at iteration {saved_at:,}" in w.value for w in lab.warning), said(lab, "warning")
    assert metric(lab, "Iteration") == "0"
    lab.button(key="lab_restore").click().run()
    assert metric(lab, "Iteration") == f"{saved_at:,}" and not lab.exception
    assert any(f"autosave at iteration {saved_at:,}" in s.value for s in lab.success)
    assert lab.number_input(key="lab_g_lr").value == 5e-4 and not waits_for_reset(lab)
    lab.button(key="lab_step_iteration").click().run()
    assert metric(lab, "Iteration") == f"{saved_at + 1:,}"  # it trains on from there
