"""Corrections where the reader meets them: the dated notice beside a corrected figure, table or value.

A row of `data/corrections.csv` names one observation by its key (survey,
table, question, category, group, measure), its old and new value and the
reason. Wherever the book shows that observation (a figure's plotted rows, a
table's rows, a value in the text) it shows the notice too, so a reader who
meets the number also meets its correction. Reading a table's corrections is
recorded as that table's part of the file, so adding a correction re-runs only
the chapters that show the table.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .csvfiles import read_rows
from .dates import format_date
from .paths import data_dir, record_read

KEY = ("survey", "table", "question", "category", "group", "measure")


@lru_cache(maxsize=None)
def _all(folder: Path) -> tuple[dict, ...]:
    path = folder / "corrections.csv"
    return tuple(read_rows(path)) if path.exists() else ()


def _text(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value)


def key_of(row) -> tuple[str, ...]:
    """An observation's key, as text."""
    return tuple(_text(row.get(k)) for k in KEY)


def anchor(correction: dict) -> str:
    """A stable id for one correction, the same in every page that shows it (for the appendix's links)."""
    digest = hashlib.sha256("|".join(key_of(correction) + (correction.get("date", ""),)).encode()).hexdigest()
    return f"correction-{digest[:10]}"


def for_table(survey: str, table: str) -> list[dict]:
    """The corrections logged for one table of one survey (the read is recorded for the build's cache)."""
    folder = data_dir()
    record_read(folder / "corrections.csv", part=table)
    return [row for row in _all(folder) if row["survey"] == survey and row["table"] == table]


def matching(rows: pd.DataFrame | list[dict]) -> list[dict]:
    """The corrections of the observations in `rows` (any rows with the key columns), each once, by date."""
    records = rows.to_dict("records") if isinstance(rows, pd.DataFrame) else list(rows)
    keys = {key_of(r) for r in records if _text(r.get("survey")) and _text(r.get("table"))}
    found: dict[str, dict] = {}
    for survey, table in sorted({k[:2] for k in keys}):
        for correction in for_table(survey, table):
            if key_of(correction) in keys:
                found.setdefault(anchor(correction), correction)
    return sorted(found.values(), key=lambda c: (c["date"], key_of(c)))


def what(correction: dict) -> str:
    """The corrected value in words: its statement, answer and group, as the book labels them."""
    parts = [correction[k] for k in ("question", "category") if correction.get(k)]
    if correction.get("group") and correction["group"] != "All":
        parts.append(correction["group"])
    return ", ".join(parts) or correction["table"]


def heading(correction: dict) -> str:
    """The notice's first words, shown in bold: 'Corrected on 1 December 2026:'."""
    return f"Corrected on {format_date(correction['date'])}:"


def detail(correction: dict) -> str:
    """The rest of the notice: what changed and why."""
    reason = correction["reason"].strip().rstrip(".")
    return f"{what(correction)} was {correction['old_value']}, now {correction['new_value']}. Why: {reason}."


def notice(correction: dict) -> str:
    """The notice as a sentence: when, what changed and why."""
    return f"{heading(correction)} {detail(correction)}"


def at_lines(places: set[tuple[str, int]]) -> list[dict]:
    """The corrections of observations printed on these (survey, line) places: for a table that links lines."""
    folder = data_dir()
    surveys = {survey for survey, _ in places}
    candidates = [c for c in _all(folder) if c["survey"] in surveys]
    if not candidates:
        record_read(folder / "corrections.csv")  # a correction logged later must re-run the chapter
        return []
    from .catalogue import load

    found: dict[str, dict] = {}
    for correction in candidates:
        rows = load(correction["survey"], correction["table"])
        for row in rows.to_dict("records"):
            if key_of(row) == key_of(correction) and (correction["survey"], int(row["line"])) in places:
                found.setdefault(anchor(correction), correction)
    record_read(folder / "corrections.csv")
    return sorted(found.values(), key=lambda c: (c["date"], key_of(c)))
