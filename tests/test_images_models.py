"""Shapes and value ranges of every image model at every image size, under every loss family."""

import pytest
import torch

from gan_core.config import DataConfig, ModelConfig, RunConfig, TrainConfig
from gan_core.networks import build_discriminator, build_generator, has_batchnorm
from gan_core.training import Trainer


def _config(architecture, size, loss="nsgan"):
    layers = {} if architecture == "dcgan" else dict(g_layers=1, d_layers=1)  # DCGAN has its own depth
    return RunConfig(
        data=DataConfig(name="digits", image_size=size),
        model=ModelConfig(architecture=architecture, noise_dim=16, g_width=16, d_width=16, **layers),
        train=TrainConfig(loss=loss, batch_size=8, device="cpu"),
    )


@pytest.mark.parametrize("architecture", ["mlp", "conditional_mlp", "dcgan"])
@pytest.mark.parametrize("size", [8, 16, 28, 32])
def test_shapes_and_ranges(architecture, size):
    config = _config(architecture, size)
    generator, discriminator = build_generator(config), build_discriminator(config)
    z, labels = torch.randn(5, 16) * 3, torch.randint(10, (5,))
    images = generator(z, labels)
    assert images.shape == (5, 1, size, size)
    assert images.min() >= -1 and images.max() <= 1
    assert discriminator(images, labels).shape == (5,)


@pytest.mark.parametrize("architecture", ["mlp", "conditional_mlp", "dcgan"])
@pytest.mark.parametrize("loss", ["hinge", "wgan_gp"])
def test_hinge_and_wgan_gp_train_every_model(architecture, loss):
    """A few D updates with G frozen must widen D's gap between real and generated images."""
    trainer = Trainer(_config(architecture, 16, loss).replace(train=dict(g_steps=0)))
    discriminator = trainer.objective.discriminator

    def gap():
        real, labels = trainer.data.sample_batch(64, torch.Generator().manual_seed(2))
        noise = torch.randn(64, trainer.config.model.noise_dim, generator=torch.Generator().manual_seed(3))
        with torch.no_grad():
            discriminator.eval()
            fake = trainer.objective.generator.eval()(noise, labels)
            value = (discriminator(real, labels).mean() - discriminator(fake, labels).mean()).item()
        discriminator.train(), trainer.objective.generator.train()
        return value

    before = gap()
    trainer.train(15)
    assert gap() > before


def test_dcgan_discriminator_drops_batchnorm_under_wgan_gp():
    assert has_batchnorm(build_discriminator(_config("dcgan", 8, "nsgan")))
    assert not has_batchnorm(build_discriminator(_config("dcgan", 8, "wgan_gp")))
    explicit = _config("dcgan", 8, "nsgan").replace(model=dict(d_norm="none"))
    assert not has_batchnorm(build_discriminator(explicit))


def test_conditional_generator_follows_the_paper_sizes():
    config = RunConfig(
        data=DataConfig(name="digits"),
        model=ModelConfig(architecture="conditional_mlp", noise_dim=100, noise_prior="uniform", g_hidden=(200, 1000)),
    )
    linears = [m for m in build_generator(config).modules() if isinstance(m, torch.nn.Linear)]
    assert [(m.in_features, m.out_features) for m in linears] == [(110, 200), (200, 1000), (1000, 64)]


def test_discriminator_dropout_and_new_model_settings_are_validated():
    from gan_core.config import ConfigError

    config = _config("dcgan", 8).replace(model=dict(d_dropout=0.3))
    assert any(isinstance(m, torch.nn.Dropout) for m in build_discriminator(config).modules())
    conditional = _config("conditional_mlp", 8).replace(model=dict(d_dropout=0.3))
    assert any(isinstance(m, torch.nn.Dropout) for m in build_discriminator(conditional).modules())
    for bad in (dict(d_dropout=1.0), dict(d_norm="group"), dict(g_hidden=(0,))):
        with pytest.raises(ConfigError):
            ModelConfig(**bad)
    assert ModelConfig(g_hidden=[200, 1000]).g_hidden == (200, 1000)  # a JSON list becomes a tuple


def test_diff_augment_is_differentiable_and_only_used_in_training():
    from gan_core.networks.augment import cutout, diff_augment, translate

    torch.manual_seed(0)  # the shifts are drawn from the global stream: 30 draws miss "no shift" 3% of the time
    image = torch.arange(16.0).view(1, 1, 4, 4)
    shifted = [translate(image) for _ in range(30)]
    assert all(s.shape == image.shape for s in shifted)
    assert any(torch.equal(s, image) for s in shifted) and any(not torch.equal(s, image) for s in shifted)
    blanked = cutout(torch.zeros(50, 1, 8, 8))
    assert ((blanked == -1).flatten(1).sum(1) <= 16).all() and (blanked == -1).any()
    x = torch.zeros(4, 1, 8, 8, requires_grad=True)
    diff_augment(x, ("translation", "cutout")).sum().backward()
    assert x.grad is not None
    config = _config("dcgan", 8).replace(model=dict(d_augment="translation,cutout"))
    discriminator = build_discriminator(config).eval()
    images = torch.rand(6, 1, 8, 8) * 2 - 1
    assert torch.equal(discriminator(images), discriminator(images))  # no augmentation when scoring


def test_spectral_norm_discriminator_has_unit_spectral_norm_layers_and_survives_a_checkpoint(tmp_path):
    from gan_core.training import checkpoint

    config = _config("dcgan", 16).replace(model=dict(d_norm="spectral"))
    trainer = Trainer(config)
    assert not has_batchnorm(trainer.objective.discriminator)
    trainer.train(30)  # power iteration runs on every training forward pass
    convs = [m for m in trainer.objective.discriminator.modules() if isinstance(m, torch.nn.Conv2d)]
    assert len(convs) == 3
    for conv in convs:
        sigma = torch.linalg.matrix_norm(conv.weight.detach().flatten(1), ord=2).item()
        assert abs(sigma - 1) < 0.05, sigma
    path = checkpoint.save(trainer, tmp_path / "sn.pt")
    restored = checkpoint.load_trainer(path, device="cpu")
    x = torch.randn(4, 1, 16, 16)
    trainer.objective.discriminator.eval(), restored.objective.discriminator.eval()
    assert torch.allclose(trainer.objective.discriminator(x), restored.objective.discriminator(x))


@pytest.mark.parametrize("size", [8, 16, 28, 32])
def test_dcgan_extra_layers_add_same_size_convolutions(size):
    from gan_core.config import ConfigError

    config = _config("dcgan", size).replace(model=dict(g_extra_layers=2, d_extra_layers=1))
    generator, discriminator = build_generator(config), build_discriminator(config)

    def same_size_convs(module):
        return [
            m
            for m in module.modules()
            if isinstance(m, torch.nn.Conv2d)
            and m.kernel_size == (3, 3)
            and m.stride == (1, 1)
            and m.in_channels == m.out_channels
        ]

    assert len(same_size_convs(generator)) == 2 and len(same_size_convs(discriminator)) == 1
    images = generator(torch.randn(5, 16))
    assert images.shape == (5, 1, size, size) and images.abs().max() <= 1
    assert discriminator(images).shape == (5,)
    plain = _config("dcgan", size)
    assert not same_size_convs(build_generator(plain)) and not same_size_convs(build_discriminator(plain))
    with pytest.raises(ConfigError, match="extra layers"):
        ModelConfig(g_extra_layers=5)
