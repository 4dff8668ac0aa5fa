"""Read `_quarto.yml`: the book's metadata and its ordered pages (parts, chapters, appendices)."""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import BuildError
from .files import load_yaml, read_text


@dataclass(frozen=True)
class Page:
    """One chapter of the book, where it sits and what it is called."""

    source: Path  # the .qmd file
    relative: str  # its path inside the project, e.g. chapters/ofsted-2010.qmd
    kind: str  # "index", "chapter" or "appendix"
    number: str  # "1", "2" ... for chapters, "A", "B" ... for appendices, "" for the index
    part: str  # the part it belongs to ("" for none)

    @property
    def html(self) -> str:
        """Output path of the page inside _book/."""
        return str(Path(self.relative).with_suffix(".html"))

    @property
    def stem(self) -> str:
        return Path(self.relative).stem


@dataclass(frozen=True)
class Book:
    """The book project: metadata and pages in reading order."""

    root: Path
    config: dict
    pages: tuple[Page, ...]

    @property
    def meta(self) -> dict:
        return self.config.get("book", {})

    @property
    def title(self) -> str:
        return str(self.meta.get("title", "Untitled"))

    @property
    def output_dir(self) -> Path:
        return self.root / self.config.get("project", {}).get("output-dir", "_book")

    @property
    def bibliography(self) -> Path | None:
        name = self.config.get("bibliography")
        return self.root / name if name else None

    @property
    def pdf_name(self) -> str:
        return self.config.get("swbook", {}).get("pdf", "book.pdf")

    @property
    def echo(self) -> bool:
        return bool(self.config.get("execute", {}).get("echo", True))


def load(root: Path) -> Book:
    """Read `root/_quarto.yml`; raise BuildError when a listed chapter is missing."""
    path = root / "_quarto.yml"
    if not path.exists():
        raise BuildError(f"{path}: not found; is this the project folder?")
    config = read_yaml(path)
    book = config.get("book") or {}
    if (
        not isinstance(book, dict)
        or not isinstance(book.get("chapters", []), list)
        or not isinstance(book.get("appendices", []), list)
    ):
        raise BuildError(f"{path}: book must be a mapping whose chapters and appendices are lists")
    pages: list[Page] = []
    chapter_number = 0
    for entry in book.get("chapters", []):
        if isinstance(entry, dict):
            part = str(entry.get("part", ""))
            sources = entry.get("chapters", [])
        else:
            part, sources = "", [entry]
        if not isinstance(sources, list):
            raise BuildError(f"{path}: the chapters of part {part!r} must be a list")
        for relative in sources:
            if not isinstance(relative, str):
                raise BuildError(f"{path}: {relative!r} in book.chapters is not a file name")
            # Quarto numbers every chapter, the index too, unless its title heading says {.unnumbered}.
            if Path(relative).stem == "index" and not pages and _unnumbered(root / relative):
                pages.append(_page(root, relative, "index", "", part))
                continue
            chapter_number += 1
            pages.append(_page(root, relative, "chapter", str(chapter_number), part))
    for position, relative in enumerate(book.get("appendices", [])):
        pages.append(_page(root, relative, "appendix", string.ascii_uppercase[position], "Appendices"))
    if not pages:
        raise BuildError(f"{path}: book.chapters lists no chapters")
    return Book(root, config, tuple(pages))


def read_yaml(path: Path) -> dict:
    """`_quarto.yml` as a mapping; bad YAML is an error naming its line."""
    try:
        config = load_yaml(read_text(path)) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise BuildError(f"{path}{line}: not valid YAML: {problem}") from None
    if not isinstance(config, dict):
        raise BuildError(
            f"{path}:1: must be a YAML mapping (project:, book:, format: ...), not a {type(config).__name__}"
        )
    return config


def _unnumbered(source: Path) -> bool:
    from .qmd import title_heading

    try:
        lines = read_text(source).split("\n")  # a byte that is not UTF-8: an error naming its line
    except OSError:
        return False  # _page reports the missing file
    if lines and lines[0] == "---":  # skip the front matter
        closing = next((i for i, line in enumerate(lines[1:], 1) if line == "---"), 0)
        lines = lines[closing + 1 :]
    heading = title_heading(lines, 1, source)
    return bool(heading and heading.unnumbered)


def _page(root: Path, relative: str, kind: str, number: str, part: str) -> Page:
    source = root / relative
    if not source.exists():
        raise BuildError(f"{root / '_quarto.yml'}: lists {relative}, which does not exist")
    return Page(source, relative, kind, number, part)
