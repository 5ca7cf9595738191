"""Project settings: the defaults of the CLI's options, from a file kept with the project.

mtfix looks for ``mtfix.toml``, or a ``[tool.mtfix]`` table in ``pyproject.toml``, in the
current folder and then in its parents, stopping at the project root (a folder with
``.git``). Keys are the long option names, with dashes or underscores::

    glossary = ["terms/client.tsv"]     # paths are relative to the settings file
    pack = ["zh-en-internet"]
    aggressiveness = 0.3
    threads = 4

An option given on the command line wins over the file (for a repeatable option such
as ``--glossary``, the command line's list replaces the file's). ``--no-config`` skips
the file, ``--config FILE`` names one.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from .errors import InputError

SETTINGS_FILE = "mtfix.toml"

# Setting -> (type, whether it holds paths). The names are the options' Python names.
_KNOWN: dict[str, tuple[type, bool]] = {
    "glossary": (list, True),
    "protect": (list, True),
    "pack": (list, False),
    "no_packs": (bool, False),
    "model": (str, True),
    "no_model": (bool, False),
    "backend": (str, False),
    "aggressiveness": (float, False),
    "threads": (int, False),
    "jobs": (int, False),
    "repair_all": (bool, False),
    "strip_boilerplate": (bool, False),
    "no_unicode_fix": (bool, False),
    "encoding": (str, False),
    "output_encoding": (str, False),
    "trust_pickle": (bool, False),
    "mark_edited": (bool, False),
}

# The limits the command-line options have (checked here, so the error names the file).
_BOUNDS: dict[str, tuple[float | None, float | None]] = {
    "aggressiveness": (0.0, 1.0),
    "threads": (0, None),
    "jobs": (0, None),
}


def find_settings(start: Path | None = None) -> Path | None:
    """The settings file that applies in ``start`` (default: the current folder), if any."""
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        own = candidate / SETTINGS_FILE
        if own.is_file():
            return own
        project = candidate / "pyproject.toml"
        if project.is_file() and _has_table(project):
            return project
        if (candidate / ".git").exists():
            return None
    return None


def load_settings(path: Path) -> dict[str, Any]:
    """The validated settings in ``path``, by option name; paths made absolute.

    Raises :class:`InputError` naming the file (and the line, for bad TOML) on a
    syntax error, an unknown key or a value of the wrong type.
    """
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise InputError(path, f"cannot read settings: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise InputError(path, "settings are not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(path, f"not valid TOML: {exc}") from None
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("mtfix", {})
    if not isinstance(data, dict):
        raise InputError(path, "[tool.mtfix] must be a table")
    settings: dict[str, Any] = {}
    for key, value in data.items():
        name = key.replace("-", "_")
        if name not in _KNOWN:
            known = ", ".join(sorted(k.replace("_", "-") for k in _KNOWN))
            raise InputError(path, f"unknown setting {key!r} (known: {known})")
        settings[name] = _checked(path, key, value, *_KNOWN[name])
    return settings


def _checked(path: Path, key: str, value: Any, kind: type, holds_paths: bool) -> Any:
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if kind is list and isinstance(value, str):
        value = [value]
    ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
    if kind is list:
        ok = ok and all(isinstance(v, str) for v in value)
    if not ok:
        want = "a list of strings" if kind is list else f"a {kind.__name__}"
        raise InputError(path, f"setting {key!r} must be {want}, not {value!r}")
    low, high = _BOUNDS.get(key.replace("-", "_"), (None, None))
    if not (low is None or value >= low) or not (high is None or value <= high):  # nan too
        span = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise InputError(path, f"setting {key!r} must be {span}, not {value!r}")
    if holds_paths:
        base = path.parent
        value = [str(base / v) for v in value] if kind is list else str(base / value)
    return value


def _has_table(pyproject: Path) -> bool:
    try:
        data = tomllib.loads(pyproject.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False  # not ours to complain about unless it holds our table
    return isinstance(data.get("tool"), dict) and "mtfix" in data["tool"]
