"""Image data: the embedded digits, the clear errors for missing data, and a user's folder."""

import numpy as np
import pytest
import torch

from gan_core.config import DataConfig
from gan_core.data import make_data
from gan_core.data.images import DataUnavailableError, load_image_data, stratified_split


@pytest.mark.parametrize("size", [8, 16, 28, 32])
def test_digits_shapes_range_and_split(size):
    data = make_data(DataConfig(name="digits", image_size=size))
    assert data.train_images.shape[1:] == (1, size, size)
    assert len(data.train_images) + len(data.held_out_images) == 1797
    assert data.train_images.min() >= -1 and data.train_images.max() <= 1
    assert data.n_classes == 10 and data.dim == size * size
    images, labels = data.sample_batch(16, torch.Generator().manual_seed(0))
    assert images.shape == (16, 1, size, size) and labels.dtype == torch.long


def test_digits_batches_are_deterministic_and_split_is_disjoint():
    data = make_data(DataConfig(name="digits"))
    a, la = data.sample_batch(32, torch.Generator().manual_seed(3))
    b, lb = data.sample_batch(32, torch.Generator().manual_seed(3))
    assert torch.equal(a, b) and torch.equal(la, lb)
    train, held = stratified_split(np.repeat(np.arange(10), 50))
    assert not set(train) & set(held) and len(held) == 100


def test_mnist_missing_offline_says_what_to_do(tmp_path):
    with pytest.raises(DataUnavailableError, match="Place the MNIST files"):
        load_image_data(DataConfig(name="mnist", image_size=28, root=str(tmp_path)))


def test_folder_errors(tmp_path):
    with pytest.raises(DataUnavailableError, match="does not exist"):
        load_image_data(DataConfig(name="folder", root=str(tmp_path / "nope")))
    with pytest.raises(DataUnavailableError, match="holds no images"):
        load_image_data(DataConfig(name="folder", root=str(tmp_path)))
    (tmp_path / "a.png").write_bytes(b"not a png")
    (tmp_path / "b.png").write_bytes(b"not a png either")
    with pytest.raises(DataUnavailableError, match="could not read"):
        load_image_data(DataConfig(name="folder", root=str(tmp_path), image_size=16))


def test_folder_of_class_subfolders_grey_and_colour(tmp_path):
    from PIL import Image

    rng = np.random.default_rng(0)
    for name in ("cats", "dogs"):
        (tmp_path / name).mkdir()
        for i in range(5):
            pixels = rng.integers(0, 255, (20, 30, 3), dtype=np.uint8)
            Image.fromarray(pixels).save(tmp_path / name / f"{i}.png")
    grey = load_image_data(DataConfig(name="folder", root=str(tmp_path), image_size=16, channels=1))
    colour = load_image_data(DataConfig(name="folder", root=str(tmp_path), image_size=16, channels=3))
    assert grey.train_images.shape[1:] == (1, 16, 16) and colour.train_images.shape[1:] == (3, 16, 16)
    assert grey.class_names == ("cats", "dogs")
    assert len(grey.train_images) + len(grey.held_out_images) == 10
    assert colour.train_images.min() >= -1 and colour.train_images.max() <= 1
