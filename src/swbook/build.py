"""Build the book: check the data, run the chapters, write HTML and PDF, then swap `_book/` in whole.

Everything is written to a temporary folder beside the output folder and moved
into place only when every step succeeded, so a failed build leaves the
previous `_book/` exactly as it was. What the project publishes besides pages
(source viewer, downloads, search index, ...) is its own `project: post-render`
step, which runs on that folder before the swap, as under `quarto render`.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import html as html_writer
from . import pdf as pdf_writer
from . import project, qmd, scripts, snapshot
from .assemble import Assembler
from .cache import ChapterCache, FileHashes, build_key
from .crossref import Registry
from .errors import BuildError
from .execute import Executed, chapter_processes, execute

@dataclass
class Report:
    """What a build did, for the progress summary and for tests."""

    executed: dict[str, float] = field(default_factory=dict)   # chapter -> seconds executing
    reused: list[str] = field(default_factory=list)            # chapters taken from the cache
    files_read: dict[str, list[str]] = field(default_factory=dict)
    unchanged: bool = False                                     # nothing to do: the last build is current
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
           out: Path | None = None, fresh: bool = False, jobs: int | None = None) -> Report:
    """Render the book at `root` into its output folder (or `out`).

    Chapters whose inputs are unchanged are reused from the cache unless
    `fresh`; the others run in parallel, `jobs` at a time (default: all cores).
    """
    started = time.perf_counter()
    root = root.resolve()
    book = project.load(root)
    report = Report()
    log = (lambda *_: None) if quiet else (lambda message: print(message, file=sys.stderr, flush=True))
    target = (out or book.output_dir).resolve()
    hashes = FileHashes()
    key = build_key(root, to, hashes)
    stamp = root / ".swbook-cache" / "build.json"
    if not fresh and target.exists() and _last_build(stamp, target) == key:
        report.unchanged, report.output = True, target
        report.seconds = time.perf_counter() - started
        log(f"nothing changed since the last build of {target} ({report.seconds:.1f} s)")
        snapshot.unchanged(target)
        return report

    documents = {page: qmd.parse(page.source) for page in book.pages}
    scripts.run(book, "pre-render", scripts.environment(book, target))
    registry = Registry()
    for page, document in documents.items():
        registry.collect(page, document)
    titles = {page: document.title for page, document in documents.items()}
    labels = {page: document.label for page, document in documents.items()}
    # The data checks run while the chapters execute; a problem in the data still stops the build
    # before anything is cached or written, and is reported ahead of any chapter error.
    executed = _execute_all(root, documents, report, log, ChapterCache(root, hashes), fresh, jobs,
                            meanwhile=lambda: check_data(root))

    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
    staging.chmod(0o755)   # mkdtemp makes it private; the published site must be readable by a web server
    work = Path(tempfile.mkdtemp(prefix="swbook-"))
    try:
        if "html" in to:
            began = time.perf_counter()
            _write_html(book, documents, executed, registry, titles, staging, work)
            log(f"  wrote the HTML pages ({time.perf_counter() - began:.1f} s)")
        if "pdf" in to:
            began = time.perf_counter()
            assembler = Assembler(registry, "typst", work / "figures", book.echo)
            chapters = {page: assembler.chapter(page, documents[page], executed[page]) for page in book.pages}
            pdf_writer.render_pdf(book, pdf_writer.combine(book, chapters, titles, labels), work, staging / book.pdf_name)
            log(f"  wrote the PDF ({time.perf_counter() - began:.1f} s)")
        scripts.copy_resources(book, staging)
        outputs = [page.html for page in book.pages] if "html" in to else []
        began = time.perf_counter()
        scripts.run(book, "post-render", scripts.environment(book, staging, outputs))
        log(f"  ran the post-render step ({time.perf_counter() - began:.1f} s)")
        _swap(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(json.dumps({"key": key, "output": str(target)}), encoding="utf-8")
    if "html" in to:   # what changed for a reader, read back from the published pages
        snapshot.report(target, stamp.parent, [page.html for page in book.pages], quiet)
    report.seconds = time.perf_counter() - started
    report.output = target
    log(f"built {target} in {report.seconds:.1f} s: {len(report.executed)} chapter(s) executed, "
        f"{len(report.reused)} reused")
    return report


def _last_build(stamp: Path, target: Path) -> str | None:
    try:
        last = json.loads(stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return last.get("key") if last.get("output") == str(target) else None


def _needs_kernel(document: qmd.Document) -> bool:
    return bool(document.cells) or any(b.inline for b in document.blocks if isinstance(b, qmd.Markdown))


def _timed_execute(document: qmd.Document, root: Path) -> tuple[Executed, float]:
    began = time.perf_counter()
    return execute(document, root), time.perf_counter() - began


def _execute_all(root, documents, report: Report, log, cache: ChapterCache, fresh: bool,
                 jobs: int | None, meanwhile=lambda: None) -> dict:
    """Outputs of every chapter: from the cache where valid, else run in parallel.

    `meanwhile` runs in this process once the chapters have started; if it
    raises, the chapters' results are dropped unseen and nothing is cached.
    """
    results: dict = {}
    pending = []
    for page, document in documents.items():
        source = page.source.read_text(encoding="utf-8")
        cached = None if fresh else cache.lookup(page.relative, source)
        if cached is not None:
            results[page] = cached
            report.reused.append(page.relative)
            log(f"  reused   {page.relative} (unchanged)")
        elif not _needs_kernel(document):
            results[page] = Executed()
        else:
            pending.append((page, document, source))
    if not pending:
        meanwhile()
    else:
        pool = chapter_processes(max(1, min(jobs or os.cpu_count() or 1, len(pending))))
        try:
            futures = [(page, source, pool.submit(_timed_execute, document, root))
                       for page, document, source in pending]
            meanwhile()
            for page, source, future in futures:   # in book order, so the log and output are deterministic
                outputs, seconds = future.result()
                results[page] = outputs
                report.executed[page.relative] = seconds
                cache.store(page.relative, source, outputs)
                log(f"  executed {page.relative} ({seconds:.1f} s)")
        except BaseException:
            # Chapters not yet started are dropped; running ones finish first (CPython 3.11's pool
            # breaks its own manager thread when told not to wait while tasks run one per process).
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        pool.shutdown()
    for page in documents:
        report.files_read[page.relative] = results[page].files_read
    return {page: results[page] for page in documents}


def _write_html(book, documents, executed, registry, titles, staging: Path, work: Path) -> None:
    assembler = Assembler(registry, "html", work / "html-figures", book.echo)
    for page, document in documents.items():
        markdown = assembler.chapter(page, document, executed[page])
        html_writer.render_page(book, page, markdown, titles, document.meta, staging)
    html_writer.write_assets(staging)


def _swap(staging: Path, target: Path) -> None:
    """Replace `target` by `staging` with two renames, so readers never see half a site."""
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)
