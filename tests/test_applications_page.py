"""The Applications page in Streamlit's AppTest: it opens on the shipped words-to-faces model with
faces for the default phrase and how it was read, a new phrase is read (unknown words named), each
application switches in with its shipped models and its table, and a finished run offers Extend."""

import pytest
from conftest import ROOT, metric, rerun_until


@pytest.fixture
def page():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.run()
    at.switch_page("app_pages/applications.py").run()
    assert not at.exception, at.exception
    pause = [button for button in at.button if button.key == "app_pause"]
    if pause:
        pause[0].click().run()
    return at  # on whichever application the last test left (each test chooses its own)


def _answered(at) -> bool:
    return any("Read as" in m.value for m in at.markdown)


def test_words_open_on_the_shipped_model_and_read_a_new_phrase(page):
    at = page
    if at.segmented_control(key="app_application").value != "words":
        at.segmented_control(key="app_application").set_value("words").run()
    assert rerun_until(at, _answered, seconds=120)
    assert metric(at, "Iteration") == "5,000 / 5,000"
    assert any("*smiling* → smile ≥ 0.4" in m.value for m in at.markdown)
    assert any("faces for: long blue hair" in h.value for h in at.get("html"))
    at.text_input(key="app_phrase").set_value("short red hair, a cat").run()

    def read_anew(at) -> bool:
        return any("*red hair* → hair colour = red" in m.value for m in at.markdown)

    assert rerun_until(at, read_anew, seconds=60)
    assert any("Not understood: cat" in w.value for w in at.warning)
    assert rerun_until(at, lambda at: len(at.table) == 1, seconds=60)
    assert at.table[0].value["attribute"].tolist() == ["hair length ≤ 0.4", "hair colour = red"]
    assert "of 1,000" in at.table[0].value
    at.selectbox(key="app_example").set_value("dark skin, green eyes, frowning").run()  # an example
    assert at.text_input(key="app_phrase").value == "dark skin, green eyes, frowning"
    assert at.selectbox(key="app_example").value is None  # offered again
    assert rerun_until(at, lambda at: any("*green eyes* → eye colour = green" in m.value for m in at.markdown), 60)
    at.segmented_control(key="app_application").set_value("sketch").run()  # away and back: the box
    at.segmented_control(key="app_application").set_value("words").run()  # shows the faces' phrase
    assert at.text_input(key="app_phrase").value == "dark skin, green eyes, frowning"


@pytest.mark.parametrize(
    ("application", "models"),
    [
        ("sketch", ["L1 only", "GAN only", "L1 + GAN", "real faces"]),
        ("hair", ["with cycle loss", "without cycle loss"]),
    ],
)
def test_each_application_opens_on_its_shipped_models_and_their_table(page, application, models):
    at = page
    at.segmented_control(key="app_application").set_value(application).run()
    assert not at.exception, at.exception
    assert rerun_until(at, lambda at: len(at.table) >= 1, seconds=120)
    assert at.table[0].value["model"].tolist() == models
    assert metric(at, "Iteration") == "3,000 / 3,000"
    assert at.button(key="app_play").disabled  # trained to its length: extend or reset
    at.button(key="app_extend").click().run()
    assert metric(at, "Iteration") == "3,000 / 6,000" and not at.button(key="app_play").disabled
    at.button(key="app_step").click().run()
    assert metric(at, "Iteration") == "3,001 / 6,000"


def test_a_fresh_run_trains_from_scratch(page):
    at = page
    at.segmented_control(key="app_application").set_value("sketch").run()
    at.checkbox(key="app_shipped").uncheck().run()
    at.number_input(key="app_iterations").set_value(100).run()
    at.button(key="app_reset").click().run()
    assert metric(at, "Iteration") == "0 / 100"
    at.button(key="app_step").click().run()
    assert metric(at, "Iteration") == "1 / 100"
