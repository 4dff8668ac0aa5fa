"""The crosswalk links published values across the years; the synthesis chapters never type a number."""
from __future__ import annotations

import re

import pandas as pd

import swsurveys
from conftest import ROOT
from swsurveys import charts, crosswalk, display

SYNTHESIS = ["at-a-glance", "across-workload", "across-supervision", "across-training", "across-conditions",
             "good-support"]
REQUIRED_THEMES = {"caseload", "workload-and-hours", "time-use", "supervision", "management-support",
                   "training-and-development", "induction-and-newly-qualified", "recording-and-it",
                   "staffing-and-vacancies", "job-satisfaction-and-morale", "retention"}


def test_a_sum_of_printed_shares_is_computed_and_marked_derived():
    linked = crosswalk.linked("induction-and-newly-qualified")
    row = linked[(linked["indicator"] == "Induction covered safeguarding") & (linked["survey"] == "ofsted-2012")].iloc[0]
    table = swsurveys.load("ofsted-2012", "annex-a-social-workers")
    parts = table[table["question"].str.startswith("My workplace induction covered")
                  & table["category"].isin(["Strongly agree", "Agree"])]
    assert row["value"] == parts["value"].sum() and row["derived"]
    assert row["shown"] == f"{parts['value'].sum():g}% (derived)"
    assert row["printed"] == " + ".join(parts["printed"])                      # both printed tokens, traceable
    assert row["lines"] == "; ".join(str(line) for line in parts["line"])


def test_a_single_published_value_is_shown_as_printed():
    linked = crosswalk.linked("induction-and-newly-qualified")
    row = linked[(linked["indicator"] == "Induction covered safeguarding") & (linked["survey"] == "ofsted-2010")].iloc[0]
    assert not row["derived"] and row["shown"] == f"{row['printed']}%" and row["year"] == 2010
    assert row["population"] == crosswalk.POPULATION["practitioners"]


def test_councils_and_the_good_practice_sample_are_named_as_such():
    linked = crosswalk.linked()
    assert set(linked.loc[linked["survey"] == "lga-2018", "population"]) == {"Councils (employers), not individuals"}
    assert set(linked.loc[linked["survey"] == "ofsted-2012", "year"]) == {2011}   # fieldwork, not publication, year


def test_the_crosswalk_covers_every_theme_the_book_compares_and_every_shared_ofsted_statement():
    rows = crosswalk.rows()
    assert REQUIRED_THEMES <= set(rows["theme"])
    matches = pd.read_csv(ROOT / "data/ofsted-2010-2012-matches.csv", dtype=str, keep_default_na=False)
    for pair in matches.itertuples():
        linked = rows[rows["question"] == pair.statement_2010]
        assert len(linked) == 1, pair.q2010
        partner = rows[(rows["indicator"] == linked["indicator"].item()) & (rows["question"] == pair.statement_2012)]
        assert set(partner["category"]) == {"Strongly agree", "Agree"}, pair.q2010


def test_timeline_names_values_on_another_scale_instead_of_dropping_them():
    linked = crosswalk.linked("workload-and-hours")
    figure = crosswalk.figure(linked)
    spec = json_text = str(figure.spec())
    assert "Not on this scale" in spec and "2018 LGA health check: hours 6 hours" in json_text
    assert set(figure.data["measure"]) == {"percent"}
    assert "councils (employers), not individuals" in figure.alt and "6 hours" in figure.alt


def test_a_table_links_each_row_to_its_own_source():
    frame = pd.DataFrame({"Value": ["51%", "63% (derived)"], "Line": ["283", "705; 706"],
                          "survey": ["ofsted-2010", "ofsted-2012"]})
    text = str(display.table(frame, source_lines=("Line", "survey")))
    assert "[283](../sources/ofsted-2010.html#L283)" in text
    assert "[705](../sources/ofsted-2012.html#L705); [706](../sources/ofsted-2012.html#L706)" in text
    assert "| survey" not in text                                          # the slug column is not shown


def _prose(path) -> str:
    """A chapter's text without front matter, code cells, inline code, labels and cross-references."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)
    text = re.sub(r"```\{python\}.*?```", "", text, flags=re.S)
    text = re.sub(r"`\{python\}[^`]*`", "", text)
    text = re.sub(r"[@#](sec|fig|tbl)-[\w-]+", "", text)
    return text


def test_synthesis_chapters_type_no_number_but_a_year():
    for name in SYNTHESIS:
        typed = [n for n in re.findall(r"\d+(?:[.,]\d+)?", _prose(ROOT / f"chapters/{name}.qmd"))
                 if not re.fullmatch(r"20[0-2]\d", n)]
        assert not typed, f"{name}.qmd types {typed}: numbers must come from the data through inline code"


def test_the_typed_number_check_can_fail(tmp_path):
    chapter = tmp_path / "bad.qmd"
    chapter.write_text("---\ntitle: x\n---\n\nIn 2010, `{python} v()` agreed, up from 47 per cent (@fig-a-1).\n")
    assert re.findall(r"\d+", _prose(chapter)) == ["2010", "47"]


ISSUE_THEMES = {"caseloads and workload": ["caseload", "workload-and-hours"], "time use": ["time-use"],
                "supervision and line management": ["supervision", "management-support"],
                "training and induction": ["training-and-development", "induction-and-newly-qualified"],
                "recording and IT": ["recording-and-it"], "staffing": ["staffing-and-vacancies"],
                "morale and leaving": ["job-satisfaction-and-morale", "retention"]}


def test_every_theme_has_a_chart_of_two_sources_showing_comparability():
    for name, themes in ISSUE_THEMES.items():
        figure = crosswalk.figure(crosswalk.linked(themes))
        plotted = figure.data.groupby("indicator")["survey"].nunique()
        assert plotted.max() >= 2, name
        spec = str(figure.spec())
        assert "'shape'" in spec and "Comparability" in spec, name     # marker shape, with its legend
        assert "Who answered" in spec, name
