"""Execute a chapter's Python cells with IPython, in a process of its own.

Cells run in document order with Jupyter's semantics — an IPython shell, the
value of a cell's last expression displayed through its rich reprs, and
`display()` for anything else — and inline expressions run as small cells of
their own where they stand. Outputs are kept in the notebook's format, so a
chapter could as well be run by Jupyter.

Each chapter gets a fresh process, so no state leaks between chapters. The
processes are forked from a server that has already imported pandas,
altair, vl-convert and swsurveys (see `swbook.preload`), so a chapter pays
for its own code only, not for starting an interpreter and a kernel and
importing the same libraries again: on two cores that is most of a cold build.

A failing cell raises BuildError naming the chapter, the cell and its line in
the .qmd file.
"""

from __future__ import annotations

import ast
import functools
import multiprocessing
import os
import re
import signal
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from pathlib import Path

from .errors import BuildError
from .mime import DEFER_ENV
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
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class Executed:
    """Outputs of one executed chapter."""

    outputs: dict[int, list[dict]] = field(default_factory=dict)  # cell index -> outputs
    inline: dict[int, list[str]] = field(default_factory=dict)  # markdown block -> values
    files_read: list[str] = field(default_factory=list)


class CellFailed(Exception):
    """A cell raised; carries the exception's name and message."""


@dataclass(frozen=True)
class Limits:
    """What one cell may use (`swbook: cell-timeout` and `cell-output-limit-mb` in _quarto.yml)."""

    timeout: float = 300.0  # seconds; the book's slowest cell takes a few
    output_bytes: int = 5_000_000  # the book's largest chapter writes under 1 MB in all


def syntax_problems(document: Document, root: Path) -> list[str]:
    """Every cell and inline expression of a chapter that is not valid Python, before anything runs."""
    chapter = _relative(document.path, root)
    problems = []
    for block in document.blocks:
        if isinstance(block, Cell):
            error = _not_python(block.source, "exec")
            if error:
                line = block.code_line + (error.lineno or 1) - 1
                problems.append(f"{chapter}:{line}: cell {block.index}{_label(block)} is not valid Python: {error.msg}")
        elif isinstance(block, Markdown):
            for number, expression in enumerate(block.inline):
                error = _not_python(expression, "eval")
                if error:
                    line = block.line + block.text[: _inline_position(block.text, number)].count("\n")
                    problems.append(
                        f"{chapter}:{line}: the inline expression `{{python}} {expression}` "
                        f"is not a valid Python expression: {error.msg}"
                    )
    return problems


@functools.lru_cache(maxsize=4096)
def _not_python(source: str, mode: str) -> SyntaxError | None:
    """Why `source` is not Python (None if it is): once per text in a process that builds again and again."""
    try:
        ast.parse(source, mode=mode)
    except SyntaxError as error:
        return error
    return None


def _inline_position(text: str, number: int) -> int:
    """Where the `number`th inline expression of a markdown block starts."""
    from .qmd import _INLINE

    return [match.start() for match in _INLINE.finditer(text)][number]


def _label(cell: Cell) -> str:
    return f" ({cell.label})" if cell.label else ""


def _inline_value(outputs: list[dict]) -> str:
    for output in outputs:
        data = output.get("data", {})
        if "text/markdown" in data:
            return data["text/markdown"]
    return ""


def chapter_shell():
    """The IPython shell chapters run in: one per process, made by the process server before it forks.

    Each chapter is a fresh fork of the server (see `chapter_processes`), so
    it starts with a shell that has run nothing, without paying to make one
    (IPython's magics and completer are a tenth of a small chapter's run).
    """
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    if InteractiveShell.initialized():
        shell = InteractiveShell.instance()
        # The fork's own start put the command's script in as `__main__`; the chapter's namespace must be it,
        # as in Jupyter, or a cell could not pickle a function it defines.
        shell.init_sys_modules()
        return shell
    config = Config()
    config.HistoryManager.enabled = False  # a build keeps no input history (no SQLite file in the home folder)
    shell = InteractiveShell.instance(config=config)
    shell.user_ns["__name__"] = "__main__"
    return shell


def _run(shell, code: str, filename: str, first_line: int = 0, limits: Limits = Limits()) -> list[dict]:
    """Run one cell; its outputs in notebook form. Raises CellFailed if the code raises.

    `first_line` is the .qmd line of the code's first line, to say where an error was raised.
    """
    from IPython.utils.capture import capture_output

    try:
        tree = ast.parse(code, filename)
    except SyntaxError as error:
        raise CellFailed(f"SyntaxError: {error.msg}{_at(first_line, error.lineno)}") from None
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    with capture_output(stdout=True, stderr=True, display=True) as captured:
        try:
            exec(compile(tree, filename, "exec"), shell.user_ns)
            value = eval(compile(ast.Expression(last.value), filename, "eval"), shell.user_ns) if last else None
        except SystemExit as error:  # sys.exit() in a chapter would end the build's worker without a word
            raise CellFailed(
                f"it called sys.exit({error.code!r}) (raised SystemExit); a chapter must not end "
                f"its process{_at(first_line, _raised_at(error, filename))}"
            ) from None
        except BaseException as error:  # the chapter's own code: any exception is a failed cell
            raise CellFailed(
                f"{type(error).__name__}: {_ANSI.sub('', str(error))}{_at(first_line, _raised_at(error, filename))}"
            ) from None
    size = (
        len(captured.stdout)
        + len(captured.stderr)
        + sum(len(str(value)) for o in captured.outputs for value in (o.data or {}).values())
    )
    if size > limits.output_bytes:
        raise CellFailed(
            f"it wrote {size / 1e6:.1f} MB of output, more than the limit of "
            f"{limits.output_bytes / 1e6:g} MB per cell (swbook: cell-output-limit-mb in _quarto.yml)"
        )
    outputs = [{"output_type": "display_data", "data": o.data, "metadata": o.metadata or {}} for o in captured.outputs]
    if value is not None:
        data, metadata = shell.display_formatter.format(value)
        outputs.append({"output_type": "execute_result", "data": data, "metadata": metadata, "execution_count": None})
    if captured.stdout:
        outputs.append({"output_type": "stream", "name": "stdout", "text": captured.stdout})
    if captured.stderr:
        outputs.append({"output_type": "stream", "name": "stderr", "text": captured.stderr})
    return outputs


def _raised_at(error: BaseException, filename: str) -> int | None:
    """The line within the cell where `error` was raised (its innermost frame in the cell's code)."""
    lines = [frame.lineno for frame in traceback.extract_tb(error.__traceback__) if frame.filename == filename]
    return lines[-1] if lines else None


def _at(first_line: int, line: int | None) -> str:
    return f" (at line {first_line + line - 1})" if first_line and line else ""


def execute(document: Document, root: Path, limits: Limits = Limits(), progress=lambda where: None) -> Executed:
    """Run every cell of `document` in this process; return outputs keyed by cell and block.

    Meant for a fresh process (see `run_chapters`): it changes the working
    directory and the data package the process reads. `progress` is told
    where each cell or inline expression starts, so that whoever watches the
    process can say which cell it was in if it never comes back.
    """
    import swsurveys.paths

    os.environ["SWSURVEYS_DATA"] = str(root / "data")
    os.environ[DEFER_ENV] = "1"  # a chart says how to draw it for print; the build draws it if the PDF needs it
    os.chdir(document.path.parent)
    chapter = _relative(document.path, root)
    shell = chapter_shell()
    try:
        _run(shell, _SETUP, "<swbook setup>")
    except CellFailed as error:
        raise BuildError(f"{chapter}: the book's own setup cell failed: {error}") from None
    result = Executed()
    for position, block in enumerate(document.blocks):
        if isinstance(block, Cell):
            where = f"{chapter}:{block.line}: cell {block.index}{_label(block)}"
            progress(where)
            try:
                result.outputs[block.index] = _run(
                    shell, block.source, f"{chapter}, cell {block.index}", block.code_line, limits
                )
            except CellFailed as error:
                raise BuildError(f"{where} failed: {error}") from None
        elif isinstance(block, Markdown):
            for expression in block.inline:
                progress(f"{chapter}:{block.line}: the inline expression `{{python}} {expression}`")
                try:
                    outputs = _run(shell, f"__swbook_inline__({expression})", f"{chapter}, inline", 0, limits)
                except CellFailed as error:
                    raise BuildError(
                        f"{chapter}:{block.line}: an inline expression in the paragraph starting here failed: {error}"
                    ) from None
                result.inline.setdefault(position, []).append(_inline_value(outputs))
    result.files_read = swsurveys.paths.files_read()
    return result


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


# ------------------------------------------------------------ chapter processes


def chapter_processes():
    """Chapters run in processes forked from a server that has already imported the heavy libraries."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["swbook.preload"])
    return context


def start_chapter_processes() -> None:
    """Start the process server now, so that its imports (a second or more) overlap the build's own checks."""
    import multiprocessing.forkserver

    chapter_processes()
    multiprocessing.forkserver.ensure_running()


def _worker(document: Document, root: Path, limits: Limits, results, lifeline) -> None:
    """Run one chapter in this fresh process and send back its outputs or its error."""
    # Ctrl-C reaches every process of the terminal's group: the build itself stops the chapters.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_build, args=(lifeline,), daemon=True).start()
    try:
        executed = execute(document, root, limits, progress=lambda where: results.send(("at", where, time.monotonic())))
        results.send(("done", executed))
    except BuildError as error:
        results.send(("failed", str(error)))
    except BaseException as error:  # a fault of swbook itself; still reported as this chapter's
        results.send(("failed", f"{_relative(document.path, root)}: could not be run: {type(error).__name__}: {error}"))


def _exit_with_build(lifeline) -> None:
    """End this process when the build that started it is gone, even after `kill -9` of the build."""
    try:
        lifeline.recv_bytes()
    except (EOFError, OSError):
        pass
    os._exit(70)


@dataclass
class _Running:
    key: object
    chapter: str
    process: object
    results: object
    lifeline: object
    where: str = ""
    since: float = 0.0


def _ended(process) -> str:
    code = process.exitcode
    if code is not None and code < 0:
        try:
            return f"killed by signal {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


def run_chapters(
    tasks: list[tuple[object, Document]],
    root: Path,
    jobs: int,
    limits: Limits,
    meanwhile=lambda: None,
    finished=lambda key, executed, seconds: None,
) -> dict:
    """Run chapters, `jobs` at a time, each in a fresh process; their outputs by key.

    Every chapter runs even when one fails, so that one build names every failed
    cell; then BuildError lists them. A cell that runs past `limits.timeout`, or
    whose process ends in any way (sys.exit, os._exit, a signal) without
    sending its outputs, fails naming its chapter and cell. `meanwhile` runs
    here once the first chapters have started; if it raises, the chapters are
    stopped. On any exception (Ctrl-C included) every chapter process is killed
    before this returns.
    """
    context = chapter_processes()
    waiting = list(tasks)
    running: list[_Running] = []
    results: dict = {}
    failures: list[str] = []
    started_at: dict = {}

    def start(key, document):
        receive, send = context.Pipe(duplex=False)
        lifeline_in, lifeline_out = context.Pipe(duplex=False)
        process = context.Process(target=_worker, args=(document, root, limits, send, lifeline_in), daemon=True)
        process.start()
        send.close()  # the child holds the only writer: its death closes our reader
        lifeline_in.close()  # we hold the only writer of its lifeline: our death ends the child
        started_at[key] = time.monotonic()
        running.append(
            _Running(key, _relative(document.path, root), process, receive, lifeline_out, since=time.monotonic())
        )

    def stop(entry: _Running):
        entry.process.kill()
        entry.process.join()
        entry.results.close()
        entry.lifeline.close()
        running.remove(entry)

    checker = ThreadPoolExecutor(max_workers=1)
    try:
        while waiting and len(running) < jobs:
            start(*waiting.pop(0))
        # In a thread of its own, so that a chapter finished meanwhile hands its place to the next at once.
        check = checker.submit(meanwhile)
        while running:
            if check.done() and check.exception() is not None:
                check.result()  # the chapters are stopped below
            ready = wait([entry.results for entry in running], timeout=1.0 if check.done() else 0.02)
            for entry in list(running):
                if entry.results in ready:
                    try:
                        message = entry.results.recv()
                    except (EOFError, OSError):
                        entry.process.join()
                        where = entry.where or entry.chapter
                        failures.append(
                            f"{where} ended the chapter's process ({_ended(entry.process)}) before the chapter finished"
                        )
                        stop(entry)
                        continue
                    if message[0] == "at":
                        entry.where, entry.since = message[1], message[2]
                        continue
                    if message[0] == "done":
                        results[entry.key] = message[1]
                        finished(entry.key, message[1], time.monotonic() - started_at[entry.key])
                    else:
                        failures.append(message[1])
                    stop(entry)
                elif time.monotonic() - entry.since > limits.timeout:
                    failures.append(
                        f"{entry.where or entry.chapter} ran for more than {limits.timeout:g} s and was stopped "
                        f"(the limit is swbook: cell-timeout in _quarto.yml)"
                    )
                    stop(entry)
            while waiting and len(running) < jobs:
                start(*waiting.pop(0))
        check.result()  # a problem in the data is reported ahead of any chapter's
    finally:
        for entry in list(running):
            stop(entry)
        checker.shutdown(wait=True)
    if failures:
        raise BuildError(
            f"{len(failures)} chapter(s) failed; nothing was written:\n" + "\n".join(failures)
            if len(failures) > 1
            else failures[0]
        )
    return results
