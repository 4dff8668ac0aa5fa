"""Rebuilds reuse what is unchanged and never show stale figures."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import replace_in_file
from swbook.build import render
from swbook.cache import FileHashes


def test_a_changed_observation_reruns_only_the_chapters_that_read_it(first_render, built_copy):
    first = first_render  # the session's build of a fresh copy: every chapter ran
    assert "chapters/ofsted-2010.qmd" in first.executed and not first.reused
    root = built_copy  # that build's project, site and cache, as the author's checkout after it
    drawn = set((root / ".swbook-cache/svg").glob("*.svg"))  # the print drawings the session's PDF needed
    moved = render(root, quiet=True, to=("html",))
    assert moved.reused and not moved.executed  # nothing the chapters read changed: all taken from the cache
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
    # Only the PDF needs a chart's print drawing: these HTML-only builds drew none, not even of the changed figure.
    assert set((root / ".swbook-cache/svg").glob("*.svg")) == drawn
    # (the preface reads the crosswalk for its main points, so it is a reader too)
    assert {"chapters/lga-2018.qmd", "chapters/source-list.qmd", "chapters/ircsc-2021.qmd"} <= set(after.reused)
    chapter = (root / "_book/chapters/ofsted-2010.html").read_text(encoding="utf-8")
    assert "Q13b) The local authority recognises and praises" in chapter  # the figure plots the new label
    assert "Q13b) The local authority acknowledges and praises" not in chapter  # and nowhere the old one


def test_a_damaged_cache_only_costs_time(built_copy):
    root = built_copy
    entries = sorted((root / ".swbook-cache/chapters").glob("*.json"))
    assert entries
    entries[0].unlink()  # half the cache gone, as if deleted mid-way
    (root / ".swbook-cache/chapters" / entries[1].name).write_text("{not json", encoding="utf-8")
    replace_in_file(root / "chapters/sources-compared.qmd", "Three differences", "Three main differences")
    partial = render(root, quiet=True, to=("html",))
    assert partial.executed and (root / "_book/index.html").exists()
    assert "chapters/sources-compared.qmd" in partial.executed and partial.reused
    page = (root / "_book/chapters/sources-compared.html").read_text(encoding="utf-8")
    assert "Three main differences" in page
    # Ignoring the cache (--fresh) and deleting it altogether: tests/swbook/test_faults.py, on a tiny book.


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


def test_a_file_is_hashed_once_for_every_build_of_a_process_but_a_just_written_one_is_read_again(tmp_path, monkeypatch):
    import os
    import time

    from swbook import cache

    old, new = tmp_path / "old.csv", tmp_path / "new.csv"
    for path in (old, new):
        path.write_text("survey,table,value\ns,one,1\n", encoding="utf-8")
    first = FileHashes()
    fresh = first(new)
    # Written again within the same clock tick (same size, same modification time): the next build reads it.
    written = new.stat().st_mtime_ns
    new.write_text("survey,table,value\ns,one,2\n", encoding="utf-8")
    os.utime(new, ns=(written, written))
    assert FileHashes()(new) != fresh
    # A file last changed a minute before it was read is settled: the next build of this process (as
    # `swbook preview` builds) does not read it again.
    now = time.time_ns()
    monkeypatch.setattr(cache.time, "time_ns", lambda: now + 60 * 10**9)
    settled = FileHashes()(old)
    monkeypatch.setattr(cache, "sha", lambda data: pytest.fail("a settled, unchanged file was hashed again"))
    assert FileHashes()(old) == settled
