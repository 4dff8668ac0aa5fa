"""Execute a chapter's Python cells in a Jupyter kernel with nbclient.

One kernel per chapter, cells in document order, inline expressions run as
small cells of their own where they stand. A failing cell raises BuildError
naming the chapter, the cell and its line in the .qmd file.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, DeadKernelError

from .errors import BuildError
from .qmd import Cell, Document, Markdown

_SETUP = """\
def __swbook_inline__(value):
    from IPython.display import display, Markdown
    if isinstance(value, float):
        value = f"{value:g}"
    display(Markdown(str(value)))
"""
_READS = "import json, swsurveys.paths as _p; print(json.dumps(_p.files_read()))"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
START_ATTEMPTS = 3


@dataclass
class Executed:
    """Outputs of one executed chapter."""

    outputs: dict[int, list[dict]] = field(default_factory=dict)   # cell index -> outputs
    inline: dict[int, list[str]] = field(default_factory=dict)     # markdown block -> values
    files_read: list[str] = field(default_factory=list)


def _inline_value(outputs: list[dict]) -> str:
    for output in outputs:
        data = output.get("data", {})
        if "text/markdown" in data:
            return data["text/markdown"]
    return ""


def execute(document: Document, root: Path, timeout: int = 600) -> Executed:
    """Run every cell of `document`; return outputs keyed by cell and block."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    where: list[tuple[str, object, int]] = []   # (kind, block, position) per notebook cell
    notebook.cells.append(nbformat.v4.new_code_cell(_SETUP))
    where.append(("setup", None, 0))
    for position, block in enumerate(document.blocks):
        if isinstance(block, Cell):
            notebook.cells.append(nbformat.v4.new_code_cell(block.source))
            where.append(("cell", block, position))
        elif isinstance(block, Markdown):
            for expression in block.inline:
                notebook.cells.append(nbformat.v4.new_code_cell(f"__swbook_inline__({expression})"))
                where.append(("inline", block, position))
    notebook.cells.append(nbformat.v4.new_code_cell(_READS))
    where.append(("reads", None, 0))

    for attempt in range(1, START_ATTEMPTS + 1):
        client = NotebookClient(notebook, timeout=timeout, kernel_name="python3", allow_errors=False,
                                resources={"metadata": {"path": str(document.path.parent)}})
        try:
            # The kernel's own stderr only carries start-up chatter; cell errors arrive as outputs.
            client.execute(stderr=subprocess.DEVNULL, env={**os.environ, "SWSURVEYS_DATA": str(root / "data")})
            break
        except (CellExecutionError, DeadKernelError) as error:
            raise BuildError(_describe_failure(document, root, notebook, where, error)) from None
        except RuntimeError as error:
            # Kernels started at the same moment in parallel processes can race for the same
            # free ports and die before answering; starting again is the fix.
            if "before replying to kernel_info" not in str(error) or attempt == START_ATTEMPTS:
                raise BuildError(f"{_relative(document.path, root)}: the Jupyter kernel did not start: {error}") from None
            for cell in notebook.cells:
                cell.outputs = []

    result = Executed()
    for cell, (kind, block, position) in zip(notebook.cells, where):
        if kind == "cell":
            result.outputs[block.index] = cell.outputs
        elif kind == "inline":
            result.inline.setdefault(position, []).append(_inline_value(cell.outputs))
        elif kind == "reads":
            text = "".join(o.get("text", "") for o in cell.outputs if o.get("name") == "stdout")
            result.files_read = json.loads(text or "[]")
    return result


def _describe_failure(document: Document, root: Path, notebook, where, error) -> str:
    chapter = _relative(document.path, root)
    for cell, (kind, block, _) in zip(notebook.cells, where):
        for output in cell.get("outputs", []):
            if output.get("output_type") != "error":
                continue
            problem = f"{output['ename']}: {_ANSI.sub('', output['evalue'])}"
            if kind == "cell":
                label = f" ({block.label})" if block.label else ""
                return f"{chapter}:{block.line}: cell {block.index}{label} failed: {problem}"
            if kind == "inline":
                return f"{chapter}:{block.line}: an inline expression in the paragraph starting here failed: {problem}"
            return f"{chapter}: the book's own setup cell failed: {problem}"
    return f"{chapter}: the kernel stopped: {_ANSI.sub('', str(error)).strip().splitlines()[-1]}"


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)
