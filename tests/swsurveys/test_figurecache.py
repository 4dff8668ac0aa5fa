"""Figures kept between builds (`swsurveys.figurecache`): a kept figure is the one its call would build now."""

import json
import re

import pytest

from swbook.mime import DEFER_ENV
from swsurveys import catalogue, charts, figurecache
from swsurveys.paths import using_data


def _shown(figure) -> str:
    """What a reader gets from a figure: its page HTML and print recipe (chart ids aside)."""
    return re.sub(r"sw-chart-\d+", "sw-chart-N", json.dumps(figure._repr_mimebundle_(), sort_keys=True, default=str))


@pytest.fixture
def book_build(data_copy, monkeypatch, tmp_path):
    """A private data package, read as a chapter reads it under swbook, with a cache folder of its own."""
    monkeypatch.setenv(DEFER_ENV, "1")
    monkeypatch.setenv("SWSURVEYS_CACHE", str(tmp_path / "cache"))
    return data_copy


def _statements(data):
    with using_data(data):
        catalogue.clear_cache()
        frame = catalogue.load("ofsted-2010", "summary-all-questions")
        return frame, charts.agree_disagree(frame.head(8), alt="Agreement with eight statements")


def test_a_second_build_reuses_the_figure_and_shows_the_same(book_build):
    frame, built = _statements(book_build)
    first = _shown(built)
    assert built.chart is not None
    _, kept = _statements(book_build)
    assert kept.chart is None  # from the cache: no Altair chart was built
    assert _shown(kept) == first
    assert kept.spec(narrow=True) != kept.spec()  # the phone layout is kept too, not replaced by the wide one


def test_a_fixed_value_builds_the_figure_again(book_build):
    _, built = _statements(book_build)
    before = _shown(built)
    path = book_build / "observations" / "ofsted-2010.csv"
    text = path.read_text(encoding="utf-8")
    row = "Agree,All,percent,51,51,,,283,1,"
    assert row in text
    path.write_text(text.replace(row, row.replace(",51,51,", ",52,52,"), 1), encoding="utf-8")
    _, rebuilt = _statements(book_build)
    assert rebuilt.chart is not None  # built afresh
    assert _shown(rebuilt) != before and '"value": 52' in _shown(rebuilt).replace(".0", "")


def test_changed_table_metadata_builds_the_figure_again(book_build):
    _statements(book_build)
    path = book_build / "tables.csv"  # another survey's row: the figure's own observations are unchanged
    lines = path.read_text(encoding="utf-8").split("\n")
    other = next(i for i, line in enumerate(lines) if line.startswith("swtf-2009,"))
    lines[other] = lines[other].replace(",", ", ", 1)
    path.write_text("\n".join(lines), encoding="utf-8")
    _, rebuilt = _statements(book_build)
    assert rebuilt.chart is not None


def test_outside_a_book_build_a_helper_always_gives_its_chart(book_build, monkeypatch, tmp_path):
    monkeypatch.delenv(DEFER_ENV)
    for _ in range(2):
        _, figure = _statements(book_build)
        assert figure.chart is not None
    assert not (tmp_path / "cache" / "figures").exists()


def test_a_call_that_cannot_be_pickled_is_not_kept():
    assert figurecache.key("charts.bars", (lambda: 1,), {}) is None
