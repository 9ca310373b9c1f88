"""Opt-in downloads of MNIST and Fashion-MNIST, for people who are online (issue 24). Nothing else
in the app touches the network, and the tests never do.

The files are torchvision's (its mirrors, names and MD5 checksums), saved where torchvision looks
(`<root>/MNIST/raw/`, `<root>/FashionMNIST/raw/`), each checked against its checksum before it
is unpacked: a broken or tampered download is deleted and said, never loaded. The size is known
before anything is fetched, so a page can say it first; progress is reported as bytes arrive.
"""

from __future__ import annotations

import gzip
import hashlib
import shutil
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..config import ConfigError


class DataUnavailableError(ConfigError):
    """The data set is not on disk (and may not be downloaded), or a folder cannot be used.
    The message says what to do. A ConfigError (so a ValueError): the CLI prints it as one line."""


TIMEOUT_S = 20
BLOCK = 1 << 16


@dataclass(frozen=True)
class RemoteFile:
    name: str  # e.g. "train-images-idx3-ubyte.gz"
    md5: str
    size: int  # bytes, compressed


@dataclass(frozen=True)
class Download:
    label: str
    folder: str  # torchvision's class name: where it looks under root
    mirrors: tuple[str, ...]
    files: tuple[RemoteFile, ...]

    @property
    def size(self) -> int:
        return sum(f.size for f in self.files)

    def raw_folder(self, root: str | Path) -> Path:
        return Path(root).expanduser() / self.folder / "raw"

    def is_present(self, root: str | Path) -> bool:
        """Every unpacked file is where torchvision reads it."""
        raw = self.raw_folder(root)
        return all((raw / f.name.removesuffix(".gz")).is_file() for f in self.files)


DOWNLOADS = {
    "mnist": Download(
        "MNIST",
        "MNIST",
        ("https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"),
        (
            RemoteFile("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873", 9_912_422),
            RemoteFile("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432", 28_881),
            RemoteFile("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3", 1_648_877),
            RemoteFile("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c", 4_542),
        ),
    ),
    "fashion_mnist": Download(
        "Fashion-MNIST",
        "FashionMNIST",
        ("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",),
        (
            RemoteFile("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d", 26_421_880),
            RemoteFile("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe", 29_515),
            RemoteFile("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79", 4_422_102),
            RemoteFile("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310", 5_148),
        ),
    ),
}


def megabytes(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


def fetch(download: Download, root: str | Path, progress: Callable[[int, int], None] | None = None) -> Path:
    """Download, check and unpack every file of `download` that is not there yet; returns the raw
    folder. `progress(bytes_done, bytes_total)` as data arrives. Raises DataUnavailableError with
    one clear sentence when there is no network or a checksum does not match."""
    raw = download.raw_folder(root)
    try:
        raw.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DataUnavailableError(f"cannot create {str(raw)!r} for {download.label}: {error}") from None
    done, total = 0, download.size
    for remote in download.files:
        target = raw / remote.name.removesuffix(".gz")
        if not target.is_file():
            packed = raw / remote.name
            _fetch_one(download, remote, packed, lambda n, start=done: progress and progress(start + n, total))
            try:
                with gzip.open(packed, "rb") as source, open(target.with_suffix(".part"), "wb") as sink:
                    shutil.copyfileobj(source, sink)
                target.with_suffix(".part").replace(target)
            finally:
                packed.unlink(missing_ok=True)
        done += remote.size
        if progress:
            progress(done, total)
    return raw


def _fetch_one(download: Download, remote: RemoteFile, path: Path, progress) -> None:
    """One file from the first mirror that answers, checked against its MD5."""
    failures = []
    for mirror in download.mirrors:
        url = mirror + remote.name
        digest, received = hashlib.md5(), 0
        try:
            with urllib.request.urlopen(url, timeout=TIMEOUT_S) as response, open(path, "wb") as sink:
                while block := response.read(BLOCK):
                    sink.write(block)
                    digest.update(block)
                    received += len(block)
                    progress(received)
        except (urllib.error.URLError, OSError, ValueError) as error:
            path.unlink(missing_ok=True)
            failures.append(f"{url}: {getattr(error, 'reason', error)}")
            continue
        if digest.hexdigest() != remote.md5:
            path.unlink(missing_ok=True)
            failures.append(f"{url}: checksum mismatch (got {digest.hexdigest()}, expected {remote.md5})")
            continue
        return
    raise DataUnavailableError(
        f"could not download {download.label} ({remote.name}): " + "; ".join(failures) + ". Is this machine online? "
        f"Or copy the files into {str(path.parent)!r}."
    )
