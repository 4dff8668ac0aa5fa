"""Faults a user can cause, each met by a `swbook:` message naming the place to fix (issue 16).

Most cases use a tiny book in tmp_path (two short chapters, no data package),
so they run in a second or two; the data cases break a copy of data/.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import ROOT, replace_in_file
from swbook.build import render, render_lock
from swbook.cache import prune_cache
from swbook.cli import main
from swbook.sealed import read_verified, write_verified

CONFIG = """\
project:
  type: book
book:
  title: Tiny
  chapters:
    - index.qmd
{chapters}
bibliography: references.bib
format:
  html: {{}}
  typst: {{}}
swbook:
  pdf: tiny.pdf
{settings}
"""


@pytest.fixture
def tiny(tmp_path):
    """Make a tiny book: `tiny(chapters={"a.qmd": text}, settings="  cell-timeout: 2")` -> its root."""

    def make(chapters: dict[str, str] | None = None, settings: str = "", bibliography: bool = True) -> Path:
        root = tmp_path / "tiny"
        root.mkdir()
        chapters = chapters or {"a.qmd": "---\ntitle: A\n---\n\n## One {#sec-one}\n\nSee @sec-one.\n"}
        (root / "_quarto.yml").write_text(
            CONFIG.format(chapters="\n".join(f"    - {name}" for name in chapters), settings=settings), encoding="utf-8"
        )
        (root / "index.qmd").write_text("---\ntitle: Preface\n---\n\nHello.\n", encoding="utf-8")
        for name, text in chapters.items():
            (root / name).write_text(text, encoding="utf-8")
        if bibliography:
            shutil.copy2(ROOT / "references.bib", root / "references.bib")
        return root

    return make


def swbook(capsys, *args) -> tuple[int, str]:
    """Run the swbook command in this process: its exit status and what it printed to stderr."""
    status = main(list(args))
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return status, err


def chapter(*cells: str, text: str = "") -> str:
    body = "".join(f"\n```{{python}}\n{cell}\n```\n" for cell in cells)
    return f"---\ntitle: A chapter\n---\n\n{text}\n{body}"


# ------------------------------------------------------------------ chapters


def test_syntax_errors_in_cells_and_inline_code_are_all_listed_before_anything_runs(tiny, capsys):
    root = tiny(
        {
            "a.qmd": chapter("x = 1\ny = (", text="Some `{python} 1 +` value."),
            "b.qmd": chapter("import time\ntime.sleep(600)\ndef broken(:\n    pass"),
        }
    )
    status, err = swbook(capsys, "--root", str(root), "render")
    assert status == 1
    assert err.startswith("swbook: 3 problem(s) in the chapters; nothing was run or written")
    assert "a.qmd:5: the inline expression `{python} 1 +` is not a valid Python expression" in err
    assert "a.qmd:9: cell 1 is not valid Python: '(' was never closed" in err
    assert "b.qmd:10: cell 1 is not valid Python: invalid syntax" in err  # the line of `def broken(:`
    assert not (root / "_book").exists()


def test_a_chapter_runs_as_jupyter_main_so_it_can_pickle_what_it_defines(tiny):
    # The shell is made before the chapter's process is forked; `__main__` must still be the chapter's own.
    cell = "import pickle, sys\ndef twice(x):\n    return 2 * x\nprint(pickle.loads(pickle.dumps(twice))(21), sys.modules['__main__'].twice is twice)"
    root = tiny({"a.qmd": chapter(cell)})
    # As a command: its process starts chapters with its own module as `__main__`, which the chapter must replace.
    done = subprocess.run(
        [sys.executable, "-m", "swbook.cli", "--root", str(root), "render", "--to", "html"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "42 True" in (root / "_book" / "a.html").read_text(encoding="utf-8")


def test_malformed_quarto_yml_names_its_line(tiny, capsys):
    root = tiny()
    (root / "_quarto.yml").write_text("book:\n  title: [unclosed\n  chapters: []\n", encoding="utf-8")
    status, err = swbook(capsys, "--root", str(root), "render")
    assert status == 1 and f"swbook: {root / '_quarto.yml'}:3: not valid YAML" in err


def test_front_matter_that_is_a_list(tiny, capsys):
    root = tiny({"a.qmd": "---\n- title\n- other\n---\n\nText.\n"})
    status, err = swbook(capsys, "--root", str(root), "render")
    assert status == 1 and "a.qmd:2: front matter must be a mapping (title: ...), not a list" in err


def test_a_latin1_byte_in_a_chapter_names_its_line(tiny, capsys):
    root = tiny()
    (root / "a.qmd").write_bytes(b"---\ntitle: A\n---\n\nCaf\xe9 society.\n")
    status, err = swbook(capsys, "--root", str(root), "render")
    assert status == 1 and "a.qmd:5: byte 0xe9 is not UTF-8 (save the file as UTF-8)" in err


def test_a_cell_ending_its_process_in_any_way_is_a_failed_cell(tiny, capsys):
    root = tiny(
        {
            "exit0.qmd": chapter("import sys\nsys.exit(0)"),
            "bye.qmd": chapter("x = 1", 'raise SystemExit("bye")'),
            "os-exit.qmd": chapter("import os\nos._exit(3)"),
            "signal.qmd": chapter("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"),
            "fine.qmd": chapter("print('fine')"),
        }
    )
    status, err = swbook(capsys, "--root", str(root), "render")
    assert status == 1
    assert "swbook: 4 chapter(s) failed; nothing was written" in err
    assert (
        "exit0.qmd:7: cell 1 failed: it called sys.exit(0) (raised SystemExit); a chapter must not end its "
        "process (at line 9)" in err
    )
    assert "bye.qmd:11: cell 2 failed: it called sys.exit('bye')" in err
    assert "os-exit.qmd:7: cell 1 ended the chapter's process (exit code 3)" in err
    assert "signal.qmd:7: cell 1 ended the chapter's process (killed by signal SIGKILL)" in err
    assert "fine.qmd:" not in err and not (root / "_book").exists()


def test_a_broken_library_is_the_failed_cell_of_each_chapter_that_imports_it(tiny, tmp_path):
    """A syntax error in a module the process server preloads: each importing cell fails with its file and line."""
    source = Path(shutil.copytree(ROOT / "src", tmp_path / "src", ignore=shutil.ignore_patterns("__pycache__")))
    with (source / "swsurveys" / "charts.py").open("a", encoding="utf-8") as handle:
        handle.write("\ndef broken(:\n")
    root = tiny({"a.qmd": chapter("from swsurveys import charts")})
    done = subprocess.run(
        [sys.executable, "-m", "swbook.cli", "--root", str(root), "render", "--to", "html"],
        env={**os.environ, "PYTHONPATH": str(source)},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert "a.qmd:7: cell 1 failed: SyntaxError: invalid syntax (charts.py, line" in done.stderr
    assert "Traceback" not in done.stderr and not (root / "_book").exists()


def test_a_cell_past_its_time_limit_is_stopped(tiny, capsys):
    root = tiny(
        {"slow.qmd": chapter("x = 1", "import time\nwhile True:\n    time.sleep(0.1)")}, settings="  cell-timeout: 1"
    )
    status, err = swbook(capsys, "--root", str(root), "render")
    assert status == 1
    assert (
        "slow.qmd:11: cell 2 ran for more than 1 s and was stopped (the limit is swbook: cell-timeout "
        "in _quarto.yml)" in err
    )


def test_a_cell_writing_too_much_output_fails(tiny, capsys):
    root = tiny({"loud.qmd": chapter("print('x' * 20_000)")}, settings="  cell-output-limit-mb: 0.01")
    status, err = swbook(capsys, "--root", str(root), "render")
    assert status == 1
    assert "loud.qmd:7: cell 1 failed: it wrote 0.0 MB of output, more than the limit of 0.01 MB per cell" in err


def test_a_bad_limit_setting_is_an_error(tiny, capsys):
    root = tiny(settings="  cell-timeout: soon")
    status, err = swbook(capsys, "--root", str(root), "render")
    assert status == 1 and "swbook: cell-timeout must be a positive number, not 'soon'" in err


def test_unresolved_references_and_citations_are_listed_at_once_before_running(tiny, capsys):
    root = tiny(
        {
            "a.qmd": chapter("import time\ntime.sleep(600)", text="See @fig-missing and [@nosuchkey2020]."),
            "b.qmd": chapter(text="As @tbl-absent shows."),
        }
    )
    status, err = swbook(capsys, "--root", str(root), "render")
    assert status == 1 and "3 problem(s) in the chapters; nothing was run" in err
    assert "a.qmd:5: unresolved cross-reference @fig-missing" in err
    assert "a.qmd:5: unresolved citation @nosuchkey2020 (no entry with that key in references.bib)" in err
    assert "b.qmd:5: unresolved cross-reference @tbl-absent" in err


def test_references_and_citations_printed_by_an_asis_cell_are_errors(tiny, capsys):
    asis = "#| output: asis\nprint('{}')"
    root = tiny({"a.qmd": chapter(asis.format("See @fig-nothing-here."))})
    status, err = swbook(capsys, "--root", str(root), "render", "--to", "html")
    assert status == 1 and "a.qmd:7: cell 1: unresolved cross-reference @fig-nothing-here" in err
    (root / "a.qmd").write_text(chapter(asis.format("As [@nosuchkey2020] found.")), encoding="utf-8")
    status, err = swbook(capsys, "--root", str(root), "render", "--to", "html")
    assert status == 1 and "a.qmd: unresolved citation or cross-reference @nosuchkey2020" in err
    assert not (root / "_book").exists()


# ------------------------------------------------------------------ the data


@pytest.fixture
def data_root(tmp_path) -> Path:
    """A folder holding only a copy of data/, for `swbook check`."""
    shutil.copytree(ROOT / "data", tmp_path / "project" / "data")
    return tmp_path / "project"


def check(capsys, root: Path) -> tuple[int, str]:
    status = main(["--root", str(root), "check"])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return status, captured.out


def test_a_csv_that_is_not_utf8(data_root, capsys):
    path = data_root / "data/themes.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\nCaf\xe9,x\n", 1))
    status, out = check(capsys, data_root)
    assert status == 1 and "data/themes.csv:2: -: byte 0xe9 is not UTF-8" in out


def test_a_csv_with_a_byte_order_mark(data_root, capsys):
    path = data_root / "data/observations/ofsted-2010.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    status, out = check(capsys, data_root)
    assert status == 1 and "data/observations/ofsted-2010.csv:1: -: starts with a byte-order mark" in out


def test_a_csv_missing_a_column(data_root, capsys):
    path = data_root / "data/tables.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[0] = lines[0].replace(",themes", ",topics")
    path.write_text("\n".join(lines), encoding="utf-8")
    status, out = check(capsys, data_root)
    assert status == 1 and "data/tables.csv:1: themes: missing from the header row" in out


def test_a_word_as_a_percent_value(data_root, capsys):
    replace_in_file(
        data_root / "data/observations/ofsted-2010.csv",
        "children and young people,Agree,All,percent,51,51,",
        "children and young people,Agree,All,percent,abc,51,",
    )
    status, out = check(capsys, data_root)
    assert status == 1 and "data/observations/ofsted-2010.csv:2: value: 'abc' is not of the right type" in out
    assert "ofsted-2010.csv:2: status" not in out  # not also called empty


def test_a_malformed_datapackage_json(data_root, capsys):
    path = data_root / "data/datapackage.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"resources"', '"resources" "', 1), encoding="utf-8")
    status, out = check(capsys, data_root)
    assert status == 1 and "data/datapackage.json:" in out and "not valid JSON" in out


def test_a_resource_pointing_at_a_missing_file(data_root, capsys):
    (data_root / "data/observations/lga-2018.csv").unlink()
    status, out = check(capsys, data_root)
    assert status == 1
    assert (
        "data/datapackage.json:1: path: resource observations-lga-2018: observations/lga-2018.csv: "
        "No such file or directory" in out
    )


def test_check_outside_the_project(tmp_path, capsys):
    status = main(["--root", str(tmp_path), "check"])
    err = capsys.readouterr().err
    assert status == 1 and f"swbook: {tmp_path}: no data/datapackage.json here" in err


AGREE = "children and young people,Agree,All,percent,51,51,,,283,1,"


def test_frictionless_and_our_rules_agree_on_lines_after_a_multiline_note(data_root):
    from swsurveys.validate import validate

    path = data_root / "data/observations/ofsted-2010.csv"
    replace_in_file(path, AGREE, AGREE + '"a note\nover two lines"')
    # The next row: a word as the value (frictionless: a type error) and a printed token its line lacks (our rule).
    replace_in_file(path, "young people,Disagree,All,percent,27,27,", "young people,Disagree,All,percent,lots,72,")
    problems = [p for p in validate(data_root / "data") if p.path.endswith("ofsted-2010.csv")]
    frictionless = [p for p in problems if "not of the right type" in p.message]
    ours = [p for p in problems if p.column == "printed"]
    assert frictionless and ours
    assert frictionless[0].line == ours[0].line == 4  # the header, then row 2 on lines 2 and 3


def test_a_cut_list_of_frictionless_errors_says_so(data_root, capsys):
    with (data_root / "data/themes.csv").open("a", encoding="utf-8") as handle:
        for n in range(1100):
            handle.write("caseload,duplicate\n")
    status, out = check(capsys, data_root)
    assert status == 1 and "frictionless stopped after 1000 errors in this file; there may be more" in out


def test_raw_file_must_be_inside_data_raw(data_root, capsys):
    replace_in_file(data_root / "data/surveys.csv", "raw/swtf-2009.txt", "../../../../etc/hostname")
    status, out = check(capsys, data_root)
    assert status == 1
    assert "data/surveys.csv:2: raw_file: '../../../../etc/hostname' is outside data/raw/" in out


@pytest.mark.parametrize("text", ['"=HYPERLINK(""http://example.org"")"', "+cmd", "@SUM(A1)", "-Attack"])
def test_text_that_a_spreadsheet_would_run_is_rejected(data_root, capsys, text):
    replace_in_file(data_root / "data/observations/ofsted-2010.csv", AGREE, AGREE + text)
    status, out = check(capsys, data_root)
    assert status == 1
    assert "data/observations/ofsted-2010.csv:2: note: " in out and "starts like a spreadsheet formula" in out


def test_a_lone_dash_and_negative_numbers_are_data(data_root, capsys):
    replace_in_file(data_root / "data/observations/ofsted-2010.csv", AGREE, AGREE + "-")
    replace_in_file(data_root / "data/observations/ofsted-2010.csv", "Q2) My induction", "-2 points: My induction")
    from swsurveys.validate import validate

    assert not [p for p in validate(data_root / "data") if "formula" in p.message]


# ------------------------------------------------------------ builds and the site


def test_a_read_only_output_folder(tiny, capsys):
    root = tiny()
    replace_in_file(root / "_quarto.yml", "  type: book", "  type: book\n  output-dir: index.qmd/_book")
    status, err = swbook(capsys, "--root", str(root), "render", "--to", "html")
    assert status == 1 and f"swbook: {root / 'index.qmd'}: is a file, so the output folder" in err


def test_one_render_at_a_time(tiny, capsys):
    root = tiny()
    with render_lock(root):
        status, err = swbook(capsys, "--root", str(root), "render")
    assert status == 1 and f"swbook: {root}: another swbook render (pid {os.getpid()}) is building this project" in err


def test_leftovers_of_a_killed_build_are_cleaned_and_a_moved_site_restored(tiny):
    root = tiny()
    render(root, to=("html",), quiet=True)
    (root / "_book").rename(root / "._book.old")  # killed between the two renames of a swap
    (root / "._book.building-x1y2").mkdir()  # killed while writing
    (root / ".swbook-cache/work/figures").mkdir(parents=True)
    report = render(root, to=("html",), quiet=True)
    assert report.unchanged  # the restored site is the last build, whole
    assert (root / "_book/a.html").exists()
    assert not list(root.glob("._book.*")) and not (root / ".swbook-cache/work").exists()


def test_a_build_of_one_format_keeps_the_other(tiny):
    root = tiny()
    render(root, quiet=True)
    pdf = (root / "_book/tiny.pdf").read_bytes()
    render(root, to=("html",), quiet=True, fresh=True)
    assert (root / "_book/tiny.pdf").read_bytes() == pdf
    render(root, to=("pdf",), quiet=True, fresh=True)
    assert (root / "_book/a.html").exists() and (root / "_book/index.html").exists()


def test_no_change_shortcut_restores_a_deleted_page(tiny):
    root = tiny()
    render(root, to=("html",), quiet=True)
    (root / "_book/a.html").unlink()
    again = render(root, to=("html",), quiet=True)
    assert not again.unchanged and (root / "_book/a.html").exists()
    assert render(root, to=("html",), quiet=True).unchanged


def _processes_alive(pids: list[int]) -> list[int]:
    alive = []
    for pid in pids:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        status = Path(f"/proc/{pid}/stat").read_text().split()[2] if Path(f"/proc/{pid}/stat").exists() else "X"
        if status != "Z":
            alive.append(pid)
    return alive


def _start_render(root: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.Popen(
        [sys.executable, "-m", "swbook.cli", "--root", str(root), "render", "--to", "html"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _wait_for(path: Path, process: subprocess.Popen) -> None:
    for _ in range(600):
        if path.exists() and path.read_text():
            return
        assert process.poll() is None, process.stderr.read()
        time.sleep(0.1)
    raise AssertionError(f"{path} never appeared")


LOOPING = (
    "import os, pathlib, time\npathlib.Path('../pid').write_text(str(os.getpid()))\nwhile True:\n    time.sleep(0.05)"
)


def test_ctrl_c_stops_the_build_and_its_chapters(tiny):
    root = tiny({"loop.qmd": chapter(LOOPING)})
    process = _start_render(root)
    _wait_for(root.parent / "pid", process)
    worker = int((root.parent / "pid").read_text())
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    assert process.wait(timeout=60) == 130
    assert "swbook: interrupted; nothing was published" in process.stderr.read()
    for _ in range(100):
        if not _processes_alive([worker]):
            break
        time.sleep(0.1)
    assert not _processes_alive([worker])


def test_chapter_processes_end_with_a_killed_build(tiny):
    root = tiny({"loop.qmd": chapter(LOOPING)})
    process = _start_render(root)
    _wait_for(root.parent / "pid", process)
    worker = int((root.parent / "pid").read_text())
    process.kill()  # kill -9 of the main process
    process.wait()
    for _ in range(300):
        if not _processes_alive([worker]):
            break
        time.sleep(0.1)
    assert not _processes_alive([worker])


# ------------------------------------------------------------ the cache

FIGURE = (
    '#| fig-alt: a black square\nfrom IPython.display import SVG, display\ndisplay(SVG(\'<svg xmlns="http://www.w3.org/2000/svg" '
    'width="10" height="10"><rect width="10" height="10"/></svg>\'))'
)


@pytest.mark.parametrize("damage", ["[]", "missing key", "edited text"])
def test_a_damaged_chapter_entry_is_a_miss(tiny, damage):
    root = tiny({"a.qmd": chapter("print('the real text')")})
    render(root, to=("html",), quiet=True)
    entry = root / ".swbook-cache/chapters/a.qmd.json"
    text = entry.read_text(encoding="utf-8")
    if damage == "[]":
        entry.write_text("[]", encoding="utf-8")
    elif damage == "missing key":
        head, body = read_verified(entry).split("\n", 1)  # a well-sealed entry of the wrong shape: the schema check
        saved = json.loads(body)
        del saved["inline"]
        write_verified(entry, head + "\n" + json.dumps(saved))
    else:
        entry.write_text(text.replace("the real text", "a forged text"), encoding="utf-8")
    report = render(root, to=("html",), quiet=True, out=root / "again")
    assert "a.qmd" in report.executed
    page = (root / "again/a.html").read_text(encoding="utf-8")
    assert "the real text" in page and "forged" not in page


def test_an_intact_entry_of_a_chapter_with_many_cells_is_reused(tiny):
    root = tiny({"a.qmd": chapter(*[f"print({n})" for n in range(12)])})
    render(root, to=("html",), quiet=True)
    again = render(root, to=("html",), quiet=True, out=root / "again")
    assert again.reused == ["a.qmd"] and not again.executed


def test_fresh_ignores_the_cache(tiny):
    root = tiny({"a.qmd": chapter("print('hello')")})
    render(root, quiet=True, to=("html",))
    fresh = render(root, quiet=True, to=("html",), fresh=True)
    assert not fresh.reused and "a.qmd" in fresh.executed


def test_a_deleted_cache_only_costs_time(tiny):
    root = tiny({"a.qmd": chapter("print('hello')")})
    render(root, quiet=True, to=("html",))
    shutil.rmtree(root / ".swbook-cache")
    rebuilt = render(root, quiet=True, to=("html",))
    assert not rebuilt.reused and "a.qmd" in rebuilt.executed
    assert "hello" in (root / "_book/a.html").read_text(encoding="utf-8")


def test_damaged_pandoc_entries_are_made_again(tiny):
    root = tiny()
    render(root, to=("html",), quiet=True)
    for entry in (root / ".swbook-cache/pandoc").iterdir():
        entry.write_text(entry.read_text(encoding="utf-8")[:1500], encoding="utf-8")
    render(root, to=("html",), quiet=True, out=root / "again")
    assert (root / "again/a.html").read_text(encoding="utf-8").rstrip().endswith("</html>")


def _vega_bundle_step(project: Path) -> Path:
    """Run the pre-render step that writes the Vega bundle into `project`; the bundle's path."""
    env = {**os.environ, "QUARTO_PROJECT_DIR": str(project)}
    subprocess.run([sys.executable, str(ROOT / "_scripts/vega-bundle.py")], env=env, check=True)
    return project / "assets/vega-bundle.js"


@pytest.fixture(scope="module")
def vega_bundle(tmp_path_factory) -> str:
    """The bundle as the step writes it into a project that has none (made once for the damage tests)."""
    return _vega_bundle_step(tmp_path_factory.mktemp("fresh")).read_text(encoding="utf-8")


@pytest.mark.parametrize("damage", ["truncated", "edited"])
def test_a_damaged_vega_bundle_is_made_again(tmp_path, vega_bundle, damage):
    whole = vega_bundle
    bundle = tmp_path / "assets/vega-bundle.js"
    bundle.parent.mkdir()
    bundle.write_text(whole[:5000] if damage == "truncated" else whole.replace("vega", "VEGA", 1), encoding="utf-8")
    assert _vega_bundle_step(tmp_path) == bundle
    assert bundle.read_text(encoding="utf-8") == whole


def test_pdf_chapters_hit_the_pandoc_cache_when_nothing_changed(tiny):
    root = tiny({"a.qmd": chapter(FIGURE)})
    render(root, to=("pdf",), quiet=True)
    entries = sorted(p.name for p in (root / ".swbook-cache/pandoc").iterdir())
    render(root, to=("pdf",), quiet=True, fresh=True)
    assert sorted(p.name for p in (root / ".swbook-cache/pandoc").iterdir()) == entries


def test_the_pandoc_cache_is_bounded_least_recently_used_first(tmp_path):
    folder = tmp_path / ".swbook-cache/pandoc"
    for n in range(5):
        write_verified(folder / f"entry{n}.html", "x" * 1000)
        os.utime(folder / f"entry{n}.html", (1_000_000 + n, 1_000_000 + n))
    assert read_verified(folder / "entry0.html") == "x" * 1000  # a hit makes it the most recently used
    prune_cache(tmp_path, limit=3500)
    assert sorted(p.name for p in folder.iterdir()) == ["entry0.html", "entry3.html", "entry4.html"]


def test_kept_drawings_and_figures_are_bounded_too(tmp_path, monkeypatch):
    monkeypatch.setenv("SWSURVEYS_CACHE", str(tmp_path / ".swbook-cache"))
    from swsurveys import figurecache, svgcache

    drawings = svgcache.folder()
    for n in range(4):
        svgcache.keep_text(drawings / f"old{n}.svg", "x" * 1000)
        os.utime(drawings / f"old{n}.svg", (1_000_000 + n, 1_000_000 + n))
        figurecache.keep(f"old{n}", {"figure": "x" * 1000})
        os.utime(tmp_path / ".swbook-cache/figures" / f"old{n}.pickle", (1_000_000 + n, 1_000_000 + n))
    kept = drawings / f"{svgcache.key({'a': 1})}.svg"
    svgcache.keep_text(kept, "y" * 1000)
    os.utime(kept, (1_000_000, 1_000_000))
    assert svgcache.draw({"a": 1}, lambda spec: "drawn again") == "y" * 1000  # a hit: used lately
    assert figurecache.lookup("old0") == {"figure": "x" * 1000}  # likewise
    prune_cache(tmp_path, limit=2500)
    assert sorted(p.name for p in drawings.iterdir()) == sorted([kept.name, "old3.svg"])
    assert sorted(p.name for p in (tmp_path / ".swbook-cache/figures").iterdir()) == ["old0.pickle", "old3.pickle"]
