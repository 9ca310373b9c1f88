"""Command line: train, sample and evaluate without the browser.

    python -m gan_core train --preset ring --out run.pt
    python -m gan_core train --data grid --loss wgan_gp --iterations 20000 --out run.pt
    python -m gan_core sample --checkpoint run.pt --n 2500 --out samples.npy
    python -m gan_core evaluate --checkpoint run.pt

Every config field is a flag (`--g-lr`, `--d-steps`, ...); with --preset, flags override the
preset. Bad values and bad files end with one clear line and exit status 2, never a traceback.
"""
from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import sys
import time
from pathlib import Path

import numpy as np

from .config import ConfigError, DataConfig, ModelConfig, RunConfig, TrainConfig

SECTIONS = (("data", DataConfig), ("model", ModelConfig), ("train", TrainConfig))
FLAG_NAMES = {("data", "name"): "--data"}  # every other field: --field-name


class CLIError(Exception):
    """A problem the user can fix; printed as one line."""


def _flag(section: str, field: dataclasses.Field) -> str:
    return FLAG_NAMES.get((section, field.name), "--" + field.name.replace("_", "-"))


def _parse_bool(text: str) -> bool:
    lowered = text.lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise argparse.ArgumentTypeError(f"expected true or false, got {text!r}")


def _parse_int_tuple(text: str) -> tuple[int, ...]:
    """"200,1000" -> (200, 1000); "" -> ()."""
    try:
        return tuple(int(part) for part in text.replace(" ", "").split(",") if part)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated whole numbers, got {text!r}") from None


def _field_type(field: dataclasses.Field):
    kind = str(field.type)
    if kind.startswith("tuple"):
        return _parse_int_tuple
    if "bool" in kind:
        return _parse_bool
    if "int" in kind:
        return int
    if "float" in kind:
        return float
    return str


def _add_config_flags(parser: argparse.ArgumentParser) -> None:
    for section, cls in SECTIONS:
        group = parser.add_argument_group(f"{section} settings")
        for field in dataclasses.fields(cls):
            if field.name == "points":
                continue  # given as a CSV file with --points-csv
            group.add_argument(_flag(section, field), dest=f"{section}.{field.name}",
                               type=_field_type(field), default=None, metavar=field.name.upper())
    parser.add_argument("--points-csv", help="CSV of x,y rows: train on these points (sets --data points)")
    parser.add_argument("--preset", help="start from a shipped preset (see `presets`)")


def read_points_csv(text: str) -> tuple[tuple[float, float], ...]:
    """Rows of two numbers, with or without a header line. Raises ValueError with the line."""
    rows = [row for row in csv.reader(text.splitlines()) if any(cell.strip() for cell in row)]
    points = []
    for number, row in enumerate(rows, start=1):
        try:
            values = [float(cell) for cell in row]
        except ValueError:
            if number == 1 and not points:
                continue  # a header
            raise ValueError(f"line {number} is not two numbers: {','.join(row)[:60]!r}") from None
        if len(values) != 2:
            raise ValueError(f"line {number} has {len(values)} columns; expected 2 (x, y)")
        if not all(np.isfinite(values)):
            raise ValueError(f"line {number} holds a value that is not finite")
        points.append((values[0], values[1]))
    if len(points) < 2:
        raise ValueError(f"need at least 2 points, found {len(points)}")
    return tuple(points)


def config_from_args(args: argparse.Namespace) -> RunConfig:
    from .presets import get_preset

    config = get_preset(args.preset) if args.preset else RunConfig()
    changes: dict[str, dict] = {name: {} for name, _ in SECTIONS}
    for key, value in vars(args).items():
        if "." in key and value is not None:
            section, name = key.split(".", 1)
            changes[section][name] = value
    if args.points_csv:
        try:
            changes["data"]["points"] = read_points_csv(Path(args.points_csv).read_text())
        except (OSError, ValueError) as error:
            raise CLIError(f"cannot use {args.points_csv}: {error}") from None
        changes["data"]["name"] = "points"
    return config.replace(**{k: v for k, v in changes.items() if v})


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
        d_loss, g_loss = trainer.last_losses
        self.stream.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] {done}/{self.total} "
                          f"iterations  {rate:,.0f} it/s  D {d_loss:.3f}  G {g_loss:.3f}")
        self.stream.flush()

    def begin(self, trainer) -> "ProgressBar":
        self.first = trainer.iteration
        return self

    def end(self) -> None:
        self.stream.write("\n")


def command_train(args) -> int:
    from . import checkpoint
    from .snapshot import evaluate
    from .trainer import DivergedError, Trainer

    config = config_from_args(args)
    trainer = checkpoint.load_trainer(args.resume) if args.resume else Trainer(config)
    total = config.train.iterations - trainer.iteration if args.resume else config.train.iterations
    print(f"training {config.model.architecture} on {config.data.name} with {config.train.loss} "
          f"for {total} iterations on {trainer.device}", file=sys.stderr)
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
    checkpoint.save(trainer, args.out)
    print(f"saved {args.out} at iteration {trainer.iteration} ({seconds:.1f} s, "
          f"{(trainer.iteration - progress.first) / max(seconds, 1e-9):,.0f} it/s)", file=sys.stderr)
    if failure:
        raise CLIError(failure)
    if not config.data.is_image:
        print(json.dumps(evaluate(trainer), indent=2))
    else:
        print(json.dumps(_image_metrics(trainer), indent=2))
    return 0


def _image_metrics(trainer, n: int | None = None, seed: int = 0, drs_percentile=False) -> dict:
    """Classifier metrics of an image run with the real-data ceiling, or a note where no
    classifier is shipped for its data."""
    from .image_eval import evaluate_image_run
    from .metrics.images import STANDARD_IMAGE_SAMPLE_COUNT
    from .models.classifier import ClassifierUnavailableError

    try:
        metrics = evaluate_image_run(trainer, n=n or STANDARD_IMAGE_SAMPLE_COUNT, seed=seed,
                                     drs_percentile=drs_percentile)
    except ClassifierUnavailableError as error:
        metrics = {"note": str(error)}
    return {"iteration": trainer.iteration, **metrics}


def command_sample(args) -> int:
    from . import checkpoint
    from .snapshot import sample

    trainer = checkpoint.load_trainer(args.checkpoint, device="cpu")
    if trainer.config.data.is_image:
        return _sample_images(trainer, args)
    if args.label is not None or args.labels_out or args.png or args.drs is not False:
        raise CLIError("--label, --labels-out, --png and --drs are for image runs")
    if not args.out:
        raise CLIError("--out is required")
    samples = sample(trainer, args.n, seed=args.seed)
    np.save(args.out, samples)
    print(f"wrote {samples.shape[0]} samples of shape {samples.shape[1:]} to {args.out}", file=sys.stderr)
    return 0


def _sample_images(trainer, args) -> int:
    """(n, C, H, W) in [-1, 1] to --out (.npy), labels to --labels-out, or a grid to --png."""
    from .image_eval import sample_images

    if not (args.out or args.png):
        raise CLIError("give --out samples.npy, --png grid.png, or both")
    if args.n < 1:
        raise CLIError(f"--n must be at least 1, got {args.n}")
    if args.labels_out and not trainer.conditional:
        raise CLIError("--labels-out needs a conditional model (architecture conditional_mlp)")
    try:
        if args.drs is False:
            images, labels = sample_images(trainer, args.n, seed=args.seed, label=args.label)
        else:
            from .rejection import rejection_sample

            images, labels, rate = rejection_sample(
                trainer, args.n, args.seed, percentile=args.drs,
                propose=lambda count, seed: sample_images(trainer, count, seed=seed, label=args.label))
            print(f"discriminator rejection sampling kept {rate:.1%} of the generated images", file=sys.stderr)
    except ValueError as error:
        raise CLIError(str(error)) from None
    if args.out:
        np.save(args.out, images.numpy())
        print(f"wrote {len(images)} images of shape {tuple(images.shape[1:])} to {args.out}", file=sys.stderr)
    if args.labels_out:
        np.save(args.labels_out, labels.numpy())
        print(f"wrote their labels to {args.labels_out}", file=sys.stderr)
    if args.png:
        from torchvision.utils import save_image

        if trainer.conditional and args.label is None:  # grouped by class reads best
            images = images[labels.sort(stable=True).indices]
        columns = max(1, round(len(images) ** 0.5))
        save_image(images, args.png, nrow=columns, normalize=True, value_range=(-1, 1))
        print(f"wrote a grid of {len(images)} images to {args.png}", file=sys.stderr)
    return 0



def command_evaluate(args) -> int:
    from . import checkpoint
    from .snapshot import evaluate

    trainer = checkpoint.load_trainer(args.checkpoint, device="cpu")
    if trainer.config.data.is_image:
        if args.draws < 1:
            raise CLIError(f"--draws must be at least 1, got {args.draws}")
        try:
            draws = [_image_metrics(trainer, n=args.n, seed=args.seed + k, drs_percentile=args.drs)
                     for k in range(args.draws)]
        except ValueError as error:  # e.g. DRS asked of a WGAN
            raise CLIError(str(error)) from None
        metrics = draws[0]
        if args.draws > 1 and "ratios" in metrics:
            metrics["ratios_over_draws"] = _summarise_draws([d["ratios"] for d in draws], args.seed)
        print(json.dumps(metrics, indent=2))
        return 0
    if args.drs is not False or args.draws != 1:
        raise CLIError("--drs and --draws are for image runs")
    metrics = evaluate(trainer, n=args.n or 2500, seed=args.seed)
    print(json.dumps({"iteration": trainer.iteration, **metrics}, indent=2))
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
    from .presets import PRESETS

    for name, preset in PRESETS.items():
        print(f"{name}: {preset.description}")
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
    from .rejection import DEFAULT_PERCENTILE

    parser.add_argument(
        "--drs", nargs="?", type=_drs_percentile, default=False, const=DEFAULT_PERCENTILE, metavar="PERCENTILE",
        help="image runs: keep only images the discriminator accepts (discriminator rejection sampling, "
             f"Azadi et al. 2019), gamma at this percentile of its scores (default {DEFAULT_PERCENTILE:g}; "
             "'exact': gamma 0, plain rejection sampling). Needs the minimax or nsgan loss.")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m gan_core", description="GAN Explorer, headless.")
    commands = parser.add_subparsers(dest="command", required=True)
    train = commands.add_parser("train", help="train a run and save it as a checkpoint")
    _add_config_flags(train)
    train.add_argument("--out", required=True, help="checkpoint file to write")
    train.add_argument("--resume", help="continue from this checkpoint (up to --iterations in all)")
    train.add_argument("--quiet", action="store_true", help="no progress bar")
    train.set_defaults(handler=command_train)
    sample = commands.add_parser("sample", help="draw samples from a checkpoint into a .npy file")
    sample.add_argument("--checkpoint", required=True)
    sample.add_argument("--n", type=int, default=2500)
    sample.add_argument("--seed", type=int, default=0)
    sample.add_argument("--out", help="a .npy file: (n, dim), or (n, channels, height, width) in [-1, 1] for images")
    sample.add_argument("--label", type=int, default=None, help="conditional image model: only this class")
    sample.add_argument("--labels-out", help="conditional image model: write the labels drawn to this .npy file")
    sample.add_argument("--png", help="image runs: write a grid of the samples to this PNG file")
    _add_drs_flag(sample)
    sample.set_defaults(handler=command_sample)
    evaluate = commands.add_parser("evaluate", help="print a checkpoint's metrics as JSON")
    evaluate.add_argument("--checkpoint", required=True)
    evaluate.add_argument("--n", type=int, default=None,
                          help="samples scored (default 2500 for 2D data, 1000 for images)")
    evaluate.add_argument("--seed", type=int, default=0)
    evaluate.add_argument("--draws", type=int, default=1,
                          help="image runs: score this many sample draws (seeds --seed, --seed + 1, ...) and "
                               "add the mean and spread of the ratios to real data")
    _add_drs_flag(evaluate)
    evaluate.set_defaults(handler=command_evaluate)
    presets = commands.add_parser("presets", help="list the shipped presets")
    presets.set_defaults(handler=command_presets)
    return parser


def main(argv: list[str] | None = None) -> int:
    from .checkpoint import CheckpointError
    from .presets import PresetError

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
