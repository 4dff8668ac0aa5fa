"""The 2009 Social Work Task Force workload survey (published March 2010): its tables and diary codebook.

The body and appendix tables are tab-separated in the text. Every table is declared once in
LAYOUTS below: its raw line range, the group (column) each cell belongs to, and any per-table
fixes. Generic rules applied to every table:

* `N [x%]`, `N / x%`, `N/x%`, `725/[100%]` hold two observations (count and percent, same line);
* `<1%` is stored with an empty value and status `low`;
* `-` is 0 only when the table's own row or column total shows it (the other printed cells of
  that row, or of that column, add to the printed total); otherwise the value is empty, status `x`;
* a blank cell prints nothing and is not stored;
* cells flagged "too small" by the source (asterisked column headers or cells) get status `u`;
* footnote markers (superscript digits) and typo brackets (`[[25%]`) are not part of the token.

Values stated only in prose, and the cells of garbled layouts (Table 3.2 rows 13-15 hours and
over, the grouped rows of Tables 2.20 and 2.21, the merged cell of Table 3.1, the text cells of
Tables 2.4 and 2.10, the split row S of the Appendix D table), are hand-curated in
data/extract/swtf_2009_manual.csv and merged here.
"""

from __future__ import annotations

import re

from . import OBSERVATIONS, Generated, Source, manual_rows, observation, value_of

SURVEY = "swtf-2009"
CODEBOOK = "swtf-2009-diary-codes"

# ----------------------------------------------------------------------------- groups
# "Child"/"Adult" columns of chapter 3 and Appendix C are the CSD/DASS *settings* (n = 725/284),
# not client groups; "Both" is the joint department, "Non LA" the PVI sector, "AI" all.
SETTING = ["CSD", "DASS", "Joint", "PVI", "No setting information", "All"]
SETTING_NO_TOTAL = ["CSD", "DASS", "Joint", "PVI", "All"]  # tables without a no-info column
ROLES = [
    "Manager adult",
    "Manager children",
    "Senior practitioner / senior social worker",
    "Social worker",
    "Others inc null response",
    "All",
]

# The six broad diary categories and 40 codes, in the order Appendix A prints them. Table C1
# prints the same 40 activities in this order; its own broad-category label column is garbled
# (labels sit beside the wrong rows), so C1 rows are mapped to codes by position.
DIARY_CODES = (3526, 3567)
C1_CODES = (
    [f"D{i}" for i in range(1, 13)]
    + [f"OA{i}" for i in range(1, 6)]
    + [f"IA{i}" for i in range(1, 5)]
    + [f"R{i}" for i in range(1, 8)]
    + ["OIA1", "OIA2"]
    + [f"S{i}" for i in range(1, 11)]
)

# ----------------------------------------------------------------------------- tables
# kind: "grid" (label + cells), "horizontal" (header row of bands, then value rows),
#       "time" (chapter 3 time-use grid: percentages, last row = respondents), "c1", "d1".
# groups: one entry per cell after the label; None = a text cell that is not parsed here.
# total_col: index (in groups) of the row-total column; total_row: label of the column-total row.
# questions: optional per-column question (for tables whose columns are different items).
# u_cols: indexes of columns the source flags as too small (status u).
# fixes: {line: {"label": ..., "cells": [...], "note": ...}} replaces a garbled row's parsing.
# skip: raw lines inside the range that are not data (annotations, blank rows).
# Most tables share one of four layouts, so each is declared by the helper of its layout and
# only what is its own: the lines it spans, its groups, its notes.


def by_setting(table: str, lines: tuple[int, int], **own) -> dict:
    """A cross-tab of the six settings: the last column is the row total, the last row is 'Total'."""
    return dict(table=table, kind="grid", lines=lines, groups=SETTING, total_col=5, total_row="Total", **own)


def listing(table: str, lines: tuple[int, int], columns: int = 1, **own) -> dict:
    """A list of categories for all respondents (a count, or a count and a percent), ending in 'Total'."""
    return dict(table=table, kind="grid", lines=lines, groups=["All"] * columns, total_row="Total", **own)


def bands(table: str, header: int, rows: list[int], group: str = "All", **own) -> dict:
    """A header row of bands with a count row and/or a percent row beneath."""
    return dict(table=table, kind="horizontal", header=header, rows=rows, group=group, **own)


def time_use(table: str, lines: tuple[int, int], groups: list[str], **own) -> dict:
    """A chapter 3 time-use grid: percent of recorded time by broad category, the last row respondents."""
    return dict(table=table, kind="time", lines=lines, groups=groups, **own)


def client_groups(table: str, lines: tuple[int, int], own_group: tuple[str, int], **own) -> dict:
    """Tables 2.17/2.18: each client group as a share of one side's workers (group, base) and of all 1,153."""
    group, base = own_group
    return dict(table=table, kind="clientgroups", lines=lines, groups=[group, "All"], bases=[base, 1153], **own)


EXCLUDED = "Footnote {}: 'Excluded from sum'."
NO_LABEL = "Total row printed without a label."
LAYOUTS: list[dict] = [
    dict(
        table="t1-1-departments",
        kind="grid",
        lines=(396, 399),
        total_row="Total",
        groups=["All", "All"],
        measure="count",
        questions=["Number approached", "Number agreeing to participate"],
        labels={
            "Authorities where one director is responsible for children's and adult services:": "Authorities where one director is responsible for children's and adult services"
        },
    ),
    by_setting("t2-1-age", (422, 433), cell_notes={(431, "All"): EXCLUDED.format(3)}),
    by_setting("t2-2-gender", (448, 451)),
    by_setting("t2-3-ethnicity", (460, 466), cell_notes={(464, "All"): EXCLUDED.format(4)}),
    dict(table="t2-4-job-description", kind="grid", lines=(511, 515), groups=["All", None, None], total_row="Total"),
    listing("t2-5-client-group", (520, 523)),
    listing(
        "t2-6-agency",
        (528, 535),
        notes={529: "Printed '[[25%]' (doubled bracket).", 531: "Printed '[[3%]' (doubled bracket)."},
    ),
    listing(
        "t2-7-qualification",
        (548, 555),
        notes={
            552: EXCLUDED.format(8),
            553: "Footnote 9: 25 had a non-UK qualification but nine of these also held a UK one and are counted above.",
        },
    ),
    by_setting("t2-8-qualification-setting", (568, 575), cell_notes={(572, "All"): EXCLUDED.format(10)}),
    listing(
        "t2-9-date-qualified",
        (582, 593),
        columns=2,
        notes={
            582: "The percent column is misaligned: '0.4%' stands beside 'Pre 1965' (1 respondent) but "
            "matches Pre 1965 and 1965-69 together (5 of 1153); 1965-69 has no percentage."
        },
    ),
    by_setting("t2-11-other-careers", (617, 620)),
    bands("t2-12-years-in-practice", 630, [631, 632]),
    bands(
        "t2-13-time-in-job",
        642,
        [643, 644],
        notes={"Total": "Defect: the band counts add to 1151, not the printed total 1153."},
    ),
    listing(
        "t2-14-days-worked",
        (655, 661),
        columns=2,
        fixes={
            659: {
                "label": "5",
                "cells": ["824", "72%"],
                "note": "Row garbled: footnote text merged into the label ('5* A small proportion of whom "
                "worked part time over five days.') and the count cell ('824 31 of these work "
                "equivalent of 10 days over nine days.'); the 31 is stored separately (manual).",
            }
        },
        notes={
            656: "Band printed '2 > 3' (ambiguous notation, kept as printed).",
            657: "Band printed '3 > 4'.",
            658: "Band printed '4 > 5'.",
        },
    ),
    listing("t2-15-contracted-hours", (666, 675), columns=2),
    listing("t2-16-full-part-time", (682, 685), columns=2),
    client_groups(
        "t2-17-client-groups-children",
        (696, 709),
        ("Working with children", 840),
        skip=[705, 707],
        notes={
            706: "Two annotation rows around this row (705, 707) read 'Most common area where both adult "
            "and children's social workers engaged' (arrows point to this row)."
        },
    ),
    client_groups(
        "t2-18-client-groups-adults",
        (726, 734),
        ("Working with adults", 304),
        notes={
            727: "Overall count [137] disagrees with Appendix B Table B.13 (85), which repeats Table B.18.",
            728: "Overall count [142] vs Appendix B Table B.14 (143).",
            731: "Overall count [80] vs Appendix B Table B.17 (81).",
        },
    ),
    by_setting(
        "t2-19-active-cases",
        (757, 770),
        cell_notes={
            (770, "Joint"): "Defect: the Joint column adds to 25, not the printed 26.",
            (770, "All"): "Defect: the row totals add to 1152, not the printed 1153 (and 972 answered, "
            "not the '973' of line 754).",
        },
    ),
    bands("t2-20-active-cases-csd", 774, [775, 776], group="CSD"),
    bands(
        "t2-21-active-cases-dass",
        781,
        [782, 783],
        group="DASS",
        notes={
            "21-25": "Disagrees with Table 2.19 (DASS 21-25 = 33).",
            ">100": "Disagrees with Table 2.19 (DASS over 100 = '-').",
        },
    ),
    by_setting("t2-22-inactive-cases", (827, 839)),
    by_setting("t2-23-caseload-policy", (848, 852), labels={"": "Total"}, notes={852: NO_LABEL}),
    by_setting("t2-24-staffing-influence", (889, 892), labels={"": "Total"}, notes={892: NO_LABEL}),
    by_setting("t2-25-electronic-recording", (907, 910)),
    listing("t2-26-supervision-frequency", (943, 948)),
    by_setting("t2-27-supervision-by-sector", (953, 958)),
    dict(
        table="t2-28-training-accessed",
        kind="grid",
        lines=(1017, 1020),
        groups=SETTING_NO_TOTAL,
        total_col=4,
        bases=[725, 284, 26, 109, 1153],
    ),
    dict(
        table="t2-29-development-offered",
        kind="items",
        lines=(1029, 1038),
        cells=[(group, "Yes") for group in SETTING_NO_TOTAL] + [("All", "No / no info")],
        total_col=4,
        bases=[725, 284, 26, 109, 1153, 1153],
        notes={
            1035: "Identical to the 'Group supervision' row (line 1037): probably a copy error in the source.",
            1037: "Identical to the 'Good practice forums' row (line 1035): probably a copy error in the source.",
        },
    ),
    listing("t2-30-applications-outside", (1116, 1121)),
    listing("t2-31-satisfaction", (1143, 1149)),
    by_setting("t2-32-satisfaction-by-setting", (1154, 1160), u_cols=[2]),
    bands(
        "t3-1-hours-vs-contract",
        1200,
        [1201],
        notes={"13-15 hours more": "Bands overlap as printed (13-15 and 15-20; 1-3 and 3-5)."},
    ),
    by_setting(
        "t3-2-hours-by-sector",
        (1211, 1223),
        skip=[1217, 1218, 1219, 1220, 1221],
        u_marks=True,
        category_order=[
            "Less than employed hours",
            "Same",
            "1-3 hours more",
            "3-5 hours more",
            "6-8 hours more",
            "9-12 hours more",
            "13-15 hours more",
            "15-20 hours more",
            "21-25 hours more",
            "26-30 hours more",
            "More than 30 hours",
            "No info",
            "Total",
        ],
        cell_notes={
            (1213, "All"): "Defect: the cells of this row add to 215, not the printed total 214.",
            (1214, "All"): "Defect: the cells of this row add to 111, not the printed total 113.",
            (1215, "All"): "Defect: the cells of this row add to 121, not the printed total 119.",
            (1223, "PVI"): "Defect: the PVI column adds to 110, not the printed 109.",
        },
    ),
    time_use("t3-3-time-by-setting", (1250, 1257), SETTING),
    time_use("t3-4-time-child-protection", (1277, 1284), ["CSD", "Joint", "PVI", "All"], u_cols=[1, 2]),
    time_use("t3-5-time-lac-care-leavers", (1300, 1307), ["CSD", "Joint", "PVI", "All"], u_cols=[1, 2]),
    time_use("t3-6-time-foster-carers", (1327, 1334), ["CSD", "PVI", "All"], u_cols=[1]),
    time_use("t3-7-time-adults-mh-ld-sm", (1346, 1353), ["CSD", "DASS", "Joint", "PVI", "All"], u_cols=[0, 2, 3]),
    time_use("t3-8-time-older-people", (1365, 1372), ["CSD", "DASS", "Joint", "All"], u_cols=[0, 2]),
    time_use(
        "t3-9-time-by-contracted-hours",
        (1385, 1392),
        ["Contracted 20 hours or fewer", "Contracted 20+ hours", "Contracted hours: no answer / unclear", "All"],
    ),
    time_use(
        "t3-10-time-by-caseload",
        (1407, 1414),
        [
            "10 or under active cases",
            "11-20 active cases",
            "20-30 active cases",
            "Over 30 active cases",
            "Active cases: no information",
            "All",
        ],
    ),
    time_use("t3-11-time-by-role", (1428, 1435), ROLES),
    time_use(
        "t3-12-time-by-recording-system",
        (1446, 1453),
        [
            "Uses electronic recording",
            "Does not use electronic recording",
            "Electronic recording: no information",
            "All",
        ],
    ),
    time_use(
        "t3-13-time-by-recording-and-setting",
        (1465, 1472),
        [f"{setting}: {use}" for setting in SETTING[:-1] for use in ("uses electronic recording", "does not use")]
        + ["All answering"],
        total_col=10,
    ),
    time_use("t3-14-time-by-satisfaction", (1486, 1493), ["Satisfied", "Dissatisfied", "Neither or no answer", "All"]),
    dict(
        table="t3-15-satisfaction-by-role",
        kind="grid",
        lines=(1500, 1502),
        measure="percent",
        groups=[role for role in ROLES if role != "Others inc null response"],
    ),
    time_use(
        "t3-16-time-by-satisfaction-csd",
        (1512, 1519),
        ["CSD: Satisfied", "CSD: Dissatisfied", "CSD: Neither or no answer", "CSD: All"],
    ),
    dict(table="t4-1-agency-social-workers", kind="t41", lines=(1573, 1583)),
    dict(table="t4-2-admin-per-social-worker", kind="t42", header=1618, lines=(1619, 1621)),
]

# Appendix B: one table per client group, same layout (Yes / No / No info / Total x setting):
# each table's slug and the line of its header.
APPENDIX_B = {
    "b1-looked-after-children": 3577,
    "b2-child-protection": 3589,
    "b3-family-support": 3601,
    "b4-foster-carers": 3617,
    "b5-sen": 3629,
    "b6-complex-health-needs": 3641,
    "b7-leaving-care": 3653,
    "b8-camhs": 3665,
    "b9-refugees-asylum": 3677,
    "b10-young-carers": 3689,
    "b11-yp-substance-misuse": 3701,
    "b12-older-people": 3711,
    "b13-older-people-mental-health": 3721,
    "b14-carers": 3731,
    "b15-physical-disabilities": 3741,
    "b16-learning-disabilities": 3751,
    "b17-palliative-care": 3761,
    "b18-adults-mental-health": 3771,
    "b19-sensory-impairment": 3781,
    "b20-adult-substance-misuse": 3791,
}
APPENDIX_B_NOTES = {
    "b11-yp-substance-misuse": {
        (3703, "All"): "Defect: the 'No' cells add to 1041, not the printed total 1048.",
        (3704, "All"): "Defect: the 'No info' cells add to 87, not the printed total 80.",
    },
    "b13-older-people-mental-health": {
        (3722, "All"): "Defect: Table B.13 repeats Table B.18 (adults with mental health problems) cell for "
        "cell; Table 2.18 gives 137 overall for older people with mental health problems."
    },
    "b17-palliative-care": {
        (3763, "All"): "Defect: the 'No' cells add to 982, not the printed total 981.",
        (3765, "DASS"): "Defect: the DASS column adds to 285, not the printed 284.",
    },
}
LAYOUTS += [
    by_setting(slug, (header + 1, header + 4), cell_notes=APPENDIX_B_NOTES.get(slug, {}))
    for slug, header in APPENDIX_B.items()
]
LAYOUTS += [
    dict(
        table="c1-time-sub-categories",
        kind="c1",
        lines=(3804, 3844),
        skip=[3825],
        groups=SETTING,
    ),
    # The printed ratio ranks (column C) are out of order for three authorities.
    dict(
        table="d1-authority-social-workers",
        kind="d1",
        lines=(3850, 3883),
        skip=[3868, 3869, 3870, 3871],
        manual_lines=[3873, 3874],
        rank_notes={
            "D - city / unitary authority": "Rank out of order: ratio 1:827 is ranked 18 but 1:866 (P) is 17.",
            "P - county council / unitary": "Rank out of order: ratio 1:866 is ranked 17, below 1:827 (D, 18) "
            "and 1:865 (Z, 19).",
            "Z - county council / two tier": "Rank out of order: ratio 1:865 is ranked 19 but 1:866 (P) is 17.",
        },
    ),
]

# Manual rows are merged into these tables' positions (output order = order of LAYOUTS, then manual-only
# tables in the order they first appear in the manual CSV).

# ----------------------------------------------------------------------------- cell parsing
SUPERSCRIPT = re.compile(r"[\u00b9\u00b2\u00b3\u2070-\u2079]+")
NUM = r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?"
PAIR = re.compile(rf"^({NUM})\s*(?:\[+\s*|/\s*\[?\s*)(<?(?:{NUM})%)\s*\]?$")
PERCENT = re.compile(rf"^(<?(?:{NUM}))%$")
COUNT = re.compile(rf"^({NUM})\s*(\**)$")


def parse_cell(text: str, measure: str = "count") -> list[dict]:
    """Observations a table cell prints: [{measure, printed, value, status, flag}]."""
    text = SUPERSCRIPT.sub("", text).strip()
    if text == "":
        return []
    if text in {"-", "\u2013"}:
        return [dict(measure=measure, printed=text, value=None, status="", flag="dash")]
    match = PAIR.match(text)
    if match:
        count, percent = match.groups()
        return [dict(measure="count", printed=count, value=value_of(count), status="", flag=""), _percent(percent)]
    match = PERCENT.match(text)
    if match:
        return [_percent(text)]
    match = COUNT.match(text)
    if match:
        stars = match.group(2)
        return [
            dict(
                measure=measure,
                printed=match.group(1),
                value=value_of(match.group(1)),
                status="u" if stars else "",
                flag=stars,
            )
        ]
    raise ValueError(f"unparsed cell {text!r}")


def _percent(token: str) -> dict:
    token = token.strip()
    if token.startswith("<"):
        return dict(measure="percent", printed=token, value=None, status="low", flag="")
    return dict(measure="percent", printed=token, value=value_of(token), status="", flag="")


def clean_label(text: str) -> str:
    text = SUPERSCRIPT.sub("", text).strip()
    text = re.sub(r"\s*\*+$", "", text)
    return re.sub(r"\s+", " ", text)


# ----------------------------------------------------------------------------- row assembly
class Emitter:
    """Collects rows for one table, assigning display order by category (and question)."""

    def __init__(self, table: str, category_order: list[str] | None = None):
        self.table = table
        self.rows: list[dict] = []
        self.orders: dict[tuple, int] = {}
        self.fixed = {("", c): i + 1 for i, c in enumerate(category_order or [])}

    def order(self, key: tuple) -> int:
        if key in self.fixed:
            return self.fixed[key]
        if key not in self.orders:
            self.orders[key] = len(self.orders) + 1
        return self.orders[key]

    def add(self, *, order_key: tuple | None = None, **fields) -> None:
        """Add one observation (the fields of `extract.observation`), placed by `order_key`.

        The display order goes by (question, category) unless `order_key` says otherwise.
        """
        key = order_key or (fields.get("question", ""), fields.get("category", ""))
        self.rows.append(observation(SURVEY, self.table, order=self.order(key), **fields))

    def add_cell(self, obs: dict, **where) -> None:
        """Add one parsed cell: its measure, value, printed token and status, placed by `where`."""
        self.add(measure=obs["measure"], value=obs["value"], printed=obs["printed"], status=obs["status"], **where)


def resolve_dashes(grid: dict, spec: dict) -> None:
    """Give each '-' count cell the value 0 where the table's own totals show it, else status x.

    grid: {(row_index, col_index): observation dict}; only count observations take part.
    """
    total_col, total_row = spec.get("total_col"), spec.get("total_row_index")
    counts = {k: v for k, v in grid.items() if v["measure"] == "count"}
    for (r, c), obs in counts.items():
        if obs["flag"] != "dash":
            continue
        reasons = []
        if total_col is not None and c != total_col and (r, total_col) in counts:
            total = counts[(r, total_col)]
            others = [v for (rr, cc), v in counts.items() if rr == r and cc != total_col]
            if total["value"] is not None and all(v["flag"] == "dash" or v["value"] is not None for v in others):
                if sum(float(v["value"] or 0) for v in others) == float(total["value"]):
                    reasons.append(f"the row total {total['printed']}")
        if total_row is not None and r != total_row and (total_row, c) in counts:
            total = counts[(total_row, c)]
            others = [v for (rr, cc), v in counts.items() if cc == c and rr != total_row]
            if total["value"] is not None and sum(float(v["value"] or 0) for v in others) == float(total["value"]):
                reasons.append(f"the column total {total['printed']}")
        if c == total_col and (r, c) in counts:  # a '-' in the total column itself
            others = [v for (rr, cc), v in counts.items() if rr == r and cc != total_col]
            if others and all(v["flag"] == "dash" for v in others) and total_row is not None:
                reasons.append("every cell of the row is '-'")
        if reasons:
            obs["value"] = "0"
            obs["note"] = "'-' read as 0: the other printed cells already add up to " + " and to ".join(reasons)
        else:
            obs["status"] = "x"
            obs["note"] = "'-' printed; the table's totals do not show it is zero"
    for obs in grid.values():  # percentages printed as '-' never have totals to prove them zero
        if obs["flag"] == "dash" and obs["measure"] == "percent":
            obs["status"] = "x"
            obs["note"] = "'-' printed"


def parse_grid(src: Source, spec: dict) -> list[dict]:
    """Label + cells tables (settings cross-tabs, lists, Appendix B, Table 3.15)."""
    em = Emitter(spec["table"], spec.get("category_order"))
    first, last = spec["lines"]
    skip = set(spec.get("skip", []))
    groups = spec["groups"]
    fixes, notes, labels = spec.get("fixes", {}), spec.get("notes", {}), spec.get("labels", {})
    questions = spec.get("questions")
    u_cols = set(spec.get("u_cols", []))
    bases = spec.get("bases")
    grid, meta = {}, {}
    row_index = 0
    for number in range(first, last + 1):
        if number in skip or not src.line(number).strip():
            continue
        cells = src.cells(number)
        label, values = cells[0], cells[1:]
        note = notes.get(number, "")
        cell_notes = spec.get("cell_notes", {})
        if number in fixes:
            label, values = fixes[number]["label"], fixes[number]["cells"]
            note = "; ".join(filter(None, [fixes[number]["note"], note]))
        label = clean_label(label)
        label = labels.get(label, label)
        if label == spec.get("total_row"):
            spec["total_row_index"] = row_index
        for col, group in enumerate(groups):
            if group is None or col >= len(values):
                continue
            for k, obs in enumerate(parse_cell(values[col], spec.get("measure", "count"))):
                if col in u_cols or (spec.get("u_marks") and obs["flag"].startswith("*")):
                    obs["status"] = obs["status"] or "u"
                obs["note"] = "; ".join(filter(None, [note, cell_notes.get((number, group), "")]))
                grid[(row_index, col, k)] = obs
                meta[(row_index, col, k)] = (number, label, group, col)
        row_index += 1
    # dash resolution works on (row, col) of count observations
    flat = {(r, c): o for (r, c, k), o in grid.items() if o["measure"] == "count" or o["flag"] == "dash"}
    resolve_dashes(flat, spec)
    for key in sorted(grid, key=lambda k: (k[0], k[1], k[2])):
        obs = grid[key]
        number, label, group, col = meta[key]
        question = questions[col] if questions else ""
        note = obs["note"]
        if obs["status"] == "u" and col in u_cols:
            note = "; ".join(filter(None, [note, "column flagged by the source as too small for percentages"]))
        elif obs["status"] == "u" and obs["flag"].startswith("*"):
            note = "; ".join(
                filter(None, [note, f"printed with '{obs['flag']}' (numbers too small for a sector percentage)"])
            )
        base = bases[col] if bases else ""
        em.add_cell(
            obs,
            question=question,
            category=label,
            group=group,
            base=base,
            line=number,
            note=note,
            order_key=(question, label) if questions else ("", label),
        )
    return em.rows


def parse_items(src: Source, spec: dict) -> list[dict]:
    """Table 2.29: one item (question) per row, Yes counts by setting, Yes total [%], No / no info."""
    em = Emitter(spec["table"])
    first, last = spec["lines"]
    for number in range(first, last + 1):
        cells = src.cells(number)
        item = clean_label(cells[0])
        row = []
        for col, (group, category) in enumerate(spec["cells"]):
            for obs in parse_cell(cells[col + 1]):
                row.append((col, group, category, obs))
        yes = {col: obs for col, group, category, obs in row if category == "Yes" and obs["measure"] == "count"}
        total = yes[spec["total_col"]]
        parts = [o for c, o in yes.items() if c != spec["total_col"]]
        for col, group, category, obs in row:
            note = spec.get("notes", {}).get(number, "")
            if obs["flag"] == "dash":
                if sum(float(o["value"] or 0) for o in parts) == float(total["value"]):
                    obs["value"], note = (
                        "0",
                        "'-' read as 0: the Yes total " + total["printed"] + " equals the other settings' counts",
                    )
                else:
                    obs["status"], note = "x", "'-' printed"
            em.add_cell(
                obs,
                question=item,
                category=category,
                group=group,
                base=spec["bases"][col],
                line=number,
                note=note,
                order_key=(item, category),
            )
    return em.rows


def parse_clientgroups(src: Source, spec: dict) -> list[dict]:
    """Tables 2.17/2.18: '498 = 59% of those working with ...' and '44% [504]'."""
    em = Emitter(spec["table"])
    first, last = spec["lines"]
    own = re.compile(r"^(\d+) = (\d+%) of those working with")
    overall = re.compile(r"^(\d+%) \[(\d+)\]$")
    for number in range(first, last + 1):
        if number in spec.get("skip", []) or not src.line(number).strip():
            continue
        cells = src.cells(number)
        label = clean_label(cells[0])
        note = spec.get("notes", {}).get(number, "")
        a = own.match(cells[1].strip())
        b = overall.match(cells[2].strip())
        if not (a and b):
            raise ValueError(f"line {number}: unparsed client-group row")
        (g_own, g_all), (b_own, b_all) = spec["groups"], spec["bases"]
        cells = [  # (group, base, measure, printed) in the order the row prints them
            (g_own, b_own, "count", a.group(1)),
            (g_own, b_own, "percent", a.group(2)),
            (g_all, b_all, "percent", b.group(1)),
            (g_all, b_all, "count", b.group(2)),
        ]
        for group, base, measure, printed in cells:
            em.add(category=label, group=group, measure=measure, printed=printed, base=base, line=number, note=note)
    return em.rows


def parse_horizontal(src: Source, spec: dict) -> list[dict]:
    """Bands in a header row; a count row and/or a percent row (or 'n / %' cells) beneath."""
    em = Emitter(spec["table"])
    header = [clean_label(c) for c in src.cells(spec["header"])]
    offset = 1 if header[0] in {"No. cases"} else 0  # a label column precedes the bands
    bands = header[offset:]
    grid = {}
    for r, number in enumerate(spec["rows"]):
        cells = src.cells(number)[offset:]
        for c, band in enumerate(bands):
            if c >= len(cells):
                continue
            for k, obs in enumerate(parse_cell(cells[c])):
                if obs["flag"] == "dash":
                    obs["measure"] = "percent" if "%" in "".join(src.cells(number)) else "count"
                grid[(r, c, k)] = (number, band, obs)
    for key in sorted(grid):
        number, band, obs = grid[key]
        if obs["flag"] == "dash":
            obs["status"] = "x"
            obs["note"] = "'-' printed; the table prints no total to show it is zero"
        category = "Total" if band == "Total" else band
        note = "; ".join(filter(None, [obs.get("note", ""), spec.get("notes", {}).get(band, "")]))
        em.add_cell(obs, category=category, group=spec["group"], line=number, note=note)
    return em.rows


TIME_BASE_LABELS = {"Total responses", "Number of respondents", "Respondents"}
TIME_LABELS = {
    "Sub total for client related": "Sub total of client-related work",
    "Total client related": "Sub total of client-related work",
}


def parse_time(src: Source, spec: dict) -> list[dict]:
    """Chapter 3 time-use tables: % of recorded time by broad category; last row = respondents."""
    em = Emitter(spec["table"])
    first, last = spec["lines"]
    groups, u_cols = spec["groups"], set(spec.get("u_cols", []))
    base_cells = parse_row_cells(src.cells(last)[1:])
    bases = [c[0]["value"] if c and c[0]["flag"] != "dash" else ("0" if c else "") for c in base_cells]
    for number in range(first, last + 1):
        cells = src.cells(number)
        label = clean_label(cells[0])
        is_base = label in TIME_BASE_LABELS
        category = "Number of respondents" if is_base else TIME_LABELS.get(label, label)
        for col, group in enumerate(groups):
            if col + 1 >= len(cells):
                continue
            for obs in parse_cell(cells[col + 1], "count" if is_base else "percent"):
                note = ""
                if is_base and obs["flag"] == "dash":
                    obs["measure"] = "count"
                    parts = [b for i, b in enumerate(bases) if i != spec.get("total_col") and b]
                    total = bases[spec["total_col"]] if spec.get("total_col") is not None else None
                    if total and sum(float(b) for b in parts) == float(total):
                        obs["value"], note = "0", "'-' read as 0: the other columns add to the total " + total
                    else:
                        obs["status"], note = "x", "'-' printed"
                elif obs["flag"] == "dash":
                    obs["status"] = "x"
                    note = "'-' printed: no respondents in this cell (base '-')"
                if col in u_cols:
                    obs["status"] = obs["status"] or "u"
                    note = "; ".join(
                        filter(
                            None,
                            [
                                note,
                                "column flagged by the source as too small to apply percentages, shown for consistency",
                            ],
                        )
                    )
                base = "" if is_base or obs["measure"] != "percent" else bases[col]
                em.add_cell(
                    obs, category=category, group=group, base=base if base != "0" else "", line=number, note=note
                )
    return em.rows


def parse_row_cells(cells: list[str]) -> list[list[dict]]:
    return [parse_cell(c) for c in cells]


def parse_c1(src: Source, spec: dict) -> list[dict]:
    """Table C1: 40 activities x 6 setting columns; rows mapped to diary codes by position."""
    em = Emitter(spec["table"])
    first, last = spec["lines"]
    numbers = [n for n in range(first, last + 1) if n not in spec.get("skip", []) and src.line(n).strip()]
    if len(numbers) != len(C1_CODES):
        raise ValueError("Table C1 row count changed")
    for code, number in zip(C1_CODES, numbers):
        cells = src.cells(number)
        activity = clean_label(cells[2])
        category = f"{code} {activity}"
        for col, group in enumerate(spec["groups"]):
            for obs in parse_cell(cells[3 + col], "percent"):
                em.add_cell(
                    obs,
                    category=category,
                    group=group,
                    line=number,
                    note="Code assigned by row position (the printed broad-category label column is misaligned)"
                    if col == 0 and cells[1].strip()
                    else "",
                )
    return em.rows


D1_CATEGORIES = [
    "Number of social workers (A)",
    "Children and young people (0-19) per social worker (B)",
    "Rank of social worker ratio (C)",
    "Deprivation rank in sample, IMD (D)",
    "Child Well-being Index rank in sample (D, in brackets)",
]
D1_RANK = re.compile(r"^(\d+) \((\d+)\)\s*(\*?)$")


def parse_d1(src: Source, spec: dict) -> list[dict]:
    """Appendix D table: per authority, social workers, ratio 1:N, ratio rank, IMD rank (CWI rank)."""
    em = Emitter(spec["table"])
    first, last = spec["lines"]
    skip = set(spec.get("skip", [])) | set(spec.get("manual_lines", []))
    for number in range(first, last + 1):  # authorities in printed order, the split row S included
        label = src.line(number).split("\t")[0].strip()
        if number not in spec.get("skip", []) and label:
            em.order((label, ""))
    for number in range(first, last + 1):
        if number in skip or not src.line(number).strip():
            continue
        cells = [c.strip() for c in src.cells(number)] + ["", "", "", ""]
        group = cells[0]
        key = lambda cat: (group, cat)  # noqa: E731 - order by authority, then column
        if "Numbers not available" in cells[1:3]:
            em.add(
                category=D1_CATEGORIES[0],
                group=group,
                measure="count",
                value=None,
                printed="Numbers not available",
                status="x",
                line=number,
                order_key=key(""),
                note="Printed 'Numbers not available'" + (" (in the ratio column)" if cells[2] else ""),
            )
            continue
        ratio = re.match(r"^1:(\d+)$", cells[2])
        ranks = D1_RANK.match(cells[4])
        star = "Printed with an unexplained asterisk." if ranks.group(3) else ""
        fractional = "." in cells[1]
        columns = [  # (measure, printed, note), one a column, in D1_CATEGORIES order
            (
                "fte" if fractional else "count",
                cells[1],
                "Fractional number of social workers as printed (probably full-time equivalents)" if fractional else "",
            ),
            (
                "ratio",
                ratio.group(1),
                f"Printed '{cells[2]}': one social worker per {ratio.group(1)} children and young people aged 0-19",
            ),
            ("rank", cells[3], spec.get("rank_notes", {}).get(group, "")),
            ("rank", ranks.group(1), star),
            ("rank", ranks.group(2), star),
        ]
        for category, (measure, printed, note) in zip(D1_CATEGORIES, columns):
            em.add(
                category=category,
                group=group,
                measure=measure,
                printed=printed,
                line=number,
                order_key=key(""),
                note=note,
            )
    return em.rows


def parse_t41(src: Source, spec: dict) -> list[dict]:
    """Table 4.1: number of CSDs by % of social worker posts filled by agency workers."""
    em = Emitter(spec["table"])
    first, last = spec["lines"]
    group = "CSD"
    for number in range(first, last + 1):
        cells = [c.strip() for c in src.cells(number)]
        if not cells[0].isdigit():
            group = "Children's section of joint departments"
            continue
        em.add(category=cells[1], group=group, measure="count", value=cells[0], printed=cells[0], line=number)
    return em.rows


def parse_t42(src: Source, spec: dict) -> list[dict]:
    """Table 4.2: number of agencies by administrative staff per social worker."""
    em = Emitter(spec["table"])
    bins = [c.strip() for c in src.cells(spec["header"])[1:]]
    first, last = spec["lines"]
    for number in range(first, last + 1):
        cells = [c.strip() for c in src.cells(number)]
        group = cells[0].rstrip(".")
        for band, cell in zip(bins, cells[1:]):
            for obs in parse_cell(cell):
                note = ""
                if obs["flag"] == "dash":
                    obs["status"], note = "x", "'-' printed (no agencies in this band); the table prints no totals"
                em.add_cell(
                    obs | {"measure": "count"},
                    category=band,
                    group=group,
                    line=number,
                    note=note,
                    order_key=("", band),
                )
    return em.rows


PARSERS = {
    "grid": parse_grid,
    "items": parse_items,
    "clientgroups": parse_clientgroups,
    "horizontal": parse_horizontal,
    "time": parse_time,
    "c1": parse_c1,
    "d1": parse_d1,
    "t41": parse_t41,
    "t42": parse_t42,
}


# ----------------------------------------------------------------------------- manual rows, output
def observations(src: Source) -> list[dict]:
    """All swtf-2009 observations in output order."""
    parsed: dict[str, list[dict]] = {}
    for spec in LAYOUTS:
        parsed[spec["table"]] = PARSERS[spec["kind"]](src, dict(spec))
    manual = manual_rows(SURVEY)
    tables = list(parsed)
    for row in manual:
        if row["table"] not in parsed:
            parsed[row["table"]] = []
            tables.append(row["table"])
    out = []
    for table in tables:
        rows = parsed[table] + [r for r in manual if r["table"] == table]
        rows.sort(key=lambda r: int(r["order"]))  # stable: parsed rows keep their cell order
        out += rows
    return out


def codebook(src: Source) -> list[dict]:
    """The diary codebook of Appendix A: 40 codes in 6 broad categories."""
    first, last = DIARY_CODES
    rows, category, order = [], "", 0
    for number in range(first, last + 1):
        cells = src.cells(number)
        if len(cells) != 3 or cells[0] == "Activity type":
            continue
        if cells[0].strip():
            category, order = cells[0].strip(), order + 1
        rows.append(
            {
                "code": cells[2].strip(),
                "activity": cells[1].strip(),
                "category": category,
                "category_order": str(order),
                "line": str(number),
            }
        )
    if len(rows) != 40 or order != 6:
        raise ValueError("diary codebook changed")
    return rows


def run() -> Generated:
    """The swtf-2009 observations and the diary codebook."""
    src = Source(SURVEY)
    return Generated({OBSERVATIONS.format(survey=SURVEY): observations(src), CODEBOOK: codebook(src)})
