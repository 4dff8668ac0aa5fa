"""Figures carry an interactive chart, a vector image, alt text and a source note."""

from __future__ import annotations

import inspect
import json
import xml.etree.ElementTree as ElementTree

import pandas as pd
import pytest

import swsurveys
from swsurveys import charts, derived, display


def _figure():
    frame = swsurveys.load("ofsted-2010", "summary-all-questions")
    return charts.agree_disagree(frame[frame["question"].str.match(r"Q(1|2)\)")])


def test_figure_bundle_has_html_svg_and_metadata():
    bundle = _figure()._repr_mimebundle_()
    assert {"text/html", "image/svg+xml", charts.FIGURE_MIME} <= set(bundle)
    svg = ElementTree.fromstring(bundle["image/svg+xml"])
    assert svg.tag.endswith("svg")
    texts = "".join(svg.itertext())
    assert "51%" in texts and "27%" in texts  # direct labels on the bars
    meta = bundle[charts.FIGURE_MIME]
    assert "51% agree, 27% disagree" in meta["alt"]  # alt text reads out the values
    # Short title and publisher once, the table, its pages and lines; no base sentence about Q3, not drawn here.
    assert meta["source_note"].startswith("Source: 2010 Ofsted practitioner survey (Ofsted")
    assert "pages 40-45" in meta["source_note"] and "lines 278-364" in meta["source_note"]
    assert "Q3" not in meta["source_note"] and "newly qualified" not in meta["source_note"]
    assert {row["line"] for row in meta["observations"]} == {283, 284}


def test_html_chart_uses_local_vega_and_house_palette():
    html = _figure().html()
    spec = json.loads(html.split('class="sw-spec" data-for="')[1].split(">", 1)[1].split("</script>")[0])
    assert spec["config"]["range"]["category"][0] == "#12436D"
    assert "src=" not in html  # no CDN: the page's own bundle draws it
    assert 'role="img" aria-label="' in html
    assert '<p class="source-note">Source: 2010 Ofsted practitioner survey' in html


def test_data_text_cannot_break_out_of_the_page():
    frame = swsurveys.load("ofsted-2010", "summary-all-questions").head(2).copy()
    frame["question"] = "</script><script>alert(1)</script>"
    html = charts.agree_disagree(frame).html()
    assert "<script>alert(1)" not in html
    cell = display.escape_markdown("<script>alert('x')</script> @ref *bold*")
    assert "<script>" not in cell and "\\<script\\>" in cell and "\\@ref" in cell


def test_markdown_table_escapes_and_aligns():
    table = display.table(pd.DataFrame({"Label": ["a|b"], "Value": [1.5]}))
    text = table._repr_markdown_()
    assert "a\\|b" in text and "---:" in text


def test_derived_values_are_marked_and_correct():
    frame = pd.DataFrame(
        {
            "survey": "s",
            "table": "t",
            "question": "q",
            "group": "All",
            "measure": "percent",
            "category": ["Strongly agree", "Agree", "Disagree"],
            "value": [20.0, 35.0, 10.0],
            "order": [1, 2, 3],
            "base": [100, 100, 100],
            "printed": ["20", "35", "10"],
            "line": [1, 2, 3],
        }
    )
    agree = derived.combine(frame, ["Strongly agree", "Agree"], "Agree (derived)")
    assert agree["value"].tolist() == [55.0] and agree["derived"].all()
    assert agree["printed"].tolist() == [""] and "derived" in agree["note"].item()
    missing = derived.combine(frame, ["Strongly agree", "Neither"], "x")
    assert missing.empty  # no partial sums


def test_share_of_answering_rebases_counts():
    frame = pd.DataFrame(
        {
            "survey": "s",
            "table": "t",
            "question": "",
            "group": "CSD",
            "measure": "count",
            "category": ["0-10", "11-20", "Not stated", "Total"],
            "value": [30.0, 10.0, 60.0, 100.0],
            "order": [1, 2, 3, 4],
            "base": None,
            "printed": "",
            "line": 1,
        }
    )
    shares = derived.share_of_answering(frame, ["Not stated"])
    assert shares.set_index("category")["value"].to_dict() == {"0-10": 75.0, "11-20": 25.0}
    assert shares["derived"].all() and (shares["base"] == 40).all()


def _every_kind_of_figure() -> list:
    """One figure from each helper, on real data."""
    from swsurveys import crosswalk

    summary = swsurveys.load("ofsted-2010", "summary-all-questions")
    annex = swsurveys.load("ofsted-2012", "annex-a-social-workers").head(12)
    scores = swsurveys.load("ircsc-2021", "q2-placements")
    agree = summary[summary["category"] == "Agree"].head(4)
    both = summary[summary["question"].str.match(r"Q(1|2)\)")]
    pairs = pd.DataFrame(
        {"item": ["a", "a"], "series": ["2010", "2011"], "value": [51.0, 63.0], "shown": ["51%", "63% (derived)"]}
    )
    return [
        charts.agree_disagree(both),
        charts.bars(agree, alt="bars", label="question", percent=True),
        charts.grouped_bars(both, alt="grouped", label="question", group="category", percent=True),
        charts.likert(
            annex,
            categories=list(dict.fromkeys(annex["category"])),
            negative=["Strongly disagree", "Disagree"],
            neutral=["Neither agree nor disagree", "Don't know"],
            alt="likert",
        ),
        charts.dot_plot(scores, alt="dots"),
        charts.paired_dots(
            pairs,
            alt="pairs",
            label="item",
            series="series",
            note="n",
            series_order=["2010", "2011"],
            observations=both,
        ),
        crosswalk.figure(crosswalk.linked("supervision")),
        charts.composition_bars(
            annex, alt="stacked", label="question", categories=list(dict.fromkeys(annex["category"]))
        ),
        charts.panel_bars(agree, alt="panels", panel="table", label="question", percent=True),
    ]


def test_every_helper_draws_a_valid_vega_lite_spec():
    # Figures skip altair's schema validation when building pages (it is most of the cost); check it here.
    for figure in _every_kind_of_figure():
        figure.chart.to_dict(validate=True)
        assert figure.spec() is figure.spec()  # built once, shared by the HTML and the SVG


def test_help_shows_each_helpers_options_with_its_own_defaults_and_a_misspelt_one_is_named():
    # The shared options are defined once (charts.BarOptions) but read in help() as each helper's own keywords.
    grouped, panels = inspect.signature(charts.grouped_bars), inspect.signature(charts.panel_bars)
    for name in ("alt", "label", "percent", "title", "width", "wrap_at", "note", "narrow", "group", "groups"):
        assert name in grouped.parameters, name
    assert "panel" in panels.parameters and "options" not in grouped.parameters
    assert (grouped.parameters["width"].default, grouped.parameters["wrap_at"].default) == (340, 40)
    assert (panels.parameters["width"].default, panels.parameters["wrap_at"].default) == (360, 44)
    assert inspect.signature(charts.agree_disagree).parameters["label"].default == "question"
    frame = swsurveys.load("ofsted-2010", "summary-all-questions").head(2)
    with pytest.raises(TypeError, match=r"grouped_bars\(\) got an unexpected keyword argument 'colour'"):
        charts.grouped_bars(frame, alt="x", colour="red")


def test_a_note_over_several_tables_names_the_report_once():
    tables = [t for t in swsurveys.tables("swtf-2009")["table"]][:3]
    frames = [swsurveys.load("swtf-2009", t) for t in tables if t in set(swsurveys.load("swtf-2009")["table"])][:2]
    note = charts.source_note(*frames)
    assert note.count("2009 workload survey") == 1 and note.count("Social Work Task Force") == 1
    assert all((f.attrs["table"]["number"] or f.attrs["table"]["title"]) in note for f in frames)


def test_the_phone_layout_wraps_labels_above_full_width_bars_with_fewer_ticks():
    figure = _figure()
    wide, narrow = figure.spec(), figure.spec(narrow=True)
    # The PDF's SVG is drawn from the desktop spec, never from the phone layout.
    assert narrow != wide and figure.svg() == charts.with_note(charts.print_svg(wide), figure.note, charts.PRINT_TYPE)
    axis = narrow["layer"][0]["encoding"]["y"]["axis"]
    assert axis["labelAlign"] == "left"  # the label sits over the bar, not beside it
    assert len(narrow["layer"][0]["encoding"]["x"]["axis"]["values"]) < len(
        wide["layer"][0]["encoding"]["x"]["axis"]["values"]
    )
    html = figure.html()
    assert 'data-narrow="true"' in html and 'data-narrow="false"' in html


@pytest.mark.slow  # a dozen drawings of a tall chart: out of the quick loop
def test_a_fixed_value_redraws_a_figure_once_in_the_print_layout_it_had(tmp_path, monkeypatch):
    """The layout search takes several drawings; a chart of the same shape with another value takes one."""
    import copy

    from swsurveys import crosswalk

    themes = ["staffing-and-vacancies", "recording-and-it", "job-satisfaction-and-morale", "retention"]
    spec = crosswalk.figure(crosswalk.linked([*themes, "organisational-culture", "partnerships"])).spec()
    drawings = []
    draw = charts.vl_convert.vegalite_to_svg
    monkeypatch.setattr(charts.vl_convert, "vegalite_to_svg", lambda s: drawings.append(1) or draw(s))
    first = charts.print_svg(spec, tmp_path)
    searched = len(drawings)
    assert searched > 1  # a stack of panels: the search tries more than one layout
    fixed = copy.deepcopy(spec)
    rows = next(rows for rows in fixed["datasets"].values() if rows and "value" in rows[0])
    rows[0]["value"] = rows[0]["value"] + 1 if rows[0]["value"] < 50 else rows[0]["value"] - 1
    drawings.clear()
    second = charts.print_svg(fixed, tmp_path)
    assert len(drawings) == 1 and second != first  # one drawing, of the new value
    assert charts._svg_size(second)[0] <= charts.PRINT_WIDTH
    assert charts.print_svg(fixed) == second  # the layout the search would find for it anyway
