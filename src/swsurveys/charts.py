"""The house style and the figure helpers every chapter draws with.

A figure helper returns a `Figure`. In a notebook or under `swbook` it
displays as a bundle of:
- `text/html`: the interactive chart, its alt text, its source note and the
  plotted rows. It draws itself: a small script loads the Vega bundle that
  `_quarto.yml` publishes (`project: resources: assets/vega-bundle.js`, made
  by the pre-render step) from the site's own root, so the chart draws in a
  page made by swbook or by Quarto, offline and from file://;
- `image/svg+xml`: the same spec rendered to a vector image by vl-convert,
  with the source note under it, for the PDF (Quarto's as well as swbook's);
- `application/vnd.swbook.figure+json`: alt text, source note and the plotted
  observations, so the builder can place them.
"""
from __future__ import annotations

import html
import json
import re
import textwrap
from dataclasses import dataclass, field
from itertools import count

import altair
import pandas as pd
import vl_convert

from swbook.mime import FIGURE_MIME

from . import corrections, svgcache
from .dates import format_month
from .display import escape_html
from .vocabulary import COMPARABILITY, COMPARABILITY_LABEL, KIND_LABEL, POPULATION

# The Government Analysis Function's accessible categorical palette.
PALETTE = ["#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1"]
AGREE, DISAGREE, NEUTRAL = PALETTE[0], PALETTE[3], "#BFBFBF"
FONT = "Arial, 'Helvetica Neue', Helvetica, 'DejaVu Sans', sans-serif"
_ids = count(1)
# Where the site publishes the Vega bundle, relative to its root (see _quarto.yml).
VEGA_BUNDLE = "assets/vega-bundle.js"
# Draws one chart. The bundle is loaded once per page from the site root: Quarto's
# <meta name="quarto:offset"> (swbook's pages carry it too) when there is one, else
# the page's folder and its parents in turn. No network: the bundle is the site's own file.
_DRAW = """(function () {
  var id = "IDENT", w = window;
  function fail(error) { document.getElementById(id).textContent = "The chart could not be drawn: " + error; }
  if (!w.swVega) {
    w.swVega = w.vegaEmbed ? Promise.resolve() : new Promise(function (ok, no) {
      var meta = document.querySelector('meta[name="quarto:offset"]');
      var roots = (meta ? [meta.content] : []).concat(["", "../", "../../"]);
      (function next(i) {
        if (i >= roots.length) { no("BUNDLE was not found"); return; }
        var s = document.createElement("script");
        s.src = roots[i] + "BUNDLE";
        s.onload = ok;
        s.onerror = function () { s.remove(); next(i + 1); };
        document.head.appendChild(s);
      })(0);
    });
  }
  w.swVega.then(function () {
    var target = document.getElementById(id);
    var spec = JSON.parse(document.querySelector('script.sw-spec[data-for="' + id + '"]').textContent);
    return w.vegaEmbed(target, spec, { renderer: "svg", actions: false })
      .then(function () { target.dataset.drawn = "true"; });
  }).catch(fail);
})();"""
ROW_COLUMNS = ("survey", "table", "question", "category", "group", "measure", "value",
               "printed", "status", "base", "line", "lines", "derived", "shown", "note")


def _script_json(value) -> str:
    """JSON for a <script> element: no "<" in it, so no value can end or confuse the element."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).replace("<", "\\u003c")


def with_note(svg: str, note: str) -> str:
    """The SVG with the source note printed under the chart, so an image alone keeps it (as in Quarto's PDF)."""
    size = re.search(r'<svg[^>]*?width="([\d.]+)"[^>]*?height="([\d.]+)"', svg)
    if not size or not note:
        return svg
    width, height = float(size.group(1)), float(size.group(2))
    lines = textwrap.wrap(note, max(40, int(width / 5.6)))   # about 5.6 px per character at 10 px
    extra = 14 * len(lines) + 8
    texts = "".join(f'<text x="5" y="{height + 14 * (i + 1):g}">{html.escape(line, quote=False)}</text>'
                    for i, line in enumerate(lines))
    note_group = (f'<g class="source-note" font-family="{html.escape(FONT)}" font-size="10" '
                  f'fill="#3d3d3d">{texts}</g>')
    head = svg[:size.end()]
    head = head.replace(f'height="{size.group(2)}"', f'height="{height + extra:g}"', 1)
    rest = svg[size.end():].replace(f'viewBox="0 0 {size.group(1)} {size.group(2)}"',
                                    f'viewBox="0 0 {size.group(1)} {height + extra:g}"', 1)
    rest = rest.replace(f'<rect width="{size.group(1)}" height="{size.group(2)}" fill="white"/>',
                        f'<rect width="{size.group(1)}" height="{height + extra:g}" fill="white"/>', 1)
    return head + rest[: rest.rindex("</svg>")] + note_group + "</svg>"


def house_config() -> dict:
    """Vega-Lite config: plain axes, no chart junk, readable type."""
    return {
        "font": FONT,
        "background": "white",
        "view": {"stroke": None},
        "axis": {"labelFontSize": 12, "titleFontSize": 12, "labelColor": "#0b0c0c", "titleColor": "#0b0c0c",
                 "domainColor": "#6f777b", "tickColor": "#6f777b", "gridColor": "#e5e5e5", "titleFontWeight": "normal"},
        "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "top", "titleFontWeight": "normal", "labelLimit": 0},
        "header": {"labelFontSize": 12, "titleFontSize": 12},
        "range": {"category": PALETTE},
        "text": {"fontSize": 11, "color": "#0b0c0c"},
    }


_published = format_month   # the name a chapter still calls


def source_note(frame: pd.DataFrame, base: str | None = None) -> str:
    """The line under a figure: report, table number, page, source lines and base.

    Built from the metadata that `swsurveys.load` attaches to `frame`.
    """
    survey = frame.attrs.get("survey", {})
    table = frame.attrs.get("table", {})
    pieces = [f"Source: {survey.get('publisher', '')}, {survey.get('title', '')} "
              f"({_published(survey.get('published', ''))})"]
    if table:
        pages = table.get("page", "")
        pieces.append(", ".join(x for x in (
            table.get("number") or table.get("title", ""),
            f"{'pages' if '-' in pages else 'page'} {pages}" if pages else "",
            f"lines {table.get('lines', '')} of the text") if x))
    text = "; ".join(pieces) + "."
    base = table.get("base", "") if base is None else base
    if base:
        text += f" Base: {base.rstrip('.')}."
    return text


@dataclass
class Figure:
    """A chart with its alt text, source note and the observations it plots."""

    chart: altair.TopLevelMixin
    alt: str
    note: str
    data: pd.DataFrame = field(default_factory=pd.DataFrame)
    _spec: dict | None = field(default=None, init=False, repr=False, compare=False)

    def spec(self) -> dict:
        """The Vega-Lite spec with the house style applied (built once; the HTML and the SVG share it)."""
        if self._spec is None:
            # Schema validation is most of altair's cost; the helpers' specs are validated once in the tests.
            spec = self.chart.to_dict(validate=False)
            spec["config"] = {**house_config(), **spec.get("config", {})}
            spec["description"] = self.alt
            self._spec = spec
        return self._spec

    def svg(self) -> str:
        """The chart as a standalone SVG (vector) image, its source note under it.

        Drawing is most of a chapter's time, so each drawing is kept by the hash
        of its spec (see `svgcache`): a re-run chapter redraws only the figures
        whose data or style changed.
        """
        return with_note(svgcache.draw(self.spec(), vl_convert.vegalite_to_svg), self.note)

    def rows(self) -> list[dict]:
        """The observations the figure plots, with printed, line, status and base."""
        columns = [c for c in ROW_COLUMNS if c in self.data.columns]
        return json.loads(self.data[columns].to_json(orient="records")) if columns else []

    def html(self) -> str:
        """The chart, drawing itself with the site's Vega bundle; its plotted rows; its source note.

        The rows travel in the page (`script.sw-data`) so that the post-render
        step can write the figure's CSV from the published pages alone.
        """
        ident = f"sw-chart-{next(_ids)}"
        draw = _DRAW.replace("IDENT", ident).replace("BUNDLE", VEGA_BUNDLE)
        return (f'<div class="sw-chart" id="{ident}" role="img" aria-label="{html.escape(self.alt, quote=True)}">'
                f'<noscript>This chart needs JavaScript; its values are in the data table.</noscript></div>\n'
                f'<script type="application/json" class="sw-spec" data-for="{ident}">{_script_json(self.spec())}</script>\n'
                f'<script type="application/json" class="sw-data" data-for="{ident}">{_script_json(self.rows())}</script>\n'
                f'<script>{draw}</script>\n'
                f'<p class="source-note">{escape_html(self.note)}</p>' + self._notices_html())

    def notices(self) -> list[dict]:
        """The corrections logged for values this figure plots (shown beside it, see `swsurveys.corrections`)."""
        return corrections.matching(self.data) if {"survey", "table"} <= set(self.data.columns) else []

    def _notices_html(self) -> str:
        return "".join(f'\n<p class="correction-notice" role="note" data-correction="{corrections.anchor(c)}">'
                       f'<strong>{escape_html(corrections.heading(c))}</strong> {escape_html(corrections.detail(c))}</p>'
                       for c in self.notices())

    def _repr_mimebundle_(self, include=None, exclude=None):
        rows = self.rows()
        return {
            "text/html": self.html(),
            "image/svg+xml": self.svg(),
            FIGURE_MIME: {"alt": self.alt, "source_note": self.note, "observations": rows,
                          "notices": [[corrections.heading(c), corrections.detail(c)] for c in self.notices()]},
            "text/plain": f"<Figure: {self.alt}>",
        }


def wrap(text: str, width: int = 48) -> list[str]:
    """Split a long label into lines for an axis."""
    return textwrap.wrap(str(text), width) or [""]


def describe_agreement(frame: pd.DataFrame, label: str = "question") -> str:
    """Alt text that reads out every plotted value, statement by statement."""
    parts = []
    for statement, rows in frame.sort_values("order").groupby(label, sort=False):
        values = {r.category: f"{r.value:g}%" for r in rows.itertuples() if r.category in ("Agree", "Disagree")}
        parts.append(f"{statement}: {values.get('Agree', 'not printed')} agree, "
                     f"{values.get('Disagree', 'not printed')} disagree")
    return (f"Bar chart of the share of respondents agreeing (right) and disagreeing (left) with "
            f"{len(parts)} statement{'s' if len(parts) != 1 else ''}. " + "; ".join(parts) + ".")


def agree_disagree(frame: pd.DataFrame, *, alt: str | None = None, label: str = "question", width: int = 340,
                   wrap_at: int = 52, note: str | None = None) -> Figure:
    """Diverging bars: agree to the right, disagree to the left, one row per statement.

    `frame` holds observations with `category` Agree/Disagree and `value` in
    per cent. The unprinted remainder (neutral, don't know, not stated) is
    left blank: it is not a published value.
    """
    data = frame[frame["category"].isin(["Agree", "Disagree"])].copy()
    data["statement"] = data[label].map(lambda s: " ".join(str(s).split()))
    order = list(dict.fromkeys(data.sort_values("order")["statement"]))
    data["signed"] = data.apply(lambda r: -r["value"] if r["category"] == "Disagree" else r["value"], axis=1)
    data["shown"] = data["value"].map(lambda v: f"{v:g}%")
    # Vega draws a multi-line axis label from an array: join wrapped lines with "|", split in labelExpr.
    data["statement"] = data["statement"].map(lambda t: "|".join(wrap(t, wrap_at)))
    order = ["|".join(wrap(t, wrap_at)) for t in order]
    chart_data = data[["statement", "category", "value", "signed", "shown", "printed", "line"]]
    y = altair.Y("statement:N", sort=order, title=None,
              axis=altair.Axis(labelExpr="split(datum.label, '|')", labelLimit=0, labelPadding=6, ticks=False))
    limit = max(100, float(data["value"].max()) + 15)
    x = altair.X("signed:Q", title="Disagree ← per cent of respondents → Agree",
              scale=altair.Scale(domain=[-limit, limit]),
              axis=altair.Axis(labelExpr="abs(datum.value) + '%'", values=[-100, -75, -50, -25, 0, 25, 50, 75, 100],
                            grid=True))
    color = altair.Color("category:N", title=None, scale=altair.Scale(domain=["Disagree", "Agree"], range=[DISAGREE, AGREE]),
                      legend=altair.Legend(orient="top", direction="horizontal"))
    base = altair.Chart(chart_data)
    bars = base.mark_bar(height={"band": 0.7}).encode(
        y=y, x=x, color=color,
        tooltip=[altair.Tooltip("statement:N", title="Statement"), altair.Tooltip("category:N", title="Answer"),
                 altair.Tooltip("shown:N", title="Per cent"), altair.Tooltip("line:Q", title="Source line")])
    left = base.transform_filter("datum.signed < 0").mark_text(align="right", baseline="middle", dx=-4).encode(
        y=y, x=x, text="shown:N")
    right = base.transform_filter("datum.signed >= 0").mark_text(align="left", baseline="middle", dx=4).encode(
        y=y, x=x, text="shown:N")
    rule = altair.Chart(pd.DataFrame({"zero": [0]})).mark_rule(color="#0b0c0c").encode(x="zero:Q")
    rows = len(order)
    # Every row gets the height of the longest label, so wrapped labels never overlap.
    height = max(60, rows * (max(len(s.split("|")) for s in order) * 14 + 8))
    chart = (bars + left + right + rule).properties(width=width, height=height)
    alt = alt or describe_agreement(frame, label)
    return Figure(chart, alt, note if note is not None else source_note(frame), frame)


def bars(frame: pd.DataFrame, *, alt: str, label: str = "category", color: str = PALETTE[0],
         title: str = "", percent: bool = False, width: int = 360, note: str | None = None) -> Figure:
    """Horizontal bars of one value per label, with direct labels."""
    data = frame.sort_values("order").copy()
    data["shown"] = data["value"].map(lambda v: f"{v:g}%" if percent else f"{v:,.0f}" if v == int(v) else f"{v:g}")
    order = list(dict.fromkeys(data[label]))
    chart_data = data[[label, "value", "shown", "printed", "line"]]
    base = altair.Chart(chart_data)
    y = altair.Y(f"{label}:N", sort=order, title=None, axis=altair.Axis(labelLimit=320, ticks=False))
    x = altair.X("value:Q", title=title or None, scale=altair.Scale(domainMin=0, nice=True),
              axis=altair.Axis(format=".0f", labelExpr="datum.label + '%'" if percent else "datum.label"))
    chart = (base.mark_bar(color=color, height={"band": 0.7}).encode(
        y=y, x=x, tooltip=[altair.Tooltip(f"{label}:N", title="Label"), altair.Tooltip("shown:N", title="Value"),
                           altair.Tooltip("line:Q", title="Source line")])
        + base.mark_text(align="left", baseline="middle", dx=4).encode(y=y, x=x, text="shown:N")
    ).properties(width=width, height=max(40, 26 * len(order)))
    return Figure(chart, alt, note if note is not None else source_note(frame), frame)


def grouped_bars(frame: pd.DataFrame, *, alt: str, label: str = "category", group: str = "group",
                 percent: bool = False, title: str = "", width: int = 340, wrap_at: int = 40,
                 note: str | None = None, groups: list[str] | None = None) -> Figure:
    """Horizontal bars of one value per label and group (e.g. CSD beside DASS), directly labelled."""
    data = frame.sort_values("order").dropna(subset=["value"]).copy()
    data["shown"] = data["value"].map(lambda v: f"{v:g}%" if percent else f"{v:,.0f}" if v == int(v) else f"{v:g}")
    data["label"] = data[label].map(lambda t: "|".join(wrap(" ".join(str(t).split()), wrap_at)))
    order = list(dict.fromkeys(data["label"]))
    groups = groups or list(dict.fromkeys(data[group]))
    chart_data = data[["label", group, "value", "shown", "printed", "line"]].rename(columns={group: "group"})
    y = altair.Y("label:N", sort=order, title=None,
                 axis=altair.Axis(labelExpr="split(datum.label, '|')", labelLimit=0, ticks=False, labelPadding=6))
    x = altair.X("value:Q", title=title or None, scale=altair.Scale(domainMin=0, nice=True),
                 axis=altair.Axis(labelExpr="datum.label + '%'" if percent else "datum.label"))
    color = altair.Color("group:N", title=None, sort=groups, scale=altair.Scale(domain=groups, range=PALETTE[:len(groups)]),
                         legend=altair.Legend(orient="top", direction="vertical", labelLimit=0))
    offset = altair.YOffset("group:N", sort=groups)
    base = altair.Chart(chart_data)
    lines = max(len(s.split("|")) for s in order) if order else 1
    step = max(14 * lines + 6, 16 * len(groups) + 8)
    chart = (base.mark_bar().encode(y=y, x=x, color=color, yOffset=offset,
                                    tooltip=[altair.Tooltip("group:N", title="Group"), altair.Tooltip("shown:N", title="Value"),
                                             altair.Tooltip("line:Q", title="Source line")])
             + base.mark_text(align="left", baseline="middle", dx=3, fontSize=10).encode(
                 y=y, x=x, yOffset=offset, text="shown:N")
             ).properties(width=width, height=step * len(order))
    return Figure(chart, alt, note if note is not None else source_note(frame), frame)


def likert(frame: pd.DataFrame, *, categories: list[str], negative: list[str], neutral: list[str],
           alt: str, label: str = "question", group: str | None = None, width: int = 320, wrap_at: int = 46,
           note: str | None = None) -> Figure:
    """Diverging stacked bars of a full answer scale, agreement to the right of zero.

    `categories` lists every answer in printed order; `negative` are drawn to
    the left, `neutral` ones are split evenly across zero, the rest go right.
    The bar positions are layout only: every label shows a printed value.
    """
    data = frame[frame["category"].isin(categories)].dropna(subset=["value"]).copy()
    data["statement"] = data[label].map(lambda t: "|".join(wrap(" ".join(str(t).split()), wrap_at)))
    keys = ["statement"] + ([group] if group else [])
    rank = {c: i for i, c in enumerate(categories)}
    pieces = []
    for _, rows in data.groupby(keys, sort=False):
        rows = rows.assign(rank=rows["category"].map(rank)).sort_values("rank")
        left = -(rows.loc[rows["category"].isin(negative), "value"].sum()
                 + rows.loc[rows["category"].isin(neutral), "value"].sum() / 2)
        for row in rows.itertuples():
            pieces.append({**row._asdict(), "x0": left, "x1": left + row.value})
            left += row.value
    laid = pd.DataFrame(pieces)
    laid["shown"] = laid["value"].map(lambda v: f"{v:g}%")
    order = list(dict.fromkeys(data.sort_values("order")["statement"]))
    # The strongest answers get the darkest colours; white labels only on dark segments.
    palette = {c: col for c, col in zip(negative, [DISAGREE, "#F9A77C"])}
    palette.update({c: NEUTRAL if i == 0 else "#8C8C8C" for i, c in enumerate(neutral)})
    positive = [c for c in categories if c not in negative and c not in neutral]
    palette.update({c: col for c, col in zip(positive, ["#6E93B8", AGREE])})
    dark = [c for c in (negative[:1] + positive[-1:])]
    domain = [c for c in categories if c in palette]
    columns = ["statement", "category", "value", "x0", "x1", "shown", "printed", "line"] + ([group] if group else [])
    base = altair.Chart(laid[columns])
    y = altair.Y("statement:N", sort=order, title=None,
                 axis=altair.Axis(labelExpr="split(datum.label, '|')", labelLimit=0, ticks=False, labelPadding=6))
    x = altair.X("x0:Q", title="← disagree   per cent   agree →", scale=altair.Scale(domain=[-100, 100]),
                 axis=altair.Axis(labelExpr="abs(datum.value) + '%'", values=[-100, -50, 0, 50, 100]))
    color = altair.Color("category:N", title=None, sort=domain,
                         scale=altair.Scale(domain=domain, range=[palette[c] for c in domain]),
                         legend=altair.Legend(orient="top", direction="horizontal", columns=3))
    bars = base.mark_bar(height={"band": 0.75}).encode(
        y=y, x=x, x2="x1:Q", color=color,
        tooltip=[altair.Tooltip("category:N", title="Answer"), altair.Tooltip("shown:N", title="Per cent"),
                 altair.Tooltip("line:Q", title="Source line")])
    text = base.transform_filter("datum.value >= 8").transform_calculate(mid="(datum.x0 + datum.x1) / 2").mark_text(
        fontSize=9).encode(y=y, x="mid:Q", text="shown:N",
                           color=altair.condition(altair.FieldOneOfPredicate(field="category", oneOf=dark),
                                                  altair.value("white"), altair.value("#0b0c0c")))
    lines = max(len(s.split("|")) for s in order) if order else 1
    layer = (bars + text + altair.Chart(pd.DataFrame({"zero": [0]})).mark_rule(color="#0b0c0c").encode(x="zero:Q"))
    height = len(order) * (lines * 14 + 10)
    if group:
        groups = list(dict.fromkeys(data[group]))   # as the frame lists them
        chart = layer.properties(width=width, height=height).facet(
            column=altair.Column(f"{group}:N", title=None, sort=groups, header=altair.Header(labelFontWeight="bold")))
    else:
        chart = layer.properties(width=width, height=height)
    return Figure(chart, alt, note if note is not None else source_note(frame), frame)


def dot_plot(frame: pd.DataFrame, *, alt: str, label: str = "question", scale: tuple[float, float] = (0, 10),
             title: str = "Mean score", width: int = 320, wrap_at: int = 48, note: str | None = None) -> Figure:
    """Ranked dots of one value per item (e.g. mean scores out of 10), highest first."""
    data = frame.dropna(subset=["value"]).sort_values("value", ascending=False).copy()
    data["item"] = data[label].map(lambda t: "|".join(wrap(" ".join(str(t).split()), wrap_at)))
    data["shown"] = data["value"].map(lambda v: f"{v:g}")
    order = list(dict.fromkeys(data["item"]))
    base = altair.Chart(data[["item", "value", "shown", "printed", "line"]])
    y = altair.Y("item:N", sort=order, title=None,
                 axis=altair.Axis(labelExpr="split(datum.label, '|')", labelLimit=0, ticks=False, grid=True))
    x = altair.X("value:Q", title=title, scale=altair.Scale(domain=list(scale)))
    lines = max(len(s.split("|")) for s in order) if order else 1
    chart = (base.mark_circle(size=90, color=PALETTE[0], opacity=1).encode(
        y=y, x=x, tooltip=[altair.Tooltip("shown:N", title=title), altair.Tooltip("line:Q", title="Source line")])
        + base.mark_text(align="left", dx=8, fontSize=10).encode(y=y, x=x, text="shown:N")
    ).properties(width=width, height=len(order) * (lines * 13 + 10))
    return Figure(chart, alt, note if note is not None else source_note(frame), frame)


def paired_dots(frame: pd.DataFrame, *, alt: str, label: str, series: str, note: str,
                series_order: list[str], observations: pd.DataFrame, title: str = "Per cent agreeing",
                width: int = 300, wrap_at: int = 46) -> Figure:
    """One row per item and one dot per series (e.g. 2010 beside 2011), joined by a line.

    `frame` needs columns `label`, `series`, `value` and `shown` (the text
    beside each dot, e.g. "51%" or "63% (derived)"); `observations` are the
    published values behind it, offered as the figure's data and table.
    """
    data = frame.copy()
    data["item"] = data[label].map(lambda t: "|".join(wrap(" ".join(str(t).split()), wrap_at)))
    order = list(dict.fromkeys(data["item"]))
    base = altair.Chart(data[["item", series, "value", "shown"]].rename(columns={series: "series"}))
    y = altair.Y("item:N", sort=order, title=None,
                 axis=altair.Axis(labelExpr="split(datum.label, '|')", labelLimit=0, ticks=False, grid=True))
    x = altair.X("value:Q", title=title, scale=altair.Scale(domain=[0, 100]),
                 axis=altair.Axis(labelExpr="datum.label + '%'"))
    color = altair.Color("series:N", title=None, sort=series_order,
                         scale=altair.Scale(domain=series_order, range=PALETTE[:len(series_order)]),
                         legend=altair.Legend(orient="top", direction="horizontal"))
    lines = max(len(s.split("|")) for s in order) if order else 1
    chart = (base.mark_line(color="#b1b4b6").encode(y=y, x=x, detail="item:N")
             + base.mark_circle(size=110, opacity=1).encode(
                 y=y, x=x, color=color, tooltip=[altair.Tooltip("series:N", title="Survey"),
                                                 altair.Tooltip("shown:N", title="Agreeing")])
             ).properties(width=width, height=len(order) * (lines * 14 + 12))
    return Figure(chart, alt, note, observations)


def panel_bars(frame: pd.DataFrame, *, alt: str, panel: str, label: str = "category", percent: bool = False,
               title: str = "", width: int = 360, wrap_at: int = 44, note: str | None = None,
               panels: list[str] | None = None) -> Figure:
    """Horizontal bars in stacked panels (one per `panel` value, e.g. one per published table), directly labelled.

    Each panel keeps its own rows and order (`order` within the panel); the
    value axis is shared, so panels must hold the same unit. Rows without a
    number (a status such as `low` or `x`) are not drawn: show them in a table.
    """
    data = frame.dropna(subset=["value"]).sort_values("order", kind="stable").copy()
    data["row"] = data[label].map(lambda t: "|".join(wrap(" ".join(str(t).split()), wrap_at)))
    data["shown"] = data["value"].map(lambda v: f"{v:g}%" if percent else f"{v:,.0f}" if v == int(v) else f"{v:g}")
    data["panel"] = data[panel]
    panels = panels or list(dict.fromkeys(data["panel"]))
    data["position"] = data.groupby("panel", sort=False).cumcount()
    lines = max(len(s.split("|")) for s in data["row"]) if len(data) else 1
    base = altair.Chart()
    y = altair.Y("row:N", sort=altair.EncodingSortField("position", order="ascending"), title=None,
                 axis=altair.Axis(labelExpr="split(datum.label, '|')", labelLimit=0, ticks=False, labelPadding=6))
    x = altair.X("value:Q", title=title or None, scale=altair.Scale(domainMin=0, nice=True),
                 axis=altair.Axis(format=".0f", labelExpr="datum.label + '%'" if percent else "datum.label"))
    layer = altair.layer(
        base.mark_bar(color=PALETTE[0], height={"band": 0.7}).encode(
            y=y, x=x, tooltip=[altair.Tooltip("row:N", title="Label"), altair.Tooltip("shown:N", title="Value"),
                               altair.Tooltip("line:Q", title="Source line")]),
        base.mark_text(align="left", baseline="middle", dx=4).encode(y=y, x=x, text="shown:N"),
    ).properties(width=width, height=altair.Step(lines * 14 + 8))
    chart = altair.FacetChart(
        data=data[["panel", "row", "position", "value", "shown", "printed", "line"]], spec=layer,
        facet=altair.Facet("panel:N", sort=panels, title=None,
                           header=altair.Header(labelFontWeight="bold", labelAnchor="start", labelAngle=0,
                                                labelOrient="top", labelLimit=0)),
        columns=1).resolve_scale(y="independent")
    return Figure(chart, alt, note if note is not None else source_note(frame), frame)


def composition_bars(frame: pd.DataFrame, *, alt: str, categories: list[str], label: str = "group",
                     facet: str | None = None, width: int = 420, wrap_at: int = 34, note: str | None = None,
                     title: str = "Per cent of recorded working time") -> Figure:
    """Horizontal stacked bars: one bar per `label` (e.g. a setting), one segment per category.

    Made for compositions such as the share of working time in each diary
    category. `categories` lists the segments in stacking order; other
    categories (subtotals, respondent counts) are left out. Values with a
    status (x, u, low) or no value are not drawn: show them as printed in a
    table. Segments are stacked from the printed values, so a bar may end a
    little short of or beyond 100 because of the source's rounding. With
    `facet`, the bars are split into panels by that column (e.g. one panel
    per published table), each with its own rows.
    """
    data = frame[frame["category"].isin(categories) & frame["value"].notna()].copy()
    if "status" in data.columns:
        data = data[data["status"].fillna("") == ""]
    data["bar"] = data[label].map(lambda t: "|".join(wrap(" ".join(str(t).split()), wrap_at)))
    rank = {c: i for i, c in enumerate(categories)}
    keys = ([facet] if facet else []) + ["bar"]
    pieces = []
    for _, rows in data.groupby(keys, sort=False):
        left = 0.0
        for row in rows.assign(rank=rows["category"].map(rank)).sort_values("rank").itertuples():
            pieces.append({**row._asdict(), "x0": left, "x1": left + row.value})
            left += row.value
    laid = pd.DataFrame(pieces)
    laid["shown"] = laid["value"].map(lambda v: f"{v:g}%")
    order = list(dict.fromkeys(laid["bar"]))
    colours = (PALETTE * 2)[:len(categories)]
    light = [c for c, col in zip(categories, colours) if col in ("#F46A25", "#A285D1", "#28A197")]
    columns = ["bar", "category", "value", "x0", "x1", "shown", "printed", "line"] + ([facet] if facet else [])
    base = altair.Chart(laid[columns])
    y = altair.Y("bar:N", sort=order, title=None,
                 axis=altair.Axis(labelExpr="split(datum.label, '|')", labelLimit=0, ticks=False, labelPadding=6))
    x = altair.X("x0:Q", title=title, scale=altair.Scale(domain=[0, 102], nice=False),
                 axis=altair.Axis(labelExpr="datum.value + '%'", values=[0, 25, 50, 75, 100]))
    color = altair.Color("category:N", title=None, sort=categories,
                         scale=altair.Scale(domain=categories, range=colours),
                         legend=altair.Legend(orient="top", direction="horizontal", columns=3, labelLimit=0))
    bars = base.mark_bar(height={"band": 0.75}).encode(
        y=y, x=x, x2="x1:Q", color=color,
        tooltip=[altair.Tooltip("bar:N", title="Who"), altair.Tooltip("category:N", title="Category"),
                 altair.Tooltip("shown:N", title="Per cent"), altair.Tooltip("line:Q", title="Source line")])
    text = base.transform_filter("datum.value >= 6").transform_calculate(mid="(datum.x0 + datum.x1) / 2").mark_text(
        fontSize=10).encode(y=y, x="mid:Q", text="shown:N",
                            color=altair.condition(altair.FieldOneOfPredicate(field="category", oneOf=light),
                                                   altair.value("#0b0c0c"), altair.value("white")))
    lines = max(len(s.split("|")) for s in order) if order else 1
    step = lines * 14 + 10
    layer = bars + text
    if facet:
        panels = list(dict.fromkeys(laid[facet]))
        chart = layer.properties(width=width, height=altair.Step(step)).facet(
            row=altair.Row(f"{facet}:N", title=None, sort=panels,
                           header=altair.Header(labelAngle=0, labelAlign="left", labelAnchor="start",
                                                labelOrient="top", labelFontWeight="bold", labelLimit=0))
        ).resolve_scale(y="independent")
    else:
        chart = layer.properties(width=width, height=step * len(order))
    return Figure(chart, alt, note if note is not None else source_note(frame), frame)


SURVEY_YEARS = [2009, 2010, 2011, 2018, 2021]   # fieldwork years of the five sources: the axis ticks
_SHAPES = {"same-question": "circle", "similar": "diamond", "different-population": "square", "proxy": "triangle-up"}


@dataclass
class TimelineFigure(Figure):
    """A timeline with the linked values not drawn on any axis, each in its own words (`beside`)."""

    beside: pd.DataFrame = field(default_factory=pd.DataFrame)


_PERCENT_KINDS = {"share-agreeing", "share-reporting", "share-of-councils", "share-of-posts", "share-of-working-time"}
_BOUND_TIP = {"over": 1, "under": -1}   # an arrow up from a lower bound, down from an upper one


def _axis_title(kind: str) -> str:
    return "Per cent" if kind in _PERCENT_KINDS else KIND_LABEL.get(kind, kind).capitalize()


def _y_scale(kind: str, rows: pd.DataFrame):
    if kind in _PERCENT_KINDS:
        return altair.Scale(domain=[0, 100]), "datum.label + '%'"
    if kind == "mean-score-0-10":
        return altair.Scale(domain=[0, 10]), "datum.label"
    return altair.Scale(domainMin=0, nice=True), "datum.label"


def _words_block(lines: list[tuple[str, str]], width: int, wrap_at: int, charted: bool = True):
    """The values not on any axis, in their own words, as text under the panels (in the SVG and the page alike)."""
    out = []
    for heading, sentence in lines:
        if heading:
            out.append({"text": heading, "bold": True})
        for n, part in enumerate(wrap(sentence, int(width / 5.9))):
            out.append({"text": ("• " if n == 0 else "  ") + part, "bold": False})
    data = pd.DataFrame(out).reset_index().rename(columns={"index": "row"})
    y = altair.Y("row:Q", axis=None, scale=altair.Scale(domain=[-0.2, len(data)], reverse=True, nice=False))
    base = altair.Chart(data).encode(x=altair.value(0), y=y, text="text:N")
    words = altair.layer(
        base.transform_filter("datum.bold").mark_text(align="left", baseline="top", fontSize=10, fontWeight="bold",
                                                       color="#0b0c0c"),
        base.transform_filter("!datum.bold").mark_text(align="left", baseline="top", fontSize=10, color="#0b0c0c"))
    return words.properties(width=width, height=14 * len(data), view=altair.ViewBackground(stroke=None),
                            title=altair.TitleParams("Not on these axes: other kinds of measure, in their own words"
                                                     if charted else "No two sources here measure the same thing "
                                                     "the same way: each value in its own words",
                                                     anchor="start", fontSize=11, fontWeight="bold"))


def timeline(frame: pd.DataFrame, *, alt: str, note: str, width: int = 430, wrap_at: int = 60) -> Figure:
    """Each indicator's linked values on a fieldwork-year axis, one small panel per indicator.

    `frame` is `swsurveys.crosswalk.linked()` output. A panel holds only the
    values of its indicator's own kind and direction (`place` "axis"), and only
    where at least two sources give one; everything else — another kind of
    quantity, a question asked the other way round, an indicator with a single
    source — is written under the panels in its own words (and returned as
    `beside`), never drawn as a point. Colour names who answered, marker shape
    the comparability rating; a printed bound ("over 50 percent") is an open
    marker with an arrow and its words. The year axis spans only the years
    that have plotted values.
    """
    if "place" not in frame.columns:
        raise ValueError("timeline() needs linked values placed on their axes: pass swsurveys.crosswalk.linked() "
                         "output (its `place` column says which are drawn)")
    on_axis = frame[frame["place"] == "axis"]
    # The legends name only who and what is drawn (each keeps its house colour and shape).
    colours = {p: c for p, c in zip(POPULATION.values(), PALETTE) if p in set(on_axis["population"])}
    shapes = {COMPARABILITY_LABEL[c]: _SHAPES[c] for c in COMPARABILITY
              if COMPARABILITY_LABEL[c] in set(on_axis["comparability_label"])}
    colour = altair.Color("population:N", title="Who answered", sort=list(colours),
                          scale=altair.Scale(domain=list(colours), range=list(colours.values())),
                          legend=altair.Legend(orient="top", direction="vertical", labelLimit=0))
    shape = altair.Shape("comparability_label:N", title="Comparability", sort=list(shapes),
                         scale=altair.Scale(domain=list(shapes), range=list(shapes.values())),
                         legend=altair.Legend(orient="top", direction="vertical"))
    years = sorted(set(on_axis["year"]))
    domain = [years[0] - 0.6, years[-1] + 0.9] if years else [2009, 2021]
    groups = list(on_axis.groupby("indicator", sort=False))
    panels = []
    for number, (indicator, rows) in enumerate(groups, start=1):
        x = altair.X("year:Q", title="Fieldwork year" if number == len(groups) else None,
                     scale=altair.Scale(domain=domain, nice=False),
                     axis=altair.Axis(values=years, format="d", grid=False, labelOverlap=False, labelFontSize=11))
        kind = rows["kind"].iloc[0]
        scale, label = _y_scale(kind, rows)
        y = altair.Y("value:Q", title=_axis_title(kind), scale=scale, axis=altair.Axis(tickCount=3, labelExpr=label))
        data = rows[["year", "value", "shown", "source", "population", "comparability_label", "lines", "bound"]].copy()
        reach = (scale.domain[1] if scale.domain is not altair.Undefined else data["value"].max()) / 8
        data["tip"] = data["value"] + data["bound"].map(_BOUND_TIP).fillna(0) * reach
        base = altair.Chart(data)
        exact, bounded = "datum.bound == ''", "datum.bound != ''"
        tooltip = [altair.Tooltip("source:N", title="Source"), altair.Tooltip("shown:N", title="Value"),
                   altair.Tooltip("population:N", title="Who answered"),
                   altair.Tooltip("comparability_label:N", title="Comparability"),
                   altair.Tooltip("lines:N", title="Source line(s)")]
        layers = [
            base.transform_filter(exact).mark_point(size=110, filled=True, opacity=1)
            .encode(x=x, y=y, color=colour, shape=shape, tooltip=tooltip),
            # A printed bound: an open marker at the bound and an arrow the way the true value lies.
            base.transform_filter(bounded).mark_rule(strokeWidth=1.5).encode(x=x, y=y, y2="tip:Q", color=colour),
            base.transform_filter(bounded).mark_point(size=110, filled=False, strokeWidth=2, opacity=1)
            .encode(x=x, y=y, color=colour, shape=shape, tooltip=tooltip),
            base.transform_filter(bounded).mark_point(shape="triangle", size=40, filled=True, opacity=1)
            .encode(x=x, y="tip:Q", color=colour),
            base.mark_text(align="left", dx=9, fontSize=10).encode(x=x, y=y, text="shown:N"),
        ]
        panel = altair.layer(*layers).properties(
            width=width, height=90,
            title=altair.TitleParams(wrap(indicator, wrap_at), anchor="start", fontSize=12, fontWeight="bold"))
        panels.append(panel)
    beside = frame[frame["place"] != "axis"]
    lines = []
    for indicator, rows in beside.groupby("indicator", sort=False):
        heading = indicator + (": beside its chart above" if indicator in set(on_axis["indicator"]) else
                               ": no chart, one source of its kind")
        for n, r in enumerate(rows.sort_values("place", ascending=False, kind="stable").itertuples()):
            lines.append(("" if n else heading, r.says + (f" ({r.why})" if r.why else "")))
    if lines:
        panels.append(_words_block(lines, width, wrap_at, charted=bool(panels)))
    chart = (altair.vconcat(*panels, spacing=18).resolve_scale(color="shared", shape="shared") if panels
             else altair.Chart(pd.DataFrame({"x": []})).mark_text())
    return TimelineFigure(chart, alt, note, on_axis.copy(), beside=beside.copy())
