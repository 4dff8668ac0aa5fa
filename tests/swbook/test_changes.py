"""An author's fix, as the author sees it: the change report after a render, and the notice beside the value.

The acceptance test swaps two values that one source line prints (so the
data still verifies against its source), renders, and expects the swap
reported for every figure and value in the text that shows them and for
nothing else; with the corrections logged, the notice stands beside the
figure in the web page and in the PDF.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess

from helpers import replace_in_file
from swbook.build import render
from swbook.snapshot import compare, read_page

SURVEY, LINE = "ofsted-2010", 283
QUESTION = (
    "Q1) My workplace induction covered what I needed to know in relation to safeguarding children and young people"
)
AGREE = f"{SURVEY},summary-all-questions,{QUESTION},Agree,All,percent,51,51,,,{LINE},1,"
DISAGREE = f"{SURVEY},summary-all-questions,{QUESTION},Disagree,All,percent,27,27,,,{LINE},2,"
KEYS = {f"{SURVEY}|summary-all-questions|{QUESTION}|{answer}|All|percent" for answer in ("Agree", "Disagree")}
SOURCE = f"{SURVEY} line {LINE}"


def _swap(root) -> None:
    path = root / "data" / "observations" / f"{SURVEY}.csv"
    replace_in_file(path, AGREE, AGREE.replace(",51,51,", ",27,27,"))
    replace_in_file(path, DISAGREE, DISAGREE.replace(",27,27,", ",51,51,"))


def _showing(snapshot: dict) -> tuple[set, set]:
    """(figure ids, text values) of a reader snapshot that show either swapped value."""
    figures = {
        (page, ident)
        for page, shown in snapshot.items()
        for ident, figure in shown["figures"].items()
        if KEYS & set(figure["rows"])
    }
    values = {
        (page, key)
        for page, shown in snapshot.items()
        for key, value in shown["values"].items()
        if value["source"] == SOURCE and value["text"] in ("51%", "27%")
    }
    return figures, values


def test_a_swap_is_reported_for_every_figure_and_value_that_shows_it_and_no_other(built_copy, capsys):
    root = built_copy
    render(root, to=("html",), quiet=True)  # the author's last build here: every chapter from the cache
    before = json.loads((root / ".swbook-cache" / "snapshot.json").read_text(encoding="utf-8"))["pages"]
    figures, values = _showing(before)
    assert figures and values, "the chosen values must be shown in a figure and in the text"
    capsys.readouterr()

    _swap(root)
    render(root, to=("html",))
    printed = capsys.readouterr().out
    report = json.loads((root / "_book" / "changes.json").read_text(encoding="utf-8"))
    changes = report["changes"]

    reported_figures = {(c["chapter"], c["id"]) for c in changes if c["kind"] == "figure"}
    assert reported_figures == {(page, ident) for page, ident in figures}
    swaps = {("51", "27"), ("27", "51"), ("51%", "27%"), ("27%", "51%")}
    for change in changes:  # nothing else changed: only the two values, where they are shown
        assert {(v["old"], v["new"]) for v in change["values"]} <= swaps, change
        # A table may show a value without its link; everything else names the line it came from.
        assert all(v["source"] == SOURCE or change["kind"] == "table" and not v["source"] for v in change["values"]), (
            change
        )
        if change["kind"] == "figure":
            shown = KEYS & set(before[change["chapter"]]["figures"][change["id"]]["rows"])
            expected = sorted({"Agree": ("51", "27"), "Disagree": ("27", "51")}[key.split("|")[3]] for key in shown)
            assert sorted((v["old"], v["new"]) for v in change["values"]) == expected, change
            assert f"{change['id']} ({change['chapter']})" in printed
            assert "51 -> 27" in printed
    text_changes = [c for c in changes if c["kind"] == "value"]
    assert len(text_changes) == len(values)
    assert {(v["values"][0]["old"], v["values"][0]["new"]) for v in text_changes} <= {("51%", "27%"), ("27%", "51%")}
    assert report["summary"] in printed and "changed since the last build" in report["summary"]
    (root / "change-report.txt").write_text(printed, encoding="utf-8")  # as the author saw it, kept for a reviewer

    # Logged as corrections, the swap is shown where the reader meets it, in the page and in the PDF.
    corrections = root / "data" / "corrections.csv"
    with corrections.open("a", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        for answer, old, new in (("Agree", "51", "27"), ("Disagree", "27", "51")):
            writer.writerow(
                [
                    "2026-12-01",
                    SURVEY,
                    "summary-all-questions",
                    QUESTION,
                    answer,
                    "All",
                    "percent",
                    old,
                    new,
                    "The two columns of the printed table were read the wrong way round",
                ]
            )
    render(root, quiet=True)
    page_name, figure_id = sorted(figures)[0]
    page = (root / "_book" / page_name).read_text(encoding="utf-8")
    figure = page[page.index(f'id="{figure_id}"') :]
    figure = figure[: figure.index('class="figure-tools"')]
    assert "Corrected on 1 December 2026" in figure and "read the wrong way round" in figure
    pdf = subprocess.run(
        ["pdftotext", "-layout", str(root / "_book" / "childrens-social-work-surveys.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Corrected on 1 December 2026" in " ".join(pdf.split())
    # The PDF's Corrections appendix names, and links to, each page where a notice of the correction stands.
    # From the appendix table's "Where it appears" header (set over two lines when the table is tight).
    listed = pdf[pdf.rindex("Where it") :].split("Previous versions")[0]
    assert re.search(r"page \d+", listed) and "beside each value it corrects" not in listed
    appendix = (root / "_book" / "chapters" / "corrections.html").read_text(encoding="utf-8")
    assert f'href="{page_name.split("/")[-1]}#{figure_id}"' in appendix
    # A fix that changes nothing a reader sees says so in one line.
    appendix_source = root / "chapters" / "corrections.qmd"
    appendix_source.write_text(appendix_source.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    capsys.readouterr()
    render(root, to=("html",), quiet=True)  # the change report reads the web pages only: no PDF needed here
    assert capsys.readouterr().out.strip().splitlines()[-1] == (
        "change report: nothing a reader sees changed since the last build"
    )


def test_the_version_a_reader_cites_is_on_every_page_and_names_the_data_download(built):
    page = (built / "_book" / "chapters" / "ofsted-2010.html").read_text(encoding="utf-8")
    assert '<meta name="citation_version" content="0.1.0">' in page
    assert "Version 0.1.0, released 23 November 2026" in page
    assert (built / "_book" / "data" / "childrens-social-work-surveys-data-0.1.0.zip").is_file()
    pdf = subprocess.run(
        ["pdftotext", "-l", "1", str(built / "_book" / "childrens-social-work-surveys.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Version 0.1.0, released 23 November 2026" in pdf


def test_a_relabelled_answer_is_reported_as_one_value_gone_and_one_new():
    figure = (
        '<main><section id="sec-a"><div id="fig-x" class="sw-figure"><div id="fig-x-cap">Figure 1: A</div>'
        '<script type="application/json" class="sw-data">[{"survey":"s","table":"t","category":"CAT",'
        '"group":"All","measure":"percent","value":5.0,"printed":"5%","line":9}]</script></div></section></main>'
    )
    old, new = read_page(figure.replace("CAT", "Agree")), read_page(figure.replace("CAT", "Agreed"))
    [change] = compare({"p.html": old}, {"p.html": new})
    assert change["id"] == "fig-x" and change["section"] == "sec-a"
    assert [(v["what"], v["old"], v["new"]) for v in change["values"]] == [
        ("Agreed · All", "(not shown)", "5%"),
        ("Agree · All", "5%", "(no longer shown)"),
    ]
    assert all(v["source"] == "s line 9" for v in change["values"])
