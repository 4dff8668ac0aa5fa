"""The print layout keeps a chart with what belongs to it: a small book through the real template and filter."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pypandoc
import typst

from swbook.pdf import _TEMPLATE, LAYOUT, PDF_STANDARD

_CHART = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="{height}" viewBox="0 0 400 {height}">'
    '<rect width="400" height="{height}" fill="#12436D"/></svg>'
)


def _book(tmp_path: Path, body: str) -> list[str]:
    """The text of each page of `body` set as a book chapter (markdown through pandoc and Typst)."""
    typ = pypandoc.convert_text(
        body,
        "typst",
        format="markdown",
        extra_args=[
            "--standalone",
            f"--template={_TEMPLATE}",
            f"--lua-filter={LAYOUT}",
            "--metadata=title:A book",
            "--metadata=pagetitle:A book",
        ],
    )
    source = tmp_path / "book.typ"
    source.write_text(typ, encoding="utf-8")
    pdf, warnings = typst.compile_with_warnings(str(source), root="/", pdf_standards=PDF_STANDARD)
    assert not [w for w in warnings if "converge" in str(w) or "stabilize" in str(w)], "the layout settles"
    (tmp_path / "book.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(tmp_path / "book.pdf"), "-"], capture_output=True, text=True).stdout
    return text.split("\f")


def _chart(tmp_path: Path, name: str, height: int) -> str:
    path = tmp_path / f"{name}.svg"
    path.write_text(_CHART.format(height=height), encoding="utf-8")
    return str(path)


PROSE = " ".join(["Social workers were asked how often they were supervised and by whom."] * 6)


def test_a_chart_that_does_not_fit_moves_on_with_its_notice_and_the_text_fills_the_page(tmp_path):
    chart = _chart(tmp_path, "tall", 520)
    body = (
        "# First chapter\n\n" + "\n\n".join([PROSE] * 5) + "\n\n"
        f'![A tall chart of supervision]({chart}){{#fig-tall width=400pt fig-alt="A tall blue block standing for a chart."}}'
        "\n\n**Corrected on 1 December 2026:** the two columns were read the wrong way round.\n\n"
        "After the chart comes more text that should fill the page the chart left.\n\n"
        "# Second chapter\n\nThe next chapter.\n"
    )
    pages = _book(tmp_path, body)
    chart_page = next(i for i, page in enumerate(pages) if "A tall chart of supervision" in page)
    assert "Corrected on 1 December 2026" in pages[chart_page], "the correction stands on the chart's page"
    before = next(i for i, page in enumerate(pages) if "After the chart comes more text" in page)
    assert before < chart_page, "the text after a chart that does not fit runs on above it, no gap is left"
    assert "The next chapter" not in pages[chart_page], "a chart never leaves its chapter"
    assert re.search(r"Figure 1\.1", pages[chart_page]), "figures are numbered by their chapter"
