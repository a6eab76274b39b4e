"""Run configurations (YAML): loaded and checked key by key before anything runs."""
from __future__ import annotations

import collections.abc
import inspect
import types
import typing
from pathlib import Path

from ..training.config import TrainingConfig

TOP_LEVEL = {"output_dir": str, "seed": int, "num_threads": int | None, "dtype": str, "flush_denormal": bool,
             "dataset": dict, "split": dict, "model": dict, "targets": list, "training": dict}
REQUIRED = ("dataset", "model", "targets")
SPLIT_KEYS = {"train": int | float, "val": int | float, "test": int | float, "seed": int}
DTYPES = ("float32", "float64")


class ConfigError(ValueError):
    """A configuration that names an unknown key or gives a value of the wrong type."""


def load_config(path: str | Path) -> dict:
    """The configuration in the YAML file ``path``, checked."""
    import yaml

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no configuration file at {path}")
    with open(path) as handle:
        config = yaml.safe_load(handle)
    if not isinstance(config, dict):
        raise ConfigError(f"{path}: a configuration is a mapping of keys to values, got {type(config).__name__}")
    check_config(config, str(path))
    return config


def check_config(config: dict, where: str = "config") -> None:
    """Raise :class:`ConfigError` naming the key (and the allowed ones) at the first problem."""
    from .build import DATASETS, MODELS

    _check_section(config, TOP_LEVEL, where)
    missing = [key for key in REQUIRED if key not in config]
    if missing:
        raise ConfigError(f"{where}: missing {missing}; a configuration needs {list(REQUIRED)}")
    if config.get("dtype", "float32") not in DTYPES:
        raise ConfigError(f"{where}: dtype must be one of {DTYPES}, got {config['dtype']!r}")
    _check_named(config["dataset"], DATASETS, f"{where}: dataset")
    _check_named(config["model"], MODELS, f"{where}: model")
    _check_section(config.get("split", {}), SPLIT_KEYS, f"{where}: split")
    hints = typing.get_type_hints(TrainingConfig)
    _check_section(config.get("training", {}), {k: hints[k] for k in TrainingConfig.field_names()}, f"{where}: training")
    if not config["targets"]:
        raise ConfigError(f"{where}: targets is empty; give at least one, e.g. [{{name: energy}}]")
    from ..training.targets import Target

    target_hints = typing.get_type_hints(Target)
    for k, target in enumerate(config["targets"]):
        if not isinstance(target, dict):
            raise ConfigError(f"{where}: targets[{k}] must be a mapping such as {{name: energy, weight: 1.0}}, got {target!r}")
        _check_section(target, target_hints, f"{where}: targets[{k}]")
        if "name" not in target:
            raise ConfigError(f"{where}: targets[{k}] needs a `name`")


def _check_named(section, registry: dict, where: str) -> None:
    if not isinstance(section, dict) or "name" not in section:
        raise ConfigError(f"{where} must be a mapping with a `name`, one of {sorted(registry)}; got {section!r}")
    if section["name"] not in registry:
        raise ConfigError(f"{where}: unknown name {section['name']!r}; allowed: {sorted(registry)}")
    builder, extra = registry[section["name"]]
    expected = {**_signature_types(builder), **extra}
    _check_section({k: v for k, v in section.items() if k != "name"}, expected, f"{where} ({section['name']})")


def _signature_types(callable_) -> dict:
    hints = typing.get_type_hints(callable_.__init__ if inspect.isclass(callable_) else callable_)
    parameters = inspect.signature(callable_).parameters
    skip = {"self", "transform", "pre_transform", "force_reload", "root"}
    return {name: hints.get(name, typing.Any) for name in parameters if name not in skip}


def _check_section(section, expected: dict, where: str) -> None:
    if not isinstance(section, dict):
        raise ConfigError(f"{where} must be a mapping, got {type(section).__name__}")
    for key, value in section.items():
        if key not in expected:
            raise ConfigError(f"{where}: unknown key {key!r}; allowed: {sorted(expected)}")
        if not _matches(value, expected[key]):
            raise ConfigError(f"{where}: {key!r} must be {_describe(expected[key])}, got {value!r} "
                              f"({type(value).__name__})")


def _matches(value, hint) -> bool:
    if hint is typing.Any:
        return True
    if hint is None or hint is type(None):
        return value is None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_matches(value, option) for option in typing.get_args(hint))
    if hint is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if origin is not None:
        if origin in (collections.abc.Sequence, list, tuple):
            return isinstance(value, (list, tuple)) and not isinstance(value, str)
        return isinstance(value, origin) if isinstance(origin, type) else True
    return isinstance(value, hint) if isinstance(hint, type) else True


def _describe(hint) -> str:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_describe(option) for option in typing.get_args(hint))
    if hint is type(None):
        return "null"
    if origin in (collections.abc.Sequence, list, tuple):
        return "a list"
    return getattr(hint, "__name__", str(hint))
