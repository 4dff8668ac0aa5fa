"""The shared value module: every value a chapter prints links to its source line(s)."""

from __future__ import annotations

import csv
import re
import subprocess
from pathlib import Path

import pytest

import swsurveys
from helpers import ROOT
from swsurveys import crosswalk, values
from swsurveys.validate import validate


@pytest.fixture(autouse=True)
def in_chapters(monkeypatch):
    """Chapters run in their own folder, so links climb one level to the site's top."""
    monkeypatch.chdir(ROOT / "chapters")


def test_a_published_value_shows_as_printed_and_links_to_its_line():
    value = values.Source("ofsted-2010").pct("summary-all-questions", "Agree", question="Q6a)")
    assert str(value) == "20%"
    markdown = value._repr_markdown_()
    assert markdown.startswith("[20%](../sources/ofsted-2010.html#L301 ")
    assert "Printed '20'" in markdown and "line 301" in markdown


def test_a_value_keeps_the_precision_and_separators_the_source_printed():
    poll = values.Source("ircsc-2021")
    shown = {str(values.of(row)) for _, row in poll.table("q7-time-spent").iterrows() if row["value"] == row["value"]}
    assert "19.9%" in shown
    assert str(values.Source("swtf-2009").value("t2-1-age", "Total", measure="count")) == "1,153"


def test_a_verbal_quantity_shows_its_words():
    prose = swsurveys.load("ofsted-2010", "body-prose")
    word = values.printed(prose, "Agree", question="Q3)")
    assert str(word) == "just over half" and "#L145" in word._repr_markdown_()


def test_a_derived_value_links_every_line_and_says_how_it_was_made():
    linked = crosswalk.linked(["supervision"])
    value = crosswalk.value(linked, "Quality of supervision monitored", "ofsted-2012")
    markdown = value._repr_markdown_()
    assert value.derived and value.lines == (903, 904)
    assert "?lines=903,904#L903" in markdown and "Derived, not printed" in markdown
    assert 'data-lines="../sources/ofsted-2012.html#L903 ../sources/ofsted-2012.html#L904"' in markdown


def test_an_ambiguous_lookup_names_the_table_and_the_keys():
    with pytest.raises(LookupError, match=r"observations of summary-all-questions match .*expected exactly one"):
        values.Source("ofsted-2010").value("summary-all-questions", category=None, question="Q1)")


def test_derived_frames_carry_every_source_line():
    frame = swsurveys.load("ofsted-2012", "annex-a-social-workers")
    agree = swsurveys.derived.combine(frame, ["Strongly agree", "Agree"], "Agree (derived)")
    assert (agree["lines"].str.count(";") == 1).all() and agree["line"].notna().all()


# ------------------------------------------------------------------ the uncited-lines check


def test_every_raw_line_stating_a_quantity_is_cited_or_excluded():
    problems = [str(p) for p in validate() if "no observation cites" in str(p) or "exclusions" in str(p)]
    assert problems == []


def _drop_exclusion(data: Path, survey: str) -> str:
    path = data / "exclusions" / f"{survey}.csv"
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    dropped = rows.pop(1)
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return dropped[1]


def test_an_uncited_line_with_a_number_fails_naming_the_raw_line(data_copy):
    line = _drop_exclusion(data_copy, "ofsted-2010")
    found = [str(p) for p in validate(data_copy)]
    assert any(
        p.startswith(f"data/raw/ofsted-2010.txt:{line}: text: states a quantity that no observation cites")
        and "data/exclusions/ofsted-2010.csv" in p
        for p in found
    ), found[:3]


def test_a_stale_or_unexplained_exclusion_fails(data_copy):
    path = data_copy / "exclusions" / "ircsc-2021.csv"
    with path.open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(
            [
                ["ircsc-2021", "1", "heading", "a line that states no quantity"],
                ["ircsc-2021", "54", "restatement", "says nothing about where the value is stored"],
            ]
        )
    rows = sum(1 for _ in path.open(encoding="utf-8"))
    found = [str(p) for p in validate(data_copy)]
    assert any(p.startswith(f"data/exclusions/ircsc-2021.csv:{rows - 1}: line:") for p in found), found[:3]
    assert any(p.startswith(f"data/exclusions/ircsc-2021.csv:{rows}: ") for p in found), found[:3]


# ------------------------------------------------------------------ the built book

_NUMBER = re.compile(r"(?<![\w.#-])\d[\d,]*(?:\.\d+)?%?")
_YEAR = re.compile(r"^(19[5-9]\d|20[0-4]\d)$")
_SOURCE = re.compile(r"sources/[\w-]+\.html(\?lines=[\d,]+)?#L\d+")
_REFERENCE = re.compile(r"(?:^|/|\.html)#(fig|tbl|sec)-")
APPENDICES = ("data-dictionary", "source-list", "verification", "corrections")


def traced_share(page: str) -> tuple[int, int, list[str]]:
    """Numbers in running text (paragraphs, lists, callouts), and how many sit in a source-line link.

    Left out as not data: years, captions, tables, figures, headings, and cross-references to a
    figure, table or section on any page (their numbers are the book's own).
    """
    from html.parser import HTMLParser

    class Reader(HTMLParser):
        def __init__(self):
            super().__init__()
            self.stack, self.total, self.traced, self.missed = [], 0, 0, []

        def handle_starttag(self, tag, attrs):
            if tag in {"br", "img", "hr", "meta", "link", "input", "wbr", "source", "col"}:
                return
            a = dict(attrs)
            href, cls = a.get("href") or "", a.get("class") or ""
            traced = bool(_SOURCE.search(href)) or any(
                k.startswith("data-") and _SOURCE.search(v or "") for k, v in attrs
            )
            skip = (
                tag in {"nav", "script", "style", "figcaption", "table", "svg", "details", "h1", "h2", "h3", "h4"}
                or any(c in cls for c in ("caption", "source-note", "citation", "header-section-number"))
                or bool(_REFERENCE.search(href))
                or tag == "a"
                and href.endswith(".html")
                and not traced
            )
            self.stack.append((tag, traced, skip, tag in {"p", "li"}))

        def handle_endtag(self, tag):
            while self.stack:
                if self.stack.pop()[0] == tag:
                    break

        def handle_data(self, data):
            if not any(s[3] for s in self.stack) or any(s[2] for s in self.stack):
                return
            for match in _NUMBER.finditer(data):
                if _YEAR.match(match.group(0).rstrip(",")):
                    continue
                self.total += 1
                if any(s[1] for s in self.stack):
                    self.traced += 1
                else:
                    self.missed.append(data[max(0, match.start() - 30) : match.end() + 10])

    reader = Reader()
    reader.feed(page)
    return reader.total, reader.traced, reader.missed


def test_numbers_in_every_chapters_text_link_to_their_source(built):
    shares = {}
    for path in sorted((built / "_book" / "chapters").glob("*.html")):
        if path.stem in APPENDICES:
            continue
        total, traced, missed = traced_share(path.read_text(encoding="utf-8"))
        if total:
            shares[path.stem] = (traced / total, missed[:3])
    low = {name: share for name, share in shares.items() if share[0] < 0.95}
    assert not low, low


def test_no_source_link_lacks_its_line(built):
    for path in (built / "_book").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"sources/[\w-]+\.html#L(?!\d)", text), path.name
        assert "line  of the source" not in text and "Source line null" not in text
    for path in (built / "_book" / "figures").glob("*.csv"):
        for row in csv.DictReader(path.open(encoding="utf-8")):
            assert re.fullmatch(r"\d+(; \d+)*", row["line"]), (path.name, row)
            if row["printed"] == "" and row["value"] != "":
                assert row["status"] == "derived", (path.name, row)


def test_every_link_in_the_pdf_resolves(built):
    pdf = next((built / "_book").glob("*.pdf"))
    listing = subprocess.run(["pdfinfo", "-url", str(pdf)], capture_output=True, text=True, check=True).stdout
    links = [line.split()[2] for line in listing.splitlines()[1:] if len(line.split()) >= 3]
    relative = [link for link in links if not re.match(r"https?:", link)]
    assert relative == [], relative[:5]
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert re.search(r"\d+% \(line \d+\)", text), "a value's source line is shown in the PDF's text"


def test_with_a_published_address_pdf_links_go_to_that_site(built_copy):
    from swbook.build import render

    config = built_copy / "_quarto.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("book:\n", 'book:\n  site-url: "https://example.org/swbook"\n', 1),
        encoding="utf-8",
    )
    render(built_copy, to=("pdf",), quiet=True)
    pdf = next((built_copy / "_book").glob("*.pdf"))
    listing = subprocess.run(["pdfinfo", "-url", str(pdf)], capture_output=True, text=True, check=True).stdout
    links = [line.split()[2] for line in listing.splitlines()[1:] if len(line.split()) >= 3]
    assert any(re.fullmatch(r"https://example\.org/swbook/sources/[\w-]+\.html#L\d+", link) for link in links)
    assert not [link for link in links if not link.startswith("https://")]


def test_a_printed_whole_number_is_shown_with_thousands_separators_as_in_the_text():
    assert values.printed_text("1153") == "1,153" and values.printed_text("725") == "725"
    assert [values.printed_text(t) for t in ("<1%", "12.5", "just over half", "1,153")] == [
        "<1%",
        "12.5",
        "just over half",
        "1,153",
    ]
