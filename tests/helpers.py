"""What the tests share besides fixtures: the project root, copies of it to break, the browser's
settings and a static server, and readers of the built PDF. Imported as `helpers` from any test folder."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

from pypdf import PdfReader

ROOT = Path(__file__).resolve().parents[1]  # the project
PROJECT_PARTS = (
    "_quarto.yml",
    "index.qmd",
    "references.bib",
    "CITATION.cff",
    "LICENSE",
    "chapters",
    "data",
    "_scripts",
)


def copy_project(target: Path) -> Path:
    """A copy of the book project (sources and data, no build outputs)."""
    target.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_PARTS:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target / name)
    return target


def copy_built(built: Path, target: Path) -> Path:
    """A copy of the built book project with its site and its render cache.

    A render of the copy re-runs only the chapters an edit touches, as an
    author's second render does, instead of the whole book (a minute of the
    two cores): most of the time of the tests that edit and render the book.
    """
    copy_project(target)
    shutil.copytree(built / "_book", target / "_book")
    skip = shutil.ignore_patterns("render.lock", "work")  # the built book's lock and scratch folder
    shutil.copytree(built / ".swbook-cache", target / ".swbook-cache", ignore=skip)
    return target


def replace_in_file(path: Path, old: str, new: str, count: int = 1) -> None:
    """Edit a fixture file, failing loudly if the text to replace is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE = os.environ.get("AXE_CORE", str(ROOT / ".venv/axe/node_modules/axe-core/axe.min.js"))


class Site:
    """A static server for one built site, on a free loopback port."""

    def __init__(self, folder: Path) -> None:
        handler = functools.partial(_QuietHandler, directory=str(folder))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


PHONE, DESKTOP = 390, 1300  # the widths (px) a reader's screen is tried at


def recording_page(browser, width: int = DESKTOP):
    """A tab `width` px wide in `browser` (the run's browser profile, conftest) that records console errors,
    every request it makes and any dialog (dismissed)."""
    page = browser.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    page.errors, page.requests, page.dialogs = [], [], []
    page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("request", lambda request: page.requests.append(request.url))
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    return page


def wait_until_drawn(page) -> None:
    """Return once every chart on the page is drawn (a condition, not a wait)."""
    charts = page.locator(".sw-chart").count()
    if charts:
        page.wait_for_function(
            f"document.querySelectorAll('.sw-chart[data-drawn=true]').length === {charts}", timeout=30_000
        )


def open_page(browser, url: str, width: int = DESKTOP, drawn: bool = False):
    """A recording tab (`recording_page`) at `url`; with `drawn`, once every chart on it is drawn."""
    page = recording_page(browser, width)
    page.goto(url, wait_until="load")
    if drawn:
        wait_until_drawn(page)
    return page


def book_pages(built: Path) -> list[str]:
    return sorted(p.relative_to(built / "_book").as_posix() for p in (built / "_book").rglob("*.html"))


def chapter_pages(built: Path) -> list[str]:
    """The pages with figures: the chapters and the opening page."""
    return [p for p in book_pages(built) if p.startswith("chapters/") or p == "index.html"]


# Every chart's text: its rendered size (font size times the SVG's scale on screen) and its box.
CHART_TEXT = """() => [...document.querySelectorAll('.sw-chart')].map(chart => {
  const svg = chart.querySelector('svg');
  const texts = [...chart.querySelectorAll('svg text')].filter(t => t.textContent.trim());
  return {
    figure: (chart.closest('[id^=fig-]') || chart).id,
    room: chart.clientWidth,
    width: svg ? svg.getBoundingClientRect().width : 0,
    texts: texts.map(t => {
      const m = t.getScreenCTM(), r = t.getBoundingClientRect();
      return {text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b),
              box: [r.left, r.top, r.right, r.bottom], mark: !!t.closest('.mark-text')};
    }),
  };
})"""

# Each figure's tools as the reader sees them: the buttons shown (a box, not hidden) and the CSV link.
FIGURE_TOOLS = """() => [...document.querySelectorAll('.sw-figure')].map(figure => ({
  id: figure.id,
  shown: [...figure.querySelectorAll('button')].filter(b => {
    const box = b.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle(b).visibility !== 'hidden';
  }).map(b => b.textContent.trim()),
  csv: [...figure.querySelectorAll('a')].filter(a => a.textContent.trim() === 'Data (CSV)').map(a => a.getAttribute('href')),
}))"""


def look_at(page, url: str) -> dict:
    """The page at `url` as a reader's browser shows it, once its charts are drawn: what went wrong (script
    errors, requests made), its charts' text and boxes, its figures' tools, and the page's width with every
    Table toggle open (a wide table scrolls in its own box; the page must never scroll sideways).

    `page` is a `recording_page`, reused from one address to the next as a reader's tab is.
    """
    page.errors.clear()
    page.requests.clear()
    page.goto(url, wait_until="load")
    wait_until_drawn(page)
    found = {"charts": page.evaluate(CHART_TEXT), "figures": page.evaluate(FIGURE_TOOLS)}
    found["drawings"] = page.locator(".sw-chart svg").count()
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    found["page width"] = page.evaluate("document.documentElement.scrollWidth")
    found["errors"], found["requests"] = list(page.errors), list(page.requests)
    return found


def figure_content(reader: PdfReader) -> set[tuple[int, int]]:
    """(page index, marked-content id) of everything tagged inside a Figure."""
    pages = {page.indirect_reference.idnum: n for n, page in enumerate(reader.pages)}
    found: set[tuple[int, int]] = set()

    def visit(node, in_figure: bool, page: int | None) -> None:
        if isinstance(node, int):
            if in_figure and page is not None:
                found.add((page, node))
            return
        if not hasattr(node, "get"):
            return
        if "/Pg" in node:
            page = pages.get(node.raw_get("/Pg").idnum, page)
        if node.get("/Type") == "/MCR":
            if in_figure:
                found.add((page, int(node["/MCID"])))
            return
        in_figure = in_figure or node.get("/S") == "/Figure"
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [] if kids is None else [kids]:
            visit(kid.get_object() if hasattr(kid, "get_object") else kid, in_figure, page)

    visit(reader.trailer["/Root"]["/StructTreeRoot"], False, None)
    return found
