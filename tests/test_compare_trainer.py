"""The batched trainer behind Compare mode (gan_core.training.compare_trainer): the same numbers as the
single-run Trainer, per-variant k / m by masking, a diverging variant stopped while the others go
on, the one-after-another fallback, "continue this one alone", the `--vary` parsing and the
`compare` command end to end."""

import json

import pytest
import torch
from conftest import run_cli

from gan_core.config import ConfigError, KindError
from gan_core.presets import get_preset
from gan_core.training import Trainer, checkpoint
from gan_core.training.compare import CompareConfig, parse_vary, preset_configs, vary_configs
from gan_core.training.compare_trainer import CompareTrainer

SMALL = get_preset("ring").replace(
    model=dict(g_layers=2, g_width=32, d_layers=2, d_width=32), train=dict(batch_size=64, device="cpu")
)
ITERATIONS = 30


@pytest.fixture
def float64():
    """Exact comparisons in double precision: in float32 the stacked products round differently
    from a single run's, and Adam turns a rounding difference in a near-zero gradient into a step
    of a whole learning rate, so float32 runs part by ~1e-3 after some dozens of iterations."""
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(torch.float32)


def largest_difference(a: torch.nn.Module, b: torch.nn.Module) -> float:
    return max((p - q).abs().max().item() for p, q in zip(a.parameters(), b.parameters()))


def assert_same_as_single_runs(runs: CompareTrainer, iterations: int, tolerance: float = 1e-9) -> None:
    for name, config in runs.configs.items():
        single = Trainer(config)
        single.train(iterations)
        batched = runs.trainer(name)
        assert batched.iteration == single.iteration == iterations, name
        assert batched.updates == single.updates, name
        assert largest_difference(batched.objective, single.objective) <= tolerance, name
        if single.average is not None:
            assert largest_difference(batched.average, single.average) <= tolerance, name
        ours, theirs = batched.history.columns(), single.history.columns()
        assert ours["iteration"] == theirs["iteration"], name
        for key in ("d_loss", "g_loss"):
            assert ours[key] == pytest.approx(theirs[key], abs=tolerance * 10, nan_ok=True), (name, key)


def test_stacked_variants_give_the_single_runs_numbers(float64):
    """Every per-variant setting the stacked engine carries: loss (six kinds), optimiser (four),
    learning rates, beta1, clipping, the gradient and R1 penalties, label smoothing, the weight
    average, learning-rate decay and the seed."""
    variants = {
        "nsgan": SMALL,
        "minimax": SMALL.replace(train=dict(loss="minimax", beta1=0.0)),
        "wgan_gp": SMALL.replace(train=dict(loss="wgan_gp", gp_weight=1.0)),
        "wgan_rmsprop": SMALL.replace(train=dict(loss="wgan", d_optimizer="rmsprop", g_optimizer="rmsprop", d_lr=5e-4)),
        "lsgan_sgd": SMALL.replace(train=dict(loss="lsgan", d_optimizer="sgd", g_optimizer="momentum", d_lr=0.01)),
        "hinge_decay": SMALL.replace(train=dict(loss="hinge", lr_decay=True, lr_decay_iterations=20)),
        "r1_smoothing": SMALL.replace(train=dict(r1_gamma=1.0, label_smoothing=0.1, ema=0.9)),
        "seed_3": SMALL.replace(train=dict(seed=3, g_lr=3e-3)),
    }
    runs = CompareTrainer(variants)
    assert runs.engine == "stacked"
    runs.train(ITERATIONS)
    assert_same_as_single_runs(runs, ITERATIONS)


def test_in_float32_the_stacked_variants_stay_within_rounding_of_the_single_runs():
    """(A critic under the gradient penalty parts sooner, see the float64 fixture: it is checked
    there.)"""
    variants = {
        "nsgan": SMALL,
        "lsgan": SMALL.replace(train=dict(loss="lsgan")),
        "k3": SMALL.replace(train=dict(d_steps=3)),
    }
    runs = CompareTrainer(variants)
    runs.train(ITERATIONS)
    assert_same_as_single_runs(runs, ITERATIONS, tolerance=1e-5)


def test_vmap_forward_gives_the_same_numbers(float64):
    variants = {"nsgan": SMALL, "wgan_gp": SMALL.replace(train=dict(loss="wgan_gp"))}
    runs = CompareTrainer(variants, forward="vmap")
    runs.train(ITERATIONS)
    assert_same_as_single_runs(runs, ITERATIONS)


def test_masked_k_and_m_match_single_runs_with_those_k_and_m(float64):
    variants = {
        "k1m1": SMALL,
        "k3m1": SMALL.replace(train=dict(d_steps=3)),
        "k1m3": SMALL.replace(train=dict(g_steps=3)),
        "k0m1": SMALL.replace(train=dict(d_steps=0)),  # D never trains: G chases a fixed D
        "k5m2": SMALL.replace(train=dict(d_steps=5, g_steps=2)),
    }
    runs = CompareTrainer(variants)
    assert runs.engine == "stacked"
    runs.train(ITERATIONS)
    assert_same_as_single_runs(runs, ITERATIONS)
    assert runs.trainer("k5m2").updates == {"discriminator": 5 * ITERATIONS, "generator": 2 * ITERATIONS}
    initial = Trainer(variants["k0m1"]).objective.discriminator
    assert largest_difference(runs.trainer("k0m1").objective.discriminator, initial) == 0.0


def test_variants_that_differ_only_in_a_loss_see_the_same_batches():
    runs = CompareTrainer({"a": SMALL, "b": SMALL.replace(train=dict(loss="minimax"))})
    assert list(runs.draw_groups.values()) == [[0, 1]]  # one stream serves both


def test_a_diverging_variant_is_stopped_and_the_others_go_on(float64):
    blow_up = dict(loss="lsgan", d_optimizer="sgd", g_optimizer="sgd", d_lr=100.0, g_lr=100.0)
    variants = {
        "steady": SMALL,
        "explodes": SMALL.replace(train=blow_up),
        "also steady": SMALL.replace(train=dict(loss="hinge")),
    }
    runs = CompareTrainer(variants)
    runs.train(ITERATIONS)
    assert list(runs.diverged) == ["explodes"]
    assert "training diverged at iteration" in runs.diverged["explodes"]
    assert "Try lower learning rates" in runs.diverged["explodes"]
    stopped = runs.trainer("explodes")
    single = Trainer(variants["explodes"])
    with pytest.raises(Exception, match="diverged"):
        single.train(ITERATIONS)
    assert runs.diverged_at("explodes") == single.diverged_at
    assert stopped.iteration < ITERATIONS and stopped.diverged
    assert all(torch.isfinite(p).all() for p in stopped.objective.parameters())  # restored
    assert runs.running == ["steady", "also steady"] and runs.iteration == ITERATIONS
    for name in ("steady", "also steady"):
        single = Trainer(variants[name])
        single.train(ITERATIONS)
        assert largest_difference(runs.trainer(name).objective, single.objective) < 1e-9


def test_different_shapes_fall_back_to_one_after_another():
    variants = {"narrow": SMALL, "wide": SMALL.replace(model=dict(d_width=64))}
    runs = CompareTrainer(variants)
    assert runs.engine == "sequential"
    assert runs.why_sequential == "the networks differ in d width"
    runs.train(ITERATIONS)
    assert_same_as_single_runs(runs, ITERATIONS, tolerance=0.0)
    with pytest.raises(ValueError, match="cannot be stacked"):
        CompareTrainer(variants, engine="stacked")


def test_continue_one_variant_alone_from_its_checkpoint(float64):
    variants = {"nsgan": SMALL, "k2": SMALL.replace(train=dict(d_steps=2, d_optimizer="momentum"))}
    runs = CompareTrainer(variants)
    runs.train(ITERATIONS)
    alone = checkpoint.load_trainer(checkpoint.to_bytes(runs.trainer("k2")), kind="toy")
    alone.train(10)
    single = Trainer(variants["k2"])
    single.train(ITERATIONS + 10)
    assert alone.iteration == ITERATIONS + 10
    assert largest_difference(alone.objective, single.objective) < 1e-9
    runs.train(5)  # the lockstep run goes on, untouched by the copy
    assert runs.iteration == ITERATIONS + 5


def test_vary_specs_become_named_configs():
    setting, values = parse_vary("loss=nsgan, minimax,wgan_gp")
    configs = vary_configs(SMALL, setting, values)
    assert list(configs) == ["loss=nsgan", "loss=minimax", "loss=wgan_gp"]
    assert [c.train.loss for c in configs.values()] == ["nsgan", "minimax", "wgan_gp"]
    km = vary_configs(SMALL, "km", ["1:1", "5:2"])
    assert [(c.train.d_steps, c.train.g_steps) for c in km.values()] == [(1, 1), (5, 2)]
    both = vary_configs(SMALL, "lr", ["0.01"])["lr=0.01"].train
    assert both.d_lr == both.g_lr == 0.01
    cures = vary_configs(SMALL, "cure", ["none", "pacgan-2", "faster-d"])  # several settings at once
    assert cures["cure=none"] == SMALL and cures["cure=pacgan-2"].model.pack == 2
    assert (cures["cure=faster-d"].train.d_lr, cures["cure=faster-d"].train.g_lr) == (1e-3, 1e-4)
    for bad, message in (
        ("colour=red", "cannot vary 'colour'"),
        ("loss=nsgan,best", "loss=best: loss must be one of"),
        ("k=1,2,3,4,5,6,7,8,9", "compare 1 to 8 variants, got 9"),
        ("loss=nsgan,nsgan", "each value of loss once"),
        ("km=5", "k:m pairs"),
        ("loss", "SETTING=VALUE"),
        ("cure=none,magic", "cure=magic: not a cure; the cures are none, pacgan-2"),
    ):
        with pytest.raises(ConfigError, match=message):
            vary_configs(SMALL, *parse_vary(bad))
    with pytest.raises(KindError, match="the preset digits-mlp is an image run, not a 2D/1D run"):
        preset_configs(["ring", "digits-mlp"])


def test_a_comparison_travels_as_a_vary_spec():
    """What a shared link carries (?vary=) and rebuilds."""
    config = CompareConfig.from_vary(SMALL, "km=1:1,5:1")
    assert config.vary_spec == "km=1:1,5:1"
    assert CompareConfig.from_vary(SMALL, config.vary_spec) == config
    assert CompareConfig(base=SMALL, presets=("ring", "grid")).vary_spec is None
    with pytest.raises(ConfigError, match="k:m pairs"):
        CompareConfig.from_vary(SMALL, "km=5")


def test_compare_command_prints_a_table_per_variant(root, tmp_path):
    out = tmp_path / "table.json"
    result = run_cli(
        root, "compare", "--preset", "ring", "--vary", "loss=nsgan,minimax,wgan_gp", "--iterations", "40",
        "--g-width", "32", "--d-width", "32", "--json", str(out), "--quiet",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["variant", "iterations", "modes"]
    assert [line.split()[0] for line in lines[2:5]] == ["loss=nsgan", "loss=minimax", "loss=wgan_gp"]
    assert "stacked into one batched model" in result.stderr
    table = json.loads(out.read_text())
    assert [row["variant"] for row in table["variants"]] == ["loss=nsgan", "loss=minimax", "loss=wgan_gp"]
    assert all(row["iterations"] == 40 and 0 <= row["modes_covered"] <= 8 for row in table["variants"])


def test_compare_command_refuses_bad_input_in_one_line(root):
    for args, message in (
        (("--preset", "ring", "--vary", "loss=nsgan,best"), "loss=best: loss must be one of"),
        (("--preset", "ring"), "give either --vary"),
        (("--presets", "ring,nowhere"), "unknown preset 'nowhere'"),
        (("--preset", "collapse-and-cures", "--presets", "ring"), "is a comparison of its own"),
    ):
        result = run_cli(root, "compare", *args, "--iterations", "5")
        assert result.returncode == 2
        assert result.stderr.strip().splitlines() == [f"error: {result.stderr.strip().removeprefix('error: ')}"]
        assert message in result.stderr
