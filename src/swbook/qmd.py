"""Read a Quarto .qmd file into front matter, markdown blocks and Python cells.

Only the Quarto subset DESIGN.md names is understood: YAML front matter,
```{python} cells with `#|` options, and inline `` `{python} expr` ``.

A chapter's title and id follow Quarto's rule: the first level-1 heading,
`# Title {#sec-id}` (or `{.unnumbered}`), is the chapter title and its id is
the chapter's id. A front-matter `label:` is no id to Quarto, so it is an error
here too rather than a reference that only swbook could resolve.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import BuildError
from .files import load_yaml, read_text

_FENCE = re.compile(r"^(`{3,})\{python\}\s*$")
_INLINE = re.compile(r"`\{python\}\s+([^`]+?)`")
_TITLE = re.compile(r"^#\s+(.*?)\s*(?:\{([^}]*)\})?\s*$")


@dataclass
class Markdown:
    """A run of pandoc markdown; `inline` holds the inline expressions it uses."""

    text: str
    line: int
    inline: list[str] = field(default_factory=list)


@dataclass
class Cell:
    """A Python code cell and its `#|` options."""

    source: str
    options: dict
    line: int
    index: int
    code_line: int = 0  # the .qmd line of the first line of `source` (after the `#|` options)

    @property
    def label(self) -> str:
        return str(self.options.get("label", ""))


@dataclass
class Document:
    """A parsed chapter."""

    path: Path
    meta: dict
    blocks: list
    heading: Heading | None = None  # the chapter's title heading, if it has one

    @property
    def cells(self) -> list[Cell]:
        return [b for b in self.blocks if isinstance(b, Cell)]

    @property
    def title(self) -> str:
        if self.heading:
            return self.heading.title
        return str(self.meta.get("title", self.path.stem))

    @property
    def label(self) -> str:
        """The chapter's id (`sec-…`), or "" when its title heading has none."""
        return self.heading.ident if self.heading else ""


@dataclass(frozen=True)
class Heading:
    """A chapter's title heading: `# Title {#sec-id .unnumbered}`."""

    title: str
    ident: str
    classes: tuple[str, ...]
    line: int

    @property
    def unnumbered(self) -> bool:
        return "unnumbered" in self.classes


def title_heading(lines: list[str], first_line: int, path: Path) -> Heading | None:
    """The first level-1 heading before any other content, as Quarto reads a chapter title."""
    for offset, text in enumerate(lines):
        if not text.strip():
            continue
        match = _TITLE.match(text)
        if not match:
            return None
        attributes = (match.group(2) or "").split()
        idents = [a[1:] for a in attributes if a.startswith("#")]
        classes = tuple(a[1:] for a in attributes if a.startswith("."))
        if "-" in attributes:
            classes += ("unnumbered",)
        return Heading(match.group(1), idents[0] if idents else "", classes, first_line + offset)
    return None


def _front_matter(text: str, path: Path) -> tuple[dict, str, int]:
    if not text.startswith("---\n"):
        return {}, text, 1
    end = text.find("\n---\n", 4)
    if end < 0:
        raise BuildError(f"{path}:1: front matter is not closed by a '---' line")
    try:
        meta = load_yaml(text[4:end]) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark else 1  # the YAML starts on line 2, after '---'
        raise BuildError(
            f"{path}:{line}: front matter is not valid YAML: {getattr(error, 'problem', None) or error}"
        ) from None
    if not isinstance(meta, dict):
        raise BuildError(f"{path}:2: front matter must be a mapping (title: ...), not a {type(meta).__name__}")
    body_start = text[: end + 5].count("\n") + 1
    return meta, text[end + 5 :], body_start


def _cell_options(lines: list[str], path: Path, line: int) -> tuple[dict, str]:
    option_lines = []
    for text in lines:
        if text.startswith("#|"):
            option_lines.append(text[2:].strip())
        else:
            break
    try:
        options = load_yaml("\n".join(option_lines)) or {} if option_lines else {}
    except yaml.YAMLError as error:
        raise BuildError(
            f"{path}:{line}: cell options are not valid YAML: {getattr(error, 'problem', None) or error}"
        ) from None
    if not isinstance(options, dict):
        raise BuildError(f"{path}:{line + 1}: cell options must be '#| key: value' lines")
    return options, "\n".join(lines[len(option_lines) :])


def parse(path: Path) -> Document:
    """Parse a .qmd file; raise BuildError with file and line on bad syntax."""
    text = read_text(path)
    meta, body, first_line = _front_matter(text, path)
    if "label" in meta:
        raise BuildError(
            f"{path}:1: front-matter label {meta['label']!r} is no chapter id to Quarto "
            f"(expected the id in the first heading: # Title {{#{meta['label']}}})"
        )
    blocks: list = []
    lines = body.split("\n")
    heading = title_heading(lines, first_line, path)
    if heading:
        # The template prints the title; keep the line (empty) so later line numbers stay right.
        lines[heading.line - first_line] = ""
    buffer: list[str] = []
    buffer_start = first_line
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if not match:
            buffer.append(lines[i])
            i += 1
            continue
        if buffer:
            blocks.append(_markdown("\n".join(buffer), buffer_start))
        fence, start = match.group(1), i
        i += 1
        cell_lines = []
        while i < len(lines) and lines[i].rstrip() != fence:
            cell_lines.append(lines[i])
            i += 1
        if i == len(lines):
            raise BuildError(f"{path}:{first_line + start}: python cell is not closed by {fence}")
        options, source = _cell_options(cell_lines, path, first_line + start)
        option_count = len(cell_lines) - len(source.split("\n")) if cell_lines else 0
        blocks.append(
            Cell(
                source,
                options,
                first_line + start,
                len([b for b in blocks if isinstance(b, Cell)]) + 1,
                first_line + start + 1 + option_count,
            )
        )
        i += 1
        buffer, buffer_start = [], first_line + i
    if buffer:
        blocks.append(_markdown("\n".join(buffer), buffer_start))
    return Document(path, meta, blocks, heading)


def _markdown(text: str, line: int) -> Markdown:
    return Markdown(text, line, [m.group(1).strip() for m in _INLINE.finditer(text)])


def replace_inline(text: str, values: list[str]) -> str:
    """Put the computed inline values, in order, where their expressions stood."""
    iterator = iter(values)
    return _INLINE.sub(lambda _: next(iterator), text)
