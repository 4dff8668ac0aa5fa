"""Each validation rule has a fixture that breaks it; the message names file, line and column."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from helpers import ROOT, replace_in_file
from swsurveys.paths import cache_dir
from swsurveys.validate import validate

OBS = "data/observations/ofsted-2010.csv"


def problems_for(data: Path, path: str, line: int, column: str) -> list[str]:
    found = [str(p) for p in validate(data)]
    return [p for p in found if p.startswith(f"{path}:{line}: {column}:")]


def set_cell(data: Path, line: int, column: str, value: str, name: str = "observations/ofsted-2010.csv") -> None:
    """Change one cell of a CSV (line counted in the file, header = 1)."""
    path = data / name
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    rows[line - 1][header.index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def line_holding(data: Path, text: str, name: str = "observations/ofsted-2010.csv") -> int:
    """The first line of a CSV (header = 1) that holds `text`: the row a test breaks."""
    lines = (data / name).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def test_the_real_data_package_is_valid():
    assert [str(p) for p in validate()] == []


def test_printed_not_on_its_line(data_copy):
    set_cell(data_copy, 2, "printed", "15")
    set_cell(data_copy, 2, "value", "15")
    found = problems_for(data_copy, OBS, 2, "printed")
    assert found and "'15' is not a whole token on line 283" in found[0]


def test_value_must_follow_from_printed(data_copy):
    set_cell(data_copy, 2, "value", "52")
    assert problems_for(data_copy, OBS, 2, "value") == [
        f"{OBS}:2: value: 52 does not follow from printed '51' (expected 51)"
    ]


def test_verbal_quantity_cannot_carry_a_value(data_copy):
    line = line_holding(data_copy, ",just over half,")
    set_cell(data_copy, line, "value", "51")
    assert problems_for(data_copy, OBS, line, "value")


def test_empty_value_needs_a_status(data_copy):
    line = line_holding(data_copy, ",just over half,")
    set_cell(data_copy, line, "status", "")
    assert problems_for(data_copy, OBS, line, "status")


def test_percentages_lie_in_0_to_100(data_copy):
    set_cell(data_copy, 2, "value", "151")
    set_cell(data_copy, 2, "printed", "151")
    assert any("outside 0-100" in p for p in problems_for(data_copy, OBS, 2, "value"))


def test_counts_are_whole(data_copy):
    line = line_holding(data_copy, ",Full time,")
    set_cell(data_copy, line, "measure", "count")
    set_cell(data_copy, line, "value", "3514.5")
    assert problems_for(data_copy, OBS, line, "value")


def test_scores_need_a_scale_and_stay_within_it(data_copy):
    line = line_holding(data_copy, ",Full time,")
    set_cell(data_copy, line, "measure", "score")
    assert any("scale" in p for p in problems_for(data_copy, OBS, line, "measure"))


def test_complete_distribution_must_sum_to_100(data_copy):
    # Agree 51 + disagree 27 is not a complete distribution: marking it complete must fail.
    replace_in_file(data_copy / "tables.csv", "278-364,clean,partial", "278-364,clean,complete")
    found = problems_for(data_copy, OBS, 2, "value")
    assert found and "sum to 78" in found[0] and "complete" in found[0]


def test_partial_sum_above_100_is_rejected(data_copy):
    # Q1 disagree read as 51 (a token its line does print): 51 + 51 is above 100 + tolerance.
    set_cell(data_copy, 3, "printed", "51")
    set_cell(data_copy, 3, "value", "51")
    found = problems_for(data_copy, OBS, 2, "value")
    assert any("sum to 102" in p and "partial" in p for p in found)


def test_foreign_key_to_tables(data_copy):
    set_cell(data_copy, 2, "table", "no-such-table")
    found = problems_for(data_copy, OBS, 2, "survey, table")
    assert found and "does not exist" in found[0]


def test_primary_key_is_unique(data_copy):
    path = data_copy / "observations/ofsted-2010.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines + [lines[1]]) + "\n", encoding="utf-8")
    assert problems_for(data_copy, OBS, len(lines) + 1, "survey+table+question+category+group+measure")


def test_type_errors_name_the_column(data_copy):
    set_cell(data_copy, 2, "line", "two hundred")
    assert problems_for(data_copy, OBS, 2, "line")


def test_raw_files_match_their_sha256(data_copy):
    raw = data_copy / "raw/ofsted-2010.txt"
    raw.write_bytes(raw.read_bytes() + b"\n")
    found = problems_for(data_copy, "data/surveys.csv", 3, "sha256")
    assert found and "edited or replaced" in found[0]


def test_themes_come_from_the_vocabulary(data_copy):
    replace_in_file(data_copy / "tables.csv", "workforce-profile,", "workforce-profiles,")
    assert any("unknown theme 'workforce-profiles'" in p for p in map(str, validate(data_copy)))


def test_lost_charts_hold_no_values(data_copy):
    replace_in_file(data_copy / "tables.csv", "72-76,prose,", "72-76,lost,")
    assert any("marked lost but has observations" in p for p in map(str, validate(data_copy)))


def test_every_problem_is_reported_at_once(data_copy):
    set_cell(data_copy, 2, "value", "52")
    set_cell(data_copy, 5, "printed", "99")
    problems = [str(p) for p in validate(data_copy)]
    assert any(p.startswith(f"{OBS}:2: value") for p in problems)
    assert any(p.startswith(f"{OBS}:5: printed") for p in problems)


def test_datapackage_describes_every_observation_file():
    package = json.loads((ROOT / "data/datapackage.json").read_text(encoding="utf-8"))
    listed = {r["path"] for r in package["resources"]}
    on_disk = {f"observations/{p.name}" for p in (ROOT / "data/observations").glob("*.csv")}
    assert on_disk <= listed


def test_statement_links_must_name_real_questions(data_copy):
    replace_in_file(data_copy / "ofsted-2010-2012-matches.csv", "my specific job role", "my specific jobs role")
    found = problems_for(data_copy, "data/ofsted-2010-2012-matches.csv", 3, "statement_2012")
    assert found and "no ofsted-2012 observation has the question" in found[0]


CROSSWALK_ROW = (
    "supervision,Supervised at least monthly,ofsted-2010,summary-all-questions,"
    '"Q4b) There is sufficient training offered by my local authority",Agree,All,percent,{rating},note\n'
)


def _write_crosswalk(data: Path, *rows: str) -> None:
    header = "theme,indicator,survey,table,question,category,group,measure,comparability,note\n"
    (data / "crosswalk.csv").write_text(header + "".join(rows), encoding="utf-8")


def _real_crosswalk_row(rating: str) -> str:
    """A crosswalk row with this comparability rating that points at a real 2010 observation."""
    return CROSSWALK_ROW.format(rating=rating).replace(
        "Q4b) There is sufficient training offered by my local authority", _a_2010_question()
    )


def test_crosswalk_rows_must_point_at_real_observations(data_copy):
    real = _real_crosswalk_row("similar")
    _write_crosswalk(data_copy, real, real.replace(",Agree,", ",Agreed,"))
    assert not problems_for(data_copy, "data/crosswalk.csv", 2, "survey, table, question, category, group, measure")
    found = problems_for(data_copy, "data/crosswalk.csv", 3, "survey, table, question, category, group, measure")
    assert found and "no observation ofsted-2010/summary-all-questions" in found[0]


def test_crosswalk_comparability_comes_from_the_scale(data_copy):
    _write_crosswalk(data_copy, _real_crosswalk_row("much the same"))
    found = problems_for(data_copy, "data/crosswalk.csv", 2, "comparability")
    assert found and "same-question" in found[0]


def test_feature_links_must_name_a_crosswalk_indicator(data_copy):
    _write_crosswalk(data_copy, _real_crosswalk_row("similar"))
    (data_copy / "support-feature-indicators.csv").write_text(
        "feature,indicator,note\nsupervision,Supervised at least monthly,ok\nsupervision,Supervised weekly,typo\n",
        encoding="utf-8",
    )
    assert not problems_for(data_copy, "data/support-feature-indicators.csv", 2, "indicator")
    found = problems_for(data_copy, "data/support-feature-indicators.csv", 3, "indicator")
    assert found and "'Supervised weekly' is not an indicator of the crosswalk" in found[0]


def _a_2010_question() -> str:
    with (ROOT / OBS).open(encoding="utf-8", newline="") as handle:
        return next(
            row["question"]
            for row in csv.DictReader(handle)
            if row["table"] == "summary-all-questions" and row["category"] == "Agree"
        )


def test_kept_schema_results_never_hide_a_new_problem(data_copy):
    """frictionless results are kept per resource; a changed file, or a file its keys point at, is checked again."""
    assert validate(data_copy) == []
    assert list((cache_dir(data_copy) / "frictionless").glob("*.json"))  # kept for the next build
    observations = data_copy / "observations" / "ofsted-2010.csv"
    text = observations.read_text(encoding="utf-8")
    observations.write_text(text.replace("Agree,All,percent,51,51,", "Agree,All,percent,5x1,51,", 1), encoding="utf-8")
    assert any("'5x1' is not of the right type" in str(p) for p in validate(data_copy))
    observations.write_text(text, encoding="utf-8")
    assert validate(data_copy) == []
    tables = data_copy / "tables.csv"  # the rows the observations' foreign key points at
    tables.write_text(
        tables.read_text(encoding="utf-8").replace("ofsted-2010,summary-all-questions,", "ofsted-2010,renamed,", 1),
        encoding="utf-8",
    )
    assert any(
        p.path == "data/observations/ofsted-2010.csv" and "refers to a row that does not exist" in p.message
        for p in validate(data_copy)
    )
