"""Directions in a generator's code space, by four methods a person can switch between:

- raw axes: each coordinate of z, ranked by how much the output moves per prior std;
- GANSpace (Harkonen et al. 2020): principal components of an early layer's activations over many
  codes, carried back to the code space by linear regression (the paper's recipe for a generator
  without a mapping network), then made orthonormal in order of variance;
- SeFa (Shen & Zhou 2021): the eigenvectors of A A^T, A the first layer's weights (each output
  unit's weights normalised, as in genforce/sefa), in closed form from the weights alone;
- class directions (InterFaceGAN, Shen et al. 2020): for each class, the normal of a linear
  boundary fitted on codes labelled by a classifier ("more like a 7"), with its held-out accuracy;
- factor directions (the same recipe on the faces' factor reader): for each continuous factor the
  direction of a linear regression of its reading on z, for each level of a discrete factor a
  linear boundary; optionally with the other factors' directions projected out ("keep the others
  fixed", InterFaceGAN's conditional manipulation).

A Basis holds unit vectors as rows, a name and a score for each, and how long it took.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import torch

from .latent import LatentGenerator

MAX_DIRECTIONS = 16  # sliders a page shows at once (a longer basis is shown 16 at a time)
MAX_COMPONENTS = 64  # GANSpace components kept at most
GANSPACE_SAMPLES = 4096  # codes whose activations the PCA is taken over
SENSITIVITY_SAMPLES = 24  # codes that rank the raw axes
CLASS_SAMPLES = 4000  # codes the class boundaries are fitted on (a fifth held out)
FACTOR_SAMPLES = 1000  # codes the factor directions are fitted on (a fifth held out)
HELD_OUT_SHARE = 0.2
FACTOR_KINDS = ("factors", "factors_fixed")  # the bases fitted on the faces' factors
BASIS_KINDS = {
    "axes": "Raw axes of z",
    "ganspace": "GANSpace (PCA of activations)",
    "sefa": "SeFa (closed form from weights)",
    "class": "Class directions (InterFaceGAN)",
    "factors": "Factor directions (supervised)",
    "factors_fixed": "Factor directions, others fixed",
    "saved": "My saved directions",
}


@dataclass(frozen=True, eq=False)
class Basis:
    kind: str  # a BASIS_KINDS key
    vectors: np.ndarray  # (k, noise_dim), unit rows
    names: tuple[str, ...]  # e.g. "PC 1"
    scores: np.ndarray  # (k,) what ranks them, per `score_label`
    score_label: str  # e.g. "share of variance"
    seconds: float = 0.0  # time to compute
    note: str = ""
    extra: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.vectors)

    def describe(self, index: int) -> str:
        """ "PC 1 · 23.1% of variance": a slider's label."""
        score = self.score_text(index)
        return f"{self.names[index]} · {score}" if score else self.names[index]

    def score_text(self, index: int) -> str:
        """What ranks direction `index`, in its units ("23.1% of variance", "R² 0.30")."""
        score = self.scores[index]
        if self.score_label == "share of variance":
            return f"{score:.1%} of variance"
        if self.score_label == "eigenvalue":
            return f"eigenvalue {score:.3g}"
        if self.score_label == "held-out fit":  # factor directions: R² (continuous) or accuracy (a level)
            return f"R² {score:.2f}" if self.extra["fit_kinds"][index] == "r2" else f"acc. {score:.0%}"
        if self.score_label == "held-out balanced accuracy":
            return f"held-out acc. {score:.0%}"
        if self.score_label == "output change per std":
            return f"moves output {score:.3g}"
        return ""


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float64)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms > 0, norms, 1.0)


def orthonormalise(vectors: np.ndarray) -> np.ndarray:
    """Gram-Schmidt in row order (via QR): row i keeps what rows 0..i-1 do not explain, so the
    first direction is unchanged and later ones stop repeating earlier ones."""
    q, r = np.linalg.qr(np.asarray(vectors, dtype=np.float64).T)  # (d, k)
    signs = np.sign(np.diag(r))
    signs[signs == 0] = 1.0
    return (q * signs).T  # same orientation as the input rows


def _random_labels(generator: LatentGenerator, n: int, rng: torch.Generator) -> torch.Tensor | None:
    if not generator.conditional:
        return None
    return torch.randint(generator.n_classes, (n,), generator=rng)


# ----- raw axes ---------------------------------------------------------------------------------
@torch.no_grad()
def raw_axes(generator: LatentGenerator, seed: int = 0, n: int = SENSITIVITY_SAMPLES) -> Basis:
    """Every coordinate of z, ranked by the mean output change (L2, per sample) of a +-1 std step
    along it from n random codes."""
    started = time.perf_counter()
    rng = torch.Generator().manual_seed(seed)
    d, std = generator.noise_dim, generator.prior_std
    z = generator.codes(seed, n)
    labels = _random_labels(generator, n, rng)
    steps = torch.eye(d) * std  # (d, d)
    plus = (z[None] + steps[:, None]).reshape(d * n, d)  # (d*n, d): axis-major
    minus = (z[None] - steps[:, None]).reshape(d * n, d)
    both_labels = None if labels is None else labels.repeat(d)
    change = (generator.generate(plus, both_labels) - generator.generate(minus, both_labels)).reshape(d, n, -1)
    sensitivity = change.norm(dim=2).mean(dim=1).numpy() / 2  # (d,) per std
    order = np.argsort(-sensitivity, kind="stable")
    return Basis(
        "axes",
        np.eye(d)[order],
        tuple(f"z[{i}]" for i in order),
        sensitivity[order],
        "output change per std",
        time.perf_counter() - started,
        note="The coordinates of z, the ones that move the output most first; z[i] is coordinate i.",
    )


# ----- GANSpace ---------------------------------------------------------------------------------
@torch.no_grad()
def ganspace(generator: LatentGenerator, seed: int = 0, n: int = GANSPACE_SAMPLES) -> Basis:
    """PCA of the first hidden layer's activations y = G1(z) over n codes, then the latent
    directions by regression: U = argmin sum_j ||x_j U - (z_j - mean z)||^2 with x_j the
    coordinates of y_j on the principal components (GANSpace, section 2.2). The rows of U are
    orthonormalised in order of variance."""
    started = time.perf_counter()
    rng = torch.Generator().manual_seed(seed)
    z = generator.codes(seed, n)  # (n, d)
    features = generator.early_features(z, _random_labels(generator, n, rng)).double()  # (n, F)
    centred = features - features.mean(dim=0)
    k = min(MAX_COMPONENTS, generator.noise_dim, *centred.shape)
    # The leading k components only, by a randomised SVD (Halko et al.; a fixed seed, so the same
    # basis every time): a full SVD of a DCGAN's 2,048 features takes seconds, this a tenth of one.
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        _, singular, right = torch.pca_lowrank(centred, q=min(2 * k, *centred.shape), center=False, niter=6)
    components = right.T[:k]  # (k, F)
    share = (singular[:k] ** 2 / centred.pow(2).sum()).numpy()  # of the total variance
    coordinates = centred @ components[:k].T  # (n, k)
    latent = z.double() - z.double().mean(dim=0)
    regression = torch.linalg.lstsq(coordinates, latent).solution  # (k, d)
    vectors = orthonormalise(regression.numpy())
    return Basis(
        "ganspace",
        vectors,
        tuple(f"PC {i + 1}" for i in range(k)),
        share[:k],
        "share of variance",
        time.perf_counter() - started,
        note=f"Principal components of the first hidden layer's activations over {n:,} codes, "
        "carried back to z by linear regression (GANSpace).",
    )


# ----- SeFa -------------------------------------------------------------------------------------
def sefa(generator: LatentGenerator) -> Basis:
    """Closed-form factorisation: with A (d, outputs) the first layer's weights and each output
    unit's column normalised to unit length, the directions are the eigenvectors of A A^T with the
    largest eigenvalues (the unit directions n that maximise ||A^T n||^2)."""
    started = time.perf_counter()
    weight = generator.first_layer_weight().double().numpy()  # (d, outputs)
    norms = np.linalg.norm(weight, axis=0, keepdims=True)
    weight = weight / np.where(norms > 0, norms, 1.0)
    values, vectors = np.linalg.eigh(weight @ weight.T)  # ascending
    order = np.argsort(-values, kind="stable")
    return Basis(
        "sefa",
        vectors[:, order].T,
        tuple(f"SeFa {i + 1}" for i in range(len(order))),
        values[order],
        "eigenvalue",
        time.perf_counter() - started,
        note="Eigenvectors of A Aᵀ, A the first layer's weights that read z (SeFa): closed form, no sampling.",
    )


# ----- class directions -------------------------------------------------------------------------
@torch.no_grad()
def class_directions(
    generator: LatentGenerator, classifier, class_names: tuple[str, ...], seed: int = 0, n: int = CLASS_SAMPLES
) -> Basis:
    """For each class c, a linear boundary in z between codes the classifier labels c and the
    rest (logistic regression, classes balanced), fitted on 80% of n codes; the direction is its
    unit normal, pointing towards c. Its held-out balanced accuracy says how linear the class is
    in z (50% = not at all)."""
    from sklearn.linear_model import LogisticRegression

    if generator.conditional:
        raise ValueError("a conditional generator takes its class from the label, not from z: use the label")
    started = time.perf_counter()
    z = generator.codes(seed, n)
    images = generator.generate(z)
    predicted = classifier.head(classifier.features(images)).argmax(dim=1).numpy()
    codes = z.double().numpy()
    split = int(round(n * (1 - HELD_OUT_SHARE)))
    vectors, names, accuracies = [], [], []
    for k, name in enumerate(class_names):
        target = predicted == k
        if target[:split].sum() < 5 or (~target[:split]).sum() < 5:
            continue  # the generator (almost) never draws this class: no boundary to fit
        model = LogisticRegression(class_weight="balanced", C=1.0, max_iter=500)
        model.fit(codes[:split], target[:split])
        held = model.predict(codes[split:]).astype(bool)
        truth = target[split:]
        hits = [
            (held[truth] == 1).mean() if truth.any() else 0.5,
            (held[~truth] == 0).mean() if (~truth).any() else 0.5,
        ]
        vectors.append(model.coef_[0])
        names.append(f"more like {name}")
        accuracies.append(float(np.mean(hits)))
    if not vectors:
        raise ValueError("the classifier puts every generated sample in one class: no class boundary to fit")
    return Basis(
        "class",
        unit_rows(np.array(vectors)),
        tuple(names),
        np.array(accuracies),
        "held-out balanced accuracy",
        time.perf_counter() - started,
        note=f"A linear boundary per class on {n:,} codes labelled by the shipped classifier (InterFaceGAN); "
        "accuracy is on the held-out fifth, classes balanced (50% = chance).",
    )


# ----- factor directions -------------------------------------------------------------------------
def _balanced_accuracy(predicted: np.ndarray, truth: np.ndarray) -> float:
    hits = [
        (predicted[truth] == 1).mean() if truth.any() else 0.5,
        (predicted[~truth] == 0).mean() if (~truth).any() else 0.5,
    ]
    return float(np.mean(hits))


def project_out(vector: np.ndarray, others: np.ndarray) -> np.ndarray:
    """`vector` minus its projection on the span of the rows of `others` (least squares, so the
    rows need not be orthogonal): moving along the result leaves the others' readings unchanged to
    first order."""
    if len(others) == 0:
        return vector
    _, singular, right = np.linalg.svd(np.asarray(others, dtype=np.float64), full_matrices=False)
    basis = right[singular > singular[0] * 1e-9]  # an orthonormal basis of their span (its true rank)
    return vector - basis.T @ (basis @ vector)


def fixed_directions_fit(noise_dim: int, count: int) -> bool:
    """Whether `count` factor directions can each keep the others fixed in a noise_dim-d code: the
    other count - 1 must leave room (with as many as the code has dimensions, nothing is left)."""
    return count - 1 < noise_dim


def factor_direction_count(factors) -> int:
    """How many directions factor_directions fits at most: one per continuous factor, one per
    level of a discrete one ("on" only for two levels). 21 on the faces."""
    return sum(1 if factor.levels in (0, 2) else factor.levels for factor in factors)


def scored_count(basis: Basis) -> int:
    """How many of a basis's directions a set's score is taken over: every factor direction (one
    per factor or level), the first MAX_DIRECTIONS (the sliders a page shows) of the others."""
    return len(basis) if basis.kind in FACTOR_KINDS else min(MAX_DIRECTIONS, len(basis))


@torch.no_grad()
def factor_directions(
    generator: LatentGenerator, read, factors, *, keep_others_fixed: bool = False, seed: int = 0,
    n: int = FACTOR_SAMPLES,
) -> Basis:  # fmt: skip
    """For each factor, the direction in z that changes it, fitted on n codes read by `read`
    (images -> (n, F) factor values in `factors` order), a fifth held out:

    - a continuous factor: least squares of its reading on z; the direction is the unit weight
      vector (towards more); the score is the held-out R²;
    - each level of a discrete factor (only "on" for a two-level one): a logistic boundary between
      codes read as that level and the rest, classes balanced; the direction is its unit normal;
      the score the held-out balanced accuracy.

    keep_others_fixed: each direction has the span of the other factors' directions projected out
    (InterFaceGAN's conditional manipulation, generalised to several conditions)."""
    from sklearn.linear_model import LogisticRegression

    if generator.conditional:
        raise ValueError("factor directions are for unconditional generators")
    started = time.perf_counter()
    z = generator.codes(seed + 7, n)
    values = read(generator.generate(z)).double().numpy()
    codes = z.double().numpy()
    split = int(round(n * (1 - HELD_OUT_SHARE)))
    vectors, names, scores, owners, fit_kinds = [], [], [], [], []
    for f, factor in enumerate(factors):
        label = factor.label
        if not factor.levels:
            design = np.c_[codes[:split], np.ones(split)]
            weights = np.linalg.lstsq(design, values[:split, f], rcond=None)[0]
            predicted = np.c_[codes[split:], np.ones(n - split)] @ weights
            truth = values[split:, f]
            residual, spread = ((truth - predicted) ** 2).sum(), ((truth - truth.mean()) ** 2).sum()
            vectors.append(weights[:-1])
            names.append(f"{label} +")
            scores.append(1 - residual / spread if spread > 0 else 0.0)
            owners.append(f)
            fit_kinds.append("r2")
            continue
        levels = range(1, 2) if factor.levels == 2 else range(factor.levels)
        for level in levels:
            target = np.rint(values[:, f]) == level
            if target[:split].sum() < 5 or (~target[:split]).sum() < 5:
                continue  # the generator (almost) never draws this level: no boundary to fit
            model = LogisticRegression(class_weight="balanced", C=1.0, max_iter=500)
            model.fit(codes[:split], target[:split])
            vectors.append(model.coef_[0])
            level_name = factor.level_names[level] if factor.level_names else str(level)
            names.append(f"{label}: {level_name}")
            scores.append(_balanced_accuracy(model.predict(codes[split:]).astype(bool), target[split:]))
            owners.append(f)
            fit_kinds.append("accuracy")
    vectors = unit_rows(np.array(vectors))
    if keep_others_fixed and not fixed_directions_fit(generator.noise_dim, len(vectors)):
        raise ValueError(
            f"{len(vectors)} factor directions cannot keep the others fixed in a {generator.noise_dim}-d code: "
            "the other directions fill it (a code needs more dimensions than there are directions)"
        )
    if keep_others_fixed:
        owners_array = np.array(owners)
        vectors = unit_rows(
            np.array([project_out(v, vectors[owners_array != owners[i]]) for i, v in enumerate(vectors)])
        )
    kind = "factors_fixed" if keep_others_fixed else "factors"
    return Basis(
        kind,
        vectors,
        tuple(names),
        np.array(scores),
        "held-out fit",
        time.perf_counter() - started,
        note=f"For each factor a linear model on {n:,} codes read by the face reader (InterFaceGAN's recipe): "
        "continuous factors by least squares (R² on held-out codes), each level of a discrete one by a logistic "
        "boundary (acc.: held-out balanced accuracy, 50% = chance)"
        + (
            "; every direction has the other factors' directions projected out, so they stay put."
            if keep_others_fixed
            else "."
        ),
        extra={"owners": tuple(owners), "fit_kinds": tuple(fit_kinds)},
    )


def saved_basis(named_vectors: list[tuple[str, list[float]]], noise_dim: int) -> Basis:
    """A person's saved directions as a basis (in the order saved)."""
    if not named_vectors:
        raise ValueError("no saved directions yet")
    vectors = np.array([vector for _, vector in named_vectors], dtype=np.float64)
    if vectors.shape[1] != noise_dim:
        raise ValueError(f"saved directions have {vectors.shape[1]} dimensions; this model's code has {noise_dim}")
    return Basis(
        "saved",
        unit_rows(vectors),
        tuple(name for name, _ in named_vectors),
        np.ones(len(vectors)),
        "",
        note="Directions you saved from an edit of the sliders.",
    )


# ----- saved directions as a file ----------------------------------------------------------------
DIRECTIONS_FORMAT = "gan-explorer-directions"
MAX_DIRECTIONS_FILE_BYTES = 1_000_000
MAX_SAVED = 64


def directions_to_json(named_vectors: list[tuple[str, list[float]]], model_title: str, noise_dim: int) -> str:
    import json

    return json.dumps(
        {
            "format": DIRECTIONS_FORMAT,
            "version": 1,
            "model": model_title,
            "noise_dim": noise_dim,
            "directions": [{"name": name, "vector": [float(x) for x in vector]} for name, vector in named_vectors],
        },
        indent=1,
    )


def directions_from_json(content: bytes, noise_dim: int) -> list[tuple[str, list[float]]]:
    """Saved directions from a file written by directions_to_json. Raises ValueError saying what
    is wrong (not such a file, damaged, or made for a code of another size)."""
    import json
    import math

    if len(content) > MAX_DIRECTIONS_FILE_BYTES:
        raise ValueError(
            f"the file is over {MAX_DIRECTIONS_FILE_BYTES / 1e6:.0f} MB; a directions file is much smaller"
        )
    try:
        raw = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ValueError("the file is not a GAN Explorer directions file (not JSON text)") from None
    if not isinstance(raw, dict) or raw.get("format") != DIRECTIONS_FORMAT:
        raise ValueError("the file is JSON but not a GAN Explorer directions file")
    if raw.get("noise_dim") != noise_dim:
        raise ValueError(
            f"these directions are for a {raw.get('noise_dim')}-d code (model {raw.get('model')!r}); "
            f"this model's code has {noise_dim} dimensions"
        )
    entries = raw.get("directions")
    if not isinstance(entries, list) or not entries or len(entries) > MAX_SAVED:
        raise ValueError(f"the file must hold 1 to {MAX_SAVED} directions")
    result = []
    for number, entry in enumerate(entries, start=1):
        vector = entry.get("vector") if isinstance(entry, dict) else None
        if not isinstance(vector, list) or len(vector) != noise_dim:
            raise ValueError(f"direction {number} does not have {noise_dim} numbers")
        try:
            vector = [float(x) for x in vector]
        except (TypeError, ValueError):
            raise ValueError(f"direction {number} holds a value that is not a number") from None
        if not all(math.isfinite(x) for x in vector) or not any(vector):
            raise ValueError(f"direction {number} is zero or holds a value that is not finite")
        name = str(entry.get("name") or f"direction {number}")[:60]
        result.append((name, vector))
    return result
