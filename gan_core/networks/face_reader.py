"""The factor reader: a small CNN that reads every factor of a face back from its pixels (issue
24). It is to the faces what the shipped classifier is to the digits: its predictions say what a
generated face contains, and its penultimate features are what FID and the k-NN scores use.

Continuous factors are predicted on a 0-1 scale of their documented range (mapped back to their
units by `read`); each discrete factor has its own softmax head. The body keeps where things are
(strided convolutions down to 4x4, then a dense layer), since two factors are the head's position.
Checkpoints are a plain dict of weights and settings, loaded with `torch.load(weights_only=True)`.
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

from ..data.faces import FACTORS

FORMAT = "gan-explorer-face-reader"
VERSION = 1
CONTINUOUS = tuple(factor for factor in FACTORS if not factor.levels)
DISCRETE = tuple(factor for factor in FACTORS if factor.levels)
assert DISCRETE[0].name == "hair_colour"  # the reader's "class" (FaceReader.head)


class FaceReader(nn.Module):
    """images (B, 3, S, S) in [-1, 1] -> (continuous (B, C) on 0-1 scales, [logits (B, levels)
    per discrete factor]); `features()` gives the `feature_dim` penultimate activations."""

    def __init__(self, *, width: int = 24, feature_dim: int = 64, image_size: int = 32):
        super().__init__()
        self.width, self.feature_dim, self.image_size = width, feature_dim, image_size
        self.body = nn.Sequential(
            nn.Conv2d(3, width, 3, padding=1),
            nn.BatchNorm2d(width),
            nn.ReLU(),
            nn.Conv2d(width, width, 3, stride=2, padding=1),  # 16x16
            nn.BatchNorm2d(width),
            nn.ReLU(),
            nn.Conv2d(width, 2 * width, 3, stride=2, padding=1),  # 8x8
            nn.BatchNorm2d(2 * width),
            nn.ReLU(),
            nn.Conv2d(2 * width, 2 * width, 3, stride=2, padding=1),  # 4x4
            nn.BatchNorm2d(2 * width),
            nn.ReLU(),
            nn.Flatten(),
            nn.Linear(2 * width * 16, feature_dim),
            nn.ReLU(),  # the penultimate features
        )
        self.continuous = nn.Linear(feature_dim, len(CONTINUOUS))
        self.discrete = nn.ModuleList(nn.Linear(feature_dim, factor.levels) for factor in DISCRETE)

    def settings(self) -> dict:
        return dict(width=self.width, feature_dim=self.feature_dim, image_size=self.image_size)

    def prepare(self, images: torch.Tensor) -> torch.Tensor:
        """A 64x64 face is area-averaged to the reader's 32x32."""
        images = images.float()
        if images.shape[-1] != self.image_size:
            images = nn.functional.interpolate(images, size=(self.image_size, self.image_size), mode="area")
        return images

    def features(self, images: torch.Tensor) -> torch.Tensor:
        return self.body(self.prepare(images))

    # The image metrics treat the reader as a classifier of hair colour (gan_core.evaluation.
    # image_run.classify): the class histogram of a faces run is its hair colours.
    n_classes = DISCRETE[0].levels

    def head(self, features: torch.Tensor) -> torch.Tensor:
        """Hair-colour logits (B, 5) from `features()`."""
        return self.discrete[0](features)

    def forward(self, images: torch.Tensor):
        features = self.features(images)
        return self.continuous(features), [head(features) for head in self.discrete]

    @torch.no_grad()
    def read(self, images: torch.Tensor, batch: int = 1024) -> torch.Tensor:
        """(B, F) factor values in their documented units and order (discrete: the index), as
        `gan_core.data.faces.make_faces` returns them."""
        was_training = self.training
        self.eval()
        rows = [
            self.read_features(self.features(images[start : start + batch])) for start in range(0, len(images), batch)
        ]
        self.train(was_training)
        return torch.cat(rows)

    @torch.no_grad()
    def read_features(self, features: torch.Tensor) -> torch.Tensor:
        """`read` from penultimate features already computed (the image metrics have them)."""
        features = torch.as_tensor(features, dtype=torch.float32)
        continuous, logits = self.continuous(features), [head(features) for head in self.discrete]
        values = {}
        for column, factor in enumerate(CONTINUOUS):
            values[factor.name] = factor.low + continuous[:, column].clamp(0, 1) * (factor.high - factor.low)
        for factor, head in zip(DISCRETE, logits):
            values[factor.name] = head.argmax(dim=1).float()
        return torch.stack([values[factor.name] for factor in FACTORS], dim=1)


def to_targets(factors: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor]]:
    """Factor values (B, F) -> (continuous targets on 0-1 scales, class indices per discrete factor)."""
    names = [factor.name for factor in FACTORS]
    continuous = torch.stack([(factors[:, names.index(f.name)] - f.low) / (f.high - f.low) for f in CONTINUOUS], dim=1)
    return continuous, [factors[:, names.index(f.name)].long() for f in DISCRETE]


class ReaderUnavailableError(ValueError):
    """No (usable) face reader checkpoint; the message says how to train one."""


READER_PATH = Path(__file__).resolve().parents[2] / "checkpoints" / "faces_reader.pt"


def save_reader(model: FaceReader, path: str | Path, **info) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
    torch.save(
        {"format": FORMAT, "version": VERSION, "settings": model.settings(), "info": info, "weights": state}, path
    )
    return path


_SHIPPED: dict = {}


def shipped_reader() -> tuple[FaceReader, dict]:
    """The shipped reader (checkpoints/faces_reader.pt), loaded once per process."""
    if "reader" not in _SHIPPED:
        _SHIPPED["reader"] = load_reader(READER_PATH)
    return _SHIPPED["reader"]


def load_reader(path: str | Path = READER_PATH) -> tuple[FaceReader, dict]:
    """(reader in eval mode, info such as its held-out scores). Safe: weights only."""
    path = Path(path)
    if not path.is_file():
        raise ReaderUnavailableError(f"no face reader at {path}; train one with `python -m gan_core train-reader`")
    try:
        raw = torch.load(path, map_location="cpu", weights_only=True)
    except Exception:  # noqa: BLE001 - a corrupt or foreign file, in one sentence
        raise ReaderUnavailableError(
            f"{path} is not a readable checkpoint: damaged, cut off, or another kind of file"
        ) from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT or raw.get("version") != VERSION:
        raise ReaderUnavailableError(f"{path} is not a GAN Explorer face reader checkpoint")
    model = FaceReader(**raw["settings"])
    model.load_state_dict(raw["weights"])
    return model.eval().requires_grad_(False), dict(raw.get("info", {}))
