"""The procedural faces (gan_core/data/faces.py): drawn from a seed, every factor in its
documented range and visible in the picture where it should be, and the `data faces` command."""

import numpy as np
import pytest
import torch
from conftest import run_cli

from gan_core.data.faces import (
    FACTOR_NAMES,
    FACTORS,
    SKIN_DARK,
    SKIN_LIGHT,
    FacesError,
    draw_faces,
    make_faces,
    sample_factors,
)


@pytest.fixture(scope="module")
def faces():
    return make_faces(2_000, seed=0)


def test_the_same_seed_draws_the_same_faces_and_every_factor_keeps_its_range(faces):
    images, factors = faces
    again, same = make_faces(2_000, seed=0)
    assert torch.equal(images, again) and torch.equal(factors, same)
    assert not torch.equal(make_faces(10, seed=1)[0], images[:10])
    assert images.shape == (2_000, 3, 32, 32) and images.dtype == torch.float32
    assert images.min() >= -1 and images.max() <= 1
    for column, factor in zip(factors.T, FACTORS):
        assert column.min() >= factor.low and column.max() <= factor.high, factor.name
        if factor.levels:  # every level drawn, nothing between them
            assert set(column.tolist()) == set(range(factor.levels)), factor.name
        else:  # spread over the range
            assert column.max() - column.min() > 0.9 * (factor.high - factor.low), factor.name
    glasses = factors[:, FACTOR_NAMES.index("glasses")].mean().item()
    assert abs(glasses - 0.3) < 0.04  # 2,000 draws: the binomial's standard deviation is 0.01


def one_face_changed(name: str, low: float, high: float, size: int = 32) -> tuple[torch.Tensor, torch.Tensor]:
    """A face drawn twice, `name` at `low` then at `high`, every other factor the same."""
    factors = sample_factors(1, torch.Generator().manual_seed(3)).repeat(2, 1)
    factors[:, FACTOR_NAMES.index("glasses")] = 0
    column = FACTOR_NAMES.index(name)
    factors[0, column], factors[1, column] = low, high
    images = draw_faces(factors, size)
    return images[0], images[1]


# factor -> (two values, the rows where it must change the picture: fractions of the height from the top)
WHERE = {
    "hair_length": (0.0, 1.0, (0.5, 1.0)),  # long hair falls beside the cheeks and below the chin
    "hair_colour": (0, 4, (0.0, 0.5)),
    "skin_tone": (0.0, 1.0, (0.2, 0.9)),
    "eye_colour": (1, 2, (0.3, 0.6)),
    "smile": (-1.0, 1.0, (0.55, 1.0)),
    "glasses": (0, 1, (0.25, 0.7)),
    "background": (0, 4, (0.0, 1.0)),
}


@pytest.mark.parametrize("name", list(WHERE))
def test_each_factor_changes_the_picture_where_it_belongs(name):
    low, high, (top, bottom) = WHERE[name]
    before, after = one_face_changed(name, low, high, size=64)
    changed = (before - after).abs().sum(dim=0)  # (64, 64)
    inside = changed[int(top * 64) : int(bottom * 64)].sum()
    assert inside > 5, (name, inside.item())  # a visible change: several pixels, fully
    if name in ("smile", "eye_colour", "glasses"):  # small parts: nothing else moves
        assert inside >= 0.95 * changed.sum(), (name, inside.item(), changed.sum().item())


def mouth_rows(frown: torch.Tensor, smile: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
    """Per column where the two 64x64 faces differ (their mouths, nothing else), the row of each
    face's mouth: its darkest pixel there (the mouth's line is the darkest thing below the eyes)."""
    columns = np.nonzero(((frown - smile).abs().sum(dim=0) > 0.1).any(dim=0).numpy())[0]
    lower = slice(36, 64)
    row = lambda image: image[1, lower][:, columns].argmin(dim=0).numpy() + 36  # noqa: E731  (green: darkest)
    return columns, np.stack([row(frown), row(smile)])


def test_a_smile_turns_the_mouths_corners_up():
    columns, (frown, smile) = mouth_rows(*one_face_changed("smile", -1.0, 1.0, size=64))
    middle = np.abs(columns - columns.mean()) <= 2
    ends = np.abs(columns - columns.mean()) >= 0.4 * np.ptp(columns)
    assert smile[ends].mean() < smile[middle].mean() - 1.5  # rows grow downwards: a smile's corners are up
    assert frown[ends].mean() > frown[middle].mean() + 1.5


def skin(image: torch.Tensor, tone: float) -> np.ndarray:
    """(rows, columns) of the pixels of the face's own skin colour."""
    colour = torch.tensor(SKIN_LIGHT) + tone * (torch.tensor(SKIN_DARK) - torch.tensor(SKIN_LIGHT))
    close = ((image + 1) / 2 - colour.view(3, 1, 1)).abs().max(dim=0).values < 0.02
    return np.nonzero(close.numpy())


def test_the_head_moves_with_its_position_and_widens_with_its_width():
    tone = sample_factors(1, torch.Generator().manual_seed(3))[0, FACTOR_NAMES.index("skin_tone")].item()
    left, right = one_face_changed("head_x", -0.12, 0.12, size=64)
    assert skin(right, tone)[1].mean() - skin(left, tone)[1].mean() > 5  # 0.24 half widths: 7.7 px
    up, down = one_face_changed("head_y", -0.12, 0.12, size=64)
    assert skin(down, tone)[0].mean() - skin(up, tone)[0].mean() > 5
    narrow, wide = one_face_changed("face_width", 0.8, 1.2, size=64)
    width = lambda image: np.ptp(skin(image, tone)[1])  # noqa: E731
    assert width(wide) > width(narrow) + 4  # 0.4 x 0.48 x 2 half widths: ~12 px


def test_the_data_command_writes_images_factors_and_names(root, tmp_path):
    out = tmp_path / "faces.npz"
    result = run_cli(root, "data", "faces", "--n", "50", "--seed", "2", "--size", "64", "--out", str(out))
    assert result.returncode == 0, result.stderr
    written = np.load(out)
    assert written["images"].shape == (50, 3, 64, 64) and written["images"].dtype == np.float32
    assert written["factors"].shape == (50, len(FACTORS)) and list(written["factor_names"]) == list(FACTOR_NAMES)
    images, factors = make_faces(50, seed=2, size=64)
    np.testing.assert_array_equal(written["factors"], factors.numpy())
    assert "hair_length" in result.stdout and "0 off, 1 on" in result.stdout
    for args, message in (
        (("--n", "0"), "draw 1 to"),
        (("--size", "48"), "32 or 64 pixels, not 48"),
        (("--n", "200000"), "at a time (1 GiB)"),
    ):
        result = run_cli(root, "data", "faces", *args, "--out", str(out))
        assert result.returncode == 2 and message in result.stderr, result.stderr
    result = run_cli(root, "data", "faces", "--out", str(tmp_path / "faces.txt"))
    assert result.returncode == 2 and "must end in .npz" in result.stderr
    with pytest.raises(FacesError):
        draw_faces(torch.zeros(1, len(FACTORS)), size=16)
