"""MNIST / Fashion-MNIST for people who are online (gan_core/data/downloads.py), tested without the
network: small IDX files written here, "downloaded" from a file:// mirror, checked, unpacked where
torchvision reads them, and loaded; a bad checksum and a machine offline are said clearly."""

import dataclasses
import gzip
import hashlib
import struct

import numpy as np
import pytest
import torch

from gan_core.config import DataConfig
from gan_core.data.downloads import DOWNLOADS, RemoteFile, fetch
from gan_core.data.images import DataUnavailableError, load_torchvision_images


def idx_bytes(array: np.ndarray) -> bytes:
    """An IDX file (LeCun's format): magic (0, 0, type 0x08 = ubyte, dims), sizes, the bytes."""
    header = struct.pack(">BBBB", 0, 0, 0x08, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(np.uint8).tobytes()


def small_mnist(folder, n_train: int = 30, n_test: int = 10):
    """A mirror folder of gzipped IDX files and the RemoteFiles describing them."""
    rng = np.random.default_rng(0)
    files = []
    for part, n in (("train", n_train), ("t10k", n_test)):
        for kind, array in (
            ("images-idx3", rng.integers(0, 256, (n, 28, 28))),
            ("labels-idx1", np.arange(n) % 10),
        ):
            packed = gzip.compress(idx_bytes(array))
            name = f"{part}-{kind}-ubyte.gz"
            (folder / name).write_bytes(packed)
            files.append(RemoteFile(name, hashlib.md5(packed).hexdigest(), len(packed)))
    return tuple(files)


def test_a_download_is_checked_unpacked_where_torchvision_looks_and_loads(tmp_path):
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    download = dataclasses.replace(DOWNLOADS["mnist"], mirrors=(mirror.as_uri() + "/",), files=small_mnist(mirror))
    root = tmp_path / "data"
    assert not download.is_present(root)
    seen = []
    fetch(download, root, progress=lambda done, total: seen.append((done, total)))
    assert download.is_present(root) and (root / "MNIST" / "raw" / "train-images-idx3-ubyte").is_file()
    assert seen[-1] == (download.size, download.size) and all(a <= b for (a, _), (b, _) in zip(seen, seen[1:]))
    assert not list((root / "MNIST" / "raw").glob("*.gz"))  # only the unpacked files stay
    data = load_torchvision_images(DataConfig(name="mnist", image_size=28, root=str(root)))
    assert data.train_images.shape == (30, 1, 28, 28) and data.held_out_images.shape == (10, 1, 28, 28)
    assert data.train_images.min() >= -1 and data.train_images.max() <= 1
    assert torch.equal(data.train_labels[:3], torch.tensor([0, 1, 2]))


def test_a_wrong_checksum_is_refused_and_nothing_is_left_behind(tmp_path):
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    files = small_mnist(mirror)
    broken = (dataclasses.replace(files[0], md5="0" * 32),) + files[1:]
    download = dataclasses.replace(DOWNLOADS["mnist"], mirrors=(mirror.as_uri() + "/",), files=broken)
    with pytest.raises(DataUnavailableError, match="checksum mismatch"):
        fetch(download, tmp_path / "data")
    assert not any((tmp_path / "data" / "MNIST" / "raw").iterdir())


def test_offline_the_message_says_so_and_where_to_put_the_files(tmp_path):
    download = dataclasses.replace(DOWNLOADS["fashion_mnist"], mirrors=("http://127.0.0.1:9/",))
    with pytest.raises(DataUnavailableError, match="Is this machine online") as error:
        fetch(download, tmp_path)
    assert "FashionMNIST/raw" in str(error.value)


def test_the_sizes_are_known_before_anything_is_fetched():
    assert 11e6 < DOWNLOADS["mnist"].size < 12e6 and 30e6 < DOWNLOADS["fashion_mnist"].size < 31e6
