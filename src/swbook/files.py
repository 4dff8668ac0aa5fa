"""Reading the project's source files: text that is not UTF-8 is an error naming its line; YAML."""

from __future__ import annotations

from pathlib import Path

import yaml

from .errors import BuildError


def read_text(path: Path) -> str:
    """A source file's text; a byte that is not UTF-8 is an error naming its line."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise BuildError(
            f"{path}:{line}: byte 0x{data[error.start]:02x} is not UTF-8 (save the file as UTF-8)"
        ) from None


# libyaml's safe loader where PyYAML was built with it: the same documents and errors, several times faster.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str):
    """`text` read as YAML by the safe loader (no Python objects); raises `yaml.YAMLError` with its line."""
    return yaml.load(text, Loader=_YAML_LOADER)  # noqa: S506 (a safe loader)
