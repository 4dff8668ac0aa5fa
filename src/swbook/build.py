"""Build the book: check the data, run the chapters, write HTML and PDF, then swap `_book/` in whole.

Everything is written to a temporary folder beside the output folder and moved
into place only when every step succeeded, so a failed build leaves the
previous `_book/` exactly as it was.
"""
from __future__ import annotations

import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import vl_convert

from . import html as html_writer
from . import pdf as pdf_writer
from . import project, qmd
from .assemble import Assembler
from .crossref import Registry
from .errors import BuildError
from .execute import Executed, execute

DATA_DOWNLOADS = ("datapackage.json", "surveys.csv", "themes.csv", "tables.csv", "observations", "schemas")


@dataclass
class Report:
    """What a build did, for the progress summary and for tests."""

    chapters: dict[str, float] = field(default_factory=dict)   # chapter -> seconds executing
    files_read: dict[str, list[str]] = field(default_factory=dict)
    seconds: float = 0.0
    output: Path | None = None


def check_data(root: Path) -> None:
    """Stop the build, listing every problem, when the data package is invalid."""
    import swsurveys
    from swsurveys.validate import validate

    problems = validate(root / "data")
    if problems:
        listing = "\n".join(str(p) for p in problems)
        raise BuildError(f"the data package has {len(problems)} problem(s); nothing was written:\n{listing}")
    swsurveys.clear_cache()


def render(root: Path, to: tuple[str, ...] = ("html", "pdf"), quiet: bool = False,
           out: Path | None = None) -> Report:
    """Render the book at `root` into its output folder (or `out`)."""
    started = time.perf_counter()
    root = root.resolve()
    book = project.load(root)
    report = Report()
    log = (lambda *_: None) if quiet else (lambda message: print(message, file=sys.stderr, flush=True))

    check_data(root)
    documents = {page: qmd.parse(page.source) for page in book.pages}
    registry = Registry()
    for page, document in documents.items():
        registry.collect(page, document)
    titles = {page: document.title for page, document in documents.items()}
    labels = {page: str(document.meta.get("label", "")) for page, document in documents.items()}

    executed: dict[project.Page, Executed] = {}
    for page, document in documents.items():
        began = time.perf_counter()
        executed[page] = execute(document, root) if document.cells or any(
            b.inline for b in document.blocks if isinstance(b, qmd.Markdown)) else Executed()
        report.chapters[page.relative] = time.perf_counter() - began
        report.files_read[page.relative] = executed[page].files_read
        log(f"  executed {page.relative} ({report.chapters[page.relative]:.1f} s)")

    target = (out or book.output_dir).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
    work = Path(tempfile.mkdtemp(prefix="swbook-"))
    try:
        if "html" in to:
            _write_html(book, documents, executed, registry, titles, staging, work)
            log("  wrote the HTML pages")
        if "pdf" in to:
            began = time.perf_counter()
            assembler = Assembler(registry, "typst", work / "figures", book.echo)
            chapters = {page: assembler.chapter(page, documents[page], executed[page]) for page in book.pages}
            pdf_writer.render_pdf(book, pdf_writer.combine(book, chapters, titles, labels), work, staging / book.pdf_name)
            log(f"  wrote the PDF ({time.perf_counter() - began:.1f} s)")
        _copy_data(root, staging)
        _swap(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report.seconds = time.perf_counter() - started
    report.output = target
    log(f"built {target} in {report.seconds:.1f} s")
    return report


def _write_html(book, documents, executed, registry, titles, staging: Path, work: Path) -> None:
    assembler = Assembler(registry, "html", work / "html-figures", book.echo)
    entries = []
    for page, document in documents.items():
        markdown = assembler.chapter(page, document, executed[page])
        written = html_writer.render_page(book, page, markdown, titles, document.meta, staging)
        entries += html_writer.search_entries(written.read_text(encoding="utf-8"), page.html, titles[page])
    html_writer.write_assets(staging, entries, vl_convert.javascript_bundle())


def _copy_data(root: Path, staging: Path) -> None:
    """The data package as downloads beside the pages."""
    source, target = root / "data", staging / "data"
    target.mkdir(parents=True, exist_ok=True)
    for name in DATA_DOWNLOADS:
        path = source / name
        if path.is_dir():
            shutil.copytree(path, target / name)
        elif path.exists():
            shutil.copy2(path, target / name)


def _swap(staging: Path, target: Path) -> None:
    """Replace `target` by `staging` with two renames, so readers never see half a site."""
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)
