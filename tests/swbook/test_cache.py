"""Rebuilds reuse what is unchanged and never show stale figures."""

from __future__ import annotations

import shutil
from pathlib import Path

from helpers import copy_project, replace_in_file
from swbook.build import render
from swbook.cache import FileHashes


def test_a_changed_observation_reruns_only_the_chapters_that_read_it(tmp_path):
    root = copy_project(tmp_path / "book")
    first = render(root, quiet=True, to=("html",))
    assert "chapters/ofsted-2010.qmd" in first.executed and not first.reused

    again = render(root, quiet=True, to=("html",))
    assert again.unchanged  # nothing changed: nothing done

    replace_in_file(
        root / "data/observations/ofsted-2010.csv",
        "Q13b) The local authority acknowledges and praises",
        "Q13b) The local authority recognises and praises",
        count=3,
    )
    after = render(root, quiet=True, to=("html",))
    # Readers of the whole file, of the one table whose rows changed, or of that question alone.
    table = "observations/ofsted-2010.csv#summary-all-questions"
    readers = {
        chapter
        for chapter, files in first.files_read.items()
        if any(
            f.endswith(("observations/ofsted-2010.csv", table)) or f"{table}#Q13b) The local authority" in f
            for f in files
        )
    }
    assert {"chapters/ofsted-2010.qmd", "chapters/verification.qmd"} <= readers
    assert set(after.executed) == readers  # exactly the chapters that read the file
    # The cross-year workload page picks other questions of that table (through the crosswalk): not stale.
    assert any(f"{table}#" in f for f in first.files_read["chapters/across-workload.qmd"])
    assert "chapters/across-workload.qmd" in after.reused
    # Only the PDF needs a chart's print drawing: these HTML-only builds drew none.
    assert not list((root / ".swbook-cache/svg").glob("*.svg"))
    # (the preface reads the crosswalk for its main points, so it is a reader too)
    assert {"chapters/lga-2018.qmd", "chapters/source-list.qmd", "chapters/ircsc-2021.qmd"} <= set(after.reused)
    chapter = (root / "_book/chapters/ofsted-2010.html").read_text(encoding="utf-8")
    assert "Q13b) The local authority recognises and praises" in chapter  # the figure plots the new label


def test_fresh_ignores_the_cache(tmp_path):
    root = copy_project(tmp_path / "book")
    render(root, quiet=True, to=("html",))
    fresh = render(root, quiet=True, to=("html",), fresh=True)
    assert not fresh.reused and "chapters/ofsted-2010.qmd" in fresh.executed


def test_a_deleted_cache_only_costs_time(tmp_path):
    root = copy_project(tmp_path / "book")
    render(root, quiet=True, to=("html",))
    entries = sorted((root / ".swbook-cache/chapters").glob("*.json"))
    assert entries
    entries[0].unlink()  # half the cache gone, as if deleted mid-way
    (root / ".swbook-cache/chapters" / entries[1].name).write_text("{not json", encoding="utf-8")
    replace_in_file(root / "chapters/sources-compared.qmd", "Three differences", "Three main differences")
    partial = render(root, quiet=True, to=("html",))
    assert partial.executed and (root / "_book/index.html").exists()
    shutil.rmtree(root / ".swbook-cache")
    rebuilt = render(root, quiet=True, to=("html",))
    assert not rebuilt.reused and (root / "_book/chapters/ofsted-2010.html").exists()


def test_a_table_part_changes_only_with_its_own_rows(tmp_path):
    data = tmp_path / "observations.csv"
    data.write_text("survey,table,value\ns,one,1\ns,two,2\n", encoding="utf-8")
    before = FileHashes()
    one, two = before(Path(f"{data}#one")), before(Path(f"{data}#two"))
    data.write_text("survey,table,value\ns,one,1\ns,two,3\n", encoding="utf-8")
    after = FileHashes()
    assert after(Path(f"{data}#one")) == one  # a chapter showing table one stays cached
    assert after(Path(f"{data}#two")) != two  # a chapter showing table two runs again
    assert after(Path(f"{data}#three")) == "absent"


def test_a_question_part_changes_only_with_its_own_rows(tmp_path):
    data = tmp_path / "observations.csv"
    data.write_text("survey,table,question,value\ns,t,Q1) a/b,1\ns,t,Q2,2\n", encoding="utf-8")
    before = FileHashes()
    q1, q2 = before(f"{data}#t#Q1) a/b"), before(f"{data}#t#Q2")
    data.write_text("survey,table,question,value\ns,t,Q1) a/b,1\ns,t,Q2,3\n", encoding="utf-8")
    after = FileHashes()
    assert after(f"{data}#t#Q1) a/b") == q1  # a page printing Q1's value stays cached
    assert after(f"{data}#t#Q2") != q2
