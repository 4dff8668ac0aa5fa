"""The 2012 Ofsted report: the two Annex A questionnaire tables, their statements, then the prose values.

Annex A prints two questionnaire tables (social workers, then managers). Each
statement stands on a line of its own ending with its base in brackets, and
its six percentages follow one per line, in the column order the table's
header gives. Lines that carry no values are section headings or lead-ins;
the lead-ins that begin a sentence the statements finish are declared in
LEAD_INS, so each statement keeps its full wording. Values stated only in the
report's prose are hand-curated in data/extract/ofsted_2012_manual.csv.
"""

from __future__ import annotations

import re

from . import OBSERVATIONS, Generated, Source, manual_rows, observation

SURVEY = "ofsted-2012"
STATEMENTS = "ofsted-2012-statements"
CATEGORIES = ["Strongly agree", "Agree", "Neither agree nor disagree", "Disagree", "Strongly disagree", "Don't know"]

# (table slug, group, first line, last line) of each annex table.
ANNEX_TABLES = [
    ("annex-a-social-workers", "Social workers", 686, 1020),
    ("annex-a-managers", "Managers", 1023, 1388),
]
# Lead-in lines that the following statements complete: lead-in line -> how it joins them.
LEAD_INS = {
    720: "As a newly qualified social worker / manager or supervisor: ",
    756: "The training organised for me by my local authority: ",
    826: "My line manager gives me appropriate support to safeguard children and young people by helping me to: ",
    1053: "As a newly qualified social worker / manager or supervisor: ",
    1090: "The training organised for me by my local authority: ",
    1171: "My line manager gives me appropriate support to safeguard children and young people by helping me to: ",
}
# Sections the tables print no heading for, named in our words: first line -> section.
SECTION_LINES = {
    686: "Induction and newly qualified staff",
    730: "Training",
    782: "Workload",
    984: "Equality of opportunity",
    1002: "The effect of support",
    1023: "Induction and newly qualified staff",
    1064: "Training",
    1124: "Workload",
    1336: "Equality of opportunity",
    1354: "The effect of support",
}
# Words run together or broken by the conversion: printed -> repaired (noted on each row).
LABEL_REPAIRS = {"post- qualifying": "post-qualifying"}
# A lead-in stops applying at the next statement that reads as a sentence of its own.
_OWN_SENTENCE = re.compile(r"^(I |My |There |The |Providing |Senior |Access |In making |When )")
_STATEMENT = re.compile(r"^(?P<text>.+?)\s*\((?P<base>\d+)\)\s*$")
_VALUE = re.compile(r"^\d+$")
_NOT_HEADINGS = ("Questionnaire response", "A total of", "The number of", "When answering")
_HEADER_WORDS = {"Strongly", "agree", "Neither agree", "or disagree", "Neither agree or disagree"}


def annex_table(source: Source, slug: str, group: str, first: int, last: int) -> tuple[list[dict], list[dict]]:
    """Observations of one annex table, and the statements with their section heading."""
    rows, statements = [], []
    lead, lead_line, section = "", 0, ""
    number = first
    while number <= last:
        text = source.text(number)
        if number in SECTION_LINES:
            section = SECTION_LINES[number]
        match = _STATEMENT.match(text)
        values = [(source.text(n), n) for n in range(number + 1, min(number + 7, last + 1))]
        if match and len(values) == 6 and all(_VALUE.match(v) for v, _ in values):
            statement, repairs = match.group("text"), []
            for printed_words, repaired in LABEL_REPAIRS.items():
                if printed_words in statement:
                    statement = statement.replace(printed_words, repaired)
                    repairs.append(f"statement printed with '{printed_words}'")
            if lead and _OWN_SENTENCE.match(statement) and not lead.startswith("As a newly"):
                lead = ""
            question = f"{lead}{statement[0].lower()}{statement[1:]}" if lead else statement
            if lead.startswith("As a newly"):
                lead = ""  # this lead-in introduces a single statement
            if question != statement:
                repairs.append(f"statement printed after the lead-in on line {lead_line}")
            note = "; ".join(repairs)
            for category, (printed, line) in zip(CATEGORIES, values):
                rows.append(
                    observation(
                        SURVEY,
                        slug,
                        question=question,
                        category=category,
                        group=group,
                        measure="percent",
                        printed=printed,
                        base=match.group("base"),
                        line=line,
                        order=len(rows) + 1,
                        note=note,
                    )
                )
            statements.append(
                {
                    "statement": question,
                    "section": section,
                    "group": group,
                    "line": str(number),
                    "base": match.group("base"),
                }
            )
            number += 7
            continue
        if number in LEAD_INS:
            lead, lead_line = LEAD_INS[number], number
        elif number in SECTION_LINES:
            lead = ""
        elif (
            text
            and not text.startswith(_NOT_HEADINGS)
            and len(text) < 120
            and text not in CATEGORIES
            and not _VALUE.match(text)
            and text not in _HEADER_WORDS
        ):
            section, lead = text, ""
        number += 1
    return rows, statements


def run() -> Generated:
    """All ofsted-2012 observations, and the statements of the two annex tables."""
    source = Source(SURVEY)
    rows, statements = [], []
    for slug, group, first, last in ANNEX_TABLES:
        table_rows, table_statements = annex_table(source, slug, group, first, last)
        rows += table_rows
        statements += table_statements
    return Generated({OBSERVATIONS.format(survey=SURVEY): rows + manual_rows(SURVEY), STATEMENTS: statements})
