"""Number figures, tables and sections per chapter and resolve `@fig-…`, `@tbl-…`, `@sec-…`.

Numbers come from the sources alone (cell labels and headings), so every page
can link to every other before any cell runs. An unknown label is an error,
never a `??` in the book.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from .errors import BuildError
from .project import Page
from .qmd import Document, Markdown

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*(\{[^}]*\})?\s*$")
_REFERENCE = re.compile(r"(?<![\w@/.])@((?:fig|tbl|sec)-[A-Za-z0-9_-]*[A-Za-z0-9])")
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")


@dataclass(frozen=True)
class Target:
    """Something a cross-reference can point at."""

    label: str
    text: str  # "Figure 2.1", "Table 2.1", "Section 2.3", "Chapter 2"
    page: Page
    whole_page: bool = False  # a chapter's own label: link to the page, not to an anchor


def _headings(markdown: str):
    """Yield (level, attributes) of the ATX headings outside code blocks."""
    fenced = False
    for line in markdown.split("\n"):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        match = None if fenced else _HEADING.match(line)
        if match:
            yield len(match.group(1)), match.group(3) or ""


class Registry:
    """All labels of the book with their numbers and pages."""

    def __init__(self) -> None:
        self.targets: dict[str, Target] = {}

    def add(self, target: Target, where: str) -> None:
        if target.label in self.targets:
            raise BuildError(
                f"{where}: label {target.label!r} is used twice (also in {self.targets[target.label].page.relative})"
            )
        self.targets[target.label] = target

    def collect(self, page: Page, document: Document) -> None:
        """Register the labels of one chapter."""
        figures = tables = 0
        sections: list[int] = []
        prefix = page.number
        kind_name = "Appendix" if page.kind == "appendix" else "Chapter"
        for label in filter(None, [document.label]):  # the id of the chapter's title heading
            self.add(Target(label, f"{kind_name} {prefix}" if prefix else document.title, page, True), page.relative)
        for block in document.blocks:
            if isinstance(block, Markdown):
                for level, attributes in _headings(block.text):
                    unnumbered = ".unnumbered" in attributes or re.search(r"\{-|\s-\s|\s-\}", attributes)
                    label = re.search(r"#(sec-[\w-]+)", attributes)
                    if level >= 2 and not unnumbered:
                        depth = level - 1
                        sections = (sections + [0] * depth)[:depth]
                        sections[-1] += 1
                    if not label:
                        continue
                    if level == 1 or not prefix:
                        text = f"{kind_name} {prefix}" if prefix else document.title
                    elif unnumbered:
                        text = f"{kind_name} {prefix}"
                    else:
                        text = "Section " + ".".join([prefix] + [str(n) for n in sections])
                    self.add(Target(label.group(1), text, page), page.relative)
                continue
            label = block.label
            if label.startswith("fig-"):
                figures += 1
                self.add(Target(label, _numbered("Figure", prefix, figures), page), page.relative)
            elif label.startswith("tbl-"):
                tables += 1
                self.add(Target(label, _numbered("Table", prefix, tables), page), page.relative)

    def resolve(self, text: str, page: Page, target_format: str, where: str) -> str:
        """Replace each `@label` in `text` by a link; raise on an unknown label."""

        def replace(match: re.Match) -> str:
            label = match.group(1)
            target = self.targets.get(label)
            if target is None:
                raise BuildError(
                    f"{where}: unresolved cross-reference @{label} (no figure, table or section has that label)"
                )
            if target_format == "html":
                href = os.path.relpath(target.page.html, os.path.dirname(page.html) or ".")
                href = "" if target.page == page else href
                return f"[{target.text}]({href})" if target.whole_page else f"[{target.text}]({href}#{label})"
            return f"[{target.text}](#{label})"

        return _REFERENCE.sub(replace, text)

    def unresolved(self, page: Page, document: Document) -> list[str]:
        """Every reference of a chapter's text and captions to a label no page defines, before anything runs."""
        problems = []
        for block in document.blocks:
            if isinstance(block, Markdown):
                texts = [(block.line, _without_code(block.text))]
            else:
                texts = [(block.line, str(block.options.get(k, ""))) for k in ("fig-cap", "tbl-cap", "fig-alt")]
            for line, text in texts:
                problems += [
                    f"{page.relative}:{line + text[: match.start()].count(chr(10))}: unresolved "
                    f"cross-reference @{match.group(1)} (no figure, table or section has that label)"
                    for match in _REFERENCE.finditer(text)
                    if match.group(1) not in self.targets
                ]
        return problems

    def number(self, label: str) -> str:
        """The display text of a label ("Figure 2.1")."""
        return self.targets[label].text


def _numbered(kind: str, prefix: str, n: int) -> str:
    return f"{kind} {prefix}.{n}" if prefix else f"{kind} {n}"


_CODE = re.compile(r"^(`{3,}|~{3,}).*?^\1\s*$|`+[^`]*`+", re.S | re.M)
# A pandoc citation: [@key], [-@key], [see @key, p. 3; @other] or a bare @key in the text.
_CITATION = re.compile(r"(?:(?<=[\s\[;])|^)-?@([A-Za-z0-9_](?:[\w:.#$%&+?<>~/-]*[A-Za-z0-9_])?)", re.M)
_BIB_KEY = re.compile(r"^\s*@\w+\s*\{\s*([^,\s]+)\s*,", re.M)


def _without_code(text: str) -> str:
    """The text with code blanked out, keeping its line breaks so that positions still give lines."""
    return _CODE.sub(lambda match: re.sub(r"[^\n]", " ", match.group(0)), text)


def citations(text: str) -> list[tuple[int, str]]:
    """(line offset, key) of each citation a piece of pandoc markdown makes (cross-reference labels excluded)."""
    text = _without_code(text)
    return [
        (text[: match.start()].count("\n"), match.group(1))
        for match in _CITATION.finditer(text)
        if not re.match(r"(fig|tbl|sec)-", match.group(1))
    ]


def bibliography_keys(text: str) -> set[str]:
    """The entry keys of a BibTeX file."""
    return set(_BIB_KEY.findall(text))
