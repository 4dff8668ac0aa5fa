"""The crosswalk links published values across the years; the synthesis chapters never type a number."""

from __future__ import annotations

import re

import pandas as pd

import swsurveys
from helpers import ROOT
from swsurveys import crosswalk, display

SYNTHESIS = [
    "at-a-glance",
    "across-workload",
    "across-supervision",
    "across-training",
    "across-conditions",
    "good-support",
]
REQUIRED_THEMES = {
    "caseload",
    "workload-and-hours",
    "time-use",
    "supervision",
    "management-support",
    "training-and-development",
    "induction-and-newly-qualified",
    "recording-and-it",
    "staffing-and-vacancies",
    "job-satisfaction-and-morale",
    "retention",
}


def test_a_sum_of_printed_shares_is_computed_and_marked_derived():
    linked = crosswalk.linked("induction-and-newly-qualified")
    row = linked[(linked["indicator"] == "Induction covered safeguarding") & (linked["survey"] == "ofsted-2012")].iloc[
        0
    ]
    table = swsurveys.load("ofsted-2012", "annex-a-social-workers")
    parts = table[
        table["question"].str.startswith("My workplace induction covered")
        & table["category"].isin(["Strongly agree", "Agree"])
    ]
    assert row["value"] == parts["value"].sum() and row["derived"]
    assert row["shown"] == f"{parts['value'].sum():g}% (derived)"
    assert row["printed"] == " + ".join(parts["printed"])  # both printed tokens, traceable
    assert row["lines"] == "; ".join(str(line) for line in parts["line"])


def test_a_single_published_value_is_shown_as_printed():
    linked = crosswalk.linked("induction-and-newly-qualified")
    row = linked[(linked["indicator"] == "Induction covered safeguarding") & (linked["survey"] == "ofsted-2010")].iloc[
        0
    ]
    assert not row["derived"] and row["shown"] == f"{row['printed']}%" and row["year"] == 2010
    assert row["population"] == crosswalk.POPULATION["practitioners"]


def test_councils_and_the_good_practice_sample_are_named_as_such():
    linked = crosswalk.linked()
    assert set(linked.loc[linked["survey"] == "lga-2018", "population"]) == {"Councils (employers), not individuals"}
    assert set(linked.loc[linked["survey"] == "ofsted-2012", "year"]) == {2011}  # fieldwork, not publication, year


def test_the_crosswalk_covers_every_theme_the_book_compares_and_every_shared_ofsted_statement():
    rows = crosswalk.rows()
    assert REQUIRED_THEMES <= set(rows["theme"])
    matches = pd.read_csv(ROOT / "data/ofsted-2010-2012-matches.csv", dtype=str, keep_default_na=False)
    for pair in matches.itertuples():
        linked = rows[rows["question"] == pair.statement_2010]
        assert len(linked) == 1, pair.q2010
        partner = rows[(rows["indicator"] == linked["indicator"].item()) & (rows["question"] == pair.statement_2012)]
        assert set(partner["category"]) == {"Strongly agree", "Agree"}, pair.q2010


def _plotted_points(figure) -> list[dict]:
    """Every data point the chart's marks draw."""
    return [row for rows in figure.spec().get("datasets", {}).values() for row in rows if "value" in row]


_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)(\{[^}]*\})?")


def _words_under_the_chart(linked) -> str:
    """The list the page writes under the figure, as a reader reads it (links reduced to their text)."""
    markdown = str(crosswalk.beside(linked))
    return re.sub(r"\\(.)", r"\1", _LINK.sub(lambda m: m.group(1), markdown))


def test_the_chart_holds_only_its_axes_and_the_words_are_page_text_linked_to_their_lines():
    linked = crosswalk.linked("workload-and-hours")
    spec = str(crosswalk.figure(linked).spec())
    assert "in their own words" not in spec and "'text': '• " not in spec  # no tiny text inside the chart
    markdown = str(crosswalk.beside(linked))
    assert markdown.startswith("**Not on the chart's axes**")
    assert "](../sources/ircsc-2021.html#L" in markdown or "](sources/ircsc-2021.html#L" in markdown


def test_values_of_another_kind_are_written_beside_the_chart_not_plotted():
    figure = crosswalk.figure(crosswalk.linked("workload-and-hours"))
    assert set(figure.data["kind"]) == {"share-agreeing"} and set(figure.data["direction"]) == {"same"}
    beside = figure.beside.set_index("survey")
    assert set(beside.index) == {"ircsc-2021", "swtf-2009", "lga-2018"}
    assert (
        beside.loc["ircsc-2021", "why"] == "a mean score out of ten, not a share agreeing with a statement; "
        "asked the other way round"
    )
    assert beside.loc["swtf-2009", "shown"].startswith("over ")  # the printed bound, in words
    words = _words_under_the_chart(crosswalk.linked("workload-and-hours"))
    for says in beside["says"]:
        assert " ".join(says.split()) in " ".join(words.split())
    assert not [p for p in _plotted_points(figure) if p["source"] in set(beside["source"])]
    assert "6 hours" in figure.alt and "over 50%" in figure.alt


def _with_crosswalk_row(data, monkeypatch, row: str):
    with (data / "crosswalk.csv").open("a", encoding="utf-8") as handle:
        handle.write(row)
    monkeypatch.setenv("SWSURVEYS_DATA", str(data))
    from swsurveys.catalogue import clear_cache

    clear_cache()


REVERSED_ROW = (
    "management-support,Line manager helps manage workload,ircsc-2021,q7-time-spent,Supervision,"
    "Not enough time,All,percent,proxy,a test row,share-agreeing,{direction},,"
    "{{value}} said they had not enough time for supervision\n"
)


def test_a_reversed_row_added_to_a_charted_indicator_is_beside_the_chart_in_its_own_words(data_copy, monkeypatch):
    _with_crosswalk_row(data_copy, monkeypatch, REVERSED_ROW.format(direction="reversed"))
    try:
        assert not [str(p) for p in swsurveys.validate(data_copy) if p.path == "data/crosswalk.csv"]
        figure = crosswalk.figure(crosswalk.linked("management-support"))
        plotted = figure.data[figure.data["indicator"] == "Line manager helps manage workload"]
        assert set(plotted["survey"]) == {"ofsted-2010", "ofsted-2012"}  # the axis is unchanged
        source = swsurveys.surveys().loc["ircsc-2021", "short_title"]
        assert not [p for p in _plotted_points(figure) if p["source"] == source]
        words = " ".join(_words_under_the_chart(crosswalk.linked("management-support")).split())
        assert f"{source}: 19.9% said they had not enough time for supervision (asked the other way round)" in words
        assert "19.9%" in figure.alt and "asked the other way round" in figure.alt
        table = str(crosswalk.table(crosswalk.linked("management-support")))
        assert "Share agreeing with a statement, asked the other way round | Beside the chart" in table
    finally:
        from swsurveys.catalogue import clear_cache

        monkeypatch.delenv("SWSURVEYS_DATA")
        clear_cache()


def test_the_same_row_running_the_same_way_is_plotted(data_copy, monkeypatch):
    """The test above can fail: the row differs only in its direction, and then it is drawn."""
    _with_crosswalk_row(data_copy, monkeypatch, REVERSED_ROW.format(direction="same"))
    try:
        figure = crosswalk.figure(crosswalk.linked("management-support"))
        source = swsurveys.surveys().loc["ircsc-2021", "short_title"]
        assert [p for p in _plotted_points(figure) if p["source"] == source]
    finally:
        from swsurveys.catalogue import clear_cache

        monkeypatch.delenv("SWSURVEYS_DATA")
        clear_cache()


def _set_crosswalk_cell(data, line: int, column: str, value: str) -> None:
    import csv
    import io

    path = data / "crosswalk.csv"
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    rows[line - 1][rows[0].index(column)] = value
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def test_a_row_without_a_kind_or_direction_or_outside_the_vocabulary_fails_naming_file_and_line(data_copy):
    _set_crosswalk_cell(data_copy, 5, "kind", "")
    _set_crosswalk_cell(data_copy, 8, "direction", "")
    _set_crosswalk_cell(data_copy, 11, "kind", "share-liking")
    _set_crosswalk_cell(data_copy, 14, "direction", "upside-down")
    found = [str(p) for p in swsurveys.validate(data_copy)]
    for line, column, cell in [
        (5, "kind", "''"),
        (8, "direction", "''"),
        (11, "kind", "'share-liking'"),
        (14, "direction", "'upside-down'"),
    ]:
        hits = [p for p in found if p.startswith(f"data/crosswalk.csv:{line}: {column}: {cell}")]
        assert hits, (line, column, found)
        assert ("share-agreeing" if column == "kind" else "reversed") in hits[0]  # names the vocabulary


def test_a_kind_must_fit_the_measure_and_summed_rows_must_agree(data_copy):
    _set_crosswalk_cell(data_copy, 2, "kind", "hours")  # a percentage read as hours
    _set_crosswalk_cell(data_copy, 4, "direction", "reversed")  # line 3 + line 4 make one value
    found = [str(p) for p in swsurveys.validate(data_copy)]
    assert any(p.startswith("data/crosswalk.csv:2: kind: 'hours' cannot be read from a 'percent'") for p in found)
    assert any(p.startswith("data/crosswalk.csv:4: kind, direction, bound: differs from line 3") for p in found)


def test_every_axis_holds_one_kind_and_one_direction_and_nothing_is_dropped():
    axes = crosswalk.indicators().set_index("indicator")
    linked = crosswalk.linked()
    figure = crosswalk.figure(linked)
    for indicator, rows in figure.data.groupby("indicator"):
        assert set(rows["kind"]) == {axes.loc[indicator, "kind"]}, indicator
        assert set(rows["direction"]) == {axes.loc[indicator, "direction"]}, indicator
        assert rows["survey"].nunique() >= 2, indicator  # one source is a sentence, not a panel
    assert len(figure.data) + len(figure.beside) == len(linked)  # each value is drawn or written
    assert set(figure.beside["place"]) == {"beside", "sentence"}
    for years in [figure.spec()["vconcat"][0]["layer"][0]["encoding"]["x"]["axis"]["values"]]:
        assert years == sorted(set(figure.data["year"]))  # the width goes to years with data


def test_a_printed_bound_is_drawn_as_a_bound():
    linked = crosswalk.linked("induction-and-newly-qualified")
    rows = linked[linked["indicator"] == "Induction covered safeguarding"].copy()
    rows.loc[rows.index[0], ["bound", "shown"]] = ["over", "over 50%"]
    spec = str(crosswalk.figure(rows).spec())
    assert "'filled': False" in spec and "'y2'" in spec and "over 50%" in spec  # open marker, arrow, words


def test_a_table_links_each_row_to_its_own_source():
    frame = pd.DataFrame(
        {"Value": ["51%", "63% (derived)"], "Line": ["283", "705; 706"], "survey": ["ofsted-2010", "ofsted-2012"]}
    )
    text = str(display.table(frame, source_lines=("Line", "survey")))
    assert "[283](../sources/ofsted-2010.html#L283)" in text
    assert "[705](../sources/ofsted-2012.html#L705); [706](../sources/ofsted-2012.html#L706)" in text
    assert "| survey" not in text  # the slug column is not shown


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
        typed = [
            n
            for n in re.findall(r"\d+(?:[.,]\d+)?", _prose(ROOT / f"chapters/{name}.qmd"))
            if not re.fullmatch(r"20[0-2]\d", n)
        ]
        assert not typed, f"{name}.qmd types {typed}: numbers must come from the data through inline code"


def test_the_typed_number_check_can_fail(tmp_path):
    chapter = tmp_path / "bad.qmd"
    chapter.write_text("---\ntitle: x\n---\n\nIn 2010, `{python} v()` agreed, up from 47 per cent (@fig-a-1).\n")
    assert re.findall(r"\d+", _prose(chapter)) == ["2010", "47"]


ISSUE_THEMES = {
    "caseloads and workload": ["caseload", "workload-and-hours"],
    "time use": ["time-use"],
    "supervision and line management": ["supervision", "management-support"],
    "training and induction": ["training-and-development", "induction-and-newly-qualified"],
    "recording and IT": ["recording-and-it"],
    "staffing": ["staffing-and-vacancies"],
    "morale and leaving": ["job-satisfaction-and-morale", "retention"],
}


def test_every_theme_shows_each_value_on_a_chart_or_in_words_with_comparability():
    for name, themes in ISSUE_THEMES.items():
        linked = crosswalk.linked(themes)
        figure = crosswalk.figure(linked)
        assert len(figure.data) + len(figure.beside) == len(linked), name
        spec = str(figure.spec())
        if not figure.data.empty:
            assert "'shape'" in spec and "Comparability" in spec, name  # marker shape, with its legend
            assert "Who answered" in spec, name
        table = str(crosswalk.table(linked))
        assert "Measured as" in table and "Comparability" in table, name


def test_the_data_dictionary_describes_kind_direction_and_bound_from_the_schema():
    from swsurveys.catalogue import resource_schema

    fields = {f["name"]: f for f in resource_schema("crosswalk")["fields"]}
    assert fields["kind"]["constraints"]["enum"] == crosswalk.KINDS
    assert fields["direction"]["constraints"]["enum"] == crosswalk.DIRECTIONS
    assert set(fields["bound"]["constraints"]["enum"]) == {"", *crosswalk.BOUND_WORD}
    for name in ("kind", "direction", "bound", "words"):
        assert len(fields[name]["description"]) > 40, name
    axes = {f["name"]: f for f in resource_schema("indicators")["fields"]}
    assert axes["kind"]["constraints"]["enum"] == crosswalk.KINDS
    assert {"resource": "indicators", "fields": ["theme", "indicator"]} in [
        k["reference"] for k in resource_schema("crosswalk")["foreignKeys"]
    ]
    assert "resource_schema" in (ROOT / "chapters/data-dictionary.qmd").read_text(encoding="utf-8")
