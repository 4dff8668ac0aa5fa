"""Write the PDF book: each chapter through pandoc to Typst, then the whole book compiled by the typst package.

Chapters are converted one by one and each conversion is cached by its
markdown and settings, so a one-value fix re-converts only the chapters it
changed; the front matter comes from pandoc's own run of the book template.
Typst then lays out the whole book at once (page numbers, contents and
cross-references span chapters).
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

import typst

from . import edition
from .assemble import typst_escape
from .errors import BuildError
from .html import CALLOUTS, convert
from .project import Book, Page

_TEMPLATE = resources.files("swbook") / "templates" / "book.typ"


def _raw(content: str) -> str:
    return f"````{{=typst}}\n{content}\n````"


LINKS = resources.files("swbook") / "templates" / "pdf-links.lua"
LAYOUT = resources.files("swbook") / "templates" / "pdf-layout.lua"
CORRECTIONS = resources.files("swbook") / "templates" / "pdf-corrections.lua"
# Tagged and accessible: every figure carries its alt text, the document its title and language.
PDF_STANDARD = "ua-1"


def chunk_wrappers(book: Book, titles: dict[Page, str], labels: dict[Page, str]) -> dict:
    """For each page, what turns its chapter's markdown into its chunk of the book.

    Chunks follow in book order: parts, numbered chapters, lettered appendices.
    What a page's chunk opens with depends only on the pages before it, so
    each chunk can be made as soon as its own chapter is ready.
    """
    out, part, appendices = {}, None, False
    for page in book.pages:
        before, after = [], []
        if page.part != part and page.part and page.kind != "appendix":
            before.append(_raw(f"#part[{typst_escape(page.part)}]"))
        part = page.part
        if page.kind == "appendix" and not appendices:
            appendices = True
            before.append(_raw('#part[Appendices]\n#set heading(numbering: "A.1")\n#chapter-numbering.update("A")'))
        label = labels.get(page) or f"page-{page.stem}"
        if page.kind == "index":
            before.append(_raw("#set heading(numbering: none)"))
            before.append(f"# {titles[page]} {{#{label} .unnumbered}}")
            after.append(_raw('#set heading(numbering: "1.1")'))
        else:
            position = int(page.number) if page.number.isdigit() else ord(page.number) - ord("A") + 1
            before.append(_raw(f"#chapter-start({position})"))
            before.append(f"# {titles[page]} {{#{label}}}")
        out[page] = functools.partial(_chunk, before, after)
    return out


def _chunk(before: list[str], after: list[str], markdown: str) -> str:
    return "\n\n".join([*before, markdown, *after]) + "\n"


_BODY = "SWBOOKBODYGOESHERE"


def _chapter_args(book: Book, page: Page, markdown: str) -> list[str]:
    # Relative links are resolved from the page's folder, to the published site or to plain text.
    args = [
        f"--lua-filter={CALLOUTS}",
        f"--lua-filter={LINKS}",
        f"--lua-filter={LAYOUT}",
        f"--lua-filter={CORRECTIONS}",
        "--wrap=preserve",
        f"--metadata=swbook-site-url:{book.meta.get('site-url', '')}",
        f"--metadata=swbook-page-dir:{Path(page.relative).parent.as_posix().strip('.')}",
    ]
    if book.bibliography and "@" in markdown:
        args += ["--citeproc", f"--bibliography={book.bibliography}"]
        if "{#refs}" not in markdown:  # the one bibliography is where the book places it
            args.append("--metadata=suppress-bibliography:true")
    return args


def front_matter(book: Book) -> str:
    """The book's Typst around its chapters (title page, contents, styles), with `_BODY` where they go."""
    meta = book.meta
    frame_args = [
        "--standalone",
        f"--template={_TEMPLATE}",
        "--wrap=preserve",
        f"--metadata=title:{book.title}",
        f"--metadata=pagetitle:{book.title}",
        f"--metadata=subtitle:{meta.get('subtitle', '')}",
        f"--metadata=author:{meta.get('author', '')}",
        f"--metadata=date:{meta.get('date', '')}",
    ]
    release = edition.read(book.root)  # the title page names the release a reader can cite
    frame_args += [f"--metadata=edition:{release.label}"] if release.label else []
    # The PDF is dated with its release, not with the moment it was built, so a release's PDF is the same file
    # from every build of it.
    day = release.released_date  # None: no release date named, and Typst dates the PDF with today
    if day:
        frame_args += [f"--metadata=released-{part}:{getattr(day, part)}" for part in ("year", "month", "day")]
    frame = convert(book, _BODY, "typst", frame_args, "the PDF front matter")
    if frame.count(_BODY) != 1:
        raise BuildError(f"{_TEMPLATE}: the template must place $body$ exactly once")
    return frame


def typst_chunk(book: Book, page: Page, markdown: str) -> str:
    """One page's chunk of the book (`chunk_wrappers`) converted to Typst by pandoc (cached)."""
    return convert(book, markdown, "typst", _chapter_args(book, page, markdown), f"{page.relative} (PDF)")


def compile_pdf(book: Book, frame: str, bodies: list[str], work_dir: Path, target: Path) -> Path:
    """Compile the front matter with the chapters' Typst, in book order, to `target`."""
    typ = work_dir / "book.typ"
    typ.write_text(frame.replace(_BODY, "\n".join(bodies)), encoding="utf-8")
    try:
        pdf, warnings = typst.compile_with_warnings(str(typ), root="/", pdf_standards=PDF_STANDARD)
    except Exception as error:  # typst raises its own error types; its message names the line
        raise BuildError(f"{typ}: Typst could not compile the PDF: {error}") from None
    # A layout that did not settle prints wrong numbers (figures numbered by the wrong chapter, stale page
    # references) without failing: treat it as the error it is.
    unsettled = sorted({str(w).split("\n")[0] for w in warnings if "converge" in str(w) or "stabilize" in str(w)})
    if unsettled:
        raise BuildError(
            f"{typ}: Typst's layout did not settle, so numbers in the PDF may be wrong: {'; '.join(unsettled[:4])} "
            f"(expected none: a show rule in {_TEMPLATE.name} that depends on where things land may be flipping)"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(pdf)
    return target
