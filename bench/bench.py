"""`make bench`: how long a reader, an author and CI wait for the book.

A benchmark, not a test: it times whole builds of a private copy of the
project and prints the medians of several runs.

  (a) cold      swbook render --fresh with no cache at all
  (b) no-change swbook render again, nothing edited
  (c) one fix   swbook render after one observation's note changes
  (f) one value swbook render after two values one source line prints are swapped
                (a value fix that still verifies: what an author's fix looks like)
  (d) naive     each chapter run with `jupyter nbconvert --execute`, then pandoc
  (e) floor     every chapter's code run once in one warm Python process,
                plus the pandoc (HTML) and Typst (PDF) steps

Results are printed and written to bench/results.md.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the tests' shared helpers module
from helpers import copy_project  # noqa: E402
from swbook import project, qmd  # noqa: E402
from swbook.build import render  # noqa: E402
from swsurveys.catalogue import clear_cache  # noqa: E402
from swsurveys.paths import using_data  # noqa: E402

NOTE_FILE = "data/observations/ofsted-2010.csv"
NOTE_FROM = "Also printed on the cover (line 13)."


def timed(action) -> float:
    began = time.perf_counter()
    action()
    return time.perf_counter() - began


def cold(root: Path) -> float:
    shutil.rmtree(root / ".swbook-cache", ignore_errors=True)
    return timed(lambda: render(root, quiet=True, fresh=True))


def one_fix(root: Path, run: int) -> tuple[float, int]:
    path = root / NOTE_FILE
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(NOTE_FROM, f"{NOTE_FROM} Benchmark edit {run}.", 1), encoding="utf-8")
    report = None

    def build():
        nonlocal report
        report = render(root, quiet=True)

    seconds = timed(build)
    path.write_text(text, encoding="utf-8")
    render(root, quiet=True)  # back to the committed state for the next run
    return seconds, len(report.executed)


VALUE_FILE = "data/observations/ofsted-2010.csv"
VALUE_ROWS = ("Agree,All,percent,51,51,,,283,1,", "Disagree,All,percent,27,27,,,283,2,")


def one_value(root: Path, new_process: bool = False) -> tuple[float, int, list[str]]:
    """Swap two values that line 283 of the 2010 source prints, render, and put them back, cache and all.

    In this process (as `swbook preview` rebuilds, with Typst's memory and the chapter
    server warm), or with `new_process` as a fresh `swbook render` command. Returns the
    seconds, the chapters executed and the build's own account of its steps.
    """
    cache = root / ".swbook-cache"
    known = set(cache.rglob("*"))
    # How pandoc writes each number of a page is kept in one file per page, which a fix adds to: put back too.
    pieces = {path: path.read_bytes() for path in cache.glob("pandoc/pieces-*.json")}
    path = root / VALUE_FILE
    text = path.read_text(encoding="utf-8")
    agree, disagree = VALUE_ROWS
    path.write_text(
        text.replace(agree, agree.replace(",51,51,", ",27,27,"), 1).replace(
            disagree, disagree.replace(",27,27,", ",51,51,"), 1
        ),
        encoding="utf-8",
    )
    report, steps = None, io.StringIO()

    def build():
        nonlocal report
        if new_process:
            command = [sys.executable, "-m", "swbook.cli", "--root", str(root), "render", "--quiet"]
            subprocess.run(command, check=True, capture_output=True)
            return
        # The change report is the author's, not ours; the steps' timings go to stderr.
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(steps):
            report = render(root, quiet=False)

    seconds = timed(build)
    path.write_text(text, encoding="utf-8")
    with contextlib.redirect_stdout(io.StringIO()):
        render(root, quiet=True)
    # Forget what this fix left in the cache (its conversions, drawings, figures and checks), so that each
    # run is a fix the build has never seen, as an author's is, not a repeat served from the last run.
    for entry in sorted(set(cache.rglob("*")) - known, reverse=True):
        if entry.is_file():
            entry.unlink()
    for path, content in pieces.items():
        path.write_bytes(content)
    timings = [line.strip() for line in steps.getvalue().splitlines() if line.startswith("  ") and "(" in line]
    return seconds, len(report.executed) if report else 0, [t for t in timings if not t.startswith("reused")]


def naive(root: Path, work: Path) -> float:
    """Each chapter as a notebook, executed by nbconvert, converted to HTML by pandoc."""
    import nbformat
    import pypandoc

    book = project.load(root)
    began = time.perf_counter()
    for page in book.pages:
        document = qmd.parse(page.source)
        notebook = nbformat.v4.new_notebook()
        notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        for block in document.blocks:
            if isinstance(block, qmd.Cell):
                notebook.cells.append(nbformat.v4.new_code_cell(block.source))
            else:
                notebook.cells.append(nbformat.v4.new_markdown_cell(block.text))
        path = work / f"{page.stem}.ipynb"
        nbformat.write(notebook, path)
        env = {**os.environ, "SWSURVEYS_DATA": str(root / "data")}
        subprocess.run(
            [
                sys.executable,
                "-m",
                "jupyter",
                "nbconvert",
                "--to",
                "markdown",
                "--execute",
                "--output-dir",
                str(work),
                str(path),
            ],
            check=True,
            capture_output=True,
            env=env,
            cwd=page.source.parent,
        )
        markdown = (work / f"{page.stem}.md").read_text(encoding="utf-8")
        pypandoc.convert_text(
            markdown,
            "html5",
            format="markdown",
            extra_args=["--standalone", f"--metadata=title:{document.title}"],
            outputfile=str(work / f"{page.stem}.html"),
        )
    return time.perf_counter() - began


def _run_cells(source: str, namespace: dict) -> None:
    tree = ast.parse(source)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, "<cell>", "exec"), namespace)
    if last is not None:
        value = eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace)
        bundle = getattr(value, "_repr_mimebundle_", None)
        if bundle:
            bundle()
        elif hasattr(value, "_repr_markdown_"):
            value._repr_markdown_()


def floor(root: Path) -> tuple[float, float, float]:
    """All chapters' code in this warm process, plus pandoc and Typst as a build does them."""
    book = project.load(root)
    with using_data(root / "data"):
        clear_cache()  # a cold read of the data, as a chapter process has
        began = time.perf_counter()
        for page in book.pages:
            document = qmd.parse(page.source)
            namespace: dict = {}
            with contextlib.redirect_stdout(io.StringIO()):
                for block in document.blocks:
                    if isinstance(block, qmd.Cell):
                        _run_cells(block.source, namespace)
                    else:
                        for expression in block.inline:
                            eval(expression, namespace)
        code = time.perf_counter() - began
    # The render steps alone: a build whose chapters are all reused from the cache.
    quarto = root / "_quarto.yml"
    text = quarto.read_text(encoding="utf-8")
    quarto.write_text(text + "\n# benchmark\n", encoding="utf-8")
    steps = timed(lambda: render(root, quiet=True))
    quarto.write_text(text, encoding="utf-8")
    return code + steps, code, steps


def page_sizes(root: Path) -> list[tuple[str, int]]:
    book = project.load(root)
    return [(page.html, (root / "_book" / page.html).stat().st_size) for page in book.pages]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="swbook-bench-") as temporary:
        root = copy_project(Path(temporary) / "book")
        work = Path(temporary) / "naive"
        work.mkdir()
        results = {"a": [], "b": [], "c": [], "f": [], "g": [], "d": [], "e": []}
        executed_on_fix, executed_on_value = set(), set()
        for run in range(args.runs):
            with contextlib.redirect_stdout(io.StringIO()):  # each render's change report
                results["a"].append(cold(root))
                results["b"].append(timed(lambda: render(root, quiet=True)))
                seconds, executed = one_fix(root, run)
            results["c"].append(seconds)
            executed_on_fix.add(executed)
            seconds, executed, steps = one_value(root)
            results["f"].append(seconds)
            executed_on_value.add(executed)
            results["g"].append(one_value(root, new_process=True)[0])
            results["d"].append(naive(root, work))
            with contextlib.redirect_stdout(io.StringIO()):
                results["e"].append(floor(root)[0])
            print(f"run {run + 1}: " + ", ".join(f"({k}) {v[-1]:.2f} s" for k, v in results.items()), flush=True)
        median = {k: statistics.median(v) for k, v in results.items()}
        sizes = page_sizes(root)
        bundle = (root / "_book/assets/vega-bundle.js").stat().st_size
    lines = [
        "# Build benchmark",
        "",
        f"Medians of {args.runs} runs on {os.cpu_count()} cores (`make bench`, {time.strftime('%Y-%m-%d')}).",
        "",
        "| build | seconds |",
        "|---|---:|",
        f"| (a) cold, `--fresh`, no cache | {median['a']:.2f} |",
        f"| (b) rebuild, nothing changed | {median['b']:.2f} |",
        f"| (c) rebuild after one observation's note changed | {median['c']:.2f} |",
        f"| (f) rebuild after one value was fixed (two values of one line swapped), as `swbook preview` "
        f"rebuilds | {median['f']:.2f} |",
        f"| (g) the same fix built by a new `swbook render` process | {median['g']:.2f} |",
        f"| (d) naive: nbconvert --execute + pandoc per chapter | {median['d']:.2f} |",
        f"| (e) floor: all code in one warm process + pandoc + Typst | {median['e']:.2f} |",
        "",
        "| ratio | value | target |",
        "|---|---:|---|",
        f"| (a)/(e) cold against the floor | {median['a'] / median['e']:.2f} | under 2 |",
        f"| (b)/(a) no-change against cold | {median['b'] / median['a']:.3f} | (b) under 2 s |",
        f"| (c)/(a) one fix against cold | {median['c'] / median['a']:.2f} | under 0.25 |",
        f"| (f)/(a) one value fixed against cold | {median['f'] / median['a']:.2f} | under 0.1, and (f) under 3 s |",
        f"| (d)/(a) naive against cold | {median['d'] / median['a']:.2f} | |",
        "",
        f"Chapters executed after the one-note fix: {sorted(executed_on_fix)}; after the one-value fix: "
        f"{sorted(executed_on_value)}.",
        "",
        "Where the last (f) build's time went, as the build logged it (steps overlap: each page's HTML, print",
        "figures and Typst are made as soon as its chapter is done, while the other chapters run; the Typst",
        "compile and the post-render step come after the last chapter):",
        "",
        *[f"- {step}" for step in steps],
        "",
        "(g) differs from (f) by what a new process starts cold: Python's imports, the chapter process server,",
        "and Typst, whose first compile in a process lays out every page (about 2.5 s of 2 cores) where a warm",
        "one reuses the pages that did not change.",
        "",
        "The machine is shared: other people's builds ran at the same time, so these are upper bounds.",
        "",
        "| page | KB (without the shared Vega bundle) |",
        "|---|---:|",
        *[f"| {name} | {size / 1024:.0f} |" for name, size in sizes],
        "",
        f"The shared Vega bundle (`assets/vega-bundle.js`, loaded once per site) is {bundle / 1024:.0f} KB.",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    (ROOT / "bench" / "results.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
