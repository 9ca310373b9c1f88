"""Scoring an image run with the shipped classifier: sample a fixed number of images, classify
them, and compare them with the training data, next to held-out real data scored the same way
(the "real data ceiling").

The pure metrics are in gan_core/metrics/images.py; this module feeds them.
"""
from __future__ import annotations

import copy

import numpy as np
import torch

from .data.images import ImageData
from .metrics.images import STANDARD_IMAGE_SAMPLE_COUNT, gaussian_statistics, score_samples
from .models import sample_noise
from .models.classifier import DigitClassifier, shipped_classifier

CLASSIFIER_FOR = {"digits": "digits", "mnist": "mnist", "fashion_mnist": "fashion_mnist"}  # data -> classifier


def classifier_for(data_name: str) -> tuple[DigitClassifier, dict]:
    """The shipped classifier for this data set. Raises ClassifierUnavailableError (a ValueError
    with instructions) where there is none, e.g. for a user's folder."""
    from .models.classifier import ClassifierUnavailableError

    if data_name not in CLASSIFIER_FOR:
        raise ClassifierUnavailableError(
            f"no classifier is shipped for {data_name!r} data, so classifier metrics are not available")
    return shipped_classifier(CLASSIFIER_FOR[data_name])


@torch.no_grad()
def classify(classifier: DigitClassifier, images: torch.Tensor, chunk: int = 1000) -> tuple[np.ndarray, np.ndarray]:
    """(probabilities (n, K), penultimate features (n, d)) as float64 numpy arrays."""
    probs, features = [], []
    for part in images.float().cpu().split(chunk):
        feature = classifier.features(part)
        features.append(feature)
        probs.append(torch.softmax(classifier.head(feature), dim=1))
    return torch.cat(probs).double().numpy(), torch.cat(features).double().numpy()


STANDING_STATS_BATCHES = 20  # batches of 256 noise vectors that re-estimate BatchNorm statistics
_STANDING: dict[int, tuple] = {}  # id(trainer) -> (g_updates, standing copy, the generator it copies)


def _has_batchnorm(module: torch.nn.Module) -> bool:
    return any(isinstance(m, torch.nn.modules.batchnorm._BatchNorm) for m in module.modules())


@torch.no_grad()
def standing_generator(trainer, max_age: int = 0) -> torch.nn.Module:
    """The generator to sample from in eval mode. With a weight average (EMA) and BatchNorm, the
    averaged weights come with the live generator's running statistics, which do not fit them
    (the trainer copies the buffers); so a copy of the averaged generator re-estimates its
    BatchNorm statistics on fixed noise first ("standing statistics", Brock et al. 2019, BigGAN
    appendix). Without EMA or BatchNorm it is the sampling generator itself. Cached: a copy made
    at most `max_age` generator updates ago is reused (a live view need not redo it each frame;
    an average moves slowly)."""
    generator = trainer.sampling_generator
    if trainer.ema_generator is None or not _has_batchnorm(generator):
        return generator
    cached = _STANDING.get(id(trainer))
    if cached is not None and cached[2] is generator and 0 <= trainer.g_updates - cached[0] <= max_age:
        return cached[1]
    model = trainer.config.model
    standing = copy.deepcopy(generator)
    for module in standing.modules():
        if isinstance(module, torch.nn.modules.batchnorm._BatchNorm):
            module.reset_running_stats()
            module.momentum = None  # a plain average over the batches below
    standing.train()
    rng = torch.Generator().manual_seed(123)
    for _ in range(STANDING_STATS_BATCHES):
        z = sample_noise(256, model.noise_dim, model.noise_prior, rng).to(trainer.device)
        labels = None
        if trainer.conditional:
            labels = torch.randint(model.n_classes, (256,), generator=rng).to(trainer.device)
        standing(z, labels)
    standing.eval()
    if len(_STANDING) >= 8:  # runs come and go (resets); keep the latest few
        _STANDING.pop(next(iter(_STANDING)))
    _STANDING[id(trainer)] = (trainer.g_updates, standing, generator)
    return standing


@torch.no_grad()
def sample_images(trainer, n: int, seed: int = 0, label: int | None = None) -> tuple[torch.Tensor, torch.Tensor | None]:
    """n images (n, C, H, W) on the CPU from the run's (averaged) generator and, for a conditional
    model, the labels asked for (all `label`, or drawn uniformly). Noise comes first from the
    seeded stream, then labels, as in gan_core.snapshot.sample. Sampled from the
    `standing_generator`."""
    model = trainer.config.model
    rng = torch.Generator().manual_seed(seed)
    generator = standing_generator(trainer)
    was_training = generator.training
    generator.eval()
    try:
        z = sample_noise(n, model.noise_dim, model.noise_prior, rng)
        labels = None
        if trainer.conditional:
            if label is None:
                labels = torch.randint(model.n_classes, (n,), generator=rng)
            else:
                if not 0 <= label < model.n_classes:
                    raise ValueError(f"label must be between 0 and {model.n_classes - 1}, got {label}")
                labels = torch.full((n,), int(label), dtype=torch.long)
        elif label is not None:
            raise ValueError("--label needs a conditional model (architecture conditional_mlp)")
        images = torch.cat([
            generator(zc.to(trainer.device), None if labels is None else lc.to(trainer.device)).cpu()
            for zc, lc in zip(z.split(1000), (labels if labels is not None else torch.zeros(n)).split(1000))
        ]) if n > 0 else torch.empty(0, *trainer.data.shape)
        return images, labels
    finally:
        generator.train(was_training)


MAX_NEIGHBOUR_REFERENCE = 5000  # k-NN metrics compare with at most this many training images (MNIST has 60,000)


class Reference:
    """The training images' classifier features and their Gaussian statistics, computed once per
    data set, and held-out real data scored against them the same way as generated images (the
    ceiling). The k-NN metrics use a fixed subset of at most MAX_NEIGHBOUR_REFERENCE training
    images (all 1,438 for digits); the Frechet statistics use them all."""

    def __init__(self, data: ImageData, classifier: DigitClassifier):
        self.data = data
        self.classifier = classifier
        self.n_classes = classifier.n_classes
        _, self.features = classify(classifier, data.train_images)
        self.stats = gaussian_statistics(self.features)
        self.neighbour_features = self.features
        if len(self.features) > MAX_NEIGHBOUR_REFERENCE:
            keep = np.random.default_rng(0).permutation(len(self.features))[:MAX_NEIGHBOUR_REFERENCE]
            self.neighbour_features = self.features[np.sort(keep)]
        held_probs, held_features = classify(classifier, data.held_out_images)
        self.held_out = (held_probs, held_features, data.held_out_labels.numpy())
        self._ceilings: dict[int, dict] = {}

    def score(self, images: torch.Tensor, requested_labels: np.ndarray | None = None) -> dict:
        probs, features = classify(self.classifier, images)
        return score_samples(probs, features, self.neighbour_features, self.stats, requested_labels)

    def ceiling_at(self, n: int) -> dict:
        """The first n held-out real images (all of them if fewer) scored like generated ones;
        their label agreement is the classifier's accuracy on them."""
        probs, features, labels = self.held_out
        n = min(n, len(probs))
        if n not in self._ceilings:
            self._ceilings[n] = score_samples(probs[:n], features[:n], self.neighbour_features, self.stats,
                                              labels[:n])
        return self._ceilings[n]

    @property
    def ceiling(self) -> dict:
        """The ceiling at the standard sample count."""
        return self.ceiling_at(STANDARD_IMAGE_SAMPLE_COUNT)


_REFERENCES: dict[int, Reference] = {}


def reference_for(data: ImageData) -> Reference:
    """The Reference of a loaded data set, computed once (data sets are cached and shared)."""
    key = id(data)
    if key not in _REFERENCES or _REFERENCES[key].data is not data:  # an id can be reused
        classifier, _ = classifier_for(data.name)
        if len(_REFERENCES) >= 8:
            _REFERENCES.pop(next(iter(_REFERENCES)))
        _REFERENCES[key] = Reference(data, classifier)
    return _REFERENCES[key]


def evaluate_image_run(trainer, n: int = STANDARD_IMAGE_SAMPLE_COUNT, seed: int = 0,
                       drs_percentile: float | None | bool = False) -> dict:
    """Metrics of n generated images, and the real-data ceiling: held-out real images scored the
    same way. The Frechet distance and the k-NN metrics change with the sample count, and the
    digits' held-out split (359 images) is smaller than n, so the generated images are also scored
    at the ceiling's count ("generated_at_ceiling_count"); the ratios compare those, like with like.
    `drs_percentile` other than False scores images kept by discriminator rejection sampling
    (gan_core.rejection; None there means gamma = 0) instead of the generator's own samples."""
    reference = reference_for(trainer.data)
    sampling = {"method": "generator"}
    if drs_percentile is False:
        images, labels = sample_images(trainer, n, seed)
    else:
        from .rejection import rejection_sample

        images, labels, rate = rejection_sample(trainer, n, seed, percentile=drs_percentile)
        sampling = {"method": "discriminator rejection sampling (Azadi et al. 2019)",
                    "gamma_percentile": drs_percentile, "acceptance_rate": rate}
    requested = None if labels is None else labels.numpy()
    generated = reference.score(images, requested)
    ceiling = reference.ceiling_at(n)
    m = ceiling["sample_count"]
    matched = generated if m == n else reference.score(images[:m], None if requested is None else requested[:m])
    _, info = classifier_for(trainer.data.name)
    accuracy = info.get("held_out_accuracy", float("nan"))
    return {
        "classifier": f"{trainer.data.name} CNN (held-out accuracy {accuracy:.4f}); 'fid' is the Frechet "
                      f"distance on its {reference.features.shape[1]} penultimate features, not Inception-v3's",
        "sampling": sampling,
        "generated": generated,
        "generated_at_ceiling_count": matched,
        "real_ceiling": ceiling,
        "ratios": {
            "fid_vs_real": matched["fid"] / max(ceiling["fid"], 1e-12),
            "inception_score_vs_real": matched["inception_score"] / ceiling["inception_score"],
        },
    }
