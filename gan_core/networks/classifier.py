"""The small CNN classifier we ship: the "off-the-shelf classifier" that image metrics are
computed with (Inception Score, Frechet distance on its penultimate features, precision/recall,
density/coverage, per-class histograms).

Trained by `python -m gan_core train-classifier` on the train split of a data set (never on the
held-out split, which measures its accuracy). Its checkpoint is a plain dict of weights and the
settings that rebuild it, loaded with `torch.load(weights_only=True)`.
"""

from __future__ import annotations

from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

CHECKPOINT_DIR = Path(__file__).resolve().parents[2] / "checkpoints"
FORMAT = "gan-explorer-classifier"
VERSION = 1


class ClassifierUnavailableError(ValueError):
    """No shipped classifier for this data set; the message says how to train one."""


class DigitClassifier(nn.Module):
    """images (B, C, S, S) in [-1, 1] -> (B, n_classes) logits, with `features()` giving the
    `feature_dim` penultimate activations that the Frechet distance and k-NN metrics use.
    Inputs of another size are resized to `image_size` first."""

    def __init__(
        self, *, image_size: int = 8, channels: int = 1, n_classes: int = 10, width: int = 32, feature_dim: int = 64
    ):
        super().__init__()
        self.image_size, self.channels, self.n_classes = image_size, channels, n_classes
        self.width, self.feature_dim = width, feature_dim
        self.body = nn.Sequential(
            nn.Conv2d(channels, width, 3, padding=1),
            nn.BatchNorm2d(width),
            nn.ReLU(),
            nn.Conv2d(width, width, 3, padding=1),
            nn.BatchNorm2d(width),
            nn.ReLU(),
            nn.MaxPool2d(2),  # (B, w, S/2, S/2)
            nn.Conv2d(width, 2 * width, 3, padding=1),
            nn.BatchNorm2d(2 * width),
            nn.ReLU(),
            nn.AdaptiveAvgPool2d(2),  # (B, 2w, 2, 2), whatever the input size
            nn.Flatten(),
            nn.Dropout(0.2),
            nn.Linear(8 * width, feature_dim),
            nn.ReLU(),  # the penultimate features
        )
        self.head = nn.Linear(feature_dim, n_classes)

    def settings(self) -> dict:
        return dict(
            image_size=self.image_size,
            channels=self.channels,
            n_classes=self.n_classes,
            width=self.width,
            feature_dim=self.feature_dim,
        )

    def prepare(self, images: torch.Tensor) -> torch.Tensor:
        """Match the classifier's input: its size (area-averaged down, bilinear up) and channels."""
        images = images.float()
        if images.shape[1] != self.channels:
            images = images.mean(1, keepdim=True) if self.channels == 1 else images.expand(-1, self.channels, -1, -1)
        if images.shape[-1] != self.image_size:
            mode = "area" if images.shape[-1] > self.image_size else "bilinear"
            images = F.interpolate(images, size=(self.image_size, self.image_size), mode=mode)
        return images

    def features(self, images: torch.Tensor) -> torch.Tensor:
        return self.body(self.prepare(images))  # (B, feature_dim)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(images))  # (B, n_classes)


def checkpoint_path(dataset: str) -> Path:
    return CHECKPOINT_DIR / f"{dataset}_classifier.pt"


def save_classifier(model: DigitClassifier, path: str | Path, **info) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}  # clone: no shared storage
    torch.save(
        {"format": FORMAT, "version": VERSION, "settings": model.settings(), "info": info, "weights": state}, path
    )
    return path


def load_classifier(path: str | Path) -> tuple[DigitClassifier, dict]:
    """(classifier in eval mode, info dict such as its held-out accuracy)."""
    path = Path(path)
    if not path.is_file():
        raise ClassifierUnavailableError(f"no classifier checkpoint at {path}")
    raw = torch.load(path, map_location="cpu", weights_only=True)
    if not isinstance(raw, dict) or raw.get("format") != FORMAT or raw.get("version") != VERSION:
        raise ClassifierUnavailableError(f"{path} is not a GAN Explorer classifier checkpoint")
    model = DigitClassifier(**raw["settings"])
    model.load_state_dict(raw["weights"])
    return model.eval().requires_grad_(False), dict(raw.get("info", {}))


_CACHE: dict[str, tuple[DigitClassifier, dict]] = {}


def shipped_classifier(dataset: str) -> tuple[DigitClassifier, dict]:
    """The classifier shipped for `dataset` ("digits", or "mnist" once trained), loaded once."""
    if dataset not in _CACHE:
        path = checkpoint_path(dataset)
        if not path.is_file():
            raise ClassifierUnavailableError(
                f"no classifier for {dataset!r} at {path}; train one with "
                f"`python -m gan_core train-classifier --data {dataset}` (image metrics need it)"
            )
        _CACHE[dataset] = load_classifier(path)
    return _CACHE[dataset]
