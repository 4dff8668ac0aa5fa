"""Charts and tables as a reader sees them on a phone (390 px) and a desktop (1300 px), in a real browser."""

from __future__ import annotations

import pytest

from helpers import DESKTOP, PHONE, open_page

# Figures whose value labels sit close together: diverging stacks, grouped bars, stacked panels, timelines.
CROWDED = [
    "chapters/swtf-2009.html",
    "chapters/swtf-2009-time.html",
    "chapters/ofsted-2012.html",
    "chapters/lga-2018.html",
    "chapters/sources-compared.html",
    "chapters/across-workload.html",
]


def overlaps(texts: list[dict]) -> list[tuple[str, str]]:
    """Pairs of drawn labels whose boxes overlap by more than a pixel each way."""
    found = []
    marks = [t for t in texts if t["mark"]]
    for i, a in enumerate(marks):
        for b in marks[i + 1 :]:
            (l1, t1, r1, b1), (l2, t2, r2, b2) = a["box"], b["box"]
            if l1 < r2 - 1 and l2 < r1 - 1 and t1 < b2 - 1 and t2 < b1 - 1:
                found.append((a["text"], b["text"]))
    return found


def _small_text(path: str, chart: dict, smallest: float) -> list[str]:
    """The chart's text drawn under `smallest` px on screen, as a problem to report (or none)."""
    small = sorted({round(t["px"], 1) for t in chart["texts"] if t["px"] < smallest})
    return [f"{path} {chart['figure']}: chart text at {small} px (under {smallest})"] if small else []


def test_on_a_phone_charts_are_relaid_out_readable_and_never_widen_the_page(seen):
    problems = []
    for path, shown in seen[PHONE].items():
        for chart in shown["charts"]:
            problems += _small_text(path, chart, 11)
            if chart["width"] > chart["room"] + 1:
                problems.append(f"{path} {chart['figure']}: chart {chart['width']:.0f} px wide in {chart['room']} px")
        if shown["page width"] > PHONE:
            problems.append(f"{path}: the page is {shown['page width']} px wide at {PHONE} px")
    assert problems == [], "\n".join(problems)


def test_on_a_desktop_charts_fill_the_column_with_readable_labels(seen):
    problems = []
    for path, shown in seen[DESKTOP].items():
        for chart in shown["charts"]:
            problems += _small_text(path, chart, 12)
            if not chart["room"] * 0.95 <= chart["width"] <= chart["room"] + 1:
                problems.append(
                    f"{path} {chart['figure']}: chart {chart['width']:.0f} px wide in a {chart['room']} px column"
                )
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_value_and_axis_labels_never_overlap(seen, width):
    assert set(CROWDED) <= set(seen[width])
    problems = []
    for path in CROWDED:
        for chart in seen[width][path]["charts"]:
            for a, b in overlaps(chart["texts"]):
                problems.append(f"{path} {chart['figure']}: {a!r} overlaps {b!r}")
    assert problems == [], "\n".join(problems[:40])


def test_a_stacked_segment_tooltip_names_the_category_value_and_source_line(browser, site):  # noqa: F811
    page = open_page(browser, site.base + "chapters/swtf-2009-time.html", DESKTOP, drawn=True)
    segment = page.locator("#fig-swtf-2009-time-setting .sw-chart .mark-rect path").nth(3)
    segment.scroll_into_view_if_needed()
    box = segment.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tip = page.locator("#vg-tooltip-element")
    tip.wait_for(state="visible")
    text = tip.inner_text()
    assert "Category" in text and "Value as printed" in text and "%" in text
    assert "2009 workload survey" in text and "line " in text and "null" not in text and "|" not in text
    page.close()


def test_a_chart_redraws_for_the_new_width_when_the_window_narrows(browser, site):  # noqa: F811
    page = open_page(browser, site.base + "chapters/ofsted-2010.html", DESKTOP, drawn=True)
    chart = page.locator(".sw-chart").first
    assert chart.get_attribute("data-layout") == "wide"
    page.set_viewport_size({"width": PHONE, "height": 900})
    page.wait_for_function("document.querySelector('.sw-chart').dataset.layout === 'narrow'", timeout=20_000)
    page.wait_for_function(
        "(c => c.querySelector('svg').getAttribute('width') == c.clientWidth)(document.querySelector('.sw-chart'))",
        timeout=20_000,
    )
    page.close()
