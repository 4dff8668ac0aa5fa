"""Where the data package lives, and a record of which data files were read.

The record lets the book builder know which data files a chapter depends on,
so that a changed CSV re-renders exactly the chapters that read it.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

_READS: set[str] = set()
# Between a file and the one table of it that was read ("observations/swtf-2009.csv#t2-27-supervision-by-sector"),
# and again before the one question of that table ("…csv#summary-all-questions#Q1) My workplace induction …").
FILE_TABLE_SEPARATOR = "#"


def data_dir() -> Path:
    """The data package folder: $SWSURVEYS_DATA, else `data/` beside `src/`."""
    override = os.environ.get("SWSURVEYS_DATA") or ""
    return _resolved(override, os.getcwd() if override and not os.path.isabs(override) else "")


@lru_cache(maxsize=8)
def _resolved(override: str, cwd: str) -> Path:  # a relative setting is relative to `cwd`
    # Asked for on every value a chapter reads: the folder is resolved once per setting, not each time.
    if override:
        return Path(override).resolve()
    return Path(__file__).resolve().parents[2] / "data"


def cache_dir(data: Path | None = None) -> Path:
    """Where derived results are kept between builds (drawings, checks): $SWSURVEYS_CACHE, else
    `.swbook-cache/` beside the data package. Every entry is keyed by the content it was made from,
    so copies of the package may share one folder, and deleting it costs only time."""
    override = os.environ.get("SWSURVEYS_CACHE")
    return Path(override) if override else Path(data or data_dir()).resolve().parent / ".swbook-cache"


def record_read(path: Path, part: str | None = None, question: str | None = None) -> Path:
    """Note that `path` was read (for dependency tracking) and return it.

    With `part`, only the rows of the observations table `part` were used,
    so a change elsewhere in the file does not make the reader stale; with
    `question` too, only that question's rows of the table.
    """
    name = str(Path(path).resolve())
    if part is not None:
        name += FILE_TABLE_SEPARATOR + part + (FILE_TABLE_SEPARATOR + question if question is not None else "")
    _READS.add(name)
    return path


def files_read() -> list[str]:
    """Every data file (or `file#table` part) read in this process so far, sorted."""
    return sorted(_READS)


@contextmanager
def using_data(path: Path):
    """Read the data package at `path` inside the block (for checking another copy).

    Nothing needs forgetting: what `catalogue` caches is kept per data folder.
    """
    previous = os.environ.get("SWSURVEYS_DATA")
    os.environ["SWSURVEYS_DATA"] = str(Path(path).resolve())
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("SWSURVEYS_DATA", None)
        else:
            os.environ["SWSURVEYS_DATA"] = previous
