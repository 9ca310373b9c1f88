"""A lab's setup as URL query parameters and back, without Streamlit (tests check it directly).

"Copy link" writes the preset, every setting the page has a widget for and the page's own extras
(the 2D lab's shown layers) into the query string; opening that link rebuilds the same config
through the same conversion as the widgets and the CLI (gan_core.config.coerce_setting). A bad or
unknown value raises LinkError naming it, and the page keeps its defaults. A person's uploaded
points do not fit in a URL and are not shared (the link says data=points, and the page says so).
"""

from __future__ import annotations

from collections.abc import Mapping

from gan_core.config import ConfigError, RunConfig, check_kind, coerce_setting, quoted
from gan_core.presets import PRESETS, PresetError, get_preset, presets_for

from .config_widgets import PageFields, config_from_widgets, normalised

DATA_NAME_PARAMETER = "data"  # the data set's name reads better as ?data=grid than ?name=grid


class LinkError(ValueError):
    """A link's value the page cannot use; the message names it."""


def parameter_name(section: str, name: str) -> str:
    return DATA_NAME_PARAMETER if (section, name) == ("data", "name") else name


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.6g}"
    return "none" if value is None else str(value)


def query_from_config(config: RunConfig, fields: PageFields, preset: str | None, extras: Mapping[str, str]) -> dict:
    """The query parameters of a setup: the preset (when the settings are still its), every widget's
    setting, then the page's extras."""
    config = normalised(config)
    query = {"preset": preset} if preset else {}
    for section, names in fields.sections():
        part = getattr(config, section)
        for name in names:
            if (section, name) == ("data", "points"):
                continue
            query[parameter_name(section, name)] = _text(getattr(part, name))
    query.update(extras)
    return query


def config_from_query(
    query: Mapping[str, str], base: RunConfig, fields: PageFields, kind: str, extra_names: tuple[str, ...] = ()
) -> tuple[RunConfig, str | None, dict[str, str]]:
    """(config, preset name or None, extras) from a link's query parameters. Settings start from
    the link's preset (or `base`); each parameter must name a widget of this page. Raises LinkError."""
    preset = query.get("preset")
    if preset is not None:
        if preset not in presets_for(kind):
            lab = {"toy": "the 2D lab", "image": "the image lab"}
            other = get_preset(preset).kind if preset in PRESETS else None
            if other in lab and other != kind:
                raise LinkError(f"the preset {quoted(preset)} is for {lab[other]}, not this page")
            raise LinkError(f"unknown preset {quoted(preset)} for this page")
        try:
            base = get_preset(preset)
        except PresetError as error:
            raise LinkError(str(error)) from None
    by_parameter = {parameter_name(s, n): (s, n) for s, names in fields.sections() for n in names}
    values, extras = {}, {}
    for parameter, text in query.items():
        if parameter == "preset":
            continue
        if parameter in extra_names:
            extras[parameter] = text
            continue
        if parameter not in by_parameter:
            raise LinkError(f"unknown setting {quoted(parameter)} in the link")
        section, name = by_parameter[parameter]
        try:
            values[fields.key(name)] = coerce_setting(section, name, text)
        except ConfigError as error:
            raise LinkError(f"{parameter}={quoted(text)}: {error}") from None
    try:
        config = config_from_widgets({**_base_values(base, fields), **values}, base, fields)
        check_kind(config, kind, "the link's setup")
    except (ConfigError, ValueError) as error:
        raise LinkError(str(error)) from None
    return config, preset, extras


def _base_values(config: RunConfig, fields: PageFields) -> dict:
    config = normalised(config)
    return {fields.key(name): getattr(getattr(config, s), name) for s, names in fields.sections() for name in names}
