"""Write the HTML site: one page per chapter through pandoc and the book's template."""

from __future__ import annotations

import functools
import hashlib
import html
import json
import logging
import os
import re
import sys
import tempfile
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import pypandoc

from . import edition, splice
from .errors import BuildError
from .project import Book, Page
from .sealed import read_verified, write_verified

READER = "markdown-raw_html-raw_tex"  # data text can never become HTML; raw blocks still work


class _PandocMessages(logging.Handler):
    """pandoc's warnings as pypandoc relays them, printed to the standard error of the moment.

    Without a handler of its own, pypandoc adds one bound to the standard error of its first call,
    which a later caller (a test capturing output, a closed terminal) may no longer have.
    """

    def emit(self, record: logging.LogRecord) -> None:
        print(f"  pandoc: {record.getMessage()}", file=sys.stderr, flush=True)


logging.getLogger("pypandoc").addHandler(_PandocMessages(logging.WARNING))
logging.getLogger("pypandoc").propagate = False
_TEMPLATE = resources.files("swbook") / "templates" / "page.html"
CALLOUTS = resources.files("swbook") / "templates" / "callouts.lua"


def _relative(target: str, page: Page) -> str:
    return os.path.relpath(target, os.path.dirname(page.html) or ".")


def _label(page: Page, title: str) -> str:
    prefix = {"chapter": f"{page.number} ", "appendix": f"{page.number} "}.get(page.kind, "")
    return (
        f'<span class="chapter-number">{prefix.strip()}</span> {html.escape(title)}' if prefix else html.escape(title)
    )


def sidebar(book: Book, titles: dict[Page, str], current: Page) -> str:
    """The book navigation: parts and their chapters, the current one marked."""
    out, part = ['<ul class="chapters">'], None
    for page in book.pages:
        if page.part != part and page.part:
            if part is not None:
                out.append("</ul></li>")
            out.append(f'<li class="part"><span class="part-title">{html.escape(page.part)}</span><ul>')
            part = page.part
        attributes = ' aria-current="page" class="current"' if page == current else ""
        out.append(f'<li><a href="{_relative(page.html, current)}"{attributes}>{_label(page, titles[page])}</a></li>')
    if part:
        out.append("</ul></li>")
    out.append("</ul>")
    return "\n".join(out)


def prevnext(book: Book, titles: dict[Page, str], current: Page) -> str:
    """Links to the previous and next chapters."""
    pages = list(book.pages)
    position = pages.index(current)
    links = []
    if position > 0:
        before = pages[position - 1]
        links.append(
            f'<a class="prev" rel="prev" href="{_relative(before.html, current)}">'
            f"<span>Previous</span> {_label(before, titles[before])}</a>"
        )
    if position + 1 < len(pages):
        after = pages[position + 1]
        links.append(
            f'<a class="next" rel="next" href="{_relative(after.html, current)}">'
            f"<span>Next</span> {_label(after, titles[after])}</a>"
        )
    return "\n".join(links)


def render_page(book: Book, page: Page, markdown: str, titles: dict[Page, str], meta: dict, out_dir: Path) -> Path:
    """Convert one chapter's markdown to a complete HTML page under `out_dir`."""
    up = _relative(".", page)
    root = "" if up == "." else up + "/"
    variables = {
        "book-title": html.escape(book.title),
        "root": root,
        "sidebar": sidebar(book, titles, page),
        "prevnext": prevnext(book, titles, page),
        "pdf": book.pdf_name,
        "data-page": book.config.get("swbook", {}).get("data-page", "index.html"),
    }
    release = edition.read(book.root)  # the footer and the "cite this" text name this release
    variables.update({"version": release.version, "released": release.released, "edition": release.label})
    if page.number:
        variables["chapter-number"] = page.number
    args = [
        "--standalone",
        f"--template={_TEMPLATE}",
        f"--lua-filter={CALLOUTS}",
        "--toc",
        "--toc-depth=2",
        "--section-divs",
        "--wrap=none",
        f"--metadata=title:{titles[page]}",
        f"--metadata=pagetitle:{titles[page]}",
        "--metadata=lang:en-GB",
        "--metadata=link-citations:true",
    ]
    if page.kind == "chapter":
        args += ["--number-sections", f"--number-offset={page.number}"]
    if meta.get("subtitle"):
        args.append(f"--metadata=subtitle:{meta['subtitle']}")
    if book.bibliography and "@" in markdown:  # citeproc is a tenth of a second: only for a page that can cite
        args += ["--citeproc", f"--bibliography={book.bibliography}"]
    for key, value in variables.items():
        if value:
            args.append(f"--variable={key}:{value}")
    text = convert(book, markdown, "html5", args, page.relative)
    target = out_dir / page.html
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target


def convert(book: Book, markdown: str, to: str, args: list[str], what: str) -> str:
    """pandoc's `to` output for `markdown`, reused while the markdown, settings, bibliography and code are unchanged.

    Pages and PDF chapters share this cache (`.swbook-cache/pandoc/`); `what`
    names the page or part in the error a failed conversion raises. A page
    not converted before is converted by parts (`splice`): its frame, which a
    fixed value leaves as it was, is kept here too.
    """
    from .cache import code_version

    folder = book.root / ".swbook-cache" / "pandoc"
    # Read once for the page and its frame alike (both keys hold it).
    bibliography = book.bibliography.read_text(encoding="utf-8") if book.bibliography else ""

    def kept(text: str, arguments: list[str], make: Callable[[], str]) -> str:
        return _kept(folder, bibliography, text, to, arguments, make)

    def plain(text: str, arguments: list[str]) -> str:
        return _pandoc(book, text, to, arguments, what)

    def frame(text: str, arguments: list[str]) -> str:
        return kept(text, arguments, lambda: plain(text, arguments))

    version = f"{code_version()} pandoc {_pandoc_version()}"
    return kept(markdown, args, lambda: splice.convert(markdown, to, args, frame, plain, folder, what, version))


@functools.lru_cache(maxsize=1)
def _pandoc_version() -> str:
    return pypandoc.get_pandoc_version()


def _kept(folder: Path, bibliography: str, markdown: str, to: str, args: list[str], make: Callable[[], str]) -> str:
    """`make()`, kept in the pandoc cache `folder` under the markdown, settings, bibliography and code."""
    from .cache import code_version

    key = hashlib.sha256("\0".join([code_version(), to, markdown, *args, bibliography]).encode()).hexdigest()
    cached = folder / f"{key}.{to}"
    text = read_verified(cached)
    if text is None:
        text = make()
        write_verified(cached, text)  # only a clean conversion is kept (a failed one raised)
    return text


def _pandoc(book: Book, markdown: str, to: str, args: list[str], what: str) -> str:
    """One pandoc run; its failure, or a citation it could not resolve, raised as a BuildError naming `what`."""
    logs = book.root / ".swbook-cache" / "work"  # the build's own scratch folder, emptied by the next build
    logs.mkdir(parents=True, exist_ok=True)
    handle, log = tempfile.mkstemp(prefix="pandoc-log-", suffix=".json", dir=logs)
    os.close(handle)
    try:
        text = pypandoc.convert_text(markdown, to, format=READER, extra_args=[*args, f"--log={log}"])
        missing = _citations_not_found(Path(log))
    except RuntimeError as error:
        raise BuildError(f"{what}: pandoc could not convert it: {error}") from None
    finally:
        os.unlink(log)
    if missing:
        # Text a cell printed as markdown (`output: asis`) reaches pandoc unchecked; never publish "(key?)".
        raise BuildError(
            f"{what}: unresolved citation or cross-reference "
            f"{', '.join('@' + key for key in missing)} (no entry with that key in the bibliography, "
            f"and no figure, table or section label)"
        )
    return text


def _citations_not_found(log: Path) -> list[str]:
    """The citation keys pandoc's citeproc reported as not found, from its JSON log."""
    try:
        messages = json.loads(log.read_text(encoding="utf-8") or "[]")
    except (OSError, ValueError):
        return []
    found = [
        re.match(r"citation (\S+) not found", str(m.get("message", "")))
        for m in messages
        if isinstance(m, dict) and m.get("type") == "CiteprocWarning"
    ]
    return list(dict.fromkeys(match.group(1) for match in found if match))


def write_assets(out_dir: Path) -> None:
    """The book's stylesheet and script, and the search library they use (MiniSearch, with its licence), served locally."""
    assets = out_dir / "assets"
    assets.mkdir(parents=True, exist_ok=True)
    for name in ("book.css", "book.js", "minisearch.min.js", "minisearch.LICENSE.txt"):
        (assets / name).write_text(
            (resources.files("swbook") / "assets" / name).read_text(encoding="utf-8"), encoding="utf-8"
        )
