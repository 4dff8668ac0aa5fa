"""Reading the project's source files: text that is not UTF-8 is an error naming its line."""

from __future__ import annotations

from pathlib import Path

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
