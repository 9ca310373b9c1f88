"""The mode-collapse alarm speaks only when the mode metrics say so."""

from gan_core.evaluation.collapse import collapse_warning


def latest(covered, counts, iteration=5000, n_modes=8):
    return {"n_modes": n_modes, "modes_covered": covered, "mode_counts": counts, "iteration": iteration}


def test_healthy_run_is_quiet():
    assert collapse_warning({"modes_covered": [3, 6, 8]}, latest(8, [10] * 8)) is None


def test_no_modes_no_alarm():
    assert collapse_warning({}, {"kl": 0.3, "iteration": 9000}) is None


def test_falling_coverage_is_reported_with_suggestions():
    message = collapse_warning({"modes_covered": [4, 8, 7]}, latest(3, [30, 30, 30, 0, 0, 0, 0, 0]))
    assert "covered 8 of 8" in message and "only 3" in message
    assert "learning rate" in message and "loss" in message and "discriminator steps" in message


def test_samples_piled_in_few_modes():
    message = collapse_warning({"modes_covered": [5, 5]}, latest(5, [200, 3, 2, 1, 1, 0, 0, 0]))
    assert "sit in just 2 of 8 modes" in message


def test_concentration_waits_for_the_run_to_settle():
    assert collapse_warning({"modes_covered": [5]}, latest(5, [200, 3, 2, 1, 1, 0, 0, 0], iteration=500)) is None
