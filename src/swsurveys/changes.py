"""Published values that changed since a git revision must be logged in data/corrections.csv."""

from __future__ import annotations

import subprocess
from pathlib import Path

from .csvfiles import numbered_rows, read_rows
from .validate import KEY, Problem


def _observations(text: str) -> dict[tuple, tuple[int, dict]]:
    return {tuple(row[k] for k in KEY): (line, row) for line, row in numbered_rows(text)}


def _at_revision(root: Path, revision: str, relative: str) -> str | None:
    result = subprocess.run(["git", "show", f"{revision}:{relative}"], cwd=root, capture_output=True, text=True)
    return result.stdout if result.returncode == 0 else None


def unlogged_changes(project: Path, revision: str) -> list[Problem]:
    """Each published value changed since `revision` without a matching corrections row."""
    check = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"],
        cwd=project,
        capture_output=True,
        text=True,
    )
    if check.returncode != 0:
        return [
            Problem(
                "(git)",
                1,
                "--since",
                f"{revision!r} is not a revision of this repository",
                "a commit, tag or branch such as HEAD~1",
            )
        ]
    logged = {
        (tuple(r[k] for k in KEY), r["old_value"], r["new_value"])
        for r in read_rows(project / "data" / "corrections.csv")
    }
    problems = []
    for path in sorted((project / "data" / "observations").glob("*.csv")):
        relative = path.relative_to(project).as_posix()
        before_text = _at_revision(project, revision, relative)
        if before_text is None:
            continue  # a new file: its values are first releases, not corrections
        before = _observations(before_text)
        for key, (line, row) in _observations(path.read_text(encoding="utf-8")).items():
            if key not in before:
                continue
            old = before[key][1]
            for column in ("value", "printed"):
                if old[column] != row[column] and (key, old[column], row[column]) not in logged:
                    problems.append(
                        Problem(
                            relative,
                            line,
                            column,
                            f"changed from {old[column]!r} to {row[column]!r} since {revision} with no corrections row",
                            f"a row in data/corrections.csv with this key, old_value {old[column]!r} and "
                            f"new_value {row[column]!r}",
                        )
                    )
    return problems


def main(argv: list[str] | None = None) -> int:
    """`python -m swsurveys.changes REV`: list published values changed since REV without a corrections row."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m swsurveys.changes REVISION (a commit or release tag)", file=sys.stderr)
        return 2
    problems = unlogged_changes(Path.cwd(), args[0])
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(
            f"{len(problems)} published value(s) changed since the release {args[0]} with no row in "
            f"data/corrections.csv: log each correction there (swbook check --since {args[0]} lists them)",
            file=sys.stderr,
        )
        return 1
    print(f"every published value changed since the release {args[0]} is logged in data/corrections.csv")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
