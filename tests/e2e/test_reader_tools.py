"""The reader's tools in a real browser, from file:// as a reader who downloaded the site would open it:
search, permalinks, figure downloads and citation, table CSV and sorting, and the printed page."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from helpers import DESKTOP, chapter_pages
from swsurveys.dates import MONTHS


def open_page(browser, built: Path, path: str, width: int = 1300, fragment: str = ""):
    """A page of the built site opened from file:// (at `#fragment`, if given), recording script errors."""
    page = browser.new_page()  # in the run's browser profile, which accepts downloads
    page.set_viewport_size({"width": width, "height": 900})
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
    page.goto((built / "_book" / path).as_uri() + (f"#{fragment}" if fragment else ""), wait_until="load")
    return page


def search(page, query: str) -> list[str]:
    page.fill("#search-input", query)
    page.locator(".search-list a").first.wait_for()
    links = page.locator(".search-list a")
    return [links.nth(i).get_attribute("href") for i in range(links.count())]


def download(page, button) -> tuple[str, bytes]:
    with page.expect_download() as started:
        button.click()
    item = started.value
    return item.suggested_filename, Path(item.path()).read_bytes()


# ----------------------------------------------------------------------------- search


def test_search_puts_the_chapter_named_for_the_word_first(browser, built):
    page = open_page(browser, built, "index.html")
    hits = search(page, "supervision")
    assert hits[0] == "chapters/across-supervision.html", hits
    first = page.locator(".search-list li").first
    assert "Supervision and management support" in first.inner_text()
    assert first.locator("mark").first.inner_text().lower() == "supervision"  # the word is highlighted
    assert page.errors == []


def test_search_for_caseload_shows_the_cross_year_and_the_2018_sections(browser, built):
    page = open_page(browser, built, "chapters/lga-2018.html", width=390)
    hits = search(page, "caseload")
    shown = [h.replace("../", "") for h in hits]  # links are relative to the page
    assert "chapters/across-workload.html#sec-across-caseload" in shown, shown
    assert "chapters/lga-2018.html#sec-lga-2018-workloads" in shown, shown
    assert all(page.locator(".search-list a").nth(i).is_visible() for i in range(len(hits)))


def test_search_lists_every_result_on_request(browser, built):
    page = open_page(browser, built, "index.html")
    search(page, "caseload")
    status = page.locator(".search-status").inner_text()
    total = int(status.split()[0])
    assert total > 10 and page.locator(".search-list li").count() == 10, status
    page.get_by_role("button", name=f"Show all {total} results").click()
    assert page.locator(".search-list li").count() == total
    assert not page.locator(".search-more").is_visible()


def test_search_result_lands_on_the_section(browser, built):
    page = open_page(browser, built, "index.html")
    search(page, "caseload")
    page.locator('.search-list a[href="chapters/lga-2018.html#sec-lga-2018-workloads"]').click()
    page.wait_for_url("**/chapters/lga-2018.html#sec-lga-2018-workloads")
    assert "Workloads and case allocation" in page.locator("section:target > h2").inner_text()


# ----------------------------------------------------------------------------- figures


def test_every_figure_offers_png_svg_and_csv(seen, built):
    figures = 0
    assert set(chapter_pages(built)) <= set(seen[DESKTOP])
    for path in chapter_pages(built):  # as the served site shows them (the downloads below: from file://)
        for figure in seen[DESKTOP][path]["figures"]:
            for name in ("Image (PNG)", "Image (SVG)"):
                assert name in figure["shown"], (path, figure["id"], name)
            assert len(figure["csv"]) == 1, (path, figure["id"], "Data (CSV)")
            target = (built / "_book" / path).parent / figure["csv"][0]
            assert target.resolve().is_file(), (path, figure["id"], figure["csv"][0])
            figures += 1
    assert figures > 20


def test_a_figure_downloads_as_png_and_svg_with_its_caption_and_source(browser, built):
    page = open_page(browser, built, "chapters/ofsted-2010.html", width=390)
    figure = page.locator("#fig-ofsted-2010-induction")
    name, png = download(page, figure.get_by_role("button", name="Image (PNG)"))
    assert name == "fig-ofsted-2010-induction.png" and png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    width = int.from_bytes(png[16:20], "big")
    assert width >= 800  # drawn at twice its size, for print, whatever the screen
    name, svg = download(page, figure.get_by_role("button", name="Image (SVG)"))
    text = svg.decode("utf-8")
    assert name == "fig-ofsted-2010-induction.svg" and text.startswith("<svg")
    assert (
        "Figure 4.1: Induction" in text
        and "Source: 2010 Ofsted practitioner survey" in text
        and "My induction prepared me" in text
    )
    assert page.errors == []


def test_cite_this_figure_names_title_book_number_address_and_date(browser, built):
    page = open_page(browser, built, "chapters/ofsted-2010.html")
    figure = page.locator("#fig-ofsted-2010-induction")
    figure.locator(".figure-cite summary").click()
    # The text is written when the toggle opens (book.js): wait for it rather than race it.
    page.wait_for_function(
        "() => (document.querySelector('#fig-ofsted-2010-induction .cite-text') || {}).textContent?.trim()"
    )
    text = figure.locator(".cite-text").inner_text()
    assert "Figure 4.1: Induction" in text
    assert "Children's social work surveys, 2009 to 2021" in text
    assert "chapters/ofsted-2010.html#fig-ofsted-2010-induction" in text
    assert "(accessed " in text and any(month in text for month in MONTHS)


# ----------------------------------------------------------------------------- permalinks


def test_headings_figures_and_tables_have_permalinks(browser, built):
    page = open_page(browser, built, "chapters/ofsted-2010.html")
    for selector in ("section[id] > h2", "section[id] > h3", ".sw-figure[id] > .figure-caption", "table[id] > caption"):
        holders = page.locator(selector)
        assert holders.count(), selector
        for i in range(holders.count()):
            holder = holders.nth(i)
            ident = holder.evaluate("h => h.parentNode.id")
            assert holder.locator(".anchor-link").get_attribute("href") == f"#{ident}", (selector, ident)
    heading = page.locator("#caseloads > h3")
    link = heading.locator(".anchor-link")
    assert link.evaluate("a => getComputedStyle(a).opacity") == "0"
    heading.hover()
    assert link.evaluate("a => getComputedStyle(a).opacity") == "1"  # shown on hover, as Quarto's are
    link.click()
    page.wait_for_url("**/chapters/ofsted-2010.html#caseloads")


def test_a_permalink_to_a_figures_table_opens_its_toggle(browser, built):
    page = open_page(browser, built, "chapters/ofsted-2010.html", fragment="fig-ofsted-2010-induction-values")
    table = page.locator("#fig-ofsted-2010-induction-values")
    table.wait_for(state="visible")
    assert table.locator("caption .anchor-link").get_attribute("href") == "#fig-ofsted-2010-induction-values"


# ----------------------------------------------------------------------------- tables


def column(table, n: int) -> list[str]:
    return table.locator(f"tbody tr td:nth-child({n})").all_inner_texts()


def test_a_table_header_click_sorts_its_rows(browser, built):
    page = open_page(browser, built, "chapters/lga-2018.html")
    table = page.locator("#tbl-lga-2018-responses")
    assert column(table, 2) == ["14", "15", "22", "26", "77"]
    header = table.get_by_role("button", name="Response rate (%)")
    header.click()
    rates = [int(v) for v in column(table, 3)]
    assert rates == sorted(rates) and table.locator("th[aria-sort=ascending]").inner_text().startswith("Response rate")
    header.click()
    assert [int(v) for v in column(table, 3)] == sorted(rates, reverse=True)
    table.get_by_role("button", name="Council type").click()
    assert column(table, 1) == sorted(column(table, 1))


def test_every_table_downloads_as_csv_of_its_cells(browser, built):
    page = open_page(browser, built, "chapters/lga-2018.html")
    tables = page.locator("main table")
    assert tables.count() > 10
    for i in range(tables.count()):  # every table, the Table toggles' (closed, so not yet visible) included
        button = tables.nth(i).locator("xpath=following-sibling::p[1]/button[@class='table-csv']")
        assert button.text_content() == "Download this table (CSV)", i
    table = page.locator("#tbl-lga-2018-responses")
    name, data = download(page, table.locator("xpath=following-sibling::p[1]").get_by_role("button"))
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert name == "tbl-lga-2018-responses.csv"
    assert rows[0] == ["Council type", "Councils responding", "Response rate (%)", "Line"]
    assert rows[1] == ["Shire County", "14", "52", "299"] and len(rows) == 6


# ----------------------------------------------------------------------------- print


def test_print_hides_navigation_and_tools_and_opens_table_toggles(browser, built):
    page = open_page(browser, built, "chapters/ofsted-2010.html")
    page.wait_for_selector(".sw-chart[data-drawn=true]")
    toggle = page.locator("#fig-ofsted-2010-induction-values")
    assert not toggle.is_visible()
    page.emulate_media(media="print")
    for hidden in (
        ".site-header",
        "#sidebar",
        ".toc",
        ".page-nav",
        "#search-input",
        ".figure-downloads",
        ".figure-table summary",
        ".table-tools",
        ".anchor-link",
    ):
        assert not page.locator(hidden).first.is_visible(), hidden
    assert toggle.is_visible() and "My induction prepared me" in toggle.inner_text()
    main_width = page.locator("main").evaluate("m => m.getBoundingClientRect().width")
    assert main_width > 1000  # the text runs the width of the paper, not a screen column
    internal = page.locator('main a[href^="../sources/"]').first
    assert internal.evaluate("a => getComputedStyle(a, '::after').content") in ("none", "normal")
