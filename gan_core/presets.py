"""Shipped presets: known-good settings a person starts from. The README lists each with the
figures it reaches (measured with `python -m gan_core train --preset NAME`)."""

from __future__ import annotations

from dataclasses import dataclass

from .config import DataConfig, ModelConfig, RunConfig, TrainConfig


class PresetError(KeyError):
    def __str__(self) -> str:
        return self.args[0]


@dataclass(frozen=True)
class Preset:
    description: str
    config: RunConfig
    shows: str = ""  # one line on what a person sees with it (the 2D lab's Preset box says it)


def _digits_autoencoder(model_kind: str, code_size: int) -> RunConfig:
    """The digits-dcgan networks trained as a VAE or an AE: its generator decodes, its
    discriminator's body encodes; 6,000 iterations of Adam at 1e-3 with a linear decay."""
    return RunConfig(
        data=DataConfig(name="digits", image_size=8),
        model=ModelConfig(
            architecture="dcgan",
            model_kind=model_kind,
            noise_dim=code_size,
            g_width=64,
            d_width=64,
            g_extra_layers=1,
            likelihood="bernoulli",
        ),
        train=TrainConfig(g_lr=1e-3, batch_size=128, iterations=6_000, lr_decay=True),
    )


PRESETS: dict[str, Preset] = {
    "ring": Preset(
        "8 Gaussians on the unit circle (std 0.01): non-saturating GAN, Adam with a linear "
        "learning-rate decay and a generator weight average (EMA).",
        RunConfig(
            data=DataConfig(name="ring"),
            model=ModelConfig(noise_dim=2, g_layers=3, g_width=128, d_layers=3, d_width=128),
            train=TrainConfig(
                loss="nsgan", d_lr=1e-3, g_lr=1e-3, batch_size=256, iterations=20_000, lr_decay=True, ema=0.999
            ),
        ),
        "A healthy run: the generator finds all 8 modes within a few thousand iterations.",
    ),
    "grid": Preset(
        "25 Gaussians on a 5x5 grid (std 0.05): non-saturating GAN, Adam with a linear "
        "learning-rate decay and a generator weight average (EMA).",
        RunConfig(
            data=DataConfig(name="grid"),
            model=ModelConfig(noise_dim=2, g_layers=3, g_width=128, d_layers=3, d_width=128),
            train=TrainConfig(
                loss="nsgan", d_lr=1e-3, g_lr=1e-3, batch_size=256, iterations=40_000, lr_decay=True, ema=0.999
            ),
        ),
        "A harder target: 25 modes, covered one region after another.",
    ),
    # Mode collapse on demand (issue 23): the networks and rates with which Metz et al. (2017,
    # section 3.1) show a standard GAN on this ring visiting one mode at a time. Measured over
    # seeds 0-4 at 1 and 2 threads (bench/collapse_presets.py, docs/presets.md): every run piles its
    # samples next to one mode and hops from mode to mode, and the collapse alarm fires. It still
    # collapses with both rates at 1e-4 or at 1e-3, with 5 D steps, WGAN-GP, R1, LSGAN, instance
    # noise or a weight average; PacGAN cures it (the Compare preset collapse-and-cures).
    "ring-collapse": Preset(
        "Mode collapse on the ring: 64-d noise into 2 x 128 networks, G's rate 1e-3 and D's 1e-4, no weight "
        "average or decay (Metz et al. 2017's setting). All samples pile up next to one mode, then hop to another.",
        RunConfig(
            data=DataConfig(name="ring"),
            model=ModelConfig(noise_dim=64, g_layers=2, g_width=128, d_layers=2, d_width=128),
            train=TrainConfig(loss="nsgan", d_lr=1e-4, g_lr=1e-3, batch_size=256, iterations=5_000),
        ),
        "Mode collapse: every sample piles up by one mode, then the pile hops to another.",
    ),
    # Image presets: 8x8 digits, sized to reach the figures in the README within 10 CPU minutes.
    "digits-dcgan": Preset(
        "DCGAN (Radford et al. 2016) on the 8x8 digits: transposed / strided convolutions with "
        "BatchNorm and one extra 3x3 layer before G's output, non-saturating loss, Adam (beta1 0.5; "
        "D 2e-4, G 2e-3) with a linear learning-rate decay, generator weight average.",
        RunConfig(
            data=DataConfig(name="digits", image_size=8),
            model=ModelConfig(
                architecture="dcgan", noise_dim=64, noise_prior="normal", g_width=64, d_width=64, g_extra_layers=1
            ),
            train=TrainConfig(
                loss="nsgan", d_lr=2e-4, g_lr=2e-3, batch_size=128, iterations=15_000, ema=0.999, lr_decay=True
            ),
        ),
    ),
    "digits-cgan": Preset(
        "Conditional GAN (Mirza & Osindero 2014) on the 8x8 digits: 100-d uniform noise and a one-hot "
        "label into a 200 + 1000 unit ReLU generator; the label joined to the image in the discriminator.",
        RunConfig(
            data=DataConfig(name="digits", image_size=8),
            model=ModelConfig(
                architecture="conditional_mlp",
                noise_dim=100,
                noise_prior="uniform",
                g_hidden=(200, 1000),
                d_layers=2,
                d_width=256,
                activation="relu",
            ),
            train=TrainConfig(loss="nsgan", d_lr=5e-4, g_lr=5e-4, batch_size=64, iterations=10_000, ema=0.999),
        ),
    ),
    "digits-mlp": Preset(
        "MLP GAN (Goodfellow et al. 2014) on the 8x8 digits: fully connected generator and "
        "discriminator, non-saturating loss, Adam with a linear learning-rate decay, generator weight average.",
        RunConfig(
            data=DataConfig(name="digits", image_size=8),
            model=ModelConfig(
                architecture="mlp",
                noise_dim=64,
                noise_prior="normal",
                g_layers=2,
                g_width=256,
                d_layers=2,
                d_width=256,
                activation="relu",
            ),
            train=TrainConfig(
                loss="nsgan", d_lr=5e-4, g_lr=5e-4, batch_size=64, iterations=20_000, ema=0.999, lr_decay=True
            ),
        ),
    ),
    # Faces (issue 24): fresh faces every batch, 32x32 colour; sized for a 2-core laptop.
    "faces-dcgan": Preset(
        "DCGAN on the procedurally drawn 32x32 faces (fresh faces every batch): 64-d normal noise, "
        "G and D of 32 base channels, non-saturating loss, Adam (beta1 0.5, both 5e-4) with a linear "
        "learning-rate decay, generator weight average.",
        RunConfig(
            data=DataConfig(name="faces", image_size=32, channels=3),
            model=ModelConfig(architecture="dcgan", noise_dim=64, noise_prior="normal", g_width=32, d_width=32),
            train=TrainConfig(
                loss="nsgan", d_lr=5e-4, g_lr=5e-4, batch_size=64, iterations=6_000, ema=0.999, lr_decay=True
            ),
        ),
        "Blobs of colour, then a head and hair, then eyes, mouth and glasses: the notes' stages.",
    ),
    "faces-mlp": Preset(
        "MLP GAN on the 32x32 faces, the contrast to faces-dcgan: fully connected networks see "
        "3,072 numbers with no notion of neighbouring pixels.",
        RunConfig(
            data=DataConfig(name="faces", image_size=32, channels=3),
            model=ModelConfig(
                architecture="mlp",
                noise_dim=64,
                noise_prior="normal",
                g_layers=2,
                g_width=512,
                d_layers=2,
                d_width=512,
                activation="relu",
            ),
            train=TrainConfig(
                loss="nsgan", d_lr=2e-4, g_lr=2e-4, batch_size=64, iterations=6_000, ema=0.999, lr_decay=True
            ),
        ),
        "Noisy, speckled faces: without convolutions every pixel is learned on its own.",
    ),
    # VAE and auto-encoder presets: the decoder is the GAN preset's generator, the encoder its
    # discriminator's body, trained with the generator's optimiser settings (GAN vs VAE, issue 12).
    "ring-vae": Preset(
        "VAE (Kingma & Welling 2014) on the ring: the ring preset's generator as the decoder (2-d code), "
        "its discriminator's body as the encoder, a Gaussian decoder of std 0.1 (samples are its means).",
        RunConfig(
            data=DataConfig(name="ring"),
            model=ModelConfig(
                model_kind="vae",
                noise_dim=2,
                g_layers=3,
                g_width=128,
                d_layers=3,
                d_width=128,
                likelihood="gaussian",
                decoder_std=0.1,
            ),
            train=TrainConfig(g_lr=1e-3, batch_size=256, iterations=10_000, lr_decay=True),
        ),
    ),
    "digits-vae": Preset(
        "VAE on the 8x8 digits: the digits-dcgan generator as the decoder (64-d code), the DCGAN "
        "discriminator's body as the encoder, a Bernoulli decoder, Adam 1e-3.",
        _digits_autoencoder("vae", code_size=64),
    ),
    "digits-vae-2d": Preset(
        "VAE on the 8x8 digits with a 2-d code, so the code space can be drawn (Kingma & Welling 2014, Fig. 4).",
        _digits_autoencoder("vae", code_size=2),
    ),
    "digits-ae": Preset(
        "Plain auto-encoder on the 8x8 digits, the same networks as digits-vae: no noise on the code, no KL term.",
        _digits_autoencoder("ae", code_size=64),
    ),
}


def get_preset(name: str) -> RunConfig:
    try:
        return PRESETS[name].config
    except KeyError:
        raise PresetError(f"unknown preset {name!r}; choose from {', '.join(PRESETS)}") from None


def presets_for(kind: str, model_kinds: tuple[str, ...] = ("gan",)) -> tuple[str, ...]:
    """The presets of one run kind ("toy" or "image") and model kinds: what a page's Preset box
    offers (the labs: GANs only)."""
    return tuple(
        name
        for name, preset in PRESETS.items()
        if preset.config.kind == kind and preset.config.model.model_kind in model_kinds
    )
