"""The GAN-vs-VAE page in Streamlit's AppTest: it opens on the ring, Step moves every model one
iteration, a bad setting is named and keeps the comparison, every view of both kinds of data
renders, Score now updates the table, and a finished comparison disables Play and offers Extend."""

import pytest
from conftest import metric, open_page, rerun_until

IMAGE_VIEWS = ("samples", "reconstructions", "codes", "between", "ranking", "scores", "curves")


@pytest.fixture
def page():
    at = open_page("gan_vs_vae")
    assert not at.exception, at.exception
    return at


def test_step_reset_and_a_bad_setting(page):
    at = page
    assert metric(at, "Iteration") == "0 / 5,000" and metric(at, "Speed") == "paused"
    assert [m.label for m in at.metric][2:] == ["GAN time", "VAE time", "AE time"]
    at.button(key="vae_step").click().run()
    assert metric(at, "Iteration") == "1 / 5,000"
    at.multiselect(key="vae_widths").set_value([]).run()
    assert any("choose 1 to 3 network widths" in e.value for e in at.sidebar.error)
    at.button(key="vae_reset").click().run()
    assert any("Invalid setting" in e.value for e in at.error)
    assert metric(at, "Iteration") == "1 / 5,000"  # the comparison is kept
    at.multiselect(key="vae_widths").set_value([32, 64]).run()
    assert any("apply on **Reset**" in w.value for w in at.sidebar.warning)
    at.button(key="vae_reset").click().run()
    assert metric(at, "Iteration") == "0 / 5,000"
    assert [m.label for m in at.metric][2:] == [f"{k} · {w} time" for w in (32, 64) for k in ("GAN", "VAE", "AE")]
    for view in ("samples", "codes", "scores", "curves"):
        at.segmented_control(key="vae_view").set_value(view).run()
        assert not at.exception, (view, at.exception)
    assert len(at.get("plotly_chart")) == 3  # the losses and two scores over iterations


def test_every_image_view_renders_and_score_now_updates_the_table(page):
    at = page
    at.selectbox(key="vae_preset").set_value("digits, 2-d code").run()
    assert metric(at, "Iteration") == "0 / 6,000" and at.selectbox(key="vae_data").value == "digits"
    for _ in range(3):
        at.button(key="vae_step").click().run()
    at.button(key="vae_score").click().run()
    at.segmented_control(key="vae_view").set_value("scores").run()
    assert any("Scored at iteration 3" in c.value for c in at.caption)
    assert at.table[0].value["model"].tolist() == ["GAN", "VAE", "AE", "real held-out"]
    assert "FID" in at.table[0].value and "ELBO (nats)" in at.table[1].value  # two parts: they fit a projector
    for view in IMAGE_VIEWS:
        at.segmented_control(key="vae_view").set_value(view).run()
        assert not at.exception, (view, at.exception)
        if view in ("samples", "reconstructions", "between", "ranking"):
            assert len(at.get("html")) >= 2, view  # the pictures are inline images
    at.segmented_control(key="vae_view").set_value("codes").run()
    assert len(at.get("plotly_chart")) == 1 and any("decoded code grid" in h.value for h in at.get("html"))


def test_a_finished_comparison_disables_play_and_offers_extend(page):
    at = page
    at.number_input(key="vae_iterations").set_value(100).run()
    at.multiselect(key="vae_widths").set_value([16]).run()
    at.button(key="vae_reset").click().run()
    at.button(key="vae_play").click().run()

    def stopped_at_its_length(at) -> bool:  # the last iterations' scoring done, the run paused itself
        return metric(at, "Iteration") == "100 / 100" and any(button.key == "vae_play" for button in at.button)

    assert rerun_until(at, stopped_at_its_length, seconds=120)
    assert at.button(key="vae_play").disabled
    at.button(key="vae_extend").click().run()
    assert metric(at, "Iteration") == "100 / 200" and not at.button(key="vae_play").disabled
