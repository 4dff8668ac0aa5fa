"""Shared fixtures: copies of the project or its data that a test may break freely, the book built
once, a browser and a local server; and the markers that let `make test-fast` leave the slow tests out."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers import (
    DESKTOP,
    PHONE,
    ROOT,
    Site,
    book_pages,
    chapter_pages,
    copy_built,
    copy_project,
    look_at,
    recording_page,
)

SLOW_FILES = {"test_cache.py", "test_changes.py", "test_faults.py", "test_quarto.py"}  # renders of small books


def pytest_collection_modifyitems(items):
    """Mark what is slow: end-to-end tests (the whole book), browser tests and repeated renders."""
    for item in items:
        folder = Path(str(item.fspath)).parent.name
        if folder == "e2e" or "built" in item.fixturenames:
            item.add_marker(pytest.mark.e2e)
        if "browser" in item.fixturenames:
            item.add_marker(pytest.mark.browser)
        if Path(str(item.fspath)).name in SLOW_FILES or "project_copy" in item.fixturenames:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory) -> Path:
    """One cache folder for the data copies of the run: its entries are keyed by content, so a copy
    that changed one file re-checks only that file (as an author's second build does)."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture
def data_copy(tmp_path: Path, shared_cache: Path, monkeypatch) -> Path:
    """A private copy of data/ to break in one test."""
    monkeypatch.setenv("SWSURVEYS_CACHE", str(shared_cache))
    return Path(shutil.copytree(ROOT / "data", tmp_path / "data"))


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A private copy of the whole book project."""
    return copy_project(tmp_path / "book")


@pytest.fixture(scope="session")
def _built_book(tmp_path_factory):
    from swbook.build import render

    root = copy_project(tmp_path_factory.mktemp("book"))
    return root, render(root, quiet=True)


@pytest.fixture(scope="session")
def built(_built_book) -> Path:
    """The whole book rendered once (HTML and PDF, no cache) into a temporary copy of the project."""
    return _built_book[0]


@pytest.fixture(scope="session")
def first_render(_built_book):
    """The report of that first render: every chapter executed, what each one read."""
    return _built_book[1]


@pytest.fixture
def built_copy(built, tmp_path) -> Path:
    """A private copy of the built book (site and render cache) to edit and render again."""
    return copy_built(built, tmp_path / "book")


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, driven by Playwright: one browser profile for the whole run (as one reader's
    browser), each test opening its own tabs in it. A new profile per tab cost a third of a second."""
    from playwright.sync_api import sync_playwright

    from helpers import CHROMIUM_ARGS

    executable = shutil.which("chromium")
    assert executable, "make test installs Debian's chromium; it is missing"
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        profile = instance.new_context(accept_downloads=True, viewport={"width": DESKTOP, "height": 900})
        yield profile
        profile.close()
        instance.close()


@pytest.fixture(scope="session")
def site(built):
    """The built site served on a loopback port."""
    served = Site(built / "_book")
    yield served
    served.close()


@pytest.fixture(scope="session")
def seen(browser, site, built) -> dict[int, dict[str, dict]]:
    """The served book as a reader's browser shows it (`helpers.look_at`): every page at the desktop
    width, every page with figures at the phone's. Each page is visited once per width, in one tab per
    width, for all the browser tests that only look (drawing the charts is most of their time)."""
    found = {}
    for width, paths in ((DESKTOP, book_pages(built)), (PHONE, chapter_pages(built))):
        page = recording_page(browser, width)
        found[width] = {path: look_at(page, site.base + path) for path in paths}
        page.close()
    return found
