"""The renderer's parts: reading .qmd files and numbering cross-references."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import ROOT
from swbook import project, qmd
from swbook.crossref import Registry
from swbook.errors import BuildError


def write(tmp_path: Path, text: str, name: str = "chapter.qmd") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_qmd_cells_options_and_inline(tmp_path):
    path = write(
        tmp_path,
        '---\ntitle: "A chapter"\n---\n\nSome `{python} 1 + 1` text.\n\n'
        '```{python}\n#| label: fig-x\n#| fig-cap: "A caption"\nprint(1)\n```\n\nAfter.\n',
    )
    document = qmd.parse(path)
    assert document.title == "A chapter"
    cell = document.cells[0]
    assert cell.label == "fig-x" and cell.options["fig-cap"] == "A caption"
    assert cell.source == "print(1)" and cell.line == 7
    assert document.blocks[0].inline == ["1 + 1"]
    assert qmd.replace_inline("Some `{python} 1 + 1` text.", ["2"]) == "Some 2 text."


def test_unclosed_cell_names_file_and_line(tmp_path):
    path = write(tmp_path, "Text\n\n```{python}\nx = 1\n")
    with pytest.raises(BuildError, match=r"chapter.qmd:3: python cell is not closed"):
        qmd.parse(path)


def _registry(tmp_path: Path, text: str) -> tuple[Registry, project.Page]:
    path = write(tmp_path, text)
    page = project.Page(path, "chapters/chapter.qmd", "chapter", "3", "The surveys")
    registry = Registry()
    registry.collect(page, qmd.parse(path))
    return registry, page


def test_numbers_follow_the_chapter(tmp_path):
    registry, page = _registry(
        tmp_path,
        "## One\n\n## Two {#sec-two}\n\n```{python}\n#| label: fig-a\n```\n\n"
        "```{python}\n#| label: tbl-a\n```\n\n```{python}\n#| label: fig-b\n```\n",
    )
    assert registry.number("fig-a") == "Figure 3.1"
    assert registry.number("fig-b") == "Figure 3.2"
    assert registry.number("tbl-a") == "Table 3.1"
    assert registry.number("sec-two") == "Section 3.2"
    assert registry.resolve("See @fig-b.", page, "html", "x") == "See [Figure 3.2](#fig-b)."
    assert registry.resolve("See @fig-b.", page, "typst", "x") == "See [Figure 3.2](#fig-b)."


def test_unresolved_reference_is_an_error(tmp_path):
    registry, page = _registry(tmp_path, "## One\n")
    with pytest.raises(BuildError, match=r"where: unresolved cross-reference @fig-missing"):
        registry.resolve("As @fig-missing shows", page, "html", "where")


def test_email_addresses_are_not_references(tmp_path):
    registry, page = _registry(tmp_path, "## One\n")
    assert registry.resolve("write to someone@fig-example.org", page, "html", "x") == "write to someone@fig-example.org"


def test_book_pages_parts_and_appendices():
    book = project.load(ROOT)
    kinds = [(p.kind, p.number, p.part) for p in book.pages]
    assert kinds[0] == ("index", "", "")
    assert ("chapter", "1", "The surveys") in kinds
    assert any(part == "Across the years" for _, _, part in kinds)
    assert [n for k, n, _ in kinds if k == "appendix"][:2] == ["A", "B"]


def _deferred_output(call: str, **kwargs) -> dict:
    from swbook.mime import DEFERRED_MIME

    return {"output_type": "display_data", "data": {DEFERRED_MIME: {"image/svg+xml": {"call": call, "kwargs": kwargs}}}}


@pytest.mark.parametrize("jobs", [1, 2])
def test_deferred_outputs_are_made_for_the_format_that_needs_them(jobs):
    import multiprocessing

    from swbook import deferred
    from swbook.execute import Executed
    from swbook.project import Page

    page = Page(source=ROOT / "index.qmd", relative="index.qmd", kind="index", number="", part="")
    outputs = [_deferred_output("textwrap:dedent", text="  <svg/>"), _deferred_output("textwrap:dedent", text=" <g/>")]
    executed = {page: Executed(outputs={1: outputs})}
    deferred.make(executed, "image/svg+xml", multiprocessing.get_context("fork"), jobs)
    assert [o["data"]["image/svg+xml"] for o in outputs] == ["<svg/>", "<g/>"]


def test_drawing_processes_forked_from_the_build_end_with_their_drawings():
    # A child of this process would hold its pipes open (Playwright's, in this very test run) for ever.
    import multiprocessing

    from swbook import deferred
    from swbook.execute import Executed
    from swbook.project import Page

    page = Page(source=ROOT / "index.qmd", relative="index.qmd", kind="index", number="", part="")
    before = set(multiprocessing.active_children())
    outputs = [_deferred_output("os:getpid"), _deferred_output("os:getpid")]
    deferred.make({page: Executed(outputs={1: outputs})}, "image/svg+xml", multiprocessing.get_context("fork"), 2)
    assert set(multiprocessing.active_children()) == before


def test_a_process_that_builds_again_keeps_its_drawing_processes():
    from swbook import deferred
    from swbook.execute import Executed, chapter_processes
    from swbook.project import Page

    page = Page(source=ROOT / "index.qmd", relative="index.qmd", kind="index", number="", part="")
    drawn_by = set()
    for _ in range(2):  # as swbook preview rebuilds
        outputs = [_deferred_output("os:getpid") for _ in range(4)]
        deferred.make({page: Executed(outputs={1: outputs})}, "image/svg+xml", chapter_processes(), 2)
        drawn_by |= {o["data"]["image/svg+xml"] for o in outputs}
    assert len(drawn_by) <= 2  # the same two drawing processes both times


def test_a_failed_deferred_output_names_its_chapter():
    import multiprocessing

    from swbook import deferred
    from swbook.execute import Executed
    from swbook.project import Page

    page = Page(source=ROOT / "index.qmd", relative="chapters/broken.qmd", kind="chapter", number="1", part="")
    executed = {page: Executed(outputs={1: [_deferred_output("json:loads", s="{not json")]})}
    with pytest.raises(BuildError, match=r"chapters/broken.qmd: could not make a figure for print \(json:loads\)"):
        deferred.make(executed, "image/svg+xml", multiprocessing.get_context("fork"), 1)
