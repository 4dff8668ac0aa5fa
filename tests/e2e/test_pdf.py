"""The PDF reads as a statistics publisher would print it: one chart type size, tables that never overprint.

Chart text is found through the PDF's tags (PDF/UA-1): text marked inside a
`Figure` structure element is the chart's own; its printed size is the font
size times the scale of the text and graphics matrices in force.
"""

from __future__ import annotations

import functools
import re
import subprocess
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path

import pikepdf
from pypdf import PdfReader

from helpers import figure_content

CHART_TYPE = (7.0, 9.0)  # points: the agreed band for every text in a printed chart
# The A4 text block of templates/book.typ (21 x 29.7 cm less margins of 2.2 cm a side and 2.5 cm top and
# bottom), in points from the page's top-left corner: what a figure must fit and a page is measured against.
_CM = 72 / 2.54
TEXT_BLOCK = (2.2 * _CM, 2.5 * _CM, (21 - 2.2) * _CM, (29.7 - 2.5) * _CM)  # left, top, right, bottom
NEAR_EMPTY = 0.2  # a page whose text and figures reach less than this share down the text block


def _pdf(built: Path) -> Path:
    return next((built / "_book").glob("*.pdf"))


def _multiply(a: list[float], b: list[float]) -> list[float]:
    return [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]


@functools.lru_cache(maxsize=None)
def _parsed(pdf: Path) -> tuple[PdfReader, list[tuple[float, list]]]:
    """The PDF read once for all these tests: its reader and each page's height and drawing operations.

    The operations are read by qpdf (pikepdf), a tenth of pypdf's time on the book's million of them,
    as (operands, operator) with the operator as bytes (b"Tf").
    """
    with pikepdf.open(pdf) as document:
        pages = [
            (
                float(page.mediabox[3]) - float(page.mediabox[1]),
                [(i.operands, str(i.operator).encode()) for i in pikepdf.parse_content_stream(page)],
            )
            for page in document.pages
        ]
    return PdfReader(pdf), pages


@functools.lru_cache(maxsize=None)
def _figure_marks(pdf: Path) -> set[tuple[int, int]]:
    return figure_content(_parsed(pdf)[0])


def chart_text_sizes(pdf: Path, heights: dict[int, list[float]] | None = None) -> dict[int, list[float]]:
    """Page number -> the printed size (pt) of every text run tagged as part of a figure on it.

    With `heights`, also collect where on the page (pt from the top) each such run sits.
    """
    in_figure, pages = _figure_marks(pdf), _parsed(pdf)[1]
    sizes: dict[int, list[float]] = defaultdict(list)
    for index, (page_height, operations) in enumerate(pages):
        ctm, saved, tm, size, marks = [1.0, 0, 0, 1.0, 0, 0], [], [1.0, 0, 0, 1.0, 0, 0], 0.0, []
        for operands, operator in operations:
            if operator == b"q":
                saved.append(ctm)
            elif operator == b"Q":
                ctm = saved.pop()
            elif operator == b"cm":
                ctm = _multiply([float(x) for x in operands], ctm)
            elif operator == b"BT":
                tm = [1.0, 0, 0, 1.0, 0, 0]
            elif operator == b"Tm":
                tm = [float(x) for x in operands]
            elif operator == b"Tf":
                size = float(operands[1])
            elif operator == b"BDC":
                marks.append(operands[1].get("/MCID") if hasattr(operands[1], "get") else None)
            elif operator == b"BMC":
                marks.append(None)
            elif operator == b"EMC" and marks:
                marks.pop()
            elif operator in (b"Tj", b"TJ", b"'", b'"'):
                mcid = next((m for m in reversed(marks) if m is not None), None)
                if (index, mcid) in in_figure:
                    m = _multiply(tm, ctm)
                    sizes[index + 1].append(round(size * abs(m[0] * m[3] - m[1] * m[2]) ** 0.5, 2))
                    if heights is not None:
                        heights[index + 1].append(page_height - m[5])
    return sizes


def test_every_chart_sets_its_text_at_one_print_size(built):
    sizes = chart_text_sizes(_pdf(built))
    assert len(sizes) >= 20, "the figures' text is tagged inside Figure elements (PDF/UA-1)"
    low, high = CHART_TYPE
    wrong = {page: sorted({s for s in found if not low <= s <= high}) for page, found in sizes.items()}
    wrong = {page: found for page, found in wrong.items() if found}
    assert not wrong, f"chart text outside {low}-{high} pt (page: sizes): {wrong}"


def test_the_pdf_says_it_is_pdf_ua_with_alt_text_on_every_figure(built):
    reader = PdfReader(_pdf(built))
    metadata = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8", "replace")
    assert "pdfuaid" in metadata, "the PDF declares PDF/UA conformance"
    figures = []

    def visit(node) -> None:
        if not hasattr(node, "get"):
            return
        if node.get("/S") == "/Figure":
            figures.append(str(node.get("/Alt", "")))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [] if kids is None else [kids]:
            visit(kid.get_object() if hasattr(kid, "get_object") else kid)

    visit(reader.trailer["/Root"]["/StructTreeRoot"])
    assert len(figures) >= 20 and all(len(alt) > 20 for alt in figures), "every chart is read out by its alt text"


def test_the_pdf_is_dated_with_its_release_not_with_the_build(built):
    """A release's PDF is the same file from every build of it: its date is CITATION.cff's date-released."""
    info = subprocess.run(["pdfinfo", "-isodates", str(_pdf(built))], capture_output=True, text=True).stdout
    released = re.search(r'^date-released: "?([\d-]+)', (built / "CITATION.cff").read_text(encoding="utf-8"), re.M)
    assert re.search(rf"^CreationDate:\s+{released.group(1)}T00:00:00", info, re.M), info


class _Words(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.words: set[str] = set()

    def handle_data(self, data: str) -> None:
        self.words.update(re.findall(r"[A-Za-z]+", data))


@functools.lru_cache(maxsize=None)
def _words(pdf: Path) -> list[tuple[int, float, float, float, float, str]]:
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    words, page = [], 0
    for line in out.splitlines():
        if "<page " in line:
            page += 1
        found = re.search(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>', line)
        if found:
            words.append((page, *(float(found.group(i)) for i in range(1, 5)), found.group(5)))
    return words


def _chart_bands(pdf: Path) -> dict[int, list[tuple[float, float]]]:
    """Page number -> the vertical spans (pt from the top) its charts take, from their tagged text."""
    heights: dict[int, list[float]] = defaultdict(list)
    chart_text_sizes(pdf, heights)
    bands: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for page, found in heights.items():
        found.sort()
        top = previous = found[0]
        for y in found[1:] + [float("inf")]:
            if y - previous > 60:  # a gap taller than any chart's rows: the next chart
                bands[page].append((top - 12, previous + 4))
                top = y
            previous = y
    return bands


def test_no_table_header_or_other_words_overprint(built):
    # Chart labels are the charts' own business (tests/test_browser.py); here: the text and tables.
    bands = _chart_bands(_pdf(built))
    words = [
        w
        for w in _words(_pdf(built))
        if not any(top <= (w[2] + w[4]) / 2 <= bottom for top, bottom in bands.get(w[0], []))
    ]
    # Two words whose boxes overlap (beyond a hair of kerning) print on top of each other.
    by_page = defaultdict(list)
    for word in words:
        by_page[word[0]].append(word)
    clashes = []
    for page, found in by_page.items():
        found.sort(key=lambda w: (round(w[2]), w[1]))
        for i, a in enumerate(found):
            for b in found[i + 1 : i + 40]:
                across = min(a[3], b[3]) - max(a[1], b[1])
                down = min(a[4], b[4]) - max(a[2], b[2])
                if across > 1.0 and down > 0.5 * min(a[4] - a[2], b[4] - b[2]):
                    clashes.append((page, a[5], b[5]))
    assert not clashes, f"words printed over each other (page, word, word): {clashes[:10]}"
    # Text that runs into the next cell with no gap is read as one word ("PublisheRespondents"):
    # every word with a capital after a small letter must be one the HTML book prints too.
    parser = _Words()
    for page in (built / "_book").rglob("*.html"):
        parser.feed(page.read_text(encoding="utf-8"))
    # A word hyphenated at a line's end is read whole with its rest, the next word on a line below
    # ("work-" + "erMy" is the source's own "workerMy"); the next word on the same line is another cell's.
    whole, carried = [], None
    for w in words:
        if carried is not None and w[0] == carried[0] and w[2] >= carried[4] - 0.5:
            w = (*w[:5], carried[5].rstrip("\u00ad") + w[5])
        elif carried is not None:
            whole.append(carried[5].rstrip("\u00ad"))
        carried = None
        if w[5].endswith("\u00ad"):
            carried = w
        else:
            whole.append(w[5])
    joined = {
        token
        for text in whole
        for token in re.findall(r"[A-Za-z]+", text)
        if re.search(r"[a-z][A-Z]", token) and token not in parser.words
    }
    assert not joined, f"words run together in the PDF (one cell into the next?): {sorted(joined)[:10]}"


def placed_figures(pdf: Path) -> list[tuple[int, float, float, float, float, str]]:
    """(page, left, top, right, bottom, alt text) of every chart placed in the PDF, in points from the top left.

    Typst draws an SVG image inside a marked-content sequence that carries its
    alt text, clipped to the image's box: the first path of that sequence.
    """
    found = []
    for index, (height, operations) in enumerate(_parsed(pdf)[1]):
        alt, points = None, []
        for operands, operator in operations:
            if operator == b"BDC" and hasattr(operands[1], "get") and operands[1].get("/Alt"):
                alt, points = str(operands[1]["/Alt"]), []
            elif alt is None:
                continue
            elif operator in (b"m", b"l"):
                points.append((float(operands[0]), float(operands[1])))
            elif operator == b"re":
                x, y, w, h = (float(v) for v in operands)
                points += [(x, y), (x + w, y + h)]
            elif operator == b"W" and points:
                xs, ys = [x for x, _ in points], [y for _, y in points]
                found.append((index + 1, min(xs), height - max(ys), max(xs), height - min(ys), alt))
                alt = None
            elif operator not in (b"q", b"h", b"cm"):
                alt = None  # drawing began with no clip: not an image box
    return found


def test_every_figure_fits_the_text_block(built):
    figures = placed_figures(_pdf(built))
    assert len(figures) >= 20, "the charts are placed as tagged images with alt text"
    left, top, right, bottom = TEXT_BLOCK
    outside = [
        f"page {page}: {x1 - x0:.0f} x {y1 - y0:.0f} pt at ({x0:.0f}, {y0:.0f}) '{alt[:60]}'"
        for page, x0, y0, x1, y1, alt in figures
        if x0 < left - 0.5 or y0 < top - 0.5 or x1 > right + 0.5 or y1 > bottom + 0.5
    ]
    assert not outside, (
        f"figures outside the {right - left:.0f} x {bottom - top:.0f} pt text block "
        f"(charts.print_svg lays a chart out to fit it): {outside}"
    )


def test_no_page_is_near_empty_except_at_a_chapter_end(built):
    pdf = _pdf(built)
    left, top, right, bottom = TEXT_BLOCK
    pages = int(
        re.search(
            r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        ).group(1)
    )
    reach: dict[int, float] = defaultdict(lambda: top)  # page -> how far down the text block its content goes
    headed: set[int] = set()  # pages with a running head: a chapter's pages after its opening one
    for page, _, y0, _, y1, _ in _words(pdf):
        if y1 < top - 2:
            headed.add(page)
        elif y0 < bottom:  # not the page number in the footer
            reach[page] = max(reach[page], y1)
    for page, _, _, _, y1, _ in placed_figures(pdf):
        reach[page] = max(reach[page], y1)
    # A page followed by one of the same chapter (it has a running head) is not the chapter's last page.
    empty = [
        f"page {page}: {(reach[page] - top) / (bottom - top):.0%}"
        for page in range(1, pages)
        if page + 1 in headed and (reach[page] - top) / (bottom - top) < NEAR_EMPTY
    ]
    assert not empty, f"pages less than {NEAR_EMPTY:.0%} full in the middle of a chapter (page: how full): {empty}"


def test_no_cell_reads_just_a_bound_without_its_figure(built):
    # The 2018 text breaks "less than / 0.5 per cent" over two lines; its table cell once read just "less than".
    text = subprocess.run(["pdftotext", "-layout", str(_pdf(built)), "-"], capture_output=True, text=True).stdout
    cells = [cell.strip() for line in text.splitlines() for cell in re.split(r"\s{2,}", line)]
    assert "less than" not in cells, "a table cell in the PDF reads just 'less than'"
    page = (built / "_book/chapters/lga-2018.html").read_text(encoding="utf-8")
    assert not re.search(r"<td[^>]*>\s*less than\s*</td>", page), "a table cell in the web page reads just 'less than'"
    assert "less than 0.5 per cent (as the summary prints it)" in page, "the cell shows the figure the summary prints"
