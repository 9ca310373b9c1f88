"""Config flags: every RunConfig field is a flag (`--g-lr`, `--d-steps`, `--data` for the data
set's name), converted by gan_core.config.coerce_setting like the pages' widgets are."""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from ..config import SECTIONS, ConfigError, RunConfig, coerce_setting
from ..data.points import read_points_csv

FLAG_NAMES = {("data", "name"): "--data"}  # every other field: --field-name
NOT_FLAGS = {("data", "points")}  # points come from a CSV file (--points-csv)


class CLIError(Exception):
    """A problem the user can fix; printed as one line."""


def check_output(flag: str, path: str | None, suffix: str | None = None) -> None:
    """Refuse an output path before any work starts: a directory, a missing parent folder, or
    (for `suffix`) a name the writer would change (numpy adds ".npy" to "s.txt")."""
    if path is None:
        return
    target = Path(path)
    if target.is_dir():
        raise CLIError(f"{flag} {path} is a directory; give a file name{f' ending in {suffix}' if suffix else ''}")
    if not target.parent.exists():
        raise CLIError(f"{flag} {path}: the folder {target.parent} does not exist")
    if suffix and target.suffix.lower() != suffix:
        raise CLIError(f"{flag} must end in {suffix}, got {path}")


def flag_name(section: str, name: str) -> str:
    return FLAG_NAMES.get((section, name), "--" + name.replace("_", "-"))


def _converter(section: str, name: str):
    def convert(text: str):
        try:
            return coerce_setting(section, name, text)
        except ConfigError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    convert.__name__ = name  # argparse names the type in its messages
    return convert


def add_config_flags(parser: argparse.ArgumentParser) -> None:
    for section, cls in SECTIONS.items():
        group = parser.add_argument_group(f"{section} settings")
        for field in dataclasses.fields(cls):
            if (section, field.name) in NOT_FLAGS:
                continue
            group.add_argument(
                flag_name(section, field.name),
                dest=f"{section}.{field.name}",
                type=_converter(section, field.name),
                default=None,
                metavar=field.name.upper(),
            )
    parser.add_argument("--points-csv", help="CSV of x,y rows: train on these points (sets --data points)")
    parser.add_argument("--preset", help="start from a shipped preset (see `presets`)")


def given_settings(args: argparse.Namespace) -> dict[str, dict]:
    """{section: {field: value}} of the config flags given on the command line."""
    changes: dict[str, dict] = {name: {} for name in SECTIONS}
    for key, value in vars(args).items():
        if "." in key and value is not None:
            section, name = key.split(".", 1)
            changes[section][name] = value
    if getattr(args, "points_csv", None):
        try:
            changes["data"]["points"] = read_points_csv(Path(args.points_csv).read_text())
        except FileNotFoundError:
            raise CLIError(f"no file at {args.points_csv}") from None
        except (OSError, UnicodeDecodeError):
            raise CLIError(f"cannot read {args.points_csv} as text (a folder, or not a CSV file?)") from None
        except ValueError as error:
            raise CLIError(f"cannot use {args.points_csv}: {error}") from None
        changes["data"]["name"] = "points"
    return {section: values for section, values in changes.items() if values}


def config_from_args(args: argparse.Namespace) -> RunConfig:
    from ..presets import get_preset

    config = get_preset(args.preset) if args.preset else RunConfig()
    return config.replace(**given_settings(args))
