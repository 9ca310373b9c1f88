"""A person's own image, from an upload or a drawing, as a generator's target: grey or colour,
resized to the model's size by area averaging, light-on-dark like the training digits, in
[-1, 1]. Bad files get a message, never a traceback; big ones are refused before decoding."""

from __future__ import annotations

import io

import numpy as np
import torch

MAX_UPLOAD_BYTES = 2_000_000  # a small picture of one digit; anything bigger is refused unread
MAX_PIXELS = 4096 * 4096  # decompression bombs are refused by Pillow's own check at this size


def _to_target(picture, shape: tuple[int, int, int], invert: bool | None) -> torch.Tensor:
    """PIL image -> (C, H, W) in [-1, 1]. `invert` None: invert when the border is light (a dark
    digit on white paper), so strokes are light as in the training digits."""
    from PIL import Image

    channels, height, width = shape
    picture = picture.convert("L" if channels == 1 else "RGB")
    array = np.asarray(picture.resize((width, height), Image.BOX), dtype=np.float32) / 255.0
    if array.ndim == 2:
        array = array[None]
    else:
        array = np.transpose(array, (2, 0, 1))
    if invert is None:
        border = np.concatenate(
            [array[:, 0].ravel(), array[:, -1].ravel(), array[:, :, 0].ravel(), array[:, :, -1].ravel()]
        )
        invert = float(border.mean()) > 0.5
    if invert:
        array = 1.0 - array
    low, high = float(array.min()), float(array.max())
    if high - low > 1e-6:  # use the full range, as the training digits do
        array = (array - low) / (high - low)
    return torch.from_numpy(array * 2 - 1)


def read_image_bytes(content: bytes, shape: tuple[int, int, int], invert: bool | None = None) -> torch.Tensor:
    """An uploaded PNG/JPEG/... as a target of `shape` (C, H, W). Raises ValueError with a reason."""
    from PIL import Image, UnidentifiedImageError

    if len(content) > MAX_UPLOAD_BYTES:
        raise ValueError(
            f"the file is {len(content) / 1e6:.1f} MB; at most {MAX_UPLOAD_BYTES / 1e6:.0f} MB is taken "
            "(a small picture of one digit is enough)"
        )
    previous = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(io.BytesIO(content)) as picture:
            if picture.width * picture.height > MAX_PIXELS:
                raise ValueError(f"the image is {picture.width}x{picture.height} pixels; at most 4096x4096 is taken")
            picture.load()
            return _to_target(picture, shape, invert)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ValueError("the file is not an image Pillow can read (use PNG or JPEG)") from None
    finally:
        Image.MAX_IMAGE_PIXELS = previous


def read_drawing(rgba: np.ndarray, shape: tuple[int, int, int]) -> torch.Tensor | None:
    """A canvas drawing (H, W, 4) uint8, light strokes on a dark background, as a target; None
    when nothing is drawn yet."""
    from PIL import Image

    array = np.asarray(rgba, dtype=np.uint8)
    if array.ndim != 3 or array.shape[2] < 3 or array[..., :3].max() == 0:
        return None
    return _to_target(Image.fromarray(array[..., :3]), shape, invert=False)


def erased_mask(rgba: np.ndarray, shape: tuple[int, int, int], coverage: float = 0.25) -> torch.Tensor | None:
    """Which pixels stay visible (C, H, W) after a person brushes over an image on a canvas: a
    pixel is hidden where the strokes cover at least `coverage` of its area. None when nothing
    is brushed yet."""
    from PIL import Image

    array = np.asarray(rgba, dtype=np.uint8)
    if array.ndim != 3 or array.shape[2] != 4 or array[..., 3].max() == 0:
        return None
    channels, height, width = shape
    covered = np.asarray(Image.fromarray(array[..., 3]).resize((width, height), Image.BOX), dtype=np.float32) / 255.0
    visible = torch.from_numpy(covered < coverage)
    return visible.expand(channels, height, width).clone()
