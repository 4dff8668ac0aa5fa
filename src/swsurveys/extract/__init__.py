"""Extraction steps: each rebuilds the data files that are made from one raw source text.

Run one step, or all of them, from the project root:

    python -m swsurveys.extract ofsted-2010
    python -m swsurveys.extract all

Every step is a module of this package with the same shape: `SURVEY`, the
slug it reads, and `run() -> Generated`, the rows of each data-package
resource it makes, in file order. The columns of every file come from its
Table Schema in datapackage.json, and one writer writes them all, so a step
says only what the source prints. A step reads its source through `Source`
(one line reader for every step), takes each value from the printed token
(`value_of`, through `swsurveys.printed.parse`), and reads the rows an author
curated by hand from `data/extract/<step>_manual.csv` (`manual_rows`).
Table metadata (`data/tables.csv`) is edited by hand and never generated.

Adding a survey, in order:

1. its source text, byte for byte, as `data/raw/<survey>.txt`, described in
   `data/raw/README.md`, and its row in `data/surveys.csv` (with the text's SHA-256);
2. one row per published table in `data/tables.csv`, in the order the report
   prints them;
3. its observations resource, `observations-<survey>`, in `data/datapackage.json`;
4. its step: a module here with `SURVEY` and `run()`, named in `STEPS` below
   (`ircsc_2021.py` is the smallest: rows read by hand into
   `data/extract/<step>_manual.csv`); `python -m swsurveys.extract <survey>`
   writes `data/observations/<survey>.csv`;
5. `data/exclusions/<survey>.csv`: each raw line that states a quantity but holds
   no finding, and why (see `swsurveys.uncited`); `swbook check` lists the ones missing;
6. its chapter in `chapters/`, listed in `_quarto.yml`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

from ..catalogue import raw_lines, resource_path, resource_schema, tables
from ..csvfiles import csv_text, read_rows
from ..paths import data_dir
from ..printed import parse

# Survey slug -> the module of its step.
STEPS = {
    "swtf-2009": "swtf_2009",
    "ofsted-2010": "ofsted_2010",
    "ofsted-2012": "ofsted_2012",
    "lga-2018": "lga_2018",
    "ircsc-2021": "ircsc_2021",
}
OBSERVATIONS = "observations-{survey}"  # the data-package resource of a survey's observations


@dataclass(frozen=True)
class Generated:
    """What a step makes: for each data-package resource it writes (by name), its rows in file order."""

    resources: dict[str, list[dict]]

    def files(self) -> dict[Path, str]:
        """The text of every file the step makes, by path: what `write` puts on disk, byte for byte."""
        return {resource_path(name): csv_text(columns(name), rows) for name, rows in self.resources.items()}

    def write(self) -> None:
        """Write every file the step makes."""
        for path, text in self.files().items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="")


def columns(resource: str) -> list[str]:
    """The column names of a data-package resource, from its Table Schema."""
    return [field["name"] for field in resource_schema(resource)["fields"]]


def value_of(printed: str) -> str:
    """The `value` cell for a printed token: the number it states ("1,153" -> "1153"), or "" when none."""
    number = parse(printed)
    if number is None:
        return ""
    return str(int(number)) if number == int(number) else repr(number)


def observation(
    survey: str,
    table: str,
    *,
    measure: str,
    printed: str,
    line: int | str,
    order: int | str,
    question: str = "",
    category: str = "",
    group: str = "All",
    status: str = "",
    base: int | str | None = "",
    note: str = "",
    value: str | None = None,
) -> dict:
    """One observation row, all text; `value` is read from `printed` unless the step says otherwise.

    A step gives `value` itself only where the token states no number but the
    table does ("-" read as 0 because the printed totals show it).
    """
    return {
        "survey": survey,
        "table": table,
        "question": question,
        "category": category,
        "group": group,
        "measure": measure,
        "value": value_of(printed) if value is None else str(value),
        "printed": printed,
        "status": status,
        "base": "" if base is None else str(base),
        "line": str(line),
        "order": str(order),
        "note": note,
    }


def manual_path(step: str) -> Path:
    """Where the rows an author curated by hand for a step live: data/extract/<step>_manual.csv."""
    return data_dir() / "extract" / f"{step}_manual.csv"


def manual_rows(survey: str) -> list[dict]:
    """The hand-curated observations of a survey, in file order, as observation rows.

    The file has the observation columns but `survey` (it is the file's);
    `value` is left empty where the printed token states it, and filled only
    where it does not ("-" read as 0).
    """
    rows = []
    for row in read_rows(manual_path(STEPS[survey])):
        given = row.pop("value") or None
        rows.append(observation(survey, value=given, **row))
    return rows


def table_order(survey: str) -> dict[str, int]:
    """Position of each of a survey's tables in data/tables.csv (the order the report prints them)."""
    return {table: position for position, table in enumerate(tables(survey)["table"])}


class Source:
    """The raw text of one survey, read by line number (line 1 is the first)."""

    def __init__(self, survey: str):
        self.survey = survey
        self.lines = raw_lines(survey)

    def line(self, number: int) -> str:
        """The line exactly as the source text has it."""
        return self.lines[number - 1]

    def text(self, number: int) -> str:
        """The line with no-break spaces and runs of white space read as single spaces, trimmed."""
        return " ".join(self.lines[number - 1].replace("\u00a0", " ").split())

    def cells(self, number: int) -> list[str]:
        """The tab-separated cells of a line, as printed."""
        return self.lines[number - 1].split("\t")

    def block(self, span: tuple[int, int]) -> list[tuple[str, int]]:
        """The non-empty lines of a range (both ends included), as (text, line number)."""
        return [(self.text(n), n) for n in range(span[0], span[1] + 1) if self.text(n)]


def step(survey: str):
    """The step module of a survey."""
    if survey not in STEPS:
        raise KeyError(f"no extraction step for {survey!r} (expected one of: {', '.join(STEPS)})")
    return importlib.import_module(f"{__name__}.{STEPS[survey]}")


def run(survey: str) -> Generated:
    """Run the step of one survey: what it makes, nothing written."""
    return step(survey).run()
