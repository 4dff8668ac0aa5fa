"""The committed data: complete, verified, and reproducible from the raw text."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

import swsurveys
from helpers import ROOT
from swsurveys import extract

SOURCES = Path(ROOT).parent / "shared" / "sources"


def test_every_observation_is_verified_against_its_line():
    report = swsurveys.verify()
    failed = report[~report["verified"]]
    assert failed.empty, failed[["survey", "table", "printed", "line", "reason"]].to_string()


def test_ofsted_2010_holds_every_surviving_value():
    summary = swsurveys.load("ofsted-2010", "summary-all-questions")
    assert summary["question"].nunique() == 34
    assert len(summary) == 68
    assert set(summary["category"]) == {"Agree", "Disagree"}
    respondents = swsurveys.load("ofsted-2010", "respondents").set_index("category")["value"]
    assert respondents.to_dict() == {"All responses": 4141, "Full time": 3514, "Part time": 627}


def test_contradictions_keep_both_readings():
    summary = swsurveys.load("ofsted-2010", "summary-all-questions")
    prose = swsurveys.load("ofsted-2010", "body-prose")
    q6a = summary[summary["question"].str.startswith("Q6a)") & (summary["category"] == "Disagree")]
    told = prose[prose["question"].str.startswith("Q6a)") & (prose["category"] == "Disagree")]
    assert (q6a["value"].item(), q6a["line"].item()) == (63, 301)
    assert (told["value"].item(), told["printed"].item(), told["line"].item()) == (64, "Sixty-four percent", 178)


def test_lost_charts_are_listed_without_values():
    tables = swsurveys.tables("ofsted-2010")
    lost = set(tables.loc[tables["quality"] == "lost", "table"])
    assert {"chart-profile", "chart-workload", "appendix-pages-22-39"} <= lost
    assert not lost & set(swsurveys.load("ofsted-2010")["table"])


@pytest.mark.parametrize("survey", list(extract.STEPS))
def test_extraction_reproduces_the_committed_csv(survey):
    """Each step rebuilds every file it generates (observations, statements, codebook) byte for byte."""
    generated = extract.run(survey)
    assert f"observations-{survey}" in generated.resources
    for path, text in generated.files().items():
        committed = path.read_text(encoding="utf-8")
        assert text == committed, (
            f"{path.relative_to(ROOT)} differs from what `python -m swsurveys.extract {survey}` builds"
        )


def test_every_generated_data_file_has_a_step():
    """The files the steps write are exactly the observations, the 2012 statements and the diary codebook."""
    made = {
        path.relative_to(ROOT / "data").as_posix() for survey in extract.STEPS for path in extract.run(survey).files()
    }
    observations = {f"observations/{survey}.csv" for survey in swsurveys.observation_surveys()}
    assert made == observations | {"ofsted-2012-statements.csv", "diary_codes.csv"}


def test_table_metadata_is_hand_edited_for_every_survey():
    """tables.csv is the one source of table metadata: every table holding observations has its row there."""
    for survey in extract.STEPS:
        declared = set(swsurveys.tables(survey)["table"])
        held = set(swsurveys.load(survey)["table"])
        assert held <= declared, sorted(held - declared)


def test_ofsted_2012_annex_tables_are_complete():
    for table, statements in (("annex-a-social-workers", 37), ("annex-a-managers", 38)):
        frame = swsurveys.load("ofsted-2012", table)
        assert frame["question"].nunique() == statements
        assert len(frame) == statements * 6
        assert frame["base"].notna().all()
    managers = swsurveys.load("ofsted-2012", "annex-a-managers")
    workload = managers[managers["question"].str.endswith("helping me to: manage my workload")]
    assert workload["base"].unique().tolist() == [144]


def test_ircsc_2021_keeps_both_bases():
    q3 = swsurveys.load("ircsc-2021", "q3-services").set_index("category")
    assert q3.loc["Respondents", "value"] == 187 and q3.loc["Chart base as printed", "value"] == 298


def test_raw_files_are_byte_identical_to_the_shared_sources():
    names = {
        "000_046ec6698a9ac117.txt": "ofsted-2010",
        "001_8bce47250bd201a6.txt": "swtf-2009",
        "002_72aec377c6cc9d23.txt": "ircsc-2021",
        "003_b2b21db34c1eeea0.txt": "lga-2018",
        "004_9ce1303f9da86513.txt": "ofsted-2012",
    }
    surveys = swsurveys.surveys()
    for original, slug in names.items():
        raw = (ROOT / "data/raw" / f"{slug}.txt").read_bytes()
        assert hashlib.sha256(raw).hexdigest() == surveys.loc[slug, "sha256"]
        if SOURCES.exists():  # the shared folder sits beside the clone in CI and for developers
            assert raw == (SOURCES / original).read_bytes()


def test_load_attaches_table_metadata():
    frame = swsurveys.load("ofsted-2010", "summary-all-questions")
    assert frame.attrs["table"]["page"] == "40-45"
    assert frame.attrs["survey"]["respondents"] == 4141
    assert list(frame["order"]) == sorted(frame["order"])
