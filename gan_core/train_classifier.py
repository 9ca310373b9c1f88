"""Train the small CNN classifier that image metrics use, on a data set's train split, and
report its accuracy on the held-out split.

    python -m gan_core.train_classifier                  # digits -> checkpoints/digits_classifier.pt
    python -m gan_core.train_classifier --data mnist --root data   # where MNIST is on disk

Augmentation (random shifts of up to one pixel in 8) and label smoothing make it less brittle
on generated images, which are never quite like the training ones.
"""
from __future__ import annotations

import argparse
import sys
import time

import torch
import torch.nn.functional as F

from .config import DataConfig
from .data.images import DataUnavailableError, load_image_data
from .models.classifier import DigitClassifier, checkpoint_path, save_classifier

NATIVE_SIZE = {"digits": 8, "mnist": 28, "fashion_mnist": 28}


def augment(images: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Random translation (up to size/8 pixels, zero-padded with the background -1) per image."""
    n, _, size, _ = images.shape
    pad = max(1, size // 8)
    padded = F.pad(images, (pad, pad, pad, pad), value=-1.0)
    dx = torch.randint(0, 2 * pad + 1, (n,), generator=generator)
    dy = torch.randint(0, 2 * pad + 1, (n,), generator=generator)
    rows = (dy[:, None] + torch.arange(size)[None, :])  # (n, size)
    cols = (dx[:, None] + torch.arange(size)[None, :])
    batch = torch.arange(n)[:, None, None]
    shifted = padded.permute(0, 2, 3, 1)[batch, rows[:, :, None], cols[:, None, :]]  # (n, size, size, C)
    return shifted.permute(0, 3, 1, 2)


@torch.no_grad()
def accuracy(model: DigitClassifier, images: torch.Tensor, labels: torch.Tensor) -> float:
    model.eval()
    predictions = torch.cat([model(chunk).argmax(1) for chunk in images.split(1000)])
    return float((predictions == labels).float().mean())


def train_classifier(data, *, epochs: int = 60, batch_size: int = 64, lr: float = 2e-3, seed: int = 0,
                     log=None) -> tuple[DigitClassifier, float]:
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
            log(f"epoch {epoch + 1}/{epochs}: held-out accuracy "
                f"{accuracy(model, data.held_out_images, data.held_out_labels):.4f}")
    model.eval()
    return model.requires_grad_(False), accuracy(model, data.held_out_images, data.held_out_labels)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gan_core.train_classifier", description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="digits", choices=sorted(NATIVE_SIZE))
    parser.add_argument("--root", default="data", help="where MNIST / Fashion-MNIST are on disk")
    parser.add_argument("--download", action="store_true")
    parser.add_argument("--epochs", type=int, default=None, help="default 60 for digits, 5 for MNIST")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=None, help="default checkpoints/<data>_classifier.pt")
    args = parser.parse_args(argv)
    torch.set_num_threads(max(1, min(4, torch.get_num_threads())))
    config = DataConfig(name=args.data, image_size=NATIVE_SIZE[args.data], root=args.root, download=args.download)
    try:
        data = load_image_data(config)
    except DataUnavailableError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    epochs = args.epochs or (60 if args.data == "digits" else 5)
    started = time.perf_counter()
    model, held_out_accuracy = train_classifier(data, epochs=epochs, seed=args.seed,
                                                log=lambda line: print(line, file=sys.stderr))
    seconds = time.perf_counter() - started
    out = args.out or checkpoint_path(args.data)
    save_classifier(model, out, dataset=args.data, held_out_accuracy=held_out_accuracy,
                    n_train=len(data.train_images), n_held_out=len(data.held_out_images), epochs=epochs,
                    seed=args.seed)
    print(f"held-out accuracy {held_out_accuracy:.4f} on {len(data.held_out_images)} images "
          f"({seconds:.0f} s); wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
