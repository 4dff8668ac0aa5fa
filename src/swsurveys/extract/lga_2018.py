"""The 2018 LGA health check: the body tables rebuilt from explicit line ranges, then the hand-read values.

The 25 body tables survive as text, but the conversion laid many of them out
column by column, with the row labels far from their values. Every table is
rebuilt here from explicit line ranges (data/extract/lga_2018_layouts.yaml): which lines hold the row
labels, which hold each column, and in which order. Nothing is guessed from
position alone: each layout was checked by hand against the table's own
totals (sample sizes that add up to the All row, counts that give the printed
percentages) and against the report's prose.

The 22 charts are lost; the percentages the prose states about them, the
executive summary's restatements, one prose-only workforce value and the
counted answers of Annex A's short lists are hand-curated in
data/extract/lga_2018_manual.csv (one note per row says how it was read).

The tables' metadata (number, title, base, lines, quality, …) is edited by
hand in data/tables.csv, whose row order is the order the report prints the
tables and the order of the observations file.
"""

from __future__ import annotations

import re

import yaml

from . import OBSERVATIONS, Generated, Source, manual_path, manual_rows, observation, table_order

SURVEY = "lga-2018"
GROUPS = {
    "Shire County": "Shire County",
    "London Borough": "London Borough",
    "Metropolitan District": "Metropolitan District",
    "Unitary Authority": "Unitary Authority",
    "All": "All",
    "Total": "All",
}
SAMPLE = "Number of respondents"  # category of the printed 'Sample size' column
CELL_FIELDS = ("question", "category", "group", "measure", "printed", "line", "base")  # a body cell, in order
_NUMERIC = re.compile(r"^(\d+(?:\.\d+)?|\*)$")

# The layouts of the body tables (which lines hold the labels, which each column) are declared beside the
# manual rows, in data/extract/lga_2018_layouts.yaml; a column named SAMPLE holds printed sample sizes (count
# observations, and the base of the values beside them).
# Notes on single cells: (slug, category or group, measure) -> note.
CELL_NOTES = {
    ("safe-caseload-assurance", "AYSE Review process", "count"): "Label printed 'AYSE' [sic], i.e. ASYE.",
    ("safe-caseload-assurance", "AYSE Review process", "percent"): "Label printed 'AYSE' [sic], i.e. ASYE.",
    ("cpd-feedback", "Other", "count"): "Annex A12 lists more counted answers (9+5+2 plus 11 single entries) "
    "than this 24.",
}
STAR_NOTE = "Printed '*': less than 0.5 per cent (line 529)."


# ---------------------------------------------------------------------------------------------------------------
def label_rows(src: Source, span: tuple[int, int], width: int) -> list[tuple[str, list[tuple[str, int]]]]:
    """Label line(s) each followed by `width` value lines; wrapped labels are joined with a space."""
    out, label, values = [], [], []
    for text, number in src.block(span):
        if _NUMERIC.match(text):
            values.append((text, number))
            if len(values) == width:
                out.append((" ".join(label), values))
                label, values = [], []
        else:
            if values:
                raise ValueError(f"line {number}: label {text!r} interrupts the values of {' '.join(label)!r}")
            label.append(text)
    if label or values:
        raise ValueError(f"lines {span}: unfinished row {label} {values}")
    return out


def _check_values(cells: list[tuple[str, int]], span) -> None:
    for text, number in cells:
        if not _NUMERIC.match(text):
            raise ValueError(f"line {number}: {text!r} in {span} is not a value")


def _body_rows(src: Source, layout: dict) -> list[dict]:
    """Cells of one body table as dicts with question, category, group, measure, printed, line, base."""
    slug, kind, out = layout["slug"], layout["kind"], []

    def cell(*values) -> None:
        out.append(dict(zip(CELL_FIELDS, values, strict=True)))

    if kind in ("columns", "rows+col", "rows"):
        # Normalise to (label, [(printed, line) per column], [measures]).
        table: list[tuple[str, list[tuple[str, int]]]] = []
        if kind == "columns":
            measures = [m for m, _ in (layout.get("cols") or layout["parts"][0]["cols"])]
            for part in layout.get("parts", [layout]):
                labels = [t for t, _ in src.block(part["labels"])]
                columns = [src.block(span) for _, span in part["cols"]]
                for column, (_, span) in zip(columns, part["cols"]):
                    _check_values(column, span)
                    if len(column) != len(labels):
                        raise ValueError(f"{slug}: {len(column)} values in {span} for {len(labels)} labels")
                table += [(label, [c[i] for c in columns]) for i, label in enumerate(labels)]
        elif kind == "rows+col":
            pairs = label_rows(src, layout["pairs"], 1)
            measures = ["count"] + [m for m, _ in layout["cols"]]
            columns = [src.block(span) for _, span in layout["cols"]]
            for column, (_, span) in zip(columns, layout["cols"]):
                _check_values(column, span)
                if len(column) != len(pairs):
                    raise ValueError(f"{slug}: {len(column)} values in {span} for {len(pairs)} rows")
            table = [(label, values + [c[i] for c in columns]) for i, (label, values) in enumerate(pairs)]
        else:
            measures = layout["cols"]
            table = label_rows(src, layout["span"], len(measures))
        by_group = layout.get("by_group", False)
        for label, values in table:
            if by_group:
                group = GROUPS[label]
                sample = dict(zip(measures, values)).get(SAMPLE)
                for measure, (printed, line) in zip(measures, values):
                    if measure == SAMPLE:
                        cell("", SAMPLE, group, "count", printed, line, None)
                    else:
                        base = sample[0] if sample else (149 if label == "Total" else None)
                        cell("", "", group, measure, printed, line, base)
            else:
                for measure, (printed, line) in zip(measures, values):
                    cell("", label, "All", measure, printed, line, layout.get("base"))
    elif kind == "panels":
        groups = [GROUPS[t] for t, _ in src.block(layout["labels"])]
        for question, value_span, size_span in layout["panels"]:
            values, sizes = src.block(value_span), src.block(size_span)
            _check_values(values, value_span)
            _check_values(sizes, size_span)
            if not len(values) == len(sizes) == len(groups):
                raise ValueError(f"{slug}: panel {question!r} does not have one value per group")
            for group, (printed, line), (size, size_line) in zip(groups, values, sizes):
                cell(question, "", group, layout["measure"], printed, line, size)
            for group, (size, size_line) in zip(groups, sizes):
                cell(question, SAMPLE, group, "count", size, size_line, None)
    elif kind == "pairs":
        groups = [GROUPS[t] for t, _ in src.block(layout["labels"])]
        flat = src.block(layout["pairs"])
        _check_values(flat, layout["pairs"])
        if len(flat) != 2 * len(groups):
            raise ValueError(f"{slug}: {len(flat)} values for {len(groups)} (value, sample size) pairs")
        pairs = [(flat[2 * i], flat[2 * i + 1]) for i in range(len(groups))]
        for group, ((printed, line), (size, _)) in zip(groups, pairs):
            cell("", "", group, layout["measure"], printed, line, size)
        for group, (_, (size, size_line)) in zip(groups, pairs):
            cell("", SAMPLE, group, "count", size, size_line, None)
    else:
        raise ValueError(f"unknown layout kind {kind!r}")
    return out


def _order(rows: list[dict]) -> None:
    """Display order: position of each (question, category) within its table, first appearance first."""
    seen: dict[str, dict] = {}
    for row in rows:
        table = seen.setdefault(row["table"], {})
        key = (row["question"], row["category"])
        table.setdefault(key, len(table) + 1)
        row["order"] = str(table[key])


def run() -> Generated:
    """Every lga-2018 observation, in the order data/tables.csv lists the tables."""
    src = Source(SURVEY)
    layouts = yaml.safe_load(manual_path("lga_2018").with_name("lga_2018_layouts.yaml").read_text(encoding="utf-8"))
    rows: list[dict] = []
    for layout in layouts:
        table_rows = []
        for c in _body_rows(src, layout):
            status, note = "", layout.get("note", "")
            if c["printed"] == "*":
                status, note = "low", (STAR_NOTE + " " + note).strip()
            extra = CELL_NOTES.get((layout["slug"], c["category"] or c["group"], c["measure"]))
            if extra:
                note = (extra + " " + note).strip()
            table_rows.append(observation(SURVEY, layout["slug"], **c, status=status, order=0, note=note))
        _order(table_rows)
        rows += table_rows
    rows += manual_rows(SURVEY)
    # Print order of tables, then within a table the order the rows were made.
    position = table_order(SURVEY)
    missing = {r["table"] for r in rows} - set(position)
    if missing:
        raise ValueError(
            f"data/tables.csv has no row for the {SURVEY} tables {sorted(missing)} "
            "(expected one row per table that holds observations)"
        )
    rows = [r for _, r in sorted(enumerate(rows), key=lambda p: (position[p[1]["table"]], p[0]))]
    keys = [(r["table"], r["question"], r["category"], r["group"], r["measure"]) for r in rows]
    if len(keys) != len(set(keys)):
        raise ValueError("duplicate primary key")
    return Generated({OBSERVATIONS.format(survey=SURVEY): rows})
