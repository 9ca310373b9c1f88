"""Shared links (issue 13): "Copy link" puts a lab's setup in the URL, opening the link reproduces
it exactly, and a bad or unknown value opens the defaults with a message naming it."""

import pytest
from conftest import open_page, said

from gan_core.presets import get_preset
from ui.config_widgets import PageFields, normalised
from ui.share_link import LinkError, config_from_query, query_from_config

FIELDS = PageFields(
    prefix="lab_",
    data=("name", "n_modes", "radius", "std"),
    model=("noise_dim", "g_layers", "g_width"),
    train=("loss", "d_lr", "g_lr", "d_steps", "batch_size", "seed", "ema", "lr_decay"),
)


def test_a_setup_round_trips_through_its_query_parameters():
    config = get_preset("grid").replace(model=dict(g_width=64), train=dict(loss="wgan_gp", d_steps=5, g_lr=3e-4))
    query = query_from_config(config, FIELDS, "grid", {"layers": "real,fake"})
    assert query["data"] == "grid" and query["g_width"] == "64" and query["loss"] == "wgan_gp"
    assert query["preset"] == "grid" and all(isinstance(v, str) for v in query.values())
    again, preset, extras = config_from_query(query, get_preset("ring"), FIELDS, "toy", ("layers",))
    assert normalised(again) == normalised(config) and preset == "grid" and extras == {"layers": "real,fake"}
    from_preset, preset, _ = config_from_query({"preset": "grid", "seed": "7"}, get_preset("ring"), FIELDS, "toy")
    assert preset == "grid" and from_preset.data.name == "grid" and from_preset.train.seed == 7


@pytest.mark.parametrize(
    "query, message",
    [
        ({"preset": "nope"}, "unknown preset 'nope'"),
        ({"preset": "digits-dcgan"}, "'digits-dcgan' is for the image lab, not this page"),  # said where it opens
        ({"wings": "3"}, "unknown setting 'wings'"),
        ({"g_lr": "fast"}, "g_lr='fast'"),
        ({"d_steps": "-2"}, "k"),
        ({"data": "digits"}, "image"),
    ],
)
def test_a_bad_link_names_the_value(query, message):
    with pytest.raises(LinkError, match=message):
        config_from_query(query, get_preset("ring"), FIELDS, "toy")


def test_opening_a_shared_link_reproduces_the_setup_and_a_bad_one_keeps_the_defaults():
    at = open_page("lab", query={"preset": "grid", "g_lr": "0.0005", "loss": "lsgan", "layers": "real,heatmap"})
    assert not at.exception
    assert at.selectbox(key="lab_name").value == "grid" and at.selectbox(key="lab_loss").value == "lsgan"
    assert at.number_input(key="lab_g_lr").value == 5e-4 and at.session_state["lab_layers"] == ["real", "heatmap"]
    assert "apply on **Reset**" not in said(at, "warning")  # the run trains what the widgets say
    assert at.selectbox(key="lab_preset").value == "custom"  # grid, with a setting changed
    assert any("Opened the shared setup" in s.value for s in at.success)
    at.button(key="lab_share").click().run()
    link = at.session_state["lab_shared_link"]
    assert "data=grid" in link and "loss=lsgan" in link and "layers=real%2Cheatmap" in link
    assert at.query_params["loss"] == ["lsgan"] or at.query_params["loss"] == "lsgan"
    open_page("lab")  # a fresh session's run (AppTest keeps the session, and its runner, between pages)
    bad = open_page("lab", query={"g_lr": "fast", "layers": "real"})
    assert not bad.exception
    assert any("g_lr='fast'" in e.value and "defaults" in e.value for e in bad.error)
    assert bad.selectbox(key="lab_name").value == "ring"
    bad.run()  # a redraw: the message stays until the person starts another run
    assert any("g_lr='fast'" in e.value for e in bad.error)
    bad.button(key="lab_reset").click().run()
    assert not any("g_lr='fast'" in e.value for e in bad.error)


def test_a_huge_or_unknown_link_value_is_quoted_short():
    huge = "9" * 5000
    with pytest.raises(LinkError) as raised:
        config_from_query({"g_lr": "x" + huge}, get_preset("ring"), FIELDS, "toy")
    assert len(str(raised.value)) < 300 and "…" in str(raised.value)
    with pytest.raises(LinkError, match="unknown setting 'zz"):
        config_from_query({"zz" + huge: "1"}, get_preset("ring"), FIELDS, "toy")
    at = open_page("lab", query={"mode": "zzz"})
    assert any("'zzz' is not a mode of the 2D lab" in w.value for w in at.warning) and not at.exception


def test_a_link_value_beyond_a_box_s_range_is_said_and_set_to_the_nearest_the_box_holds():
    """d_lr=1e12 is a valid config (any positive rate) but the page's box holds 1e-6 to 1: it was
    clamped silently, the box and the run disagreeing."""
    open_page("lab")
    at = open_page("lab", query={"d_lr": "1e12"})
    assert not at.exception
    assert any("1e+12 is outside what this page offers (1e-06 to 1); it is set to 1" in e.value for e in at.error)
    assert at.number_input(key="lab_d_lr").value == 1.0
    assert "apply on **Reset**" not in said(at, "warning")  # a rate applies at once: the run trains at 1
