"""The values chapters print in their text: each shows as the book prints it and links to its source line.

    from swsurveys import values
    lga = values.Source("lga-2018")
    f"{lga.pct('responses')}"              # "100%" as plain text
    `{python} lga.pct("responses")`        # in a .qmd: [100%](../sources/lga-2018.html#L263 "…")

A `Value` has a markdown representation (a link to the source viewer, with the
printed text, the table and the line in its tooltip) and a plain-text one
(`str()`), so Quarto and swbook both insert it as markdown inline and an
f-string gets the bare text. A derived value (one we computed from printed
ones) links to the first line it is built from, highlights all of them in the
source viewer, and says how it was made.

This is the one place where chapters look up a value for their text: they
define no lookup helpers of their own.
"""

from __future__ import annotations

import functools
import inspect
import os
import re
from dataclasses import dataclass, field

import pandas as pd

from . import corrections
from .catalogue import load, raw_lines, survey_dict, table_info
from .paths import data_dir

_DECIMALS = re.compile(r"\d(?:[\d,]*)\.(\d+)")


def site_root() -> str:
    """The relative path from the page being executed to the top of the site ("" or "../").

    Both Quarto and swbook run a chapter's code in the chapter's own folder,
    and the site mirrors the project, so the page sits where its .qmd does.
    """
    up = os.path.relpath(data_dir().parent, os.getcwd())
    return "" if up == "." else up.replace(os.sep, "/") + "/"


def source_href(survey: str, lines: list[int], root: str | None = None) -> str:
    """The source viewer's address of one or more lines (all highlighted, the first in view)."""
    root = site_root() if root is None else root
    query = f"?lines={','.join(str(n) for n in lines)}" if len(lines) > 1 else ""
    return f"{root}sources/{survey}.html{query}#L{lines[0]}"


def _decimals(printed: str) -> int | None:
    """Decimal places of the number a printed token shows ("19.9%" -> 1), None when it shows none."""
    match = _DECIMALS.search(printed or "")
    return len(match.group(1)) if match else (0 if re.search(r"\d", printed or "") else None)


def number_text(value: float, measure: str, printed: str = "") -> str:
    """A number in the book's style: thousands separated, the source's precision, % on percentages."""
    places = _decimals(printed)
    if places is None:
        places = 0 if float(value) == int(value) else len(f"{value:g}".split(".")[1])
    text = f"{value:,.{places}f}"
    return f"{text}%" if measure == "percent" else text


def printed_text(printed: str) -> str:
    """A printed token in the book's number style: a plain whole number thousands-separated ("1153" ->
    "1,153", as the text prints it); anything else ("<1%", "12.5", "just over half") exactly as printed."""
    token = str(printed).strip()
    return f"{int(token):,}" if token.isdigit() and len(token) > 3 else token


def _escape(text: str) -> str:
    return re.sub(r"([\\`*_{}\[\]<>#|$~^@])", r"\\\1", text)


@dataclass(frozen=True)
class Value:
    """A number (or printed words) for the text, with the source lines it stands on.

    `text` is what the reader sees; `survey` and `lines` say where it is
    printed; `title` is the tooltip; `how` says how a derived value was made.
    """

    text: str
    survey: str
    lines: tuple[int, ...]
    title: str
    how: str = ""
    number: float | None = field(default=None, compare=False)
    notices: tuple[dict, ...] = field(default=(), compare=False)  # corrections of the values it stands on

    @property
    def derived(self) -> bool:
        return bool(self.how)

    def href(self, root: str | None = None) -> str:
        return source_href(self.survey, list(self.lines), root)

    def _repr_markdown_(self) -> str:
        tooltip = self.title.replace("\\", "").replace('"', "'")
        attributes = [".sw-value"] + ([".derived"] if self.derived else [])
        if len(self.lines) > 1:  # every line the value stands on, each addressable on its own
            root = site_root()
            attributes.append('data-lines="' + " ".join(source_href(self.survey, [n], root) for n in self.lines) + '"')
        link = f'[{_escape(self.text)}]({self.href()} "{tooltip}"){{{" ".join(attributes)}}}'
        # A corrected value says so where it stands, in the page and the PDF alike.
        return link + "".join(
            f' [({_escape(corrections.notice(c))})]{{.correction-notice data-correction="{corrections.anchor(c)}"}}'
            for c in self.notices
        )

    def __str__(self) -> str:
        return self.text

    def __format__(self, spec: str) -> str:
        return format(self.text, spec)


def _where(survey: str, table: str | None, lines: tuple[int, ...]) -> str:
    info = survey_dict(survey)
    name = info.get("short_title") or survey
    what = ""
    if table:
        meta = table_info(survey, table)
        what = f", {meta['number'] or meta['title']}"
    label = "line" if len(lines) == 1 else "lines"
    return f"{name}{what}, {label} {', '.join(str(n) for n in lines)}"


def of(row: pd.Series | dict, show: str = "value") -> Value:
    """The Value of one observation row: its number in the book's style, or its printed words.

    `show="printed"` shows the token exactly as printed ("just over half",
    "1,153"); a row without a number always shows its printed words.
    """
    row = dict(row)
    line = int(row["line"])
    printed = str(row.get("printed", ""))
    value = row.get("value")
    numeric = value is not None and not pd.isna(value)
    text = number_text(float(value), row.get("measure", ""), printed) if numeric and show == "value" else printed
    status = f" (status {row['status']})" if row.get("status") else ""
    title = f"Printed '{printed}'{status}: {_where(row['survey'], row.get('table'), (line,))}"
    return Value(
        text,
        row["survey"],
        (line,),
        title,
        number=float(value) if numeric else None,
        notices=tuple(corrections.matching([row])),
    )


def find(
    frame: pd.DataFrame,
    category: str | None = "",
    group: str | None = "All",
    question: str | None = None,
    measure: str | None = None,
) -> pd.Series:
    """The one observation of `frame` with this category, group (and question, measure).

    `None` leaves a key unfiltered. `question` matches exactly or, failing
    that, as the start of the question ("Q6a)"). When no measure is named and
    a count and a percentage remain, the percentage is meant.
    """
    # Plain lists of positions, not pandas masks: a chapter looks up dozens of values, each in a few hundred rows.
    matches = range(len(frame))
    for column, wanted in (("category", category), ("group", group)):
        if wanted is not None:
            cells = frame[column].tolist()
            matches = [i for i in matches if cells[i] == wanted]
    if question is not None:
        cells = frame["question"].tolist()
        exact = [i for i in matches if cells[i] == question]
        matches = exact or [i for i in matches if str(cells[i]).startswith(question)]
    measures = frame["measure"].tolist()
    if measure is not None:
        matches = [i for i in matches if measures[i] == measure]
    elif len(matches) > 1 and len({measures[i] for i in matches}) > 1:
        matches = [i for i in matches if measures[i] != "count"]
    rows = frame.iloc[list(matches)]
    if len(rows) != 1:
        keys = {
            k: v
            for k, v in dict(category=category, group=group, question=question, measure=measure).items()
            if v is not None
        }
        table = frame.attrs.get("table", {}).get("table") or ", ".join(sorted(set(frame.get("table", []))))
        raise LookupError(f"{len(rows)} observations of {table or 'the frame'} match {keys} (expected exactly one)")
    return rows.iloc[0]


def value(frame: pd.DataFrame, *keys, show: str = "value", **named) -> Value:
    """One published value of `frame` in the book's style ("51%", "1,153"), linked to its line.

    The keys (category, group, question, measure) are `find`'s, by position or
    name; `show="printed"` shows the token as printed (see `printed`).
    """
    return of(find(frame, *keys, **named), show=show)


def pct(
    frame: pd.DataFrame, category: str | None = "", group: str | None = "All", question: str | None = None
) -> Value:
    """One published percentage of `frame`, with its sign."""
    return value(frame, category, group, question, "percent")


def printed(frame: pd.DataFrame, *keys, **named) -> Value:
    """One published value exactly as the report prints it ("just over half", "1,153"); the keys are `find`'s."""
    return value(frame, *keys, show="printed", **named)


def derived(number: float, rows: pd.DataFrame, how: str, measure: str = "percent", decimals: int = 0) -> Value:
    """A value we computed from the printed values in `rows`, linked to every line they stand on."""
    survey = str(rows["survey"].iloc[0])
    lines = tuple(dict.fromkeys(int(n) for n in rows["line"]))
    table = str(rows["table"].iloc[0]) if rows["table"].nunique() == 1 else None
    text = f"{number:,.{decimals}f}" + ("%" if measure == "percent" else "")
    parts = " + ".join(f"'{p}'" for p in rows["printed"])
    title = f"Derived, not printed: {how} (from {parts}): {_where(survey, table, lines)}"
    return Value(text, survey, lines, title, how=how, number=float(number), notices=tuple(corrections.matching(rows)))


def total(rows: pd.DataFrame, how: str | None = None) -> Value:
    """The sum of some printed values (e.g. strongly agree + agree), marked derived."""
    categories = " + ".join(str(c) for c in rows["category"])
    return derived(
        float(rows["value"].sum()),
        rows,
        how or f"sum of {categories}",
        str(rows["measure"].iloc[0]),
        decimals=max((_decimals(str(p)) or 0) for p in rows["printed"]),
    )


def line_of(survey: str, text: str, label: str | None = None) -> Value:
    """A link to the one line of the source that holds `text` (for a short quotation or a named passage)."""
    found = [n for n, row in enumerate(raw_lines(survey), 1) if text in row]
    if len(found) != 1:
        raise LookupError(f"{survey}: {text!r} stands on {len(found)} lines of the source (expected exactly one)")
    return Value(label or f"line {found[0]}", survey, (found[0],), f"{_where(survey, None, (found[0],))}")


def table_ref(survey: str, table: str, label: str | None = None) -> Value:
    """The report's own number for a table ("Table 2.19"), linked to where it starts in the source."""
    meta = table_info(survey, table)
    first = int(str(meta["lines"]).split("-")[0])
    text = label or meta["number"] or meta["title"]
    return Value(text, survey, (first,), f"{_where(survey, table, (first,))}: {meta['title']}")


_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def counted(n: int, noun: str) -> str:
    """A count the book makes itself, in words ("four sources"): it is ours, not a published value."""
    word = _WORDS[n] if 0 <= n < len(_WORDS) else f"{n:,}"
    return f"{word} {noun}{'' if n == 1 else 's'}"


def _on_table(lookup):
    """A `Source` method: `lookup` applied to the source's table named by the first argument."""

    @functools.wraps(lookup)
    def method(self, table: str, *args, **kwargs):
        return lookup(self.table(table), *args, **kwargs)

    # help() shows (self, table, …) rather than the frame the module function takes.
    frame, *rest = inspect.signature(lookup).parameters.values()
    me = inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)
    method.__signature__ = inspect.signature(lookup).replace(
        parameters=[me, frame.replace(name="table", annotation="str"), *rest]
    )
    return method


class Source:
    """The values of one source, looked up by table name: `Source("lga-2018").pct("responses")`."""

    def __init__(self, survey: str) -> None:
        self.survey = survey
        self._tables: dict[str, pd.DataFrame] = {}

    def table(self, table: str) -> pd.DataFrame:
        """The observations of one table (loaded once, its read recorded for the build's cache)."""
        if table not in self._tables:
            self._tables[table] = load(self.survey, table)
        return self._tables[table]

    # The lookups of this module, given a table's name instead of its frame: `src.pct("responses", "Agree")`.
    find = _on_table(find)
    value = _on_table(value)
    pct = _on_table(pct)
    printed = _on_table(printed)

    def line(self, text: str, label: str | None = None) -> Value:
        return line_of(self.survey, text, label)

    def table_ref(self, table: str, label: str | None = None) -> Value:
        return table_ref(self.survey, table, label)
