"""`swbook check` as an author runs it."""
from __future__ import annotations

from conftest import replace_in_file
from swbook.cli import main


def test_check_summarises_values_per_source(capsys):
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert "ofsted-2010" in out
    last = out.strip().splitlines()[-1]
    assert last.endswith("verified against their source lines, 0 problem(s)")


def test_check_fails_naming_file_line_and_column(project_copy, capsys):
    replace_in_file(project_copy / "data/observations/ofsted-2010.csv",
                    "children and young people,Agree,All,percent,51,51,", "children and young people,Agree,All,percent,15,15,")
    assert main(["--root", str(project_copy), "check"]) == 1
    out = capsys.readouterr().out
    assert "data/observations/ofsted-2010.csv:2: printed: '15' is not a whole token on line 283" in out
