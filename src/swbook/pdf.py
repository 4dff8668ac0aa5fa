"""Write the PDF book: all chapters as one pandoc document, to Typst, compiled by the typst package."""
from __future__ import annotations

from importlib import resources
from pathlib import Path

import pypandoc
import typst

from .errors import BuildError
from .html import CALLOUTS, READER
from .project import Book, Page

_TEMPLATE = resources.files("swbook") / "templates" / "book.typ"


def _raw(content: str) -> str:
    return f"````{{=typst}}\n{content}\n````"


def combine(book: Book, chapters: dict[Page, str], titles: dict[Page, str], labels: dict[Page, str]) -> str:
    """One markdown document: parts, numbered chapters, then lettered appendices."""
    out, part, appendices = [], None, False
    for page in book.pages:
        if page.part != part and page.part and page.kind != "appendix":
            out.append(_raw(f"#part[{_escape(page.part)}]"))
        part = page.part
        if page.kind == "appendix" and not appendices:
            appendices = True
            out.append(_raw('#part[Appendices]\n#set heading(numbering: "A.1")\n#chapter-numbering.update("A")'))
        label = labels.get(page) or f"page-{page.stem}"
        if page.kind == "index":
            out.append(_raw("#set heading(numbering: none)"))
            out.append(f"# {titles[page]} {{#{label} .unnumbered}}")
            out.append(chapters[page])
            out.append(_raw('#set heading(numbering: "1.1")'))
            continue
        else:
            position = int(page.number) if page.number.isdigit() else ord(page.number) - ord("A") + 1
            out.append(_raw(f"#chapter-start({position})"))
            out.append(f"# {titles[page]} {{#{label}}}")
        out.append(chapters[page])
    return "\n\n".join(out) + "\n"


def _escape(text: str) -> str:
    return "".join("\\" + c if c in '\\#*_`$[]<>@~/=-+"\'' else c for c in text)


def render_pdf(book: Book, markdown: str, work_dir: Path, target: Path) -> Path:
    """Convert the combined markdown to Typst and compile it to `target`."""
    meta = book.meta
    args = ["--standalone", f"--template={_TEMPLATE}", f"--lua-filter={CALLOUTS}", "--wrap=preserve",
            f"--metadata=title:{book.title}", f"--metadata=pagetitle:{book.title}",
            f"--metadata=subtitle:{meta.get('subtitle', '')}",
            f"--metadata=author:{meta.get('author', '')}", f"--metadata=date:{meta.get('date', '')}"]
    if book.bibliography:
        args += ["--citeproc", f"--bibliography={book.bibliography}"]
    try:
        source = pypandoc.convert_text(markdown, "typst", format=READER, extra_args=args)
    except RuntimeError as error:
        raise BuildError(f"pandoc could not convert the book to Typst: {error}") from None
    typ = work_dir / "book.typ"
    typ.write_text(source, encoding="utf-8")
    try:
        pdf = typst.compile(str(typ), root="/")
    except Exception as error:  # typst raises its own error types; its message names the line
        raise BuildError(f"{typ}: Typst could not compile the PDF: {error}") from None
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(pdf)
    return target
