"""The 2010 Ofsted practitioner survey: the appendix "Summary of all questions", then the prose values.

The appendix (raw lines 278-364) is tab-separated:
`Qcode) statement<TAB>Agree %<TAB>Disagree %`. The few repairs its text needs
are declared in LABEL_REPAIRS and WRAPPED_LINES. Values stated only in prose
are hand-curated in data/extract/ofsted_2010_manual.csv and follow the
parsed rows.
"""

from __future__ import annotations

import re

from . import OBSERVATIONS, Generated, Source, manual_rows, observation

SURVEY = "ofsted-2010"
TABLE = "summary-all-questions"
TABLE_LINES = (278, 364)
CATEGORIES = ("Agree", "Disagree")

# Words run together by the PDF conversion: (raw line, printed, repaired).
LABEL_REPAIRS = {
    285: ("social workerMy", "social worker, my"),
    298: ("authoritykeeps", "authority keeps"),
    315: ("me tomanage", "me to manage"),
    316: ("me toaccess", "me to access"),
    317: ("me tomanage", "me to manage"),
}
# Statement text that wrapped onto a line of its own: continuation line -> row line.
WRAPPED_LINES = {299: 298}

ROW = re.compile(r"^(Q\d+[a-z]?)\) (.+?)\t(\d+)\t(\d+)\t?$")


def summary_table(source: Source) -> list[dict]:
    """One row per (statement, Agree/Disagree) from the appendix table."""
    rows: list[dict] = []
    first, last = TABLE_LINES
    for number in range(first, last + 1):
        match = ROW.match(source.line(number))
        if not match:
            continue
        code, statement, agree, disagree = match.groups()
        notes = []
        if number in LABEL_REPAIRS:
            printed, repaired = LABEL_REPAIRS[number]
            statement = statement.replace(printed, repaired)
            notes.append(f"statement printed with '{printed}'")
        for continuation, row_line in WRAPPED_LINES.items():
            if row_line == number:
                statement = f"{statement} {source.line(continuation).strip()}"
                notes.append(f"statement wraps onto line {continuation}")
        statement = statement[0].upper() + statement[1:]
        for category, printed in zip(CATEGORIES, (agree, disagree)):
            rows.append(
                observation(
                    SURVEY,
                    TABLE,
                    question=f"{code}) {statement}",
                    category=category,
                    measure="percent",
                    printed=printed,
                    line=number,
                    order=len(rows) + 1,
                    note="; ".join(notes),
                )
            )
    return rows


def run() -> Generated:
    """All ofsted-2010 observations in output order."""
    return Generated({OBSERVATIONS.format(survey=SURVEY): summary_table(Source(SURVEY)) + manual_rows(SURVEY)})
