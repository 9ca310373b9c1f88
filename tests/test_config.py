import dataclasses

import pytest
import torch

from gan_core.config import ConfigError, DataConfig, ModelConfig, RunConfig, TrainConfig, coerce_setting


def test_defaults_are_valid_and_round_trip_through_json():
    config = RunConfig().replace(data=dict(name="grid", std=0.05), train=dict(g_lr=2e-4, lr_decay=True))
    assert RunConfig.from_json(config.to_json()) == config
    assert hash(config) == hash(RunConfig.from_json(config.to_json()))  # usable as a cache key


def test_points_round_trip_as_tuples():
    config = RunConfig(data=DataConfig(name="points", points=((0, 1), (2, 3.5))))
    again = RunConfig.from_json(config.to_json())
    assert again.data.points == ((0.0, 1.0), (2.0, 3.5))


@pytest.mark.parametrize(
    "build, message",
    [
        (lambda: TrainConfig(g_lr=-1), "generator learning rate must be > 0, got -1"),
        (lambda: TrainConfig(d_lr=0), "discriminator learning rate must be > 0, got 0"),
        (lambda: TrainConfig(loss="vanilla"), "loss must be one of"),
        (lambda: TrainConfig(d_steps=101), "discriminator steps k must be between 0 and 100, got 101"),
        (lambda: TrainConfig(d_steps=0, g_steps=0), "k and m cannot both be 0"),
        (lambda: ModelConfig(g_layers=7), "generator hidden layers must be between 0 and 6, got 7"),
        (lambda: ModelConfig(noise_dim=0), "noise dimension must be between 1 and 128, got 0"),
        (lambda: ModelConfig(activation="gelu"), "activation must be one of relu, leaky_relu, tanh"),
        (lambda: DataConfig(name="swiss"), "data name must be one of"),
        (lambda: DataConfig(std=-0.1), "std must be > 0"),
        (lambda: DataConfig(name="points", points=((1, 2),)), "at least 2 points"),
        (lambda: RunConfig(model=ModelConfig(architecture="dcgan")), "DCGAN needs image data"),
    ],
)
def test_bad_values_are_rejected_with_a_clear_message(build, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")):
        build()


def test_from_json_rejects_unknown_fields_and_bad_json():
    with pytest.raises(ConfigError, match="unknown train setting"):
        RunConfig.from_dict({"train": {"learning_rate": 1}})
    with pytest.raises(ConfigError, match="not valid JSON"):
        RunConfig.from_json("{nope")
    with pytest.raises(ConfigError, match="must be an object"):
        RunConfig.from_dict({"model": [1, 2]})


def test_configs_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        TrainConfig().g_lr = 1.0


@pytest.mark.parametrize(
    "changes, message",
    [
        (
            dict(model=dict(architecture="dcgan", pack=2), data=dict(name="digits")),
            "DCGAN architecture does not use pack",
        ),
        (dict(model=dict(d_augment="translation")), "MLP architecture does not use d_augment"),
        (dict(model=dict(g_extra_layers=1)), "MLP architecture does not use g_extra_layers"),
        (dict(model=dict(architecture="dcgan", g_layers=2), data=dict(name="digits")), "does not use g_layers"),
        (dict(data=dict(name="grid", n_modes=10)), "square number of modes"),
    ],
)
def test_settings_the_architecture_would_ignore_are_refused(changes, message):
    with pytest.raises(ConfigError, match=message):
        RunConfig().replace(**changes)


def test_dropout_now_works_on_the_mlp_discriminator():
    from gan_core.networks import build_discriminator

    config = RunConfig().replace(model=dict(d_dropout=0.25))
    assert any(isinstance(m, torch.nn.Dropout) and m.p == 0.25 for m in build_discriminator(config).modules())


@pytest.mark.parametrize(
    "section, name, given, expected",
    [
        ("train", "iterations", "3000", 3000),
        ("train", "iterations", 3000.0, 3000),
        ("train", "g_lr", "1e-4", 1e-4),
        ("train", "lr_decay", "yes", True),
        ("train", "lr_decay", False, False),
        ("model", "g_hidden", "200,1000", (200, 1000)),
        ("model", "g_hidden", [64], (64,)),
        ("train", "lr_decay_iterations", "none", None),
        ("data", "n_modes", None, None),
        ("data", "name", "grid", "grid"),
    ],
)
def test_one_conversion_for_cli_text_and_widget_values(section, name, given, expected):
    assert coerce_setting(section, name, given) == expected


@pytest.mark.parametrize(
    "section, name, given, message",
    [
        ("train", "iterations", "many", "iterations must be a whole number, got 'many'"),
        ("train", "iterations", 2.5, "iterations must be a whole number"),
        ("train", "lr_decay", "maybe", "lr decay must be true or false"),
        ("train", "g_lr", "fast", "g lr must be a number"),
        ("train", "batch_size", None, "batch size needs a value"),
    ],
)
def test_bad_text_names_the_setting(section, name, given, message):
    with pytest.raises(ConfigError, match=message):
        coerce_setting(section, name, given)


@pytest.mark.parametrize("preset", ["ring", "grid", "digits-dcgan", "digits-cgan", "digits-mlp"])
def test_widgets_and_config_round_trip_for_both_labs(preset):
    """Every preset shown in its lab's widgets reads back as the same run, and a changed widget
    comes back as exactly that change."""
    from gan_core.presets import get_preset
    from ui import config_widgets
    from ui.config_widgets import PageFields

    toy = PageFields(
        "lab_",
        ("name", "n_modes", "radius", "std"),
        ("noise_dim", "g_layers", "g_width", "activation"),
        ("loss", "d_lr", "g_lr", "d_steps", "batch_size", "ema", "lr_decay", "lr_decay_iterations"),
    )
    image = PageFields(
        "img_",
        ("name", "image_size", "channels"),
        ("architecture", "noise_dim", "g_width", "g_layers", "g_extra_layers", "d_norm"),
        ("loss", "d_lr", "g_lr", "batch_size", "ema", "instance_noise"),
    )
    config = get_preset(preset)
    page = toy if config.kind == "toy" else image
    values = config_widgets.widget_values(config, page)
    assert config_widgets.changed_settings(config, config_widgets.config_from_widgets(values, config, page)) == []
    values[page.key("g_lr")] = "0.0003"  # as text, the way a person may type it
    values[page.key("batch_size")] = 64.0  # a float from a number widget
    again = config_widgets.config_from_widgets(values, config, page)
    assert config_widgets.changed_settings(config, again) == (
        ["train.g_lr"] + (["train.batch_size"] if config.train.batch_size != 64 else [])
    )
    assert again.train.g_lr == 3e-4 and isinstance(again.train.batch_size, int)
