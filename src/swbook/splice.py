"""Convert a page by parts: pandoc converts its words once, and the numbers and figures a fix changes are put in after.

A one-value fix changes a page's numbers (its `.sw-value` links, the numbers in
its tables, its images' alt text) and the figures that plot them (raw blocks),
not its words; yet pandoc took a tenth of a second or more to read each
changed page again, for each format. Here each such piece is replaced by a
stand-in before pandoc sees the page, so that the page with its stand-ins (its
*frame*) is the same after the fix and its conversion is reused. How pandoc
writes each piece, and each stand-in, is learnt from a small conversion of the
pieces alone (kept, so a piece seen before costs nothing; a raw block needs
none, as a writer copies it), and each piece is put in the place of its
stand-in in the converted frame.

The result is exactly what pandoc makes of the whole page, or the whole page is
converted as before. A piece is given a stand-in only where that cannot
change the conversion of the rest:

- a value's stand-in is a link as long as the value's, with the same text
  shape (its digits as 0s), so table widths, the alignment of numbers and the
  print layout's column measures come out the same; a number in a table is
  given a link with its digits as 0s, only in a table whose widths come
  from its rule line (one with a line longer than pandoc's columns);
- a value in a heading stays (its words make the heading's identifier);
- a piece stays if pandoc writes it differently at the start of a line than
  within one (Typst escapes a leading "-" or "1." there).

And the frame's conversion is used only if every stand-in is found in it
exactly as pandoc writes that stand-in alone, once each (a raw block's on a
line of its own, or not at all where the writer drops that format), with no
stand-in left after.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .sealed import read_verified, sha, write_verified

# A value as `swsurveys.values.Value` writes it: [text](address "tooltip"){.sw-value ...}.
_VALUE = re.compile(r'\[((?:[^\[\]\\\n]|\\.)*)\]\(([^\s()"]+) "([^"\n]*)"\)\{\.sw-value(?: [^{}\n]*)?\}')
# A raw block: a backtick fence at a line's start, `{=format}`, the content, the same fence.
_RAW = re.compile(r"^(`{3,})\{=([A-Za-z0-9_-]+)\}\n(.*?)\n\1[ \t]*$", re.MULTILINE | re.DOTALL)
_SETEXT = re.compile(r"(=+|-+)[ \t]*")
# A pipe table: a header row, the rule under it, its body rows (each line opening with "|").
_PIPE_TABLE = re.compile(
    r"^\|[^\n]*\n\|[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*(?:\n\|[^\n]*)*", re.MULTILINE
)
_CELL = re.compile(r"(?<=\|)((?:[^|\\]|\\.)*)(?=\|)")  # a cell's text, between two unescaped bars
_NUMBER = re.compile(r"[<>~]?[-\u2212+]?[0-9][0-9,.]*%?")
# An image's alt text (`fig-alt="…"`, as `assemble` writes it), and the image pandoc is shown it in.
_ALT = re.compile(r'\]\([^()\s]*\)\{[^{}\n]*?\bfig-alt="([^"\n]*)"[^{}\n]*\}')
_ALT_SAMPLE = '![](swbook-image.svg){{fig-alt="{}"}}'
# A writer keeps a raw block of its own format and drops every other.
_KEPT_BY = {"html5": ("html", "html5"), "html": ("html", "html5"), "typst": ("typst",)}
# Settings that change a page as a whole, never how a piece in a paragraph is written: left out of the pieces' run.
_WHOLE_PAGE = ("--standalone", "--template=", "--toc", "--citeproc", "--bibliography=", "--number-", "--variable=")
_MARK = "swbookpiece"  # markers around the pieces in their own conversion (a plain word every writer copies)
_STAND_IN = "swbook-piece-"

Pandoc = Callable[[str, list[str]], str]


@dataclass(frozen=True)
class _Piece:
    """A part of a page taken out of its frame: where it stands, what the frame has there instead."""

    start: int
    end: int
    markdown: str  # what the page has (a raw block's content)
    stand_in: str  # what the frame has
    number: int  # the stand-in's
    raw_format: str = ""  # a raw block's format ("" for the others)
    sample: str = "{}"  # the text pandoc is shown a piece in ("{}": the piece alone; alt text: inside an image)

    @property
    def samples(self) -> tuple[str, str]:
        return self.sample.format(self.markdown), self.sample.format(self.stand_in)


def convert(
    markdown: str, to: str, args: list[str], frame_pandoc: Pandoc, pandoc: Pandoc, folder: Path, page: str
) -> str:
    """pandoc's `to` output for `markdown` with `args`, its frame and its pieces converted apart.

    `frame_pandoc(text, args)` converts the frame (its caller keeps those
    conversions), `pandoc(text, args)` converts any other text; how pandoc
    writes each piece of `page` is kept in `folder`.
    """
    blocks = _raw_blocks(markdown)
    inline = _inline_pieces(markdown, _without(markdown, blocks), len(blocks), _columns(args))
    if not blocks and not inline:
        return pandoc(markdown, args)
    piece_args = [a for a in args if not a.startswith(_WHOLE_PAGE)]
    wanted = [sample for piece in inline for sample in piece.samples]
    rendered = _Renderings(folder, page, to, piece_args).get(
        wanted, lambda texts: pandoc(_pieces_text(texts), piece_args)
    )
    swaps = {}  # each stand-in as the frame's conversion writes it -> its piece as the page's would
    taken = []
    for piece in inline:
        real, stand_in = (rendered[sample] for sample in piece.samples)
        if not (_alike(real) and _alike(stand_in)) or _STAND_IN in real[0]:
            continue
        written, instead = _difference(real[0], stand_in[0])
        if f"piece-{piece.number}" in instead and instead not in swaps:
            swaps[instead] = written
            taken.append(piece)
    converted = frame_pandoc(_frame(markdown, blocks + taken), args)
    result = _put_back(converted, to, blocks, swaps)
    return pandoc(markdown, args) if result is None else result


def _raw_blocks(markdown: str) -> list[_Piece]:
    out = []
    for number, match in enumerate(_RAW.finditer(markdown), start=1):
        stand_in = f"{match.group(1)}{{={match.group(2)}}}\n{_STAND_IN}{number}\n{match.group(1)}"
        out.append(_Piece(match.start(), match.end(), match.group(3), stand_in, number, match.group(2)))
    return out


def _without(markdown: str, blocks: list[_Piece]) -> str:
    """`markdown` with each raw block blanked out, character for character (so positions still match)."""
    parts, at = [], 0
    for block in blocks:
        parts += [markdown[at : block.start], re.sub(r"[^\n]", " ", markdown[block.start : block.end])]
        at = block.end
    return "".join(parts + [markdown[at:]])


def _inline_pieces(markdown: str, text: str, number: int, columns: int) -> list[_Piece]:
    """The values, the numbers in tables and the images' alt text in `text` (the page with its raw blocks
    blanked out) that may be taken out, each with its stand-in, numbered on from `number`."""
    found = [(m.start(), m.end(), "value") for m in _VALUE.finditer(text) if not _in_heading(text, m.start(), m.end())]
    found += [(start, end, "cell") for start, end in _table_numbers(text, columns)]
    found += [(m.start(1), m.end(1), "alt") for m in _ALT.finditer(text)]
    out = []
    for start, end, kind in sorted(found):
        if out and start < out[-1].end:
            continue  # within a piece already taken
        number += 1
        piece = markdown[start:end]
        if kind == "alt":
            out.append(_Piece(start, end, piece, f"{_STAND_IN}{number}", number, sample=_ALT_SAMPLE))
            continue
        stand_in = _value_stand_in(piece, number) if kind == "value" else f"[{_masked(piece)}](#{_STAND_IN}{number})"
        if stand_in is not None:
            out.append(_Piece(start, end, piece, stand_in, number))
    return out


def _in_heading(text: str, start: int, end: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    if text[line_start:start].lstrip().startswith("#"):
        return True
    line_end = text.find("\n", end)
    if line_end < 0:
        return False
    following = text.find("\n", line_end + 1)
    return bool(_SETEXT.fullmatch(text[line_end + 1 : following if following >= 0 else len(text)]))


def _value_stand_in(original: str, number: int) -> str | None:
    """A link as long as the value's, its text the value's with each digit a 0, pointing at a unique anchor."""
    if _width(original) != len(original):
        return None  # pandoc counts such a character as two columns or none: the lengths would not match
    head = f'[{_masked(_VALUE.match(original).group(1))}](#{_STAND_IN}{number} "'
    tail = '"){.sw-value}'
    padding = len(original) - len(head) - len(tail)
    return None if padding < 1 else head + "x" * padding + tail


def _masked(text: str) -> str:
    """`text` with each digit a 0: as long, and still a number where it was one (the print layout aligns those)."""
    return re.sub(r"[0-9]", "0", text)


def _width(text: str) -> int:
    """How many columns pandoc counts `text` as (a wide character two, a combining one none)."""
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _columns(args: list[str]) -> int:
    """The line length pandoc measures tables against (--columns, 72 by default)."""
    given = [a.split("=", 1)[1] for a in args if a.startswith("--columns=")]
    return int(given[-1]) if given and given[-1].isdigit() else 72


def _table_numbers(text: str, columns: int) -> list[tuple[int, int]]:
    """Where a number stands alone in a body cell of one of `text`'s pipe tables.

    Only in a table with a line longer than `columns`: pandoc then takes its
    column widths from the dashes of the rule under its header, which a longer
    stand-in cannot change.
    """
    out = []
    for table in _PIPE_TABLE.finditer(text):
        lines = table.group(0).split("\n")
        if len(lines) < 3 or "`" in table.group(0) or max(_width(line) for line in lines) <= columns:
            continue
        at = table.start() + len(lines[0]) + len(lines[1]) + 2  # the body, after the header and its rule
        for line in lines[2:]:
            for cell in _CELL.finditer(line):
                content = cell.group(1)
                number = content.strip()
                if _NUMBER.fullmatch(number):
                    begin = at + cell.start(1) + len(content) - len(content.lstrip())
                    out.append((begin, begin + len(number)))
            at += len(line) + 1
    return out


def _pieces_text(texts: list[str]) -> str:
    """The pieces as one document: each twice, within a line and at the start of one, between markers."""
    paragraphs = []
    for number, text in enumerate(texts):
        paragraphs.append(f"{_MARK}a{number} {text} {_MARK}z{number}")
        paragraphs.append(f"{_MARK}b{number}\n{text} {_MARK}y{number}")
    return "\n\n".join(paragraphs) + "\n"


def _read_pieces(converted: str, count: int) -> list[tuple[str, str] | None]:
    """How each piece is written within a line and at a line's start, read from `_pieces_text`'s conversion."""
    out = []
    for number in range(count):
        within = re.search(rf"{_MARK}a{number} (.*?) {_MARK}z{number}(?!\d)", converted, re.DOTALL)
        starting = re.search(rf"{_MARK}b{number}[ \n](.*?) {_MARK}y{number}(?!\d)", converted, re.DOTALL)
        out.append((within.group(1), starting.group(1)) if within and starting else None)
    return out


def _alike(rendering: tuple[str, str] | None) -> bool:
    """Whether a piece is written alike within a line and at a line's start."""
    return rendering is not None and rendering[0] == rendering[1]


def _difference(first: str, second: str) -> tuple[str, str]:
    """What differs between two texts: each without what both begin and end with."""
    start = 0
    while start < min(len(first), len(second)) and first[start] == second[start]:
        start += 1
    end = 0
    while end < min(len(first), len(second)) - start and first[-1 - end] == second[-1 - end]:
        end += 1
    return first[start : len(first) - end], second[start : len(second) - end]


def _frame(markdown: str, pieces: list[_Piece]) -> str:
    """The page with each of `pieces` replaced by its stand-in."""
    parts, at = [], 0
    for piece in sorted(pieces, key=lambda piece: piece.start):
        parts += [markdown[at : piece.start], piece.stand_in]
        at = piece.end
    return "".join(parts + [markdown[at:]])


def _put_back(converted: str, to: str, blocks: list[_Piece], swaps: dict[str, str]) -> str | None:
    """The frame's conversion with each piece in the place of its stand-in; None if a stand-in is not found
    exactly as often as expected (once; a raw block's on a line of its own, never where the writer drops it)."""
    real, expected = dict(swaps), dict.fromkeys(swaps, 1)
    block_patterns = []
    for block in blocks:
        line = f"{_STAND_IN}{block.number}"
        real[line], expected[line] = block.markdown, int(block.raw_format in _KEPT_BY.get(to, (to,)))
        block_patterns.append(rf"(?<![^\n]){re.escape(line)}(?![^\n])")
    pattern = re.compile("|".join([re.escape(text) for text in sorted(swaps, key=len, reverse=True)] + block_patterns))
    found = list(pattern.finditer(converted))
    counts = dict.fromkeys(expected, 0)
    for match in found:
        counts[match.group(0)] += 1
    if counts != expected:
        return None
    parts, at = [], 0
    for match in found:
        parts += [converted[at : match.start()], real[match.group(0)]]
        at = match.end()
    out = "".join(parts + [converted[at:]])
    return None if _STAND_IN in out else out


class _Renderings:
    """How pandoc writes each piece of one page with its settings, kept in one sealed file for the page and format
    (the pages convert at once, each in a thread of its own: one file each, so none overwrites another's)."""

    def __init__(self, folder: Path, page: str, to: str, args: list[str]) -> None:
        self.path = folder / f"pieces-{sha(json.dumps([page, to, args]).encode())}.json"

    def get(self, texts: list[str], convert: Callable[[list[str]], str]) -> dict[str, tuple[str, str] | None]:
        """Each text as written within a line and at a line's start, converting in one run those not kept."""
        kept_text = read_verified(self.path)
        kept = json.loads(kept_text) if kept_text else {}
        missing = list(dict.fromkeys(text for text in texts if text not in kept))
        if missing:
            kept.update(zip(missing, _read_pieces(convert(missing), len(missing))))
            wanted = set(texts)
            # This page's pieces and, while the file stays small, those of the page's versions before.
            if len(kept) > 2 * len(wanted) + 200:
                kept = {text: kept[text] for text in wanted}
            write_verified(self.path, json.dumps(kept))
        return {text: None if kept[text] is None else tuple(kept[text]) for text in texts}
