"""This release of the book and its data: the version a reader cites and the name of its data download.

The version and date come from CITATION.cff (read by `swbook.edition`, the one
reader of it), so the data zip of each release carries the same version as
the book's title page and the citation.
"""

from __future__ import annotations

from pathlib import Path

from swbook.edition import Edition, read

from .paths import data_dir, record_read

ZIP_STEM = "childrens-social-work-surveys-data"


def current(project: Path | None = None) -> Edition:
    """The release of the project (by default the one around the data package); its read is recorded."""
    project = data_dir().parent if project is None else Path(project)
    record_read(project / "CITATION.cff")
    return read(project)


def data_zip(edition: Edition) -> str:
    """The data download's file name for a release: childrens-social-work-surveys-data-0.1.0.zip."""
    return f"{ZIP_STEM}-{edition.version}.zip" if edition.version else f"{ZIP_STEM}.zip"
