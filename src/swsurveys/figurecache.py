"""Figures built once: a figure helper's finished specs kept under a digest of everything they came from.

Building a chart's wide and phone specs with Altair is most of what a chapter
does (the 2010 chapter spends nine tenths of its run on its ten charts), and
after a one-value fix only the charts of that value have anything new to
show. So in a book build (where a chapter only displays its figures, never
touches their Altair charts) `charts.responsive` looks up each helper call
here first: the key
is the digest of the helper's name, its arguments (the observations it is
given, their metadata included), the code of this package, the versions of
Altair and vl-convert, and the two metadata files a helper reads for
itself (surveys.csv and tables.csv, for tooltips and notes). A hit is the
figure that call would build now, specs and all, so nothing is drawn from a
stale input; a call whose arguments cannot be pickled is simply not kept.

The figures live in `figures/` in the cache folder (`paths.cache_dir`); the
folder is safe to delete (swbook keeps it under a size limit, least recently
used first), and one that cannot be written means building every time.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
from pathlib import Path

import altair
import vl_convert

from swbook.mime import deferring

from .catalogue import resource_path
from .paths import cache_dir, record_read
from .svgcache import keep_bytes

# What a helper reads for itself besides its arguments (`charts._source_of`).
_METADATA = ("surveys", "tables")


def key(helper: str, args: tuple, kwargs: dict) -> str | None:
    """The digest a call of `helper` is kept under; None when its arguments cannot be pickled."""
    try:
        arguments = pickle.dumps((args, sorted(kwargs.items())), protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        return None
    stats = [(path, path.stat()) for path in map(resource_path, _METADATA)]
    files = tuple((path, stat.st_mtime_ns, stat.st_size) for path, stat in stats)
    digest = hashlib.sha256(f"{helper}\0{_CODE}\0{_metadata(files)}\0".encode())
    digest.update(arguments)
    return digest.hexdigest()


def lookup(digest: str):
    """The figure kept under `digest`, or None; a hit records the metadata reads the helper would have made."""
    figure = _read(_path(digest))
    if figure is None:
        return None
    for name in _METADATA:
        record_read(resource_path(name))
    return figure


def keep(digest: str, figure) -> None:
    """Keep a finished figure (its specs made, no Altair objects left in it) under `digest`."""
    keep_bytes(_path(digest), pickle.dumps(figure, protocol=pickle.HIGHEST_PROTOCOL))


def memo(name: str, inputs, make):
    """What `make()` returns, kept under a digest of `name`, `inputs` and this package's code.

    For a part of a figure that depends on `inputs` alone (one panel of a
    cross-year figure): after a one-value fix only the part that shows the
    value is made again. Kept only in a book build, as whole figures are;
    `inputs` that cannot be pickled mean making it every time.
    """
    if not deferring():
        return make()
    try:
        arguments = pickle.dumps(inputs, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        return make()
    digest = hashlib.sha256(f"{name}\0{_CODE}\0".encode())
    digest.update(arguments)
    path = _path(digest.hexdigest())
    made = _read(path)
    if made is None:
        made = make()
        keep_bytes(path, pickle.dumps(made, protocol=pickle.HIGHEST_PROTOCOL))
    return made


def _read(path: Path):
    """What is kept at `path`, or None when nothing (readable) is."""
    try:
        kept = pickle.loads(path.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
        return None
    os.utime(path)  # recently used: the build's pruning (least recently used first) keeps it
    return kept


def _path(digest: str) -> Path:
    return cache_dir() / "figures" / f"{digest}.pickle"


def _code_digest() -> str:
    """This package's code and the chart libraries' versions: a change to either builds every figure afresh."""
    digest = hashlib.sha256(f"{altair.__version__}\0{getattr(vl_convert, '__version__', '')}".encode())
    for path in sorted(Path(__file__).resolve().parent.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


# Read when the package is imported, so it is the code that runs: a long-lived process (the chapter server
# of `swbook preview`) that imported the package before an edit keeps the old digest for its old code.
_CODE = _code_digest()


@functools.lru_cache(maxsize=None)
def _metadata(files: tuple[tuple[Path, int, int], ...]) -> str:
    # Read again only when a file's time or size changed, not for every figure.
    digest = hashlib.sha256()
    for path, _, _ in files:
        digest.update(path.read_bytes())
    return digest.hexdigest()
