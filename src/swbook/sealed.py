"""Cache entries sealed with the digest of their text: a damaged or edited entry reads as missing.

Kept apart from `swbook.cache` (which imports the chapter runner) so that the
post-render script can keep its own entries this way without that import.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

_HEADER = "swbook-cache sha256="


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_verified(path: Path, text: str) -> None:
    """Write a cache entry with the digest of its text on a first line, atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    temporary.write_text(f"{_HEADER}{sha(text.encode())}\n{text}", encoding="utf-8")
    temporary.replace(path)  # a reader sees the old entry or the new one, never half of one


def read_verified(path: Path) -> str | None:
    """A cache entry's text, or None when it is missing or is not exactly what was written."""
    try:
        header, _, text = path.read_text(encoding="utf-8").partition("\n")
    except (OSError, ValueError):
        return None
    if header != f"{_HEADER}{sha(text.encode())}":
        return None
    try:
        os.utime(path)  # recently used: pruned last
    except OSError:
        pass
    return text
