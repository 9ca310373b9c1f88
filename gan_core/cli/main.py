"""Command line: train, sample and evaluate without the browser.

    python -m gan_core train --preset ring --out run.pt
    python -m gan_core train --data grid --loss wgan_gp --iterations 20000 --out run.pt
    python -m gan_core train --resume run.pt --iterations 30000 --out longer.pt
    python -m gan_core sample --checkpoint run.pt --n 2500 --out samples.npy
    python -m gan_core evaluate --checkpoint run.pt
    python -m gan_core directions --checkpoint checkpoints/faces-dcgan.pt --method supervised --out d.npy
    python -m gan_core compare --preset ring --vary loss=nsgan,minimax,wgan_gp --iterations 5000

Every config field is a flag (`--g-lr`, `--d-steps`, ...); with --preset, flags override the
preset. Bad values and bad files end with one clear line and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np

from ..config import ConfigError
from ..objectives import objective_class, settings_needing_reset
from .compare import add_compare_parser
from .data import add_data_parser
from .directions import add_directions_parser
from .flags import CLIError, add_config_flags, check_output, config_from_args, flag_name, given_settings


class ProgressBar:
    """A one-line progress bar on stderr: iterations, speed and the latest losses."""

    def __init__(self, total: int, stream=sys.stderr, width: int = 30):
        self.total, self.stream, self.width = max(total, 1), stream, width
        self.start = time.perf_counter()
        self.last_draw = 0.0

    def __call__(self, trainer) -> None:
        now = time.perf_counter()
        if now - self.last_draw < 0.2 and trainer.iteration - self.first < self.total:
            return  # redraw at most five times a second
        self.last_draw = now
        done = trainer.iteration - self.first
        fraction = min(done / self.total, 1.0)
        filled = int(fraction * self.width)
        rate = done / max(time.perf_counter() - self.start, 1e-9)
        losses = "  ".join(
            f"{key.removesuffix('_loss').upper()} {value:.3f}" for key, value in trainer.last_losses.items()
        )
        self.stream.write(
            f"\r[{'#' * filled}{'.' * (self.width - filled)}] {done}/{self.total} "
            f"iterations  {rate:,.0f} it/s  {losses}"
        )
        self.stream.flush()

    def begin(self, trainer) -> ProgressBar:
        self.first = trainer.iteration
        return self

    def end(self) -> None:
        self.stream.write("\n")


def command_train(args) -> int:
    from ..evaluation import evaluate_run
    from ..training import DivergedError, Trainer

    check_output("--out", args.out, ".pt")  # before training, not after
    if args.resume:
        trainer = _resumed_trainer(args)
        config = trainer.config
    else:
        config = config_from_args(args)
        trainer = Trainer(config)
    total = config.train.iterations - trainer.iteration
    how = config.train.loss if config.model.model_kind == "gan" else f"the {config.model.model_kind.upper()} loss"
    print(
        f"training {config.model.architecture} on {config.data.name} with {how} "
        f"for {total} iterations on {trainer.device}",
        file=sys.stderr,
    )
    progress = ProgressBar(total).begin(trainer)
    started = time.perf_counter()
    failure = None
    try:
        trainer.train(total, progress if not args.quiet else None, callback_every=10)
    except DivergedError as error:
        failure = str(error)
    finally:
        if not args.quiet:
            progress.end()
    seconds = time.perf_counter() - started
    from ..training import checkpoint

    checkpoint.save(trainer, args.out, slim=args.slim)
    print(
        f"saved {args.out} at iteration {trainer.iteration} ({seconds:.1f} s, "
        f"{(trainer.iteration - progress.first) / max(seconds, 1e-9):,.0f} it/s)",
        file=sys.stderr,
    )
    if failure:
        raise CLIError(failure)
    try:
        metrics = evaluate_run(trainer)
    except ValueError as error:  # the Applications page's models are scored by their own bench
        print(f"not scored here: {error}", file=sys.stderr)
        metrics = {}
    print(json.dumps({"iteration": trainer.iteration, **metrics}, indent=2))
    return 0


def _resumed_trainer(args):
    """The saved run, with the flags that may change a running run applied (the others are
    refused: they would make another run). Its schedules keep their length unless a flag sets
    it: --iterations alone runs longer, it does not stretch a learning-rate decay."""
    from ..training import checkpoint

    if args.preset or args.points_csv:
        raise CLIError(
            "--preset and --points-csv cannot be combined with --resume: the run's settings are saved in the checkpoint"
        )
    saved, _ = checkpoint.read(args.resume)
    given = given_settings(args)
    train = dict(given.get("train", {}))
    for length in ("lr_decay_iterations", "instance_noise_iterations"):
        if getattr(saved.train, length) is None and length not in train:
            train[length] = saved.train.iterations  # pinned to the saved run's length
    config = saved.replace(**{**given, "train": train})
    # What a running run cannot take (the same rule as the live pages), the device aside.
    refused = [setting for setting in settings_needing_reset(saved, config) if setting != "train.device"]
    if refused:
        takes = objective_class(saved).live_fields + ("device",)
        raise CLIError(
            f"{', '.join(flag_name(*setting.split('.')) for setting in refused)} cannot change when resuming "
            "(the checkpoint's networks and data depend on them); train a new run instead. --resume takes: "
            f"{', '.join(flag_name('train', name) for name in takes)}"
        )
    trainer = checkpoint.load_trainer(args.resume, config=config)
    if config.train.iterations <= trainer.iteration:
        raise CLIError(
            f"the checkpoint is at iteration {trainer.iteration:,} and the run is "
            f"{config.train.iterations:,} iterations long; pass --iterations N (the total, "
            f"more than {trainer.iteration:,}) to train further"
        )
    if config.train.lr_decay and config.train.decay_length <= trainer.iteration:
        print(
            f"note: the learning rates decayed to 0 at iteration {config.train.decay_length:,}; pass "
            "--lr-decay-iterations N to let them learn again",
            file=sys.stderr,
        )
    return trainer


def command_sample(args) -> int:
    from ..sampling import sample
    from ..training import checkpoint

    check_output("--out", args.out, ".npy")
    check_output("--labels-out", args.labels_out, ".npy")
    check_output("--png", args.png, ".png")
    trainer = checkpoint.load_trainer(args.checkpoint, device="cpu")
    _check_sample_count(trainer, args.n)
    if args.text is not None:
        return _sample_text(trainer, args)
    if trainer.config.model.architecture == "conditional_dcgan" and (args.codes or args.drs is not False):
        raise CLIError("the words-to-faces model draws from factors: use --text (or plain --n), not --codes or --drs")
    if args.codes:
        return _sample_codes(trainer, args)
    if trainer.config.kind == "image":
        return _sample_images(trainer, args)
    if args.label is not None or args.labels_out or args.png or args.drs is not False:
        raise CLIError("--label, --labels-out, --png and --drs are for image runs")
    if not args.out:
        raise CLIError("--out is required")
    samples = sample(trainer, args.n, seed=args.seed)[0].numpy()
    np.save(args.out, samples)
    print(f"wrote {samples.shape[0]} samples of shape {samples.shape[1:]} to {args.out}", file=sys.stderr)
    return 0


MAX_CODES = 100_000


def _sample_codes(trainer, args) -> int:
    """The samples of the latent codes in --codes (a .npy file (N, noise_dim)), in their order."""
    import torch

    from ..sampling.sampler import generate_from_codes

    if not args.out:
        raise CLIError("--out is required with --codes")
    if args.drs is not False:
        raise CLIError("--drs draws its own codes; it cannot be combined with --codes")
    try:
        codes = np.load(args.codes, allow_pickle=False)  # data only: a pickled object is refused
    except (OSError, ValueError) as error:
        reason = str(error).splitlines()[0] if str(error) else "unreadable"
        if "pickle" in reason:  # numpy's advice would be to load it unsafely: never
            reason = "it is a pickle or another kind of file (pickles could run code: never loaded)"
        raise CLIError(f"cannot read --codes {args.codes!r} as a .npy array: {reason}") from None
    if not np.issubdtype(codes.dtype, np.number) or codes.ndim != 2 or len(codes) > MAX_CODES:
        raise CLIError(
            f"--codes must hold a numeric (N, {trainer.config.model.noise_dim}) array of at most {MAX_CODES:,} "
            f"codes, got {codes.dtype} {codes.shape}"
        )
    try:
        samples = generate_from_codes(trainer, torch.from_numpy(codes.astype(np.float32)), label=args.label)
    except ValueError as error:
        raise CLIError(str(error)) from None
    np.save(args.out, samples.numpy())
    print(f"wrote {len(samples)} samples of shape {tuple(samples.shape[1:])} to {args.out}", file=sys.stderr)
    return 0


def _sample_text(trainer, args) -> int:
    """Faces for a phrase from the words-to-faces model: the phrase as read, the images, the
    factor values asked for (--labels-out) and the face reader's verdict on each attribute."""
    from ..data.face_words import read_phrase
    from ..evaluation.applications import faces_for_phrase, read

    if trainer.config.model.architecture != "conditional_dcgan":
        raise CLIError("--text needs the words-to-faces model (checkpoints/applications/words/words-to-faces.pt)")
    if args.codes or args.label is not None or args.drs is not False:
        raise CLIError("--text chooses the faces itself: it cannot be combined with --codes, --label or --drs")
    if not (args.out or args.png):
        raise CLIError("give --out faces.npy, --png grid.png, or both")
    try:
        reading = read_phrase(args.text)
    except ValueError as error:
        raise CLIError(str(error)) from None
    if reading.unknown:
        print(f"not understood (ignored): {', '.join(reading.unknown)}", file=sys.stderr)
    if reading.replaced:
        print(f"two words for the same thing, the last one used: {'; '.join(reading.replaced)}", file=sys.stderr)
    if not reading.requested:
        print("nothing in the phrase is understood: every factor is drawn as in real faces", file=sys.stderr)
    images, factors = faces_for_phrase(trainer, reading, args.n, args.seed)
    readings = read(images)
    for request in reading.requested:
        share = float(request.has(readings).float().mean())
        print(f"{request.word}: {request.description}; the face reader finds it in {share:.1%}", file=sys.stderr)
    _write_images(args, images, factors, "faces", "the factor values asked for")
    return 0


def _write_images(args, images, labels, noun: str, labels_are: str, grid=None) -> None:
    """--out (.npy), --labels-out (.npy) and --png (a square grid of `grid`, else `images`)."""
    if args.out:
        np.save(args.out, images.numpy())
        print(f"wrote {len(images)} {noun} of shape {tuple(images.shape[1:])} to {args.out}", file=sys.stderr)
    if args.labels_out:
        np.save(args.labels_out, labels.numpy())
        print(f"wrote {labels_are} to {args.labels_out}", file=sys.stderr)
    if args.png:
        from torchvision.utils import save_image

        grid = images if grid is None else grid
        save_image(grid, args.png, nrow=max(1, round(len(grid) ** 0.5)), normalize=True, value_range=(-1, 1))
        print(f"wrote a grid of {len(grid)} {noun} to {args.png}", file=sys.stderr)


MAX_OUTPUT_BYTES = 2**30  # what one sample command may hold at once, as the faces' data command


def _check_sample_count(trainer, n: int) -> None:
    """1 to as many samples as fit MAX_OUTPUT_BYTES (float32), said in one line."""
    from ..networks import sample_shape

    shape = sample_shape(trainer.config)
    most = MAX_OUTPUT_BYTES // (4 * int(np.prod(shape)))
    if not 1 <= n <= most:
        raise CLIError(f"--n: draw 1 to {most:,} samples of shape {shape} at a time (1 GiB), not {n:,}")


def _sample_images(trainer, args) -> int:
    """(n, C, H, W) in [-1, 1] to --out (.npy), labels to --labels-out, or a grid to --png."""
    from ..sampling import sample
    from ..sampling.rejection import rejection_sample

    if not (args.out or args.png):
        raise CLIError("give --out samples.npy, --png grid.png, or both")
    if args.labels_out and not trainer.objective.conditional:
        raise CLIError("--labels-out needs a conditional model (architecture conditional_mlp)")
    if args.drs is not False and trainer.config.model.model_kind != "gan":
        raise CLIError("--drs needs a GAN: it is the discriminator that accepts or rejects")
    try:
        if args.drs is False:
            images, labels = sample(trainer, args.n, seed=args.seed, label=args.label)
        else:
            images, labels, rate = rejection_sample(
                trainer,
                args.n,
                args.seed,
                percentile=args.drs,
                propose=lambda count, seed: sample(trainer, count, seed=seed, label=args.label),
            )
            print(f"discriminator rejection sampling kept {rate:.1%} of the generated images", file=sys.stderr)
    except ValueError as error:
        raise CLIError(str(error)) from None
    grid = images
    if trainer.objective.conditional and args.label is None and labels.dim() == 1:  # grouped by class reads best
        grid = images[labels.sort(stable=True).indices]
    _write_images(args, images, labels, "images", "their labels", grid)
    return 0


MIN_SCORED, MAX_SCORED = 10, 50_000  # fewer: no spread to compare (k-NN scores need k + 1); more: gigabytes


def command_evaluate(args) -> int:
    from ..evaluation import evaluate_run
    from ..training import checkpoint

    trainer = checkpoint.load_trainer(args.checkpoint, device="cpu")
    if trainer.config.kind == "toy" and (args.drs is not False or args.draws != 1):
        raise CLIError("--drs and --draws are for image runs")
    if args.draws < 1:
        raise CLIError(f"--draws must be at least 1, got {args.draws}")
    if args.n is not None and not MIN_SCORED <= args.n <= MAX_SCORED:
        raise CLIError(
            f"--n: scores compare two spreads of samples, so score {MIN_SCORED:,} to {MAX_SCORED:,} of them, "
            f"not {args.n:,}"
        )
    if args.drs is not False and trainer.config.model.model_kind != "gan":
        raise CLIError("--drs needs a GAN: it is the discriminator that accepts or rejects")
    options = {} if trainer.config.kind == "toy" else {"drs_percentile": args.drs}
    try:
        draws = [evaluate_run(trainer, n=args.n, seed=args.seed + k, **options) for k in range(args.draws)]
    except ValueError as error:  # e.g. DRS asked of a WGAN
        raise CLIError(str(error)) from None
    metrics = {"iteration": trainer.iteration, **draws[0]}
    if args.draws > 1 and "ratios" in metrics:
        metrics["ratios_over_draws"] = _summarise_draws([d["ratios"] for d in draws], args.seed)
    print(json.dumps(metrics, indent=2))
    return 0


def _summarise_draws(ratios: list[dict], first_seed: int) -> dict:
    """Mean and sample standard deviation of each ratio over sample draws: at the ceiling's
    sample count (359 digits) one draw's FID varies by about 20% from seed to seed."""
    summary = {"seeds": [first_seed + k for k in range(len(ratios))]}
    for key in ratios[0]:
        values = np.array([r[key] for r in ratios], dtype=float)
        summary[key] = {"mean": float(values.mean()), "sd": float(values.std(ddof=1)), "values": values.tolist()}
    return summary


def command_presets(args) -> int:
    from ..presets import PRESETS
    from ..training.compare import COMPARE_PRESETS

    for name, preset in PRESETS.items():
        print(f"{name} ({preset.config.kind}): {preset.description}")
    for name, comparison in COMPARE_PRESETS.items():
        print(f"{name} (compare: {comparison.base} with {comparison.vary}): {comparison.shows}")
    return 0


def command_train_classifier(args) -> int:
    from ..training.classifier import train_and_save

    check_output("--out", args.out, ".pt")
    if args.epochs is not None and not 1 <= args.epochs <= 1000:
        raise CLIError(f"--epochs must be 1 to 1,000, got {args.epochs:,}")
    started = time.perf_counter()
    accuracy, held_out, path = train_and_save(
        args.data,
        root=args.root,
        download=args.download,
        epochs=args.epochs,
        seed=args.seed,
        out=args.out,
        log=lambda line: print(line, file=sys.stderr),
    )
    print(
        f"held-out accuracy {accuracy:.4f} on {held_out} images ({time.perf_counter() - started:.0f} s); wrote {path}"
    )
    return 0


def _drs_percentile(text: str) -> float | None:
    if text == "exact":
        return None
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a percentile (0-100) or 'exact', got {text!r}") from None
    if not 0 <= value < 100:
        raise argparse.ArgumentTypeError(f"the percentile must be in [0, 100), got {value:g}")
    return value


def _add_drs_flag(parser: argparse.ArgumentParser) -> None:
    from ..sampling.rejection import DEFAULT_PERCENTILE

    parser.add_argument(
        "--drs",
        nargs="?",
        type=_drs_percentile,
        default=False,
        const=DEFAULT_PERCENTILE,
        metavar="PERCENTILE",
        help="image runs: keep only images the discriminator accepts (discriminator rejection sampling, "
        f"Azadi et al. 2019), gamma at this percentile of its scores (default {DEFAULT_PERCENTILE:g}; "
        "'exact': gamma 0, plain rejection sampling). Needs the minimax or nsgan loss.",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m gan_core", description="GAN Explorer, headless.")
    commands = parser.add_subparsers(dest="command", required=True)
    train = commands.add_parser("train", help="train a run and save it as a checkpoint")
    add_config_flags(train)
    train.add_argument("--out", required=True, help="checkpoint file to write")
    train.add_argument(
        "--resume",
        help="continue this checkpoint up to --iterations in all; it takes only the "
        "training flags a running run can change",
    )
    train.add_argument("--quiet", action="store_true", help="no progress bar")
    train.add_argument(
        "--slim", action="store_true", help="leave the optimisers' states out (a third of the size; shipped models)"
    )
    train.set_defaults(handler=command_train)
    sample = commands.add_parser("sample", help="draw samples from a checkpoint into a .npy file")
    sample.add_argument("--checkpoint", required=True)
    sample.add_argument("--n", type=int, default=2500)
    sample.add_argument("--seed", type=int, default=0)
    sample.add_argument("--out", help="a .npy file: (n, dim), or (n, channels, height, width) in [-1, 1] for images")
    sample.add_argument("--label", type=int, default=None, help="conditional image model: only this class")
    sample.add_argument("--labels-out", help="conditional image model: write the labels drawn to this .npy file")
    sample.add_argument("--png", help="image runs: write a grid of the samples to this PNG file")
    sample.add_argument(
        "--text",
        help='the words-to-faces model: faces for a phrase, e.g. "long blue hair, smiling" (the rest drawn as in '
        "real faces)",
    )
    sample.add_argument(
        "--codes", help="a .npy file of latent codes (N, noise_dim): generate these, in order, instead of --n drawn"
    )
    _add_drs_flag(sample)
    sample.set_defaults(handler=command_sample)
    evaluate = commands.add_parser("evaluate", help="print a checkpoint's metrics as JSON")
    evaluate.add_argument("--checkpoint", required=True)
    evaluate.add_argument(
        "--n", type=int, default=None, help="samples scored (default 2500 for 2D data, 1000 for images)"
    )
    evaluate.add_argument("--seed", type=int, default=0)
    evaluate.add_argument(
        "--draws",
        type=int,
        default=1,
        help="image runs: score this many sample draws (seeds --seed, --seed + 1, ...) and "
        "add the mean and spread of the ratios to real data",
    )
    _add_drs_flag(evaluate)
    evaluate.set_defaults(handler=command_evaluate)
    add_compare_parser(commands)
    add_data_parser(commands)
    add_directions_parser(commands)
    presets = commands.add_parser("presets", help="list the shipped presets")
    presets.set_defaults(handler=command_presets)
    classifier = commands.add_parser("train-classifier", help="train the classifier behind the image metrics")
    classifier.add_argument("--data", default="digits", choices=("digits", "mnist", "fashion_mnist"))
    classifier.add_argument("--root", default="data", help="where MNIST / Fashion-MNIST are on disk")
    classifier.add_argument("--download", action="store_true")
    classifier.add_argument("--epochs", type=int, default=None, help="default 60 for digits, 5 for MNIST")
    classifier.add_argument("--seed", type=int, default=0)
    classifier.add_argument("--out", default=None, help="default checkpoints/<data>_classifier.pt")
    classifier.set_defaults(handler=command_train_classifier)
    return parser


def main(argv: list[str] | None = None) -> int:
    from ..presets import PresetError
    from ..training.checkpoint import CheckpointError

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except (ConfigError, CheckpointError, CLIError, PresetError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
