"""Reuse a chapter's executed outputs while nothing it depends on has changed.

A chapter's entry is valid while three things are unchanged: its .qmd text, the
code of swsurveys and swbook, and the content of every data file the chapter
actually read when it last ran (recorded by `swsurveys.paths` inside the
kernel). A chapter that loaded only some tables of an observations file
depends only on those tables' rows, and one that picked single questions (the
crosswalk does) only on those questions' rows, so fixing one value re-runs only
the chapters that show it. Unlike a cache keyed on the chapter text alone, a corrected CSV
re-runs exactly the chapters that read it, so figures are never stale.

The cache lives in `.swbook-cache/` beside the project, outside `_book/`, and
is safe to delete or damage at any time: every entry carries a digest of its
content and is checked for the shape it must have, and a missing, unreadable,
edited or malformed entry means "run it again". The pandoc cache is pruned to
`PANDOC_CACHE_BYTES`, least recently used first.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import time
from functools import lru_cache
from pathlib import Path
from stat import S_ISREG

from swsurveys.paths import FILE_TABLE_SEPARATOR  # "file.csv#table[#question]": those rows of a file

from .execute import Executed
from .sealed import read_verified, sha, write_verified

_CODE_SUFFIXES = {".py", ".html", ".typ", ".lua", ".css", ".js"}


PANDOC_CACHE_BYTES = 200_000_000


# The folders of `.swbook-cache` whose entries are keyed by their content, so any may go at any time:
# pandoc's conversions, the print drawings and built figures the chapters' library keeps there, and the
# parts the post-render step made (its `Memo`).
KEPT_FOLDERS = ("pandoc", "svg", "figures", "publish")


def prune_cache(root: Path, limit: int = PANDOC_CACHE_BYTES) -> None:
    """Keep each content-keyed cache folder under `limit` bytes, dropping the least recently used entries."""
    for name in KEPT_FOLDERS:
        entries = []
        for path in (root / ".swbook-cache" / name).rglob("*"):
            try:
                stat = path.stat()
            except OSError:
                continue
            if S_ISREG(stat.st_mode):
                entries.append((stat.st_mtime, stat.st_size, path))
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries, key=lambda entry: entry[0]):
            if total <= limit:
                break
            path.unlink(missing_ok=True)
            total -= size


@lru_cache(maxsize=None)
def code_version() -> str:
    """One digest of the swsurveys and swbook code (and the book templates)."""
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for package in (here, here.parent / "swsurveys"):
        for path in sorted(package.rglob("*")):
            if path.suffix in _CODE_SUFFIXES and "__pycache__" not in path.parts:
                digest.update(path.relative_to(package.parent).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def _table_digests(data: bytes) -> dict[str, str]:
    """A digest per value of the `table` column, and per `table#question` pair: the header plus those rows."""
    reader = csv.reader(io.StringIO(data.decode("utf-8")))
    header = next(reader, [])
    rows: dict[str, list[list[str]]] = {}
    if "table" in header:
        table = header.index("table")
        question = header.index("question") if "question" in header else None
        for row in reader:
            if table < len(row):
                rows.setdefault(row[table], []).append(row)
                if question is not None and question < len(row):
                    rows.setdefault(f"{row[table]}{FILE_TABLE_SEPARATOR}{row[question]}", []).append(row)
    return {part: sha(json.dumps([header, part_rows]).encode()) for part, part_rows in rows.items()}


class FileHashes:
    """Content digests of files (or of one table's rows, `file#table`, or one question's, `file#table#question`),
    computed once per build, and once for all builds of this process while a file is unchanged.

    A file is known by its device, inode, size and its modification and change times (the change time cannot
    be set back). Kept from one build to the next (as `swbook preview` builds again) is only a digest read from
    a file last changed well before it was read, so that two writes within the file system's clock tick (the
    same size and times) can never pass for one: the rule git uses for its index.
    """

    SETTLED_NS = 2_000_000_000  # a file changed this long before it is read is settled
    KEPT = 4096  # digests kept across builds, at most (a long preview session sees many versions of a file)
    _settled: dict[tuple, str] = {}  # for every build of this process: the file's identity -> its digest
    _settled_parts: dict[tuple, dict[str, str]] = {}

    def __init__(self) -> None:
        self._known: dict[tuple, str] = {}
        self._parts: dict[tuple, dict[str, str]] = {}

    def __call__(self, path: Path | str) -> str | None:
        name, _, part = str(path).partition(FILE_TABLE_SEPARATOR)
        try:
            stat = os.stat(name)
        except OSError:
            return None
        key = (name, stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)
        if part:
            return self._read(key, name, self._parts, self._settled_parts, _table_digests).get(part, "absent")
        return self._read(key, name, self._known, self._settled, sha)

    def _read(self, key: tuple, name: str, this_build: dict, every_build: dict, digest):
        found = this_build.get(key)
        if found is None:
            found = every_build.get(key)
        if found is None:
            settled = time.time_ns() - max(key[4], key[5]) > self.SETTLED_NS  # judged before the file is read
            found = digest(Path(name).read_bytes())
            if settled:
                if len(every_build) >= self.KEPT:
                    every_build.clear()
                every_build[key] = found
        this_build[key] = found
        return found


class ChapterCache:
    """Executed outputs of chapters, keyed by what they depend on.

    An entry is sealed as the pandoc entries are (`write_verified`); its first
    line says what the outputs depend on and how long the chapter ran, so a
    stale entry is told without reading its outputs.
    """

    def __init__(self, root: Path, hashes: FileHashes | None = None) -> None:
        self.root = root
        self.folder = root / ".swbook-cache" / "chapters"
        self.hashes = hashes or FileHashes()
        self._heads: dict[str, dict] = {}  # the first line of each entry read, so it is read once

    def _entry(self, relative: str) -> Path:
        return self.folder / (relative.replace("/", "__") + ".json")

    def _saved(self, relative: str) -> tuple[dict, str] | None:
        """An intact entry's first line (what the outputs depend on, as a dict) and its outputs' text."""
        text = read_verified(self._entry(relative))
        if text is None:
            return None  # missing, or edited or damaged since it was written
        head, _, body = text.partition("\n")
        try:
            head = json.loads(head)
        except ValueError:
            return None
        if not isinstance(head, dict):
            return None
        self._heads[relative] = head
        return head, body

    def current(self, relative: str, source: str) -> str | None:
        """The saved outputs of a chapter (as text, for `outputs`) while they are current, else None."""
        saved = self._saved(relative)
        if saved is None:
            return None
        head, body = saved
        try:
            if head["source"] != sha(source.encode()) or head["code"] != code_version():
                return None
            for name, digest in head["files"].items():
                if self.hashes(f"{self.root}/{name}") != digest:  # text, not Path: a question may hold '/'
                    return None
        except (KeyError, TypeError, AttributeError):
            return None  # not the shape this code writes: run the chapter again
        return body

    def seconds(self, relative: str) -> float:
        """What the chapter cost when its entry was written (0 if unknown): the costliest are started first."""
        if relative not in self._heads:
            self._saved(relative)
        head = self._heads.get(relative, {})
        try:
            return float(head.get("seconds", 0))
        except (TypeError, ValueError):
            return 0.0

    def dependencies(self, relative: str) -> dict[str, str]:
        """The files (or `file#table` parts) a chapter read when its entry was written, with their digests."""
        saved = self._saved(relative)
        files = saved[0].get("files") if saved else None
        return dict(files) if isinstance(files, dict) else {}

    @staticmethod
    def outputs(body: str) -> Executed | None:
        """The Executed outputs of a current entry's text; None if they are not the shape `store` writes."""
        try:
            return _executed(json.loads(body))
        except (ValueError, KeyError, TypeError, AttributeError):
            return None

    def store(self, relative: str, source: str, executed: Executed, seconds: float = 0.0) -> None:
        """Save a chapter's outputs with the digests of the files it read."""
        files = {}
        for name in executed.files_read:
            file, _, part = name.partition(FILE_TABLE_SEPARATOR)
            try:
                key = Path(file).resolve().relative_to(self.root.resolve()).as_posix()
            except ValueError:
                continue  # a file outside the project cannot be tracked; it never changes the key
            key += f"{FILE_TABLE_SEPARATOR}{part}" if part else ""
            files[key] = self.hashes(name)
        head = {"source": sha(source.encode()), "code": code_version(), "files": files, "seconds": round(seconds, 3)}
        body = {"outputs": executed.outputs, "inline": executed.inline, "files_read": executed.files_read}
        write_verified(self._entry(relative), json.dumps(head) + "\n" + json.dumps(body))


def _executed(saved: dict) -> Executed:
    """Executed outputs from a cache entry, checked for the shape `store` writes; ValueError if not."""
    outputs = {int(k): v for k, v in saved["outputs"].items()}
    inline = {int(k): v for k, v in saved["inline"].items()}
    files_read = saved["files_read"]
    shaped = (
        all(
            isinstance(v, list) and all(isinstance(o, dict) and isinstance(o.get("output_type"), str) for o in v)
            for v in outputs.values()
        )
        and all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in inline.values())
        and isinstance(files_read, list)
        and all(isinstance(x, str) for x in files_read)
    )
    if not shaped:
        raise ValueError("cache entry has the wrong shape")
    return Executed(outputs=outputs, inline=inline, files_read=files_read)


def build_key(root: Path, formats: tuple[str, ...], hashes: FileHashes) -> str:
    """A digest of everything a build reads: code, project files and all data."""
    digest = hashlib.sha256(code_version().encode())
    digest.update(",".join(formats).encode())
    watched = [
        root / "_quarto.yml",
        root / "references.bib",
        root / "CITATION.cff",
        root / "LICENSE",
        *sorted(root.glob("*.qmd")),
        *sorted((root / "_scripts").glob("*")),
        *sorted((root / "chapters").rglob("*.qmd")),
        *sorted(p for p in (root / "data").rglob("*") if p.is_file()),
    ]
    for path in watched:
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update((hashes(path) or "missing").encode())
    return digest.hexdigest()
