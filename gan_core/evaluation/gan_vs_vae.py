"""Scoring a GAN-vs-VAE comparison: one row of the same scores per member, the real data's
ceiling, a plain-words reading built from those numbers, and the structured-learning ranking
(samples ranked by pixel L2 to their nearest training image versus by a discriminator's score).

Images: the shipped classifier's scores on the held-out count (as bench/gan_vs_vae.py and the
presets report them), the variance of the Laplacian as sharpness (real held-out digits are the
ceiling), the ELBO and importance-weighted bound where a model has them. 2D data: the mixture
metrics (modes, high-quality share, reverse KL over modes, KL / JS of the histograms, W1).
"""

from __future__ import annotations

import numpy as np
import torch

from ..data.images import to_unit
from ..networks import eval_mode
from ..objectives import losses
from ..sampling import sample
from . import evaluate_run
from .images import laplacian_variance

AXES_WALK_CODES = 32  # codes walked along each code axis (the axis disentanglement of a faces member)
RANKED_PER_MEMBER = 16  # samples each member adds to the ranking
RANKING_SEED = 31
UNTRAINED_READING = (
    "At iteration 0 the models share their initial weights (the same seed builds the same decoder), so they "
    "score alike: every difference that appears later comes from how each is trained."
)


def score_member(name: str, trainer, seconds: float, kind: str | None = None) -> dict:
    """One table row: the member's scores, its likelihood figures and its own training time.
    `kind`: the member's kind when it is not its model kind (a beta-VAE is a "vae" model)."""
    metrics = evaluate_run(trainer)
    row = {"model": name, "kind": kind or trainer.config.model.model_kind, "width": trainer.config.model.g_width}
    row["seconds"] = seconds
    if trainer.config.kind == "image":
        if "generated" not in metrics:  # no classifier shipped for the data
            row["note"] = metrics.get("note", "")
        else:
            generated = metrics["generated_at_ceiling_count"]
            counts = metrics["generated"]["class_counts"]
            for key in ("inception_score", "fid", "precision", "recall", "density", "coverage"):
                row[key] = float(generated[key])
            row["max_class_share"] = max(counts) / max(sum(counts), 1)
            row["classes"] = int(metrics["generated"]["classes_present"])
            row["ceiling"] = metrics["real_ceiling"]
            if "factor_tv" in metrics["generated"]:  # faces: the worst factor's coverage, and which
                tv = metrics["generated"]["factor_tv"]
                row["worst_factor_tv"] = max(tv.values())
                row["worst_factor"] = max(tv, key=tv.get)
                row["dropped"] = metrics["generated"]["dropped_text"]
                row |= code_axes_score(trainer)
        row["sharpness"] = laplacian_variance(sample(trainer, 1000, seed=0)[0].numpy())
    else:
        for key in ("modes_covered", "n_modes", "high_quality", "reverse_kl", "kl", "js", "wasserstein1"):
            if key in metrics:
                row[key] = metrics[key]
    likelihood = metrics.get("likelihood", {})
    row["elbo"] = likelihood.get("elbo_nats")
    row["iw_bound"] = likelihood.get("iw_bound_nats")
    row["reconstruction"] = likelihood.get("reconstruction_nats")
    return row


def code_axes_score(trainer) -> dict:
    """Faces: how one-to-one the member's code axes and the faces' factors are (the disentanglement
    score of gan_core.evaluation.direction_factors over its raw code axes): whose latent space
    means something, axis by axis."""
    from ..networks.face_reader import shipped_reader
    from ..sampling.latent import LatentGenerator
    from .direction_factors import direction_effects, disentanglement

    generator = LatentGenerator.from_trainer(trainer)
    reader, _ = shipped_reader()
    d = generator.noise_dim
    effects = direction_effects(generator, reader.read, np.eye(d), [f"z[{i}]" for i in range(d)], n=AXES_WALK_CODES)
    return {"axes_score": disentanglement(effects).score}


def ceiling_row(trainer, member_rows: list[dict]) -> dict | None:
    """The real held-out digits scored the same way (images only)."""
    if trainer.config.kind != "image":
        return None
    ceiling = next((r["ceiling"] for r in member_rows if "ceiling" in r), None)
    row = {"model": "real held-out", "kind": "real", "width": None, "seconds": None}
    if ceiling is not None:
        for key in ("inception_score", "fid", "precision", "recall", "density", "coverage"):
            row[key] = float(ceiling[key])
    row["sharpness"] = laplacian_variance(trainer.data.held_out_images.numpy())
    return row


def _by_kind(rows: list[dict], kind: str) -> list[dict]:
    return [r for r in rows if r["kind"] == kind]


def _best(rows: list[dict], key: str, lowest: bool) -> dict | None:
    scored = [r for r in rows if r.get(key) is not None and r["kind"] != "real"]
    if not scored:
        return None
    return min(scored, key=lambda r: r[key]) if lowest else max(scored, key=lambda r: r[key])


def _list(rows: list[dict], key: str, fmt: str) -> str:
    return ", ".join(f"{r['model']} {fmt.format(r[key])}" for r in rows if r.get(key) is not None)


def reading(rows: list[dict], kind: str, noun: str = "digits") -> list[str]:
    """Short sentences saying what the table shows, each built from its numbers (`noun`: what the
    images are, "digits" or "faces")."""
    members = [r for r in rows if r["kind"] != "real"]
    if not members:
        return []
    sentences = []
    faces = noun == "faces"
    if kind == "image" and all("fid" in r for r in members):
        best = _best(members, "fid", lowest=True)
        sentences.append(
            f"Lowest FID (closest to real {noun}): **{best['model']}** ({_list(members, 'fid', '{:.2f}')})."
        )
        real = next((r for r in rows if r["kind"] == "real"), None)
        if real is not None:
            shares = ", ".join(f"{r['model']} {r['sharpness'] / real['sharpness']:.0%}" for r in members)
            sentences.append(f"Sharpness as a share of real {noun}' ({real['sharpness']:.2f}): {shares}.")
            noisy = [r["model"] for r in members if r["sharpness"] > 1.2 * real["sharpness"]]
            if noisy:
                sentences.append(
                    f"{', '.join(noisy)} {'is' if len(noisy) == 1 else 'are'} sharper than real {noun}: "
                    "that is pixel noise, not detail."
                )
            blurred = [r for r in _by_kind(members, "vae") if r["sharpness"] < 0.75 * real["sharpness"]]
            if blurred:
                sentences.append(
                    f"The VAE's samples are blurred: a pixel-wise likelihood rewards the average of the {noun} "
                    f"a code could be, not any one sharp {noun[:-1] if faces else 'digit'}."
                )
        for ae in _by_kind(members, "ae"):
            vae = next((r for r in _by_kind(members, "vae") if r["width"] == ae["width"]), None)
            if vae and ae["fid"] > vae["fid"]:
                gap = ae["reconstruction"] - vae["reconstruction"]
                how = "better than" if gap < -0.5 else "worse than" if gap > 0.5 else "about as well as"
                precision = (
                    f", precision {ae['precision']:.2f} vs {vae['precision']:.2f}"
                    if ae["precision"] < vae["precision"]
                    else ""
                )
                sentences.append(
                    f"{ae['model']} reconstructs {how} the VAE (−log p(x|z) {ae['reconstruction']:.1f} vs "
                    f"{vae['reconstruction']:.1f} nats), yet its samples are worse (FID {ae['fid']:.2f} vs "
                    f"{vae['fid']:.2f}{precision}): codes drawn from N(0, I) fall in the holes between its "
                    "data's codes."
                )
        for vae in _by_kind(members, "vae") if not faces else []:
            top = max(vae["max_class_share"], 0)
            sentences.append(
                f"{vae['model']} draws {vae['classes']}/10 classes, the largest at {top:.0%}"
                + (" (none over 20%)." if top <= 0.2 else " (one class over 20%).")
            )
        if faces and all("worst_factor_tv" in r for r in members):
            best = _best(members, "worst_factor_tv", lowest=True)
            worst = ", ".join(
                f"{r['model']} {r['worst_factor_tv']:.2f} ({r['worst_factor'].replace('_', ' ')})" for r in members
            )
            sentences.append(
                f"Factor coverage (the worst factor's TV distance to real faces; 0 is a perfect spread): "
                f"**{best['model']}** keeps the real spread best ({worst})."
            )
            sentences += [f"{r['model']}: {r['dropped']}." for r in members if r.get("dropped")]
        if faces and all("axes_score" in r for r in members):
            best = _best(members, "axes_score", lowest=False)
            sentences.append(
                "Whose code means something, axis by axis? The disentanglement of the code axes (per factor, the "
                "best axis's share of its change minus the second best's, averaged; 1 = one axis per factor): "
                f"{_list(members, 'axes_score', '{:.2f}')}; **{best['model']}** highest."
            )
    elif kind == "toy" and all("high_quality" in r for r in members):
        best = _best(members, "high_quality", lowest=False)
        covered = ", ".join(f"{r['model']} {r['modes_covered']}/{r['n_modes']}" for r in members)
        sentences.append(
            f"Most samples on a mode: **{best['model']}** ({_list(members, 'high_quality', '{:.0%}')}); "
            f"modes covered: {covered}."
        )
    if members and all(r.get("wasserstein1") is not None for r in members):
        best = _best(members, "wasserstein1", lowest=True)
        distances = _list(members, "wasserstein1", "{:.3f}")
        sentences.append(f"Smallest Wasserstein distance to the data: **{best['model']}** ({distances}).")
    for vae in _by_kind(members, "vae"):
        if vae.get("elbo") is not None:
            sentences.append(
                f"{vae['model']}: ELBO {vae['elbo']:.2f} ≤ importance-weighted bound {vae['iw_bound']:.2f} nats "
                "(log p(x) lies above both)."
            )
    sentences += size_reading(members, *(("fid", "FID") if kind == "image" else ("wasserstein1", "W1")))
    fastest = min(members, key=lambda r: r["seconds"])
    slowest = max(members, key=lambda r: r["seconds"])
    if slowest["seconds"] > 0 and slowest is not fastest:
        why = " (a GAN updates two networks per iteration)" if slowest["kind"] == "gan" else ""
        sentences.append(
            f"Training time: {slowest['model']} took {slowest['seconds']:.1f} s, {fastest['model']} "
            f"{fastest['seconds']:.1f} s for the same iterations{why}."
        )
    return sentences


def size_reading(members: list[dict], key: str, label: str) -> list[str]:
    """The notes' claim that a VAE needs a bigger network than a GAN for a similar result, read
    from a comparison at several widths (lower `key` is better)."""
    widths = sorted({r["width"] for r in members})
    if len(widths) < 2 or any(r.get(key) is None for r in members):
        return []
    gan = {r["width"]: r[key] for r in _by_kind(members, "gan")}
    vae = {r["width"]: r[key] for r in _by_kind(members, "vae")}
    pairs = ", ".join(f"width {w}: GAN {gan[w]:.3f}, VAE {vae[w]:.3f}" for w in widths)
    small, big = widths[0], widths[-1]
    if all(vae[w] < gan[w] for w in widths):
        return [
            f"Network size ({label}; {pairs}): the VAE beats the GAN at every width here, so this run does not "
            "show the notes' claim that a VAE needs a bigger network."
        ]
    if all(vae[w] > gan[w] for w in widths):
        verdict = (
            f"the VAE at width {big} matches or beats the GAN at width {small}: here a VAE needs a bigger "
            f"network, at most {big / small:g} times the width, for a similar result"
            if vae[big] <= gan[small]
            else f"even the VAE at width {big} does not reach the GAN at width {small}: a VAE needs more than "
            f"{big / small:g} times the width here"
        )
        return [f"Network size ({label}; {pairs}): the GAN beats the VAE at every width, and {verdict}."]
    winners = ", ".join(f"width {w}: {'VAE' if vae[w] < gan[w] else 'GAN'}" for w in widths)
    return [f"Network size ({label}; {pairs}): the better of the two changes with width ({winners})."]


# ----- structured learning: L2 to the nearest training image versus the discriminator --------------
def nearest_l2(images: torch.Tensor, train_images: torch.Tensor) -> torch.Tensor:
    """Pixel L2 distance (pixels in [0, 1]) from each image to its nearest training image."""
    a = to_unit(images.flatten(1)).double()
    b = to_unit(train_images.flatten(1)).double()
    return torch.cdist(a, b).min(dim=1).values.float()


@torch.no_grad()
def discriminator_scores(gan_trainer, images: torch.Tensor) -> torch.Tensor:
    """D(x) of a GAN member (a probability for its loss) for each image."""
    discriminator = gan_trainer.objective.discriminator
    with eval_mode(discriminator):
        logits = discriminator(images.to(gan_trainer.device), None)
    return losses.discriminator_output(gan_trainer.config.train.loss, logits).flatten().cpu()


def shifted_and_dotted(image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The notes' example on one digit: the same digit one pixel to the right (looks right, many
    pixels differ) and the digit with one stray dot of ink where it had none (looks wrong, one
    pixel differs)."""
    shifted = torch.full_like(image, -1.0)
    shifted[..., 1:] = image[..., :-1]
    dotted = image.clone()
    flat = dotted.view(-1)
    blank = (flat <= -0.9).nonzero().flatten()
    if len(blank):
        flat[blank[len(blank) // 2]] = 1.0
    else:  # a colour picture (a face) has no blank: a black dot beside its centre
        dotted[..., image.shape[-2] // 2, image.shape[-1] // 4] = -1.0
    return shifted, dotted


def structured_ranking(comparison) -> dict:
    """Samples of every member pooled and ranked two ways: by pixel L2 to the nearest training
    image (what an L2-trained decoder optimises) and by the widest GAN's discriminator (a judge of
    the whole picture). Also the notes' example: a shifted digit versus a digit with one stray dot."""
    gans = comparison.names_of("gan")
    if not gans or comparison.config.kind != "image":
        return {}
    judge_name = max(gans, key=lambda n: comparison.trainers[n].config.model.g_width)
    judge = comparison.trainers[judge_name]
    images, models = [], []
    for name, trainer in comparison.trainers.items():
        drawn = sample(trainer, RANKED_PER_MEMBER, seed=RANKING_SEED, live=True)[0]
        images.append(drawn)
        models += [name] * len(drawn)
    pooled = torch.cat(images)
    train_images = judge.data.train_images
    l2 = nearest_l2(pooled, train_images)
    d = discriminator_scores(judge, pooled)
    original = judge.data.held_out_images[:1]
    shifted, dotted = shifted_and_dotted(original[0])
    example = torch.stack([original[0], shifted, dotted])
    return {
        "judge": judge_name,
        "images": pooled.numpy(),
        "models": models,
        "l2": l2.numpy(),
        "d": d.numpy(),
        "d_is_probability": judge.config.train.loss in losses.PROBABILISTIC_LOSSES,
        "example_images": example.numpy(),
        "example_l2": torch.sqrt((((example - original) / 2) ** 2).flatten(1).sum(1)).numpy(),
        "example_d": discriminator_scores(judge, example).numpy(),
    }


def mean_rank(ranking: dict, key: str, descending: bool) -> dict[str, float]:
    """Each member's mean rank (1 = best) among the pooled samples under one criterion."""
    values = np.asarray(ranking[key])
    order = np.argsort(-values if descending else values, kind="stable")
    ranks = np.empty(len(values))
    ranks[order] = np.arange(1, len(values) + 1)
    models = np.asarray(ranking["models"])
    return {name: float(ranks[models == name].mean()) for name in dict.fromkeys(ranking["models"])}


def evaluate_gan_vs_vae(comparison) -> dict:
    """The table (members, then the real ceiling for images), its reading and the ranking."""
    comparison.flush()
    rows = [
        score_member(name, t, comparison.seconds[name], comparison.kind_of(name))
        for name, t in comparison.trainers.items()
    ]
    first = next(iter(comparison.trainers.values()))
    ceiling = ceiling_row(first, rows)
    for row in rows:
        row.pop("ceiling", None)
    table = rows + ([ceiling] if ceiling else [])
    return {
        "iteration": comparison.iteration,
        "table": table,
        "reading": reading(table, comparison.config.kind, "faces" if comparison.config.data == "faces" else "digits")
        if comparison.iteration
        else [UNTRAINED_READING],
        "ranking": structured_ranking(comparison),
    }
