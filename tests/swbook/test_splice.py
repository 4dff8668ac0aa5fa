"""A page converted by parts (its frame, then its numbers and figures put back) is exactly pandoc's page."""

from __future__ import annotations

from pathlib import Path

import pypandoc
import pytest

from swbook import splice
from swbook.html import CALLOUTS, READER
from swbook.pdf import CORRECTIONS, LAYOUT, LINKS

HTML_ARGS = ["--wrap=none", "--section-divs", "--toc", f"--lua-filter={CALLOUTS}", "--metadata=title:T"]
TYPST_ARGS = [
    f"--lua-filter={CALLOUTS}",
    f"--lua-filter={LINKS}",
    f"--lua-filter={LAYOUT}",
    f"--lua-filter={CORRECTIONS}",
    "--wrap=preserve",
    "--metadata=swbook-site-url:",
    "--metadata=swbook-page-dir:chapters",
]
FORMATS = [("html5", HTML_ARGS), ("typst", TYPST_ARGS)]


def value(text: str, line: int = 283, tooltip: str = "") -> str:
    """A value as `swsurveys.values.Value` writes it."""
    tooltip = tooltip or f"Printed '{text}': 2010 Ofsted practitioner survey, line {line}"
    return f'[{text}](../sources/ofsted-2010.html#L{line} "{tooltip}"){{.sw-value}}'


def page(agree: str, disagree: str, staying: bool = True) -> str:
    """A page with its numbers in every place a chapter puts them (and, if `staying`, in two places they stay)."""
    figure = (
        "````{=html}\n"
        f'<div class="sw-chart" aria-label="Agree {agree}, disagree {disagree}">\n\n'
        f'<script type="application/json">{{"values": [{agree}, {disagree}]}}</script>  \n</div>\n'
        "````"
    )
    long_label = "My workplace induction covered what I needed to know in relation to safeguarding children"
    return "\n".join(
        [
            "````{=typst}",
            "#chapter-start(4)",
            "````",
            "",
            "# Induction {#sec-induction}",
            "",
            f"{value(agree + '%')} agreed that their induction covered safeguarding, and {value(disagree + '%')} did not.",
            f"{value(disagree + '%')} disagreed, at the start of a line.",
            f"Negative at a line's start:\n{value('-' + disagree, tooltip='a change')} points." if staying else "",
            f"In brackets ({value(agree + '%')}) and quoted '{value(agree + '%')}'.",
            "",
            f"## The {value(agree + '%')} who agreed" if staying else "## Who agreed",
            "",
            "- A list item with a value:",
            f"  {value(disagree + '%')} in it.",
            "",
            figure,
            "",
            f'![Induction, 2010](/tmp/figure.svg){{#fig-induction width=433.7pt fig-alt="Agree {agree}%, disagree {disagree}%."}}',
            "",
            "| Statement | Agree | Disagree | Line |",
            "|:--|--:|--:|--:|",
            f"| {long_label} | {agree} | {disagree} | [283](../sources/ofsted-2010.html#L283) |",
            f"| Short | {value(agree + '%')} | {disagree}% | 284 |",
            "",
            "| A | B |",
            "|---|---|",
            f"| a table whose lines all fit in pandoc's columns | {agree if staying else 'none'} |",
            "",
            *simple_table(value(agree + "%")),
            "",
            "::: {.callout-note title='Main points'}",
            f"- **Induction.** {value(agree + '%')} agreed.",
            ":::",
            "",
        ]
    )


def simple_table(cell: str) -> list[str]:
    """A simple table (its columns read from where the words stand) with `cell` under its first heading."""
    width = len(cell) + 2
    return ["Value".ljust(width) + "Note", "-" * (width - 1) + " " + "-" * 5, cell.ljust(width) + "first"]


def whole(text: str, to: str, args: list[str]) -> str:
    return pypandoc.convert_text(text, to, format=READER, extra_args=args)


class Pandoc:
    """pandoc, counting what it is given: the frames, and the rest."""

    def __init__(self, to: str) -> None:
        self.to, self.frames, self.others = to, [], []
        self.kept: dict[str, str] = {}

    def frame(self, text: str, args: list[str]) -> str:
        self.frames.append(text)
        if text not in self.kept:  # as the page cache keeps a frame's conversion
            self.kept[text] = whole(text, self.to, args)
        return self.kept[text]

    def other(self, text: str, args: list[str]) -> str:
        self.others.append(text)
        return whole(text, self.to, args)


@pytest.mark.parametrize(("to", "args"), FORMATS)
def test_a_page_converted_by_parts_is_the_page_pandoc_makes_of_it_whole(tmp_path: Path, to, args):
    pandoc = Pandoc(to)
    for agree, disagree in (("51", "27"), ("27", "51"), ("9", "100")):
        text = page(agree, disagree)
        assert splice.convert(text, to, args, pandoc.frame, pandoc.other, tmp_path, "page", "v1") == whole(
            text, to, args
        )
        assert text not in pandoc.others, "converted by parts, not whole"


@pytest.mark.parametrize(("to", "args"), FORMATS)
def test_a_swapped_value_reuses_the_frame_and_converts_only_the_new_numbers(tmp_path: Path, to, args):
    pandoc = Pandoc(to)
    splice.convert(page("51", "27", staying=False), to, args, pandoc.frame, pandoc.other, tmp_path, "page", "v1")
    pandoc.others.clear()
    fixed = page("27", "51", staying=False)
    assert splice.convert(fixed, to, args, pandoc.frame, pandoc.other, tmp_path, "page", "v1") == whole(fixed, to, args)
    assert len(set(pandoc.frames)) == 1, "the fix left the frame as it was, and its conversion was reused"
    assert len(pandoc.others) == 1 and len(pandoc.others[0]) < len(fixed) / 2, (
        "one small conversion, of the numbers not seen before"
    )


def test_what_cannot_be_taken_out_stays_in_the_frame(tmp_path: Path):
    text = page("51", "27")
    blocks = splice._raw_blocks(text)
    pieces = splice._inline_pieces(text, splice._blank(text, [(b.start, b.end) for b in blocks]), len(blocks), 72)
    taken = {piece.markdown for piece in pieces}
    assert value("51%") in taken and "51" in taken and "27%" in taken and "Agree 51%, disagree 27%." in taken
    frame = splice._frame(text, blocks + pieces)
    assert f"## The {value('51%')} who agreed" in frame, "a value in a heading makes its identifier"
    assert "| a table whose lines all fit in pandoc's columns | 51 |" in frame, (
        "the widths of a table of short lines would change with a longer cell"
    )
    pandoc = Pandoc("typst")
    converted = splice.convert(text, "typst", TYPST_ARGS, pandoc.frame, pandoc.other, tmp_path, "page", "v1")
    assert "\\-27" in converted, "Typst escapes a '-' at a line's start: that value stayed in its place"
    assert "-27" not in pandoc.frames[0].replace(value("-27", tooltip="a change"), ""), "only that one"


def test_a_frame_whose_stand_ins_pandoc_does_not_write_as_expected_is_converted_whole(tmp_path: Path):
    text = page("51", "27")
    pandoc = Pandoc("html5")

    def mangled(frame: str, args: list[str]) -> str:
        return pandoc.frame(frame, args).replace(f"{splice._STAND_IN}2\n", "", 1)  # the figure lost

    assert splice.convert(text, "html5", HTML_ARGS, mangled, pandoc.other, tmp_path, "page", "v1") == whole(
        text, "html5", HTML_ARGS
    )
    assert pandoc.others[-1] == text, "the page was converted whole"


V = value("51%")
# Places where pandoc reads a value, a number or a raw block by what stands around it (found in review).
AROUND = {
    "a heading in a quotation": f"> # Rate {V} agreed\n\n- # Rate {V} in a list\n",
    "an image's caption (its alt text too)": f"![Rate {V} agreed](fig.svg){{fig-alt='An alt'}}\n",
    "a short pipe table with a narrow rule": f"| Statement | Agree |\n|:--|--:|\n| Short | {V} |\n",
    "a multiline table's middle row": "\n".join(
        [
            "-" * 130,
            "Value" + " " * 120 + "Note",
            "-" * 124 + " -----",
            f"{V.ljust(125)}first",
            "",
            f"{V.ljust(125)}second",
            "-" * 130,
            "",
        ]
    ),
    "a raw block with a tab": "```{=html}\n<script>\n\tvar x = 1;\n</script>\n```\n\nAfter.\n",
    "superscript and subscript marks": f"Squared: ^{V}^ here. Index ~{V}~ here.\n",
    "a raw block shown as code": "````\n```{=html}\n<b>x</b>\n```\n````\n",
    "alt text in a code span": '`![C](c.svg){fig-alt="Agree, in 2010\'s survey"}`\n',
    "a raw block closed by a longer fence": "```{=html}\n<b>x</b>\n````\n\nText\n\n```\ncode\n```\n",
    "a table with a soft hyphen": "| Statement | N |\n|---|---|\n| " + "x" * 64 + "\u00ad | 1 |\n",
}


@pytest.mark.parametrize("case", sorted(AROUND))
@pytest.mark.parametrize(("to", "args"), FORMATS)
def test_what_pandoc_reads_by_its_surroundings_comes_out_as_the_whole_page_does(tmp_path: Path, to, args, case):
    text = AROUND[case]
    pandoc = Pandoc(to)
    assert splice.convert(text, to, args, pandoc.frame, pandoc.other, tmp_path, "page", "v1") == whole(text, to, args)


def test_a_pieces_file_of_another_shape_is_made_again(tmp_path: Path):
    from swbook.sealed import write_verified

    text = page("51", "27")
    pieces_args = [a for a in HTML_ARGS if not a.startswith(splice._WHOLE_PAGE)]
    path = splice._Renderings(tmp_path, "page", "html5", pieces_args, "v1").path
    write_verified(path, '{"[51%](x)": ["an older shape", null]}')  # as an earlier version of this code wrote
    pandoc = Pandoc("html5")
    assert splice.convert(text, "html5", HTML_ARGS, pandoc.frame, pandoc.other, tmp_path, "page", "v1") == whole(
        text, "html5", HTML_ARGS
    )
    assert splice._Renderings(tmp_path, "page", "html5", pieces_args, "v2").path != path, "kept per code version"
