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

import functools
import html
import inspect
import json
import re
import textwrap
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields, replace
from itertools import count
from pathlib import Path

import altair
import pandas as pd
import vl_convert

from swbook.mime import DEFERRED_MIME, FIGURE_MIME, ROW_COLUMNS, deferring

from . import corrections, figurecache, printfit, svgcache
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
# The chart is re-laid out, never scaled: under NARROW px the narrow spec (wrapped labels,
# fewer ticks, stacked panels) is drawn; either spec's plot widths are then widened or
# narrowed so the whole chart takes the container's width, and it is redrawn on resize.
_DRAW = """(function () {
  var id = "IDENT", w = window, drawn = 0, busy = false, again = 0;
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
  function spec(narrow) {
    var el = document.querySelector('script.sw-spec[data-for="' + id + '"][data-narrow="' + narrow + '"]')
      || document.querySelector('script.sw-spec[data-for="' + id + '"]');
    return JSON.parse(el.textContent);
  }
  // Adds `by` px to every plot width (shared among side-by-side panels), never below 120 px.
  function widen(node, by) {
    if (!node || typeof node !== "object") return;
    var columns = (node.usermeta && node.usermeta.columns) || 1;
    if (typeof node.width === "number") node.width = Math.max(120, Math.round(node.width + by / columns));
    if (node.spec) widen(node.spec, by / columns);
    (node.vconcat || []).forEach(function (n) { widen(n, by); });
    (node.params || []).forEach(function (p) {
      if (p.name === "plot_width") p.value = Math.max(120, Math.round(p.value + by / columns));
    });
  }
  function natural(target) {
    var svg = target.querySelector("svg");
    return svg ? parseFloat(svg.getAttribute("width")) : 0;
  }
  // The chart is drawn into an inner box (vega-embed makes its target shrink to the chart),
  // so the outer box's width is the room the page gives it.
  function draw() {
    var host = document.getElementById(id), room = host.clientWidth;
    if (!room || room === drawn || busy) return Promise.resolve();
    var target = host.querySelector(".sw-plot");
    if (!target) { target = document.createElement("div"); target.className = "sw-plot"; host.appendChild(target); }
    busy = true; drawn = room;
    var s = spec(room < NARROW), opts = { renderer: "svg", actions: false };
    return w.vegaEmbed(target, s, opts).then(function (result) {
      var by = room - natural(target);
      if (Math.abs(by) < 2) return result;
      result.finalize(); widen(s, by);
      return w.vegaEmbed(target, s, opts).then(function (again) {
        var over = natural(target) - room;
        if (over <= 1) return again;
        again.finalize(); widen(s, -over);   // text that cannot shrink (a legend, a title) took more room
        return w.vegaEmbed(target, s, opts);
      });
    }).then(function () {
      host.dataset.drawn = "true"; host.dataset.layout = room < NARROW ? "narrow" : "wide"; busy = false;
      // The page may have moved as the chart grew (a scroll bar came): fit once more, not for ever.
      if (host.clientWidth !== drawn && again++ < 2) return draw();
    }, function (error) { busy = false; throw error; });
  }
  w.swVega.then(function () {
    var timer;
    w.addEventListener("resize", function () {
      clearTimeout(timer); timer = setTimeout(function () { again = 0; draw().catch(fail); }, 150);
    });
    return draw();
  }).catch(fail);
})();"""
# Below this container width (px) a chart is drawn from its narrow spec.
NARROW = 600


def _script_json(value) -> str:
    """JSON for a <script> element: no "<" in it, so no value can end or confuse the element."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).replace("<", "\\u003c")


def with_note(svg: str, note: str, size_px: float = 10) -> str:
    """The SVG with the source note printed under the chart, so an image alone keeps it (as in Quarto's PDF)."""
    size = re.search(r'<svg[^>]*?width="([\d.]+)"[^>]*?height="([\d.]+)"', svg)
    if not size or not note:
        return svg
    width, height = float(size.group(1)), float(size.group(2))
    leading = round(size_px * 1.35, 1)
    lines = textwrap.wrap(note, max(40, int(width / (size_px * 0.52))))  # about 0.52 em per character
    extra = leading * len(lines) + size_px * 0.8
    texts = "".join(
        f'<text x="5" y="{height + leading * (i + 1):g}">{html.escape(line, quote=False)}</text>'
        for i, line in enumerate(lines)
    )
    note_group = (
        f'<g class="source-note" font-family="{html.escape(PRINT_FONT if size_px == PRINT_TYPE else FONT)}" '
        f'font-size="{size_px:g}" fill="#3d3d3d">{texts}</g>'
    )
    head = svg[: size.end()]
    head = head.replace(f'height="{size.group(2)}"', f'height="{height + extra:g}"', 1)
    rest = svg[size.end() :].replace(
        f'viewBox="0 0 {size.group(1)} {size.group(2)}"', f'viewBox="0 0 {size.group(1)} {height + extra:g}"', 1
    )
    rest = rest.replace(
        f'<rect width="{size.group(1)}" height="{size.group(2)}" fill="white"/>',
        f'<rect width="{size.group(1)}" height="{height + extra:g}" fill="white"/>',
        1,
    )
    return head + rest[: rest.rindex("</svg>")] + note_group + "</svg>"


# Print: the PDF places one SVG pixel as one point. Chart text is set at one size across the book and
# the rest of the drawing is scaled with it from the screen design (12 px type), then the plot areas
# are narrowed until the chart fits the A4 text block; nothing is shrunk afterwards.
PRINT_TYPE = 8  # points, for every label, title, legend and value in a printed chart
PRINT_WIDTH = 470  # points: the A4 text block (21 cm less 2 x 2.2 cm margins)
PRINT_HEIGHT = 580  # points: the A4 text block (700) less a caption (up to 3 lines) and a source note (up to 6)
PRINT_FONT = "Liberation Sans, Arial, Helvetica, sans-serif"  # the book's sans (see templates/book.typ)
_SCREEN_TYPE = 12
_SIZE_KEYS = {
    "width",
    "height",
    "step",
    "dx",
    "dy",
    "labelPadding",
    "titlePadding",
    "spacing",
    "offset",
    "symbolSize",
    "strokeWidth",
    "padding",
    "size",
}


def _for_print(node, scale: float, widths: float, heights: float = 1.0):
    """A copy of a spec with every font size at PRINT_TYPE and every length scaled (widths, heights more)."""
    if isinstance(node, list):
        return [_for_print(item, scale, widths, heights) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key.endswith("ontSize") or key == "fontSize":
            out[key] = PRINT_TYPE
        elif key in ("font", "labelFont", "titleFont") and isinstance(value, str):
            out[key] = PRINT_FONT
        elif key in _SIZE_KEYS and isinstance(value, (int, float)) and not isinstance(value, bool):
            factor = scale * scale if key in ("size", "symbolSize") else scale  # areas scale as the square
            factor *= widths if key == "width" else heights if key in ("height", "step") else 1
            out[key] = round(value * factor, 1)
        elif key in ("data", "datasets"):
            out[key] = value  # the plotted values are never rescaled
        else:
            out[key] = _for_print(value, scale, widths, heights)
    return out


def _two_columns(spec: dict) -> dict:
    """A tall stack of small panels (a timeline) set two to a row, the words under them kept full width."""

    def words(item):
        title = item.get("title", {})
        text = title.get("text", "") if isinstance(title, dict) else title
        return isinstance(text, str) and text.startswith(("Not on these axes", "No two sources"))

    panels = [item for item in spec["vconcat"] if not words(item)]
    rest = [item for item in spec["vconcat"] if words(item)]
    return {**spec, "vconcat": [{"concat": panels, "columns": 2, "spacing": 24}] + rest}


def _svg_size(svg: str) -> tuple[float, float]:
    size = re.search(r'<svg[^>]*?width="([\d.]+)"[^>]*?height="([\d.]+)"', svg)
    return (float(size.group(1)), float(size.group(2))) if size else (0.0, 0.0)


def _code_digest() -> str:
    """A digest of this module's code: a drawing cached by an older print layout is never reused."""
    import hashlib

    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


_PRINT_CODE = _code_digest()


def print_drawing(spec: dict, note: str, cache: str | None = None, draw: bool = True) -> str | None:
    """A spec drawn for print with its source note under it (see `Figure.svg`).

    Drawing is most of a chapter's time, so each drawing is kept by the hash of
    its spec and of the print code (`svgcache`, in the folder `cache` when
    given): after a fix, only the figures whose data or style changed are drawn
    again, and those keep the print layout found for them while it still fits
    (see `print_svg`). With `draw=False`, only a drawing kept from before is
    given (None if there is none).
    """
    folder = Path(cache) if cache else svgcache.folder()
    if draw:
        drawn = svgcache.draw(spec, lambda s: print_svg(s, folder / "layouts"), variant=_PRINT_CODE, where=folder)
    else:
        drawn = svgcache.kept(spec, variant=_PRINT_CODE, where=folder)
    return None if drawn is None else with_note(drawn, note, PRINT_TYPE)


@dataclass(frozen=True)
class PrintLayout:
    """The knobs `print_svg` turns to fit a chart to the page, as it left them."""

    two_columns: bool = False  # a stack of small panels set two to a row
    wrap: int = 0  # long labels wrapped afresh at this many characters (0: as the chart wraps them)
    heights: float = 1.0  # rows packed to this share of their height
    widths: float = 1.0  # plot areas narrowed to this share of their width


def _drawn(spec: dict, layout: PrintLayout) -> str:
    """The spec drawn at print size with `layout` (one vl-convert drawing)."""
    if layout.two_columns:
        spec = _two_columns(spec)
    if layout.wrap:
        spec = _rewrap(spec, layout.wrap)
    return vl_convert.vegalite_to_svg(_for_print(spec, PRINT_TYPE / _SCREEN_TYPE, layout.widths, layout.heights))


class _Drawings:
    """The drawings of one chart's layout search, each layout drawn once however often the search asks for it."""

    def __init__(self, spec: dict) -> None:
        self.spec, self.made = spec, {}

    def __call__(self, layout: PrintLayout) -> str:
        if layout not in self.made:
            self.made[layout] = _drawn(self.spec, layout)
        return self.made[layout]


def _fit_width(draw: _Drawings, layout: PrintLayout) -> tuple[str, PrintLayout]:
    """The chart drawn with its plot areas narrowed until it fits PRINT_WIDTH, and the layout that did it.

    The plots are never narrowed below half their width: past that a plot is
    a strip, and a chart still too wide needs its labels wrapped narrower (the
    PDF test names it).
    """
    layout = replace(layout, widths=1.0)
    svg = draw(layout)
    for _ in range(8):
        width = _svg_size(svg)[0]
        if width <= PRINT_WIDTH or layout.widths <= 0.5:
            break
        # the labels keep their width
        layout = replace(layout, widths=max(0.5, layout.widths * (1 - (width - PRINT_WIDTH) / width - 0.05)))
        svg = draw(layout)
    return svg, layout


def _close_rows(draw: _Drawings, layout: PrintLayout) -> tuple[str, PrintLayout]:
    """The chart drawn with its rows packed closer, step by step, until it fits PRINT_HEIGHT
    or until one more step would make two of its texts print over each other."""
    svg, best = _fit_width(draw, replace(layout, heights=1.0))
    if _svg_size(svg)[1] <= PRINT_HEIGHT:
        return svg, best
    full = svg  # texts this drawing already sets tight are not the rows' doing, but may come no closer
    for heights in (0.9, 0.8, 0.7, 0.6, 0.5):
        trial, tried = _fit_width(draw, replace(layout, heights=heights))
        if printfit.closer(trial, full):
            break
        svg, best = trial, tried
        if _svg_size(svg)[1] <= PRINT_HEIGHT:
            break
    return svg, best


def _rewrap(node, width: int, in_data: bool = False):
    """A copy of a spec whose wrapped labels ("a|b" in the data, the sort orders and the domains) wrap at `width`.

    Only values are rewrapped, never expressions (the axes split labels with
    `split(datum.label, '|')`), and every copy of a label changes alike, so
    the sort orders still name the data's labels.
    """
    if isinstance(node, str):
        return _lines(node.replace("|", " "), width) if in_data and "|" in node else node
    if isinstance(node, list):
        return [_rewrap(item, width, in_data) for item in node]
    if not isinstance(node, dict):
        return node
    return {
        key: _rewrap(value, width, in_data or key in ("datasets", "values", "sort", "domain"))
        for key, value in node.items()
    }


def _longest_line(node) -> int:
    """The longest line of any wrapped label ("a|b") among the values of a spec's data (0 when none is)."""
    if isinstance(node, str):
        return max(len(line) for line in node.split("|")) if "|" in node else 0
    values = node.values() if isinstance(node, dict) else node if isinstance(node, list) else []
    return max((_longest_line(item) for item in values), default=0)


def print_svg(spec: dict, layouts: Path | None = None) -> str:
    """The spec drawn for print: text at PRINT_TYPE points, no wider than PRINT_WIDTH (plot areas narrowed).

    A chart taller than PRINT_HEIGHT has a stack of small panels set two to a
    row, then its rows packed closer as long as no two texts touch; if it is
    still too tall, its long labels are wrapped afresh (a little narrower, then
    wider: fewer lines a row, the plot a little narrower) and its rows packed
    again. That search can take a dozen drawings, so the layout it found is
    kept in the folder `layouts` under the chart's shape (its spec with the
    numbers of its data left out); a chart of that shape with other values (a
    fixed value) is drawn once with that layout, and searched afresh only if the
    drawing no longer fits or sets texts closer than the layout as designed.
    """
    path = layouts / f"{_shape_key(spec)}.json" if layouts else None
    kept = _kept_layout(path)
    if kept is not None:
        layout, reference, fitted = kept
        svg = _drawn(spec, layout)
        width, height = _svg_size(svg)
        if width <= PRINT_WIDTH and (height <= PRINT_HEIGHT or not fitted) and not printfit.closer(svg, reference):
            return svg
    svg, layout, reference = _search_layout(spec)
    _keep_layout(path, layout, reference, fitted=_svg_size(svg)[1] <= PRINT_HEIGHT)
    return svg


def _search_layout(spec: dict) -> tuple[str, PrintLayout, str]:
    """The drawing `print_svg` describes, the layout it has, and the layout as designed (the reference)."""
    draw = _Drawings(spec)
    layout = PrintLayout()
    if len(spec.get("vconcat", [])) > 3 and _svg_size(_fit_width(draw, layout)[0])[1] > PRINT_HEIGHT:
        layout = replace(layout, two_columns=True)
    svg, best = _close_rows(draw, layout)
    reference = _fit_width(draw, layout)[0]  # the layout as designed: a rewrapped one may set no text closer
    longest = _longest_line(spec.get("datasets", {}))
    # Narrower first: a label of two lines in place of three can let every row close up; then wider.
    for wider in (0.85, 1.3, 1.6, 2.0):
        if _svg_size(svg)[1] <= PRINT_HEIGHT or not longest:
            break
        trial, tried = _close_rows(draw, replace(layout, wrap=int(longest * wider)))
        if (
            _svg_size(trial)[1] < _svg_size(svg)[1]
            and _svg_size(trial)[0] <= PRINT_WIDTH
            and not printfit.closer(trial, reference)
        ):
            svg, best = trial, tried
    return svg, best, reference


def _shape_key(spec: dict) -> str:
    """A digest of a chart's shape: its spec with the numbers, digits and flags of its data masked and its
    rows in a fixed order (and Altair's data names, which hash the rows, numbered), so a fixed value leaves
    it unchanged."""
    import hashlib

    names: dict[str, str] = {}

    def rename(text: str) -> str:
        return re.sub(r"data-[0-9a-f]{32}", lambda found: names.setdefault(found.group(0), f"data-{len(names)}"), text)

    # Named in the order the chart uses them (the datasets' own order is their hashes'); the alt text is not drawn.
    body = rename(json.dumps({k: v for k, v in spec.items() if k not in ("datasets", "description")}, sort_keys=True))
    shaped = {**json.loads(body), "datasets": json.loads(rename(json.dumps(spec.get("datasets", {}), sort_keys=True)))}

    def masked(node):
        if node is None:
            return node
        if isinstance(node, (bool, int, float)):  # a flag made from the values too (a label above or below)
            return 0
        if isinstance(node, str):
            return re.sub(r"\d", "0", node)
        if isinstance(node, list):
            return [masked(item) for item in node]
        return {key: masked(value) for key, value in node.items()}

    # Rows sorted by the values come in another order: the shape is the set of masked rows.
    shaped["datasets"] = {
        name: sorted(masked(rows), key=lambda row: json.dumps(row, sort_keys=True)) if isinstance(rows, list) else rows
        for name, rows in shaped.get("datasets", {}).items()
    }
    text = json.dumps(shaped, sort_keys=True)
    return hashlib.sha256(f"{getattr(vl_convert, '__version__', '')}\0{_PRINT_CODE}\0{text}".encode()).hexdigest()


def _kept_layout(path: Path | None) -> tuple[PrintLayout, str, bool] | None:
    if path is None:
        return None
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
        return PrintLayout(**kept["layout"]), kept["reference"], bool(kept["fitted"])
    except (OSError, ValueError, TypeError, KeyError):
        return None  # none kept (or not as this code writes it): search


def _keep_layout(path: Path | None, layout: PrintLayout, reference: str, fitted: bool) -> None:
    if path is None:
        return
    svgcache.keep_text(path, json.dumps({"layout": asdict(layout), "reference": reference, "fitted": fitted}))


def screen(spec: dict, smallest: int = 12) -> dict:
    """A copy of `spec` for the screen: no text smaller than `smallest` px (the print SVG keeps its own sizes)."""

    def lift(node):
        if isinstance(node, dict):
            return {
                k: (max(v, smallest) if k.endswith("ontSize") and isinstance(v, (int, float)) else lift(v))
                for k, v in node.items()
            }
        if isinstance(node, list):
            return [lift(v) for v in node]
        return node

    return lift(spec)


def house_config() -> dict:
    """Vega-Lite config: plain axes, no chart junk, readable type."""
    return {
        "font": FONT,
        "background": "white",
        "view": {"stroke": None},
        "axis": {
            "labelFontSize": 12,
            "titleFontSize": 12,
            "labelColor": "#0b0c0c",
            "titleColor": "#0b0c0c",
            "domainColor": "#6f777b",
            "tickColor": "#6f777b",
            "gridColor": "#e5e5e5",
            "titleFontWeight": "normal",
        },
        "legend": {
            "labelFontSize": 12,
            "titleFontSize": 12,
            "orient": "top",
            "titleFontWeight": "normal",
            "labelLimit": 0,
        },
        "header": {"labelFontSize": 12, "titleFontSize": 12},
        "range": {"category": PALETTE},
        "text": {"fontSize": 11, "color": "#0b0c0c"},
    }


_published = format_month  # the name a chapter still calls


_CODE = re.compile(r"^\s*(Q\d+[a-z]?)\b")


def _base_for(base: str, frame: pd.DataFrame) -> str:
    """The base, without its sentences about questions the figure does not draw ("Q3: newly qualified only")."""
    drawn = {
        m.group(1) for q in frame.get("question", pd.Series(dtype=str)).dropna().astype(str) if (m := _CODE.match(q))
    }
    sentences = [x.strip() for x in re.split(r"(?<=\.)\s+", str(base)) if x.strip()]
    kept = [x for x in sentences if not ((m := re.match(r"(Q\d+[a-z]?):", x)) and m.group(1) not in drawn)]
    return " ".join(kept)


def _where(table: dict) -> str:
    pages = str(table.get("page", "") or "")
    return ", ".join(
        x
        for x in (
            table.get("number") or table.get("title", ""),
            f"{'pages' if '-' in pages else 'page'} {pages}" if pages else "",
            f"lines {table.get('lines', '')}" if table.get("lines") else "",
        )
        if x
    )


def source_note(frame: pd.DataFrame, *more: pd.DataFrame, base: str | None = None) -> str:
    """The line under a figure: the report's short title, then each table's number, page and lines, and the base.

    Built from the metadata that `swsurveys.load` attaches to each frame. The
    report is named once however many of its tables the figure draws; the
    base keeps only what applies to the questions drawn.
    """
    frames = (frame, *more)
    survey = frame.attrs.get("survey", {})
    text = (
        f"Source: {survey.get('short_title') or survey.get('title', '')} "
        f"({survey.get('publisher', '')}, {_published(survey.get('published', ''))})"
    )
    places = [_where(f.attrs["table"]) for f in frames if f.attrs.get("table")]
    if places:
        text += ": " + "; ".join(dict.fromkeys(places))
    text += "."
    if base is None:
        bases = [_base_for(f.attrs["table"].get("base", "") or "", f) for f in frames if f.attrs.get("table")]
        base = "; ".join(b.rstrip(".") for b in dict.fromkeys(bases) if b)
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
    narrow: altair.TopLevelMixin | Callable[[], altair.TopLevelMixin] | None = None  # or what makes it
    _specs: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    _keep_as: str | None = field(default=None, init=False, repr=False, compare=False)  # see `figurecache`

    def spec(self, narrow: bool = False) -> dict:
        """The Vega-Lite spec with the house style applied (built once; the HTML and the SVG share the wide one).

        `narrow=True` gives the phone layout (wrapped labels, fewer ticks,
        stacked panels) where the helper made one, else the wide spec.
        """
        if narrow and narrow not in self._specs:
            if self.narrow is None:  # no phone layout: the wide one serves
                narrow = False
            elif callable(self.narrow):  # the phone layout is laid out when first asked for
                self.narrow = self.narrow()
        if narrow not in self._specs:
            # Schema validation is most of altair's cost; the helpers' specs are validated once in the tests.
            spec = (self.narrow if narrow else self.chart).to_dict(validate=False)
            spec["config"] = {**house_config(), **spec.get("config", {})}
            spec["description"] = self.alt
            self._specs[narrow] = spec
        return self._specs[narrow]

    def svg(self) -> str:
        """The chart drawn for print, as a standalone SVG (vector) image with its source note under it.

        One SVG pixel is placed as one point, so every text lands at `PRINT_TYPE`
        points; the chart is re-laid out (not shrunk) to fit the text block.
        """
        return print_drawing(self.spec(), self.note)

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
        draw = _DRAW.replace("IDENT", ident).replace("BUNDLE", VEGA_BUNDLE).replace("NARROW", str(NARROW))
        return (
            f'<div class="sw-chart" id="{ident}" role="img" aria-label="{html.escape(self.alt, quote=True)}">'
            f"<noscript>This chart needs JavaScript; its values are in the data table.</noscript></div>\n"
            f'<script type="application/json" class="sw-spec" data-for="{ident}" data-narrow="false">'
            f"{_script_json(screen(self.spec()))}</script>\n"
            f'<script type="application/json" class="sw-spec" data-for="{ident}" data-narrow="true">'
            f"{_script_json(screen(self.spec(narrow=True), smallest=11))}</script>\n"
            f'<script type="application/json" class="sw-data" data-for="{ident}">{_script_json(self.rows())}</script>\n'
            f"<script>{draw}</script>\n"
            f'<p class="source-note">{escape_html(self.note)}</p>' + self._notices_html()
        )

    def notices(self) -> list[dict]:
        """The corrections logged for values this figure plots (shown beside it, see `swsurveys.corrections`)."""
        return corrections.matching(self.data) if {"survey", "table"} <= set(self.data.columns) else []

    def _notices_html(self) -> str:
        return "".join(
            f'\n<p class="correction-notice" role="note" data-correction="{corrections.anchor(c)}">'
            f"<strong>{escape_html(corrections.heading(c))}</strong> {escape_html(corrections.detail(c))}</p>"
            for c in self.notices()
        )

    def _print_output(self) -> dict:
        """The print SVG, or under swbook how to draw it (swbook draws it only when it writes a PDF).

        A drawing made by an earlier build is given as it is, so a rebuild whose figures are all
        drawn starts no drawing processes.
        """
        if not deferring():
            return {"image/svg+xml": self.svg()}
        drawn = print_drawing(self.spec(), self.note, draw=False)
        if drawn is not None:
            return {"image/svg+xml": drawn}
        kwargs = {"spec": self.spec(), "note": self.note, "cache": str(svgcache.folder())}
        return {DEFERRED_MIME: {"image/svg+xml": {"call": f"{__name__}:print_drawing", "kwargs": kwargs}}}

    def _kept(self) -> Figure:
        """This figure as `figurecache` keeps it: its specs made, without the Altair charts they came from."""
        self.spec(), self.spec(narrow=True)
        kept = replace(self, chart=None, narrow=None)
        kept._specs = dict(self._specs)
        return kept

    def _repr_mimebundle_(self, include=None, exclude=None):
        if self._keep_as is not None:  # built by a helper just now: kept for the next build
            figurecache.keep(self._keep_as, self._kept())
            self._keep_as = None
        rows = self.rows()
        return {
            "text/html": self.html(),
            **self._print_output(),
            FIGURE_MIME: {
                "alt": self.alt,
                "source_note": self.note,
                "observations": rows,
                "notices": [
                    [corrections.heading(c), corrections.detail(c), corrections.anchor(c)] for c in self.notices()
                ],
            },
            "text/plain": f"<Figure: {self.alt}>",
        }


def wrap(text: str, width: int = 48) -> list[str]:
    """Split a long label into lines for an axis."""
    return textwrap.wrap(str(text), width) or [""]


# Labels wrap this narrow on a phone, so the bars keep most of the width.
NARROW_WRAP = 22
# On a phone a label sits above its bar and wraps this wide, so the bar takes the whole width.
ABOVE_WRAP = 44
_LINE, _BAR = 15, 18  # px per label line (12 px type) and bar height in that layout
# A value label is drawn inside a segment only when the segment is at least this wide (px).
_LABEL_ROOM = 30


def _lines(text, wrap_at: int) -> str:
    """A label as wrapped lines joined by "|" (split again by the axis' labelExpr)."""
    return "|".join(wrap(" ".join(str(text).split()), wrap_at))


def _plain(text) -> str:
    return " ".join(str(text).split())


def responsive(helper=None, **phone):
    """Make a figure helper also build its phone layout: the same call with `narrow=True`, made when first asked for.

    On a phone the helper's `width` and `wrap_at` are the phone's sizes
    (`@responsive(width=…, wrap_at=…)`; labels above 300 px wide bars unless
    given), whatever the chapter passed for the wide page.
    """
    if helper is None:
        return functools.partial(responsive, **phone)
    sizes = phone or {"width": 300, "wrap_at": ABOVE_WRAP}

    @functools.wraps(helper)
    def both(*args, **kwargs):
        if kwargs.get("narrow"):
            return helper(*args, **{**kwargs, **sizes})
        # In a book build a chapter only shows its figures, so one built before may serve (`figurecache`);
        # elsewhere the caller gets the Altair chart itself (`figure.chart`).
        digest = figurecache.key(f"{helper.__module__}.{helper.__qualname__}", args, kwargs) if deferring() else None
        kept = figurecache.lookup(digest) if digest else None
        if kept is not None:
            return kept
        figure = helper(*args, **kwargs)
        if figure.narrow is None:
            figure.narrow = lambda: helper(*args, **{**kwargs, **sizes, "narrow": True}).chart
        figure._keep_as = digest
        return figure

    return both


def _source_of(survey: str, table: str, line) -> str:
    """Where a value is printed, for its tooltip: short title, table number, line."""
    from .catalogue import survey as survey_row
    from .catalogue import table_info

    try:
        short = survey_row(survey)["short_title"]
        info = table_info(survey, table)
        where = info.get("number") or info.get("title") or table
    except KeyError:
        short, where = survey, table
    return f"{short}, {where}" + (f", line {int(line)}" if pd.notna(line) and str(line) != "" else "")


def _printed(row, percent: bool) -> str:
    """The value as the source printed it (its own precision), with its unit."""
    printed = str(getattr(row, "printed", "") or "").strip()
    if printed in ("", "nan", "None"):
        return row.shown
    if percent and not printed.endswith("%") and re.fullmatch(r"[\d.,]+", printed):
        return printed + "%"
    return printed


def _tips(data: pd.DataFrame, label: str, percent: bool, group: str | None = None) -> pd.DataFrame:
    """Adds the tooltip fields: what (statement or category), group, value as printed, source and line."""
    data = data.copy()
    data["tip_what"] = data[label].map(_plain)
    data["tip_group"] = data[group].map(_plain) if group else ""
    data["tip_value"] = [_printed(r, percent) for r in data.itertuples()]
    has = {"survey", "table", "line"} <= set(data.columns)
    data["tip_source"] = [_source_of(r.survey, r.table, r.line) for r in data.itertuples()] if has else ""
    return data


TIP_COLUMNS = ["tip_what", "tip_group", "tip_value", "tip_source"]


def _tooltip(what: str, group: str | None = None) -> list:
    """The tooltip every helper shows: what it is, the group, the printed value, where it is printed."""
    tips = [altair.Tooltip("tip_what:N", title=what)]
    if group:
        tips.append(altair.Tooltip("tip_group:N", title=group))
    return tips + [
        altair.Tooltip("tip_value:N", title="Value as printed"),
        altair.Tooltip("tip_source:N", title="Source"),
    ]


def _title(title: str, narrow: bool):
    """An axis title in lines that fit the plot (a long one would set the chart's width)."""
    if not title:
        return None
    lines = wrap(title, 40 if narrow else 72)
    return lines if len(lines) > 1 else lines[0]


# Panel titles wrap to about the plot's width (the bars' column) at 12 px bold.
PANEL_WRAP, NARROW_PANEL_WRAP = 60, 40


def _value_axis(percent: bool, title, narrow: bool, **extra):
    """A value axis whose tick labels never collide: few ticks, overlapping ones dropped."""
    return altair.Axis(
        format=".0f",
        labelExpr="datum.label + '%'" if percent else "datum.label",
        tickCount=3 if narrow else 5,
        labelOverlap="greedy",
        labelFlush=True,
        **extra,
    )


def _value_x(percent: bool, title, narrow: bool):
    """The value scale of bars: from zero, to a round number past the largest bar."""
    return altair.X(
        "value:Q",
        title=_title(title, narrow),
        scale=altair.Scale(domainMin=0, nice=True),
        axis=_value_axis(percent, title, narrow),
    )


def _label_axis(**extra):
    return altair.Axis(labelExpr="split(datum.label, '|')", labelLimit=0, ticks=False, labelPadding=6, **extra)


def _rows_above(lines: int, bar: int = _BAR):
    """The phone layout of a bar chart's rows: each label above its bar, left-aligned over the plot.

    Returns the y axis, the row step and the y offset that moves a bar (and its
    value label) to the foot of its row, under its label.
    """
    step = lines * _LINE + bar + 22  # air between a bar and the next row's label, however many lines it has
    shift = step / 2 - bar / 2 - 4
    # The label's last line sits just above its bar, so a short label never floats between two bars.
    return _above_axis(shift - bar / 2 - 3), step, shift


def _above_axis(last_line: float):
    """A y axis with each label left-aligned above its row, its last line `last_line` px below the row's middle."""
    return altair.Axis(
        labelExpr="split(datum.label, '|')",
        labelLimit=0,
        ticks=False,
        domain=False,
        labelAlign="left",
        labelBaseline="bottom",
        labelPadding=-4,  # a little in from the frame
        labelOffset=altair.ExprRef(f"{last_line:g} - {_LINE} * (length(split(datum.label, '|')) - 1)"),
        labelLineHeight=_LINE,
    )


def _layout(narrow: bool, lines: int, wide_step: float, band: float = 0.7):
    """Rows of a bar chart: labels left of the bars (wide) or above them (narrow).

    Returns the y axis, the row step, the bar mark's height and the offset
    encoding that every mark of a row shares.
    """
    if narrow:
        axis, step, shift = _rows_above(lines)
        return axis, step, {"height": _BAR, "yOffset": shift}, {"yOffset": shift}
    return _label_axis(), wide_step, {"height": {"band": band}}, {}


def _zero_line(base, y, narrow: bool, shift: dict):
    """The line at zero: full height beside labels; on a phone a short tick at each bar, clear of the labels above."""
    if narrow:
        return base.mark_tick(color="#0b0c0c", thickness=1, size=_BAR + 6, **shift).encode(y=y, x=altair.datum(0))
    return altair.Chart(pd.DataFrame({"zero": [0]})).mark_rule(color="#0b0c0c").encode(x="zero:Q")


@dataclass(frozen=True)
class ChartOptions:
    """The options most figure helpers share, each taken as a keyword of the helper's call (`keyword_options`).

    `label` is the column that names each row; `width` the plot's width (px)
    on the wide page and `wrap_at` where its labels wrap (characters), both
    replaced by the phone's sizes when `narrow` asks for the phone layout
    (`responsive`); `note` is the source note (None: made from the frame).
    Each helper gives its own defaults.
    """

    label: str = "category"
    width: int = 360
    wrap_at: int = 44
    note: str | None = None
    narrow: bool = False

    def note_for(self, frame: pd.DataFrame) -> str:
        """The source note given, or else the one made from the sources of `frame`'s rows."""
        return self.note if self.note is not None else source_note(frame)


@dataclass(frozen=True)
class BarOptions(ChartOptions):
    """The options the bar helpers share: `ChartOptions`, and whether values are per cent and the value axis's title."""

    percent: bool = False
    title: str = ""


def keyword_options(kind: type = ChartOptions, **defaults):
    """Let a helper written as `helper(frame, *, …, options: kind)` be called with each field of `kind` as a keyword.

    `defaults` are this helper's own. help() and editors show the fields in
    the helper's signature, with those defaults; a keyword that is neither a
    field nor the helper's own is the usual TypeError naming the helper.
    """
    base = kind(**defaults)
    names = {f.name for f in fields(kind)}

    def wrap(helper):
        @functools.wraps(helper)
        def call(*args, **kwargs):
            options = replace(base, **{k: kwargs.pop(k) for k in names & set(kwargs)})
            return helper(*args, options=options, **kwargs)

        signature = inspect.signature(helper)
        own = [p for p in signature.parameters.values() if p.name != "options"]
        shared = [
            inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, default=getattr(base, f.name), annotation=f.type)
            for f in fields(kind)
        ]
        call.__signature__ = signature.replace(parameters=own + shared)
        return call

    return wrap


def describe_agreement(frame: pd.DataFrame, label: str = "question") -> str:
    """Alt text that reads out every plotted value, statement by statement."""
    parts = []
    for statement, rows in frame.sort_values("order").groupby(label, sort=False):
        values = {r.category: f"{r.value:g}%" for r in rows.itertuples() if r.category in ("Agree", "Disagree")}
        parts.append(
            f"{statement}: {values.get('Agree', 'not printed')} agree, {values.get('Disagree', 'not printed')} disagree"
        )
    return (
        f"Bar chart of the share of respondents agreeing (right) and disagreeing (left) with "
        f"{len(parts)} statement{'s' if len(parts) != 1 else ''}. " + "; ".join(parts) + "."
    )


@responsive
@keyword_options(ChartOptions, label="question", width=340, wrap_at=52)
def agree_disagree(
    frame: pd.DataFrame,
    *,
    alt: str | None = None,
    options: ChartOptions,
) -> Figure:
    """Diverging bars: agree to the right, disagree to the left, one row per statement.

    `frame` holds observations with `category` Agree/Disagree and `value` in
    per cent. The unprinted remainder (neutral, don't know, not stated) is
    left blank: it is not a published value.
    """
    data = frame[frame["category"].isin(["Agree", "Disagree"])].copy()
    data["statement"] = data[options.label].map(_plain)
    data["signed"] = data.apply(lambda r: -r["value"] if r["category"] == "Disagree" else r["value"], axis=1)
    data["shown"] = data["value"].map(lambda v: f"{v:g}%")
    data = _tips(data, "statement", True, "category")
    # Vega draws a multi-line axis label from an array: join wrapped lines with "|", split in labelExpr.
    data["statement"] = data["statement"].map(lambda t: _lines(t, options.wrap_at))
    order = list(dict.fromkeys(data.sort_values("order")["statement"]))
    chart_data = data[["statement", "category", "value", "signed", "shown"] + TIP_COLUMNS]
    lines = max(len(s.split("|")) for s in order)
    # Every row gets the height of the longest label, so wrapped labels never overlap.
    axis, step, bar, shift = _layout(options.narrow, lines, lines * 15 + 8)
    y = altair.Y("statement:N", sort=order, title=None, axis=axis)
    limit = max(100, float(data["value"].max()) + 15)
    x = altair.X(
        "signed:Q",
        title="Disagree ← per cent → Agree" if options.narrow else "Disagree ← per cent of respondents → Agree",
        scale=altair.Scale(domain=[-limit, limit]),
        axis=altair.Axis(
            labelExpr="abs(datum.value) + '%'",
            grid=True,
            labelOverlap="greedy",
            values=[-100, -50, 0, 50, 100] if options.narrow else [-100, -75, -50, -25, 0, 25, 50, 75, 100],
        ),
    )
    color = altair.Color(
        "category:N",
        title=None,
        scale=altair.Scale(domain=["Disagree", "Agree"], range=[DISAGREE, AGREE]),
        legend=altair.Legend(orient="top", direction="horizontal"),
    )
    base = altair.Chart(chart_data)
    tooltip = _tooltip("Statement", "Answer")
    bars = base.mark_bar(**bar).encode(y=y, x=x, color=color, tooltip=tooltip)
    left = (
        base.transform_filter("datum.signed < 0")
        .mark_text(**shift, align="right", baseline="middle", dx=-4)
        .encode(y=y, x=x, text="shown:N", tooltip=tooltip)
    )
    right = (
        base.transform_filter("datum.signed >= 0")
        .mark_text(**shift, align="left", baseline="middle", dx=4)
        .encode(y=y, x=x, text="shown:N", tooltip=tooltip)
    )
    rule = _zero_line(base, y, options.narrow, shift)
    height = max(60, len(order) * step)
    chart = (bars + left + right + rule).properties(width=options.width, height=height)
    alt = alt or describe_agreement(frame, options.label)
    return Figure(chart, alt, options.note_for(frame), frame)


def _shown(v, percent: bool) -> str:
    return f"{v:g}%" if percent else f"{v:,.0f}" if v == int(v) else f"{v:,g}"


@responsive
@keyword_options(BarOptions)
def bars(
    frame: pd.DataFrame,
    *,
    alt: str,
    color: str = PALETTE[0],
    options: BarOptions,
) -> Figure:
    """Horizontal bars of one value per label, with direct labels."""
    data = frame.sort_values("order").copy()
    data["shown"] = data["value"].map(lambda v: _shown(v, options.percent))
    data = _tips(data, options.label, options.percent)
    data["row"] = data[options.label].map(lambda t: _lines(t, options.wrap_at))
    order = list(dict.fromkeys(data["row"]))
    lines = max(len(s.split("|")) for s in order) if order else 1
    base = altair.Chart(data[["row", "value", "shown"] + TIP_COLUMNS])
    axis, step, bar, shift = _layout(options.narrow, lines, max(26, 15 * lines + 8))
    y = altair.Y("row:N", sort=order, title=None, axis=axis)
    x = _value_x(options.percent, options.title, options.narrow)
    tooltip = _tooltip("Category")
    chart = (
        base.mark_bar(color=color, **bar).encode(y=y, x=x, tooltip=tooltip)
        + base.mark_text(**shift, align="left", baseline="middle", dx=4).encode(
            y=y, x=x, text="shown:N", tooltip=tooltip
        )
    ).properties(width=options.width, height=max(40, step * len(order)))
    return Figure(chart, alt, options.note_for(frame), frame)


# Two or more bars share a row, so the chart's labels get a little less room than `panel_bars`' do.
@responsive
@keyword_options(BarOptions, width=340, wrap_at=40)
def grouped_bars(
    frame: pd.DataFrame,
    *,
    alt: str,
    group: str = "group",
    groups: list[str] | None = None,
    options: BarOptions,
) -> Figure:
    """Horizontal bars of one value per label and group (e.g. CSD beside DASS), directly labelled."""
    data = frame.sort_values("order").dropna(subset=["value"]).copy()
    data["shown"] = data["value"].map(lambda v: _shown(v, options.percent))
    data = _tips(data, options.label, options.percent, group)
    groups = groups or list(dict.fromkeys(data[group]))
    present = data.groupby(options.label, sort=False)[group].nunique()
    sparse = bool((present < len(groups)).any())
    if sparse:
        # Not every row has every group (a report that states only some shares): side-by-side slots
        # would leave gaps and set bars off their labels, so each bar gets its own labelled row.
        data["label"] = [
            _lines(f"{_plain(r[options.label])}: {str(r[group])[:1].lower()}{str(r[group])[1:]}", options.wrap_at)
            for _, r in data.iterrows()
        ]
    else:
        data["label"] = data[options.label].map(lambda t: _lines(t, options.wrap_at))
    order = list(dict.fromkeys(data["label"]))
    chart_data = data[["label", group, "value", "shown"] + TIP_COLUMNS].rename(columns={group: "group"})
    lines = max(len(s.split("|")) for s in order) if order else 1
    bar = {"height": {"band": 0.7}} if sparse else {}
    offset = {} if sparse else {"yOffset": altair.YOffset("group:N", sort=groups)}
    # Each group's bar is at least 17 px high, so value labels one above another never touch.
    step = max(15 * lines + 8, 17 * (1 if sparse else len(groups)) + 8)
    axis = _label_axis()
    if options.narrow and sparse:
        axis, step, bar, _ = _layout(True, lines, step)
    elif options.narrow:
        # The label above, the group's bars under it, one beneath another, across the whole width.
        top = lines * _LINE + 6
        step = top + 17 * len(groups) + 8
        axis = _above_axis(top - 3 - step / 2)
        offset = {
            "yOffset": altair.YOffset("group:N", sort=groups, scale=altair.Scale(range=[top, top + 17 * len(groups)]))
        }
    y = altair.Y("label:N", sort=order, title=None, axis=axis)
    x = _value_x(options.percent, options.title, options.narrow)
    color = altair.Color(
        "group:N",
        title=None,
        sort=groups,
        scale=altair.Scale(domain=groups, range=PALETTE[: len(groups)]),
        legend=altair.Legend(orient="top", direction="vertical", labelLimit=0),
    )
    base = altair.Chart(chart_data)
    tooltip = _tooltip("Category", "Group")
    chart = (
        base.mark_bar(**bar).encode(y=y, x=x, color=color, tooltip=tooltip, **offset)
        + base.mark_text(
            align="left",
            baseline="middle",
            dx=3,
            fontSize=10,
            **({"yOffset": bar["yOffset"]} if "yOffset" in bar else {}),
        ).encode(y=y, x=x, text="shown:N", tooltip=tooltip, **offset)
    ).properties(width=options.width, height=step * len(order))
    return Figure(chart, alt, options.note_for(frame), frame)


# Greys for the answers that are neither side: clearly apart, the lighter for "don't know"/"not stated".
NEUTRAL_GREYS = ["#A6A6A6", "#DCDCDC"]


def _plot_width(width: int):
    """The plot width as a chart parameter: the page's draw script updates it when it fits the chart."""
    return altair.param(name="plot_width", value=width)


def _stacked(data: pd.DataFrame, keys: list[str], categories: list[str], start=None) -> pd.DataFrame:
    """The segments of stacked bars: each bar's rows (those sharing `keys`) laid end to end in `categories` order.

    A bar starts at `start(rows)` (0 unless given). `x0` and `x1` are layout
    only; `shown` is the printed percentage the segment's label shows.
    """
    rank = {c: i for i, c in enumerate(categories)}
    pieces = []
    for _, rows in data.groupby(keys, sort=False):
        rows = rows.assign(rank=rows["category"].map(rank)).sort_values("rank")
        left = start(rows) if start else 0.0
        for row in rows.itertuples():
            pieces.append({**row._asdict(), "x0": left, "x1": left + row.value})
            left += row.value
    laid = pd.DataFrame(pieces)
    laid["shown"] = laid["value"].map(lambda v: f"{v:g}%")
    return laid


class _Rows:
    """The rows of a stacked bar chart: one per `field` value in `order`, labels beside (wide) or above (narrow)."""

    def __init__(self, laid: pd.DataFrame, field: str, order: list[str], extra: list[str], narrow: bool):
        columns = [field, "category", "value", "x0", "x1", "shown"] + TIP_COLUMNS + extra
        self.base = altair.Chart(laid[columns])
        self.narrow = narrow
        lines = max(len(s.split("|")) for s in order) if order else 1
        axis, self.step, self.bar, self.shift = _layout(narrow, lines, lines * 15 + 10, band=0.75)
        self.y = altair.Y(f"{field}:N", sort=order, title=None, axis=axis)


def _segments(
    rows: _Rows, x, domain: list[str], colours: list[str], dark: list[str], tooltip, *, span, font_size, **legend
):
    """Stacked segments and the value inside each one wide enough for it (white on the darkest colours).

    `span` is the width of the x scale in per cent, so a segment's width in
    pixels is known; `legend` adds to the legend's settings.
    """
    columns = 1 if rows.narrow else _legend_columns(domain)
    color = altair.Color(
        "category:N",
        title=None,
        sort=domain,
        scale=altair.Scale(domain=domain, range=colours),
        legend=altair.Legend(orient="top", direction="horizontal", **legend, columns=columns),
    )
    bars = rows.base.mark_bar(**rows.bar).encode(y=rows.y, x=x, x2="x1:Q", color=color, tooltip=tooltip)
    text = (
        rows.base.transform_filter(f"datum.value / {span} * plot_width >= {_LABEL_ROOM}")
        .transform_calculate(mid="(datum.x0 + datum.x1) / 2")
        .mark_text(**rows.shift, fontSize=font_size)
        .encode(
            y=rows.y,
            x="mid:Q",
            text="shown:N",
            tooltip=tooltip,
            color=altair.condition(
                altair.FieldOneOfPredicate(field="category", oneOf=dark), altair.value("white"), altair.value("#0b0c0c")
            ),
        )
    )
    return bars + text


@responsive
@keyword_options(ChartOptions, label="question", width=320, wrap_at=46)
def likert(
    frame: pd.DataFrame,
    *,
    categories: list[str],
    negative: list[str],
    neutral: list[str],
    alt: str,
    group: str | None = None,
    options: ChartOptions,
) -> Figure:
    """Diverging stacked bars of a full answer scale, agreement to the right of zero.

    `categories` lists every answer in printed order; `negative` are drawn to
    the left, `neutral` ones are split evenly across zero, the rest go right.
    The bar positions are layout only: every label shows a printed value. A
    segment too narrow for its label keeps its value in the tooltip. With
    `group`, the groups sit side by side (stacked on a phone).
    """
    data = frame[frame["category"].isin(categories)].dropna(subset=["value"]).copy()
    data["statement"] = data[options.label].map(lambda t: _lines(t, options.wrap_at))
    keys = ["statement"] + ([group] if group else [])

    def start(rows):  # the disagreeing answers and half the neutral ones sit left of zero
        return -(
            rows.loc[rows["category"].isin(negative), "value"].sum()
            + rows.loc[rows["category"].isin(neutral), "value"].sum() / 2
        )

    laid = _tips(_stacked(data, keys, categories, start), options.label, True, group)
    laid["tip_what"] = laid["tip_what"] + " — " + laid["category"]
    order = list(dict.fromkeys(data.sort_values("order")["statement"]))
    # The strongest answers get the darkest colours; white labels only on dark segments.
    palette = {c: col for c, col in zip(negative, [DISAGREE, "#F9A77C"])}
    palette.update({c: NEUTRAL_GREYS[min(i, 1)] for i, c in enumerate(neutral)})
    positive = [c for c in categories if c not in negative and c not in neutral]
    palette.update({c: col for c, col in zip(positive, ["#6E93B8", AGREE])})
    dark = [c for c in (negative[:1] + positive[-1:])]
    domain = [c for c in categories if c in palette]
    x = altair.X(
        "x0:Q",
        title="← disagree   per cent   agree →",
        scale=altair.Scale(domain=[-100, 100]),
        axis=altair.Axis(
            labelExpr="abs(datum.value) + '%'",
            labelOverlap="greedy",
            values=[-100, 0, 100] if options.narrow or group else [-100, -50, 0, 50, 100],
        ),
    )
    rows = _Rows(laid, "statement", order, ([group] if group else []), options.narrow)
    tooltip = _tooltip("Statement and answer", "Group" if group else None)
    segments = _segments(rows, x, domain, [palette[c] for c in domain], dark, tooltip, span=200, font_size=9)
    layer = segments + _zero_line(rows.base, rows.y, options.narrow, rows.shift)
    height = len(order) * rows.step
    if group:
        groups = list(dict.fromkeys(data[group]))  # as the frame lists them
        header = altair.Header(labelFontWeight="bold", labelAnchor="start", labelAngle=0, labelOrient="top")
        facet = (
            altair.Row(f"{group}:N", title=None, sort=groups, header=header)
            if options.narrow
            else altair.Column(f"{group}:N", title=None, sort=groups, header=altair.Header(labelFontWeight="bold"))
        )
        chart = layer.properties(width=options.width, height=height).facet(
            **({"row": facet} if options.narrow else {"column": facet})
        )
        if not options.narrow:
            chart = chart.properties(usermeta={"columns": len(groups)})
    else:
        chart = layer.properties(width=options.width, height=height)
    return Figure(chart.add_params(_plot_width(options.width)), alt, options.note_for(frame), frame)


def _dot_rows(order: list[str], narrow: bool, padding: int):
    """The rows of a dot chart, one per `item` in `order` with gridlines in the wide layout.

    Returns the y encoding, the row step (`padding` px more than the label's
    lines in the wide layout) and the offset every mark of a row shares.
    """
    lines = max(len(s.split("|")) for s in order) if order else 1
    axis, step, _, shift = _layout(narrow, lines, lines * 15 + padding)
    if not narrow:
        axis = _label_axis(grid=True)
    return altair.Y("item:N", sort=order, title=None, axis=axis), step, shift


@responsive
@keyword_options(ChartOptions, label="question", width=320, wrap_at=48)
def dot_plot(
    frame: pd.DataFrame,
    *,
    alt: str,
    scale: tuple[float, float] = (0, 10),
    title: str = "Mean score",
    options: ChartOptions,
) -> Figure:
    """Ranked dots of one value per item (e.g. mean scores out of 10), highest first."""
    data = frame.dropna(subset=["value"]).sort_values("value", ascending=False).copy()
    data["shown"] = data["value"].map(lambda v: f"{v:g}")
    data["shown"] = [_printed(row, False) for row in data.itertuples()]  # as printed: "7.0", not "7"
    data = _tips(data, options.label, False)
    data["item"] = data[options.label].map(lambda t: _lines(t, options.wrap_at))
    order = list(dict.fromkeys(data["item"]))
    base = altair.Chart(data[["item", "value", "shown"] + TIP_COLUMNS])
    y, step, shift = _dot_rows(order, options.narrow, 10)
    x = altair.X(
        "value:Q",
        title=_title(title, options.narrow),
        scale=altair.Scale(domain=list(scale)),
        axis=altair.Axis(tickCount=3 if options.narrow else 5, labelOverlap="greedy"),
    )
    tooltip = _tooltip("Item")
    chart = (
        base.mark_circle(**shift, size=90, color=PALETTE[0], opacity=1).encode(y=y, x=x, tooltip=tooltip)
        + base.mark_text(**shift, align="left", dx=8, fontSize=10).encode(y=y, x=x, text="shown:N", tooltip=tooltip)
    ).properties(width=options.width, height=len(order) * step)
    return Figure(chart, alt, options.note_for(frame), frame)


@responsive
def paired_dots(
    frame: pd.DataFrame,
    *,
    alt: str,
    label: str,
    series: str,
    note: str,
    series_order: list[str],
    observations: pd.DataFrame,
    title: str = "Per cent agreeing",
    width: int = 300,
    wrap_at: int = 64,
    narrow: bool = False,
) -> Figure:
    """One row per item and one dot per series (e.g. 2010 beside 2011), joined by a line, each dot labelled.

    `frame` needs columns `label`, `series`, `value` and `shown` (the text
    beside each dot, e.g. "51%" or "63% (derived)"); `observations` are the
    published values behind it, offered as the figure's data and table. The
    lower value's label sits left of its dot and the higher's right, so two
    close dots never share a label's place.
    """
    data = frame.copy()
    data["tip_what"] = data[label].map(_plain)
    data["tip_group"] = data[series].astype(str)
    data["tip_value"] = data["shown"]
    data["tip_source"] = data["source"] if "source" in data.columns else ""
    data["item"] = data[label].map(lambda t: _lines(t, wrap_at))
    data["side"] = data.groupby("item")["value"].rank(method="first").map(lambda r: "right" if r > 1 else "left")
    data.loc[data.groupby("item")["value"].transform("count") == 1, "side"] = "right"
    data["label"] = data["shown"].map(lambda s: str(s).split(" ")[0])  # the number; "(derived)" is in the tooltip
    order = list(dict.fromkeys(data["item"]))
    base = altair.Chart(
        data[["item", series, "value", "shown", "side", "label"] + TIP_COLUMNS].rename(columns={series: "series"})
    )
    y, step, shift = _dot_rows(order, narrow, 8)
    x = altair.X(
        "value:Q",
        title=_title(title, narrow),
        scale=altair.Scale(domain=[0, 100]),
        axis=altair.Axis(labelExpr="datum.label + '%'", tickCount=3 if narrow else 5, labelOverlap="greedy"),
    )
    color = altair.Color(
        "series:N",
        title=None,
        sort=series_order,
        scale=altair.Scale(domain=series_order, range=PALETTE[: len(series_order)]),
        # One series a line: side by side, long series names would set the chart's width (in print, past the page).
        legend=altair.Legend(orient="top", direction="vertical"),
    )
    tooltip = _tooltip("Statement", "Survey")
    chart = (
        base.mark_line(**shift, color="#b1b4b6").encode(y=y, x=x, detail="item:N")
        + base.mark_circle(**shift, size=110, opacity=1).encode(y=y, x=x, color=color, tooltip=tooltip)
        + base.transform_filter("datum.side == 'left'")
        .mark_text(**shift, align="right", dx=-8, fontSize=11)
        .encode(y=y, x=x, text="label:N", color=color, tooltip=tooltip)
        + base.transform_filter("datum.side == 'right'")
        .mark_text(**shift, align="left", dx=8, fontSize=11)
        .encode(y=y, x=x, text="label:N", color=color, tooltip=tooltip)
    ).properties(width=width, height=len(order) * step)
    return Figure(chart, alt, note, observations)


@responsive
@keyword_options(BarOptions)
def panel_bars(
    frame: pd.DataFrame,
    *,
    alt: str,
    panel: str,
    panels: list[str] | None = None,
    options: BarOptions,
) -> Figure:
    """Horizontal bars in stacked panels (one per `panel` value, e.g. one per published table), directly labelled.

    Each panel keeps its own rows and order (`order` within the panel); the
    value axis is shared, so panels must hold the same unit. Rows without a
    number (a status such as `low` or `x`) are not drawn: show them in a table.
    """
    data = frame.dropna(subset=["value"]).sort_values("order", kind="stable").copy()
    data["shown"] = data["value"].map(lambda v: _shown(v, options.percent))
    data["panel"] = data[panel]
    data = _tips(data, options.label, options.percent, "panel")
    data["row"] = data[options.label].map(lambda t: _lines(t, options.wrap_at))
    panels = panels or list(dict.fromkeys(data["panel"]))
    data["position"] = data.groupby("panel", sort=False).cumcount()
    lines = max(len(s.split("|")) for s in data["row"]) if len(data) else 1
    base = altair.Chart()
    axis, step, bar, shift = _layout(options.narrow, lines, lines * 15 + 8)
    y = altair.Y("row:N", sort=altair.EncodingSortField("position", order="ascending"), title=None, axis=axis)
    x = _value_x(options.percent, options.title, options.narrow)
    tooltip = _tooltip("Category", "Panel")
    layer = altair.layer(
        base.mark_bar(color=PALETTE[0], **bar).encode(y=y, x=x, tooltip=tooltip),
        base.mark_text(**shift, align="left", baseline="middle", dx=4).encode(
            y=y, x=x, text="shown:N", tooltip=tooltip
        ),
    ).properties(width=options.width, height=altair.Step(step))
    # A long panel title wraps over the panel's own width (it would otherwise squeeze the bars).
    title_wrap = NARROW_PANEL_WRAP if options.narrow else PANEL_WRAP
    data["panel"] = data["panel"].map(lambda t: _lines(t, title_wrap))
    panels = [_lines(p, title_wrap) for p in panels]
    header = altair.Header(
        labelFontWeight="bold",
        labelAnchor="start",
        labelAngle=0,
        labelOrient="top",
        labelLimit=0,
        labelExpr="split(datum.label, '|')",
    )
    chart = altair.FacetChart(
        data=data[["panel", "row", "position", "value", "shown"] + TIP_COLUMNS],
        spec=layer,
        facet=altair.Facet("panel:N", sort=panels, title=None, header=header),
        columns=1,
    ).resolve_scale(y="independent")
    return Figure(chart, alt, options.note_for(frame), frame)


# Answer scales drawn as a scale: one hue, darkest at the best answer (then greys for the rest).
ORDINAL_BLUES = ["#12436D", "#2F6A9E", "#5B8FC2", "#94B8DB", "#C9DBEC"]
_NEUTRAL_WORDS = re.compile(r"^(neither|no opinion|not sure|neutral)", re.I)
_UNKNOWN_WORDS = re.compile(r"(don.t know|not stated|not known|no answer|no response|not applicable|n/a)", re.I)


def _legend_columns(labels: list[str]) -> int:
    """As many legend columns as the column width holds for these labels."""
    longest = max((len(str(c)) for c in labels), default=0)
    return 3 if longest <= 28 else 2 if longest <= 44 else 1


def _composition_colours(categories: list[str], ordinal: bool) -> list[str]:
    """Colours for stacked segments: a sequential scale for an ordered answer scale, greys for the middle and unknown."""
    unknown = [c for c in categories if _UNKNOWN_WORDS.search(c)]
    middle = [c for c in categories if _NEUTRAL_WORDS.search(c)]
    if not ordinal:
        colours, n = {}, 0
        for c in categories:
            if c in unknown:
                colours[c] = NEUTRAL_GREYS[1]
            elif c in middle:
                colours[c] = NEUTRAL_GREYS[0]
            else:
                colours[c] = PALETTE[n % len(PALETTE)]
                n += 1
        return [colours[c] for c in categories]
    scale = [c for c in categories if c not in unknown]
    ramp = ORDINAL_BLUES if len(scale) > 3 else ORDINAL_BLUES[::2]
    colours = {c: ramp[min(i, len(ramp) - 1)] for i, c in enumerate(scale)}
    colours.update({c: NEUTRAL_GREYS[1] for c in unknown})
    return [colours[c] for c in categories]


@responsive
@keyword_options(ChartOptions, label="group", width=420, wrap_at=34)
def composition_bars(
    frame: pd.DataFrame,
    *,
    alt: str,
    categories: list[str],
    facet: str | None = None,
    title: str = "Per cent of recorded working time",
    ordinal: bool = False,
    options: ChartOptions,
) -> Figure:
    """Horizontal stacked bars: one bar per `label` (e.g. a setting), one segment per category.

    Made for compositions such as the share of working time in each diary
    category. `categories` lists the segments in stacking order; other
    categories (subtotals, respondent counts) are left out. Values with a
    status (x, u, low) or no value are not drawn: show them as printed in a
    table. Segments are stacked from the printed values, so a bar may end a
    little short of or beyond 100 because of the source's rounding. With
    `facet`, the bars are split into panels by that column (e.g. one panel
    per published table), each with its own rows. With `ordinal`, the
    categories are an ordered answer scale (best first), drawn in one hue.
    A segment too narrow for its label keeps its value in the tooltip.
    """
    data = frame[frame["category"].isin(categories) & frame["value"].notna()].copy()
    if "status" in data.columns:
        data = data[data["status"].fillna("") == ""]
    data["bar"] = data[options.label].map(lambda t: _lines(t, options.wrap_at))
    if facet:
        data[facet] = data[facet].map(lambda t: _lines(t, NARROW_PANEL_WRAP if options.narrow else PANEL_WRAP))
    keys = ([facet] if facet else []) + ["bar"]
    laid = _tips(_stacked(data, keys, categories), options.label, True, "category")
    order = list(dict.fromkeys(laid["bar"]))
    colours = _composition_colours(categories, ordinal)
    dark = [c for c, col in zip(categories, colours) if col in ("#12436D", "#2F6A9E", "#801650", "#3D3D3D")]
    x = altair.X(
        "x0:Q",
        title=_title(title, options.narrow),
        scale=altair.Scale(domain=[0, 102], nice=False),
        axis=altair.Axis(
            labelExpr="datum.value + '%'",
            labelOverlap="greedy",
            values=[0, 50, 100] if options.narrow else [0, 25, 50, 75, 100],
        ),
    )
    rows = _Rows(laid, "bar", order, ([facet] if facet else []), options.narrow)
    tooltip = _tooltip("Who or what", "Category")
    layer = _segments(rows, x, categories, colours, dark, tooltip, span=102, font_size=10, labelLimit=0)
    step = rows.step
    if facet:
        panels = list(dict.fromkeys(laid[facet]))
        chart = (
            layer.properties(width=options.width, height=altair.Step(step))
            .facet(
                row=altair.Row(
                    f"{facet}:N",
                    title=None,
                    sort=panels,
                    header=altair.Header(
                        labelAngle=0,
                        labelAlign="left",
                        labelAnchor="start",
                        labelOrient="top",
                        labelFontWeight="bold",
                        labelLimit=0,
                        labelExpr="split(datum.label, '|')",
                    ),
                )
            )
            .resolve_scale(y="independent")
        )
    else:
        chart = layer.properties(width=options.width, height=step * len(order))
    return Figure(chart.add_params(_plot_width(options.width)), alt, options.note_for(frame), frame)


SURVEY_YEARS = [2009, 2010, 2011, 2018, 2021]  # fieldwork years of the five sources: the axis ticks
_SHAPES = {"same-question": "circle", "similar": "diamond", "different-population": "square", "proxy": "triangle-up"}


class ComposedChart:
    """A Vega-Lite spec put together here from Altair charts, standing in for an Altair chart (`to_dict`).

    Altair's own layer and concat copy every sub-chart several times over;
    for a stack of layered panels that was most of a cross-year page's time.
    """

    def __init__(self, spec: dict) -> None:
        self._spec = spec

    def to_dict(self, validate: bool = False) -> dict:
        return json.loads(json.dumps(self._spec))


def layered_panel(layers: list, properties: dict) -> dict:
    """One panel of `stacked_layers`: the spec `altair.layer(*layers).properties(**properties)` makes.

    Returned as {"panel", "datasets", "config"}: the layers' data are gathered
    into `datasets`, for the stack to hold once.
    """
    datasets, config, specs = {}, {}, []
    for layer in layers:
        spec = layer.to_dict(validate=False)
        datasets.update(spec.pop("datasets", {}))
        config = spec.pop("config", config)
        spec.pop("$schema", None)
        specs.append(spec)
    shared = {json.dumps(spec.get("data"), sort_keys=True) for spec in specs}
    panel = {"layer": specs, **properties}
    if len(shared) == 1 and "data" in specs[0]:  # as Altair does: data all layers share is the panel's
        panel = {
            "data": specs[0]["data"],
            "layer": [{k: v for k, v in spec.items() if k != "data"} for spec in specs],
            **properties,
        }
    return {"panel": panel, "datasets": datasets, "config": config}


def stacked_layers(panels: list[dict], **top) -> ComposedChart:
    """Panels (`layered_panel`) stacked one above another (`vconcat`).

    The spec is the one `altair.vconcat(*[altair.layer(*layers).properties(**p) …])` makes, with
    the layers' data gathered into one `datasets`, built without Altair's copies.
    """
    datasets, config = {}, {}
    for made in panels:
        datasets.update(made["datasets"])
        config = made["config"] or config
    stack = [made["panel"] for made in panels]
    return ComposedChart(
        {"$schema": altair.SCHEMA_URL, "config": config, "datasets": datasets, "vconcat": stack, **top}
    )


@dataclass
class TimelineFigure(Figure):
    """A timeline with the linked values not drawn on any axis, each in its own words (`beside`)."""

    beside: pd.DataFrame = field(default_factory=pd.DataFrame)


_PERCENT_KINDS = {"share-agreeing", "share-reporting", "share-of-councils", "share-of-posts", "share-of-working-time"}
_BOUND_TIP = {"over": 1, "under": -1}  # an arrow up from a lower bound, down from an upper one


def _axis_title(kind: str) -> str:
    return "Per cent" if kind in _PERCENT_KINDS else KIND_LABEL.get(kind, kind).capitalize()


def _y_scale(kind: str):
    if kind in _PERCENT_KINDS:
        return altair.Scale(domain=[0, 100]), "datum.label + '%'"
    if kind == "mean-score-0-10":
        return altair.Scale(domain=[0, 10]), "datum.label"
    return altair.Scale(domainMin=0, nice=True), "datum.label"


def _timeline_panel(
    indicator: str,
    kind: str,
    data: pd.DataFrame,
    colours: dict,
    shapes: dict,
    years: list,
    domain: list,
    last: bool,
    width: int,
    wrap_at: int,
    narrow: bool,
) -> dict:
    """One indicator's panel of `timeline` (`layered_panel`): its values on the shared year axis."""
    colour = altair.Color(
        "population:N",
        title="Who answered",
        sort=list(colours),
        scale=altair.Scale(domain=list(colours), range=list(colours.values())),
        legend=altair.Legend(orient="top", direction="vertical", labelLimit=0),
    )
    # On a phone the two legends go one above and one under the panels: side by side they are too wide.
    shape = altair.Shape(
        "comparability_label:N",
        title="Comparability",
        sort=list(shapes),
        scale=altair.Scale(domain=list(shapes), range=list(shapes.values())),
        legend=altair.Legend(orient="bottom" if narrow else "top", direction="vertical"),
    )
    x = altair.X(
        "year:Q",
        title="Fieldwork year" if last else None,
        scale=altair.Scale(domain=domain, nice=False),
        axis=altair.Axis(
            values=years,
            format="d",
            grid=False,
            labelOverlap=False,
            labelFontSize=11,
            # on a phone a year a tick apart fits only as '09
            **({"labelExpr": "'\u2019' + slice(datum.label, 2)"} if narrow else {}),
        ),
    )
    scale, label = _y_scale(kind)
    y = altair.Y("value:Q", title=_axis_title(kind), scale=scale, axis=altair.Axis(tickCount=3, labelExpr=label))
    data["indicator"] = _plain(indicator)
    data = data.sort_values(["year", "value"], kind="stable")
    below, previous = [], None
    for year in data["year"]:
        flip = previous is not None and year - previous[0] < 2 and not previous[1]
        below.append(flip)
        previous = (year, flip)
    data["below"] = below
    reach = (scale.domain[1] if scale.domain is not altair.Undefined else data["value"].max()) / 8
    data["tip"] = data["value"] + data["bound"].map(_BOUND_TIP).fillna(0) * reach
    # Six layers share these rows: given as values once, not a frame each layer converts again.
    base = altair.Chart(altair.utils.data.to_values(data))
    exact, bounded = "datum.bound == ''", "datum.bound != ''"
    tooltip = [
        altair.Tooltip("indicator:N", title="Indicator"),
        altair.Tooltip("source:N", title="Source"),
        altair.Tooltip("shown:N", title="Value as printed"),
        altair.Tooltip("population:N", title="Who answered"),
        altair.Tooltip("comparability_label:N", title="Comparability"),
        altair.Tooltip("lines:N", title="Source line(s)"),
    ]
    layers = [
        base.transform_filter(exact)
        .mark_point(size=110, filled=True, opacity=1)
        .encode(x=x, y=y, color=colour, shape=shape, tooltip=tooltip),
        # A printed bound: an open marker at the bound and an arrow the way the true value lies.
        base.transform_filter(bounded).mark_rule(strokeWidth=1.5).encode(x=x, y=y, y2="tip:Q", color=colour),
        base.transform_filter(bounded)
        .mark_point(size=110, filled=False, strokeWidth=2, opacity=1)
        .encode(x=x, y=y, color=colour, shape=shape, tooltip=tooltip),
        base.transform_filter(bounded)
        .mark_point(shape="triangle", size=40, filled=True, opacity=1)
        .encode(x=x, y="tip:Q", color=colour),
        base.transform_filter("!datum.below")
        .mark_text(baseline="bottom", dy=-9, fontSize=10)
        .encode(x=x, y=y, text="shown:N", tooltip=tooltip),
        base.transform_filter("datum.below")
        .mark_text(baseline="top", dy=9, fontSize=10)
        .encode(x=x, y=y, text="shown:N", tooltip=tooltip),
    ]
    title = altair.TitleParams(wrap(indicator, wrap_at), anchor="start", fontSize=12, fontWeight="bold")
    return layered_panel(layers, {"height": 100, "title": title.to_dict(), "width": width})


@responsive(width=250, wrap_at=34)
def timeline(
    frame: pd.DataFrame, *, alt: str, note: str, width: int = 430, wrap_at: int = 60, narrow: bool = False
) -> Figure:
    """Each indicator's linked values on a fieldwork-year axis, one small panel per indicator.

    `frame` is `swsurveys.crosswalk.linked()` output. A panel holds only the
    values of its indicator's own kind and direction (`place` "axis"), and only
    where at least two sources give one; everything else — another kind of
    quantity, a question asked the other way round, an indicator with a single
    source — is returned as `beside`, for the page to write under the figure
    in its own words (`crosswalk.beside`), never drawn as a point. Colour names who answered, marker shape
    the comparability rating; a printed bound ("over 50 percent") is an open
    marker with an arrow and its words. The year axis spans only the years
    that have plotted values. A value's label sits above its marker, or below
    it when the year before has a label too, so labels a year apart never meet.
    """
    if "place" not in frame.columns:
        raise ValueError(
            "timeline() needs linked values placed on their axes: pass swsurveys.crosswalk.linked() "
            "output (its `place` column says which are drawn)"
        )
    on_axis = frame[frame["place"] == "axis"]
    # The legends name only who and what is drawn (each keeps its house colour and shape).
    colours = {p: c for p, c in zip(POPULATION.values(), PALETTE) if p in set(on_axis["population"])}
    shapes = {
        COMPARABILITY_LABEL[c]: _SHAPES[c]
        for c in COMPARABILITY
        if COMPARABILITY_LABEL[c] in set(on_axis["comparability_label"])
    }
    years = sorted(set(on_axis["year"]))
    domain = [years[0] - 0.6, years[-1] + 0.9] if years else [2009, 2021]
    groups = list(on_axis.groupby("indicator", sort=False))
    panels = []
    for number, (indicator, rows) in enumerate(groups, start=1):
        data = rows[["year", "value", "shown", "source", "population", "comparability_label", "lines", "bound"]]
        kind = rows["kind"].iloc[0]
        layout = (colours, shapes, years, domain, number == len(groups), width, wrap_at, narrow)
        # A cross-year figure redrawn after a one-value fix lays out again only the panel of that value.
        panels.append(
            figurecache.memo(
                "charts.timeline_panel",
                (indicator, kind, altair.utils.data.to_values(data), layout),
                functools.partial(_timeline_panel, indicator, kind, data.copy(), *layout),
            )
        )
    beside = frame[frame["place"] != "axis"]
    # The values not drawn are listed in the page under the figure (`crosswalk.beside`), in readable text.
    chart = (
        stacked_layers(panels, resolve={"scale": {"color": "shared", "shape": "shared"}}, spacing=18)
        if panels
        else altair.Chart(
            pd.DataFrame(
                {"text": ["No two sources here measure the same thing the same way: each value is written out below."]}
            )
        )
        .mark_text(align="left", fontSize=12, color="#0b0c0c")
        .encode(x=altair.value(0), text="text:N")
        .properties(width=width, height=20)
    )
    return TimelineFigure(chart, alt, note, on_axis.copy(), beside=beside.copy())
