"""Build the book: check the data, run the chapters, write HTML and PDF, then swap `_book/` in whole.

Everything is written to a temporary folder beside the output folder and moved
into place only when every step succeeded, so a failed build leaves the
previous `_book/` exactly as it was. What the project publishes besides pages
(source viewer, downloads, search index, ...) is its own `project: post-render`
step, which runs on that folder before the swap, as under `quarto render`.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from . import crossref, files, project, qmd, scripts, snapshot
from .cache import ChapterCache, FileHashes, build_key, prune_cache
from .crossref import Registry
from .errors import BuildError
from .execute import Executed, Limits, run_chapters, start_chapter_processes, syntax_problems
from .writer import BookWriter


@dataclass
class Report:
    """What a build did, for the progress summary and for tests."""

    executed: dict[str, float] = field(default_factory=dict)  # chapter -> seconds executing
    reused: list[str] = field(default_factory=list)  # chapters taken from the cache
    files_read: dict[str, list[str]] = field(default_factory=dict)
    unchanged: bool = False  # nothing to do: the last build is current
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


def render(
    root: Path,
    to: tuple[str, ...] = ("html", "pdf"),
    quiet: bool = False,
    out: Path | None = None,
    fresh: bool = False,
    jobs: int | None = None,
) -> Report:
    """Render the book at `root` into its output folder (or `out`).

    Chapters whose inputs are unchanged are reused from the cache unless
    `fresh`; the others run in parallel, `jobs` at a time (default: all cores).
    One render at a time per project: a second one fails at once, naming the first.
    """
    started = time.perf_counter()
    root = root.resolve()
    book = project.load(root)
    log = (lambda *_: None) if quiet else (lambda message: print(message, file=sys.stderr, flush=True))
    target = (out or book.output_dir).resolve()
    with render_lock(root):
        _clean_up_after_an_interrupted_build(root, target, log)
        return _render(book, to, log, target, fresh, jobs, started, quiet)


def _render(book, to, log, target: Path, fresh: bool, jobs: int | None, started: float, quiet: bool = False) -> Report:
    root = book.root
    report = Report()
    hashes = FileHashes()
    key = build_key(root, to, hashes)
    stamp = root / ".swbook-cache" / "build.json"
    if not fresh and target.exists() and _last_build(stamp, target, key):
        report.unchanged, report.output = True, target
        report.seconds = time.perf_counter() - started
        log(f"nothing changed since the last build of {target} ({report.seconds:.1f} s)")
        snapshot.unchanged(target)
        return report

    start_chapter_processes()
    documents = {page: qmd.parse(page.source) for page in book.pages}
    registry = Registry()
    for page, document in documents.items():
        registry.collect(page, document)
    _check_chapters(book, documents, registry)
    scripts.run(book, "pre-render", scripts.environment(book, target))
    titles = {page: document.title for page, document in documents.items()}
    labels = {page: document.label for page, document in documents.items()}
    has_data = (root / "data" / "datapackage.json").exists()
    work = root / ".swbook-cache" / "work"  # one fixed place (under the lock), so PDF figure paths are stable
    staging = None
    try:
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        staging = _make_staging(target)
        # Each page is written as soon as its chapter's outputs exist, while the other chapters still run.
        writer = BookWriter(book, documents, registry, titles, labels, staging, work, to, jobs, log)
        chapter_cache = ChapterCache(root, hashes)
        try:
            # The data checks run while the chapters execute; a problem in the data still stops the build
            # before anything is cached or published, and is reported ahead of any chapter error.
            to_cache = _execute_all(
                root,
                documents,
                report,
                log,
                chapter_cache,
                fresh,
                jobs,
                limits=_limits(book),
                meanwhile=lambda: check_data(root) if has_data else None,
                ready=writer.ready,
            )
            writer.finish()
        finally:
            writer.close()
        # With the figures drawn for print, so that a build reusing a chapter has nothing to draw.
        # What the chapter costs next time: its run and the drawing of its figures (it is started first).
        for relative, source, outputs, seconds in to_cache:
            cost = seconds + writer.drawing_seconds.get(relative, 0.0)
            chapter_cache.store(relative, source, writer.as_drawn(relative, outputs), cost)
        scripts.copy_resources(book, staging)
        # Before the post-render step, which is given the pages in book order, written or kept alike: a PDF-only
        # build's site keeps its search index and figure tables whole.
        _keep_formats_not_rebuilt(book, to, target, staging)
        outputs = [page.html for page in book.pages if (staging / page.html).is_file()]
        began = time.perf_counter()
        scripts.run(book, "post-render", scripts.environment(book, staging, outputs))
        log(f"  ran the post-render step ({time.perf_counter() - began:.1f} s)")
        _swap(staging, target)
    except OSError as error:
        raise BuildError(
            f"{error.filename or target}: {error.strerror or error} (while writing the book into "
            f"{target}; nothing was published)"
        ) from None
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(json.dumps({"key": key, "output": str(target), "files": _manifest(target)}), encoding="utf-8")
    prune_cache(root)
    if "html" in to:  # what changed for a reader, read back from the published pages
        snapshot.report(target, stamp.parent, [page.html for page in book.pages], quiet)
    report.seconds = time.perf_counter() - started
    report.output = target
    log(
        f"built {target} in {report.seconds:.1f} s: {len(report.executed)} chapter(s) executed, "
        f"{len(report.reused)} reused"
    )
    return report


def _make_staging(target: Path) -> Path:
    """The folder the book is written into, beside `target`, to be swapped in whole at the end."""
    for folder in reversed(target.parents):
        if folder.exists() and not folder.is_dir():
            raise BuildError(
                f"{folder}: is a file, so the output folder {target} cannot be made (project: output-dir in _quarto.yml)"
            )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
    except OSError as error:
        raise BuildError(
            f"{target.parent}: cannot write the book there: {error.strerror} (project: output-dir "
            f"in _quarto.yml; nothing was published)"
        ) from None
    staging.chmod(0o755)  # mkdtemp makes it private; the published site must be readable by a web server
    return staging


def _check_chapters(book, documents: dict, registry: Registry) -> None:
    """Stop before running anything on every problem the chapters' text shows on its own.

    Code that is not Python, references to labels no page defines and
    citations of keys the bibliography lacks are all listed at once.
    """
    keys = (
        crossref.bibliography_keys(files.read_text(book.bibliography))
        if book.bibliography and book.bibliography.exists()
        else set()
    )
    problems = []
    for page, document in documents.items():
        problems += syntax_problems(document, book.root)
        problems += registry.unresolved(page, document)
        for block in document.blocks:
            if isinstance(block, qmd.Markdown):
                problems += [
                    f"{page.relative}:{block.line + offset}: unresolved citation @{key} (no entry with "
                    f"that key in {book.config.get('bibliography') or 'a bibliography: _quarto.yml names none'})"
                    for offset, key in crossref.citations(block.text)
                    if key not in keys
                ]
    if problems:
        raise BuildError(
            f"{len(problems)} problem(s) in the chapters; nothing was run or written:\n" + "\n".join(problems)
            if len(problems) > 1
            else problems[0]
        )


def _limits(book) -> Limits:
    """The per-cell limits from _quarto.yml's `swbook:` settings."""
    settings = book.config.get("swbook") or {}
    default = Limits()
    values = {}
    for key, field_name, scale in (("cell-timeout", "timeout", 1), ("cell-output-limit-mb", "output_bytes", 1e6)):
        value = settings.get(key, getattr(default, field_name) / scale)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise BuildError(f"{book.root / '_quarto.yml'}: swbook: {key} must be a positive number, not {value!r}")
        values[field_name] = type(getattr(default, field_name))(value * scale)
    return Limits(**values)


@contextmanager
def render_lock(root: Path):
    """Hold the project's render lock; fail at once, naming the holder, if another render has it.

    The operating system drops the lock with its holder, so a killed build never leaves it behind.
    """
    path = root / ".swbook-cache" / "render.lock"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = path.open("a+", encoding="utf-8")
    except OSError as error:
        raise BuildError(f"{path}: cannot create the render lock: {error.strerror}") from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise BuildError(
                f"{root}: another swbook render ({holder}) is building this project; "
                f"wait for it to finish, then run again"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        yield
    finally:
        handle.close()


def _clean_up_after_an_interrupted_build(root: Path, target: Path, log) -> None:
    """Undo what a build killed mid-way left: a half-made staging folder, or a site moved aside.

    Runs under the render lock, so nothing here belongs to a live build.
    """
    old = target.with_name(f".{target.name}.old")
    if not target.exists() and old.exists():
        old.rename(target)
        log(f"  restored {target} from an interrupted build")
    for stale in [*target.parent.glob(f".{target.name}.building-*"), old]:
        shutil.rmtree(stale, ignore_errors=True)
    shutil.rmtree(root / ".swbook-cache" / "work", ignore_errors=True)


def _keep_formats_not_rebuilt(book, to: tuple[str, ...], target: Path, staging: Path) -> None:
    """A build of one format keeps the other from the published site, so no link goes dead.

    File by file: a folder this build also writes (`assets/`, with the Vega
    bundle) keeps the site's other files in it (the stylesheet, the script).
    The data downloads are the post-render step's to write whole (an earlier
    release's zip must not stay beside this one's).
    """
    if not target.exists():
        return
    pdf = target / book.pdf_name
    if "pdf" not in to and pdf.exists():
        shutil.copy2(pdf, staging / book.pdf_name)
    if "html" not in to:
        for path in sorted(target.rglob("*")):
            relative = path.relative_to(target)
            if relative.parts[0] in {book.pdf_name, "data"} or not path.is_file() or (staging / relative).exists():
                continue
            (staging / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, staging / relative)


def _manifest(target: Path) -> dict[str, str]:
    """The digest of every published file, to tell later that the site is still whole."""
    # changes.json is the build's report on itself, rewritten by every render: not part of the site's content.
    return {
        path.relative_to(target).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(target.rglob("*"))
        if path.is_file() and path.relative_to(target).as_posix() != snapshot.REPORT
    }


def _last_build(stamp: Path, target: Path, key: str) -> bool:
    """Whether the last build had these inputs and its output is still there, file for file."""
    try:
        last = json.loads(stamp.read_text(encoding="utf-8"))
        if last.get("key") != key or last.get("output") != str(target):
            return False
        return _manifest(target) == last["files"]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False


def _needs_kernel(document: qmd.Document) -> bool:
    return bool(document.cells) or any(b.inline for b in document.blocks if isinstance(b, qmd.Markdown))


def _execute_all(
    root,
    documents,
    report: Report,
    log,
    cache: ChapterCache,
    fresh: bool,
    jobs: int | None,
    limits: Limits = Limits(),
    meanwhile=lambda: None,
    ready=lambda page, executed: None,
) -> list[tuple[str, str, Executed, float]]:
    """Run every chapter whose cached outputs are not current, in parallel; hand on every chapter's outputs.

    `ready` is given each chapter's outputs as soon as they exist: a reused
    chapter's while the others run, an executed one's when it ends. `meanwhile`
    runs in this process once the chapters have started; if it raises, the
    chapters are stopped. Returns what to cache once the pages are written:
    (chapter, its text, outputs, seconds) for each chapter that ran.
    """
    sources = {page: files.read_text(page.source) for page in documents}
    saved = {} if fresh else {page: cache.current(page.relative, sources[page]) for page in documents}
    # The costliest chapters first (their run and drawing, as they last took), so no core waits for one started last.
    pending = sorted(
        ((page, d) for page, d in documents.items() if saved.get(page) is None and _needs_kernel(d)),
        key=lambda item: -cache.seconds(item[0].relative),
    )
    unreadable = []  # entries sealed but not of the shape this code writes (rare): those chapters run after
    finished = {}

    def reuse_then_check() -> None:
        for page, document in documents.items():
            if saved.get(page) is not None:
                outputs = cache.outputs(saved[page])
                if outputs is None:
                    unreadable.append((page, document))
                    continue
                report.reused.append(page.relative)
                log(f"  reused   {page.relative} (unchanged)")
            elif _needs_kernel(document):
                continue  # it runs
            else:
                outputs = Executed()
            report.files_read[page.relative] = outputs.files_read
            ready(page, outputs)
        meanwhile()

    def done(page, outputs, seconds):
        finished[page] = (outputs, seconds)
        report.executed[page.relative] = seconds
        report.files_read[page.relative] = outputs.files_read
        log(f"  executed {page.relative} ({seconds:.1f} s)")
        ready(page, outputs)

    for tasks, alongside in ((pending, reuse_then_check), (unreadable, lambda: None)):
        if tasks:
            workers = max(1, min(jobs or os.cpu_count() or 1, len(tasks)))
            run_chapters(tasks, root, workers, limits, meanwhile=alongside, finished=done)
        else:
            alongside()
    return [(page.relative, sources[page], *finished[page]) for page, _ in pending + unreadable]


def _swap(staging: Path, target: Path) -> None:
    """Put `staging` in the place of `target`, so readers never see half a site.

    Linux swaps the two folders in one step (renameat2 RENAME_EXCHANGE); elsewhere two
    renames, and a build killed between them leaves `.<target>.old`, which the next
    build puts back (see `_clean_up_after_an_interrupted_build`).
    """
    if target.exists() and _exchange(staging, target):
        shutil.rmtree(staging, ignore_errors=True)  # now the previous site
        return
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically; False where the system cannot."""
    import ctypes
    import errno

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in {errno.EINVAL, errno.ENOSYS, errno.EPERM, errno.ENOTSUP}:
        return False
    raise OSError(code, os.strerror(code), str(second))
