"""Convert a page by parts: pandoc converts its words once, and the numbers and figures a fix changes are put in after.

A one-value fix changes a page's numbers (its `.sw-value` links, the numbers in
its tables, its images' alt text) and the figures that plot them (raw blocks),
not its words; yet pandoc took a tenth of a second or more to read each
changed page again, for each format. Here each such piece is replaced by a
stand-in before pandoc sees the page, so that the page with its stand-ins (its
*frame*) is the same after the fix and its conversion is reused. How pandoc
writes each piece and each stand-in is learnt from a small conversion of the
pieces alone, each in a paragraph of its own, and kept, so a piece seen before
costs nothing (a raw block needs none: a writer copies it). Each piece is then
put in the place of its stand-in in the converted frame.

The result is exactly what pandoc makes of the whole page, or the whole page is
converted as before. A piece is given a stand-in only where that cannot
change the conversion of the rest:

- a value's stand-in is a link with the same text shape (its digits as 0s),
  so the alignment of numbers and the print layout's column measures come out
  the same; in a table it is as long as the value, and a number alone in a
  table cell is taken out only in a pipe table with a line longer than
  pandoc's columns (pandoc then reads its widths from the rule under its
  header, which a longer cell cannot change);
- a value in a heading stays (its words make the heading's identifier);
- a piece the frame shows at the start of a line stays, and the frame is
  converted again, if pandoc writes it differently there than within a line
  (Typst escapes a leading "-" or "1." there; HTML has nothing to escape).

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
_RAW = re.compile(r"^(`{3,})\{=([A-Za-z0-9_-]+)\}\n(.*?)\n\1`*[ \t]*$", re.MULTILINE | re.DOTALL)
# Code the page shows: a fenced block that is not a raw one (up to a fence at least as long), or a code span.
_CODE_BLOCK = re.compile(r"^[ \t]*(`{3,}|~{3,})(?![`~{]).*?\n.*?^[ \t]*\1[`~]*[ \t]*$", re.MULTILINE | re.DOTALL)
_CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)", re.DOTALL)
_SETEXT = re.compile(r"(=+|-+)[ \t]*")
# A table's rule line: dashes (or = or +) with spaces, colons or bars between (pipe, simple, multiline, grid).
_RULE = re.compile(r"^(?=[^\n]*[-=])[ \t]*[-=+:|][-=+:| \t]*$", re.MULTILINE)
_HEADING = re.compile(r"^[ \t]*#", re.MULTILINE)
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
# Writers that write a piece alike wherever it stands (HTML has no markup a line's start could make); for the
# others, a piece the frame shows at a line's start is converted there too (see `convert`).
_CONTEXT_FREE = {"html", "html5"}
# Settings that change a page as a whole, never how a piece in a paragraph is written: left out of the pieces' run.
_WHOLE_PAGE = ("--standalone", "--template=", "--toc", "--citeproc", "--bibliography=", "--number-", "--variable=")
_MARK = "swbkq"  # markers around the pieces in their own conversion (a plain word every writer copies)
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
    markdown: str,
    to: str,
    args: list[str],
    frame_pandoc: Pandoc,
    pandoc: Pandoc,
    folder: Path,
    page: str,
    version: str,
) -> str:
    """pandoc's `to` output for `markdown` with `args`, its frame and its pieces converted apart.

    `frame_pandoc(text, args)` converts the frame (its caller keeps those
    conversions), `pandoc(text, args)` converts any other text; how pandoc
    writes each piece of `page` is kept in `folder`, under `version` (of the
    code, its filters and pandoc).
    """
    if not {"--wrap=none", "--wrap=preserve"} & set(args):
        return pandoc(markdown, args)  # pandoc would wrap lines by their length, which a stand-in changes
    raw = _raw_blocks(markdown)
    text = _blank(markdown, [(b.start, b.end) for b in raw])
    # Code the page shows, found once its raw blocks are blanked (a raw block's own fences are not code).
    code = [(m.start(), m.end()) for m in _CODE_BLOCK.finditer(text)]
    # A raw block is copied by its writer as it stands, but for tabs and carriage returns (made spaces).
    blocks = [b for b in raw if not _overlaps(b.start, b.end, code) and not {"\t", "\r"} & set(b.markdown)]
    text = _blank(text, code)
    text = _blank(text, [(m.start(), m.end()) for m in _CODE_SPAN.finditer(text)])
    inline = _inline_pieces(markdown, text, len(raw), _columns(args))
    if not blocks and not inline:
        return pandoc(markdown, args)
    piece_args = [a for a in args if not a.startswith(_WHOLE_PAGE)]
    renderings = _Renderings(folder, page, to, piece_args, version)

    def written(texts: list[str], where: str) -> dict[str, str | None]:
        return renderings.get(texts, where, lambda missing: pandoc(_pieces_text(missing, where), piece_args))

    within = written([sample for piece in inline for sample in piece.samples], "within")
    swaps = {}  # each stand-in as the frame's conversion writes it -> its piece as the page's would
    stand_ins = {}  # each piece taken out -> its stand-in as the frame's conversion writes it
    for piece in inline:
        real, stand_in = (within[sample] for sample in piece.samples)
        if real is None or stand_in is None or _STAND_IN in real or _MARK in piece.markdown:
            continue
        piece_written, instead = _difference(real, stand_in)
        if f"piece-{piece.number}" in instead and instead not in swaps:
            swaps[instead], stand_ins[piece] = piece_written, instead
    taken = list(stand_ins)

    def converted_frame() -> str:
        return frame_pandoc(_frame(markdown, blocks + taken), args)

    converted = converted_frame()
    if to not in _CONTEXT_FREE:
        # A piece the frame shows at a line's start must be written there as within a line (Typst escapes a
        # leading "-" or "1." there); one that is not stays in the page, and the frame is converted again.
        first = [piece for piece in taken if _at_line_start(converted, stand_ins[piece])]
        starting = written([sample for piece in first for sample in piece.samples], "starting")
        unlike = [piece for piece in first if any(starting[sample] != within[sample] for sample in piece.samples)]
        if unlike:
            taken = [piece for piece in taken if piece not in unlike]
            for piece in unlike:
                del swaps[stand_ins[piece]]
            converted = converted_frame()
    result = _put_back(converted, to, blocks, swaps)
    return pandoc(markdown, args) if result is None else result


def _at_line_start(converted: str, stand_in: str) -> bool:
    """Whether `stand_in` stands at the start of a line of `converted` (after its indent, if any)."""
    at = converted.find(stand_in)
    while at >= 0:
        if not converted[converted.rfind("\n", 0, at) + 1 : at].strip(" \t"):
            return True
        at = converted.find(stand_in, at + 1)
    return False


def _raw_blocks(markdown: str) -> list[_Piece]:
    out = []
    for number, match in enumerate(_RAW.finditer(markdown), start=1):
        stand_in = f"{match.group(1)}{{={match.group(2)}}}\n{_STAND_IN}{number}\n{match.group(1)}"
        out.append(_Piece(match.start(), match.end(), match.group(3), stand_in, number, match.group(2)))
    return out


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with each span blanked out, line breaks kept (so positions still match)."""
    parts, at = [], 0
    for start, end in sorted(spans):
        start = max(start, at)
        if end <= start:
            continue
        parts += [text[at:start], "\n".join(" " * len(line) for line in text[start:end].split("\n"))]
        at = end
    return "".join(parts + [text[at:]])


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < other_end and other_start < end for other_start, other_end in spans)


def _inline_pieces(markdown: str, prose: str, number: int, columns: int) -> list[_Piece]:
    """The values, the numbers in tables and the images' alt text of `markdown` that may be taken out, each with
    its stand-in, numbered on from `number`; found in `prose` (the page with its raw blocks and code blanked)."""
    found = [(m.start(), m.end(), "value") for m in _VALUE.finditer(prose) if _value_may_go(prose, m.start())]
    found += [(start, end, "cell") for start, end in _table_numbers(prose, columns)]
    found += [(m.start(1), m.end(1), "alt") for m in _ALT.finditer(prose)]
    out = []
    for start, end, kind in sorted(found):
        if out and start < out[-1].end:
            continue  # within a piece already taken
        number += 1
        piece = markdown[start:end]
        if kind == "alt":
            out.append(_Piece(start, end, piece, f"{_STAND_IN}{number}", number, sample=_ALT_SAMPLE))
            continue
        if kind == "value":
            stand_in = _value_stand_in(piece, number, padded=_in_table(prose, start))
        else:
            stand_in = f"[{_masked(piece)}](#{_STAND_IN}{number})"
        if stand_in is not None:
            out.append(_Piece(start, end, piece, stand_in, number))
    return out


def _block(text: str, at: int) -> tuple[int, int]:
    """Where the block (text between blank lines) that `at` stands in begins and ends."""
    start = text.rfind("\n\n", 0, at)
    end = text.find("\n\n", at)
    return (start + 1 if start >= 0 else 0), (end if end >= 0 else len(text))


def _value_may_go(text: str, at: int) -> bool:
    """Whether a value may be taken out of its place: not in a heading (its words make the heading's
    identifier), even one in a quotation or a list, and not in a block with an image (whose caption is its
    alt text too)."""
    line_start = text.rfind("\n", 0, at) + 1
    if re.match(r"[ \t>*+\-0-9.)]*#", text[line_start:at]):
        return False
    line_end = text.find("\n", at)
    if line_end >= 0:
        following = text.find("\n", line_end + 1)
        if _SETEXT.fullmatch(text[line_end + 1 : following if following >= 0 else len(text)]):
            return False
    start, end = _block(text, at)
    return "![" not in text[start:end]


def _in_table(text: str, at: int) -> bool:
    """Whether a value may stand in a table: a rule line (of a pipe, simple, multiline or grid table) in its
    block or since the last heading before it (a multiline table's rows are set apart by blank lines)."""
    start, end = _block(text, at)
    headings = [m.start() for m in _HEADING.finditer(text, 0, at)]
    return bool(_RULE.search(text, headings[-1] if headings else 0, end))


def _value_stand_in(original: str, number: int, padded: bool) -> str | None:
    """A link to a unique anchor with a title (the value's has one: a space inside, as `^…^` and `~…~` need to
    be none), its text the value's with each digit a 0; in a table, as long as the value's (pandoc reads a
    table's columns from its lines' lengths, or their positions)."""
    text = _masked(_VALUE.match(original).group(1))
    if not padded:
        return f'[{text}](#{_STAND_IN}{number} "x"){{.sw-value}}'
    if not _certain(original):
        return None  # a character pandoc may count as two columns, or none: the lengths might not match
    head = f'[{text}](#{_STAND_IN}{number} "'
    tail = '"){.sw-value}'
    padding = len(original) - len(head) - len(tail)
    return None if padding < 1 else head + "x" * padding + tail


def _masked(text: str) -> str:
    """`text` with each digit a 0: as long, and still a number where it was one (the print layout aligns those)."""
    return re.sub(r"[0-9]", "0", text)


def _certain(text: str) -> bool:
    """Whether pandoc counts each character of `text` as one column (not a wide one, nor one of no width)."""
    return all(
        ord(c) < 128 or (unicodedata.east_asian_width(c) not in "WF" and unicodedata.category(c) not in _NOT_ONE_COLUMN)
        for c in text
    )


_NOT_ONE_COLUMN = {"Mn", "Me", "Mc", "Cf", "Cc", "Cs", "Co", "Cn"}  # combining, format (soft hyphen, joiners), …


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
        if len(lines) < 3 or not _certain(table.group(0)) or max(len(line) for line in lines) <= columns:
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


def _pieces_text(texts: list[str], where: str) -> str:
    """The pieces as one document, each in a paragraph of its own between markers: within a line (after the
    opening marker), or at the start of one (after a line break)."""
    between = " " if where == "within" else "\n"
    return "\n\n".join(f"{_MARK}a{number}{between}{text} {_MARK}z{number}" for number, text in enumerate(texts)) + "\n"


def _read_pieces(converted: str, count: int) -> list[str | None]:
    """How each piece is written, read in one pass from `_pieces_text`'s conversion (None for a piece whose
    markers are not found once each, as it was given)."""
    marks: dict[tuple[str, int], list[int]] = {}
    for match in re.finditer(rf"{_MARK}([az])(\d+)", converted):
        marks.setdefault((match.group(1), int(match.group(2))), []).append(match.start())
    out = []
    for number in range(count):
        starts, ends = marks.get(("a", number), []), marks.get(("z", number), [])
        text = converted[starts[0] + len(f"{_MARK}a{number}") : ends[0]] if len(starts) == len(ends) == 1 else ""
        # One space or line break after the opening marker, one space before the closing one.
        out.append(text[1:-1] if len(text) >= 2 and text[0] in " \n" and text[-1] == " " else None)
    return out


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
        line = block.stand_in.split("\n")[1]  # the stand-in's content: one line
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
    """How pandoc writes each piece of one page with its settings, within a line and at a line's start, kept in
    one sealed file for the page and format (the pages convert at once, each in a thread of its own: one file
    each, so none overwrites another's)."""

    def __init__(self, folder: Path, page: str, to: str, args: list[str], version: str) -> None:
        self.path = folder / f"pieces-{sha(json.dumps([version, page, to, args]).encode())}.json"
        self._kept: dict | None = None  # the file, read once

    def get(self, texts: list[str], where: str, convert: Callable[[list[str]], str]) -> dict[str, str | None]:
        """Each text as written `where` ("within" a line or "starting" one), converting in one run those not kept.

        Asked "within" for all of the page's pieces, the file is then cut down to them if it has grown.
        """
        if self._kept is None:
            self._kept = _kept_renderings(read_verified(self.path))
        kept = self._kept
        missing = list(dict.fromkeys(text for text in texts if where not in kept.get(text, {})))
        if missing:
            for text, rendering in zip(missing, _read_pieces(convert(missing), len(missing))):
                kept.setdefault(text, {})[where] = rendering
            wanted = set(texts)
            # This page's pieces and, while the file stays small, those of the page's versions before.
            if where == "within" and len(kept) > 2 * len(wanted) + 200:
                kept = self._kept = {text: kept[text] for text in wanted}
            write_verified(self.path, json.dumps(kept))
        return {text: kept[text][where] for text in texts}


def _kept_renderings(text: str | None) -> dict:
    """The renderings a pieces file holds, if it has the shape this code writes ({text: {where: str | None}})."""
    try:
        kept = json.loads(text) if text else {}
    except ValueError:
        return {}
    shaped = isinstance(kept, dict) and all(
        isinstance(where, dict) and all(isinstance(r, str) or r is None for r in where.values())
        for where in kept.values()
    )
    return kept if shaped else {}
