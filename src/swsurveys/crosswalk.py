"""The crosswalk: which published value stands for each indicator in each survey.

`data/crosswalk.csv` points at observations; `linked()` fetches them and
gives one value per indicator and survey, placed on the fieldwork year, with
the population that answered and the comparability rating. Where a survey's
indicator is the sum of several printed categories (2011's "strongly agree"
+ "agree"), the value is their sum, marked derived.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from .catalogue import question_records, resource, surveys, table_info, themes
from .charts import timeline
from .values import Value, _escape
from .vocabulary import COMPARABILITY, COMPARABILITY_LABEL, KIND_LABEL, POPULATION  # noqa: F401 (named here too)

_OBSERVATION = ["survey", "table", "question", "category", "group", "measure"]
KINDS = list(KIND_LABEL)
DIRECTIONS = ["same", "reversed"]
BOUND_WORD = {"over": "over", "under": "under", "about": "about"}
# Where a linked value is shown: on its indicator's chart axis, beside the chart (another kind or
# direction), or in a sentence (the indicator's only source of its own kind: nothing to compare on an axis).
PLACE_LABEL = {"axis": "On the chart", "beside": "Beside the chart", "sentence": "In words (one source)"}


def rows() -> pd.DataFrame:
    """data/crosswalk.csv as text, in file order."""
    return resource("crosswalk")


def indicators() -> pd.DataFrame:
    """data/indicators.csv: each indicator's wording and the kind and direction its axis holds."""
    return resource("indicators")


def feature_links() -> pd.DataFrame:
    """Which indicators speak to each of the 2012 report's features of good support."""
    return resource("support-feature-indicators")


def _fieldwork_year(value: str) -> int:
    return int(str(value)[:4])


def _value_text(value: float, measure: str, is_derived: bool, unit: str, bound: str = "") -> str:
    """The value as a reader sees it: "51%", "6 hours", "7.1 out of 10", "74% (derived)", "over 50%"."""
    if pd.isna(value):
        return ""
    if bound:
        return f"{BOUND_WORD[bound]} {_value_text(value, measure, is_derived, unit)}"
    scale = re.search(r"\b(\d+)\s*-\s*(\d+)\b", unit or "")
    if measure == "percent":
        text = f"{value:g}%"
    elif measure == "hours":
        text = f"{value:g} hours"
    elif measure in {"score", "mean"} and scale:
        text = f"{value:g} out of {scale.group(2)}"
    else:
        text = f"{value:g}"
    return f"{text} (derived)" if is_derived else text


def _one_value(links: list[dict]) -> dict:
    """The value that stands for one indicator in one survey (and group and measure).

    One linked row is that observation; several are categories of one question
    added up (strongly agree + agree), marked derived. Plain Python over a few
    rows: this runs once per indicator and survey on every cross-year page.
    """
    first = links[0]
    keys = _OBSERVATION[2:]
    found = {
        tuple(row[k] for k in keys): row
        for row in question_records(first["survey"], first["table"], [link["question"] for link in links])
    }
    picked = []
    for link in (tuple(link[k] for k in keys) for link in links):
        if link not in found:
            raise KeyError(
                f"crosswalk: no observation in {first['survey']} {first['table']} for "
                f"{dict(zip(keys, link))} (indicator {first['indicator']!r})"
            )
        picked.append(found[link])
    lines = "; ".join(dict.fromkeys(str(row["line"]) for row in picked))  # two answers printed on one line: once
    printed = " + ".join(row["printed"] for row in picked)
    if len(picked) == 1:
        row = picked[0]
        return {
            "value": row["value"],
            "derived": False,
            "status": row["status"],
            "base": row["base"],
            "printed": printed,
            "lines": lines,
            "category": row["category"],
        }
    one_question = len({(row["question"], row["group"], row["measure"]) for row in picked}) == 1
    if not one_question or any(pd.isna(row["value"]) for row in picked):
        raise ValueError(
            f"crosswalk: the rows for {first['indicator']!r} in {first['survey']} do not add up "
            "to one value (each must be a category of the same question, group and measure)"
        )
    return {
        "value": sum(row["value"] for row in picked),
        "derived": True,
        "status": "",
        "base": picked[0]["base"],
        "printed": printed,
        "lines": lines,
        "category": " + ".join(row["category"] for row in picked),
    }


def linked(theme: str | list[str] | None = None, indicator: str | None = None) -> pd.DataFrame:
    """One row per indicator and survey: the linked value, its year, population and comparability.

    `theme` keeps one theme (or several), `indicator` one indicator: a page
    that prints a few values reads only their rows, so a fix elsewhere does
    not make it stale.

    Columns: theme, theme_label, indicator, survey, source, year, population,
    group, measure, value, shown, printed, lines, derived, status, base,
    comparability, comparability_label, note, table, question, category,
    kind, kind_label, direction, bound, axis_kind, axis_direction, on_axis,
    why (empty on the axis, else why the value is not drawn on it), says (the
    value in its own words, "2021 …: 19.9% said they had not enough time for
    supervision") and place (axis, beside or sentence: see `PLACE_LABEL`).
    Ordered by the crosswalk's order of indicators, then by fieldwork year.
    """
    crosswalk = rows()
    if theme is not None:
        wanted = [theme] if isinstance(theme, str) else list(theme)
        crosswalk = crosswalk[crosswalk["theme"].isin(wanted)]
    if indicator is not None:
        crosswalk = crosswalk[crosswalk["indicator"] == indicator]
    info = surveys().to_dict("index")
    vocabulary = themes()
    labels = dict(zip(vocabulary["theme"], vocabulary["label"]))
    indicator_order = {name: i for i, name in enumerate(dict.fromkeys(crosswalk["indicator"]))}
    axes = {(row["theme"], row["indicator"]): row for row in indicators().to_dict("records")}
    out = []
    keys = ["theme", "indicator", "survey", "group", "measure"]
    groups: dict[tuple, list[dict]] = {}  # plain dicts: a pandas group per indicator was most of this call
    for link in crosswalk.to_dict("records"):
        groups.setdefault(tuple(link[k] for k in keys), []).append(link)
    for (theme_id, indicator, survey, group, measure), links in groups.items():
        value = _one_value(links)
        source = info[survey]
        first = links[0]
        axis = axes[(theme_id, indicator)]
        shown = (
            _value_text(
                value["value"],
                measure,
                value["derived"],
                str(table_info(survey, first["table"]).get("unit", "")),
                first["bound"],
            )
            or value["printed"]
        )
        out.append(
            {
                "theme": theme_id,
                "theme_label": labels.get(theme_id, theme_id),
                "indicator": indicator,
                "survey": survey,
                "source": source["short_title"],
                "year": _fieldwork_year(source["fieldwork_start"]),
                "population": POPULATION[source["respondent_type"]],
                "group": group,
                "measure": measure,
                "value": value["value"],
                # What a reader sees: the number with its unit, or the printed words where there is none.
                "shown": shown,
                "printed": value["printed"],
                "lines": value["lines"],
                "derived": value["derived"],
                "status": value["status"],
                "base": value["base"],
                "comparability": first["comparability"],
                "comparability_label": COMPARABILITY_LABEL[first["comparability"]],
                "note": first["note"],
                "table": first["table"],
                "question": first["question"],
                "category": value["category"],
                "kind": first["kind"],
                "kind_label": KIND_LABEL[first["kind"]],
                "direction": first["direction"],
                "bound": first["bound"],
                "axis_kind": axis["kind"],
                "axis_direction": axis["direction"],
                "on_axis": (first["kind"], first["direction"]) == (axis["kind"], axis["direction"]),
                "why": _why(first, axis),
                "says": f"{source['short_title']}: {_own_words(first, shown)}",
            }
        )
    frame = pd.DataFrame(out)
    if frame.empty:
        return frame
    frame["_order"] = frame["indicator"].map(indicator_order)
    frame = frame.sort_values(["_order", "year", "survey"], kind="stable").drop(columns="_order").reset_index(drop=True)
    return place(frame)


def place(frame: pd.DataFrame) -> pd.DataFrame:
    """Say where each linked value is shown (`place`): on the axis, beside the chart, or in a sentence.

    An axis holds only its indicator's own kind and direction; an indicator with
    fewer than two sources of that kind has nothing to compare on an axis, so its
    value is written as a sentence instead.
    """
    frame = frame.copy()
    plotted = frame["on_axis"] & frame["value"].notna()
    sources = frame[plotted].groupby("indicator")["survey"].nunique()
    charted = frame["indicator"].map(sources).fillna(0) >= 2
    frame["place"] = ["axis" if p and c else "sentence" if p else "beside" for p, c in zip(plotted, charted)]
    return frame


def _why(row, axis) -> str:
    """Why a value is not drawn on its indicator's axis, in a reader's words (empty when it is)."""
    reasons = []
    if row["kind"] != axis["kind"]:
        reasons.append(f"{_a(KIND_LABEL[row['kind']])}, not {_a(KIND_LABEL[axis['kind']])}")
    if row["direction"] != axis["direction"]:
        reasons.append("asked the other way round")
    return "; ".join(reasons)


def _a(label: str) -> str:
    return label if label.startswith("hours") else f"a {label}"


def _own_words(row, shown: str) -> str:
    """The linked value in the source's own words: crosswalk.csv `words`, or the statement agreed with."""
    if row["words"]:
        return row["words"].replace("{value}", shown)
    statement = re.sub(r"^Q\d+\w*\)\s*", "", row["question"] or row["category"])
    if row["kind"] == "share-agreeing":
        return f"{shown} agreed: '{statement}'"
    return f"{shown}: '{statement}'"


def value(frame: pd.DataFrame, indicator: str, survey: str) -> Value:
    """One linked value for a sentence ("62%" or "74% (derived)"), linked to every source line it stands on."""
    match = frame[(frame["indicator"] == indicator) & (frame["survey"] == survey)]
    if len(match) != 1:
        raise KeyError(f"no single linked value for {indicator!r} in {survey}")
    return row_value(match.iloc[0])


def row_value(row) -> Value:
    """The Value of one row of `linked()`: its shown text, linked to every source line it stands on."""
    row = dict(row._asdict()) if hasattr(row, "_asdict") else dict(row)
    lines = tuple(dict.fromkeys(int(n) for n in str(row["lines"]).split(";")))
    where = f"{row['source']}, line{'s' if len(lines) > 1 else ''} {', '.join(str(n) for n in lines)}"
    if row["derived"]:
        return Value(
            row["shown"],
            row["survey"],
            lines,
            f"Derived, not printed: sum of {row['category']} (printed {row['printed']}): {where}",
            how=f"sum of {row['category']}",
        )
    return Value(row["shown"], row["survey"], lines, f"Printed '{row['printed']}': {where}")


@dataclass(frozen=True)
class Words:
    """Markdown for the page (a list, a sentence); `str()` gives the same text."""

    markdown: str

    def _repr_markdown_(self) -> str:
        return self.markdown

    def __str__(self) -> str:
        return self.markdown


def says(row, charted: bool = True) -> str:
    """A linked value in its own words as markdown, its number linked to its source line(s).

    Beside a chart it says why it is not on the axis; where there is no chart
    it says what kind of measure it is.
    """
    row = dict(row._asdict()) if hasattr(row, "_asdict") else dict(row)
    link = row_value(row)._repr_markdown_()
    head, found, tail = row["says"].partition(row["shown"])
    text = _escape(head) + link + _escape(tail) if found else f"{_escape(row['says'])} ({link})"
    if charted:
        return text + (f" ({row['why']})" if row["why"] else "")
    kind = row["kind_label"] + ("; asked the other way round" if row["direction"] == "reversed" else "")
    return f"{text} ({kind})"


def beside(frame: pd.DataFrame, heading: bool = True) -> Words:
    """The linked values a chart does not draw, as a list under it: each in its own words, linked to its line.

    Grouped by indicator; each says why it is not on the axis (another kind of
    measure, asked the other way round, or the only source of its kind).
    """
    frame = frame if "place" in frame.columns else place(frame)
    rest = frame[frame["place"] != "axis"]
    if rest.empty:
        return Words("")
    charted = set(frame.loc[frame["place"] == "axis", "indicator"])
    out = []
    if heading:
        out.append(
            "**Not on the chart's axes**: other kinds of measure, or one source alone, in their own words."
            if charted
            else "**No two sources here measure the same thing the same way**: each value in its own words."
        )
        out.append("")
    for indicator, group in rest.groupby("indicator", sort=False):
        where = (
            "the rest of its values are in the chart"
            if indicator in charted
            else "no two sources measure it the same way, so no chart"
            if len(group) > 1
            else "one source, so no chart"
        )
        items = [
            says(r, indicator in charted)
            for r in group.sort_values("place", ascending=False, kind="stable").itertuples()
        ]
        if len(items) == 1:
            out.append(f"- *{_escape(indicator)}* ({where}): {items[0]}")
        else:
            out.append(f"- *{_escape(indicator)}* ({where}):")
            out.extend(f"    - {item}" for item in items)
    return Words("\n".join(out) + "\n")


def figure(frame: pd.DataFrame, lines: str = "in the table below", **options):
    """The theme's timeline chart, with alt text reading out every value and a note naming every source.

    `lines` says where the reader finds each value's source lines.
    """
    frame = frame if "place" in frame.columns else place(frame)
    parts = []
    for indicator, rows in frame[frame["place"] == "axis"].groupby("indicator", sort=False):
        values = ", ".join(
            f"{r.source} ({r.year}, {r.population.lower()}, {r.comparability_label.lower()}): {r.shown}"
            for r in rows.itertuples()
        )
        parts.append(f"{indicator} ({KIND_LABEL[rows['kind'].iloc[0]]}) — {values}")
    others = [
        f"{r.indicator}: {r.says}" + (f" ({r.why})" if r.why else "")
        for r in frame[frame["place"] != "axis"].itertuples()
    ]
    alt = (
        "Dots on a fieldwork-year axis, one panel per indicator, each axis holding one kind of measure asked "
        "one way round; colour shows who answered and marker shape the comparability. "
        + ("; ".join(parts) + ". " if parts else "No indicator here has two sources of one kind to chart. ")
        + ("Written under the figure instead of drawn: " + "; ".join(others) + "." if others else "")
    )
    sources = sorted(set(frame["source"]), key=lambda s: frame.loc[frame["source"] == s, "year"].min())
    note = (
        "Sources: " + "; ".join(sources) + f", as linked in the book's crosswalk (source lines {lines}). "
        "Values are as printed, except those marked derived: the sum of two printed shares."
    )
    return timeline(frame, alt=alt, note=note, **options)


def table(frame: pd.DataFrame):
    """The linked observations as a table: value, comparability and what differs (incl. who answered), with source lines."""
    from .display import table as show

    # Who answered is in each note (and coloured in the chart); leaving it out gives the note room.
    frame = frame if "place" in frame.columns else place(frame)
    frame = frame.assign(
        measured=[
            f"{r.kind_label.capitalize()}"
            + (", asked the other way round" if r.direction == "reversed" else "")
            + (", printed as a bound" if r.bound else "")
            for r in frame.itertuples()
        ],
        where=frame["place"].map(PLACE_LABEL),
    )
    columns = {
        "indicator": "Indicator",
        "year": "Year",
        "source": "Source",
        "shown": "Value",
        "measured": "Measured as",
        "where": "Shown",
        "comparability_label": "Comparability",
        "note": "What differs",
        "lines": "Line",
        "survey": "survey",
    }
    return show(frame[list(columns)].rename(columns=columns), source_lines=("Line", "survey"))


def comparisons(frame: pd.DataFrame) -> Words:
    """The comparisons that hold, as a table: one row per charted indicator, a column per source on its axis.

    Each cell is the linked value (to its source line); the last column gives
    the comparability ratings. Only values on an axis (one kind, one direction,
    at least two sources) appear.
    """
    frame = frame if "place" in frame.columns else place(frame)
    on_axis = frame[frame["place"] == "axis"]
    sources = list(dict.fromkeys(on_axis.sort_values("year", kind="stable")["source"]))
    header = ["Indicator", *sources, "Comparability"]
    out = [
        "| " + " | ".join(_escape(h) for h in header) + " |",
        "|" + "|".join([":---"] + ["---:"] * len(sources) + [":---"]) + "|",
    ]
    for indicator, rows in on_axis.groupby("indicator", sort=False):
        cells = {r.source: row_value(r)._repr_markdown_() for r in rows.itertuples()}
        ratings = ", ".join(dict.fromkeys(rows["comparability_label"]))
        out.append("| " + " | ".join([_escape(indicator), *(cells.get(s, "") for s in sources), ratings]) + " |")
    return Words("\n".join(out) + "\n")
