"""Scoring an image run with the shipped classifier: sample a fixed number of images, classify
them, and compare them with the training data, next to held-out real data scored the same way
(the "real data ceiling").

The pure metrics are in gan_core/evaluation/images.py; this module feeds them.
"""

from __future__ import annotations

import numpy as np
import torch

from ..data.images import ImageData
from ..networks.classifier import ClassifierUnavailableError, DigitClassifier, shipped_classifier
from ..networks.face_reader import ReaderUnavailableError, shipped_reader
from ..sampling import sample
from ..sampling.rejection import DEFAULT_PERCENTILE, rejection_round, rejection_sample
from .factors import describe_dropped, dropped_levels, factor_coverage, factor_histograms
from .images import STANDARD_IMAGE_SAMPLE_COUNT, gaussian_statistics, score_samples

REFERENCE_SUBSET_SEED = 0  # which training images the k-NN metrics compare with, when there are many

CLASSIFIER_FOR = {"digits": "digits", "mnist": "mnist", "fashion_mnist": "fashion_mnist"}  # data -> classifier


def classifier_for(data_name: str) -> tuple[DigitClassifier, dict]:
    """The shipped classifier for this data set (for faces: the factor reader, whose "class" is the
    hair colour). Raises ClassifierUnavailableError (a ValueError with instructions) where there
    is none, e.g. for a user's folder."""
    if data_name == "faces":
        try:
            reader, info = shipped_reader()
        except ReaderUnavailableError as error:
            raise ClassifierUnavailableError(str(error)) from None
        return reader, {"held_out_accuracy": info.get("scores", {}).get("hair_colour", float("nan")), **info}
    if data_name not in CLASSIFIER_FOR:
        raise ClassifierUnavailableError(
            f"no classifier is shipped for {data_name!r} data, so classifier metrics are not available"
        )
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


MAX_NEIGHBOUR_REFERENCE = 5000  # k-NN metrics compare with at most this many training images (MNIST has 60,000)
# Faces are scored on 2,000 generated faces (the factor coverage's count), against 2,000 reference
# faces for the k-NN metrics and the features of 10,000 for FID.
SAMPLE_COUNT_FOR = {"faces": 2000}
NEIGHBOUR_REFERENCE_FOR = {"faces": 2000}


def standard_sample_count(data_name: str) -> int:
    """How many generated images a run of this data is scored on."""
    return SAMPLE_COUNT_FOR.get(data_name, STANDARD_IMAGE_SAMPLE_COUNT)


class Reference:
    """The training images' classifier features and their Gaussian statistics, computed once per
    data set, and held-out real data scored against them the same way as generated images (the
    ceiling). The k-NN metrics use a fixed subset of at most MAX_NEIGHBOUR_REFERENCE training
    images (all 1,438 for digits); the Frechet statistics use them all."""

    def __init__(self, data: ImageData, classifier: DigitClassifier):
        self.data = data
        self.classifier = classifier
        self.n_classes = classifier.n_classes
        self.features = np.concatenate([classify(classifier, images)[1] for images in data.reference_images()])
        self.stats = gaussian_statistics(self.features)
        self.neighbour_features = self.features
        neighbours = NEIGHBOUR_REFERENCE_FOR.get(data.name, MAX_NEIGHBOUR_REFERENCE)
        if len(self.features) > neighbours:
            keep = np.random.default_rng(REFERENCE_SUBSET_SEED).permutation(len(self.features))[:neighbours]
            self.neighbour_features = self.features[np.sort(keep)]
        held_probs, held_features = classify(classifier, data.held_out_images)
        self.held_out = (held_probs, held_features, data.held_out_labels.numpy())
        # Faces: the held-out faces' factors as the reader reads them (what coverage compares with).
        faces = data.name == "faces"
        self.held_out_factors = classifier.read_features(held_features).double().numpy() if faces else None
        self._ceilings: dict[int, dict] = {}

    def factor_scores(self, features: np.ndarray) -> dict:
        """Faces, from the reader's features of generated faces: per factor the coverage (TV
        against the held-out faces), the histograms, and the levels no face has, in words."""
        read = self.classifier.read_features(features).double().numpy()
        dropped = dropped_levels(read)
        return {
            "factor_tv": factor_coverage(read, self.held_out_factors),
            "factor_histograms": factor_histograms(read),
            "real_factor_histograms": factor_histograms(self.held_out_factors),
            "dropped": dropped,
            "dropped_text": describe_dropped(dropped),
        }

    def score(self, images: torch.Tensor, requested_labels: np.ndarray | None = None) -> dict:
        """The metrics of `images`; for faces with the factor coverage too."""
        probs, features = classify(self.classifier, images)
        scores = score_samples(probs, features, self.neighbour_features, self.stats, requested_labels)
        if self.held_out_factors is not None:
            scores.update(self.factor_scores(features))
            scores["worst_factor_tv"] = max(scores["factor_tv"].values())
        return scores

    def ceiling_at(self, n: int) -> dict:
        """The first n held-out real images (all of them if fewer) scored like generated ones;
        their label agreement is the classifier's accuracy on them."""
        probs, features, labels = self.held_out
        n = min(n, len(probs))
        if n not in self._ceilings:
            self._ceilings[n] = score_samples(probs[:n], features[:n], self.neighbour_features, self.stats, labels[:n])
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


def evaluate_image_run(
    trainer, n: int = STANDARD_IMAGE_SAMPLE_COUNT, seed: int = 0, drs_percentile: float | None | bool = False
) -> dict:
    """Metrics of n generated images, and the real-data ceiling: held-out real images scored the
    same way. The Frechet distance and the k-NN metrics change with the sample count, and the
    digits' held-out split (359 images) is smaller than n, so the generated images are also scored
    at the ceiling's count ("generated_at_ceiling_count"); the ratios compare those, like with like.
    `drs_percentile` other than False scores images kept by discriminator rejection sampling
    (gan_core.rejection; None there means gamma = 0) instead of the generator's own samples."""
    reference = reference_for(trainer.data)
    sampling = {"method": "generator"}
    if drs_percentile is False:
        images, labels = sample(trainer, n, seed)
    else:
        images, labels, rate = rejection_sample(trainer, n, seed, percentile=drs_percentile)
        sampling = {
            "method": "discriminator rejection sampling (Azadi et al. 2019)",
            "gamma_percentile": drs_percentile,
            "acceptance_rate": rate,
        }
    requested = None if labels is None else labels.numpy()
    generated = reference.score(images, requested)
    ceiling = reference.ceiling_at(n)
    m = ceiling["sample_count"]
    matched = generated if m == n else reference.score(images[:m], None if requested is None else requested[:m])
    _, info = classifier_for(trainer.data.name)
    accuracy = info.get("held_out_accuracy", float("nan"))
    judge = (
        f"the face reader (hair colour as its class, held-out accuracy {accuracy:.4f})"
        if trainer.data.name == "faces"
        else f"{trainer.data.name} CNN (held-out accuracy {accuracy:.4f})"
    )
    return {
        "classifier": f"{judge}; 'fid' is the Frechet distance on its {reference.features.shape[1]} penultimate "
        "features, not Inception-v3's",
        "sampling": sampling,
        "generated": generated,
        "generated_at_ceiling_count": matched,
        "real_ceiling": ceiling,
        "ratios": {
            "fid_vs_real": matched["fid"] / max(ceiling["fid"], 1e-12),
            "inception_score_vs_real": matched["inception_score"] / ceiling["inception_score"],
        },
    }


def metric_row(metrics: dict) -> dict[str, float]:
    """One metric-history row from an evaluate_image_run result: the generated set's scores."""
    row = {}
    generated = metrics.get("generated", {})
    for key in (
        "inception_score",
        "fid",
        "precision",
        "recall",
        "density",
        "coverage",
        "classes_present",
        "label_agreement",
    ):
        if key in generated:
            row[key] = float(generated[key])
    for name, tv in generated.get("factor_tv", {}).items():
        row[f"tv_{name}"] = float(tv)
    if "fid" in generated and "real_ceiling" in metrics:
        row["fid_ratio"] = float(metrics["ratios"]["fid_vs_real"])
    return row


def rejection_demo(
    trainer, proposals: int = 2000, seed: int = 0, percentile: float | None = DEFAULT_PERCENTILE, shown: int = 40
) -> dict:
    """One round of discriminator rejection sampling (gan_core.sampling.rejection) laid out for a
    person: the first `shown` kept and rejected images with D's probability that each is real;
    and, where a classifier is shipped for the data, the classifier metrics of the kept images
    next to as many of all proposals (so the two compare at one sample count)."""
    round_ = rejection_round(trainer, proposals, seed, percentile)
    images, keep, probability = round_["images"], round_["keep"], round_["probability"]
    kept, rejected = keep.nonzero().view(-1)[:shown], (~keep).nonzero().view(-1)[:shown]
    result = {
        "iteration": trainer.iteration,
        "proposals": proposals,
        "accepted": int(keep.sum()),
        "acceptance_rate": float(keep.double().mean()),
        "percentile": percentile,
        "kept_images": images[kept].numpy(),
        "kept_probability": probability[kept.numpy()],
        "rejected_images": images[rejected].numpy(),
        "rejected_probability": probability[rejected.numpy()],
    }
    count = int(keep.sum())
    try:
        classifier_for(trainer.data.name)
    except ClassifierUnavailableError as error:
        result["note"] = str(error)
        return result
    if count >= 10:
        reference = reference_for(trainer.data)
        result["kept_metrics"] = reference.score(images[keep][:count])
        result["all_metrics"] = reference.score(images[:count])
    return result
