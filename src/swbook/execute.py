"""Execute a chapter's Python cells with IPython, in a process of its own.

Cells run in document order with Jupyter's semantics — an IPython shell, the
value of a cell's last expression displayed through its rich reprs, and
`display()` for anything else — and inline expressions run as small cells of
their own where they stand. Outputs are kept in the notebook's format, so a
chapter could as well be run by Jupyter.

Each chapter gets a fresh process, so no state leaks between chapters. The
processes are forked from a server that has already imported pandas,
altair, vl-convert and swsurveys (see `chapter_processes`), so a chapter pays
for its own code only, not for starting an interpreter and a kernel and
importing the same libraries again: on two cores that is most of a cold build.

A failing cell raises BuildError naming the chapter, the cell and its line in
the .qmd file.
"""
from __future__ import annotations

import ast
import multiprocessing
import os
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .errors import BuildError
from .qmd import Cell, Document, Markdown

# Quarto's rule for an inline expression's output (Quarto 1.4+, Jupyter engine): a value with a
# markdown representation (`_repr_markdown_`, e.g. IPython.display.Markdown) is inserted as
# markdown; anything else is its plain text (a string as itself, not its repr), with every
# markdown character escaped, so `'**not bold**'` prints the asterisks.
_SETUP = r"""
def __swbook_inline__(value):
    import re
    from IPython import get_ipython
    from IPython.display import display, Markdown
    data, _ = get_ipython().display_formatter.format(value)
    if "text/markdown" in data:
        display(Markdown(data["text/markdown"]))
        return
    text = value if isinstance(value, str) else data.get("text/plain", "")
    display(Markdown(re.sub(r"([\\`*_{}\[\]<>#$@~^|])", r"\\\1", text)))
"""
# Imported once by the process server; every chapter process starts with them loaded.
PRELOAD = ["pandas", "altair", "vl_convert", "IPython.core.interactiveshell", "IPython.display",
           "swsurveys", "swsurveys.charts", "swsurveys.crosswalk", "swsurveys.display", "swsurveys.derived",
           "swsurveys.values"]
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class Executed:
    """Outputs of one executed chapter."""

    outputs: dict[int, list[dict]] = field(default_factory=dict)   # cell index -> outputs
    inline: dict[int, list[str]] = field(default_factory=dict)     # markdown block -> values
    files_read: list[str] = field(default_factory=list)


class CellFailed(Exception):
    """A cell raised; carries the exception's name and message."""


def chapter_processes(workers: int) -> ProcessPoolExecutor:
    """A pool whose every task runs in a fresh process forked from a pre-loaded server."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, max_tasks_per_child=1)


def _inline_value(outputs: list[dict]) -> str:
    for output in outputs:
        data = output.get("data", {})
        if "text/markdown" in data:
            return data["text/markdown"]
    return ""


def _shell():
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shell.user_ns["__name__"] = "__main__"
    return shell


def _run(shell, code: str, filename: str) -> list[dict]:
    """Run one cell; its outputs in notebook form. Raises CellFailed if the code raises."""
    from IPython.utils.capture import capture_output

    tree = ast.parse(code, filename)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    with capture_output(stdout=True, stderr=True, display=True) as captured:
        try:
            exec(compile(tree, filename, "exec"), shell.user_ns)
            value = eval(compile(ast.Expression(last.value), filename, "eval"), shell.user_ns) if last else None
        except Exception as error:  # the chapter's own code: any exception is a failed cell
            raise CellFailed(f"{type(error).__name__}: {_ANSI.sub('', str(error))}") from None
    outputs = [{"output_type": "display_data", "data": o.data, "metadata": o.metadata or {}} for o in captured.outputs]
    if value is not None:
        data, metadata = shell.display_formatter.format(value)
        outputs.append({"output_type": "execute_result", "data": data, "metadata": metadata,
                        "execution_count": None})
    if captured.stdout:
        outputs.append({"output_type": "stream", "name": "stdout", "text": captured.stdout})
    if captured.stderr:
        outputs.append({"output_type": "stream", "name": "stderr", "text": captured.stderr})
    return outputs


def execute(document: Document, root: Path) -> Executed:
    """Run every cell of `document` in this process; return outputs keyed by cell and block.

    Meant for a fresh process (see `chapter_processes`): it changes the working
    directory and the data package the process reads.
    """
    import swsurveys.paths

    os.environ["SWSURVEYS_DATA"] = str(root / "data")
    os.chdir(document.path.parent)
    chapter = _relative(document.path, root)
    shell = _shell()
    try:
        _run(shell, _SETUP, "<swbook setup>")
    except CellFailed as error:
        raise BuildError(f"{chapter}: the book's own setup cell failed: {error}") from None
    result = Executed()
    for position, block in enumerate(document.blocks):
        if isinstance(block, Cell):
            try:
                result.outputs[block.index] = _run(shell, block.source, f"{chapter}, cell {block.index}")
            except CellFailed as error:
                label = f" ({block.label})" if block.label else ""
                raise BuildError(f"{chapter}:{block.line}: cell {block.index}{label} failed: {error}") from None
        elif isinstance(block, Markdown):
            for expression in block.inline:
                try:
                    outputs = _run(shell, f"__swbook_inline__({expression})", f"{chapter}, inline")
                except CellFailed as error:
                    raise BuildError(f"{chapter}:{block.line}: an inline expression in the paragraph starting "
                                     f"here failed: {error}") from None
                result.inline.setdefault(position, []).append(_inline_value(outputs))
    result.files_read = swsurveys.paths.files_read()
    return result


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)
