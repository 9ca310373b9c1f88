"""The speed estimate behind the labs' "this will train at a crawl" warning: multiply-adds are
counted exactly on shape-only tensors, bigger networks are estimated slower, and the 2D lab warns
before a Reset would start one. (bench/speed_estimate.py compares the estimate with real speed.)"""

from conftest import open_page

from gan_core.presets import get_preset
from gan_core.training.speed import estimated_iterations_per_second, iteration_cost


def test_multiply_adds_are_counted_from_the_layer_shapes():
    cost = iteration_cost(get_preset("ring"))
    # ring: 2 -> 128 -> 128 -> 128 -> 2 (G) and 2 -> 128 -> 128 -> 128 -> 1 (D)
    assert cost["generator"] == 2 * 128 + 128 * 128 * 2 + 128 * 2
    assert cost["discriminator"] == 2 * 128 + 128 * 128 * 2 + 128 * 1
    assert cost["parameters"] == 67203
    dcgan = iteration_cost(get_preset("digits-dcgan"))
    assert dcgan["generator"] > 10 * cost["generator"]


def test_bigger_networks_and_batches_are_estimated_slower():
    ring = get_preset("ring")
    flops = 1e11  # a fixed machine speed: the estimate itself, not this machine's
    base = estimated_iterations_per_second(ring, flops)
    wide = estimated_iterations_per_second(ring.replace(model=dict(g_width=1024, d_width=1024)), flops)
    batch = estimated_iterations_per_second(ring.replace(train=dict(batch_size=4096)), flops)
    k5 = estimated_iterations_per_second(ring.replace(train=dict(d_steps=5)), flops)
    assert 100 < base < 1000 and wide < base / 20 and batch < base / 5 and k5 < base / 2


def test_the_lab_warns_before_a_reset_starts_a_crawling_network():
    at = open_page("lab")
    assert not any("iterations per second on this CPU" in w.value for w in at.warning)
    for name in ("g_width", "d_width"):
        at.number_input(key=f"lab_{name}").set_value(1024).run()
    for name in ("g_layers", "d_layers"):
        at.number_input(key=f"lab_{name}").set_value(6).run()
    assert any("iterations per second on this CPU" in w.value for w in at.warning)
    assert any("apply on **Reset**" in w.value for w in at.warning)  # nothing started yet
