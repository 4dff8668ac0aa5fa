"""Tables for chapters: markdown that pandoc turns into HTML and Typst, with data text escaped."""
from __future__ import annotations

import html
import re

import pandas as pd

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

    def __init__(self, frame: pd.DataFrame, align: dict[str, str] | None = None,
                 source_lines: tuple[str, str] | None = None) -> None:
        self.frame = frame
        self.align = align or {}
        self.source_lines = source_lines

    def _repr_markdown_(self) -> str:
        columns = list(self.frame.columns)
        header = "| " + " | ".join(escape_markdown(c) for c in columns) + " |"
        rule = "|" + "|".join(self._rule(c) for c in columns) + "|"
        rows = ["| " + " | ".join(self._linked(column, v) for column, v in zip(columns, row)) + " |"
                for row in self.frame.itertuples(index=False)]
        return "\n".join([header, rule, *rows])

    def _rule(self, column: str) -> str:
        # pandoc reads relative column widths from the dashes, so give long text more room.
        numeric = pd.api.types.is_numeric_dtype(self.frame[column])
        side = self.align.get(column, "right" if numeric else "left")
        longest = max([len(str(column))] + [len(self._cell(v)) for v in self.frame[column]])
        dashes = "-" * max(3, min(longest, 60))
        return f"{dashes}:" if side == "right" else f":{dashes}"

    def _linked(self, column: str, value: object) -> str:
        """A source line number becomes a link to that line in the source viewer."""
        if self.source_lines and column == self.source_lines[0] and str(value).isdigit():
            return f"[{value}](../sources/{self.source_lines[1]}.html#L{value})"
        return self._cell(value)

    @staticmethod
    def _cell(value: object) -> str:
        if isinstance(value, float) and not pd.isna(value):
            return f"{value:g}"
        return escape_markdown(value)

    def __str__(self) -> str:
        return self._repr_markdown_()


def table(frame: pd.DataFrame, align: dict[str, str] | None = None,
          source_lines: tuple[str, str] | None = None) -> MarkdownTable:
    """Show `frame` as a table in the book (label the cell `tbl-…` and give a `tbl-cap`).

    `source_lines=("Line", "ofsted-2010")` links each value of the column
    "Line" to that line of the survey's source text.
    """
    return MarkdownTable(frame, align, source_lines)
