"""The latent explorer's engine: shipped runs load and generate; interpolation keeps its ends
(and slerp the norm); GANSpace and SeFa bases are orthonormal; class directions do what they
say on codes they were not fitted on; inversion recovers generated digits; completion beats
the mean-image baseline on hidden pixels; bad files are refused with a message."""

import io

import numpy as np
import pytest
import torch

from gan_core.data.user_images import MAX_UPLOAD_BYTES, read_drawing, read_image_bytes
from gan_core.sampling import directions, interpolation, inversion
from gan_core.training.checkpoint import CheckpointError
from gan_core.training.shipped import SHIPPED_RUNS, shipped_run
from gan_core.views import latent


@pytest.fixture(scope="module")
def dcgan():
    return latent.load_latent_model(shipped_run("digits-dcgan").path, "dcgan")


@pytest.fixture(scope="module")
def cgan():
    return latent.load_latent_model(shipped_run("digits-cgan").path, "cgan")


@pytest.fixture(scope="module")
def ring():
    return latent.load_latent_model(shipped_run("ring").path, "ring")


@pytest.mark.parametrize("run", SHIPPED_RUNS, ids=lambda run: run.preset)
def test_shipped_runs_load_and_generate_the_same_samples_for_a_seed(run):
    assert run.path.is_file(), f"{run.path} is missing: python -m gan_core train --preset {run.preset} --out {run.path}"
    assert run.path.stat().st_size < 8_000_000
    model = latent.load_latent_model(run.path, run.title)
    assert model.config.kind == ("image" if run.preset.startswith(("digits", "faces")) else "toy")
    generator = model.generator
    labels = generator.labels(3, 4)
    first = generator.generate(generator.codes(7, 4), labels)
    again = generator.generate(generator.codes(7, 4), labels)
    other = generator.generate(generator.codes(8, 4), labels)
    assert torch.isfinite(first).all() and torch.equal(first, again) and not torch.equal(first, other)
    assert tuple(first.shape[1:]) == tuple(generator.sample_shape)


def test_the_shipped_ring_generator_covers_its_modes(ring):
    shares = latent.prior_mode_shares(ring)
    assert (shares[:-1] > 0.05).all() and shares[-1] < 0.1  # every mode gets codes, few land between


def test_interpolation_keeps_its_ends_and_slerp_the_norm():
    rng = torch.Generator().manual_seed(0)
    a, b = torch.randn(64, generator=rng), torch.randn(64, generator=rng)
    for method in interpolation.METHODS:
        path = interpolation.path(a, b, 9, method)
        assert torch.equal(path[0], a) and torch.equal(path[-1], b)
    same_norm_b = b / b.norm() * a.norm()
    for t in np.linspace(0, 1, 11):
        assert float(interpolation.slerp(a, same_norm_b, t).norm()) == pytest.approx(float(a.norm()), rel=1e-5)
        expected = (1 - t) * a.norm() + t * b.norm()
        assert float(interpolation.slerp(a, b, t).norm()) == pytest.approx(float(expected), rel=1e-5)
    # The straight midpoint of two typical codes is atypically short; the spherical one is not.
    assert interpolation.lerp(a, b, 0.5).norm() < 0.8 * a.norm()
    with pytest.raises(ValueError, match="interpolation must be"):
        interpolation.path(a, b, 5, "cubic")


@pytest.mark.parametrize("name", ["dcgan", "cgan", "ring"])
def test_ganspace_and_sefa_bases_are_orthonormal(name, request):
    generator = request.getfixturevalue(name).generator
    for basis in (directions.ganspace(generator), directions.sefa(generator)):
        vectors = basis.vectors
        assert vectors.shape[1] == generator.noise_dim
        np.testing.assert_allclose(vectors @ vectors.T, np.eye(len(vectors)), atol=1e-6)
        assert basis.seconds < 5
    pca = directions.ganspace(generator)
    assert (np.diff(pca.scores) <= 1e-12).all() and 0 < pca.scores.sum() <= 1 + 1e-9  # variance shares, descending
    sefa = directions.sefa(generator)
    assert (np.diff(sefa.scores) <= 1e-9).all()  # eigenvalues, descending


def test_raw_axes_are_ranked_by_how_much_they_move_the_output(dcgan):
    generator = dcgan.generator
    basis = directions.raw_axes(generator)
    assert sorted(np.argmax(basis.vectors, axis=1).tolist()) == list(range(generator.noise_dim))
    z = generator.codes(99, 32)
    moved = [
        float(
            (
                generator.generate(z + generator.prior_std * torch.as_tensor(v, dtype=torch.float32))
                - generator.generate(z)
            ).norm()
        )
        for v in (basis.vectors[0], basis.vectors[-1])
    ]
    assert moved[0] > 1.5 * moved[1]


def test_class_directions_raise_their_class_on_codes_they_were_not_fitted_on(dcgan):
    generator, classifier = dcgan.generator, dcgan.classifier
    basis = directions.class_directions(generator, classifier, dcgan.class_names)
    assert len(basis) == 10 and (basis.scores > 0.65).all() and basis.scores.mean() > 0.8  # balanced; chance 0.5
    z = generator.codes(2024, 200)  # other codes than the 4,000 the boundaries were fitted on
    with torch.no_grad():
        before = torch.softmax(classifier(generator.generate(z)), dim=1)
        for k, vector in enumerate(basis.vectors):
            moved = z + 2 * generator.prior_std * torch.as_tensor(vector, dtype=torch.float32)
            after = torch.softmax(classifier(generator.generate(moved)), dim=1)
            assert after[:, k].mean() > before[:, k].mean() + 0.15, basis.names[k]


def test_a_conditional_generator_has_no_class_directions_in_z(cgan):
    with pytest.raises(ValueError, match="label"):
        directions.class_directions(cgan.generator, cgan.classifier, cgan.class_names)


@pytest.mark.statistical
def test_inversion_recovers_generated_digits(dcgan, seed):
    generator = dcgan.generator
    targets = generator.generate(generator.codes(4321 + seed, 5))
    errors = []
    for target in targets:
        found = inversion.invert(generator, target, seed=1 + seed)
        errors.append(found.error)  # mean squared error, pixels in [0, 1]
        torch.testing.assert_close(found.image, generator.generate(found.code[None])[0], atol=1e-5, rtol=0)
    # Two random digits differ by about 0.1; a recovered one by a few thousandths at most.
    assert np.median(errors) < 0.002 and max(errors) < 0.005, errors


@pytest.mark.statistical
def test_completion_beats_both_baselines_on_hidden_pixels(dcgan, seed):
    """Over 20 fixed held-out digits with their bottom half hidden."""
    held = dcgan.data.held_out_images[seed::17][:20]
    visible = inversion.half_mask(tuple(held[0].shape), "bottom")
    results = [inversion.complete(dcgan.generator, digit, visible, dcgan.data.train_images) for digit in held]
    gan = np.mean([r.hidden_error for r in results])
    mean_image = np.mean([r.mean_image_error for r in results])
    nearest = np.mean([r.nearest_error for r in results])
    single = np.mean([r.single_error for r in results])
    print(
        f"hidden-pixel MSE: GAN {gan:.4f} (one code {single:.4f}), mean image {mean_image:.4f}, nearest {nearest:.4f}"
    )
    assert gan < 0.8 * mean_image and gan < nearest
    for r, digit in zip(results, held):  # the visible pixels are the original's
        assert torch.equal(r.completed[visible], digit[visible])


@pytest.mark.statistical
def test_a_conditional_inversion_finds_the_label(cgan, seed):
    generator = cgan.generator
    label = (7 + seed) % 10
    target = generator.generate(generator.codes(5 + seed, 1), generator.labels(label, 1))[0]
    found = inversion.invert(generator, target, seed=seed)
    assert found.label == label and found.error < 0.01


def test_a_wrong_file_is_refused_with_a_message(tmp_path):
    from gan_core.networks.classifier import checkpoint_path

    with pytest.raises(CheckpointError, match="not a GAN Explorer run checkpoint"):
        latent.load_latent_model(checkpoint_path("digits"), "classifier")  # a PyTorch file of another kind
    with pytest.raises(CheckpointError, match="damaged"):
        latent.load_latent_model(b"not a checkpoint at all", "junk")
    truncated = shipped_run("ring").path.read_bytes()[:5000]
    with pytest.raises(CheckpointError):
        latent.load_latent_model(truncated, "truncated")


def test_directions_file_round_trip_and_refusals():
    saved = [("slant", [1.0, 0.0, 0.0]), ("thick", [0.0, 0.6, 0.8])]
    text = directions.directions_to_json(saved, "m", 3).encode()
    assert directions.directions_from_json(text, 3) == saved
    for bad, reason in (
        (b"{", "not JSON"),
        (b'{"format": "other"}', "not a GAN Explorer directions file"),
        (directions.directions_to_json(saved, "m", 3).encode(), "4 dimensions"),
    ):
        with pytest.raises(ValueError, match=reason):
            directions.directions_from_json(bad, 4 if "dimensions" in reason else 3)
    basis = directions.saved_basis(saved, 3)
    np.testing.assert_allclose(np.linalg.norm(basis.vectors, axis=1), 1.0)


def test_a_persons_image_becomes_a_light_on_dark_target():
    from PIL import Image

    paper = np.full((40, 40), 255, np.uint8)
    paper[8:32, 18:22] = 0  # a dark "1" on white paper
    buffer = io.BytesIO()
    Image.fromarray(paper).save(buffer, format="PNG")
    target = read_image_bytes(buffer.getvalue(), (1, 8, 8))
    assert target.shape == (1, 8, 8) and target.min() >= -1 and target.max() <= 1
    assert target[0, 4, 3:5].mean() > 0.5 and target[0, 0, 0] < -0.9  # the stroke is light, the paper dark
    with pytest.raises(ValueError, match="not an image"):
        read_image_bytes(b"hello", (1, 8, 8))
    with pytest.raises(ValueError, match="MB"):
        read_image_bytes(b"0" * (MAX_UPLOAD_BYTES + 1), (1, 8, 8))
    assert read_drawing(np.zeros((224, 224, 4), np.uint8), (1, 8, 8)) is None


def test_direction_effects_name_classes_for_digits_and_modes_for_2d(dcgan, ring):
    basis = directions.class_directions(dcgan.generator, dcgan.classifier, dcgan.class_names)
    lines = latent.direction_effects(dcgan, basis.vectors[:3])
    assert lines[0].startswith("towards 0")  # "more like 0" moves samples towards 0
    ring_lines = latent.direction_effects(ring, directions.sefa(ring.generator).vectors)
    assert all("switches the mode" in line for line in ring_lines)
