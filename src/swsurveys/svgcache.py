"""Figures drawn once: each SVG is kept under the hash of the Vega-Lite spec it was drawn from.

vl-convert takes about a second for a large chart and a tenth of that for
everything else a figure needs, so a chapter re-run after a one-value fix
should redraw only the figures whose spec changed. The spec holds the data,
the encodings and the house style, and the key adds vl-convert's version, so a
hit is always the drawing vl-convert would make now.

The drawings live in `.swbook-cache/svg/` beside the data package's project
(see `paths.cache_dir`); the folder is safe to delete at any time, and a
folder that cannot be written just means drawing every time.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Callable

from .paths import cache_dir


def folder() -> Path:
    """Where drawings are kept: `svg/` in the cache folder (`paths.cache_dir`)."""
    return cache_dir() / "svg"


def key(spec: dict, variant: str = "") -> str:
    """The digest of a spec as drawn by this vl-convert (and `variant`: the drawing code's own version)."""
    import vl_convert

    text = json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(f"{getattr(vl_convert, '__version__', '')}\0{variant}\0{text}".encode()).hexdigest()


def kept(spec: dict, variant: str = "", where: Path | None = None) -> str | None:
    """The SVG of `spec` if it was drawn before, else None (nothing is drawn).

    `where` is the cache folder (default `folder()`), for a process that reads no data package.
    """
    return _read((where or folder()) / f"{key(spec, variant)}.svg")


def draw(spec: dict, renderer: Callable[[dict], str], variant: str = "", where: Path | None = None) -> str:
    """The SVG of `spec`: from the cache when this spec was drawn before, else drawn by `renderer` and kept."""
    path = (where or folder()) / f"{key(spec, variant)}.svg"
    svg = _read(path)
    if svg is not None:
        return svg
    svg = renderer(spec)
    keep_text(path, svg)
    return svg


def _read(path: Path) -> str | None:
    try:
        svg = path.read_text(encoding="utf-8")
        os.utime(path)  # recently used: the build's pruning (least recently used first) keeps it
        return svg
    except OSError:
        return None


def keep_text(path: Path, text: str) -> None:
    """Write a kept drawing (or layout) atomically: two processes drawing the same chart never see half a file."""
    keep_bytes(path, text.encode("utf-8"))


def keep_bytes(path: Path, content: bytes) -> None:
    """Write a kept file atomically (see `keep_text`)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(content)
        temporary.replace(path)
    except OSError:
        pass  # a read-only project still builds; it only draws every time
