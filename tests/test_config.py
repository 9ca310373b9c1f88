import dataclasses

import pytest

from gan_core.config import ConfigError, DataConfig, ModelConfig, RunConfig, TrainConfig


def test_defaults_are_valid_and_round_trip_through_json():
    config = RunConfig().replace(data=dict(name="grid", std=0.05), train=dict(g_lr=2e-4, lr_decay=True))
    assert RunConfig.from_json(config.to_json()) == config
    assert hash(config) == hash(RunConfig.from_json(config.to_json()))  # usable as a cache key


def test_points_round_trip_as_tuples():
    config = RunConfig(data=DataConfig(name="points", points=((0, 1), (2, 3.5))))
    again = RunConfig.from_json(config.to_json())
    assert again.data.points == ((0.0, 1.0), (2.0, 3.5))


@pytest.mark.parametrize("build, message", [
    (lambda: TrainConfig(g_lr=-1), "generator learning rate must be > 0, got -1"),
    (lambda: TrainConfig(d_lr=0), "discriminator learning rate must be > 0, got 0"),
    (lambda: TrainConfig(loss="vanilla"), "loss must be one of"),
    (lambda: TrainConfig(d_steps=11), "discriminator steps k must be between 0 and 10, got 11"),
    (lambda: TrainConfig(d_steps=0, g_steps=0), "k and m cannot both be 0"),
    (lambda: ModelConfig(g_layers=7), "generator hidden layers must be between 0 and 6, got 7"),
    (lambda: ModelConfig(noise_dim=0), "noise dimension must be between 1 and 128, got 0"),
    (lambda: ModelConfig(activation="gelu"), "activation must be one of relu, leaky_relu, tanh"),
    (lambda: DataConfig(name="swiss"), "data name must be one of"),
    (lambda: DataConfig(std=-0.1), "std must be > 0"),
    (lambda: DataConfig(name="points", points=((1, 2),)), "at least 2 points"),
    (lambda: RunConfig(model=ModelConfig(architecture="dcgan")), "DCGAN needs image data"),
])
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
