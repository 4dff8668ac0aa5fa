"""Build data/observations/ofsted-2010.csv from the raw text of the 2010 Ofsted survey.

Run from the project root:  python data/extract/ofsted_2010.py

The appendix "Summary of all questions" (raw lines 278-364) is tab-separated:
`Qcode) statement<TAB>Agree %<TAB>Disagree %`. It is parsed here; the few
repairs the text needs are declared in LABEL_REPAIRS and WRAPPED_LINES.
Values stated only in prose are hand-curated in ofsted_2010_manual.csv and
merged after the parsed rows. The output is deterministic, so a test can
re-run `build()` and compare it with the committed CSV.
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "data" / "raw" / "ofsted-2010.txt"
MANUAL = Path(__file__).with_name("ofsted_2010_manual.csv")
OUTPUT = ROOT / "data" / "observations" / "ofsted-2010.csv"

SURVEY = "ofsted-2010"
TABLE = "summary-all-questions"
TABLE_LINES = (278, 364)
CATEGORIES = ("Agree", "Disagree")
COLUMNS = ["survey", "table", "question", "category", "group", "measure", "value",
           "printed", "status", "base", "line", "order", "note"]

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


def parse_summary_table(lines: list[str]) -> list[dict]:
    """Return one row per (statement, Agree/Disagree) from the appendix table."""
    rows: list[dict] = []
    first, last = TABLE_LINES
    for number in range(first, last + 1):
        text = lines[number - 1]
        match = ROW.match(text)
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
                statement = f"{statement} {lines[continuation - 1].strip()}"
                notes.append(f"statement wraps onto line {continuation}")
        statement = statement[0].upper() + statement[1:]
        for category, printed in zip(CATEGORIES, (agree, disagree)):
            rows.append({
                "survey": SURVEY, "table": TABLE, "question": f"{code}) {statement}",
                "category": category, "group": "All", "measure": "percent",
                "value": printed, "printed": printed, "status": "", "base": "",
                "line": str(number), "order": str(len(rows) + 1), "note": "; ".join(notes),
            })
    return rows


def read_manual() -> list[dict]:
    """Hand-curated prose values, in the same columns as the output."""
    with MANUAL.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def build() -> list[dict]:
    """All ofsted-2010 observations in output order."""
    lines = RAW.read_text(encoding="utf-8").split("\n")
    return parse_summary_table(lines) + read_manual()


def write(rows: list[dict], path: Path = OUTPUT) -> None:
    """Write rows as the observations CSV (UTF-8, LF line endings)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    rows = build()
    write(rows)
    print(f"wrote {len(rows)} rows to {OUTPUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
