"""Train the small CNN classifier that image metrics use, on a data set's train split, and
report its accuracy on the held-out split.

    python -m gan_core train-classifier                  # digits -> checkpoints/digits_classifier.pt
    python -m gan_core train-classifier --data mnist --root data   # where MNIST is on disk

Augmentation (random shifts of up to one pixel in 8) and label smoothing make it less brittle
on generated images, which are never quite like the training ones.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from ..config import DataConfig
from ..data.images import load_image_data
from ..networks.classifier import DigitClassifier, checkpoint_path, save_classifier

NATIVE_SIZE = {"digits": 8, "mnist": 28, "fashion_mnist": 28}
DEFAULT_EPOCHS = {"digits": 60, "mnist": 5, "fashion_mnist": 5}


def augment(images: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Random translation (up to size/8 pixels, zero-padded with the background -1) per image."""
    n, _, size, _ = images.shape
    pad = max(1, size // 8)
    padded = F.pad(images, (pad, pad, pad, pad), value=-1.0)
    dx = torch.randint(0, 2 * pad + 1, (n,), generator=generator)
    dy = torch.randint(0, 2 * pad + 1, (n,), generator=generator)
    rows = dy[:, None] + torch.arange(size)[None, :]  # (n, size)
    cols = dx[:, None] + torch.arange(size)[None, :]
    batch = torch.arange(n)[:, None, None]
    shifted = padded.permute(0, 2, 3, 1)[batch, rows[:, :, None], cols[:, None, :]]  # (n, size, size, C)
    return shifted.permute(0, 3, 1, 2)


@torch.no_grad()
def accuracy(model: DigitClassifier, images: torch.Tensor, labels: torch.Tensor) -> float:
    model.eval()
    predictions = torch.cat([model(chunk).argmax(1) for chunk in images.split(1000)])
    return float((predictions == labels).float().mean())


def train_classifier(
    data, *, epochs: int = 60, batch_size: int = 64, lr: float = 2e-3, seed: int = 0, log=None
) -> tuple[DigitClassifier, float]:
    """(trained classifier, held-out accuracy)."""
    torch.manual_seed(seed)
    rng = torch.Generator().manual_seed(seed)
    channels, size, _ = data.shape
    model = DigitClassifier(image_size=size, channels=channels, n_classes=data.n_classes)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    steps = epochs * ((len(data.train_images) + batch_size - 1) // batch_size)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=lr, total_steps=steps)
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(data.train_images), generator=rng)
        for index in order.split(batch_size):
            images = augment(data.train_images[index], rng)
            loss = F.cross_entropy(model(images), data.train_labels[index], label_smoothing=0.05)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            schedule.step()
        if log is not None and (epoch + 1) % 10 == 0:
            log(
                f"epoch {epoch + 1}/{epochs}: held-out accuracy "
                f"{accuracy(model, data.held_out_images, data.held_out_labels):.4f}"
            )
    model.eval()
    return model.requires_grad_(False), accuracy(model, data.held_out_images, data.held_out_labels)


def train_and_save(
    data_name: str,
    *,
    root: str = "data",
    download: bool = False,
    epochs: int | None = None,
    seed: int = 0,
    out=None,
    log=None,
) -> tuple[float, int, str]:
    """Train the classifier for a data set and save it (checkpoints/<data>_classifier.pt by
    default). Returns (held-out accuracy, held-out count, path). Raises DataUnavailableError."""
    config = DataConfig(name=data_name, image_size=NATIVE_SIZE[data_name], root=root, download=download)
    data = load_image_data(config)
    epochs = epochs or DEFAULT_EPOCHS[data_name]
    model, held_out_accuracy = train_classifier(data, epochs=epochs, seed=seed, log=log)
    out = out or checkpoint_path(data_name)
    save_classifier(
        model,
        out,
        dataset=data_name,
        held_out_accuracy=held_out_accuracy,
        n_train=len(data.train_images),
        n_held_out=len(data.held_out_images),
        epochs=epochs,
        seed=seed,
    )
    return held_out_accuracy, len(data.held_out_images), str(out)
