"""Book prose is written one sentence per line, so that a diff shows the sentence that changed.

The check reads each .qmd as the renderer does (`swbook.qmd.parse`) and looks only at its Markdown
blocks: headings, table rows, div fences, HTML and fenced raw or code blocks are left alone, and
inline code (`{python} ...` expressions included) counts as one word, so a split is never asked for
inside it.
"""

from __future__ import annotations

import re
from pathlib import Path

from helpers import ROOT
from swbook import qmd

# Words that end in a full stop without ending a sentence, as the book uses them (lower case).
ABBREVIATIONS = {"e.g", "i.e", "etc", "cf", "vs", "no", "nos", "p", "pp", "fig", "figs", "mr", "mrs", "ms", "dr", "st"}

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_CODE = re.compile(r"(`+)(?:.+?)\1")  # an inline code span, however many backticks open it
_LINK_TARGET = re.compile(r"\]\([^)]*\)")  # a link's address: its dots end no sentence
_MARKER = re.compile(r"^\s*(?:>\s*)*(?:[-*+]\s+|\d+[.)]\s+|:\s+)?")  # block quote, list item, definition
# A sentence end: . ? or ! (not an ellipsis), closing quotes, brackets or emphasis, then a space and the
# start of a sentence: a capital, a digit, a cross-reference, inline code, or opening quotes or emphasis.
_BOUNDARY = re.compile(r"(?<!\.\.)[.?!][\"'”’)\]*_]*\s+(?=[\"'“‘(\[*_]*[A-Z0-9@\x00])")
# A bold lead-in that ends in a full stop (- **Who answers.** ...) is a sentence, whatever follows it.
_LEAD_IN = re.compile(r"[.?!]\*\*\s+(?=\S)")
_WORD_BEFORE = re.compile(r"([\w.]*)$")


def _is_sentence_end(text: str, stop: int) -> bool:
    """Whether the mark at `stop` ends a sentence rather than an abbreviation or an initial."""
    if text[stop] != ".":
        return True
    word = _WORD_BEFORE.search(text[:stop]).group(1)
    if word.lower() in ABBREVIATIONS:
        return False
    if len(word) == 1 and word.isupper():  # an initial: J. Smith
        return False
    return True


def second_sentence(line: str) -> int | None:
    """Where a second sentence starts on a line of prose, or None if the line holds at most one."""
    text = _CODE.sub(lambda m: "\x00" * len(m.group(0)), line)  # same length, so positions still hold
    text = _LINK_TARGET.sub(lambda m: "]" + "\x01" * (len(m.group(0)) - 1), text)
    start = _MARKER.match(text).end()
    ends = [*_BOUNDARY.finditer(text, start), *_LEAD_IN.finditer(text, start)]
    for match in sorted(ends, key=lambda m: m.start()):
        if match.start() > start and _is_sentence_end(text, match.start()):
            return match.end()
    return None


def prose_lines(path: Path):
    """(line number, text) for each line of prose in a .qmd file's Markdown blocks."""
    for block in qmd.parse(path).blocks:
        if not isinstance(block, qmd.Markdown):
            continue
        fence = None
        for offset, text in enumerate(block.text.split("\n")):
            opening = _FENCE.match(text)
            if fence:
                if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                    fence = None
                continue
            if opening:
                fence = opening.group(1)
                continue
            stripped = text.strip()
            if not stripped or stripped.startswith(("#", "|", ":::", "<", "#|")):
                continue
            yield block.line + offset, text


def two_sentence_lines(path: Path, root: Path = ROOT) -> list[str]:
    """A `file:line: problem` message for each line of prose in `path` that holds two sentences."""
    problems = []
    for number, text in prose_lines(path):
        if second_sentence(text) is not None:
            words = " ".join(text.split()[:8])
            problems.append(
                f'{path.relative_to(root)}:{number}: two sentences on one line (expected one per line): "{words} ..."'
            )
    return problems


def book_files() -> list[Path]:
    return sorted([ROOT / "index.qmd", *(ROOT / "chapters").glob("*.qmd")])


def test_every_qmd_has_one_sentence_per_line():
    files = book_files()
    assert len(files) > 10, "expected the book's chapters under chapters/"
    problems = [problem for path in files for problem in two_sentence_lines(path)]
    assert not problems, "\n".join(problems)


def test_checker_finds_a_second_sentence():
    assert second_sentence("The survey was small. Its answers were not weighted.") == 22
    assert second_sentence("Who answered? Practitioners did.") is not None
    assert second_sentence('It said "enough staff." The next year it did not.') is not None
    assert second_sentence("Agreement was high (90%). @fig-x shows it.") is not None
    assert second_sentence("It was `{python} v('a')`. `{python} v('b')` said so too.") is not None
    assert second_sentence("- **Who answers.** The 2009 survey asked practitioners.") is not None
    assert second_sentence("- **Symbols.** '\\*' marks a value that rounds to zero.") == 15
    assert second_sentence(": A chart lost in conversion. No value is stored for it.") is not None
    assert second_sentence("> Quoted at length. And then more.") is not None


def test_checker_passes_one_sentence_and_abbreviations():
    for line in [
        "The survey was small, and its answers were not weighted.",
        "Some measures (e.g. caseload) differ, i.e. they are not alike.",
        "Table No. 5 compares 2009 vs. 2010, as on p. 12 of the report.",
        "The review by J. Smith and A. B. Jones found 12.5 cases on average.",
        "Q1) How satisfied are you? rated out of ten.",
        "Statements Q10b) Line manager praises and Q6a) Enough time were repeated in 2011.",
        "The report says ... Many were new, and … Some were not.",
        "It was `{python} v('a. B')` in `x. Y` terms.",
        "1. A numbered item.",
        "See the [package](https://specs.frictionlessdata.io/data-package/) for details.",
    ]:
        assert second_sentence(line) is None, line


def test_failure_lists_every_offending_line(tmp_path):
    chapter = tmp_path / "chapter.qmd"
    chapter.write_text(
        "# A chapter {#sec-a}\n\nOne sentence. Two sentences.\n\n| A. B | C. D |\n\n"
        "```{python}\nx = 'One. Two.'\n```\n\n```{=html}\n<p>One. Two.</p>\n```\n\nThree. Four.\n",
        encoding="utf-8",
    )
    assert two_sentence_lines(chapter, tmp_path) == [
        'chapter.qmd:3: two sentences on one line (expected one per line): "One sentence. Two sentences. ..."',
        'chapter.qmd:15: two sentences on one line (expected one per line): "Three. Four. ..."',
    ]
