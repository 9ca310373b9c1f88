"""Small image data sets, loaded once into a CPU tensor in [-1, 1]: scikit-learn's bundled 8x8
digits (the default, no download), MNIST and Fashion-MNIST through torchvision, and a person's
own image folder.

Every data set has a deterministic train / held-out split. GANs train on the train split only;
the held-out split scores real data against the train data, the "real data ceiling" that
generated samples are compared with.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from ..config import DataConfig
from .downloads import DOWNLOADS, DataUnavailableError, fetch

HELD_OUT_FRACTION = 0.2  # digits and folders: a fifth held out, stratified by class
SPLIT_SEED = 1234  # the split never depends on a run's seed, so every run scores the same way
FOLDER_MAX_IMAGES = 20_000  # a folder is loaded into memory whole; this keeps it small
DIGIT_NAMES = tuple(str(d) for d in range(10))
FASHION_NAMES = ("T-shirt", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Boot")


def normalize_to_neg_one_to_one(images: torch.Tensor) -> torch.Tensor:
    """[0, 1] -> [-1, 1]."""
    return images * 2 - 1


def to_unit(images: torch.Tensor) -> torch.Tensor:
    """[-1, 1] -> [0, 1] intensities (errors and ink are reported on this scale)."""
    return (images + 1) / 2


def resize_images(images: torch.Tensor, size: int) -> torch.Tensor:
    """(N, C, h, w) -> (N, C, size, size); bilinear up, area-averaged down, clamped to [-1, 1]."""
    if images.shape[-1] == size and images.shape[-2] == size:
        return images
    if size > images.shape[-1]:
        resized = F.interpolate(images, size=(size, size), mode="bilinear", align_corners=False)
    else:
        resized = F.interpolate(images, size=(size, size), mode="area")
    return resized.clamp(-1, 1)


@dataclass(frozen=True, eq=False)
class ImageData:
    """Images (N, C, H, W) in [-1, 1] and their labels (N,), split into train and held out."""

    name: str
    train_images: torch.Tensor
    train_labels: torch.Tensor
    held_out_images: torch.Tensor
    held_out_labels: torch.Tensor
    class_names: tuple[str, ...]

    is_image = True
    is_mixture = False

    @property
    def n_classes(self) -> int:
        return len(self.class_names)

    @property
    def shape(self) -> tuple[int, int, int]:
        return tuple(self.train_images.shape[1:])

    @property
    def dim(self) -> int:
        c, h, w = self.shape
        return c * h * w

    def __len__(self) -> int:
        return len(self.train_images)

    def sample_batch(self, n: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """n training images drawn with replacement, and their labels."""
        index = torch.randint(len(self.train_images), (n,), generator=generator)
        return self.train_images[index], self.train_labels[index]

    def reference_images(self):
        """The real images generated ones are compared with (FID's statistics, the k-NN metrics'
        manifold), in chunks: the training images here; drawn faces stream many more."""
        yield self.train_images

    def class_batch(self, per_class: int) -> tuple[torch.Tensor, torch.Tensor]:
        """The first `per_class` training images of each class, ordered by class (for grids)."""
        rows = []
        for k in range(self.n_classes):
            (index,) = torch.nonzero(self.train_labels == k, as_tuple=True)
            index = index[:per_class]
            if len(index) < per_class and len(index) > 0:
                index = index.repeat(per_class)[:per_class]
            rows.append(index)
        index = torch.cat(rows)
        return self.train_images[index], self.train_labels[index]


def stratified_split(
    labels: np.ndarray, fraction: float = HELD_OUT_FRACTION, seed: int = SPLIT_SEED
) -> tuple[np.ndarray, np.ndarray]:
    """(train indices, held-out indices): `fraction` of each class held out, chosen by a fixed seed."""
    rng = np.random.default_rng(seed)
    train, held_out = [], []
    for k in np.unique(labels):
        index = rng.permutation(np.flatnonzero(labels == k))
        n_held = int(round(len(index) * fraction)) if len(index) > 1 else 0
        held_out.append(index[:n_held])
        train.append(index[n_held:])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(held_out))


def _split(name, images: torch.Tensor, labels: torch.Tensor, class_names) -> ImageData:
    train, held_out = stratified_split(labels.numpy())
    return ImageData(
        name,
        images[train].contiguous(),
        labels[train].contiguous(),
        images[held_out].contiguous(),
        labels[held_out].contiguous(),
        tuple(class_names),
    )


def load_digits_images(image_size: int = 8) -> ImageData:
    """scikit-learn's 1,797 8x8 digits (pixel values 0-16), scaled to [-1, 1], resized if asked."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = torch.from_numpy(digits.images.astype(np.float32) / 16.0).unsqueeze(1)  # (N, 1, 8, 8)
    images = resize_images(normalize_to_neg_one_to_one(images), image_size)
    labels = torch.from_numpy(digits.target.astype(np.int64))
    return _split("digits", images, labels, DIGIT_NAMES)


def _torchvision_split(dataset_class, root: str, train: bool, download: bool, label: str):
    try:
        return dataset_class(root=root, train=train, download=download)
    except RuntimeError as error:
        if download:
            raise DataUnavailableError(
                f"{label} is not under {root!r} and could not be downloaded ({error}). "
                f"Check the network, or place the {label} files under "
                f"{root!r}/{dataset_class.__name__}/raw/."
            ) from None
        raise DataUnavailableError(
            f"{label} is not under {root!r}. Place the {label} files (train-images-idx3-ubyte etc.) under "
            f"{root!r}/{dataset_class.__name__}/raw/, or allow downloading (--download true, or the "
            "'download' switch on the page) on a machine that is online."
        ) from None
    except OSError as error:  # e.g. a root we cannot create or read
        raise DataUnavailableError(f"cannot read {label} under {root!r}: {error}") from None


def load_torchvision_images(config: DataConfig) -> ImageData:
    """MNIST or Fashion-MNIST (28x28 grey): the official train set trains, the test set is held out."""
    from torchvision import datasets

    dataset_class, label, names = {
        "mnist": (datasets.MNIST, "MNIST", DIGIT_NAMES),
        "fashion_mnist": (datasets.FashionMNIST, "Fashion-MNIST", FASHION_NAMES),
    }[config.name]
    if config.download:  # our own fetch: checksums checked, a clear sentence when offline
        if not DOWNLOADS[config.name].is_present(config.root):
            fetch(DOWNLOADS[config.name], config.root)
    parts = []
    for train in (True, False):
        dataset = _torchvision_split(dataset_class, config.root, train, False, label)
        images = normalize_to_neg_one_to_one(dataset.data.float().unsqueeze(1) / 255.0)  # (N, 1, 28, 28)
        images = resize_images(images, config.image_size)
        if config.channels == 3:
            images = images.expand(-1, 3, -1, -1)
        parts.append((images.contiguous(), dataset.targets.long()))
    (train_images, train_labels), (held_images, held_labels) = parts
    return ImageData(config.name, train_images, train_labels, held_images, held_labels, names)


def load_folder_images(config: DataConfig) -> ImageData:
    """A person's images in `config.root`: one sub-folder per class (torchvision's ImageFolder
    layout), or images directly in the folder (one class). Resized and centre-cropped to
    `image_size`, grey (channels 1) or colour (channels 3)."""
    from PIL import Image, UnidentifiedImageError
    from torchvision import transforms
    from torchvision.datasets.folder import IMG_EXTENSIONS

    root = Path(config.root).expanduser()
    if not root.exists():
        raise DataUnavailableError(f"image folder {str(root)!r} does not exist")
    if not root.is_dir():
        raise DataUnavailableError(f"{str(root)!r} is not a folder")

    def is_image(path: Path) -> bool:
        return path.is_file() and path.suffix.lower() in IMG_EXTENSIONS

    try:
        class_dirs = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
        groups = [(d.name, sorted(p for p in d.rglob("*") if is_image(p))) for d in class_dirs]
        groups = [(name, files) for name, files in groups if files]
        if not groups:
            groups = [(root.name or "images", sorted(p for p in root.iterdir() if is_image(p)))]
    except OSError as error:
        raise DataUnavailableError(f"cannot read image folder {str(root)!r}: {error}") from None
    total = sum(len(files) for _, files in groups)
    if total == 0:
        raise DataUnavailableError(
            f"image folder {str(root)!r} holds no images ({', '.join(sorted(IMG_EXTENSIONS))}); put images "
            "in it, or in one sub-folder per class"
        )
    if total < 2:
        raise DataUnavailableError(f"image folder {str(root)!r} holds only one image; a GAN needs more")
    transform = transforms.Compose(
        [
            transforms.Resize(config.image_size),
            transforms.CenterCrop(config.image_size),
            transforms.ToTensor(),
        ]
    )
    mode = "L" if config.channels == 1 else "RGB"
    images, labels, unreadable = [], [], []
    for k, (_, files) in enumerate(groups):
        for path in files:
            if len(images) >= FOLDER_MAX_IMAGES:
                break
            try:
                with Image.open(path) as image:
                    images.append(transform(image.convert(mode)))
                labels.append(k)
            except (OSError, UnidentifiedImageError, ValueError):
                unreadable.append(path.name)
    if len(images) < 2:
        raise DataUnavailableError(
            f"could not read the images in {str(root)!r} ({len(unreadable)} unreadable, e.g. "
            f"{', '.join(unreadable[:3])}); use PNG or JPEG files"
        )
    stacked = normalize_to_neg_one_to_one(torch.stack(images))
    return _split("folder", stacked, torch.tensor(labels, dtype=torch.long), [name for name, _ in groups])


def load_image_data(config: DataConfig) -> ImageData:
    """The image data set `config` names. Shipped and torchvision data sets are read once per
    config (the tensors are shared and must not be written to); a person's folder is read again
    each time, so images added to it count at the next reset."""
    if config.name == "folder":
        return load_folder_images(config)
    return _load_cached(config)


@functools.lru_cache(maxsize=4)
def _load_cached(config: DataConfig) -> ImageData:
    if config.name == "digits":
        data = load_digits_images(config.image_size)
        if config.channels == 3:
            data = _as_colour(data)
        return data
    if config.name in ("mnist", "fashion_mnist"):
        return load_torchvision_images(config)
    if config.name == "faces":
        raise DataUnavailableError("faces are drawn on demand, not loaded: gan_core.data.make_data gives them")
    raise DataUnavailableError(f"{config.name!r} is not an image data set")


def _as_colour(data: ImageData) -> ImageData:
    return ImageData(
        data.name,
        data.train_images.expand(-1, 3, -1, -1).contiguous(),
        data.train_labels,
        data.held_out_images.expand(-1, 3, -1, -1).contiguous(),
        data.held_out_labels,
        data.class_names,
    )
