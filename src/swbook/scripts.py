"""The project's own steps, as Quarto declares them: `project: pre-render`, `resources`, `post-render`.

swbook runs them as `quarto render` does, with the environment Quarto gives
them, so the project's extras (anything besides pages) are made by the same
code under either renderer. A `.py` script runs with this Python; any other
entry is a shell command. A failing step fails the build with its message.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

from .errors import BuildError
from .project import Book


def _steps(book: Book, key: str) -> list[str]:
    value = (book.config.get("project") or {}).get(key) or []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def environment(book: Book, output: Path, outputs: list[str] | None = None) -> dict[str, str]:
    """Quarto's variables for project scripts (https://quarto.org/docs/projects/scripts.html)."""
    env = dict(
        os.environ,
        QUARTO_PROJECT_DIR=str(book.root),
        QUARTO_PROJECT_RENDER_ALL="1",
        QUARTO_PROJECT_OUTPUT_DIR=str(output),
        QUARTO_PROJECT_INPUT_FILES="\n".join(page.relative for page in book.pages),
    )
    if outputs is not None:
        env["QUARTO_PROJECT_OUTPUT_FILES"] = "\n".join(outputs)
    return env


def run(book: Book, key: str, env: dict[str, str]) -> None:
    """Run the `project: <key>` steps in the project folder; raise BuildError naming the one that failed."""
    for step in _steps(book, key):
        script = book.root / step
        command = [sys.executable, str(script)] if step.endswith(".py") and script.is_file() else step
        try:
            done = subprocess.run(
                command, cwd=book.root, env=env, shell=isinstance(command, str), capture_output=True, text=True
            )
        except OSError as error:
            raise BuildError(f"_quarto.yml: project {key} {step!r} could not start: {error}") from None
        if done.returncode != 0:
            message = (done.stderr.strip() or done.stdout.strip() or "no message").splitlines()
            listing = "\n".join(message[-40:])
            raise BuildError(f"_quarto.yml: project {key} {step!r} failed (exit {done.returncode}):\n{listing}")


def copy_resources(book: Book, output: Path) -> None:
    """Copy the files `project: resources` names into the output, at their project paths."""
    for pattern in _steps(book, "resources"):
        matches = glob.glob(pattern, root_dir=book.root, recursive=True)
        if not matches:
            raise BuildError(
                f"_quarto.yml: project resources {pattern!r} matches no file "
                f"(expected it made by the pre-render step or kept in the project)"
            )
        for relative in matches:
            source, target = book.root / relative, output / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            if source.is_dir():
                shutil.copytree(source, target, dirs_exist_ok=True)
            else:
                shutil.copy2(source, target)
