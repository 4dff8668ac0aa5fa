"""Shared fixtures: copies of the project or its data that a test may break freely."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT_PARTS = ("_quarto.yml", "index.qmd", "references.bib", "CITATION.cff", "LICENSE", "chapters", "data",
                 "_scripts")


def copy_project(target: Path) -> Path:
    """A copy of the book project (sources and data, no build outputs)."""
    target.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_PARTS:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target / name)
    return target


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of data/ to break in one test."""
    return Path(shutil.copytree(ROOT / "data", tmp_path / "data"))


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A private copy of the whole book project."""
    return copy_project(tmp_path / "book")


def replace_in_file(path: Path, old: str, new: str, count: int = 1) -> None:
    """Edit a fixture file, failing loudly if the text to replace is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """The whole book rendered once into a temporary copy of the project."""
    from swbook.build import render

    root = copy_project(tmp_path_factory.mktemp("book"))
    render(root, quiet=True)
    return root
