"""Frozen, validated run configuration: what to learn (data), with what (model), and how (training).

One dataclass per concern. Each validates itself on construction with a message a person can act
on, is varied with `dataclasses.replace`, and round-trips through JSON. Being frozen and hashable,
a config can key a cache.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field

TOY_DATASETS = ("ring", "grid", "spiral", "moons", "circles", "line", "three_regions", "points", "mixture1d")
IMAGE_DATASETS = ("digits", "faces", "mnist", "fashion_mnist", "folder")
DATASETS = TOY_DATASETS + IMAGE_DATASETS
# conditional_dcgan: a DCGAN conditioned on the faces' factor vector; unet: the image-to-image
# networks of pix2pix and CycleGAN (the Applications page, gan_core.objectives.translation).
ARCHITECTURES = ("mlp", "conditional_mlp", "dcgan", "conditional_dcgan", "unet")
ACTIVATIONS = ("relu", "leaky_relu", "tanh")
D_NORMS = ("auto", "batch", "layer", "spectral", "none")  # DCGAN discriminator normalisation
NOISE_PRIORS = ("uniform", "normal")
LOSSES = ("minimax", "nsgan", "lsgan", "hinge", "wgan", "wgan_gp")
OPTIMIZERS = ("sgd", "momentum", "adam", "rmsprop")
DEVICES = ("auto", "cpu", "cuda", "mps")
MODEL_KINDS = ("gan", "vae", "ae", "pix2pix", "cyclegan")  # what the networks are trained as (gan_core.objectives)
MODEL_KIND_NAMES = {"gan": "GAN", "vae": "VAE", "ae": "auto-encoder", "pix2pix": "pix2pix", "cyclegan": "CycleGAN"}
TRANSLATION_KINDS = ("pix2pix", "cyclegan")  # image-to-image models: no noise, an image in, an image out
LIKELIHOODS = ("gaussian", "gaussian_learned", "bernoulli")  # a VAE's / AE's decoder p(x|z)


MAX_ITERATIONS = 1_000_000_000  # a run's length: more would take years, and a link or flag may say anything


# Where the words-to-faces GAN opens, said by every place that refuses its file.
WORDS_MODEL_HOME = "the Applications page's Words to faces view uses it (shipped there)"


class ConfigError(ValueError):
    """A config value a person set is out of range; the message says which and why."""


def quoted(value, limit: int = 80) -> str:
    """A value as a message quotes it: repr, cut to `limit` characters (a link or a file can hold
    megabytes where a number belongs)."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise ConfigError(message)


def _check_choice(name: str, value: str, choices: tuple[str, ...]) -> None:
    _check(value in choices, f"{name} must be one of {', '.join(choices)}, got {quoted(value)}")


def _check_range(name: str, value, low, high) -> None:
    _check(low <= value <= high, f"{name} must be between {low} and {high}, got {value}")


# The one table of what a setting is called in a sentence ("Changed: batch size", Compare's Vary
# box): a config field's name -> words.
SETTING_LABELS = {
    "name": "data set",
    "n_modes": "number of modes",
    "radius": "radius / spacing",
    "std": "mode std",
    "points": "your points",
    "image_size": "image size",
    "root": "data folder",
    "loss": "loss",
    "noise_dim": "noise dimension",
    "noise_prior": "noise prior",
    "g_layers": "G layers",
    "g_width": "G width",
    "d_layers": "D layers",
    "d_width": "D width",
    "d_norm": "D normalisation",
    "g_extra_layers": "G extra layers",
    "d_extra_layers": "D extra layers",
    "d_optimizer": "D's optimiser",
    "g_optimizer": "G's optimiser",
    "d_lr": "D's learning rate",
    "g_lr": "G's learning rate",
    "d_steps": "k (D updates per iteration)",
    "g_steps": "m (G updates per iteration)",
    "batch_size": "batch size",
    "beta1": "Adam's beta1",
    "gp_weight": "gradient penalty weight",
    "gp_one_sided": "one-sided gradient penalty",
    "r1_gamma": "R1 penalty gamma",
    "clip": "WGAN clip",
    "label_smoothing": "label smoothing",
    "ema": "weight average (EMA)",
    "lr_decay": "learning-rate decay",
    "lr_decay_iterations": "decay length",
    "seed": "seed",
}


def config_from_dict(cls, raw, name: str):
    """`cls(**raw)` for a frozen config read from JSON, with an unknown or ill-typed setting named
    (`name`: what the settings are, e.g. "train") instead of a TypeError."""
    _check(isinstance(raw, dict), f"the {name} settings must be an object")
    unknown = set(raw) - {f.name for f in dataclasses.fields(cls)}
    _check(not unknown, f"unknown {name} setting(s): {', '.join(sorted(unknown))}")
    try:
        return cls(**raw)
    except TypeError as error:  # e.g. a string where a number belongs
        raise ConfigError(f"bad {name} setting: {error}") from None


class JsonConfig:
    """The one JSON form of every run's config (a run, GAN vs VAE's comparison, Compare's
    variants, a theory section): `to_json` writes `to_dict()`, `from_json` reads it back through
    `from_dict`. NAME says in messages what the settings are."""

    NAME = "config"

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    @classmethod
    def from_json(cls, text: str):
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as error:
            raise ConfigError(f"the {cls.NAME} config is not valid JSON: {error}") from None
        return cls.from_dict(raw)

    @classmethod
    def from_dict(cls, raw: dict):
        return config_from_dict(cls, raw, cls.NAME)


@dataclass(frozen=True)
class DataConfig:
    """The distribution to learn. Toy parameters and image parameters live side by side; each
    dataset reads only the ones that concern it."""

    name: str = "ring"
    n_modes: int | None = None  # None: the data set's own default (ring 8, grid 25, mixture1d 3)
    radius: float | None = None  # None: default (ring 1, grid spacing 2, shapes 1)
    std: float | None = None  # None: default per-mode std (ring 0.01, grid 0.05: as in PacGAN)
    points: tuple[tuple[float, float], ...] = ()  # the user's own samples, for name="points"
    image_size: int = 8  # digits are 8x8 natively; 16 or 28 resizes them; faces are drawn at 32 or 64
    channels: int = 1  # 1 grey, 3 colour (image folders; faces are always colour)
    root: str = "data"  # where torchvision data sets live on disk
    download: bool = False  # may torchvision fetch MNIST / Fashion-MNIST when missing

    def __post_init__(self):
        _check_choice("data name", self.name, DATASETS)
        _check(
            self.n_modes is None or 1 <= self.n_modes <= 400,
            f"number of modes must be between 1 and 400, got {self.n_modes}",
        )
        _check(self.radius is None or self.radius > 0, f"radius must be > 0, got {self.radius}")
        _check(self.std is None or self.std > 0, f"std must be > 0, got {self.std}")
        if self.name == "faces":  # drawn in colour at 32 or 64 pixels (gan_core.data.faces)
            _check(self.image_size in (32, 64), f"faces are drawn at 32 or 64 pixels, got image size {self.image_size}")
            object.__setattr__(self, "channels", 3)
        else:
            _check(self.image_size in (8, 16, 28, 32), f"image size must be 8, 16, 28 or 32, got {self.image_size}")
        _check(self.channels in (1, 3), f"channels must be 1 or 3, got {self.channels}")
        if self.name == "grid" and self.n_modes is not None:
            _check(
                math.isqrt(self.n_modes) ** 2 == self.n_modes,
                f"a grid needs a square number of modes (4, 9, 16, 25, ...), got {self.n_modes}",
            )
        if self.name == "points":
            _check(len(self.points) >= 2, f"points data needs at least 2 points, got {len(self.points)}")
        # A list from JSON becomes a tuple so the config stays hashable.
        object.__setattr__(self, "points", tuple(tuple(float(c) for c in p) for p in self.points))
        if self.points:
            _check(all(len(p) == 2 for p in self.points), "each point must have exactly 2 coordinates")

    @property
    def is_image(self) -> bool:
        return self.name in IMAGE_DATASETS

    @property
    def dim(self) -> int:
        """Size of one flat sample."""
        if self.is_image:
            return self.channels * self.image_size * self.image_size
        return 1 if self.name == "mixture1d" else 2


@dataclass(frozen=True)
class ModelConfig:
    """Generator and discriminator shape. Hidden layers 0-6 each; the MLP defaults follow the
    PacGAN 2D experiments (4 layers of 400 units would be their size; smaller trains faster)."""

    architecture: str = "mlp"
    noise_dim: int = 2
    noise_prior: str = "normal"
    g_layers: int = 3
    g_width: int = 128
    d_layers: int = 3
    d_width: int = 128
    activation: str = "relu"
    batchnorm: bool = False  # in G's hidden layers (the discriminator's stay unnormalised for the GP)
    n_classes: int = 10  # conditional models only
    pack: int = 1  # PacGAN: the discriminator judges this many samples at once
    g_hidden: tuple[int, ...] = ()  # conditional MLP G's hidden sizes, e.g. (200, 1000); () = g_layers x g_width
    d_norm: str = "auto"  # DCGAN D: auto = BatchNorm, or LayerNorm under wgan_gp (a per-batch norm breaks the GP)
    d_dropout: float = 0.0  # image Ds: dropout after each hidden layer; keeps D from memorising a small data set
    d_augment: str = ""  # DCGAN D: DiffAugment policy, e.g. "translation,cutout" (Zhao et al. 2020); "" = off
    g_extra_layers: int = 0  # DCGAN G: stride-1 3x3 conv layers before the output (the DCGAN code's n_extra_layers)
    d_extra_layers: int = 0  # DCGAN D: the same after its input layer
    # The model kind. A VAE (Kingma & Welling 2014) or a plain auto-encoder uses the generator as
    # its decoder (noise_dim is the code size) and the discriminator's body as its encoder.
    model_kind: str = "gan"
    likelihood: str = "gaussian"  # VAE/AE decoder p(x|z): gaussian (std decoder_std), gaussian_learned, bernoulli
    decoder_std: float = 0.1  # the fixed Gaussian decoder's std (in data units; images span [-1, 1])

    def __post_init__(self):
        _check_choice("model kind", self.model_kind, MODEL_KINDS)
        _check_choice("likelihood", self.likelihood, LIKELIHOODS)
        _check(self.decoder_std > 0, f"decoder std must be > 0, got {self.decoder_std}")
        _check_choice("architecture", self.architecture, ARCHITECTURES)
        _check_range("noise dimension", self.noise_dim, 1, 128)
        _check_choice("noise prior", self.noise_prior, NOISE_PRIORS)
        _check_range("generator hidden layers", self.g_layers, 0, 6)
        _check_range("discriminator hidden layers", self.d_layers, 0, 6)
        _check_range("generator width", self.g_width, 1, 4096)
        _check_range("discriminator width", self.d_width, 1, 4096)
        _check_choice("activation", self.activation, ACTIVATIONS)
        _check_range("number of classes", self.n_classes, 1, 1000)
        _check_range("pack", self.pack, 1, 8)
        object.__setattr__(self, "g_hidden", tuple(int(w) for w in self.g_hidden))  # JSON list -> tuple
        _check(
            len(self.g_hidden) <= 6 and all(1 <= w <= 4096 for w in self.g_hidden),
            f"generator hidden sizes must be at most 6 sizes of 1-4096 units, got {self.g_hidden}",
        )
        _check_choice("discriminator normalisation", self.d_norm, D_NORMS)
        _check(0 <= self.d_dropout < 1, f"discriminator dropout must be in [0, 1), got {self.d_dropout}")
        _check_range("generator extra layers", self.g_extra_layers, 0, 4)
        _check_range("discriminator extra layers", self.d_extra_layers, 0, 4)
        for part in (p.strip() for p in self.d_augment.split(",")):
            _check(
                part in ("", "translation", "cutout"),
                f"discriminator augmentation must be translation and/or cutout, got {part!r}",
            )


# The model settings each architecture reads. A setting outside its architecture's set must keep
# its default: a value there would be silently ignored, so it is refused with a message instead.
ARCHITECTURE_FIELDS = {
    "mlp": frozenset(
        {
            "noise_dim",
            "noise_prior",
            "g_layers",
            "g_width",
            "d_layers",
            "d_width",
            "activation",
            "batchnorm",
            "pack",
            "d_dropout",
        }
    ),
    "conditional_mlp": frozenset(
        {
            "noise_dim",
            "noise_prior",
            "g_layers",
            "g_width",
            "g_hidden",
            "d_layers",
            "d_width",
            "activation",
            "batchnorm",
            "n_classes",
            "d_dropout",
        }
    ),
    "dcgan": frozenset(
        {
            "noise_dim",
            "noise_prior",
            "g_width",
            "d_width",
            "d_norm",
            "d_dropout",
            "d_augment",
            "g_extra_layers",
            "d_extra_layers",
        }
    ),
}
ARCHITECTURE_FIELDS["conditional_dcgan"] = frozenset({"noise_dim", "noise_prior", "g_width", "d_width"})
ARCHITECTURE_FIELDS["unet"] = frozenset({"g_width", "d_width"})
ARCHITECTURE_NAMES = {
    "mlp": "MLP",
    "conditional_mlp": "conditional MLP",
    "dcgan": "DCGAN",
    "conditional_dcgan": "factor-conditional DCGAN",
    "unet": "image-to-image",
}


GAN_ONLY_FIELDS = frozenset({"pack", "d_augment", "d_dropout"})  # what only an adversarial D uses


def applicable_model_fields(model: ModelConfig) -> frozenset[str]:
    """The model settings that `model.architecture` and `model.model_kind` read (g_layers /
    g_width drop out when a conditional generator's hidden sizes are given by g_hidden)."""
    fields = ARCHITECTURE_FIELDS[model.architecture] | {"architecture", "model_kind"}
    if model.architecture == "conditional_mlp" and model.g_hidden:
        fields -= {"g_layers", "g_width"}
    if model.model_kind in ("gan", *TRANSLATION_KINDS):
        return fields
    fields = (fields - GAN_ONLY_FIELDS) | {"likelihood"}
    return fields | {"decoder_std"} if model.likelihood == "gaussian" else fields


def unused_model_settings(model: ModelConfig) -> list[str]:
    """Settings set away from their default that the architecture would ignore."""
    used = applicable_model_fields(model)
    return [
        f.name for f in dataclasses.fields(ModelConfig) if f.name not in used and getattr(model, f.name) != f.default
    ]


def without_unused_settings(model: ModelConfig) -> ModelConfig:
    """`model` with every setting its architecture ignores put back to its default."""
    defaults = {f.name: f.default for f in dataclasses.fields(ModelConfig) if f.name in unused_model_settings(model)}
    return dataclasses.replace(model, **defaults)


@dataclass(frozen=True)
class TrainConfig:
    """How the two networks are updated. An iteration is k discriminator updates then m
    generator updates (Goodfellow et al. 2014, Algorithm 1)."""

    loss: str = "nsgan"
    d_steps: int = 1  # k
    g_steps: int = 1  # m
    d_optimizer: str = "adam"
    g_optimizer: str = "adam"
    d_lr: float = 1e-3
    g_lr: float = 1e-3
    beta1: float = 0.5  # Adam's first moment; 0.5 as in DCGAN
    beta2: float = 0.999
    batch_size: int = 256
    seed: int = 0
    iterations: int = 10_000  # run length of headless runs (CLI); the live page runs until paused
    clip: float = 0.01  # WGAN weight clipping bound
    gp_weight: float = 10.0  # WGAN-GP penalty weight lambda
    gp_one_sided: bool = False  # WGAN-GP: penalise only slopes above 1 (losses.slope_penalty)
    r1_gamma: float = 0.0  # R1 penalty gamma/2 E||grad D(x_real)||^2 (Mescheder et al. 2018); 0 = off
    instance_noise: float = 0.0  # std of Gaussian noise on every D input, annealed to 0 over `iterations`
    label_smoothing: float = 0.0  # one-sided: D's target for real samples is 1 - this (probabilistic losses)
    ema: float = 0.0  # generator weight averaging (0 = off); samples come from the average
    beta: float = 1.0  # VAE: weight of the KL term (1 = the ELBO; Higgins et al. 2017 for other values)
    lr_decay: bool = False  # linear decay of both learning rates to 0 over `lr_decay_iterations`
    lr_decay_iterations: int | None = None  # None: over the run's `iterations`
    instance_noise_iterations: int | None = None  # instance noise fades to 0 over this many; None: `iterations`
    # Image-to-image models (pix2pix, CycleGAN): the weights of the generator's loss terms.
    adversarial_weight: float = 1.0  # the GAN term (0: pix2pix trained on L1 alone, no discriminator)
    l1_weight: float = 100.0  # pix2pix: lambda of the L1 term (Isola et al. 2017; 0: the GAN term alone)
    cycle_weight: float = 10.0  # CycleGAN: lambda of the cycle-consistency term (Zhu et al. 2017; 0: none)
    factor_weight: float = 0.0  # words to faces: D also reads the factors, G is held to them (AC-GAN); 0: off
    device: str = "auto"

    def __post_init__(self):
        _check_choice("loss", self.loss, LOSSES)
        _check_range("discriminator steps k", self.d_steps, 0, 100)
        _check_range("generator steps m", self.g_steps, 0, 10)
        _check(self.d_steps + self.g_steps > 0, "k and m cannot both be 0: an iteration would do nothing")
        _check_choice("discriminator optimizer", self.d_optimizer, OPTIMIZERS)
        _check_choice("generator optimizer", self.g_optimizer, OPTIMIZERS)
        _check(self.d_lr > 0, f"discriminator learning rate must be > 0, got {self.d_lr}")
        _check(self.g_lr > 0, f"generator learning rate must be > 0, got {self.g_lr}")
        _check(0 <= self.beta1 < 1, f"beta1 must be in [0, 1), got {self.beta1}")
        _check(0 <= self.beta2 < 1, f"beta2 must be in [0, 1), got {self.beta2}")
        _check_range("batch size", self.batch_size, 1, 65536)
        _check(
            0 <= self.iterations <= MAX_ITERATIONS,
            f"iterations must be 0 to {MAX_ITERATIONS:,}, got {self.iterations:,}",
        )
        _check(self.clip > 0, f"clip must be > 0, got {self.clip}")
        _check(self.gp_weight >= 0, f"gradient penalty weight must be >= 0, got {self.gp_weight}")
        _check(self.r1_gamma >= 0, f"R1 penalty weight must be >= 0, got {self.r1_gamma}")
        _check(self.instance_noise >= 0, f"instance noise must be >= 0, got {self.instance_noise}")
        _check(0 <= self.label_smoothing < 0.5, f"label smoothing must be in [0, 0.5), got {self.label_smoothing}")
        _check(
            self.label_smoothing == 0 or self.loss in ("minimax", "nsgan"),
            f"label smoothing needs a probabilistic loss (minimax or nsgan), not {self.loss}",
        )
        _check(0 <= self.ema < 1, f"ema must be in [0, 1), got {self.ema}")
        _check(self.beta >= 0, f"beta must be >= 0, got {self.beta}")
        for name in ("lr_decay_iterations", "instance_noise_iterations"):
            value = getattr(self, name)
            _check(value is None or value >= 1, f"{name.replace('_', ' ')} must be >= 1 (or unset), got {value}")
        for name in ("adversarial_weight", "l1_weight", "cycle_weight", "factor_weight"):
            _check(getattr(self, name) >= 0, f"{name.replace('_', ' ')} must be >= 0, got {getattr(self, name)}")
        _check_choice("device", self.device, DEVICES)

    @property
    def decay_length(self) -> int:
        """Iterations over which the learning rates fall to 0 (when lr_decay is on)."""
        return self.iterations if self.lr_decay_iterations is None else self.lr_decay_iterations

    @property
    def noise_length(self) -> int:
        """Iterations over which instance noise fades to 0."""
        return self.iterations if self.instance_noise_iterations is None else self.instance_noise_iterations


TRANSLATION_LOSSES = ("nsgan", "minimax", "lsgan", "hinge")  # no critic: no clipping or penalty there
GAN_REGULARISERS = ("r1_gamma", "instance_noise", "label_smoothing", "clip", "gp_weight", "gp_one_sided")


def unused_training_settings(config) -> list[str]:
    """Training settings set away from their default that this model would ignore: the GAN's
    regularisers and the weight average in pix2pix and CycleGAN (their objective has none), each
    application's loss weights anywhere else."""
    model, defaults = config.model, TrainConfig()
    if model.model_kind in TRANSLATION_KINDS:
        other = "l1_weight" if model.model_kind == "cyclegan" else "cycle_weight"
        fields = [*GAN_REGULARISERS, "ema", "factor_weight", other]
    else:
        fields = ["adversarial_weight", "l1_weight", "cycle_weight"]
        fields += [] if model.architecture == "conditional_dcgan" else ["factor_weight"]
    return [name for name in fields if getattr(config.train, name) != getattr(defaults, name)]


@dataclass(frozen=True)
class RunConfig(JsonConfig):
    """Everything that defines a run; it is what a checkpoint stores to rebuild itself."""

    data: DataConfig = field(default_factory=DataConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    train: TrainConfig = field(default_factory=TrainConfig)

    def __post_init__(self):
        if self.model.architecture == "conditional_mlp":
            _check(self.data.is_image, "the conditional GAN needs labelled image data")
        if self.model.architecture == "dcgan":
            _check(self.data.is_image, "DCGAN needs image data")
        if self.model.architecture == "conditional_dcgan":
            _check(self.model.model_kind == "gan", "the factor-conditional DCGAN is trained as a GAN")
            _check(self.data.name == "faces", "the factor-conditional DCGAN needs the faces (their factors)")
        translation = self.model.model_kind in TRANSLATION_KINDS
        _check(
            translation == (self.model.architecture == "unet"),
            f"{MODEL_KIND_NAMES[self.model.model_kind]} models use the image-to-image networks (architecture unet)"
            if translation
            else "the image-to-image networks (architecture unet) are for pix2pix and CycleGAN",
        )
        if translation:
            _check(self.data.name == "faces", f"{MODEL_KIND_NAMES[self.model.model_kind]} is trained on the faces")
            _check(
                self.train.loss in TRANSLATION_LOSSES,
                f"{MODEL_KIND_NAMES[self.model.model_kind]} takes the loss {' or '.join(TRANSLATION_LOSSES)}, "
                f"not {self.train.loss}",
            )
        if self.model.architecture == "conditional_dcgan":
            _check(
                self.train.loss not in ("wgan", "wgan_gp"),
                "the words-to-faces discriminator uses BatchNorm (no critic): use nsgan, minimax, lsgan or hinge",
            )
        ignored = unused_training_settings(self)
        _check(
            not ignored,
            f"this {MODEL_KIND_NAMES[self.model.model_kind]} does not use {', '.join(ignored)}; leave "
            f"{'it' if len(ignored) == 1 else 'them'} at the default",
        )
        if self.model.pack > 1:
            _check(
                self.train.batch_size % self.model.pack == 0,
                f"batch size {self.train.batch_size} must be a multiple of pack {self.model.pack}",
            )
        unused = unused_model_settings(self.model)
        what = ARCHITECTURE_NAMES[self.model.architecture] + (
            " architecture" if self.model.model_kind == "gan" else f" {MODEL_KIND_NAMES[self.model.model_kind]}"
        )
        _check(
            not unused,
            f"the {what} does not use {', '.join(unused)}; leave {'it' if len(unused) == 1 else 'them'} at the default",
        )
        if self.model.model_kind in ("vae", "ae"):
            _check(
                self.model.noise_prior == "normal",
                f"a {MODEL_KIND_NAMES[self.model.model_kind]}'s code prior is N(0, I): noise prior must be normal",
            )
            _check(
                self.model.likelihood != "bernoulli" or self.data.is_image,
                "a Bernoulli decoder needs image data (pixels in [0, 1]); use a Gaussian one for 2D data",
            )

    @property
    def kind(self) -> str:
        """ "toy" (2D/1D data, the 2D lab) or "image" (the image lab): which pages and views fit the run."""
        return "image" if self.data.is_image else "toy"

    @classmethod
    def from_dict(cls, raw: dict) -> RunConfig:
        _check(isinstance(raw, dict), "a run config must be a JSON object")
        parts = {}
        for name, part_cls in (("data", DataConfig), ("model", ModelConfig), ("train", TrainConfig)):
            parts[name] = config_from_dict(part_cls, raw.get(name, {}), name)
        return cls(**parts)

    def replace(self, **sections) -> RunConfig:
        """`run.replace(train=dict(g_lr=1e-4))`: a copy with some fields of some sections changed."""
        parts = {}
        for name, changes in sections.items():
            parts[name] = dataclasses.replace(getattr(self, name), **changes)
        return dataclasses.replace(self, **parts)


# ----- one conversion from a person's input (CLI text, widget values) to config values ----------
SECTIONS = {"data": DataConfig, "model": ModelConfig, "train": TrainConfig}
KINDS = ("toy", "image")
KIND_NAMES = {"toy": "a 2D/1D run", "image": "an image run"}


def _field(section: str, name: str) -> dataclasses.Field:
    for field_ in dataclasses.fields(SECTIONS[section]):
        if field_.name == name:
            return field_
    raise ConfigError(f"unknown {section} setting {name!r}")


def coerce_setting(section: str, name: str, value):
    """`value` (text from the command line, or a widget's value) as the type of the config field
    `section.name`. The CLI and the pages both convert through here, so "3" and 3.0 mean the
    same thing everywhere. Raises ConfigError naming the setting."""
    kind = str(_field(section, name).type)
    label = name.replace("_", " ")
    if value is None or (isinstance(value, str) and value.strip().lower() in ("none", "")):
        if "None" in kind:
            return None
        if kind.startswith("tuple") and isinstance(value, str):
            return ()
        if kind != "str":
            raise ConfigError(f"{label} needs a value")
    try:
        if kind.startswith("tuple[int"):
            parts = value.replace(" ", "").split(",") if isinstance(value, str) else list(value)
            return tuple(int(part) for part in parts if part != "")
        if kind.startswith("tuple"):
            return tuple(tuple(float(c) for c in point) for point in value)
        if kind == "bool":
            if isinstance(value, str):
                lowered = value.strip().lower()
                if lowered not in ("1", "true", "yes", "on", "0", "false", "no", "off"):
                    raise ValueError
                return lowered in ("1", "true", "yes", "on")
            return bool(value)
        if kind.startswith("int"):
            number = float(value)  # "3", 3 and 3.0 (a number widget's value) are all 3; 2.5 is not
            if not number.is_integer():
                raise ValueError
            return int(number)
        if kind.startswith("float"):
            return float(value)
        return str(value)
    except (TypeError, ValueError):
        expected = {"bool": "true or false"}.get(
            kind,
            "a whole number"
            if kind.startswith("int")
            else "comma-separated whole numbers"
            if kind.startswith("tuple")
            else "a number",
        )
        raise ConfigError(f"{label} must be {expected}, got {quoted(value)}") from None


class KindError(ConfigError):
    """A run of the other kind (an image run where a 2D/1D one is expected, or the reverse): the
    page says where such a run belongs."""


def check_kind(config: RunConfig, expected: str, what: str = "this run") -> None:
    """Refuse a run of the other kind with a message that says where it belongs, e.g. an image
    preset or checkpoint in the 2D lab. The labs train GANs: a VAE or auto-encoder is refused too."""
    _check_choice("run kind", expected, KINDS)
    if config.model.model_kind in TRANSLATION_KINDS:
        raise ConfigError(
            f"{what} is {_a(MODEL_KIND_NAMES[config.model.model_kind])} image-to-image model: open it on the "
            "Applications page"
        )
    if config.model.model_kind != "gan":
        raise ConfigError(
            f"{what} is {_a(MODEL_KIND_NAMES[config.model.model_kind])}, not a GAN; the labs train GANs "
            "(train, sample and evaluate it with `python -m gan_core`)"
        )
    if config.model.architecture == "conditional_dcgan":
        raise ConfigError(f"{what} is the words-to-faces GAN: {WORDS_MODEL_HOME}")
    if config.kind != expected:
        raise KindError(f"{what} is {KIND_NAMES[config.kind]}, not {KIND_NAMES[expected]}")


def check_model_kind(config: RunConfig, expected: tuple[str, ...], what: str = "this run") -> None:
    """Refuse a run whose model kind is not one of `expected`, e.g. a GAN checkpoint where a VAE
    is asked for, with a message naming both."""
    for kind in expected:
        _check_choice("model kind", kind, MODEL_KINDS)
    if config.model.model_kind not in expected:
        wanted = " or ".join(MODEL_KIND_NAMES[kind] for kind in expected)
        raise ConfigError(f"{what} is {_a(MODEL_KIND_NAMES[config.model.model_kind])}; {_a(wanted)} is expected here")


def _a(noun: str) -> str:
    """ "an auto-encoder", "a GAN": the article a model kind's name takes."""
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"
