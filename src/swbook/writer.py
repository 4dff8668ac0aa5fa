"""Write the book's formats as its chapters come in: each page as soon as its chapter's outputs exist.

A chapter's HTML page (pandoc), its figures drawn for print (in the chapter
server's processes, see `deferred`) and its Typst (pandoc again) are made while
the other chapters still run, so the two cores are kept busy to the end; the
PDF is compiled once every chapter's Typst is in, since Typst lays out the
whole book at once. Everything goes into the build's staging folder, which the
build puts in place only when all of it succeeded.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from . import deferred
from . import html as html_writer
from . import pdf as pdf_writer
from .assemble import Assembler
from .crossref import Registry
from .execute import Executed, chapter_processes
from .project import Book, Page


class BookWriter:
    """The pages of one build, written in `formats` ("html", "pdf") as `ready` hands in each chapter."""

    def __init__(
        self,
        book: Book,
        documents: dict,
        registry: Registry,
        titles: dict[Page, str],
        labels: dict[Page, str],
        staging: Path,
        work: Path,
        formats: tuple[str, ...],
        jobs: int | None,
        log,
    ) -> None:
        self.book, self.documents, self.titles, self.staging, self.log = book, documents, titles, staging, log
        self.formats = formats
        self.jobs = jobs or os.cpu_count() or 1
        self.html = Assembler(registry, "html", work / "html-figures", book.echo)
        self.typst = Assembler(registry, "typst", work / "figures", book.echo)
        self.work = work
        # Each job mostly waits, for a pandoc process or a drawing: threads enough for every page at once.
        self._threads = ThreadPoolExecutor(max_workers=2 * len(book.pages) + 1, thread_name_prefix="swbook-page")
        self._pages: dict[Page, Future] = {}
        self._drawn: dict[str, Executed] = {}  # chapter -> its outputs with the print figures drawn
        self.drawing_seconds: dict[str, float] = {}  # chapter -> how long its print figures took to draw
        self._chunks: dict[Page, Future] = {}
        self._began = time.perf_counter()
        self._chapters_done = self._began
        self._wrapped = pdf_writer.chunk_wrappers(book, titles, labels)
        self._front = self._threads.submit(pdf_writer.front_matter, book) if "pdf" in formats else None

    def ready(self, page: Page, executed: Executed) -> None:
        """Start writing `page` in every format from its chapter's outputs (which are not changed)."""
        self._chapters_done = time.perf_counter()  # the last call is the last chapter's
        if "html" in self.formats:
            self._pages[page] = self._threads.submit(self._html_page, page, executed)
        if "pdf" in self.formats:
            self._chunks[page] = self._threads.submit(self._typst_chunk, page, executed)

    def finish(self) -> None:
        """Wait for every page, then write the site's assets and compile the PDF; the first failure raises."""
        for page in self.book.pages:
            if page in self._pages:
                self._pages[page].result()
        if "html" in self.formats:
            html_writer.write_assets(self.staging)
            self.log(f"  wrote the HTML pages ({self._after()})")
        if "pdf" in self.formats:
            bodies = [self._chunks[page].result() for page in self.book.pages]
            self.log(f"  drew the figures for print and converted the chapters to Typst ({self._after()})")
            began = time.perf_counter()
            pdf_writer.compile_pdf(
                self.book, self._front.result(), bodies, self.work, self.staging / self.book.pdf_name
            )
            self.log(f"  compiled the PDF ({time.perf_counter() - began:.1f} s)")

    def close(self) -> None:
        """Stop: pages not started are dropped, the ones under way are waited for (their pandoc ends soon)."""
        self._threads.shutdown(wait=True, cancel_futures=True)

    def _after(self) -> str:
        return f"done {max(0.0, time.perf_counter() - self._chapters_done):.1f} s after the last chapter"

    def _html_page(self, page: Page, executed: Executed) -> None:
        markdown = self.html.chapter(page, self.documents[page], executed)
        html_writer.render_page(self.book, page, markdown, self.titles, self.documents[page].meta, self.staging)

    def as_drawn(self, relative: str, executed: Executed) -> Executed:
        """A chapter's outputs with the figures this build drew for print in place of how to draw them."""
        return self._drawn.get(relative, executed)

    def _typst_chunk(self, page: Page, executed: Executed) -> str:
        began = time.perf_counter()
        drawn = self._drawn[page.relative] = deferred.drawn(
            page, executed, "image/svg+xml", chapter_processes(), self.jobs
        )
        self.drawing_seconds[page.relative] = time.perf_counter() - began
        markdown = self._wrapped[page](self.typst.chapter(page, self.documents[page], drawn))
        return pdf_writer.typst_chunk(self.book, page, markdown)
