"""The published site in a real browser (Debian's Chromium driven by Playwright), served on localhost."""

from __future__ import annotations

import pytest

from helpers import AXE, DESKTOP, Site, book_pages, open_page, replace_in_file
from swbook.build import render


def test_every_page_loads_cleanly_and_stays_on_localhost(seen, site, built):
    assert set(seen[DESKTOP]) == set(book_pages(built))
    for path, shown in seen[DESKTOP].items():
        assert shown["drawings"] == len(shown["charts"]), path  # every chart drawn, once
        assert shown["errors"] == [], (path, shown["errors"])
        assert all(url.startswith(site.base) for url in shown["requests"]), (path, shown["requests"])


def test_table_toggle_shows_the_plotted_values(browser, site):
    page = open_page(browser, site.base + "chapters/ofsted-2010.html")
    figure = page.locator("#fig-ofsted-2010-induction")
    table = figure.locator(".figure-table table")
    assert not table.is_visible()
    figure.locator(".figure-table summary").click()
    assert table.is_visible()
    text = table.inner_text()
    assert "51" in text and "27" in text and "My workplace induction covered" in text
    csv = page.request.get(site.base + "figures/fig-ofsted-2010-induction.csv").text()
    assert csv.splitlines()[0].startswith("survey,table,question") and len(csv.splitlines()) == 5


def test_a_source_line_link_lands_on_the_highlighted_line(browser, site):
    page = open_page(browser, site.base + "chapters/ofsted-2010.html")
    figure = page.locator("#fig-ofsted-2010-induction")
    figure.locator(".figure-table summary").click()
    figure.locator('.figure-table a[title="line 283 of the source"]').first.click()  # Q1 agree, printed 51
    page.wait_for_url("**/sources/ofsted-2010.html#L283")
    row = page.locator("tr:target")
    assert row.get_attribute("id") == "L283"
    assert "My workplace induction covered" in row.inner_text()
    assert row.evaluate("r => getComputedStyle(r).backgroundColor") == "rgb(255, 242, 168)"


def test_search_finds_a_term_from_a_chapter(browser, site):
    page = open_page(browser, site.base + "index.html")
    page.fill("#search-input", "electronic case recording")
    results = page.locator(".search-results a")
    results.first.wait_for()
    assert any("ofsted-2010.html" in (results.nth(i).get_attribute("href") or "") for i in range(results.count()))


@pytest.mark.parametrize(
    "path", ["index.html", "chapters/ofsted-2010.html", "chapters/data-dictionary.html", "sources/ofsted-2010.html"]
)
def test_no_serious_accessibility_violations(browser, site, path):
    page = open_page(browser, site.base + path)
    if page.locator(".sw-chart").count():
        page.wait_for_selector(".sw-chart[data-drawn=true]")
    page.add_script_tag(path=AXE)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [
        (v["id"], v["impact"], len(v["nodes"])) for v in result["violations"] if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], serious


def test_text_from_the_data_is_shown_as_text(browser, built_copy):
    root = built_copy
    replace_in_file(
        root / "data/observations/ofsted-2010.csv",
        "Q13b) The local authority acknowledges and praises",
        "Q13b) The local authority <script>alert('x')</script> praises",
        count=3,
    )
    render(root, to=("html",), quiet=True)
    served = Site(root / "_book")
    try:
        page = open_page(browser, served.base + "chapters/ofsted-2010.html")
        page.wait_for_selector(".sw-chart[data-drawn=true]")
        figure = page.locator("#fig-ofsted-2010-learning")
        figure.locator(".figure-table summary").click()
        assert "<script>alert('x')</script>" in figure.locator(".figure-table table").inner_text()
        assert page.dialogs == [] and page.errors == []
    finally:
        served.close()
