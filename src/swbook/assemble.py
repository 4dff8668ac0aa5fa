"""Turn an executed chapter into pandoc markdown for one target ("html" or "typst").

Cell outputs become markdown: figures from `swsurveys.charts` carry an
interactive chart (HTML) and a vector image (SVG) plus their source note;
tables arrive as markdown; anything else falls back to its plain text.
"""

from __future__ import annotations

import base64
import html
import os
import re
from pathlib import Path

from swsurveys.display import escape_markdown
from swsurveys.values import source_href

from .crossref import Registry
from .errors import BuildError
from .execute import Executed
from .mime import FIGURE_MIME
from .project import Page
from .qmd import Cell, Document, Markdown, replace_inline

_ARIA = re.compile(r'aria-label="[^"]*"')


def typst_escape(text: str) -> str:
    """Escape text for Typst markup so that data can never become markup."""
    out = []
    for char in text:
        if char in "\\#*_`$[]<>@~/=-+\"'":
            out.append("\\" + char)
        else:
            out.append(char)
    return "".join(out)


def site_root(page: Page) -> str:
    """The relative path from a page to the top of the site ("" or "../")."""
    up = os.path.relpath(".", os.path.dirname(page.html) or ".")
    return "" if up == "." else up + "/"


def _text(value) -> str:
    if value is None or value == "":
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)


def figure_tools(label: str, number: str, rows: list[dict], root: str) -> str:
    """Under a figure: its downloads, and a table of the same values behind a Table toggle.

    The downloads hold the link to its data as CSV; book.js adds the PNG and
    SVG buttons and the "Cite" text beside it (they need the drawn chart and
    the page's address). The table has one row per question and group and one
    column per answer; each cell is the value as printed, linked to its line
    of the source text. Its id (`<label>-values`) makes it a link target.
    """
    keys = [
        k
        for k in ("source", "question", "group")  # which source, where a figure compares several
        if len({_text(r.get(k)) for r in rows}) > 1 or (k == "question" and any(r.get(k) for r in rows))
    ]
    categories = list(dict.fromkeys(_text(r.get("category")) or "Value" for r in rows))
    lines: dict[tuple, dict] = {}
    for row in rows:
        key = tuple(_text(row.get(k)) for k in keys)
        entry = lines.setdefault(key, {"base": _text(row.get("base"))})
        entry[_text(row.get("category")) or "Value"] = _linked_value(row, root)
    with_base = any(entry["base"] for entry in lines.values())
    head = "".join(f'<th scope="col">{html.escape(k.capitalize())}</th>' for k in keys)
    head += "".join(f'<th scope="col">{html.escape(c)}</th>' for c in categories)
    head += '<th scope="col">Base</th>' if with_base else ""
    body = []
    for key, entry in lines.items():
        cells = "".join(
            f'<th scope="row">{html.escape(k)}</th>' if i == 0 else f"<td>{html.escape(k)}</td>"
            for i, k in enumerate(key)
        )
        cells += "".join(f"<td>{entry.get(c, '')}</td>" for c in categories)
        cells += f"<td>{html.escape(entry['base'])}</td>" if with_base else ""
        body.append(f"<tr>{cells}</tr>")
    return (
        f'<div class="figure-tools" role="group" aria-label="{html.escape(number)}: downloads and table">'
        f'<span class="figure-downloads">'
        f'<a class="figure-data" href="{root}figures/{label}.csv" download>Data (CSV)</a></span>'
        f'<details class="figure-table"><summary>Table</summary>'
        f'<table id="{label}-values"><caption>Values plotted in {html.escape(number)}, as printed; each links to its line '
        f"in the source</caption><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        f"</details></div>"
    )


def row_lines(row: dict) -> list[str]:
    """Every source line of a plotted row: `lines` ("903; 904") for a derived or linked value, else `line`."""
    text = _text(row.get("lines")) or _text(row.get("line"))
    return [part.strip() for part in text.replace(",", ";").split(";") if part.strip().isdigit()]


def row_status(row: dict) -> str:
    """A row's status as published: its GSS symbol, or "derived" for a value we computed."""
    return "derived" if row.get("derived") is True else _text(row.get("status"))


def _linked_value(row: dict, root: str) -> str:
    """A plotted value as printed, linked to its source line(s); a derived one says so and links every line."""
    survey = html.escape(_text(row.get("survey")))
    numbers = row_lines(row)
    status = row_status(row)
    # A derived value has no printed token of its own: show the value we computed.
    first = ("shown", "value") if status == "derived" else ("printed", "shown", "value")
    shown = html.escape(next((_text(row.get(k)) for k in first if _text(row.get(k))), ""))
    if status == "derived":  # the [derived] marker says so once, with how it was made
        shown = shown.replace(" (derived)", "")
    if not numbers:  # nothing to link to: say so rather than link nowhere
        return f'{shown} <span class="no-line">(no source line)</span>'
    href = source_href(survey, [int(n) for n in numbers], root)
    where = f"line{'s' if len(numbers) > 1 else ''} {', '.join(numbers)} of the source"
    marker = (
        (
            f' <abbr title="{"derived: " + html.escape(_text(row.get("note"))) if status == "derived" else "status " + html.escape(status)}">'
            f"[{html.escape(status)}]</abbr>"
        )
        if status
        else ""
    )
    return f'<a href="{href}" title="{where}">{shown}</a>{marker}'


_SVG_SIZE = re.compile(r'<svg[^>]*?\swidth="([\d.]+)"[^>]*?\sheight="([\d.]+)"')


def _pdf_size(svg: str) -> str:
    """The chart at its natural size: `Figure.svg()` draws it for print, one SVG pixel to one point."""
    size = _SVG_SIZE.search(svg)
    return f"width={float(size.group(1)):g}pt" if size else "width=100%"


def _raw(target: str, content: str) -> str:
    fence = "`" * 4
    return f"{fence}{{={target}}}\n{content}\n{fence}"


class Assembler:
    """Builds the markdown of chapters for one output format."""

    def __init__(self, registry: Registry, target: str, figure_dir: Path, echo: bool) -> None:
        self.registry = registry
        self.target = target
        self.figure_dir = figure_dir
        self.echo = echo

    def chapter(self, page: Page, document: Document, executed: Executed) -> str:
        """The whole chapter body as pandoc markdown."""
        parts = []
        for position, block in enumerate(document.blocks):
            if isinstance(block, Markdown):
                text = block.text
                if block.inline:
                    text = replace_inline(text, executed.inline.get(position, []))
                parts.append(self.registry.resolve(text, page, self.target, f"{page.relative}:{block.line}"))
            else:
                parts.append(self.cell(page, block, executed.outputs.get(block.index, [])))
        return "\n\n".join(p for p in parts if p.strip()) + "\n"

    # ------------------------------------------------------------------ cells

    def cell(self, page: Page, cell: Cell, outputs: list[dict]) -> str:
        options = cell.options
        if options.get("include") is False:
            return ""
        pieces = []
        if options.get("echo", self.echo):
            pieces.append(f"```python\n{cell.source.strip()}\n```")
        if options.get("output", True) is not False:
            asis = options.get("output") == "asis"
            for number, output in enumerate(outputs):
                rendered = self.output(page, cell, output, number, asis)
                if rendered:
                    pieces.append(rendered)
        body = "\n\n".join(pieces)
        label = cell.label
        if label.startswith("fig-"):
            return self.figure(page, cell, outputs, body)
        if label.startswith("tbl-"):
            return self.table(page, cell, body)
        return body

    def output(self, page: Page, cell: Cell, output: dict, number: int, asis: bool) -> str:
        kind = output.get("output_type")
        if kind == "stream":
            if output.get("name") == "stderr" and cell.options.get("warning") is False:
                return ""
            text = output.get("text", "")
            return self._resolve(page, cell, text) if asis else f"```\n{text.rstrip()}\n```"
        data = output.get("data", {})
        if FIGURE_MIME in data:
            return ""  # placed by figure()
        if "text/markdown" in data:
            return self._resolve(page, cell, data["text/markdown"])
        if self.target == "html" and "text/html" in data:
            return _raw("html", data["text/html"])
        if "image/svg+xml" in data or "image/png" in data:
            # Every image needs alt text: readers of the site use it, and the PDF (PDF/UA-1) refuses one without.
            alt = str(cell.options.get("fig-alt", "")).strip()
            if not alt:
                raise BuildError(
                    f"{page.relative}:{cell.line}: cell {cell.index} displays an image with no alt "
                    f"text (expected a '#| fig-alt: …' option describing it)"
                )
            described = alt.replace("\\", "\\\\").replace('"', '\\"')
            if "image/svg+xml" in data:
                path = self._write(page, cell, number, "svg", data["image/svg+xml"])
            else:
                path = self._write(page, cell, number, "png", base64.b64decode(data["image/png"]))
            return f'![]({path}){{fig-alt="{described}"}}'
        if "text/plain" in data:
            return f"```\n{data['text/plain']}\n```"
        return ""

    def _resolve(self, page: Page, cell: Cell, markdown: str) -> str:
        """Cross-references in markdown a cell printed, resolved like the chapter's own (unknown: an error)."""
        return self.registry.resolve(markdown, page, self.target, f"{page.relative}:{cell.line}: cell {cell.index}")

    def _write(self, page: Page, cell: Cell, number: int, extension: str, content) -> str:
        self.figure_dir.mkdir(parents=True, exist_ok=True)
        name = f"{page.stem}-{cell.label or f'cell{cell.index}'}-{number}.{extension}"
        path = self.figure_dir / name
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
        return str(path)

    # -------------------------------------------------------------- figures

    def figure(self, page: Page, cell: Cell, outputs: list[dict], body: str) -> str:
        label = cell.label
        figures = [o["data"] for o in outputs if FIGURE_MIME in o.get("data", {})]
        caption = str(cell.options.get("fig-cap", "")).strip()
        if not caption:
            raise BuildError(f"{page.relative}:{cell.line}: figure {label} has no fig-cap")
        if len(figures) != 1:
            raise BuildError(
                f"{page.relative}:{cell.line}: figure {label} must display exactly one "
                f"swsurveys chart (it displayed {len(figures)})"
            )
        data = figures[0]
        meta = data[FIGURE_MIME]
        alt = str(cell.options.get("fig-alt") or meta.get("alt") or "").strip()
        if not alt:
            raise BuildError(f"{page.relative}:{cell.line}: figure {label} has no alt text (fig-alt)")
        caption = self.registry.resolve(caption, page, self.target, f"{page.relative}:{cell.line}")
        number = self.registry.number(label)
        if self.target == "html":
            chart = _ARIA.sub(lambda _: f'aria-label="{html.escape(alt, quote=True)}"', data["text/html"], count=1)
            rows = meta.get("observations", [])
            tools = figure_tools(label, number, rows, site_root(page))
            return (
                f'::: {{#{label} .sw-figure role="figure" aria-labelledby="{label}-cap"}}\n'
                f"::: {{#{label}-cap .figure-caption}}\n**{number}:** {caption}\n:::\n\n"
                f"{_raw('html', chart + chr(10) + tools)}\n:::"
            )
        # The source note is part of the SVG (as Quarto's PDF shows it), so it is not added again here.
        svg = self._write(page, cell, 0, "svg", data["image/svg+xml"])
        described = alt.replace("\\", "\\\\").replace('"', '\\"')  # read out by the tagged PDF
        # A figure's notices (a correction to a value it plots) stand right under it, as in the HTML.
        # Each ends in an empty span naming its correction, which the Corrections appendix links to (pdf-corrections.lua).
        notices = "".join(
            f"\n\n**{escape_markdown(first)}** {escape_markdown(rest)}"
            + (f' []{{.correction-notice data-correction="{anchor[0]}"}}' if anchor else "")
            for first, rest, *anchor in meta.get("notices", [])
        )
        return f'![{caption}]({svg}){{#{label} {_pdf_size(data["image/svg+xml"])} fig-alt="{described}"}}' + notices

    # --------------------------------------------------------------- tables

    def table(self, page: Page, cell: Cell, body: str) -> str:
        label = cell.label
        caption = str(cell.options.get("tbl-cap", "")).strip()
        if not caption:
            raise BuildError(f"{page.relative}:{cell.line}: table {label} has no tbl-cap")
        if "|" not in body:
            raise BuildError(f"{page.relative}:{cell.line}: table {label} produced no markdown table")
        caption = self.registry.resolve(caption, page, self.target, f"{page.relative}:{cell.line}")
        shown = f"{self.registry.number(label)}: {caption}" if self.target == "html" else caption
        table, _, after = body.partition("\n\n")
        return f"{table.rstrip()}\n\n: {shown} {{#{label}}}" + (f"\n\n{after}" if after.strip() else "")
