"""Conformance with Quarto: the rules `quarto render` follows that swbook cannot prove by itself.

The Quarto CLI cannot be installed where this project is tested, so these
tests emulate Quarto's documented rules: chapter ids come only from a title
heading, the preface is unnumbered, a figure draws with only what _quarto.yml
brings, the project's extras come from its declared post-render script, and
inline values are text unless they carry a markdown representation.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from helpers import ROOT, copy_project, replace_in_file

_REFERENCE = re.compile(r"(?<![\w@/.])@((?:sec|fig|tbl)-[\w-]*\w)")


def quarto_ids(root: Path) -> tuple[set[str], list[tuple[str, str]]]:
    """The ids Quarto can see (heading attributes and cell labels) and every reference, by file.

    A front-matter `label:` is deliberately not an id: Quarto ignores it.
    """
    ids, references = set(), []
    book = yaml.safe_load((root / "_quarto.yml").read_text(encoding="utf-8"))["book"]
    files = []
    for entry in book["chapters"] + book.get("appendices", []):
        files += entry["chapters"] if isinstance(entry, dict) else [entry]
    for name in files:
        text = (root / name).read_text(encoding="utf-8")
        ids |= set(re.findall(r"^#{1,6} .*\{[^}]*#(sec-[\w-]+)", text, re.M))
        ids |= set(re.findall(r"^#\|\s*label:\s*((?:fig|tbl)-[\w-]+)", text, re.M))
        references += [(name, r) for r in _REFERENCE.findall(text)]
    return ids, references


def unresolved(root: Path) -> list[str]:
    ids, references = quarto_ids(root)
    return [f"{name}: @{label}" for name, label in references if label not in ids]


def test_every_cross_reference_resolves_under_quartos_id_rules():
    ids, references = quarto_ids(ROOT)
    assert len([r for _, r in references if r.startswith("sec-")]) >= 30
    assert unresolved(ROOT) == []


def test_a_front_matter_chapter_id_fails_the_id_check_and_the_build(tmp_path):
    root = copy_project(tmp_path / "book")
    chapter = root / "chapters" / "ofsted-2010.qmd"
    replace_in_file(
        chapter,
        "# The 2010 Ofsted practitioner survey {#sec-ofsted-2010}\n",
        '---\ntitle: "The 2010 Ofsted practitioner survey"\nlabel: sec-ofsted-2010\n---\n',
    )
    problems = unresolved(root)
    assert problems and all(p.endswith("@sec-ofsted-2010") for p in problems)
    # swbook reads ids the same way: the old syntax is an error with file, line and the fix.
    from swbook import qmd
    from swbook.errors import BuildError

    with pytest.raises(
        BuildError,
        match=r"ofsted-2010.qmd:1: front-matter label 'sec-ofsted-2010' is no "
        r"chapter id to Quarto \(expected .*# Title \{#sec-ofsted-2010\}",
    ):
        qmd.parse(chapter)


def test_the_preface_is_unnumbered_and_swbook_numbers_as_quarto_does(tmp_path):
    from swbook import project

    first = (ROOT / "index.qmd").read_text(encoding="utf-8").split("\n", 1)[0]
    assert first == "# Preface {.unnumbered}"
    pages = project.load(ROOT).pages
    assert (pages[0].kind, pages[0].number, pages[1].number) == ("index", "", "1")
    # Without {.unnumbered} Quarto makes the preface chapter 1; so does swbook.
    root = copy_project(tmp_path / "book")
    replace_in_file(root / "index.qmd", "# Preface {.unnumbered}", "# Preface")
    pages = project.load(root).pages
    assert (pages[0].number, pages[1].number) == ("1", "2")


def test_captions_go_above_figures_in_both_formats():
    formats = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))["format"]
    assert formats["html"]["fig-cap-location"] == "top" and formats["typst"]["fig-cap-location"] == "top"


def _figure():
    import swsurveys
    from swsurveys import charts

    frame = swsurveys.load("ofsted-2010", "summary-all-questions")
    return charts.agree_disagree(frame[frame["question"].str.startswith(("Q1)", "Q2)"))])


def _declared_site(target: Path) -> Path:
    """A site holding only what _quarto.yml brings: its pre-render step run, its resources copied."""
    config = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))["project"]
    env = dict(os.environ, QUARTO_PROJECT_DIR=str(ROOT))
    subprocess.run([sys.executable, str(ROOT / config["pre-render"])], cwd=ROOT, env=env, check=True)
    for resource in config["resources"]:
        (target / resource).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / resource, target / resource)
    return target


@pytest.mark.skipif(not shutil.which("chromium"), reason="needs Debian's chromium")
def test_a_figures_html_output_draws_with_only_the_declared_resources(tmp_path):
    site = _declared_site(tmp_path / "site")
    page = site / "chapters" / "figure.html"
    page.parent.mkdir(parents=True)
    figure = _figure()._repr_mimebundle_()["text/html"]
    page.write_text(
        f"<!doctype html><html><head><meta charset='utf-8'></head><body>{figure}</body></html>", encoding="utf-8"
    )
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", figure)  # nothing fetched from elsewhere
    profile = tmp_path / "profile"
    dom = subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            f"--user-data-dir={profile}",
            "--virtual-time-budget=8000",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    assert 'class="marks"' in dom and 'data-drawn="true"' in dom, dom[-1500:]


def test_the_svg_output_carries_the_source_note():
    bundle = _figure()._repr_mimebundle_()
    assert '<g class="source-note"' in bundle["image/svg+xml"]
    assert "Source: 2010 Ofsted practitioner survey" in bundle["image/svg+xml"]  # the short source note


def _run_post_render(root: Path, out: Path, pages: list[str]) -> subprocess.CompletedProcess:
    script = yaml.safe_load((root / "_quarto.yml").read_text(encoding="utf-8"))["project"]["post-render"]
    env = dict(os.environ, QUARTO_PROJECT_OUTPUT_DIR=str(out), QUARTO_PROJECT_OUTPUT_FILES="\n".join(pages))
    return subprocess.run([sys.executable, str(root / script)], cwd=root, env=env, capture_output=True, text=True)


def _pages(out: Path, body: str) -> list[str]:
    (out / "chapters").mkdir(parents=True)
    (out / "chapters" / "one.html").write_text(
        f'<!doctype html><html><body><main id="main"><h1>One</h1>{body}</main></body></html>', encoding="utf-8"
    )
    return ["chapters/one.html"]


def test_the_post_render_script_alone_makes_the_source_viewer_and_downloads(tmp_path):
    figure = _figure()
    out = tmp_path / "site"
    pages = _pages(
        out,
        f'<div id="fig-one">{figure.html()}</div><section id="sec-a"><h2>Leeds and Wakefield</h2><p>text</p></section>',
    )
    done = _run_post_render(ROOT, out, pages)
    assert done.returncode == 0, done.stderr
    assert (out / "sources/lga-2018.html").read_text(encoding="utf-8").count("&lt;Council Name&gt;") > 9
    assert next((out / "data").glob("childrens-social-work-surveys-data-*.zip")).stat().st_size > 10_000
    assert not (out / "data/redactions.csv").exists()
    with (out / "figures/fig-one.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["printed"] for r in rows] == [r["printed"] for r in figure.rows()]
    index = (out / "assets/search-index.js").read_text(encoding="utf-8")
    assert '"url":"chapters/one.html#sec-a"' in index and "Leeds" not in index
    assert "&lt;Council Name&gt; and &lt;Council Name&gt;" in (out / "chapters/one.html").read_text(encoding="utf-8")


def _project_with_data(tmp_path: Path) -> Path:
    root = tmp_path / "book"
    root.mkdir()
    for name in ("_quarto.yml", "CITATION.cff", "LICENSE"):
        shutil.copy2(ROOT / name, root / name)
    shutil.copytree(ROOT / "_scripts", root / "_scripts")
    shutil.copytree(ROOT / "data", root / "data")
    return root


def test_the_post_render_step_publishes_what_each_page_holds_now_not_what_it_kept(tmp_path):
    """It keeps what it made from each page (its Memo); an edited page, or a damaged entry, is made afresh."""
    import swsurveys
    from swsurveys import charts

    root = _project_with_data(tmp_path)
    out = tmp_path / "site"
    frame = swsurveys.load("ofsted-2010", "summary-all-questions")
    first, second = (charts.agree_disagree(frame[frame["question"].str.startswith(q)]) for q in ("Q1)", "Q2)"))

    def publish(figure, heading: str) -> tuple[list[str], str]:
        shutil.rmtree(out, ignore_errors=True)
        pages = _pages(out, f'<div id="fig-one">{figure.html()}</div><section id="sec-a"><h2>{heading}</h2></section>')
        done = _run_post_render(root, out, pages)
        assert done.returncode == 0, done.stderr
        with (out / "figures/fig-one.csv").open(encoding="utf-8", newline="") as handle:
            questions = [row["question"] for row in csv.DictReader(handle)]
        return questions, (out / "assets/search-index.js").read_text(encoding="utf-8")

    questions, index = publish(first, "Induction")
    assert questions and all(q.startswith("Q1)") for q in questions) and "Induction" in index
    kept = list((root / ".swbook-cache/publish").glob("*.json"))
    assert kept  # what it made is kept
    questions, index = publish(second, "Training")
    assert questions and all(q.startswith("Q2)") for q in questions)
    assert "Training" in index and "Induction" not in index
    for entry in (root / ".swbook-cache/publish").glob("*.json"):
        entry.write_text(entry.read_text(encoding="utf-8").replace("Q2)", "Q9)"), encoding="utf-8")  # damaged
    questions, _ = publish(second, "Training")
    assert questions and all(q.startswith("Q2)") for q in questions)


def test_a_release_makes_the_same_data_zip_every_time_dated_with_the_release(tmp_path):
    root = _project_with_data(tmp_path)
    zips = []
    for run in range(2):
        out = tmp_path / f"site{run}"
        assert _run_post_render(root, out, _pages(out, "<p>x</p>")).returncode == 0
        zips.append(next((out / "data").glob("childrens-social-work-surveys-data-*.zip")))
    assert zips[0].read_bytes() == zips[1].read_bytes()
    released = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))["date-released"]
    with zipfile.ZipFile(zips[0]) as archive:
        assert {info.date_time[:3] for info in archive.infolist()} == {
            tuple(int(part) for part in str(released).split("-"))
        }


def test_a_missing_redactions_list_fails_the_post_render_step(tmp_path):
    root = _project_with_data(tmp_path)
    (root / "data/redactions.csv").unlink()
    done = _run_post_render(root, tmp_path / "site", _pages(tmp_path / "site", "<p>x</p>"))
    assert done.returncode == 1
    assert done.stderr.startswith("publish: data/redactions.csv: not found (expected")


def test_a_malformed_redaction_row_is_named_by_file_and_line(tmp_path):
    root = _project_with_data(tmp_path)
    with (root / "data/redactions.csv").open("a", encoding="utf-8") as handle:
        handle.write("lga-2018,99999,Nowhere\n")
    done = _run_post_render(root, tmp_path / "site", _pages(tmp_path / "site", "<p>x</p>"))
    assert done.returncode == 1 and "publish: data/redactions.csv:11: line '99999' is not a line" in done.stderr


def test_names_are_masked_in_any_case_and_a_leak_left_anywhere_fails_the_step(tmp_path):
    root = _project_with_data(tmp_path)
    out = tmp_path / "site"
    pages = _pages(out, "<p>Staff in leeds and SOUTHEND said so.</p>")
    assert _run_post_render(root, out, pages).returncode == 0
    page = (out / "chapters/one.html").read_text(encoding="utf-8")
    assert "leeds" not in page.lower() and "southend" not in page.lower()
    assert (root / ".swbook-cache/publish-scanned.json").exists()  # what was found clean is not read again
    (out / "notes.txt").write_text("a copy made by hand names Wakefield\n", encoding="utf-8")
    done = _run_post_render(root, out, pages)
    assert done.returncode == 1 and "publish: notes.txt:1: 'Wakefield' is published" in done.stderr


def test_published_csv_cells_cannot_run_as_spreadsheet_formulas(tmp_path):
    root = _project_with_data(tmp_path)
    path = root / "data/observations/ofsted-2010.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[0]["note"] = '=HYPERLINK("http://example.org","x")'
    rows[1]["note"] = "@SUM(A1)"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    out = tmp_path / "site"
    figure_rows = [{"survey": "x", "question": "+1 more", "printed": "-", "value": -2.5, "note": "x"}]
    data = json.dumps(figure_rows)
    pages = _pages(out, f'<div id="fig-a"><script type="application/json" class="sw-data">{data}</script></div>')
    done = _run_post_render(root, out, pages)
    assert done.returncode == 0, done.stderr
    with (out / "data/observations/ofsted-2010.csv").open(encoding="utf-8", newline="") as handle:
        published = list(csv.DictReader(handle))
    assert published[0]["note"] == "'" + rows[0]["note"] and published[1]["note"] == "'@SUM(A1)"
    with (out / "figures/fig-a.csv").open(encoding="utf-8", newline="") as handle:
        figure = next(csv.DictReader(handle))
    assert (figure["question"], figure["printed"], figure["value"]) == ("'+1 more", "-", "-2.5")


def test_inline_outputs_are_text_unless_they_carry_markdown(tmp_path):
    from swbook import qmd
    from swbook.execute import Limits, run_chapters

    chapter = tmp_path / "inline.qmd"
    chapter.write_text(
        "# Inline {#sec-inline}\n\n```{python}\nfrom IPython.display import Markdown\n"
        "class Value:\n    def _repr_markdown_(self):\n        return '[51%](../sources/ofsted-2010.html#L283)'\n"
        "    def __str__(self):\n        return '51%'\n```\n\n"
        "`{python} '**not bold**'` `{python} Markdown('**bold**')` `{python} Value()` `{python} 7` "
        "`{python} '<1%'`\n",
        encoding="utf-8",
    )
    result = run_chapters([("inline", qmd.parse(chapter))], ROOT, 1, Limits())["inline"]
    values = next(iter(result.inline.values()))
    assert values == ["\\*\\*not bold\\*\\*", "**bold**", "[51%](../sources/ofsted-2010.html#L283)", "7", "\\<1%"]


def _pdf(path: Path, text: str) -> None:
    import typst

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(typst.compile(f"#set page(width: 8cm, height: 6cm)\n{text}\n".encode()))


def test_a_name_in_the_pdf_fails_the_step_even_broken_over_two_lines(tmp_path):
    root = _project_with_data(tmp_path)
    out = tmp_path / "site"
    pages = _pages(out, "<p>x</p>")
    _pdf(out / "book.pdf", "Nothing to hide here.")
    assert _run_post_render(root, out, pages).returncode == 0
    _pdf(out / "book.pdf", "The pilot ran in the West\\ midlands that spring.")  # a line break between the words
    import pypdfium2

    document = pypdfium2.PdfDocument(out / "book.pdf")
    assert "West\r\nmidlands" in document[0].get_textpage().get_text_range()  # as the scan reads it
    document.close()
    done = _run_post_render(root, out, pages)
    assert done.returncode == 1 and "publish: book.pdf:1: 'West midlands' is published" in done.stderr, done.stderr


def test_only_the_pdf_pages_that_changed_are_read_again_and_a_name_on_one_still_fails_the_step(tmp_path):
    root = _project_with_data(tmp_path)
    out = tmp_path / "site"
    pages = _pages(out, "<p>x</p>")
    # Page one holds every letter of the change, so the fonts' subsets (shared by every page) stay as they are:
    # Typst numbers a font's glyphs in the order the book first uses them.
    book = "Page one: midlands, West.\n#pagebreak()\nPage two.\n#pagebreak()\nPage three."
    _pdf(out / "book.pdf", book)
    assert _run_post_render(root, out, pages).returncode == 0
    kept = set((root / ".swbook-cache/publish").glob("pdf-page-*.json"))
    assert len(kept) == 3  # each page's text, kept under a digest of what it is read from
    _pdf(out / "book.pdf", book.replace("Page two.", "Page two, in the West midlands."))
    done = _run_post_render(root, out, pages)
    assert done.returncode == 1 and "publish: book.pdf:2: 'West midlands' is published" in done.stderr, done.stderr
    read = set((root / ".swbook-cache/publish").glob("pdf-page-*.json")) - kept
    assert len(read) == 1 and "West midlands" in next(iter(read)).read_text(encoding="utf-8")  # that page's text
    # And that page alone was read by PDFium: the step's own code, run here to watch it.
    spec = importlib.util.spec_from_file_location("publish_step", root / "_scripts" / "publish.py")
    publish = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(publish)
    read_pages, reader = [], publish._pdf_text
    publish._pdf_text = lambda path, numbers: read_pages.append(list(numbers)) or reader(path, numbers)
    _pdf(out / "book.pdf", book.replace("Page three.", "Page three, later."))
    texts = publish.PdfTexts(out, publish.Memo(root, publish.read_redactions(root)))
    assert texts.text(out / "book.pdf").split("\n") == ["Page one: midlands, West.", "Page two.", "Page three, later."]
    assert read_pages == [[2]]


def test_an_unreadable_pdf_fails_the_step_naming_it(tmp_path):
    root = _project_with_data(tmp_path)
    out = tmp_path / "site"
    pages = _pages(out, "<p>x</p>")
    (out / "book.pdf").write_bytes(b"%PDF-1.7 cut short")
    done = _run_post_render(root, out, pages)
    assert done.returncode == 1
    assert done.stderr.startswith("publish: book.pdf: cannot read the PDF to scan it for redacted names"), done.stderr
