"""The 2D lab's Compare mode in AppTest and in the training process: variants start from the Vary
controls on the sidebar's settings, Step and Play act on all of them, a bad value is named and the
current variants kept, and "Continue alone" hands a variant to the single run exactly where it
stood."""

import time

import pytest
import torch
from conftest import chart_titles, metric, open_lab, open_page, rerun_until, said

from gan_core.live import CompareRunner
from gan_core.presets import get_preset
from gan_core.training import checkpoint
from gan_core.training.compare import COMPARE_PRESETS, CURES, CompareConfig

RUNNERS = []
SMALL = get_preset("ring").replace(model=dict(g_layers=2, g_width=32, d_layers=2, d_width=32))


@pytest.fixture(scope="module", autouse=True)
def stop_runners():
    yield
    for runner in RUNNERS:
        runner.stop()


@pytest.fixture
def compare():
    """The lab page in Compare mode, its variants restarted (AppTest shares one session id between
    tests, and with it the session's runners)."""
    at = open_lab()
    at.segmented_control(key="lab_mode").set_value("compare").run()
    pause = [button for button in at.button if button.key == "lab_compare_pause"]
    if pause:
        pause[0].click().run()
    return at


def variants(at) -> list[str]:
    """The variants' names, as the small multiples' titles show them."""
    return [title.split("</b> ", 1)[1] for title in chart_titles(at) if "■</b> " in title]


def wait_for(condition, seconds=60):
    end = time.time() + seconds
    while time.time() < end:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_compare_mode_starts_the_chosen_variants_and_steps_them_all(compare):
    assert not compare.exception
    assert not [w for w in compare.warning if "Changed" in w.value]  # what is shown is what trains
    compare.selectbox(key="lab_compare_setting").set_value("km").run()
    assert compare.text_input(key="lab_compare_values").value == "1:1, 5:1, 1:5"  # the suggestion
    compare.text_input(key="lab_compare_values").set_value("1:1, 3:1").run()
    compare.button(key="lab_compare_start").click().run()
    assert rerun_until(compare, lambda at: variants(at) == ["km=1:1", "km=3:1"]), variants(compare)
    compare.button(key="lab_compare_step").click().run()
    assert metric(compare, "Iteration") == "1"
    captions = [c.value for c in compare.caption if "G updates" in c.value]
    assert [c.split(";")[0] for c in captions] == ["1 D · 1 G updates", "3 D · 1 G updates"]
    assert not compare.exception


def test_a_bad_value_is_named_and_the_variants_kept(compare):
    before = variants(compare)
    compare.selectbox(key="lab_compare_setting").set_value("loss").run()
    compare.text_input(key="lab_compare_values").set_value("nsgan, best").run()
    assert any("loss=best: loss must be one of" in e.value for e in compare.error)
    assert compare.button(key="lab_compare_start").disabled  # nothing to start: the variants are kept
    assert variants(compare) == before
    assert not compare.exception


def test_continue_alone_hands_the_variant_to_the_single_run(compare):
    compare.selectbox(key="lab_compare_setting").set_value("loss").run()
    compare.text_input(key="lab_compare_values").set_value("nsgan, lsgan").run()
    compare.button(key="lab_compare_start").click().run()
    assert rerun_until(compare, lambda at: variants(at) == ["loss=nsgan", "loss=lsgan"])
    for _ in range(3):
        compare.button(key="lab_compare_step").click().run()
    compare.button(key="lab_compare_alone_1").click().run()
    assert compare.segmented_control(key="lab_mode").value == "single"
    assert metric(compare, "Iteration") == "3"
    assert compare.selectbox(key="lab_loss").value == "lsgan"  # the sidebar shows the variant's settings
    assert not [w for w in compare.warning if "Reset" in w.value]  # and the run trains with them
    assert any("Continuing **loss=lsgan** alone from iteration 3" in s.value for s in compare.success)
    assert not compare.exception


def test_the_training_process_plays_every_variant_and_scores_them():
    config = CompareConfig(base=SMALL, setting="loss", values=("nsgan", "minimax", "wgan_gp"))
    runner = CompareRunner(config, metrics_every=50)
    RUNNERS.append(runner)
    first = runner.snapshot
    runner.play()
    assert wait_for(lambda: runner.iteration >= 120)
    runner.pause()
    snapshot = runner.snapshot
    for name in snapshot.names:
        assert not (snapshot.views[name].fake == first.views[name].fake).all()  # every view moved
        scored = snapshot.metrics[name]["iteration"]
        assert scored[0] == 0 and len(scored) >= 2 and all(i % 50 == 0 for i in scored), scored
        assert len(snapshot.losses[name]["iteration"]) >= 100
    alone = checkpoint.load_trainer(runner.variant_checkpoint("loss=minimax"), kind="toy")
    assert alone.iteration == snapshot.iteration and alone.config.train.loss == "minimax"
    assert all(torch.isfinite(p).all() for p in alone.objective.parameters())
    with pytest.raises(ValueError, match="there is no variant 'nope'"):
        runner.variant_checkpoint("nope")


def test_a_diverging_variant_is_marked_while_the_others_play_on():
    config = CompareConfig(base=SMALL.replace(train=dict(loss="lsgan", d_optimizer="sgd", g_optimizer="sgd")),
                           setting="lr", values=("0.01", "100"))  # fmt: skip
    runner = CompareRunner(config, metrics_every=50)
    RUNNERS.append(runner)
    runner.play()
    assert wait_for(lambda: runner.iteration >= 60)
    runner.pause()
    snapshot = runner.snapshot
    assert list(snapshot.diverged) == ["lr=100"] and "training diverged at iteration" in snapshot.diverged["lr=100"]
    assert snapshot.views["lr=0.01"].iteration >= 60 > snapshot.views["lr=100"].iteration
    assert runner.diverged is None  # one variant still trains: Play stays available


def test_the_compare_preset_opens_compare_with_the_collapsing_run_and_its_cures():
    """Two clicks for a teacher: the Preset box's "collapse-and-cures (Compare)" starts the
    collapsing preset in the sidebar and Compare with one variant per cure; Play trains them."""
    at = open_lab()
    at.selectbox(key="lab_preset").set_value("collapse-and-cures").run()
    assert not at.exception
    assert at.session_state["lab_mode"] == "compare"
    assert variants(at) == [f"cure={name}" for name in CURES]
    assert COMPARE_PRESETS["collapse-and-cures"].shows in said(at, "caption")  # under the Preset box
    assert "collapse-and-cures" in said(at, "success")
    assert at.selectbox(key="lab_compare_setting").value == "cure"
    assert not [w for w in at.warning if "Changed" in w.value]  # the sidebar shows the variants' base
    assert float(at.session_state["lab_d_lr"]) == pytest.approx(1e-4)  # ring-collapse's settings
    at.button(key="lab_compare_step").click().run()
    assert metric(at, "Iteration") == "1"
    at.segmented_control(key="lab_mode").set_value("single").run()
    assert at.selectbox(key="lab_preset").value == "collapse-and-cures"  # nothing departed from it


def test_a_link_to_the_collapse_comparison_opens_it_on_the_collapsing_run():
    """/lab?preset=ring-collapse&mode=compare&vary=cure=...: the variants' base is the link's run
    (not the lab's default), so nothing reads "Changed" and the collapsing variant collapses."""
    at = open_page("lab", {"preset": "ring-collapse", "mode": "compare", "vary": "cure=none,pacgan-2"})
    assert not at.exception
    assert variants(at) == ["cure=none", "cure=pacgan-2"]
    assert not [w for w in at.warning if "Changed" in w.value], [w.value for w in at.warning]
    assert at.selectbox(key="lab_preset").value == "ring-collapse"
    assert float(at.session_state["lab_d_lr"]) == pytest.approx(1e-4)
