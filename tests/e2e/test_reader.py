"""What a reader meets first: main points, one name per source, plain words and a glossary."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import yaml

import swsurveys
from swsurveys import crosswalk

SURVEY_CHAPTERS = ["swtf-2009", "ofsted-2010", "ofsted-2012", "lga-2018", "ircsc-2021"]
INTERNAL = re.compile(r"\b(?:swtf-2009|ofsted-201[02]|lga-2018|ircsc-2021)\b|\b[\w./-]+\.(?:csv|json|txt)\b|\bdata/\w")
VALUE_LINK = re.compile(r'<a href="[^"]*sources/[\w-]+\.html[^"]*#L\d+"[^>]*class="sw-value')
CROSS_REF = re.compile(r'<a href="[^"]*">(?:Chapter|Section|Appendix|Figure|Table) [\w.]+</a>')
GLOSSARY_LINK = re.compile(r'href="(?:chapters/)?glossary\.html#(sec-gloss[\w-]*)"')


class RunningText(HTMLParser):
    """The text a reader sees in a page's <main>: no scripts, no link targets, no navigation."""

    SKIP = {"script", "style", "nav", "svg"}

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0  # inside <main>
        self.skipping = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.depth += 1
        elif self.depth and tag in self.SKIP:
            self.skipping += 1

    def handle_endtag(self, tag):
        if tag == "main":
            self.depth -= 1
        elif self.depth and tag in self.SKIP:
            self.skipping -= 1

    def handle_data(self, data):
        if self.depth and not self.skipping:
            self.parts.append(data)


def running_text(page: Path) -> str:
    parser = RunningText()
    parser.feed(page.read_text(encoding="utf-8"))
    return " ".join(" ".join(parser.parts).split())


def chapter_pages(built: Path) -> tuple[list[Path], list[Path]]:
    """The built pages of the book's chapters (preface included) and of its appendices, from _quarto.yml."""
    config = yaml.safe_load((built / "_quarto.yml").read_text(encoding="utf-8"))["book"]
    appendices = [built / "_book" / Path(p).with_suffix(".html") for p in config["appendices"]]
    chapters = []
    for entry in config["chapters"]:
        for item in entry["chapters"] if isinstance(entry, dict) else [entry]:
            chapters.append(built / "_book" / Path(item).with_suffix(".html"))
    return chapters, appendices


def main_points(page: Path) -> str:
    """The main-points box of a page, which must come before its first section."""
    html = page.read_text(encoding="utf-8")
    start = html.find('class="callout-note main-points')
    assert start > 0, f"{page.name}: no main points"
    first_section = html.find("<h2", html.find("<main"))
    assert start < first_section, f"{page.name}: the main points are not at the top"
    return html[start : html.find("</ul>", start)]


def test_the_preface_and_every_survey_chapter_open_with_linked_main_points(built):
    pages = {"index": built / "_book/index.html"} | {s: built / f"_book/chapters/{s}.html" for s in SURVEY_CHAPTERS}
    for name, page in pages.items():
        box = main_points(page)
        items = re.findall(r"<li>(.*?)</li>", box, flags=re.S)
        assert (5 <= len(items) <= 8) if name == "index" else (3 <= len(items) <= 6), (name, len(items))
        # Years and cross-references ("Chapter 8") are not data; any other number must be a linked value.
        with_numbers = [
            item for item in items if re.search(r"\d", re.sub(r"<[^>]+>|20[0-2]\d", "", CROSS_REF.sub("", item)))
        ]
        for item in with_numbers:  # every number a main point shows links to its source line
            assert VALUE_LINK.search(item), (name, item[:120])
        assert len(with_numbers) >= 3, name
    for slug in SURVEY_CHAPTERS:  # the first point says who was asked, and when
        first = re.sub(
            r"<[^>]+>",
            "",
            re.findall(r"<li>(.*?)</li>", main_points(built / f"_book/chapters/{slug}.html"), flags=re.S)[0],
        )
        assert first.startswith("Who and when.") and re.search(r"20[0-2]\d", first), slug


def test_no_internal_id_or_data_file_name_in_the_running_text_outside_the_appendices(built):
    chapters, appendices = chapter_pages(built)
    assert appendices and all(page.exists() for page in chapters)
    for page in chapters:
        found = sorted(set(INTERNAL.findall(running_text(page))))
        assert not found, f"{page.relative_to(built)} shows {found} to the reader"


def test_the_internal_id_check_can_fail(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        "<main><p>Every link is a row of <code>data/crosswalk.csv</code> for swtf-2009.</p>"
        '<a href="../sources/swtf-2009.html#L3">63%</a></main>',
        encoding="utf-8",
    )
    assert sorted(set(INTERNAL.findall(running_text(page)))) == ["data/crosswalk.csv", "swtf-2009"]


def test_each_source_has_one_name_in_titles_tables_and_legends(built):
    names = swsurveys.surveys()["short_title"]
    chapters, _ = chapter_pages(built)
    everything = "\n".join(page.read_text(encoding="utf-8") for page in chapters)
    for slug, name in names.items():
        title = re.search(
            r'<h1 class="chapter-title">(.*?)</h1>', (built / f"_book/chapters/{slug}.html").read_text(encoding="utf-8")
        ).group(1)
        assert name in title, (slug, title)  # the chapter title uses the name
        assert everything.count(name) >= 5, slug  # and so do tables and legends
    for retired in ("2012 Ofsted support inspection", "Ofsted questionnaire and inspection"):
        assert retired not in everything
    spec_sources = set(
        re.findall(
            r'"source":"([^"]+)"', (built / "_book/chapters/across-supervision.html").read_text(encoding="utf-8")
        )
    )
    assert spec_sources and spec_sources <= set(names)  # chart legends and tooltips


def test_who_answered_is_in_plain_words(built):
    preface = built / "_book/index.html"
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", preface.read_text(encoding="utf-8"), flags=re.S)
    cells = [
        re.sub(r"<[^>]+>", "", cell).strip() for row in rows for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    ]
    assert not {"practitioners", "inspection", "employers"} & set(cells)
    assert set(crosswalk.POPULATION.values()) <= set(cells)


def test_the_glossary_defines_the_book_terms_and_the_chapters_link_to_it(built):
    page = built / "_book/chapters/glossary.html"
    html = page.read_text(encoding="utf-8")
    assert re.search(r'<h1 class="chapter-title">.*Glossary</h1>', html)
    terms = re.findall(r"<dt>(.*?)</dt>", html, flags=re.S)
    for term in [
        "CSD",
        "DASS",
        "PVI",
        "derived",
        "x",
        "z",
        "c",
        "low",
        "u",
        "clean",
        "garbled",
        "prose",
        "lost",
        *crosswalk.COMPARABILITY_LABEL.values(),
        *crosswalk.KIND_LABEL.values(),
    ]:
        assert term in terms, term
    anchors = set(re.findall(r'id="(sec-gloss[\w-]*)"', html))
    linked_from = {}
    chapters, _ = chapter_pages(built)
    for chapter in chapters:
        for anchor in GLOSSARY_LINK.findall(chapter.read_text(encoding="utf-8")):
            assert anchor in anchors, (chapter.name, anchor)  # every link lands on its definition
            linked_from.setdefault(chapter.stem, set()).add(anchor)
    for chapter in ("swtf-2009", "ofsted-2012", "sources-compared", "at-a-glance"):
        assert chapter in linked_from, chapter
    assert "sec-gloss-settings" in linked_from["swtf-2009"] and "sec-gloss-quality" in linked_from["sources-compared"]


def test_values_not_on_a_charts_axes_are_readable_page_text_under_it(built):
    html = (built / "_book/chapters/across-supervision.html").read_text(encoding="utf-8")
    figure_end = html.find("</div>", html.find('id="fig-across-supervision"'))
    listed = html.find("Not on the chart", figure_end)
    assert (
        listed > 0
        and "in their own words"
        not in html[html.find('class="sw-spec"') : html.find("</script>", html.find('class="sw-spec"'))]
    )
    words = html[listed : html.find("</ul>", listed)]
    assert "not enough time for supervision" in words and VALUE_LINK.search(words)
