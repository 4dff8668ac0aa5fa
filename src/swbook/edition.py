"""Which release of the book this is: its version and release date, read from CITATION.cff alone.

CITATION.cff is the one place a release is named (`version`, `date-released`),
so the title page, every page's footer, each figure's citation and the data
download all carry the same version as the citation a reader copies.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import BuildError
from .files import load_yaml


@dataclass(frozen=True)
class Edition:
    """A release: its version ("0.1.0") and ISO release date ("2026-11-23"); both empty when none is named."""

    version: str = ""
    released: str = ""

    @property
    def released_date(self) -> datetime.date | None:
        """The release date as a date; None when none is named or it is not YYYY-MM-DD."""
        try:
            return datetime.date.fromisoformat(self.released)
        except ValueError:
            return None

    @property
    def released_text(self) -> str:
        """The release date as the book writes dates ("23 November 2026")."""
        from swsurveys.dates import format_date  # the book's one date style

        day = self.released_date
        return format_date(day.isoformat()) if day else self.released

    @property
    def label(self) -> str:
        """'Version 0.1.0, released 23 November 2026' (or as much of it as is known)."""
        parts = [
            f"Version {self.version}" if self.version else "",
            f"released {self.released_text}" if self.released else "",
        ]
        text = ", ".join(p for p in parts if p)
        return text[:1].upper() + text[1:]


def read(root: Path) -> Edition:
    """The book's release from `root/CITATION.cff`; an empty Edition when the project has no such file."""
    path = root / "CITATION.cff"
    if not path.exists():
        return Edition()
    try:
        data = load_yaml(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise BuildError(f"{path}: not valid YAML ({error}); expected a Citation File Format file") from None
    released = data.get("date-released", "")
    return Edition(
        str(data.get("version", "") or ""),
        released.isoformat() if isinstance(released, datetime.date) else str(released or ""),
    )
