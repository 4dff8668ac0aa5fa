"""Tables for chapters: markdown that pandoc turns into HTML and Typst, with data text escaped."""

from __future__ import annotations

import html
import re

import pandas as pd

from . import corrections
from .values import source_href

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|@$~^&])")


def escape_markdown(text: object) -> str:
    """Escape text from the data so pandoc shows it as text, never as markup or HTML."""
    value = "" if text is None or (isinstance(text, float) and pd.isna(text)) else str(text)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(value.split()))


def escape_html(text: object) -> str:
    """Escape text from the data for an HTML element."""
    return html.escape("" if text is None else str(text), quote=True)


class MarkdownTable:
    """A pipe table that displays as `text/markdown` in Jupyter and under swbook."""

    def __init__(
        self, frame: pd.DataFrame, align: dict[str, str] | None = None, source_lines: tuple[str, str] | None = None
    ) -> None:
        self.frame = frame
        self.align = align or {}
        self.source_lines = source_lines
        # A column naming each row's survey, when source_lines points at one; it is not shown itself.
        self.survey_column = source_lines[1] if source_lines and source_lines[1] in frame.columns else None

    def _repr_markdown_(self) -> str:
        columns = [c for c in self.frame.columns if c != self.survey_column]
        header = "| " + " | ".join(escape_markdown(c) for c in columns) + " |"
        rule = "|" + "|".join(self._rule(c) for c in columns) + "|"
        rows = [
            "| " + " | ".join(self._linked(column, row[column], row) for column in columns) + " |"
            for row in self.frame.to_dict("records")
        ]
        # The notice of a corrected value stands under the table (after its caption in the book).
        notices = [
            f"[**{escape_markdown(corrections.heading(c))}** {escape_markdown(corrections.detail(c))}]"
            f'{{.correction-notice data-correction="{corrections.anchor(c)}"}}'
            for c in self._notices()
        ]
        return "\n".join([header, rule, *rows]) + "".join(f"\n\n{n}" for n in notices)

    def _notices(self) -> list[dict]:
        if set(corrections.KEY) <= set(self.frame.columns):
            return corrections.matching(self.frame)
        if self.source_lines and self.source_lines[0] in self.frame.columns:
            # A table that links source lines: the corrections of values printed on those lines.
            places = set()
            for row in self.frame.to_dict("records"):
                survey = row[self.survey_column] if self.survey_column else self.source_lines[1]
                places |= {
                    (survey, int(n)) for n in str(row[self.source_lines[0]]).replace(";", " ").split() if n.isdigit()
                }
            return corrections.at_lines(places)
        return []  # a table that shows neither keys nor source lines shows no notice of its own

    def _rule(self, column: str) -> str:
        # pandoc reads relative column widths from the dashes, so give long text more room.
        numeric = pd.api.types.is_numeric_dtype(self.frame[column])
        side = self.align.get(column, "right" if numeric else "left")
        longest = max([len(str(column))] + [len(self._cell(v, column)) for v in self.frame[column]])
        dashes = "-" * max(3, min(longest, 60))
        return f"{dashes}:" if side == "right" else f":{dashes}"

    def _linked(self, column: str, value: object, row: dict) -> str:
        """Source line numbers ("283" or "705; 706") become links to those lines in the source viewer."""
        if not self.source_lines or column != self.source_lines[0]:
            return self._cell(value, column)
        survey = row[self.survey_column] if self.survey_column else self.source_lines[1]
        lines = [part.strip() for part in str(value).split(";")]
        if not all(line.isdigit() for line in lines):
            return self._cell(value, column)
        # Tables stand in chapters, one folder below the site root.
        return "; ".join(f"[{line}]({source_href(survey, [int(line)], root='../')})" for line in lines)

    @staticmethod
    def _cell(value: object, column: str = "") -> str:
        """A cell as the book prints numbers: thousands separated (1,153) as in the text, except
        in columns of line numbers, years and page numbers, which are labels, not quantities."""
        label = any(word in str(column).lower() for word in ("line", "year", "page"))
        if hasattr(value, "_repr_markdown_"):  # a linked value (swsurveys.values.Value) keeps its link
            return value._repr_markdown_()
        if isinstance(value, float) and not pd.isna(value):
            if label:
                return f"{value:g}"
            return f"{int(value):,}" if value.is_integer() else f"{value:,}"
        if isinstance(value, int) and not isinstance(value, bool) and not label:
            return f"{value:,}"
        return escape_markdown(value)

    def __str__(self) -> str:
        return self._repr_markdown_()


def table(
    frame: pd.DataFrame, align: dict[str, str] | None = None, source_lines: tuple[str, str] | None = None
) -> MarkdownTable:
    """Show `frame` as a table in the book (label the cell `tbl-…` and give a `tbl-cap`).

    `source_lines=("Line", "ofsted-2010")` links each value of the column
    "Line" (a line number, or several separated by ";") to that line of the
    survey's source text; `("Line", "survey")` takes each row's survey slug
    from the column "survey", which is then not shown.
    """
    return MarkdownTable(frame, align, source_lines)
