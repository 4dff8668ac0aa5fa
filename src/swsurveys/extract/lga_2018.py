"""The 2018 LGA health check: the body tables rebuilt from explicit line ranges, then the hand-read values.

The 25 body tables survive as text, but the conversion laid many of them out
column by column, with the row labels far from their values. Every table is
rebuilt here from explicit line ranges (LAYOUTS): which lines hold the row
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

from . import OBSERVATIONS, Generated, Source, manual_rows, observation, table_order

SURVEY = "lga-2018"
GROUPS = {"Shire County": "Shire County", "London Borough": "London Borough",
          "Metropolitan District": "Metropolitan District", "Unitary Authority": "Unitary Authority",
          "All": "All", "Total": "All"}
SAMPLE = "Number of respondents"  # category of the printed 'Sample size' column
_NUMERIC = re.compile(r"^(\d+(?:\.\d+)?|\*)$")

# ---------------------------------------------------------------------------------------------------------------
# Layouts of the body tables. Kinds:
#   rows      label line(s) followed by one value line per column (CLEAN-ROW); labels may wrap over several lines.
#   rows+col  label/value pairs for the first columns, then the remaining columns dumped as blocks (ROW+COL).
#   columns   a block of labels and one block per column, each a (first, last) line range (COL-DUMP).
#   panels    council-type labels once, then for each panel (question) a block of values and a block of sample sizes.
#   pairs     (value, sample size) pairs for each council type, then the labels (PAIR-DUMP).
# 'measures' names the columns in order; a column named SAMPLE holds printed sample sizes (count observations,
# and the base of the values beside them). 'base' is the printed base of the whole table.
LAYOUTS = [
    dict(slug="responses", kind="columns", labels=(305, 309), cols=[("count", (299, 303)), ("percent", (312, 316))],
         by_group=True, base=None,
         note="Column dump: numbers (lines 299-303), labels (305-309) and per cent (312-316) printed as separate "
              "blocks, read in the same row order. Numbers sum to the Total (14+15+22+26=77)."),
    dict(slug="achievements", kind="rows+col", pairs=(340, 367), cols=[("percent", (370, 383))], base=64,
         note="Label/number pairs (lines 340-367), per cent column dumped after them (370-383), read in row order; "
              "every per cent equals number/64 rounded."),
    dict(slug="development-areas", kind="columns", parts=[
        dict(labels=(404, 410), cols=[("count", (396, 402)), ("percent", (414, 420))]),
        dict(labels=(422, 428), cols=[("count", (430, 436)), ("percent", (438, 444))])], base=63,
         note="Column dump split by a page break: rows 1-7 numbers (lines 396-402), labels (404-410), per cent "
              "(414-420); the stray '8' at line 411 is the page-8 footer, not a value; rows 8-14 labels (422-428), "
              "numbers (430-436), per cent (438-444). Every per cent equals number/63 rounded."),
    dict(slug="unfilled-and-agency-posts", kind="panels", labels=(460, 464), panels=[
        ("Proportion of unfilled posts", (468, 472), (474, 478)),
        ("Proportion of posts covered by agency or temporary staff", (485, 489), (491, 495))], measure="percent",
         note="Two panels side by side, dumped as columns: labels (lines 460-464) once, then per cent and sample "
              "size blocks for each panel (468-478; 485-495). Council-type sample sizes sum to All (62; 64)."),
    dict(slug="frozen-and-deleted-posts", kind="panels", labels=(511, 515), panels=[
        ("Proportion of vacant posts with frozen recruitment", (517, 521), (523, 527)),
        ("Proportion of posts deleted in the last 12 months", (535, 539), (541, 545))], measure="percent",
         note="Two panels dumped as columns, the second after a page break (line 530): labels (511-515), then per "
              "cent and sample size blocks (517-527; 535-545). Sample sizes sum to All (65; 57)."),
    dict(slug="long-term-sick-leave", kind="panels", labels=(560, 564), panels=[
        ("Sick leave due to work related stress", (566, 570), (572, 576)),
        ("Planned sick leave", (583, 587), (589, 593))], measure="percent",
         note="Two panels dumped as columns: labels (560-564), then per cent and sample size blocks (566-576; "
              "583-593). Sample sizes sum to All (54; 50)."),
    dict(slug="maternity-and-other-absence", kind="panels", labels=(608, 612), panels=[
        ("Maternity leave", (614, 618), (620, 624)),
        ("Other long term absence", (630, 634), (636, 640))], measure="percent",
         note="Two panels dumped as columns: labels (608-612), then per cent and sample size blocks (614-624; "
              "630-640). Sample sizes sum to All (55; 21)."),
    dict(slug="market-supplements", kind="pairs", pairs=(650, 659), labels=(661, 665), measure="percent",
         note="(per cent, sample size) pairs for each row (lines 650-659) printed before the labels (661-665). "
              "Sample sizes sum to All (10+10+14+21=55); the prose confirms London 42 and Shire 21 (645-646)."),
    dict(slug="caseload", kind="pairs", pairs=(678, 687), labels=(689, 693), measure="mean",
         note="(average, sample size) pairs for each row (lines 678-687) printed before the labels (689-693): "
              "Shire 20 (13), London 17 (13), Met 20 (20), Unitary 19 (26), All 19 (72). Sample sizes sum to All; "
              "the prose confirms Shire and Met 20, London 17 (672-674). Read as a column dump instead, the "
              "sizes would sum to 84, not 72."),
    dict(slug="hours-over-contract", kind="rows", span=(702, 716), cols=["hours", SAMPLE], by_group=True,
         note="Label, value, sample size on successive lines. The column header says 'Per cent' (line 700) but the "
              "values are hours a week: the prose says 'an additional six hours' (line 696). Sample sizes sum to "
              "All (38)."),
    dict(slug="cancelled-meetings", kind="rows+col", pairs=(726, 737), cols=[("percent", (740, 745))], base=70,
         note="Label/number pairs (lines 726-737), base line (738), then the per cent column after a page break "
              "(740-745), read in row order."),
    dict(slug="safe-caseload-assurance", kind="rows", span=(770, 787), cols=["count", "percent"], base=64),
    dict(slug="safety-support", kind="rows", span=(811, 844), cols=["count", "percent"], base=77),
    dict(slug="incidents", kind="rows", span=(856, 870), cols=["count", "percent"], base=55),
    dict(slug="healthy-environment", kind="rows", span=(968, 985), cols=["count", "percent"], base=77),
    dict(slug="cpd-devising", kind="rows", span=(1042, 1055), cols=["count", "percent"], base=77),
    dict(slug="cpd-commissioning", kind="rows", span=(1068, 1082), cols=["count", "percent"], base=77),
    dict(slug="cpd-delivery", kind="rows+col", pairs=(1094, 1110), cols=[("percent", (1113, 1120))], base=77,
         note="Label/number pairs (lines 1094-1110), per cent column dumped after them (1113-1120), read in row "
              "order; every per cent equals number/77 rounded."),
    dict(slug="cpd-feedback", kind="rows+col", pairs=(1131, 1140), cols=[("percent", (1143, 1147))], base=77,
         note="Label/number pairs (lines 1131-1140), per cent column dumped after them (1143-1147), read in row "
              "order; every per cent equals number/77 rounded."),
    dict(slug="regulator-standards-support", kind="rows", span=(1160, 1195), cols=["count", "percent"], base=67),
    dict(slug="career-development", kind="columns", labels=(1218, 1227),
         cols=[("count", (1230, 1239)), ("percent", (1242, 1251))], base=77,
         note="Column dump: labels (lines 1218-1227), numbers (1230-1239), per cent (1242-1251), read in the same "
              "row order; every per cent equals number/77 rounded."),
    dict(slug="performance-systems", kind="rows", span=(1271, 1285), cols=["count", "percent"], base=77),
    dict(slug="fitness-to-practise-process", kind="rows", span=(1297, 1311), cols=["count", "percent"], base=76),
    dict(slug="fitness-to-practise-measures", kind="rows", span=(1322, 1354), cols=["count", "percent"], base=71),
    dict(slug="community-engagement", kind="rows", span=(1398, 1430), cols=["count", "percent"], base=65),
]
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

    def cell(question, category, group, measure, printed, line, base):
        out.append(dict(question=question, category=category, group=group, measure=measure, printed=printed,
                        line=line, base=base))

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
    rows: list[dict] = []
    for layout in LAYOUTS:
        table_rows = []
        for c in _body_rows(src, layout):
            status, note = "", layout.get("note", "")
            if c["printed"] == "*":
                status, note = "low", (STAR_NOTE + " " + note).strip()
            extra = CELL_NOTES.get((layout["slug"], c["category"] or c["group"], c["measure"]))
            if extra:
                note = (extra + " " + note).strip()
            table_rows.append(observation(SURVEY, layout["slug"], question=c["question"], category=c["category"],
                                          group=c["group"], measure=c["measure"], printed=c["printed"],
                                          status=status, base=c["base"], line=c["line"], order=0, note=note))
        _order(table_rows)
        rows += table_rows
    rows += manual_rows(SURVEY)
    # Print order of tables, then within a table the order the rows were made.
    position = table_order(SURVEY)
    missing = {r["table"] for r in rows} - set(position)
    if missing:
        raise ValueError(f"data/tables.csv has no row for the {SURVEY} tables {sorted(missing)} "
                         "(expected one row per table that holds observations)")
    rows = [r for _, r in sorted(enumerate(rows), key=lambda p: (position[p[1]["table"]], p[0]))]
    keys = [(r["table"], r["question"], r["category"], r["group"], r["measure"]) for r in rows]
    if len(keys) != len(set(keys)):
        raise ValueError("duplicate primary key")
    return Generated({OBSERVATIONS.format(survey=SURVEY): rows})
