"""End to end: the whole book renders into a temporary folder, as a reader will get it."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from helpers import ROOT, copy_project, figure_content, replace_in_file
from swbook import project
from swbook.build import render
from swbook.errors import BuildError

EXTERNAL = re.compile(r'<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)="(?:https?:)?//', re.I)


def pages(root: Path) -> list[Path]:
    return sorted((root / "_book").rglob("*.html"))


def test_every_chapter_has_a_page_with_navigation(built):
    book = project.load(built)
    for page in book.pages:
        html = (built / "_book" / page.html).read_text(encoding="utf-8")
        assert 'class="sidebar"' in html and 'aria-current="page"' in html
        assert "childrens-social-work-surveys.pdf" in html  # link to the PDF
    chapter = (built / "_book/chapters/ofsted-2010.html").read_text(encoding="utf-8")
    assert 'rel="next"' in chapter and 'rel="prev"' in chapter
    assert '<h2 id="toc-title">On this page</h2>' in chapter
    assert "The 2010 Ofsted practitioner survey" in chapter


def test_figures_are_numbered_captioned_and_sourced(built):
    chapter = (built / "_book/chapters/ofsted-2010.html").read_text(encoding="utf-8")
    number = next(p.number for p in project.load(built).pages if p.relative == "chapters/ofsted-2010.qmd")
    assert chapter.count('class="sw-chart"') == 10
    assert f"<strong>Figure {number}.1:</strong> Induction" in chapter
    # Each figure names its report once, by its short title and publisher.
    assert chapter.count('<p class="source-note">Source: 2010 Ofsted practitioner survey (Ofsted') == 10
    assert f'href="#sec-ofsted-2010-notes">Section {number}.4</a>' in chapter  # cross-reference resolved
    assert f"Table {number}.1: Results stated in the body text" in chapter
    assert "4,141" in chapter and "3,514" in chapter  # inline values from the data


def test_no_page_loads_anything_from_another_site(built):
    for page in pages(built):
        html = page.read_text(encoding="utf-8")
        assert not EXTERNAL.search(html), page
    assert (built / "_book/assets/vega-bundle.js").stat().st_size > 100_000


def test_pdf_has_the_chapters_figures_and_source_notes(built):
    path = built / "_book/childrens-social-work-surveys.pdf"
    pdf = PdfReader(path)
    # poppler's text (a tenth of pypdf's time), with its line breaks read as spaces
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout.split())
    assert len(pdf.pages) >= 10
    for title in ("Preface", "The 2010 Ofsted practitioner survey", "How the surveys compare", "The data package"):
        assert title in text
    assert "Figure 1.1" in text and "Source: 2010 Ofsted practitioner survey" in text
    figures = {page for page, _ in figure_content(pdf)}  # charts drawn as tagged vector content (PDF/UA-1)
    assert len(figures) >= 10


def test_data_downloads_are_published(built):
    data = built / "_book/data"
    package = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        assert (data / resource["path"]).exists(), resource["path"]
    assert not (data / "raw").exists()  # the raw texts are inputs, not downloads


def test_search_index_covers_the_chapters(built):
    index = (built / "_book/assets/search-index.js").read_text(encoding="utf-8")
    entries = json.loads(index.split("=", 1)[1].rstrip().rstrip(";"))
    assert any("induction" in e["text"].lower() and e["url"].startswith("chapters/ofsted-2010.html") for e in entries)


def _digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return digest.hexdigest()


def test_bad_value_stops_the_build_and_keeps_the_old_site(built, tmp_path):
    root = copy_project(tmp_path / "book")
    shutil.copytree(built / "_book", root / "_book")
    before = _digest(root / "_book")
    csv = root / "data/observations/ofsted-2010.csv"
    replace_in_file(
        csv, "children and young people,Agree,All,percent,51,51,", "children and young people,Agree,All,percent,15,15,"
    )
    with pytest.raises(BuildError) as failure:
        render(root, quiet=True)
    assert "data/observations/ofsted-2010.csv:2: printed: '15' is not a whole token on line 283" in str(failure.value)
    assert _digest(root / "_book") == before
    assert not list(root.glob("._book*"))  # no staging folder left behind


def test_failing_cell_names_chapter_and_cell(built_copy):
    root = built_copy
    replace_in_file(root / "chapters/ofsted-2010.qmd", 'figure("Q3")', 'figure("Q3") + undefined_name')
    with pytest.raises(
        BuildError,
        match=r"chapters/ofsted-2010.qmd:\d+: cell \d+ \(fig-ofsted-2010-caseloads\) "
        r"failed: NameError",
    ):
        render(root, to=("html",), quiet=True)


def test_unresolved_cross_reference_fails_the_build(tmp_path):
    root = copy_project(tmp_path / "book")
    replace_in_file(
        root / "chapters/sources-compared.qmd",
        "Three differences matter most:",
        "As @fig-does-not-exist shows, three differences matter most:",
    )
    with pytest.raises(BuildError, match="unresolved cross-reference @fig-does-not-exist"):
        render(root, to=("html",), quiet=True)


def test_charts_draw_in_headless_chromium_offline(built):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "make test installs Debian's chromium; it is missing"
    page = built / "_book/chapters/ofsted-2010.html"
    result = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            "--disable-component-update",
            "--disable-sync",
            "--proxy-server=127.0.0.1:9",
            "--allow-file-access-from-files",
            f"--user-data-dir={built / 'chromium-profile'}",
            "--virtual-time-budget=10000",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    dom = result.stdout
    assert dom.count('data-drawn="true"') == 10, result.stderr[-2000:]
    assert dom.count("<svg") >= 10


def test_repeated_statements_are_compared_with_derived_values_marked(built):
    page = (built / "_book/chapters/sources-compared.html").read_text(encoding="utf-8")
    assert 'id="fig-compared-statements"' in page
    assert "(derived)" in page and "good-practice authorities" in page
    data = (built / "_book/figures/fig-compared-statements.csv").read_text(encoding="utf-8")
    assert "ofsted-2010,summary-all-questions" in data and "ofsted-2012,annex-a-social-workers" in data


def _published_texts(site: Path):
    """(where, text) for every text the site publishes: pages, assets, search index, data, zip members, PDF."""
    for path in sorted(site.rglob("*")):
        if (
            path.suffix in {".html", ".js", ".json", ".csv", ".css", ".cff", ".md", ".txt", ".svg"}
            or path.name == "LICENSE"
        ):
            yield str(path.relative_to(site)), path.read_text(encoding="utf-8")
        elif path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                for member in archive.namelist():
                    yield f"{path.name}:{member}", archive.read(member).decode("utf-8")
        elif path.suffix == ".pdf":  # its text as poppler reads it (a tenth of pypdf's time on the book)
            yield path.name, subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout


def _redaction_patterns() -> dict[str, re.Pattern]:
    """A pattern per leaked name: the name itself, or for a bare abbreviation such as 'CC' (which
    also stands for Creative Commons) the name with its neighbouring words on its source line."""
    with (ROOT / "data/redactions.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    patterns = {}
    for row in rows:
        name = row["name"]
        if len(name) > 2:
            patterns[name] = re.compile(rf"(?<![A-Za-z]){re.escape(name)}(?![A-Za-z])")
            continue
        line = (ROOT / f"data/raw/{row['source']}.txt").read_text(encoding="utf-8").split("\n")[int(row["line"]) - 1]
        context = re.search(rf"\w+\s+{re.escape(name)}\s+\w+", line).group(0)
        patterns[context] = re.compile(r"\s+".join(re.escape(word) for word in context.split()))
    return patterns


def test_names_the_2018_source_meant_to_redact_are_published_nowhere(built):
    patterns = _redaction_patterns()
    assert len(patterns) >= 8 and "recommend CC to" in patterns
    # Other reports' own texts may name places legitimately (the 2009 report cites publishers in Leeds).
    other_sources = {f"sources/{slug}.html" for slug in ("swtf-2009", "ofsted-2010", "ofsted-2012", "ircsc-2021")}
    leaks = [
        f"{where}: {name}"
        for where, text in _published_texts(built / "_book")
        if where not in other_sources
        for name, pattern in patterns.items()
        if pattern.search(text)
    ]
    assert not leaks
    viewer = (built / "_book/sources/lga-2018.html").read_text(encoding="utf-8")
    assert viewer.count("&lt;Council Name&gt;") > 9  # the leaks are masked as the source's own placeholder


@pytest.mark.parametrize("survey", ["swtf-2009", "ofsted-2010", "ofsted-2012", "lga-2018", "ircsc-2021"])
def test_every_table_with_values_is_loaded_by_its_survey_chapters(built, survey):
    """The chapters of a survey load each of its tables with values (from the build's own dependency record)."""
    import swsurveys
    from swbook.cache import ChapterCache

    cache, loaded = ChapterCache(built), set()
    for chapter in sorted((built / "chapters").glob(f"{survey}*.qmd")):
        files = cache.dependencies(f"chapters/{chapter.name}")
        loaded |= {name.split("#", 1)[1] for name in files if name.startswith(f"data/observations/{survey}.csv#")}
    assert loaded, f"no chapter of {survey} was built"
    assert set(swsurveys.load(survey)["table"]) - loaded == set()


def test_a_pdf_only_build_keeps_the_whole_site_searchable(built_copy):
    """`swbook render --to pdf` keeps the web pages, their stylesheet and their figure tables, and indexes them."""
    site = built_copy / "_book"
    files = {path.relative_to(site) for path in site.rglob("*") if path.is_file()}
    index = (site / "assets/search-index.js").read_text(encoding="utf-8")
    render(built_copy, to=("pdf",), quiet=True, fresh=True)
    assert files <= {path.relative_to(site) for path in site.rglob("*") if path.is_file()}
    assert (site / "assets/search-index.js").read_text(encoding="utf-8") == index
