"""`swbook check` as an author runs it."""

from __future__ import annotations

from helpers import replace_in_file
from swbook.cli import main


def test_check_summarises_values_per_source(capsys):
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert "ofsted-2010" in out
    last = out.strip().splitlines()[-1]
    assert last.endswith("verified against their source lines, 0 problem(s)")


def test_check_fails_naming_file_line_and_column(project_copy, capsys):
    replace_in_file(
        project_copy / "data/observations/ofsted-2010.csv",
        "children and young people,Agree,All,percent,51,51,",
        "children and young people,Agree,All,percent,15,15,",
    )
    assert main(["--root", str(project_copy), "check"]) == 1
    out = capsys.readouterr().out
    assert "data/observations/ofsted-2010.csv:2: printed: '15' is not a whole token on line 283" in out


def _git(root, *args):
    import subprocess

    subprocess.run(
        ["git", *args],
        cwd=root,
        check=True,
        capture_output=True,
        env={
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@example.org",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@example.org",
            "PATH": __import__("os").environ["PATH"],
        },
    )


def test_since_fails_on_an_unlogged_change_until_it_is_logged(project_copy, capsys):
    _git(project_copy, "init", "-q")
    _git(project_copy, "add", "-A")
    _git(project_copy, "commit", "-qm", "first release")
    # A valid change (27 is printed on line 283 too) that no corrections row explains.
    replace_in_file(
        project_copy / "data/observations/ofsted-2010.csv",
        "children and young people,Agree,All,percent,51,51,",
        "children and young people,Agree,All,percent,27,27,",
    )
    _git(project_copy, "commit", "-qam", "change a value")
    assert main(["--root", str(project_copy), "check", "--since", "HEAD~1"]) == 1
    out = capsys.readouterr().out
    assert "data/observations/ofsted-2010.csv:2: value: changed from '51' to '27' since HEAD~1" in out
    with (project_copy / "data/corrections.csv").open("a", encoding="utf-8") as log:
        question = "Q1) My workplace induction covered what I needed to know in relation to safeguarding children and young people"
        for old, new in (("51", "27"),):
            log.write(
                f"2026-11-23,ofsted-2010,summary-all-questions,{question},Agree,All,percent,{old},{new},"
                f"Test correction\n"
            )
    assert main(["--root", str(project_copy), "check", "--since", "HEAD~1"]) == 0


def test_corrections_must_point_at_an_observation(project_copy, capsys):
    with (project_copy / "data/corrections.csv").open("a", encoding="utf-8") as log:
        log.write("2026-11-23,ofsted-2010,summary-all-questions,Q99) No such statement,Agree,All,percent,1,2,Test\n")
    assert main(["--root", str(project_copy), "check"]) == 1
    out = capsys.readouterr().out
    assert "data/corrections.csv:2: survey, table, question, category, group, measure: no observation" in out
